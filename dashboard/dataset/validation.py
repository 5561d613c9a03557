"""The dataset's rules, checked on raw string tables. Each check returns problems; none raises.

Tables arrive as read from CSV: every cell a string, empty cells as "". Checks are vectorised where the rule
allows, so a large file is validated in seconds, and every problem names its file, row and column.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ..errors import Problem
from ..geography.countries import is_iso3
from .schema import (
    EVENT_COLUMNS,
    EVENT_ID_PATTERN,
    EXTERNAL_SEED_PREFIX,
    LIST_SEPARATOR,
    MAX_DATE,
    MIN_DATE,
    PLACE_COLUMNS,
    QUOTE_ELISION,
    TABLE_OPTIONAL_COLUMNS,
    DateBasis,
    DatePrecision,
    EventType,
    ExternalSource,
    LocationPrecision,
    external_source,
)

__all__ = ["MAX_SEED_CHARS", "quote_in_text", "split_list", "validate_events", "validate_places"]

# A seed is one news article, tens of kilobytes; a book-sized one would make every quote check scan megabytes.
MAX_SEED_CHARS = 1_000_000
# Characters after a word start that key the index of a seed: long enough that few positions share a key.
INDEX_KEY_CHARS = 8
# A seed quoted this many times gets its index (costing about as much as that many plain searches); before, a
# plain search is cheaper.
INDEX_AFTER_SEARCHES = 16
_MAX_SHOWN = 60  # characters of an offending value quoted back in a message
_T = TypeVar("_T")


def split_list(cell: str) -> list[str]:
    """The items of a multi-valued cell ("RUS; CHN" -> ["RUS", "CHN"]); empty items are kept as ""."""
    return [] if not cell.strip() else [item.strip() for item in cell.split(LIST_SEPARATOR)]


def quote_in_text(quote: str, text: str) -> bool:
    """Whether every passage of ``quote`` (split at the elision mark) is in ``text``, in order.

    Runs of whitespace compare equal, so a quote may be rewrapped; nothing else may differ.
    """
    return _passages_in(quote, _Seed(" ".join(text.split())))


def _passages_in(quote: str, seed: _Seed) -> bool:
    """:func:`quote_in_text` on a seed whose whitespace is already normalised (a seed is normalised once)."""
    position = 0
    for passage in quote.split(QUOTE_ELISION.strip()):
        needle = " ".join(passage.split())
        if not needle:
            return False
        found = seed.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)  # the leftmost match leaves the most room for the passages after it
    return True


class _Seed:
    """A whitespace-normalised seed text that finds passages through an index of its word starts once it is
    searched often: a plain search scans the whole seed for each of thousands of distinct quotes.

    A passage holding a space at offset ``p`` can only occur at ``o`` where ``o + p + 1`` starts a word; so the
    index maps the :data:`INDEX_KEY_CHARS` characters after each word start to their positions, and a search
    verifies the few positions of the passage's rarest key. Passages without such a key are searched plainly.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._searches = 0
        self._index: dict[str, list[int]] | None = None

    def find(self, needle: str, start: int = 0) -> int:
        """``self.text.find(needle, start)``, the same answer."""
        self._searches += 1
        if self._index is None and self._searches > INDEX_AFTER_SEARCHES:
            self._index = _word_index(self.text)
        if self._index is None:
            return self.text.find(needle, start)
        keys = [(needle[p + 1:p + 1 + INDEX_KEY_CHARS], p) for p, char in enumerate(needle)
                if char == " " and p + 1 + INDEX_KEY_CHARS <= len(needle)]
        if not keys:
            return self.text.find(needle, start)
        key, offset = min(keys, key=lambda item: len(self._index.get(item[0], ())))
        positions = self._index.get(key, [])
        for word in positions[bisect_left(positions, start + offset + 1):]:
            if self.text.startswith(needle, word - offset - 1):
                return word - offset - 1
        return -1


