"""The timeline of events: a Vega-Lite chart that reads at any width and reports what people drag and click.

Pure: events and the date filter in, a Vega-Lite spec (a dict, JSON as it is) out; selections from the browser
in, dates or an event id out. No Streamlit here: the app renders the spec with ``on_select="rerun"`` and
decodes what comes back. No Altair either: building its objects validated every encoding against the schema
(~250 ms for a dozen events) and importing it costs the first page ~0.25 s.

- One row per event (up to :data:`TIMELINE_MAX_BARS`): its title as text across the row above its span, so the
  spans get the whole width at 420 px as at 1400 px. A span known to the day is solid with a dot at its start;
  one known only to the week, month or year is faded and dashed with a hollow ring: somewhere in there.
- Beyond that many events, the number of events per month, by type.
- The x axis shows exactly the filtered dates, with ticks computed here (:func:`timeline_ticks`) so that no
  two labels are the same. Days travel as milliseconds since 1970 (UTC midnights) on a linear scale, so a day
  in Python is the same day in every browser, whatever its time zone, and a drag comes back as two numbers.
  (A temporal scale would not do: Vega-Lite 6 turns a domain shared by x and x2 into a union Vega cannot read,
  and the chart loses its axis.)
- Two selection parameters: :data:`TIMELINE_BRUSH`, an interval on x (decoded by :func:`brushed_dates`), and
  :data:`TIMELINE_PICK`, a point on the event id (decoded by :func:`picked_event`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.schema import MAX_DATE, MIN_DATE, DatePrecision, event_type_label
from ..maps.mapping import EVENT_COLORS

__all__ = [
    "TIMELINE_BRUSH",
    "TIMELINE_HELP",
    "TIMELINE_LEGEND",
    "TIMELINE_MAX_BARS",
    "TIMELINE_PICK",
    "TIMELINE_VIEWPORT_PX",
    "brushed_dates",
    "picked_event",
    "timeline_chart",
    "timeline_height",
    "timeline_ticks",
]

Spec = dict[str, Any]

TIMELINE_MAX_BARS = 300  # beyond this a row per event is unreadable (and slow): count events per month instead
TIMELINE_BRUSH = "dates"  # the interval selection on x: dragging across the chart
TIMELINE_PICK = "pick"  # the point selection on the event id: clicking an event's row
TIMELINE_VIEWPORT_PX = 480  # a taller chart belongs in a scrolling container this high (14 rows show)
TIMELINE_LEGEND = (
    "Solid bar with a dot: dates known to the day. Faded, dashed span with a hollow ring: known only to the "
    "week, month or year — the event happened somewhere in that span, not necessarily all of it."
)
TIMELINE_HELP = "Drag across the timeline to choose dates; click an event to select it; double-click to clear."

ROW_PX = 28  # one event: its title (12 px text) above its span (8 px)
BAR_OFFSET = 6  # px below the row's middle; the title is 5 px above it
MONTHLY_PX = 220  # the monthly chart's plot
FRAME_PX = 125  # what the chart adds to its plot: a legend of up to three rows and the axis on top, padding
MONTHLY_TITLE_PX = 40  # and the monthly chart its title and the space for its y axis's top label
MAX_TICKS = 7  # "Aug 2022" takes ~50 px: seven fit in the ~380 px a phone leaves the plot
TIME_FIELD = "start"  # the x field of the view holding the brush, in both charts: the key of the brush's value
ID_FIELD = "id"
TEXT_COLOR = "#1f2328"  # the theme's textColor (.streamlit/config.toml): Vega's text marks ignore it
TITLE_CHARS = 300  # the browser cuts titles to the width; this only bounds what is sent
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

DAY_MS = 86_400_000
EPOCH = dt.date(1970, 1, 1)
# Tick steps, finest first: (unit, size). Weekly and fortnightly ticks keep to the same days of every month.
TICK_STEPS: list[tuple[str, int]] = [
    ("day", 1), ("day", 2), ("day", 7), ("day", 14),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    *[("year", n) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)],
]
MONTH_DAYS = {7: (1, 8, 15, 22), 14: (1, 15)}  # not the 29th: two days before the 1st, the labels would touch
DAY_TICKS_SPAN = 120  # days: longer spans take more than MAX_TICKS ticks at 14 days, so days are not listed
MONTH_TICKS_SPAN = 366 * 6  # days: longer spans take more than MAX_TICKS ticks at 6 months
VAGUE = f"datum.precision != '{DatePrecision.DAY.value}'"  # known only to the week, month or year (or unknown)


# ---------------------------------------------------------------- the chart


def timeline_chart(events: pd.DataFrame, *, start: dt.date, end: dt.date) -> Spec:
    """The Vega-Lite spec of the events on an axis of exactly the filtered dates, ``start`` to ``end`` (both
    included; events reaching beyond are cut at the edges): a row per event, or for more than
    :data:`TIMELINE_MAX_BARS` events the number starting each month, by type. Plain JSON: the app passes it to
    ``st.vega_lite_chart`` as it is."""
    start, end = sorted((start, end))
    if len(events) > TIMELINE_MAX_BARS:
        return _monthly_chart(events, start=start, end=end)
    return _rows_chart(events, start=start, end=end)


def timeline_height(n_events: int) -> int:
    """The chart's height in pixels for ``n_events`` (plot, axis, legend). Above :data:`TIMELINE_VIEWPORT_PX`
    the app puts it in ``st.container(height=TIMELINE_VIEWPORT_PX)``; the axis is at the top, so it shows."""
    if n_events > TIMELINE_MAX_BARS:
        return MONTHLY_PX + MONTHLY_TITLE_PX + FRAME_PX
    return ROW_PX * max(1, n_events) + FRAME_PX


def _rows_chart(events: pd.DataFrame, *, start: dt.date, end: dt.date) -> Spec:
    rows = _rows(events)
    colors = _colors(rows["type"])
    shown = {"condition": {"param": TIMELINE_PICK, "value": 1}, "value": 0.3}  # a picked event stands out
    layers = [_bands(), _spans(start, end, colors, shown), *_markers(start, end, colors, shown), _titles(shown)]
    return _spec(rows, layers, height=ROW_PX * max(1, len(rows)), encoding={
        "y": {"field": "row", "type": "ordinal", "axis": None, "scale": {"paddingInner": 0, "paddingOuter": 0}},
        "tooltip": [{"field": "full", "title": "Event"}, {"field": "type", "title": "Type"},
                    {"field": "when", "title": "When"}, {"field": "basis", "title": "Date from"},
                    {"field": "id", "title": "ID"}],
    })


def _bands() -> Spec:
    """A faint band under every other row ties a title to its span; the bands make the whole row clickable."""
    return {"mark": {"type": "rect", "fill": "#808080"},
            "encoding": {"x": {"value": 0}, "x2": {"value": "width"},
                         "fillOpacity": {"condition": {"test": "datum.row % 2 == 1", "value": 0.06}, "value": 0}}}


def _spans(start: dt.date, end: dt.date, colors: Spec, shown: Spec) -> Spec:
    """The spans, solid when known to the day, else faded with a dashed outline; the view of both selections."""
    pick = {"name": TIMELINE_PICK, "select": {"type": "point", "fields": [ID_FIELD], "on": "click",
                                              "clear": "dblclick"}}
    return {"name": "spans", "params": [_brush(), pick],
            "mark": {"type": "bar", "height": 8, "yOffset": BAR_OFFSET, "cornerRadius": 2, "strokeWidth": 1.2,
                     "clip": True},
            "encoding": {"x": _x(start, end), "x2": {"field": "end"}, "color": colors, "stroke": colors,
                         "opacity": shown, "fillOpacity": _if_vague(0.2, 0.9), "strokeOpacity": _if_vague(1, 0),
                         "strokeDash": _if_vague([3, 2], [1, 0])}}


def _markers(start: dt.date, end: dt.date, colors: Spec, shown: Spec) -> list[Spec]:
    """A dot on the first day of a span known to the day, a hollow ring amid one that is not: an event stays
    visible however short it is against the axis."""
    mark = {"type": "point", "yOffset": BAR_OFFSET, "clip": True}
    return [{"transform": [{"filter": f"!({VAGUE})"}], "mark": {**mark, "filled": True, "size": 45},
             "encoding": {"x": _x(start, end, "dot"), "color": colors, "opacity": shown}},
            {"transform": [{"filter": VAGUE}], "mark": {**mark, "filled": False, "size": 60, "strokeWidth": 1.5},
             "encoding": {"x": _x(start, end, "mid"), "color": colors, "opacity": shown}}]


def _titles(shown: Spec) -> Spec:
    """Each title across its row from the left edge, cut with "…" at the chart's width (in full in the tooltip)."""
    return {"mark": {"type": "text", "align": "left", "baseline": "middle", "yOffset": -5, "dx": 2,
                     "fontSize": 12, "color": TEXT_COLOR, "limit": {"expr": "max(width - 4, 20)"}},
            "encoding": {"x": {"value": 0}, "text": {"field": "title"}, "opacity": shown}}


