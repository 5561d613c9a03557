"""Any table in: which of its columns gives each of the dataset's fields, and the table in the dataset's own
single-file format, with honest defaults for what it does not say.

A :class:`ColumnMapping` names, for each field (``title``, ``date`` or ``start_date``/``end_date``, ``latitude``
and ``longitude`` or ``place``, ``country``, ``participants``, ``event_type``, ``sources``, ``quote``, ``seed``,
``notes``, ``url``, and the dataset's other columns), the column of the table that gives it.
:func:`guess_mapping` proposes one from common column names; :func:`parse_mapping_spec` and
:func:`read_mapping_file` read one from the command line or a file; :func:`check_mapping` checks it against a
table; :func:`apply_mapping` makes the table the validator checks. What the table does not say is filled in so
that it shows, never invented as fact:

- ``date_basis`` is ``table`` (the uploaded table vouches for the row; no article is quoted), or ``article``
  for a row that quotes a seed article that was given with the table;
- one date gives start and end; ``2022-08`` is the whole month and ``2022`` the whole year, at that precision;
- coordinates are the place's point, ``location_precision`` 1, ``coord_source`` naming the columns; a place
  name alone is resolved offline by the ingest, as for any table;
- ``event_id`` is a slug of the title and the row number; ``event_type``, if not given, is guessed from the
  title's words as the article extractor does, and the notes say so.

Pure: nothing here prints, and only :func:`read_mapping_file` reads a file.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DashboardError
from ..geography.countries import find_country, is_iso3, normalise_name
from .schema import (
    EVENT_COLUMNS,
    LIST_SEPARATOR,
    LOADED_COLUMNS,
    DateBasis,
    DatePrecision,
    EventType,
    LocationPrecision,
)

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "ColumnMapping",
    "MappingError",
    "apply_mapping",
    "check_mapping",
    "guess_mapping",
    "lacks_dataset_columns",
    "needs_mapping",
    "parse_mapping_spec",
    "read_mapping_file",
    "template_csv",
]


class MappingError(DashboardError, ValueError):
    """Raised when a column mapping cannot be used: an unknown field, a field given twice, a column the table
    lacks, or a mapping that leaves the title, the dates or the place unsaid. ``messages`` lists each finding."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a table gives each field of the dataset: None when no column does, "" when none does
    on purpose (a guess does not fill it, see :meth:`with_guesses`). ``origin`` says where the mapping comes
    from, for messages (``--map``, a file's name, ``guessed``)."""

    title: str | None = None
    date: str | None = None  # one date: start and end both
    start_date: str | None = None
    end_date: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    place: str | None = None
    country: str | None = None  # the place's country
    participants: str | None = None
    event_type: str | None = None
    sources: str | None = None
    quote: str | None = None
    seed: str | None = None
    notes: str | None = None
    url: str | None = None  # kept as an extra column, "url"
    event_id: str | None = None
    date_precision: str | None = None
    date_basis: str | None = None
    date_note: str | None = None
    location_precision: str | None = None
    coord_source: str | None = None
    origin: str = field(default="the mapping", compare=False)

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(field, column) for each mapped field, in :data:`FIELDS` order: hashable, for caches."""
        return tuple((name, column) for name in FIELDS if (column := getattr(self, name)))

    def with_guesses(self, guessed: ColumnMapping) -> ColumnMapping:
        """This mapping, its unsaid fields filled from ``guessed`` with columns it does not use already."""
        chosen = {name: column for name in FIELDS if (column := getattr(self, name)) is not None}
        taken = set(chosen.values())
        conflicts = {"date": "start_date", "start_date": "date"}  # one date, or a start
        for name, column in guessed.pairs():
            if name not in chosen and column not in taken and not chosen.get(conflicts.get(name, "")):
                chosen[name] = column
                taken.add(column)
        return ColumnMapping(**chosen, origin=self.origin)

    def describe(self) -> str:
        """``title=Headline, date=Date``: the mapping as ``--map`` would take it."""
        return ", ".join(f"{name}={column}" for name, column in self.pairs()) or "(nothing mapped)"

    def source_of(self, column: str) -> str | None:
        """The table's column that a column of :func:`apply_mapping`'s result comes from, or None if it was
        made here (a generated id, a default)."""
        for name in _OUTPUT_FIELDS.get(column, (column,)):
            if name in _FIELD_SET and getattr(self, name):
                return getattr(self, name)
        if column == "place" and self.latitude:  # a place named after its coordinates
            return self.latitude
        return None

    @property
    def dates(self) -> list[str]:
        """The columns that give the dates."""
        return [c for c in (self.date, self.start_date, self.end_date) if c]


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ColumnMapping) if f.name != "origin")
_FIELD_SET = frozenset(FIELDS)
FIELD_LABELS: dict[str, str] = {
    "title": "Title", "date": "Date (one for start and end)", "start_date": "Start date", "end_date": "End date",
    "latitude": "Latitude", "longitude": "Longitude", "place": "Place name", "country": "Country of the place",
    "participants": "Participants (countries)", "event_type": "Event type", "sources": "Cited outlets",
    "quote": "Quote", "seed": "Seed article (file name)", "notes": "Notes", "url": "URL", "event_id": "Event id",
    "date_precision": "Date precision", "date_basis": "Date basis", "date_note": "Date note",
    "location_precision": "Location precision (UCDP 1–7)", "coord_source": "Source of the coordinates",
}
# Other names a spec or a mapping file may use for a field.
FIELD_ALIASES: dict[str, str] = {
    "start": "start_date", "end": "end_date", "lat": "latitude", "lon": "longitude", "lng": "longitude",
    "type": "event_type", "source": "sources", "outlet": "sources", "place_country": "country", "id": "event_id",
}
# Output columns made from more than one field, the first mapped one being their source.
_OUTPUT_FIELDS: dict[str, tuple[str, ...]] = {
    "start_date": ("start_date", "date"), "end_date": ("end_date", "start_date", "date"),
    "place_country": ("country",), "country": ("country",), "date_precision": ("date_precision",),
}

# Column names (folded: lower case, words joined by "_") each field is guessed from, the likeliest first.
GUESSES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "eventid", "id", "uid"),
    "title": ("title", "headline", "event_title", "event_name", "name", "event", "subject", "description",
              "summary"),
    "start_date": ("start_date", "start", "startdate", "date_start", "from", "from_date", "begin", "begin_date",
                   "start_time"),
    "end_date": ("end_date", "end", "enddate", "date_end", "to", "to_date", "until", "finish", "end_time"),
    "date": ("date", "day", "event_date", "date_of_event", "when", "datetime", "timestamp", "year"),
    "latitude": ("latitude", "lat", "lat_dd", "decimal_latitude", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "lon_dd", "decimal_longitude", "x"),
    "place": ("place", "location", "place_name", "location_name", "where", "city", "site", "town", "locality",
              "village", "region"),
    "country": ("country", "place_country", "country_code", "iso3", "country_iso3", "iso", "iso_code", "nation",
                "country_name"),
    "participants": ("participants", "participant", "actors", "parties", "countries", "participant_countries"),
    "event_type": ("event_type", "type", "category", "kind", "event_category"),
    "sources": ("sources", "source", "outlet", "outlets", "publisher", "media", "newspaper", "source_name"),
    "quote": ("quote", "quotation", "excerpt", "sentence", "snippet"),
    "seed": ("seed", "seed_file", "article", "article_file"),
    "notes": ("notes", "note", "comment", "comments", "remarks", "description", "details"),
    "url": ("url", "link", "source_url", "article_url", "href", "web"),
    "date_precision": ("date_precision",),
    "date_basis": ("date_basis",),
    "date_note": ("date_note",),
    "location_precision": ("location_precision", "where_prec"),
    "coord_source": ("coord_source",),
}
# Names too vague alone: x and y are coordinates only as a pair.
_PAIRED = (("latitude", "longitude"),)

DATE_HINT = "YYYY-MM-DD, YYYY-MM or YYYY"
PLACEHOLDER_TYPE = EventType.OTHER  # when no word of the title tells the type: said, not guessed
_ID_TITLE_CHARS = 60  # of the title in a generated id; with "-" and the row number it stays within 80
_SHOWN_COLUMNS = 20  # column names listed in a message


def name_key(name: object) -> str:
    """A column name as guesses compare it: lower case, runs of anything but letters and digits as one "_"."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def guess_mapping(columns: Iterable[object]) -> ColumnMapping:
    """The likeliest mapping for a table with these columns, from their names (case, spaces, hyphens and
    underscores aside); each column is given to one field at most. A table in the dataset's format maps to
    itself."""
    names = [str(c).strip() for c in columns]
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name_key(name), name)
    chosen: dict[str, str] = {}
    for name in GUESSES:
        column = next((by_key[g] for g in GUESSES[name] if g in by_key and by_key[g] not in chosen.values()),
                      None)
        if column is not None:
            chosen[name] = column
    if "start_date" in chosen:
        chosen.pop("date", None)
    for pair in _PAIRED:
        if not all(name in chosen for name in pair):
            for name in pair:
                chosen.pop(name, None)
    return ColumnMapping(**chosen, origin="guessed")


