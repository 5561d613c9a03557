"""Loading the dataset: read the events and places CSV files, validate them, and join them.

``load_events()`` returns one row per event with its place's coordinates, participants and sources as
tuples, and dates as datetimes; or raises :class:`DatasetError` listing every problem found.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DatasetError, Problem, UnreadableFileError
from ..paths import EVENTS_PATH, PLACES_PATH, SEEDS_DIR
from .export import restore_formulas
from .schema import (
    EVENT_COLUMNS,
    LIST_SEPARATOR,
    LOADED_COLUMNS,
    MAX_COLUMN_NAME_CHARS,
    MAX_COLUMNS,
    MAX_NESTING,
    PLACE_COLUMNS,
)
from .validation import parse_dates, split_list, validate_events, validate_places

__all__ = ["cell_text", "check_columns", "check_csv_header", "check_head", "check_nesting", "csv_header", "load_events",
           "read_parquet", "read_table", "resolve_paths", "strings_table", "tidy_csv_table", "typed_frame"]

SNIFF_BYTES = 65_536  # how much of a file is looked at to tell what it is

# Magic numbers of files people rename to .csv by mistake, and what to tell them.
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x1f\x8b", "a gzip-compressed file, not CSV: decompress it first"),
    (b"PK\x03\x04", "a ZIP archive or a spreadsheet (XLSX/ODS), not CSV: export it as CSV (UTF-8) first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (XLS) file, not CSV: export it as CSV (UTF-8) first"),
    (b"\xff\xfe", "UTF-16 text, not UTF-8: save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text, not UTF-8: save it as UTF-8"),
]


def check_head(head: bytes, name: str) -> None:
    """Raise :class:`UnreadableFileError` if a file's first bytes show it is no text table: a gzip, ZIP or XLS
    file, UTF-16, or binary. (Parquet is told apart by the caller.)"""
    for magic, message in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFileError([Problem(name, None, None, message)])
    if b"\x00" in head[:SNIFF_BYTES]:
        raise UnreadableFileError([Problem(name, None, None, "a binary file, not a CSV or GeoJSON text")])


def check_csv_header(header: str, name: str) -> None:
    """Raise :class:`UnreadableFileError` for a header separated by something else than commas."""
    if "," not in header:
        for delimiter, label in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if delimiter in header:
                raise UnreadableFileError([Problem(name, None, None, f"the columns are separated by {label}; "
                                                   "the dataset's CSV uses commas")])


def csv_header(text: str, name: str) -> list[str]:
    """The column names in the first record of a CSV text, read alone (a huge file costs nothing more), and
    checked by :func:`check_columns`."""
    line = text.lstrip().partition("\n")[0]
    check_csv_header(line, name)
    check_columns([max(line.split(","), key=len)], name)  # before the csv module, which stops at 131,072
    try:
        names = [column.strip() for column in next(csv.reader(io.StringIO(text.lstrip(), newline="")), [])]
    except csv.Error as exc:
        raise UnreadableFileError([Problem(name, None, None, f"not a readable CSV file: {exc}")]) from None
    check_columns(names, name)
    return names


def check_columns(names: Sequence[object], name: str) -> None:
    """Raise :class:`UnreadableFileError` for more than :data:`MAX_COLUMNS` columns or a column name longer than
    :data:`MAX_COLUMN_NAME_CHARS`: checked before the data is read, so neither costs anything."""
    if len(names) > MAX_COLUMNS:
        raise UnreadableFileError([Problem(name, None, None, f"the table has {len(names):,} columns; the limit is "
                                           f"{MAX_COLUMNS}")])
    for column in names:
        if len(text := str(column)) > MAX_COLUMN_NAME_CHARS:
            raise UnreadableFileError([Problem(name, None, None, f"a column name is {len(text):,} characters long "
                                               f"({text[:40]!r}…); the limit is {MAX_COLUMN_NAME_CHARS}")])


# JSON strings, whose brackets do not nest: removed before counting (the unrolled form runs at C speed).
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def check_nesting(data: bytes, name: str) -> None:
    """Raise :class:`UnreadableFileError` if JSON ``data`` nests deeper than :data:`MAX_NESTING` levels: a linear
    scan before parsing, as Python's parser would exhaust its recursion first."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if len(brackets) <= MAX_NESTING:
        return
    codes = np.frombuffer(brackets, dtype=np.uint8)
    depth = np.cumsum(np.where((codes == ord("[")) | (codes == ord("{")), 1, -1), dtype=np.int64)
    if depth.max() > MAX_NESTING:
        raise UnreadableFileError([Problem(name, None, None, f"nested too deeply (more than {MAX_NESTING} levels "
                                           "of arrays and objects)")])


