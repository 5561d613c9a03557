"""Readable views of the events for people: the table as shown, headline figures, the timeline chart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..dataset.filters import countries_involved
from ..dataset.schema import LocationPrecision, event_type_label
from ..geography.countries import country_name
from ..maps.mapping import EVENT_COLORS

if TYPE_CHECKING:  # altair is imported where a chart is made: on a fresh server the map goes out ~0.25 s sooner
    import altair as alt

__all__ = ["TIMELINE_MAX_BARS", "Summary", "code_span", "date_span", "summarize", "table_view",
           "timeline_chart"]


@dataclass(frozen=True)
class Summary:
    events: int
    places: int
    countries: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None


CODE_SPAN_MAX = 300  # characters of data quoted in a message; the rest is in the table or the file


def code_span(text: object, *, limit: int = CODE_SPAN_MAX) -> str:
    """``text`` as a Markdown code span, to quote data (a URL parameter, a file name, a problem) in a message.

    Escaping is not enough for Streamlit's Markdown: it turns bare URLs, ``www.`` names and e-mail addresses into
    links and ``:material/…:`` or ``:smile:`` into icons *after* escapes are read. Inside a code span none of
    that happens (but see ``:material/`` below). The fence is one backtick longer than any run of backticks in
    ``text``, and line breaks become spaces, since a blank line would end the span (and the paragraph) early.
    """
    body = " ".join(str(text).splitlines())
    body = body[:limit] + "…" if len(body) > limit else body
    # Streamlit's frontend rewrites ":material/" to ":material_" in the Markdown source, code spans included;
    # an invisible word joiner after the colon keeps the text as it was.
    body = body.replace(":material/", ":\u2060material/")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    # One space inside each end is dropped by the parser; it lets text begin or end with a backtick.
    return f"{fence} {body} {fence}"


def date_span(first: pd.Timestamp | None, last: pd.Timestamp | None) -> str:
    """"1 Jan 2018 – 5 Sep 2022" (not strftime's %-d, which Windows lacks); "—" without dates."""
    if first is None or last is None:
        return "—"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def summarize(events: pd.DataFrame) -> Summary:
    """Headline figures: events, distinct places, countries involved (participants or places), date span."""
    if events.empty:
        return Summary(0, 0, 0, None, None)
    return Summary(len(events), events["place"].nunique(), len(countries_involved(events)), events["start_date"].min(),
                   events["end_date"].max())


def table_view(events: pd.DataFrame) -> pd.DataFrame:
    """The events as the app's table shows them: country names, precision in words, dates as dates."""
    return pd.DataFrame({
        "Event": events["title"],
        "Type": events["event_type"].map(event_type_label),
        "Start": events["start_date"].dt.date,
        "End": events["end_date"].dt.date,
        "Date known to": events["date_precision"],
        "Date from": events["date_basis"],
        "Place": events["place"],
        "Place precision": events["location_precision"].map(lambda p: LocationPrecision(int(p)).label),
        "Participants": events["participants"].map(lambda cs: ", ".join(country_name(c) for c in cs)),
        "Cited outlet": events["sources"].map(", ".join),
        "Quote": events["quote"],
        "Seed": events["seed"],
        "ID": events["event_id"],
    }, index=events.index)


TIMELINE_MAX_BARS = 300  # beyond this a bar per event is unreadable (and slow): count events per month instead


def timeline_chart(events: pd.DataFrame) -> alt.LayerChart | alt.Chart:
    """One bar per event from its start to the end of its last day, coloured as on the map; for many events,
    the number of events starting each month, by type."""
    import altair as alt

    if len(events) > TIMELINE_MAX_BARS:
        return _monthly_chart(events)
    # One row per event: two events with the same title get their ids, or the chart would draw them as one.
    twins = events["title"].duplicated(keep=False)
    data = pd.DataFrame({
        "title": events["title"].where(~twins, events["title"] + " [" + events["event_id"] + "]"),
        "type": events["event_type"].map(event_type_label),
        "start": events["start_date"],
        "end": events["end_date"] + pd.Timedelta(days=1),  # the end day is included
        "precision": events["date_precision"],
        "basis": events["date_basis"],
        "id": events["event_id"],
    })
    base = alt.Chart(data).encode(
        y=alt.Y("title:N", sort=alt.EncodingSortField("start", order="ascending"), title=None,
                axis=alt.Axis(labelLimit=360)),
        color=_type_colors(),
        tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("start:T", title="Start"),
                 alt.Tooltip("end:T", title="Until"), alt.Tooltip("precision:N", title="Known to the"),
                 alt.Tooltip("basis:N", title="Date from"), alt.Tooltip("id:N", title="ID")],
    )
    spans = base.mark_bar(height=10, cornerRadius=2, opacity=0.8).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%b %Y")), x2="end:T")
    # A dot at the start keeps one-day events visible on an axis years long.
    starts = base.mark_point(filled=True, size=50, opacity=1).encode(x="start:T")
    return (spans + starts).properties(height=max(80, 24 * len(data)))


def _monthly_chart(events: pd.DataFrame) -> alt.Chart:
    import altair as alt

    months = events["start_date"].to_numpy().astype("datetime64[M]")  # numpy: 10x faster than to_period
    counts = (pd.DataFrame({"month": months, "type": events["event_type"].to_numpy()})
              .value_counts().rename("events").reset_index())
    counts["type"] = counts["type"].map(event_type_label)
    return (
        alt.Chart(counts, title=f"{len(events):,} events by the month they start")
        .mark_bar()
        .encode(x=alt.X("yearmonth(month):T", title=None), y=alt.Y("events:Q", title="events", stack=True),
                color=_type_colors(),
                tooltip=[alt.Tooltip("yearmonth(month):T", title="Month"), alt.Tooltip("type:N", title="Type"),
                         alt.Tooltip("events:Q", title="Events", format=",")])
        .properties(height=220)
    )


def _type_colors() -> alt.Color:
    """Event types coloured as on the map."""
    import altair as alt

    kinds = [event_type_label(k) for k in EVENT_COLORS]
    return alt.Color("type:N", title="Event type", scale=alt.Scale(domain=kinds, range=list(EVENT_COLORS.values())))