def lacks_dataset_columns(columns: Iterable[object]) -> bool:
    """Whether a table lacks any of the dataset's event columns (it cannot be read without a mapping)."""
    present = {str(c).strip() for c in columns}
    return any(column not in present for column in EVENT_COLUMNS)


def needs_mapping(columns: Iterable[object]) -> bool:
    """Whether a table is in another format than the dataset's: it has at most half of the dataset's event
    columns. (A table with more is the dataset's with a column missing, which is reported as such.)"""
    present = {str(c).strip() for c in columns}
    return sum(column in present for column in EVENT_COLUMNS) <= len(EVENT_COLUMNS) // 2


# ---------------------------------------------------------------- reading a mapping


def parse_mapping_spec(spec: str, *, origin: str = "--map") -> ColumnMapping:
    """A mapping from ``title=Headline,date=Date``; a column name holding a comma goes in double quotes
    (``"title=Name, short"``). Raises :class:`MappingError` naming each bad item."""
    try:
        items = next(csv.reader([spec], skipinitialspace=True), [])
    except csv.Error as exc:
        raise MappingError([f"{origin}: cannot read {spec!r} ({exc})"]) from None
    entries, errors = [], []
    for number, item in enumerate(items, start=1):
        if not item.strip():
            continue
        name, equals, column = item.partition("=")
        if not equals:
            errors.append(f"{origin}: {item!r} is not FIELD=COLUMN")
        else:
            entries.append((name, column, f"{origin} item {number}"))
    return _mapping_from(entries, origin=origin, errors=errors)