def resolve_paths(path: str | Path | None = None, places_path: str | Path | None = None) -> tuple[Path, Path]:
    """The events and places files for ``path``: the bundled data, a folder holding both, or an events file
    with ``places.csv`` beside it."""
    if path is None:
        events = EVENTS_PATH
    else:
        events = Path(path)
        if events.is_dir():
            events = events / EVENTS_PATH.name
    places = Path(places_path) if places_path is not None else events.parent / PLACES_PATH.name
    return events, places


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (or, by its ``.parquet`` extension, Parquet) file as strings, empty cells as "" (never NaN), or
    :class:`UnreadableFileError` naming the file."""
    if path.suffix.lower() == ".parquet":
        return read_parquet(path, str(path))
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        check_head(head, str(path))
        _check_head_row(head, str(path))
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise UnreadableFileError([Problem(str(path), None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise UnreadableFileError([Problem(str(path), None, None, f"not UTF-8 text ({exc.reason} at byte "
                                           f"{exc.start})")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise UnreadableFileError([Problem(str(path), None, None, f"not a readable CSV file ({exc})")]) from None
    return tidy_csv_table(table, str(path))


def _check_head_row(head: bytes, name: str) -> None:
    """:func:`csv_header` on a file's first bytes: a header within the limits fits in them."""
    text = head.decode("utf-8-sig", errors="replace")
    if len(head) == SNIFF_BYTES and "\n" not in text:
        raise UnreadableFileError([Problem(name, None, None, f"the header row is longer than {SNIFF_BYTES:,} bytes; "
                                           f"the limit is {MAX_COLUMNS} columns of at most {MAX_COLUMN_NAME_CHARS} "
                                           "characters")])
    csv_header(text, name)


