"""The dashboard's filter state, and its round trip through URL query parameters. Pure: no Streamlit.

A view is shared by its URL: ``?from=2022-01-01&to=2022-12-31&country=RUS&country=CHN&type=military_exercise
&source=TASS&q=drills&event=vostok-2022&hide=lines&at=43.1,131.9,6``. Parameters left at their defaults are
omitted. A bad parameter is dropped or corrected, never trusted, and said in a :class:`UrlNotice`; the app shows
all of them in one message (:func:`notice_text`).

``hide`` names the map layers the reader turned off (all are on by default, so only a change is in the URL);
the layers' ids are the map's (``dashboard.maps.controls.LAYERS``), passed in as ``known``.

``at`` is where the reader left the map: ``LAT,LON,ZOOM``, the centre in degrees (at most four decimals, fewer
when the zoom needs no more) and the zoom an integer from ``MIN_ZOOM`` to ``MAX_ZOOM``. The map frame reports it
(:func:`view_from_report`); without it the map opens on the view computed for its width.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..dataset.filters import countries_involved, filter_events
from ..dataset.schema import EventType
from ..dataset.search import SearchAliases
from ..geography.countries import country_name
from ..maps.mapping import MAX_ZOOM, MIN_ZOOM, View
from .views import code_span

__all__ = ["AT_PARAM", "HIDE_PARAM", "MAX_TEXT_LENGTH", "FilterOptions", "FilterState", "UrlNotice",
           "hidden_from_params", "hidden_from_report", "hidden_to_params", "notice_text", "selection_after_filter",
           "state_from_params", "state_from_widgets", "state_to_params", "view_from_params", "view_from_report",
           "view_to_params"]

MAX_TEXT_LENGTH = 200
HIDE_PARAM = "hide"
AT_PARAM = "at"
PARAMS = ("from", "to", "country", "type", "source", "q", "event", HIDE_PARAM, AT_PARAM)  # the URL's own
NOTICE_ECHO = 40  # characters of a URL's value quoted back in a notice
NOTICE_MAX_ITEMS = 12  # notices listed in the message (a hostile URL may have hundreds); the rest are counted
AT_DECIMALS = 4  # about 10 m: finer than any zoom the map offers shows


@dataclass(frozen=True)
class FilterOptions:
    """What the dataset offers to filter on: its date span and the values present."""

    date_min: dt.date
    date_max: dt.date
    countries: tuple[str, ...]  # ISO3, sorted by country name
    event_types: tuple[str, ...]
    sources: tuple[str, ...]
    event_ids: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, events: pd.DataFrame) -> FilterOptions:
        if events.empty:
            today = dt.date.today()
            return cls(today, today, (), (), ())
        types = set(pd.unique(events["event_type"].to_numpy()))
        return cls(
            date_min=events["start_date"].min().date(),
            date_max=events["end_date"].max().date(),
            countries=tuple(sorted(countries_involved(events), key=country_name)),
            event_types=tuple(t for t in EventType if t in types) + tuple(sorted(types - set(EventType))),
            sources=tuple(sorted({s for ss in pd.unique(events["sources"].to_numpy()) for s in ss})),
            event_ids=frozenset(events["event_id"]),
        )


@dataclass(frozen=True)
class FilterState:
    """The current selection; empty selections mean "no restriction"."""

    start: dt.date
    end: dt.date
    countries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    text: str = ""
    event: str | None = None  # the event selected on the map or in the URL

    @classmethod
    def default(cls, options: FilterOptions) -> FilterState:
        return cls(start=options.date_min, end=options.date_max)

    def apply(self, events: pd.DataFrame, *, aliases: SearchAliases | None = None) -> pd.DataFrame:
        """The events passing these filters; ``aliases`` lets the search find places by their other names."""
        return filter_events(events, start=self.start, end=self.end, countries=self.countries,
                             event_types=self.event_types, sources=self.sources, text=self.text, aliases=aliases)


@dataclass(frozen=True)
class UrlNotice:
    """What was done with one URL parameter that could not be used as it was: ``verb`` ("ignored", "clamped to
    2022-09-05", "cut to 200 characters"), ``detail`` (why, in the app's words) and the URL's own ``values``
    concerned (each cut to :data:`NOTICE_ECHO` characters), quoted as data by :func:`notice_text`."""

    param: str
    verb: str
    detail: str = ""
    values: tuple[str, ...] = ()
    def __str__(self) -> str:
        return _notice_part(self)


def notice_text(notices: Sequence[UrlNotice]) -> str:
    """One message for all of a URL's notices ("" for none): each parameter with what was done and why, the
    URL's text in code spans (it may hold Markdown, links or icons); at most :data:`NOTICE_MAX_ITEMS` listed."""
    if not notices:
        return ""
    parts = [_notice_part(n) for n in notices[:NOTICE_MAX_ITEMS]]
    more = len(notices) - NOTICE_MAX_ITEMS
    if more > 0:
        parts.append(f"and {more} more")
    return "Adjusted in the URL: " + "; ".join(parts) + "."


def _notice_part(notice: UrlNotice) -> str:
    """"`from=2017-01-01` clamped to 2018-01-01 (the data run from …)": each value as the URL wrote it."""
    quoted = [f"{notice.param}={value}" for value in notice.values] or [notice.param]
    head = ", ".join(code_span(q, limit=2 * NOTICE_ECHO + 1) for q in quoted) + f" {notice.verb}"
    return f"{head} ({notice.detail})" if notice.detail else head


def state_from_params(params: Mapping[str, Sequence[str]],
                      options: FilterOptions) -> tuple[FilterState, list[UrlNotice]]:
    """The state a URL asks for, and a notice for every parameter that was ignored or corrected."""
    notices: list[UrlNotice] = []
    state = FilterState.default(options)
    start = _date_param(params, "from", options, notices) or options.date_min
    end = _date_param(params, "to", options, notices) or options.date_max
    if start > end:
        notices += [UrlNotice("from", "ignored", "later than `to`", (str(start),)),
                    UrlNotice("to", "ignored", "earlier than `from`", (str(end),))]
        start, end = options.date_min, options.date_max
    text = _last(params, "q") or ""
    if len(text) > MAX_TEXT_LENGTH:
        notices.append(UrlNotice("q", f"cut to {MAX_TEXT_LENGTH} characters"))
        text = text[:MAX_TEXT_LENGTH]
    event = _last(params, "event")
    if event is not None and event not in options.event_ids:
        notices.append(UrlNotice("event", "ignored", "no such event", (event[:NOTICE_ECHO],)))
        event = None
    state = replace(state, start=start, end=end, text=text, event=event,
                    countries=_choices(params, "country", options.countries, notices),
                    event_types=_choices(params, "type", options.event_types, notices),
                    sources=_choices(params, "source", options.sources, notices))
    notices += [UrlNotice(name[:NOTICE_ECHO], "ignored", "unknown parameter")
                for name in sorted(set(params) - set(PARAMS))]
    return state, notices


def state_to_params(state: FilterState, options: FilterOptions) -> dict[str, str | list[str]]:
    """Query parameters for ``state``, leaving out what equals the default."""
    params: dict[str, str | list[str]] = {}
    if state.start != options.date_min:
        params["from"] = state.start.isoformat()
    if state.end != options.date_max:
        params["to"] = state.end.isoformat()
    for key, values in (("country", state.countries), ("type", state.event_types), ("source", state.sources)):
        if values:
            params[key] = list(values)
    if state.text:
        params["q"] = state.text
    if state.event:
        params["event"] = state.event
    return params


def hidden_from_params(params: Mapping[str, Sequence[str]],
                       known: Collection[str]) -> tuple[tuple[str, ...], list[UrlNotice]]:
    """The map layers a URL hides (``hide=lines&hide=extent``), in ``known``'s order, and a notice if any
    value was not a layer's id."""
    notices: list[UrlNotice] = []
    hidden = _choices(params, HIDE_PARAM, tuple(known), notices, detail="not a layer")
    return tuple(layer for layer in known if layer in hidden), notices


def hidden_to_params(hidden: Collection[str], known: Collection[str]) -> dict[str, list[str]]:
    """The ``hide`` parameter for ``hidden`` (in ``known``'s order); nothing when every layer is shown."""
    values = [layer for layer in known if layer in hidden]
    return {HIDE_PARAM: values} if values else {}


def hidden_from_report(value: object, known: Collection[str]) -> tuple[str, ...] | None:
    """The hidden layers the map frame reported (a list of ids), or None if ``value`` is not a list: the
    frame's word is taken only for ids it may name."""
    if not isinstance(value, list | tuple):
        return None
    return tuple(layer for layer in known if layer in value)


def view_from_params(params: Mapping[str, Sequence[str]]) -> tuple[View | None, list[UrlNotice]]:
    """Where a URL opens the map (``at=LAT,LON,ZOOM``), or None; a notice for a value that is not three numbers
    or not on the map (ignored), or a zoom the map does not offer (clamped to the nearest it does)."""
    value = _last(params, AT_PARAM)
    if value is None:
        return None, []
    view = _parse_view(value)
    if view is None:
        return None, [UrlNotice(AT_PARAM, "ignored", "not LAT,LON,ZOOM on the map", (value[:NOTICE_ECHO],))]
    centre, zoom = view
    if MIN_ZOOM <= zoom <= MAX_ZOOM:
        return view, []
    clamped = (centre, min(max(zoom, MIN_ZOOM), MAX_ZOOM))
    at = view_to_params(clamped)[AT_PARAM]
    return clamped, [UrlNotice(AT_PARAM, f"clamped to {at}", f"zoom {MIN_ZOOM} to {MAX_ZOOM}", (value[:NOTICE_ECHO],))]


def view_to_params(view: View | None) -> dict[str, str]:
    """The ``at`` parameter for ``view`` ("43.1,131.9,6": at most :data:`AT_DECIMALS` decimals, no trailing
    zeros); nothing without a view."""
    if view is None:
        return {}
    (lat, lon), zoom = view
    return {AT_PARAM: f"{_decimal(lat)},{_decimal(lon)},{int(zoom)}"}


def view_from_report(value: object) -> View | None:
    """The view the map frame reported (``[lat, lon, zoom]``), or None if ``value`` is not one: three finite
    numbers, the centre on the map, an integral zoom the map offers. The browser's word is checked, not
    trusted."""
    if not isinstance(value, list | tuple) or len(value) != 3:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return None
    return _checked_view(*(float(v) for v in value), zooms=(MIN_ZOOM, MAX_ZOOM))


def selection_after_filter(event: str | None, filtered_ids: Collection[str] | pd.Series
                           ) -> tuple[str | None, str | None]:
    """The selected event once the filters changed: kept if still among ``filtered_ids`` (the filtered events'
    ids; a Series is searched by value, not by index), else None and a message saying so (the id in a code
    span). No selection: nothing to say."""
    if event is None:
        return None, None
    shown = bool((filtered_ids == event).any()) if isinstance(filtered_ids, pd.Series) else event in filtered_ids
    if shown:
        return event, None
    return None, f"The selected event {code_span(event, limit=NOTICE_ECHO)} is not among the filtered events, so " \
                 "it is no longer selected."


def _parse_view(text: str) -> View | None:
    """``LAT,LON,ZOOM`` as a view, any integral zoom from 0 to 30 (clamped later, with a notice); None if it is
    not one."""
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = (float(part) for part in parts)
    except ValueError:
        return None
    return _checked_view(lat, lon, zoom, zooms=(0, 30))


def _checked_view(lat: float, lon: float, zoom: float, *, zooms: tuple[int, int]) -> View | None:
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):  # "nan", "inf" parse as floats
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and zoom == int(zoom) and zooms[0] <= zoom <= zooms[1]):
        return None
    return (round(lat, AT_DECIMALS) + 0.0, round(lon, AT_DECIMALS) + 0.0), int(zoom)  # + 0.0: no -0.0