def read_mapping_file(path: str | Path) -> ColumnMapping:
    """A mapping from a file: a JSON object ``{"title": "Headline", "date": "Date"}``, or a CSV of two columns,
    field and column (a header row ``field,column`` is optional). Raises :class:`MappingError` naming the file
    and, for a CSV, the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise MappingError([f"{path}: cannot read the mapping file ({exc.strerror or exc})"]) from None
    except UnicodeDecodeError:
        raise MappingError([f"{path}: the mapping file is not UTF-8 text"]) from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        return _mapping_from(_json_entries(text, str(path)), origin=str(path))
    return _mapping_from(_csv_entries(text, str(path)), origin=str(path))


def _json_entries(text: str, origin: str) -> list[tuple[str, str | None, str]]:
    try:
        pairs = json.loads(text, object_pairs_hook=_Pairs)  # keeps a key given twice, to say so
    except json.JSONDecodeError as exc:
        raise MappingError([f"{origin}: not valid JSON: {exc.msg} at line {exc.lineno}"]) from None
    if not isinstance(pairs, _Pairs):
        raise MappingError([f"{origin}: the mapping must be one JSON object of field: column"])
    bad = [f"{origin}: the column for {name!r} must be text or null" for name, value in pairs
           if value is not None and not isinstance(value, str)]  # a nested object or list too
    if bad:
        raise MappingError(bad)
    return [(name, value, f"{origin} key {name!r}") for name, value in pairs]


class _Pairs(list):
    """A JSON object's (key, value) pairs, in order."""


def _csv_entries(text: str, origin: str) -> list[tuple[str, str | None, str]]:
    entries, errors = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(cell.strip() for cell in row):
            continue
        if number == 1 and [cell.strip().lower() for cell in row] == ["field", "column"]:
            continue
        if len(row) != 2:
            errors.append(f"{origin} line {number}: expected two cells, field and column; found {len(row)}")
        else:
            entries.append((row[0], row[1], f"{origin} line {number}"))
    if errors:
        raise MappingError(errors)
    return entries