def tidy_csv_table(table: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table as pandas read it from CSV, checked and cleaned: column names stripped, missing cells "", the
    export's formula protection undone."""
    if not isinstance(table.index, pd.RangeIndex):
        # pandas takes the first column as the index when the first data row has one field too many.
        raise UnreadableFileError([Problem(name, 1, None, "the row has more fields than the header (a comma "
                                           "inside a value that is not in double quotes?)")])
    table.columns = [str(column).strip() for column in table.columns]
    return restore_formulas(table.fillna(""))  # a short row leaves its last cells missing, not empty


def read_parquet(source: Path | io.BytesIO, name: str, *, max_rows: int | None = None,
                 max_bytes: int | None = None) -> pd.DataFrame:
    """A Parquet table (a file or bytes) read as if it were CSV: large datasets load several times faster. Our
    CSV export's formula protection is never in Parquet, so there is none to undo.

    Its footer is checked before any data is read: columns (count, names, nesting) always, and with ``max_rows``
    and ``max_bytes`` its rows and uncompressed size, since a megabyte of Parquet can hold millions of rows.
    """
    try:
        _check_parquet_footer(source, name, max_rows=max_rows, max_bytes=max_bytes)
        table = pd.read_parquet(source)
    except UnreadableFileError:
        raise  # a ValueError too, but already worded
    except FileNotFoundError:
        raise UnreadableFileError([Problem(name, None, None, "file not found")]) from None
    except (OSError, ValueError, ImportError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise UnreadableFileError([Problem(name, None, None, f"not a readable Parquet file ({exc})")]) from None
    return strings_table(table)


def _check_parquet_footer(source: Path | io.BytesIO, name: str, *, max_rows: int | None,
                          max_bytes: int | None) -> None:
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(source).metadata
    if isinstance(source, io.BytesIO):
        source.seek(0)
    schema = metadata.schema
    check_columns(schema.to_arrow_schema().names, name)
    if any(schema.column(i).max_repetition_level > MAX_NESTING for i in range(metadata.num_columns)):
        raise UnreadableFileError([Problem(name, None, None, f"nested too deeply (more than {MAX_NESTING} levels "
                                           "of lists)")])
    if max_rows is not None and metadata.num_rows > max_rows:
        raise UnreadableFileError([Problem(name, None, None, f"the table has {metadata.num_rows:,} rows; the limit "
                                           f"is {max_rows:,}")])
    size = sum(metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups))
    if max_bytes is not None and size > max_bytes:
        raise UnreadableFileError([Problem(name, None, None, f"the data is {size / 2**20:,.1f} MiB uncompressed; "
                                           f"the limit is {max_bytes / 2**20:,.0f} MiB")])


def strings_table(table: pd.DataFrame) -> pd.DataFrame:
    """Any table (from Parquet, say) as the loader's text: numbers as their text, days as YYYY-MM-DD, lists
    joined with the list separator, missing values as ""."""
    table = table.copy()
    for column in table.columns:
        values = table[column]
        if values.dtype == "str" and not values.isna().any():
            continue  # text already: the common case, kept fast
        if values.dtype.kind in "iuf":  # numbers: vectorised, as str() would write them
            table[column] = values.astype(str).where(values.notna(), "").astype(object)
        else:
            table[column] = values.map(cell_text).astype(object)
    table.columns = [str(column).strip() for column in table.columns]
    return table


def cell_text(value: object) -> str:
    """One value as the text a CSV cell would hold."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, list | tuple | np.ndarray):
        return LIST_SEPARATOR.join(cell_text(item) for item in value)
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def load_events(path: str | Path | None = None, *, places_path: str | Path | None = None,
                seeds_dir: str | Path | None = None) -> pd.DataFrame:
    """The validated dataset, one row per event, in :data:`~dashboard.dataset.schema.LOADED_COLUMNS` order.

    ``path`` is an events CSV (its ``places.csv`` beside it) or a folder holding both; by default the
    bundled data. Quotes are checked against the seed articles in ``seeds_dir`` (by default ``seeds/``).
    """
    events_file, places_file = resolve_paths(path, places_path)
    events, places = _read_both(events_file, places_file)
    problems = validate_places(places, file=str(places_file))
    if "place" in places.columns:
        problems += validate_events(events, file=str(events_file), places=places["place"],
                                    seeds_dir=Path(seeds_dir) if seeds_dir is not None else SEEDS_DIR)
    if problems:
        raise DatasetError(problems)
    return _join(events, places)


def _read_both(events_file: Path, places_file: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    problems: list[Problem] = []
    tables = []
    for file in (events_file, places_file):
        try:
            tables.append(read_table(file))
        except UnreadableFileError as exc:
            problems += exc.problems
    if problems:
        raise UnreadableFileError(problems)
    return tables[0], tables[1]


def _join(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    places = places[list(PLACE_COLUMNS)].rename(columns={"country": "place_country"})
    # A downloaded table carries its places' columns too; places.csv is the authority for them.
    events = events.drop(columns=[c for c in places.columns if c != "place" and c in events.columns])
    frame = events.merge(places, on="place", how="left", validate="many_to_one")
    return typed_frame(frame, extra=[column for column in events.columns if column not in EVENT_COLUMNS])


def typed_frame(frame: pd.DataFrame, *, extra: list[str]) -> pd.DataFrame:
    """Validated string columns (events with their place's columns) as the loaded frame: dates as datetimes,
    coordinates as floats, lists as tuples, in :data:`LOADED_COLUMNS` order followed by ``extra``."""
    frame = frame.copy()
    frame["start_date"] = parse_dates(frame["start_date"])
    frame["end_date"] = parse_dates(frame["end_date"])
    frame["latitude"] = frame["latitude"].astype(float)
    frame["longitude"] = frame["longitude"].astype(float)
    frame["location_precision"] = frame["location_precision"].astype(int)
    for column in ("participants", "sources"):
        frame[column] = _tuples(frame[column])
    # An object Index: a plain list of names would become a fixed-width numpy array, as wide as the longest name.
    return frame[pd.Index(LOADED_COLUMNS + extra, dtype=object)].reset_index(drop=True)


def _tuples(cells: pd.Series) -> pd.Series:
    """Each multi-valued cell as a tuple of its items; each distinct cell is split once (a million rows hold
    a few thousand distinct cells)."""
    codes, uniques = pd.factorize(cells.to_numpy(dtype=object))
    items = np.empty(len(uniques), dtype=object)
    for index, cell in enumerate(uniques):
        items[index] = tuple(split_list(cell))
    return pd.Series(items[codes], index=cells.index, dtype=object)
