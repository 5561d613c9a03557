"""Filtering the loaded dataset. Pure: takes a frame and returns a new one, never changing its input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from .search import SearchAliases, text_mask

__all__ = ["TEXT_COLUMNS", "countries_involved", "filter_events"]

TEXT_COLUMNS = ("title", "place", "quote", "notes")

DateLike = dt.date | dt.datetime | pd.Timestamp | str


def filter_events(
    df: pd.DataFrame,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    countries: Iterable[str] | None = None,
    event_types: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    text: str | None = None,
    aliases: SearchAliases | None = None,
) -> pd.DataFrame:
    """The events that pass every given filter; ``None`` or an empty selection means no restriction.

    - ``start``/``end``: an event shows when its [start_date, end_date] overlaps [start, end], ends included.
    - ``countries``: ISO3 codes; an event matches when one is a participant or the place's country.
    - ``event_types``, ``sources``: an event matches any of them.
    - ``text``: every word of it begins a word of the title, place, quote or notes, case and accents aside
      ("sea of jap", "kyiv drills"); punctuation is no pattern, and a text without letters or digits restricts
      nothing. See :mod:`dashboard.dataset.search` for the exact rule.
    - ``aliases``: other names of places (:func:`~dashboard.dataset.search.load_search_aliases`, built once by the
      caller): a word or words that name a place also find its other names ("Kiev" finds "Kyiv"). ``None``: the
      words only.
    """
    mask = pd.Series(True, index=df.index)
    if start is not None:
        mask &= df["end_date"] >= pd.Timestamp(start)
    if end is not None:
        mask &= df["start_date"] <= pd.Timestamp(end)
    if countries:
        wanted = set(countries)
        mask &= df["place_country"].isin(wanted) | _any_in(df["participants"], wanted)
    if event_types:
        mask &= df["event_type"].isin(set(event_types))
    if sources:
        mask &= _any_in(df["sources"], set(sources))
    if text and text.strip():
        mask &= text_mask(df, text, TEXT_COLUMNS, aliases=aliases)
    return df[mask]  # a frame of its own under pandas' copy-on-write: no .copy() needed


def countries_involved(events: pd.DataFrame) -> set[str]:
    """ISO3 codes of every participant and every place's country. Distinct cells first: a million events hold
    a few thousand distinct participant lists."""
    codes = {c for cs in pd.unique(events["participants"].to_numpy()) for c in cs}
    return codes | set(pd.unique(events["place_country"].to_numpy())) - {""}


def _any_in(cells: pd.Series, wanted: set[str]) -> pd.Series:
    return cells.map(lambda items: not wanted.isdisjoint(items)).astype(bool)
