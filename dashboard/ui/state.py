"""The dashboard's filter state, and its round trip through URL query parameters. Pure: no Streamlit.

A view is shared by its URL: ``?from=2022-01-01&to=2022-12-31&country=RUS&country=CHN&type=military_exercise
&source=TASS&q=drills&event=vostok-2022&hide=lines``. Parameters left at their defaults are omitted. A bad
parameter is dropped, never trusted, and explained in a notice the app shows.

``hide`` names the map layers the reader turned off (all are on by default, so only a change is in the URL);
the layers' ids are the map's (``dashboard.maps.controls.LAYERS``), passed in as ``known``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..dataset.filters import countries_involved, filter_events
from ..dataset.schema import EventType
from ..geography.countries import country_name

__all__ = ["HIDE_PARAM", "MAX_TEXT_LENGTH", "FilterOptions", "FilterState", "hidden_from_params",
           "hidden_from_report", "hidden_to_params", "state_from_params", "state_from_widgets", "state_to_params"]

MAX_TEXT_LENGTH = 200
HIDE_PARAM = "hide"


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

    def apply(self, events: pd.DataFrame) -> pd.DataFrame:
        return filter_events(events, start=self.start, end=self.end, countries=self.countries,
                             event_types=self.event_types, sources=self.sources, text=self.text)


def state_from_params(params: Mapping[str, Sequence[str]], options: FilterOptions) -> tuple[FilterState, list[str]]:
    """The state a URL asks for, and a notice for every parameter that was ignored or corrected."""
    notices: list[str] = []
    state = FilterState.default(options)
    start = _date_param(params, "from", options, notices) or options.date_min
    end = _date_param(params, "to", options, notices) or options.date_max
    if start > end:
        notices.append(f"'from' {start} is after 'to' {end}: showing the whole span")
        start, end = options.date_min, options.date_max
    text = _last(params, "q") or ""
    if len(text) > MAX_TEXT_LENGTH:
        notices.append(f"search text longer than {MAX_TEXT_LENGTH} characters was cut")
        text = text[:MAX_TEXT_LENGTH]
    event = _last(params, "event")
    if event is not None and event not in options.event_ids:
        notices.append(f"unknown event {event[:40]!r} ignored")
        event = None
    state = replace(state, start=start, end=end, text=text, event=event,
                    countries=_choices(params, "country", options.countries, notices),
                    event_types=_choices(params, "type", options.event_types, notices),
                    sources=_choices(params, "source", options.sources, notices))
    unknown = sorted(set(params) - {"from", "to", "country", "type", "source", "q", "event", HIDE_PARAM})
    if unknown:
        notices.append(f"unknown URL parameter(s) ignored: {', '.join(u[:40] for u in unknown)}")
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
                       known: Collection[str]) -> tuple[tuple[str, ...], list[str]]:
    """The map layers a URL hides (``hide=lines&hide=extent``), in ``known``'s order, and a notice if any
    value was not a layer's id."""
    notices: list[str] = []
    hidden = _choices(params, HIDE_PARAM, tuple(known), notices)
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
                notices: list[str]) -> dt.date | None:
    value = _last(params, key)
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        notices.append(f"'{key}' is not a date (YYYY-MM-DD): {value[:40]!r} ignored")
        return None
    clamped = min(max(day, options.date_min), options.date_max)
    if clamped != day:
        notices.append(f"'{key}' {day} is outside the data ({options.date_min} to {options.date_max}): "
                       f"{clamped} used")
    return clamped


def _choices(params: Mapping[str, Sequence[str]], key: str, allowed: Sequence[str],
             notices: list[str]) -> tuple[str, ...]:
    values = params.get(key) or []
    values = [values] if isinstance(values, str) else list(values)
    bad = [v for v in values if v not in allowed]
    if bad:
        notices.append(f"unknown '{key}' value(s) ignored: {', '.join(repr(b[:40]) for b in bad)}")
    return tuple(dict.fromkeys(v for v in values if v in allowed))