def _decimal(value: float) -> str:
    text = f"{value:.{AT_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def state_from_widgets(values: Mapping[str, Any], options: FilterOptions) -> FilterState:
    """The state the sidebar's widgets hold (``dates``, ``countries``, ``types``, ``sources``, ``text``, ``event``),
    each missing or unusable value replaced by its default, never an error.

    Streamlit deletes a widget's key on a run that does not draw it (the date slider of a one-day or empty
    dataset), and a value can outlive the dataset it was chosen in; either must not stop the app.
    """
    start, end = _date_range(values.get("dates"), options)
    text = values.get("text")
    event = values.get("event")
    return FilterState(start=start, end=end,
                       countries=_kept(values.get("countries"), options.countries),
                       event_types=_kept(values.get("types"), options.event_types),
                       sources=_kept(values.get("sources"), options.sources),
                       text=text.strip()[:MAX_TEXT_LENGTH] if isinstance(text, str) else "",
                       event=event if isinstance(event, str) and event in options.event_ids else None)


def _date_range(value: object, options: FilterOptions) -> tuple[dt.date, dt.date]:
    """A (start, end) pair inside the data's span; the whole span if ``value`` is not one."""
    # A datetime is a date too, but cannot be compared with one.
    if not (isinstance(value, tuple | list) and len(value) == 2
            and all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in value)):
        return options.date_min, options.date_max
    start, end = (min(max(d, options.date_min), options.date_max) for d in value)
    return (start, end) if start <= end else (options.date_min, options.date_max)