def _word_index(text: str) -> dict[str, list[int]]:
    """The :data:`INDEX_KEY_CHARS` characters after each word start of ``text`` -> the starts, ascending."""
    index: dict[str, list[int]] = {}
    for start in [0] + [match.end() for match in re.finditer(" ", text)]:
        index.setdefault(text[start:start + INDEX_KEY_CHARS], []).append(start)
    return index


def validate_events(events: pd.DataFrame, *, file: str, places: Iterable[str] | None,
                    seeds_dir: Path | Mapping[str, str]) -> list[Problem]:
    """Every problem in an events table, given the known place names and the seed articles: a folder of them, or
    their texts by file name (seeds uploaded with a table). ``places=None`` skips the place-name check (a single
    table gives each row its own place)."""
    missing = _missing_columns(events, EVENT_COLUMNS, file)
    if missing:
        return missing
    table_rows = _table_rows(events)
    checks = [
        _required(events, EVENT_COLUMNS, file, {c: table_rows for c in TABLE_OPTIONAL_COLUMNS}),
        _event_ids(events, file),
        _vocabulary(events, "event_type", EventType, file),
        _vocabulary(events, "date_precision", DatePrecision, file),
        _vocabulary(events, "date_basis", DateBasis, file),
        _dates(events, file),
        _background_notes(events, file),
        _known(events, "place", set(places), file, "unknown place (not in places.csv)") if places is not None
        else iter(()),
        _participants(events, file),
        _sources(events, file),
        _quotes(events, file, seeds_dir),
        _external_basis(events, file),
    ]
    return [problem for check in checks for problem in check]


def validate_places(places: pd.DataFrame, *, file: str, unique: bool = True,
                    table_rows: np.ndarray | None = None) -> list[Problem]:
    """Every problem in a places table. With ``unique=False`` a name may repeat (a single-file table gives each
    event its own place columns). ``table_rows`` marks the rows of events brought in from a table (date basis
    "table"), whose place may leave its country empty."""
    missing = _missing_columns(places, PLACE_COLUMNS, file)
    if missing:
        return missing
    checks = [
        _required(places, PLACE_COLUMNS, file),
        _duplicates(places, "place", file) if unique else iter(()),
        _coordinate(places, "latitude", 90.0, file),
        _coordinate(places, "longitude", 180.0, file),
        _precision(places, file),
        _place_countries(places, file, table_rows),
    ]
    return [problem for check in checks for problem in check]


def _missing_columns(table: pd.DataFrame, columns: Mapping[str, bool], file: str) -> list[Problem]:
    return [Problem(file, None, column, "required column is missing") for column in columns
            if column not in table.columns]


def _rows(mask: pd.Series | np.ndarray) -> Iterator[int]:
    """1-based data row numbers where ``mask`` is true."""
    for index in np.flatnonzero(np.asarray(mask, dtype=bool)):
        yield int(index) + 1