def _mapping_from(entries: Sequence[tuple[str, str | None, str]], *, origin: str,
                  errors: list[str] | None = None) -> ColumnMapping:
    """A mapping from (field, column, where) entries; every unknown, doubled or empty one is reported."""
    errors = list(errors or [])
    chosen: dict[str, str | None] = {}
    for name, column, where in entries:
        key = FIELD_ALIASES.get(name_key(name), name_key(name))
        if key not in _FIELD_SET:
            errors.append(f"{where}: unknown field {name.strip()!r} (fields: {', '.join(FIELDS)})")
        elif key in chosen:
            errors.append(f"{where}: field {key!r} is mapped twice")
        else:  # "" (or JSON's null): no column, not even a guessed one
            chosen[key] = (column or "").strip()
    if errors:
        raise MappingError(errors)
    return ColumnMapping(**chosen, origin=origin)


def check_mapping(mapping: ColumnMapping, columns: Iterable[object], *, file: str) -> None:
    """Raise :class:`MappingError` if ``mapping`` names a column the table (``file``) lacks, or leaves the
    title, the dates or the place unsaid, or says one thing twice (a date and a start date)."""
    present = [str(c).strip() for c in columns]
    errors = [_no_column(file, name, column, present, mapping.origin) for name, column in mapping.pairs()
              if column not in present]
    if not mapping.title:
        errors.append(f"{file}: no column gives the title (map title)")
    if not mapping.date and not mapping.start_date:
        errors.append(f"{file}: no column gives the date (map date, or start_date and perhaps end_date)")
    if mapping.date and mapping.start_date:
        errors.append(f"{file}: map either date or start_date (with end_date), not both")
    if bool(mapping.latitude) != bool(mapping.longitude):
        errors.append(f"{file}: map latitude and longitude together")
    if not mapping.latitude and not mapping.place:
        errors.append(f"{file}: no column gives the place (map latitude and longitude, or place)")
    if errors:
        shown = ", ".join(repr(p) for p in present[:_SHOWN_COLUMNS]) + (", …" if len(present) > _SHOWN_COLUMNS
                                                                         else "")
        raise MappingError([*errors, f"{file}: its columns are {shown}"])


def _no_column(file: str, name: str, column: str, present: list[str], origin: str) -> str:
    like = [p for p in present if p.casefold() == column.casefold()]
    hint = f"; did you mean {like[0]!r}?" if like else ""
    return f"{file}: no column {column!r} for {name} ({origin}){hint}"


# ---------------------------------------------------------------- applying a mapping


def apply_mapping(table: pd.DataFrame, mapping: ColumnMapping, *, seed_given: bool) -> pd.DataFrame:
    """``table`` (strings, as read) in the dataset's single-file format: :data:`LOADED_COLUMNS` as strings, then
    ``url`` if mapped and the table's unmapped columns, row for row (row ``i`` is the table's row ``i``).

    ``seed_given`` says that seed articles come with the table: only then is a row that quotes one (mapped
    ``quote`` and ``seed``, both filled) dated on the article's authority; every other row's basis is
    ``table``. Values are converted where the meaning is certain (ISO dates, country names to ISO codes,
    "Military exercise" to ``military_exercise``); anything else is kept as written, for the validator to name.
    The mapping is assumed checked (:func:`check_mapping`). Vectorised: 200,000 rows take well under a second.
    """
    table = table.rename(columns=lambda c: str(c).strip()).reset_index(drop=True)
    blank = np.full(len(table), "", dtype=object)  # shared by the unmapped fields: never written to
    given = {name: _cells(table[column]) if (column := getattr(mapping, name)) else blank
             for name in FIELDS}
    out: dict[str, np.ndarray] = {"title": given["title"]}
    start = given["start_date"] if mapping.start_date else given["date"]
    out["start_date"], out["end_date"], precision = _mapped_dates(start, given["end_date"])
    out["date_precision"] = _filled(_per_unique(given["date_precision"], str.lower), precision)
    out["date_basis"] = _filled(_per_unique(given["date_basis"], str.lower), _basis(mapping, given,
                                                                                     seed_given=seed_given))
    columns = " and ".join(repr(c) for c in mapping.dates)
    out["date_note"] = _filled(given["date_note"], f"Dates from the uploaded table (column"
                               f"{'s' if len(mapping.dates) > 1 else ''} {columns}).")
    out.update(_place_columns(mapping, given))
    out["participants"] = _per_unique(given["participants"], _countries_cell)
    out["sources"], out["quote"], out["seed"] = given["sources"], given["quote"], given["seed"]
    out["event_type"], type_note = _event_types(given["event_type"], out["title"])
    out["notes"] = _joined(given["notes"], type_note)
    out["event_id"] = _event_ids(given["event_id"], out["title"])
    frame = pd.DataFrame({column: out[column] for column in LOADED_COLUMNS}, index=table.index)
    if mapping.url:
        frame["url"] = given["url"]
    used = {column for _, column in mapping.pairs()}
    extra = [c for c in table.columns if c not in used and c not in frame.columns and c != "country"]
    return pd.concat([frame, table[extra].astype("str").fillna("")], axis=1) if extra else frame