def _kept(value: object, allowed: Sequence[str]) -> tuple[str, ...]:
    """The values of a multiselect still offered, in their order; a stray string is not split into letters."""
    values = value if isinstance(value, list | tuple) else []
    return tuple(dict.fromkeys(v for v in values if isinstance(v, str) and v in allowed))


def _last(params: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = params.get(key) or []
    if isinstance(values, str):
        return values
    return values[-1] if values else None


def _date_param(params: Mapping[str, Sequence[str]], key: str, options: FilterOptions,
                notices: list[UrlNotice]) -> dt.date | None:
    value = _last(params, key)
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        notices.append(UrlNotice(key, "ignored", "not a date, YYYY-MM-DD", (value[:NOTICE_ECHO],)))
        return None
    clamped = min(max(day, options.date_min), options.date_max)
    if clamped != day:
        notices.append(UrlNotice(key, f"clamped to {clamped}",
                                 f"the data run from {options.date_min} to {options.date_max}", (str(day),)))
    return clamped


def _choices(params: Mapping[str, Sequence[str]], key: str, allowed: Sequence[str], notices: list[UrlNotice],
             *, detail: str = "not in the data") -> tuple[str, ...]:
    values = params.get(key) or []
    values = [values] if isinstance(values, str) else list(values)
    bad = list(dict.fromkeys(v for v in values if v not in allowed))
    if bad:
        notices.append(UrlNotice(key, "ignored", detail, tuple(b[:NOTICE_ECHO] for b in bad)))
    return tuple(dict.fromkeys(v for v in values if v in allowed))