def _shown(value: str) -> str:
    return repr(value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…")


def _blank(series: pd.Series) -> pd.Series:
    return series.str.strip() == ""


def _required(table: pd.DataFrame, columns: Mapping[str, bool], file: str,
              exempt: Mapping[str, np.ndarray] | None = None) -> Iterator[Problem]:
    """Blank required cells; ``exempt`` maps a column to the rows that may leave it blank."""
    exempt = exempt or {}
    for column, required in columns.items():
        if required:
            blank = _blank(table[column]).to_numpy(dtype=bool)
            for row in _rows(blank & ~exempt[column] if column in exempt else blank):
                yield Problem(file, row, column, "value is required")


def _table_rows(table: pd.DataFrame) -> np.ndarray:
    """Rows brought in from a table (``date_basis`` "table"), which may leave :data:`TABLE_OPTIONAL_COLUMNS`
    empty."""
    return (table["date_basis"] == DateBasis.TABLE.value).to_numpy(dtype=bool)


def _duplicates(table: pd.DataFrame, column: str, file: str) -> Iterator[Problem]:
    values = table[column]
    codes, _ = pd.factorize(values.to_numpy(dtype=object))
    _, first = np.unique(codes, return_index=True)  # each value's first row, in one pass (codes are 0, 1, …)
    cells = values.to_numpy(dtype=object)  # plain indexing: .iloc costs 30 µs a problem
    for row in _rows(values.duplicated(keep="first") & ~_blank(values)):
        yield Problem(file, row, column, f"duplicate {_shown(cells[row - 1])} (first in row "
                      f"{int(first[codes[row - 1]]) + 1})")


def _event_ids(events: pd.DataFrame, file: str) -> Iterator[Problem]:
    ids = events["event_id"]
    bad = ~ids.str.fullmatch(EVENT_ID_PATTERN.pattern) & ~_blank(ids)
    for row in _rows(bad):
        yield Problem(file, row, "event_id", f"{_shown(ids.iloc[row - 1])} is not a slug "
                      "(lower-case letters, digits and hyphens, at most 80)")
    yield from _duplicates(events, "event_id", file)


def _vocabulary(table: pd.DataFrame, column: str, vocabulary: type, file: str) -> Iterator[Problem]:
    allowed = [member.value for member in vocabulary]
    values = table[column]
    for row in _rows(~values.isin(allowed) & ~_blank(values)):
        yield Problem(file, row, column, f"{_shown(values.iloc[row - 1])} is not one of: {', '.join(allowed)}")


_DATE = r"\d{4}-\d{2}-\d{2}"


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO 8601 calendar dates (YYYY-MM-DD) from MIN_DATE to MAX_DATE as datetimes; anything else becomes NaT.
    Each distinct cell is parsed once (a million events fall on a few thousand days)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    unique = pd.Series(uniques, dtype=object).astype(str)
    text = unique.where(_iso_form(unique) & ~_outside_dates(unique), None)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").to_numpy()
    return pd.Series(np.append(parsed, np.array(["NaT"], dtype=parsed.dtype))[codes], index=values.index)


def _iso_form(values: pd.Series) -> pd.Series:
    return values.str.fullmatch(_DATE, flags=re.ASCII).fillna(False).astype(bool)


def _outside_dates(values: pd.Series) -> pd.Series:
    """Whether each YYYY-MM-DD cell is before MIN_DATE or after MAX_DATE (such text sorts as dates do)."""
    return (values < MIN_DATE.isoformat()) | (values > MAX_DATE.isoformat())


def _dates(events: pd.DataFrame, file: str) -> Iterator[Problem]:
    parsed = {}
    for column in ("start_date", "end_date"):
        values = events[column]
        parsed[column] = parse_dates(values)
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))  # each distinct cell checked once
        unique = pd.Series(uniques, dtype=object).astype(str)
        outside = np.append((_iso_form(unique) & _outside_dates(unique)).to_numpy(dtype=bool), False)[codes]
        for row in _rows(outside):
            yield Problem(file, row, column, f"{_shown(values.iloc[row - 1])} is outside the dates the app can "
                          f"show ({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})")
        for row in _rows(parsed[column].isna() & ~_blank(values) & ~outside):
            yield Problem(file, row, column, f"{_shown(values.iloc[row - 1])} is not a date (YYYY-MM-DD)")
    for row in _rows(parsed["end_date"] < parsed["start_date"]):
        yield Problem(file, row, "end_date", f"end {events['end_date'].iloc[row - 1]} is before start "
                      f"{events['start_date'].iloc[row - 1]}")


def _background_notes(events: pd.DataFrame, file: str) -> Iterator[Problem]:
    background = events["date_basis"] == DateBasis.BACKGROUND.value
    for row in _rows(background & _blank(events["date_note"])):
        yield Problem(file, row, "date_note", "dates from background knowledge need a note saying where from")


def _known(table: pd.DataFrame, column: str, known: set[str], file: str, message: str) -> Iterator[Problem]:
    values = table[column]
    for row in _rows(~values.isin(known) & ~_blank(values)):
        yield Problem(file, row, column, f"{_shown(values.iloc[row - 1])}: {message}")


