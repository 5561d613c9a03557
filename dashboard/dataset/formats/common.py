"""What the readers of published datasets share: the :class:`Layout` each module describes, the
:class:`Converted` table each returns, and vectorised helpers that turn their columns into the dataset's.

Every helper works on whole columns; where a rule needs Python (a country name, a date in words), it runs once
per distinct value (:func:`per_unique`): a million ACLED rows hold a few thousand dates, actors and places.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import Problem
from ...geography.countries import find_country, is_iso3
from ..schema import LIST_SEPARATOR, LOADED_COLUMNS, DateBasis, DatePrecision, ExternalSource, external_seed

__all__ = [
    "Converted",
    "Layout",
    "PlaceNames",
    "bad_rows",
    "blank_problems",
    "cells",
    "code_problems",
    "country_of_name",
    "empty_converted",
    "event_ids",
    "iso_days",
    "join_items",
    "per_unique",
    "problem_at",
    "shift_days",
    "table_frame",
]

_SHOWN = 60  # characters of a bad value quoted back


@dataclass(frozen=True)
class Converted:
    """A published table in the dataset's single-file format: :data:`LOADED_COLUMNS` (then ``extra``) as strings,
    row ``i`` from the input's row ``i``; ``problems`` are the layout's own findings, in the input's rows and column
    names; ``bad`` marks the rows they leave out (the others still go through the dataset's validator)."""

    table: pd.DataFrame
    problems: list[Problem]
    bad: np.ndarray


@dataclass(frozen=True)
class Layout:
    """One published layout: its columns as its codebook lists them, those a file must have to be read as it (and
    to be told apart by its header), where the dataset's columns come from (for messages), and its converter."""

    source: ExternalSource
    title: str  # "ACLED export", for messages
    columns: tuple[str, ...]
    required: frozenset[str]
    origins: Mapping[str, str]  # dataset column -> the layout's column that gives it
    convert: Callable[..., Converted]  # (frame, *, file, first_row, places) -> Converted
    header: bool = True
    extra: tuple[str, ...] = ()  # columns kept beside the dataset's (GDELT's "url")

    @property
    def name(self) -> str:
        return self.source.value.lower()

    def column_of(self, column: str | None) -> str | None:
        """The layout's column a dataset column comes from (for a validator's problem), else the column itself."""
        return self.origins.get(column, column) if column else column


@dataclass
class PlaceNames:
    """Names for places, unique across a whole import: one name is one point, precision, country and source
    (the loader's places.csv has one row per name). A name first seen with other coordinates gets them appended
    ("Khartoum, Sudan (15.55, 32.53)"), and its precision too if that is what differs."""

    keys: dict[str, str] = field(default_factory=dict)  # name -> its place's key

    def names(self, base: pd.Series, latitude: pd.Series, longitude: pd.Series, precision: pd.Series,
              country: pd.Series, source: pd.Series) -> pd.Series:
        key = latitude + "|" + longitude + "|" + precision + "|" + country + "|" + source
        codes, uniques = pd.factorize(base + "\x1f" + key)
        named = np.array([self._name(*pair.split("\x1f", 1)) for pair in uniques] + [""], dtype=object)
        return pd.Series(named[codes], index=base.index, dtype=object)

    def _name(self, base: str, key: str) -> str:
        latitude, longitude, precision = key.split("|")[:3]
        for name in (base, f"{base} ({latitude}, {longitude})",
                     f"{base} ({latitude}, {longitude}; precision {precision})"):
            if self.keys.setdefault(name, key) == key:
                return name
        number = 2
        while self.keys.setdefault(f"{base} #{number}", key) != key:
            number += 1
        return f"{base} #{number}"


def cells(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped strings ("" where missing or absent), index reset."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].astype("str").fillna("").str.strip()


def per_unique(values: pd.Series, convert: Callable[[str], str]) -> pd.Series:
    """``convert`` applied once per distinct value."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    converted = np.array([convert(value) for value in uniques] + [""], dtype=object)
    return pd.Series(converted[codes], index=values.index, dtype=object)


def iso_days(values: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Each cell as a day (datetime64), trying ``formats`` in turn on each distinct cell; NaT where none reads it.
    A cell that starts with an ISO day and a time ("2023-04-15 00:00:00.000", as UCDP and spreadsheets write)
    counts as that day."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    text = pd.Series(uniques, dtype=object).astype("str")
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T][0-9:.]*)?$", expand=False)
    days = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    for form in formats:
        missing = days.isna()
        if not missing.any():
            break
        days[missing] = pd.to_datetime(text[missing], format=form, errors="coerce")
    days = days.to_numpy(dtype="datetime64[D]")
    return pd.Series(np.append(days, np.datetime64("NaT"))[codes], index=values.index)


def day_text(days: pd.Series | np.ndarray) -> np.ndarray:
    """Days as YYYY-MM-DD text, "" for NaT (numpy's formatter: no Python per row)."""
    array = np.asarray(days, dtype="datetime64[D]")
    text = np.datetime_as_string(array, unit="D").astype(object)
    text[np.isnat(array)] = ""
    return text


def shift_days(days: pd.Series, offset: int) -> pd.Series:
    return pd.Series(np.asarray(days, dtype="datetime64[D]") + np.timedelta64(offset, "D"), index=days.index)


def month_span(days: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The first and last day of each day's month."""
    array = np.asarray(days, dtype="datetime64[D]")
    first = array.astype("datetime64[M]")
    return first.astype("datetime64[D]"), (first + 1).astype("datetime64[D]") - 1


def year_span(days: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    array = np.asarray(days, dtype="datetime64[D]")
    first = array.astype("datetime64[Y]")
    return first.astype("datetime64[D]"), (first + 1).astype("datetime64[D]") - 1


def shown(value: str) -> str:
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "…")


def rows_of(mask: pd.Series | np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def problem_at(file: str, first_row: int, index: int, column: str, message: str) -> Problem:
    """A problem at the ``index``-th row of a chunk whose first row is ``first_row``."""
    return Problem(file, first_row + int(index), column, message)


def bad_rows(count: int, problems: list[Problem], first_row: int) -> np.ndarray:
    bad = np.zeros(count, dtype=bool)
    bad[[p.row - first_row for p in problems if p.row is not None]] = True
    return bad


def blank_problems(values: pd.Series, column: str, file: str, first_row: int,
                   message: str = "value is required") -> Iterator[Problem]:
    for index in rows_of(values == ""):
        yield Problem(file, first_row + int(index), column, message)


def code_problems(values: pd.Series, known: pd.Series, column: str, file: str, first_row: int,
                  allowed: str) -> Iterator[Problem]:
    """A problem for each non-blank cell that ``known`` marks false: ``'9' is not one of: 1 …, 2 …``."""
    cells_ = values.to_numpy(dtype=object)
    for index in rows_of(~known & (values != "")):
        yield Problem(file, first_row + int(index), column, f"{shown(cells_[index])} is not one of: {allowed}")


def event_ids(prefix: str, ids: pd.Series) -> pd.Series:
    """``acled-sud12345``: the dataset's prefix and the event's own id as a slug (lower case, runs of other
    characters as one hyphen)."""
    slug = ids.str.lower().str.replace(r"[^0-9a-z]+", "-", regex=True).str.strip("-")
    return (prefix + "-" + slug).where(slug != "", "")


def join_items(parts: list[pd.Series], convert: Callable[[str], str | None], *, split: str | None = None) -> pd.Series:
    """Per row, the items of several columns (each cell split at ``split`` if given), each converted (None or ""
    dropped), without repeats, joined with the list separator. Runs once per distinct combination of cells."""
    joined = parts[0].astype(object)
    for part in parts[1:]:
        joined = joined + "\x1f" + part.astype(object)
    memo: dict[str, str | None] = {}

    def combine(cell: str) -> str:
        items: list[str] = []
        for piece in cell.split("\x1f"):
            for item in (piece.split(split) if split else [piece]):
                item = item.strip()
                if item and item not in memo:
                    memo[item] = convert(item)
                if item and memo[item] and memo[item] not in items:
                    items.append(memo[item])
        return LIST_SEPARATOR.join(items)

    return per_unique(joined, combine)


# Country names the published datasets write that the gazetteer's index does not hold.
_COUNTRY_ALIASES = {
    "democratic republic of congo": "COD", "dr congo (zaire)": "COD", "dr congo": "COD", "congo (kinshasa)": "COD",
    "republic of congo": "COG", "congo (brazzaville)": "COG", "palestine": "PSE", "bosnia-herzegovina": "BIH",
    "russia (soviet union)": "RUS", "myanmar (burma)": "MMR", "burma": "MMR", "yemen (north yemen)": "YEM",
    "cambodia (kampuchea)": "KHM", "serbia (yugoslavia)": "SRB", "madagascar (malagasy)": "MDG",
    "zimbabwe (rhodesia)": "ZWE", "macedonia, fyr": "MKD", "east timor": "TLS", "korea, south": "KOR",
    "korea, north": "PRK", "kingdom of eswatini (swaziland)": "SWZ", "ivory coast": "CIV", "vatican city": "VAT",
    "united states of america": "USA", "bahamas": "BHS", "gambia": "GMB", "czech republic": "CZE",
    "turkey": "TUR", "caribbean netherlands": "BES", "micronesia": "FSM", "saint-martin": "MAF",
    "united kingdom": "GBR", "cabo verde": "CPV", "cape verde": "CPV", "eswatini": "SWZ",
}


def country_of_name(name: str) -> str | None:
    """The ISO3 code of a country as a published dataset names it, or None."""
    folded = " ".join(name.strip().casefold().split())
    return _COUNTRY_ALIASES.get(folded) or find_country(name)


_ACTOR_PATTERNS = [
    re.compile(r"^(?:Military|Police) Forces of (.+?)(?: \([^)]*\))*(?: [A-Z][\w-]*)*$"),
    re.compile(r"^Government of (.+?)(?: \([^)]*\))*$"),
]
_TRAILING_PARENTHESIS = re.compile(r"\(([^()]+)\)\s*$")


def actor_country(actor: str) -> str | None:
    """The country an actor's name says it belongs to: ACLED's "Military Forces of Sudan (2019-)", "Police Forces
    of Kenya (2022-) Prison Guards", "Government of Mali (2021-)", "Protesters (Sudan)", "Rioters (Kenya)". None
    when the name does not say (a rebel group, a militia): a participant is never guessed."""
    for pattern in _ACTOR_PATTERNS:
        if match := pattern.match(actor):
            name = re.sub(r"\s*\([^)]*\)\s*", " ", match.group(1)).strip()
            code = country_of_name(name)
            if code:
                return code
    if match := _TRAILING_PARENTHESIS.search(actor):
        inner = match.group(1)
        if not re.search(r"\d", inner):  # "(2019-)" is a period, not a country
            return country_of_name(inner)
    return None


def iso3_or_none(code: str) -> str | None:
    return code if is_iso3(code) else None


def table_frame(index: pd.Index, columns: Mapping[str, pd.Series | np.ndarray | str],
                extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The converted table: :data:`LOADED_COLUMNS` then ``extra``, every cell a string."""
    data = {}
    for column in [*LOADED_COLUMNS, *extra]:
        value = columns[column]
        if isinstance(value, str):
            data[column] = pd.Series(value, index=index, dtype="str")
        elif isinstance(value, pd.Series):
            data[column] = value.astype("str")  # Arrow-backed strings stay so: no Python object per cell
        else:
            data[column] = pd.Series(value, index=index, dtype="str")
    return pd.DataFrame(data, index=index)


def empty_converted(extra: tuple[str, ...] = ()) -> Converted:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [*LOADED_COLUMNS, *extra]})
    return Converted(frame, [], np.zeros(0, dtype=bool))


TABLE_BASIS = DateBasis.TABLE.value
PRECISION_VALUES = {p.value for p in DatePrecision}


def seed_of(source: ExternalSource) -> str:
    return external_seed(source)