def _monthly_chart(events: pd.DataFrame, *, start: dt.date, end: dt.date) -> Spec:
    counts = _monthly_counts(events, start=start)
    bars = {"name": "months", "mark": {"type": "bar", "clip": True}, "params": [_brush()], "encoding": {
        "x": _x(start, end), "x2": {"field": "end"},
        "y": {"field": "top", "type": "quantitative", "title": "events"}, "y2": {"field": "bottom"},
        "color": _colors(counts["type"]),
        "tooltip": [{"field": "month", "title": "Month"}, {"field": "type", "title": "Type"},
                    {"field": "events", "type": "quantitative", "title": "Events", "format": ","}],
    }}
    title = {"text": f"{len(events):,} events by the month they start", "anchor": "start", "fontSize": 12}
    return {**_spec(counts, [bars], height=MONTHLY_PX), "title": title}


def _spec(data: pd.DataFrame, layers: list[Spec], *, height: int, encoding: Spec | None = None) -> Spec:
    """The chart around ``layers``: the plot ``height`` high and as wide as the page (Streamlit's default,
    "fit", would squeeze the plot to make room for the axis and legend); the legend on top, seen first when
    the chart scrolls, in two columns, which fit a phone."""
    return {
        "$schema": SCHEMA,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "height": height,
        "data": {"name": "timeline"},
        "datasets": {"timeline": data.to_dict("records")},
        **({"encoding": encoding} if encoding else {}),
        "layer": layers,
        "config": {"legend": {"orient": "top", "direction": "horizontal", "columns": 2, "title": None,
                              "labelLimit": 170, "labelFontSize": 12, "rowPadding": 2, "symbolType": "square",
                              "symbolStrokeWidth": 0}},  # Streamlit draws 4 px strokes: rows 20 px high
    }


