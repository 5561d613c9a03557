"""The filter contract as one value: a :class:`FilterSpec` holds what the sidebar chose, and every backend applies
the same spec — pandas through :func:`dashboard.dataset.filters.filter_events` (the definition), the query engines
through :func:`dashboard.engine.expr.filter_expr`, which a property test holds to the same rows.

Pure and light: no engine is imported here, so the app can build specs before it knows which backend serves them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..dataset.filters import filter_events
from ..dataset.search import SearchAliases, parse_query

__all__ = ["FilterSpec"]


@dataclass(frozen=True)
class FilterSpec:
    """What the events must satisfy; an empty field restricts nothing. Build it with :meth:`of`, which normalises.

    - ``start``/``end``: days; an event shows when [start_date, end_date] overlaps [start, end], ends included.
    - ``countries`` (ISO3: a participant or the place's country), ``event_types``, ``sources``: any of them.
    - ``text``: the search rule of :mod:`dashboard.dataset.search`, every word beginning a word of the title,
      place, quote or notes.

    Days, not instants: :func:`filter_events` compares a datetime with a time of day to midnight-based dates, which
    no query engine's date column would reproduce, and the sidebar only ever sends days.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    countries: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    text: str = ""

    @classmethod
    def of(cls, *, start: Any = None, end: Any = None, countries: Iterable[str] | None = None,
           event_types: Iterable[str] | None = None, sources: Iterable[str] | None = None,
           text: str | None = None) -> FilterSpec:
        """A spec from the sidebar's values: dates as days (anything ``pd.Timestamp`` reads), selections as sorted
        tuples without empty names (none is ever offered, and "" would mean "no list" to one backend and "an empty
        item" to another), the text as given (a text without a letter or digit restricts nothing)."""
        return cls(start=_day(start), end=_day(end), countries=_names(countries), event_types=_names(event_types),
                   sources=_names(sources), text=text or "")

    @property
    def has_text(self) -> bool:
        """Whether the text restricts anything (it holds a word)."""
        return bool(self.text.strip()) and bool(parse_query(self.text))

    def filter_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :func:`filter_events` for this spec."""
        return {"start": self.start, "end": self.end, "countries": self.countries or None,
                "event_types": self.event_types or None, "sources": self.sources or None, "text": self.text or None}

    def apply(self, events: pd.DataFrame, *, aliases: SearchAliases | None = None) -> pd.DataFrame:
        """The loaded frame's events that pass, by the pandas definition."""
        return filter_events(events, **self.filter_kwargs(), aliases=aliases)


def _day(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    return pd.Timestamp(value).date()


def _names(values: Iterable[str] | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):  # one name, not its letters
        values = [values]
    return tuple(sorted({str(v) for v in values if str(v)}))