def _participants(events: pd.DataFrame, file: str) -> Iterator[Problem]:
    for row, message in _per_value(events["participants"], _participant_messages):
        yield Problem(file, row, "participants", message)


def _participant_messages(cell: str) -> list[str]:
    codes = split_list(cell)
    messages = [f"{_shown(code)} is not an ISO 3166-1 alpha-3 code (e.g. RUS, CHN)" for code in codes
                if not is_iso3(code)]
    return messages + [f"{code} is listed twice" for code in sorted({c for c in codes if codes.count(c) > 1})]


def _sources(events: pd.DataFrame, file: str) -> Iterator[Problem]:
    def check(cell: str) -> list[str]:
        return [f"empty item in {_shown(cell)} (separate outlets with {LIST_SEPARATOR!r})"] \
            if "" in split_list(cell) else []

    for row, message in _per_value(events["sources"], check):
        yield Problem(file, row, "sources", message)


def _per_value(values: pd.Series, check: Callable[[str], list[_T]]) -> Iterator[tuple[int, _T]]:
    """(row, problem) for what ``check`` finds in each cell, in row order; each distinct value is checked
    once, so a million rows with a few thousand distinct cells validate in a fraction of a second."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    yield from _per_code(codes, list(uniques), check)


def _per_code(codes: np.ndarray, uniques: list, check: Callable[[Any], list[_T]]) -> Iterator[tuple[int, _T]]:
    """:func:`_per_value` for cells already factorised: ``uniques[codes[i]]`` is the value of row i + 1."""
    found = [check(value) for value in uniques]
    bad = np.array([bool(items) for items in found] + [False], dtype=bool)  # code -1 (none) never happens
    for row in _rows(bad[codes]):
        yield from ((row, item) for item in found[codes[row - 1]])


def _quotes(events: pd.DataFrame, file: str, seeds_dir: Path | Mapping[str, str]) -> Iterator[Problem]:
    texts: dict[str, _Seed | str] = {}  # seed -> its whitespace-normalised text, or why it cannot be used
    where = "the seed files given" if isinstance(seeds_dir, Mapping) else str(seeds_dir)

    def check(pair: tuple[str, str]) -> list[tuple[str, str]]:
        quote, seed = pair
        if not seed.strip():
            return []
        if (name := external_source(seed)) is not None:  # a published dataset's row: its text, not an article's
            return [] if name in _EXTERNAL_NAMES else \
                [("seed", f"{_shown(seed)} names no dataset we import (external: {', '.join(_EXTERNAL_NAMES)})")]
        if "\x00" in seed or "/" in seed or "\\" in seed or Path(seed).name != seed or seed.startswith("."):
            return [("seed", f"{_shown(seed)} must be a file name in {where}, not a path")]
        if seed not in texts:
            texts[seed] = _load_seed(seeds_dir, seed, where)
        if isinstance(texts[seed], str):
            return [("seed", texts[seed])]
        if quote.strip() and not _passages_in(quote, texts[seed]):
            return [("quote", f"not found verbatim in seed {seed!r}: {_shown(quote)}")]
        return []

    quote_codes, quotes = pd.factorize(events["quote"].to_numpy(dtype=object))
    seed_codes, seeds = pd.factorize(events["seed"].to_numpy(dtype=object))
    codes, pairs = pd.factorize(quote_codes.astype(np.int64) * max(len(seeds), 1) + seed_codes)
    uniques = [(quotes[pair // max(len(seeds), 1)], seeds[pair % max(len(seeds), 1)]) for pair in pairs]
    for row, (column, message) in _per_code(codes, uniques, check):
        yield Problem(file, row, column, message)


_EXTERNAL_NAMES = [source.value for source in ExternalSource]


def _external_basis(events: pd.DataFrame, file: str) -> Iterator[Problem]:
    """A row of a published dataset is vouched for by the dataset, not dated by an article: its basis is "table"."""
    external = events["seed"].str.startswith(EXTERNAL_SEED_PREFIX)
    for row in _rows(external & (events["date_basis"] != DateBasis.TABLE.value)):
        yield Problem(file, row, "date_basis", f"a row from a published dataset ({events['seed'].iloc[row - 1]}) "
                      f"has the date basis 'table', not {_shown(events['date_basis'].iloc[row - 1])}")


def _load_seed(seeds_dir: Path | Mapping[str, str], seed: str, where: str) -> _Seed | str:
    """The seed named ``seed`` ready to search, or the message saying why it cannot be used."""
    too_long = f"seed file {seed!r} is over {MAX_SEED_CHARS:,} characters long, the limit for one article"
    if isinstance(seeds_dir, Mapping):
        text = seeds_dir.get(seed)
    else:
        path = seeds_dir / seed
        with contextlib.suppress(OSError):
            if path.stat().st_size > 4 * MAX_SEED_CHARS:  # more bytes than four a character: not read to say so
                return too_long
        text = _read_seed(path)
    if text is None:
        return f"seed file {seed!r} not found in {where}"
    if len(text) > MAX_SEED_CHARS:
        return too_long
    return _Seed(" ".join(text.split()))


def _read_seed(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _coordinate(places: pd.DataFrame, column: str, limit: float, file: str) -> Iterator[Problem]:
    def check(cell: str) -> list[str]:
        if not cell.strip():
            return []
        if problem := _number_problem(cell):
            return [f"{_shown(cell)} {problem}"]
        value = float(cell)
        return [] if math.isfinite(value) and -limit <= value <= limit else \
            [f"{cell} is outside [-{limit:g}, {limit:g}]"]

    for row, message in _per_value(places[column], check):
        yield Problem(file, row, column, message)


# What a number cell may hold: ASCII digits with a dot, as the app writes them (float() alone also reads "४५",
# "٤٥", "４５" and "4_5" as 45). Infinity and NaN pass here to be refused as out of range.
_DECIMAL = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*|\s*[+-]?(?:inf|infinity|nan)\s*",
                      re.ASCII | re.IGNORECASE)


def _number_problem(cell: str) -> str | None:
    """Why ``cell`` is not a number as the dataset writes them, or None if it is one."""
    if _DECIMAL.fullmatch(cell):
        return None
    if re.fullmatch(r"\s*[+-]?\d+,\d+\s*", cell, re.ASCII):
        return "uses a comma as decimal separator (write a dot: 45.5)"
    if any(not char.isascii() and unicodedata.decimal(char, None) is not None for char in cell):
        return "contains non-ASCII digits (write 0-9)"
    if "_" in cell:
        return "contains an underscore (write the digits only)"
    return "is not a number"


def _precision(places: pd.DataFrame, file: str) -> Iterator[Problem]:
    values = places["location_precision"]
    for row in _rows(~values.isin(_PRECISION_CODES) & ~_blank(values)):
        yield Problem(file, row, "location_precision",
                      f"{_shown(values.iloc[row - 1])} is not a UCDP precision code (1 exact … 7 water or airspace)")


_PRECISION_CODES = frozenset(str(int(p)) for p in LocationPrecision)


def _place_countries(places: pd.DataFrame, file: str, table_rows: np.ndarray | None) -> Iterator[Problem]:
    water = str(int(LocationPrecision.WATER_OR_AIRSPACE))
    optional = table_rows if table_rows is not None and "country" in TABLE_OPTIONAL_COLUMNS \
        else np.zeros(len(places), dtype=bool)
    for row, (code, precision, may_be_empty) in enumerate(zip(places["country"], places["location_precision"],
                                                              optional, strict=True), start=1):
        if code.strip() and not is_iso3(code):
            yield Problem(file, row, "country", f"{_shown(code)} is not an ISO 3166-1 alpha-3 code")
        elif not code.strip() and precision in _PRECISION_CODES and precision != water and not may_be_empty:
            yield Problem(file, row, "country",
                          "required unless the place is open sea or airspace (precision 7)")