def _brush() -> Spec:
    return {"name": TIMELINE_BRUSH, "select": {"type": "interval", "encodings": ["x"]}}


def _x(start: dt.date, end: dt.date, field: str = TIME_FIELD) -> Spec:
    """x for ``field``: exactly [start, end + 1 day) in milliseconds, axis at the top with our own ticks. Every
    layer states the same scale, or Vega-Lite would merge the domains."""
    scale = {"domain": [_ms(start), _ms(end) + DAY_MS], "nice": False, "zero": False}
    if field != TIME_FIELD:
        return {"field": field, "type": "quantitative", "scale": scale, "title": None}  # axis=None hides it all
    ticks = timeline_ticks(start, end)
    values = [_ms(day) for day, _ in ticks]
    # The labels are ours, looked up by tick: Vega's formats repeat ("Aug 2022" four times for daily ticks).
    label = f"{json.dumps([text for _, text in ticks])}[indexof({json.dumps(values)}, datum.value)]"
    return {"field": field, "type": "quantitative", "title": None, "scale": scale,
            "axis": {"orient": "top", "values": values, "labelExpr": label, "labelOverlap": True,
                     "labelFlush": True, "grid": True, "gridOpacity": 0.5}}


def _if_vague(vague: Any, known: Any) -> Spec:
    return {"condition": {"test": VAGUE, "value": vague}, "value": known}


def _colors(shown: Iterable[str]) -> Spec:
    """Event types coloured as on the map, the legend listing the types ``shown``. Every layer says the same,
    or Vega-Lite warns of conflicting legends."""
    kinds = [event_type_label(k) for k in EVENT_COLORS]
    legend = {"values": [k for k in kinds if k in set(shown)]}
    return {"field": "type", "type": "nominal", "scale": {"domain": kinds, "range": list(EVENT_COLORS.values())},
            "legend": legend}


