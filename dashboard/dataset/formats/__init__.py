"""Published event datasets in: ACLED exports, UCDP GED and GDELT event files, told apart by their headers (GDELT's
files have none: by their tab-separated shape) and read in chunks into the dataset's single-file format.

One module per layout (:mod:`.acled`, :mod:`.ucdp`, :mod:`.gdelt`) says where its columns are published and how
each maps onto the dataset; :mod:`.codes` holds the country code tables they need. :func:`detect_format` names the
layout of a file, :func:`read_chunks` reads one as strings, a chunk at a time, whatever its container (CSV, XLSX,
a ZIP holding one CSV).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ...errors import Problem, UnreadableFileError
from .acled import ACLED
from .common import Converted, Layout, PlaceNames
from .gdelt import BY_COUNT, GDELT
from .ucdp import UCDP

__all__ = ["LAYOUTS", "Converted", "Layout", "PlaceNames", "detect_columns", "detect_format", "layout_named",
           "read_chunks"]

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (ACLED, UCDP, GDELT)}
SNIFF_BYTES = 65_536

Source = Path | bytes  # a file, or its bytes (an upload)


def layout_named(name: str) -> Layout:
    return LAYOUTS[name.lower()]


def detect_columns(columns: list[str]) -> Layout | None:
    """The layout whose required columns a header holds (names compared in lower case), or None."""
    present = {str(c).strip().lower() for c in columns}
    for layout in LAYOUTS.values():
        if {c.lower() for c in layout.required} <= present:
            return layout
    return None


def detect_format(source: Source, name: str | None = None) -> Layout | None:
    """The published layout of a file (a path, or its bytes named ``name``), from its header or, for GDELT's
    headerless files, from its first line's shape (57, 58 or 61 tab-separated fields, an id and a YYYYMMDD day);
    None when it is none of them. Looks at the first line only (of the one CSV in a ZIP; of an XLSX's first sheet)."""
    try:
        kind, line = _first_line(source)
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, ImportError):  # ImportError: no openpyxl
        return None
    if kind == "xlsx":
        return detect_columns(line)  # ACLED's export tool is the one that writes spreadsheets
    text = line[0] if line else ""
    fields = text.rstrip("\r\n").split("\t")
    if len(fields) in BY_COUNT and fields[0].strip().isdigit() and len(fields[1].strip()) == 8 \
            and fields[1].strip().isdigit():
        return GDELT
    delimiter = "\t" if "\t" in text and "," not in text else ","
    try:
        header = next(csv.reader([text.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:  # not a CSV header at all: for the caller's own reader to say why
        return None
    return detect_columns(header)


def _first_line(source: Source) -> tuple[str, list[str]]:
    """("xlsx", the first row's cells) for a spreadsheet, else ("text", [its first line])."""
    head = source[:SNIFF_BYTES] if isinstance(source, bytes) else _head(source)
    if head.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(_binary(source)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                return "xlsx", _xlsx_header(source)
            member = _only_member(archive, str(source) if isinstance(source, Path) else "the upload")
            with archive.open(member) as handle:
                head = handle.read(SNIFF_BYTES)
    text = head.decode("utf-8-sig", errors="replace")
    return "text", [text.split("\n", 1)[0]]


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES)


def _binary(source: Source) -> Path | io.BytesIO:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def _only_member(archive: zipfile.ZipFile, name: str) -> str:
    members = [m for m in archive.namelist() if not m.endswith("/")]
    if len(members) != 1:
        raise UnreadableFileError([Problem(name, None, None, f"a ZIP archive of {len(members)} files: GDELT's hold "
                                           "one (unzip it and give the events file)")])
    return members[0]


def _xlsx_header(source: Source) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(_binary(source), read_only=True, data_only=True)
    try:
        row = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    finally:
        workbook.close()
    return [str(cell) if cell is not None else "" for cell in row]


def read_chunks(source: Source, layout: Layout, *, name: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The file's rows as strings (empty cells ""), ``chunk_rows`` at a time, with the layout's column names.
    Raises :class:`UnreadableFileError` naming the file when it cannot be read as that layout."""
    try:
        yield from _chunks(source, layout, name, chunk_rows)
    except UnreadableFileError:
        raise
    except ImportError:  # openpyxl, for ACLED's XLSX downloads
        raise UnreadableFileError([Problem(name, None, None, "reading an XLSX file needs the openpyxl package "
                                           "(pip install openpyxl), or save the sheet as CSV")]) from None
    except UnicodeDecodeError as exc:
        raise UnreadableFileError([Problem(name, None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]) \
            from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError, OSError,
            zipfile.BadZipFile) as exc:
        message = " ".join(str(exc).split())
        raise UnreadableFileError([Problem(name, None, None, f"not a readable {layout.title} ({message})")]) \
            from None


def _chunks(source: Source, layout: Layout, name: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    kind, first = _first_line(source)
    if kind == "xlsx":
        table = pd.read_excel(_binary(source), dtype=str, engine="openpyxl").fillna("")
        table.columns = [str(c).strip() for c in table.columns]
        for start in range(0, len(table), chunk_rows):
            yield table.iloc[start:start + chunk_rows].reset_index(drop=True)
        return
    options: dict = {"dtype": str, "keep_default_na": False, "chunksize": chunk_rows, "encoding": "utf-8-sig"}
    if layout is GDELT and not _has_gdelt_header(first[0]):
        count = len(first[0].rstrip("\r\n").split("\t"))
        if count not in BY_COUNT:
            raise UnreadableFileError([Problem(name, 1, None, f"the line has {count} tab-separated fields; GDELT's "
                                               "event files have 61 (2.0), 58 or 57 (1.0)")])
        options.update(sep="\t", header=None, names=list(BY_COUNT[count]), quoting=csv.QUOTE_NONE)
    elif "\t" in first[0] and "," not in first[0]:
        options.update(sep="\t", quoting=csv.QUOTE_NONE)
    handle = _text_source(source, name)
    with pd.read_csv(handle, **options) as reader:
        for chunk in reader:
            chunk.columns = [str(c).strip() for c in chunk.columns]
            yield chunk.reset_index(drop=True)


def _has_gdelt_header(line: str) -> bool:
    return "GLOBALEVENTID" in line.upper() and "SQLDATE" in line.upper()


def _text_source(source: Source, name: str) -> Path | io.BytesIO | zipfile.ZipExtFile:
    """The text to parse: the file, or the one member of a ZIP archive."""
    binary = _binary(source)
    head = source[:4] if isinstance(source, bytes) else _head(source)[:4]
    if head.startswith(b"PK\x03\x04"):
        archive = zipfile.ZipFile(binary)
        return archive.open(_only_member(archive, name))
    return binary