def _cells(column: pd.Series) -> np.ndarray:
    """A column's cells as Python strings, stripped (at C speed, before leaving Arrow)."""
    return column.astype("str").fillna("").str.strip().to_numpy(dtype=object)


def _filled(values: np.ndarray, default: np.ndarray | str) -> np.ndarray:
    """``values`` where given, else ``default``."""
    given = values != ""
    if not given.any():  # the common case: the field is not mapped
        return np.full(len(values), default, dtype=object) if isinstance(default, str) else default
    return np.where(given, values, default).astype(object)


def _joined(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two texts joined by a space where both are there."""
    given = first != ""
    if not given.any():  # the common case: no notes column
        return second
    return np.where(given & (second != ""), first + " " + second, first + second).astype(object)


def _per_unique(values: np.ndarray, convert: Callable[[str], str]) -> np.ndarray:
    """``convert`` applied once per distinct value (a large table has few); blank cells stay blank."""
    if not (values != "").any():
        return values
    codes, uniques = pd.factorize(values)
    converted = np.array([convert(u) if u else "" for u in uniques] + [""], dtype=object)
    return converted[codes]


def _basis(mapping: ColumnMapping, given: dict[str, np.ndarray], *, seed_given: bool) -> np.ndarray:
    """``article`` for rows that quote a seed article given with the table, ``table`` for the others."""
    quoted = np.zeros(len(given["title"]), dtype=bool)
    if seed_given and mapping.quote and mapping.seed:
        quoted = (given["quote"] != "") & (given["seed"] != "")
    return np.where(quoted, DateBasis.ARTICLE.value, DateBasis.TABLE.value).astype(object)


# ---------------------------------------------------------------- dates


_ISO_DAY = r"\d{4}-\d{2}-\d{2}"
_DATE_FORM = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})(?:[T ][0-9:.,+\-Z ]*)?)?)?", re.ASCII)
_PRECISIONS = np.array([DatePrecision.DAY.value, DatePrecision.MONTH.value, DatePrecision.YEAR.value], dtype=object)
_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _mapped_dates(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end days and the precision, from one date column or two. ``2022-08`` is the month, start
    to end, ``2022`` the year; a date and time counts as its day. A cell that is no such date is kept as
    written, for the validator to name; a blank end is the start's. The precision is the coarser of the two."""
    first, last = _date_spans(start), _date_spans(end)
    has_end = end != ""
    finish = np.where(has_end, last.end, first.end).astype(object)
    rank = np.maximum(first.rank, np.where(has_end & last.ok, last.rank, 0))
    return first.start, finish, _PRECISIONS[rank]


@dataclass(frozen=True)
class _Spans:
    """Per cell: whether it reads as a date, its first and last day (else the cell as written), and its
    precision rank (0 day, 1 month, 2 year)."""

    ok: np.ndarray
    start: np.ndarray
    end: np.ndarray
    rank: np.ndarray


def _date_spans(values: np.ndarray) -> _Spans:
    """:class:`_Spans` of a column: cells already YYYY-MM-DD (the common case) pass as they are, found at C
    speed; each distinct other cell is read once."""
    iso = pd.Series(values, dtype="str").str.fullmatch(_ISO_DAY).fillna(False).to_numpy(dtype=bool)
    start, end, rank, ok = values.copy(), values.copy(), np.zeros(len(values), dtype=int), iso.copy()
    other = ~iso & (values != "")
    if other.any():
        codes, uniques = pd.factorize(values[other])
        spans = _spans_of(pd.Series(list(uniques), dtype=object))
        for target, column in ((start, "start"), (end, "end"), (rank, "rank"), (ok, "ok")):
            target[other] = spans[column].to_numpy()[codes]
    return _Spans(ok, start, end, rank)


def _spans_of(cells: pd.Series) -> pd.DataFrame:
    """Year, year-month and dates with a time, read; anything else kept as written."""
    parts = cells.str.extract(f"^{_DATE_FORM.pattern}$")
    year = pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float)
    month = pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float)
    day = pd.to_numeric(parts[2], errors="coerce").to_numpy(dtype=float)
    rank = np.where(~np.isnan(day), 0, np.where(~np.isnan(month), 1, 2))
    y, m = np.nan_to_num(year).astype(int), np.nan_to_num(month, nan=1).astype(int)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    last_day = _DAYS_IN_MONTH[np.clip(m, 1, 12) - 1] + ((m == 2) & leap)
    d = np.nan_to_num(day, nan=1).astype(int)
    ok = ~np.isnan(year) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= last_day)
    finish = _iso(y, np.where(rank == 2, 12, m), np.where(rank == 0, d, np.where(rank == 1, last_day, 31)))
    written = cells.to_numpy(dtype=object)
    return pd.DataFrame({"ok": ok, "start": np.where(ok, _iso(y, m, d), written), "end": np.where(ok, finish, written),
                         "rank": np.where(ok, rank, 0)})