# ---------------------------------------------------------------- the data behind it


def _rows(events: pd.DataFrame) -> pd.DataFrame:
    """A row per event in order of start: days as milliseconds, the title, how the dates are known."""
    ordered = events.sort_values(["start_date", "end_date", "title"], kind="stable")
    first = _days_since_1970(ordered["start_date"])
    last = np.maximum(_days_since_1970(ordered["end_date"]), first)
    # Two events with the same title get their ids: people tell the rows apart by their text.
    twins = ordered["title"].duplicated(keep=False)
    full = ordered["title"].where(~twins, ordered["title"] + " [" + ordered["event_id"] + "]")
    return pd.DataFrame({
        "row": np.arange(len(ordered)),
        "title": full.str.slice(0, TITLE_CHARS).to_numpy(),
        "full": full.to_numpy(),
        "type": ordered["event_type"].map(event_type_label).to_numpy(),
        "start": first * DAY_MS,
        "end": (last + 1) * DAY_MS,  # to the end of the last day
        "dot": first * DAY_MS + DAY_MS // 2,  # the middle of the first day
        "mid": (first + last + 1) * DAY_MS // 2,
        "precision": ordered["date_precision"].to_numpy(),
        "when": [_when(EPOCH + dt.timedelta(days=a), EPOCH + dt.timedelta(days=b), p)
                 for a, b, p in zip(first.tolist(), last.tolist(), ordered["date_precision"], strict=True)],
        "basis": ordered["date_basis"].to_numpy(),
        "id": ordered["event_id"].to_numpy(),
    })


def _when(first: dt.date, last: dt.date, precision: str) -> str:
    """"2 Aug 2022 – 3 Aug 2022"; "17 Aug 2022"; "somewhere in 1 Jan 2018 – 31 Dec 2018 (known to the year)"."""
    span = _day(first) if first == last else f"{_day(first)} – {_day(last)}"
    return span if precision == DatePrecision.DAY else f"somewhere in {span} (known to the {precision})"


def _monthly_counts(events: pd.DataFrame, *, start: dt.date) -> pd.DataFrame:
    """Events per month of their start and type, stacked (``bottom`` to ``top``) in the legend's order. An
    event that starts before ``start`` counts in the first month shown, so every event shown is counted."""
    starts = np.maximum(events["start_date"].to_numpy().astype("datetime64[D]"), np.datetime64(start, "D"))
    months = starts.astype("datetime64[M]")  # numpy: 10x faster than to_period
    order = {kind: n for n, kind in enumerate(EVENT_COLORS)}
    counts = (pd.DataFrame({"month": months, "type": events["event_type"].to_numpy()})
              .value_counts().rename("events").reset_index())
    counts = (counts.assign(order=counts["type"].map(order).fillna(len(order)))
              .sort_values(["month", "order", "type"], kind="stable", ignore_index=True))
    first = counts["month"].to_numpy().astype("datetime64[M]")
    top = counts.groupby("month")["events"].cumsum().to_numpy()
    return pd.DataFrame({
        "month": pd.to_datetime(first).strftime("%b %Y"),
        "type": counts["type"].map(event_type_label).to_numpy(),
        "events": counts["events"].to_numpy(),
        "start": first.astype("datetime64[D]").astype("int64") * DAY_MS,
        "end": (first + 1).astype("datetime64[D]").astype("int64") * DAY_MS,
        "bottom": top - counts["events"].to_numpy(),
        "top": top,
    })


