"""Readable views of the events for people: the table as shown, headline figures, data quoted in messages.

The timeline chart is in :mod:`dashboard.ui.timeline`."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..dataset.filters import countries_involved
from ..dataset.schema import LocationPrecision, event_type_label
from ..geography.countries import country_name

__all__ = ["Summary", "code_span", "date_span", "summarize", "table_view"]


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