def _iso(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    return np.array([f"{a:04d}-{b:02d}-{c:02d}" for a, b, c in zip(year, month, day, strict=True)], dtype=object)


# ---------------------------------------------------------------- places


def _place_columns(mapping: ColumnMapping, given: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The place's columns. A row with coordinates is at that point (precision 1 unless mapped, its source
    the columns); a row with only a name is left for the ingest to resolve offline, as any table's is. Without
    a place column, the place is named by its coordinates."""
    latitude, longitude = given["latitude"], given["longitude"]
    has_point = (latitude != "") | (longitude != "")
    # Named after its point, a row always has its point's defaults: blank coordinates then say so once, in them.
    located = has_point if mapping.place else np.ones(len(latitude), dtype=bool)
    source = f"from the uploaded table (columns {mapping.latitude!r} and {mapping.longitude!r})"
    points = np.full(len(latitude), "", dtype=object)
    points[has_point] = latitude[has_point] + ", " + longitude[has_point]
    return {
        "place": _filled(given["place"], points),
        "latitude": latitude, "longitude": longitude,
        "location_precision": _filled(given["location_precision"], _where(located, str(int(LocationPrecision.EXACT)))),
        "place_country": _per_unique(given["country"], _country_cell),
        "coord_source": _filled(given["coord_source"], _where(located, source)),
    }


def _where(mask: np.ndarray, value: str) -> np.ndarray:
    """``value`` where ``mask``, else "" (Python strings: numpy's own would be as wide as the longest)."""
    cells = np.full(len(mask), "", dtype=object)
    cells[mask] = value
    return cells


def _country_cell(cell: str) -> str:
    """An ISO3 code for a country's name or code ("France", "FR", "fra"); the cell as written otherwise."""
    if is_iso3(cell):
        return cell
    return find_country(cell) or find_country(cell.upper()) or cell


def _countries_cell(cell: str) -> str:
    """Participants separated by ";" or ",", each made an ISO3 code where certain."""
    return LIST_SEPARATOR.join(_country_cell(item.strip()) if item.strip() else "" for item in re.split(r"[;,]", cell))


# ---------------------------------------------------------------- event types and ids


_TYPE_VALUES = {t.value for t in EventType}
PLACEHOLDER_NOTE = "The table gives no event type, and no word of the title tells it."


def _event_types(given: np.ndarray, titles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mapped types ("Military exercise" read as ``military_exercise``; others kept as written); where none
    is given, the type the title's words suggest, with a note saying it is a guess."""
    types = _per_unique(given, lambda v: name_key(v) if name_key(v) in _TYPE_VALUES else v).copy()
    missing = types == ""
    note = np.full(len(types), "", dtype=object)
    if missing.any():
        types[missing], note[missing] = _guessed_types(titles[missing])
    return types, note


def _guessed_types(titles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The type each title's words suggest, by the article extractor's keywords (the first type whose words a
    title holds, as it decides), and a note naming the word; ``other`` where no word tells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..extraction.extract import TYPE_KEYWORDS  # the one list of type words (20 ms to import)

    lowered = pc.utf8_lower(pa.array(titles, type=pa.string()))
    types = np.full(len(titles), PLACEHOLDER_TYPE.value, dtype=object)
    notes = np.full(len(titles), PLACEHOLDER_NOTE, dtype=object)
    todo = np.ones(len(titles), dtype=bool)
    for event_type, keywords in TYPE_KEYWORDS:  # Arrow's regex engine: ten times pandas' str.extract
        matches = pc.extract_regex(lowered, "(?P<word>" + "|".join(re.escape(k) for k in keywords) + ")")
        found = matches.field("word")  # its values, without the parent's nulls: a title that does not match
        hit = todo & pc.is_valid(matches).to_numpy(zero_copy_only=False)
        types[hit] = event_type.value
        notes[hit] = "Event type guessed from '" + found.filter(pa.array(hit)).to_numpy(zero_copy_only=False) \
            .astype(object) + "' in the title."
        todo &= ~hit
    return types, notes


def _event_ids(given: np.ndarray, titles: np.ndarray) -> np.ndarray:
    """The mapped ids as slugs; where none is given, the title's slug and the row number (unique, and the
    same on every upload of the same table)."""
    mapped = _per_unique(given, lambda v: _slug(v)[:80])
    text = pd.Series(titles, dtype="str").str.slice(0, 4 * _ID_TITLE_CHARS)
    accented = text.str.contains(r"[^\x00-\x7f]", regex=True).fillna(False).to_numpy(dtype=bool)
    if accented.any():  # accents folded as the gazetteer folds them ("Montréal" is "montreal")
        text[accented] = _per_unique(text[accented].to_numpy(dtype=object), normalise_name)
    slugs = text.str.lower().str.replace(r"[^0-9a-z]+", "-", regex=True).str.strip("-") \
        .str.slice(0, _ID_TITLE_CHARS).str.strip("-")
    made = slugs.where(slugs != "", "event") + "-" + pd.Series(np.arange(1, len(titles) + 1)).astype("str")
    return _filled(mapped, made.to_numpy(dtype=object))


def _slug(text: str) -> str:
    folded = text.lower() if text.isascii() else normalise_name(text)
    return re.sub(r"[^0-9a-z]+", "-", folded).strip("-")


# ---------------------------------------------------------------- the template


_TEMPLATE_ROW = {
    "event_id": "vostok-2022",
    "title": "Vostok 2022 joint military drills in Russia's Far East",
    "event_type": EventType.MILITARY_EXERCISE.value,
    "start_date": "2022-08-30",
    "end_date": "2022-09-05",
    "date_precision": DatePrecision.DAY.value,
    "date_basis": DateBasis.ARTICLE.value,
    "date_note": "The article gives 'August 30 to September 5'; the year is the drills' name.",
    "place": "Russian Far East",
    "latitude": "62.0",
    "longitude": "135.0",
    "location_precision": str(int(LocationPrecision.WIDER_REGION)),
    "place_country": "RUS",
    "coord_source": "approximate centre of Russia's Far Eastern Federal District",
    "participants": "RUS;CHN;KAZ;KGZ;TJK;IND;NIC;BLR",
    "sources": "TASS",
    "quote": "the military drills are scheduled to take place from August 30 to September 5 and will mobilize "
             "over 50,000 troops.",
    "seed": "000_0441dc0ab698eb74.txt",
    "notes": "An example row: replace it. date_basis 'table' rows may leave quote and seed empty.",
}


@functools.cache
def template_csv() -> str:
    """The dataset's single-file CSV format with one example row, valid against the bundled seed article."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LOADED_COLUMNS)
    writer.writerow([_TEMPLATE_ROW[column] for column in LOADED_COLUMNS])
    return buffer.getvalue()