def _days_since_1970(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy().astype("datetime64[D]").astype("int64")


# ---------------------------------------------------------------- ticks


def timeline_ticks(start: dt.date, end: dt.date, *, most: int = MAX_TICKS) -> list[tuple[dt.date, str]]:
    """The x axis's ticks for the days ``start`` to ``end``: the finest step giving at most ``most`` ticks, each
    labelled once — days as "1 Aug" (with the year on the first and where it changes), months "Aug 2022",
    years "2018". Ticks fall on ``start`` or after and on ``end`` or before; a step too fine is not listed."""
    span = (end - start).days
    days = [start + dt.timedelta(days=n) for n in range(span + 1)] if span <= DAY_TICKS_SPAN else []
    months = _month_starts(start, end) if span <= MONTH_TICKS_SPAN else []
    years = list(range(start.year + (start > dt.date(start.year, 1, 1)), end.year + 1))
    ticks: list[dt.date] = []
    for unit, size in TICK_STEPS:
        if unit == "day" and size < 7:
            ticks = [d for d in days if (d - EPOCH).days % size == 0]
        elif unit == "day":  # the same days of every month: 1, 8, 15, 22 or 1, 15
            ticks = [d for d in days if d.day in MONTH_DAYS[size]]
        elif unit == "month":
            ticks = [d for d in months if (d.month - 1) % size == 0]
        else:
            ticks = [dt.date(y, 1, 1) for y in years if y % size == 0]
        if ticks and len(ticks) <= most:
            break
    return [(day, _tick_label(day, unit, prior)) for day, prior in zip(ticks, [None, *ticks], strict=False)]


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    first = start.year * 12 + start.month - 1 + (start.day > 1)
    return [dt.date(m // 12, m % 12 + 1, 1) for m in range(first, end.year * 12 + end.month)]


def _tick_label(day: dt.date, unit: str, previous: dt.date | None) -> str:
    if unit == "year":
        return str(day.year)
    if unit == "month":
        return f"{day:%b} {day.year}"
    return _day(day) if previous is None or previous.year != day.year else f"{day.day} {day:%b}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b} {day.year}"  # not strftime's %-d, which Windows lacks


def _ms(day: dt.date) -> int:
    return (day - EPOCH).days * DAY_MS


# ---------------------------------------------------------------- what comes back from the browser


def brushed_dates(selection: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """The days a drag across the timeline covers, ``(first, last)`` both included, from Streamlit's selection
    state (``event.selection``, or the whole ``event``); ``None`` when nothing is brushed or the value is not
    a brush. Every day the brush touches counts; the range is kept within the dates the app can show."""
    value = _param(selection, TIMELINE_BRUSH)
    bounds = value.get(TIME_FIELD) if isinstance(value, Mapping) else None
    if not isinstance(bounds, list | tuple) or len(bounds) != 2:
        return None
    ms = [_as_ms(v) for v in bounds]
    if None in ms:
        return None
    lo, hi = sorted(ms)
    lo_ms, hi_ms = _ms(MIN_DATE), _ms(MAX_DATE) + DAY_MS
    if hi < lo_ms or lo >= hi_ms:
        return None  # wholly outside the dates the app can show
    lo, hi = max(lo, lo_ms), min(hi, hi_ms)
    first = math.floor(lo / DAY_MS)
    last = max(first, math.ceil(hi / DAY_MS) - 1)  # a brush ending at midnight leaves that day out
    return EPOCH + dt.timedelta(days=first), EPOCH + dt.timedelta(days=last)


def picked_event(selection: Mapping[str, Any], known_ids: Collection[str]) -> str | None:
    """The id of the event clicked on the timeline, from Streamlit's selection state (``event.selection``, or
    the whole ``event``), if it is one of ``known_ids`` (a set, or a Series of ids); else ``None``."""
    value = _param(selection, TIMELINE_PICK)
    if not isinstance(value, list | tuple):
        return None
    # `in` on a Series looks in its index, not its values
    known = known_ids.to_numpy() if isinstance(known_ids, pd.Series) else known_ids
    for point in value:
        picked = point.get(ID_FIELD) if isinstance(point, Mapping) else None
        if isinstance(picked, str) and picked in known:
            return picked
    return None


def _param(selection: Any, name: str) -> Any:
    if not isinstance(selection, Mapping):
        return None
    inner = selection.get("selection")
    return (inner if isinstance(inner, Mapping) else selection).get(name)


def _as_ms(value: Any) -> float | None:
    """Milliseconds since 1970 from a finite number; ``None`` for anything else (booleans, strings, NaN, an
    integer too large for a float)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        ms = float(value)
    except OverflowError:
        return None
    return ms if math.isfinite(ms) else None
