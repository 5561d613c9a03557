"""Bring your own dataset: read a table in any format the app writes, check it with the bundled data's rules,
keep the valid rows and list the invalid ones.

A single file holds everything: each row is an event with its place's columns (``latitude``, ``longitude``,
``location_precision``, ``place_country``, ``coord_source``) — exactly the CSV or GeoJSON the app downloads —
or with only a place name, which is then resolved offline through the gazetteer. A table in any other format
comes in through a column mapping (:mod:`dashboard.dataset.columns`), except the published datasets
(:mod:`dashboard.dataset.formats`: an ACLED export as CSV or XLSX, a UCDP GED CSV, a GDELT events file, zipped or
not), which are recognised by their headers and converted as they are read. Bad input of any kind gives
messages naming the file, row and column; nothing raises but :class:`~dashboard.errors.DatasetError`
(:class:`~dashboard.errors.UnreadableFileError` when the file cannot be read as a table at all).
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, UnreadableFileError
from ..geography.countries import normalise_name
from ..geography.gazetteer import OfflineGazetteer
from ..geography.geocode import GeocoderChain, geocode_places
from .columns import DATE_HINT, ColumnMapping, apply_mapping, check_mapping, guess_mapping, needs_mapping
from .formats import LAYOUTS, Layout, detect_format, read_chunks
from .loading import (
    SNIFF_BYTES,
    cell_text,
    check_columns,
    check_head,
    check_nesting,
    csv_header,
    read_parquet,
    tidy_csv_table,
    typed_frame,
)
from .schema import EVENT_COLUMNS, LOADED_COLUMNS, MAX_COLUMNS, PLACE_COLUMNS, DateBasis
from .validation import validate_events, validate_places

__all__ = ["MAX_BYTES", "MAX_CELL_CHARS", "MAX_PLACE_NAMES", "MAX_ROWS", "UPLOAD_LIMIT_MB", "Ingested", "ingest",
           "ingest_bytes", "ingest_path", "read_bytes"]

MAX_BYTES = 100 * 1024 * 1024  # about 200k events with long quotes; beyond that, serve the data (DASHBOARD_EVENTS)
# The same limit in Streamlit's units for .streamlit/config.toml (server.maxUploadSize): the browser counts a
# "MB" as 10**6 bytes (2**20 on Windows), the server as 2**20, so the least whole number admitting MAX_BYTES
# everywhere; the few bytes more it lets through get the app's own message, with the limit in MiB.
UPLOAD_LIMIT_MB = math.ceil(MAX_BYTES / 10**6)
# Also the most uncompressed Parquet data: 1.5 MB of Parquet once expanded to 2 million rows and 1.2 GB.
MAX_UNCOMPRESSED_BYTES = MAX_BYTES
MAX_ROWS = 200_000  # what MAX_BYTES of real events holds; checked in well under two seconds on 2 cores
MAX_CELL_CHARS = 20_000  # a quote of several paragraphs fits; a pasted article or a binary blob does not
# Distinct place names looked up per upload: each costs ~1 ms in the gazetteer, and a table of places named
# only is meant for a few hundred hand-made rows; beyond, rows must bring their coordinates.
MAX_PLACE_NAMES = 1_000
# The key of a table's attrs that marks a published dataset's table (ACLED, UCDP GED, GDELT), read by ingest().
EXTERNAL = "external_layout"
PLACE_FIELDS = ["latitude", "longitude", "location_precision", "place_country", "coord_source"]


@dataclass(frozen=True)
class Ingested:
    """The valid events of a table, every problem found, and how many data rows were read."""

    events: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    mapping: ColumnMapping | None = None  # the mapping the table went through, if any

    @property
    def rows_left_out(self) -> list[int]:
        """Data rows (1-based) that had a problem and were left out."""
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def valid(self) -> bool:
        return not self.problems


def ingest_path(path: str | Path, *, seeds: Path | Mapping[str, str], gazetteer: OfflineGazetteer | None = None,
                mapping: ColumnMapping | None = None, guess: bool = False) -> Ingested:
    """:func:`ingest_bytes` on a file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFileError([_too_big(str(path), size)])
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError([Problem(str(path), None, None, f"cannot read the file ({exc.strerror})")]) from None
    return ingest_bytes(data, str(path), seeds=seeds, gazetteer=gazetteer, mapping=mapping, guess=guess)


def ingest_bytes(data: bytes, name: str, *, seeds: Path | Mapping[str, str], gazetteer: OfflineGazetteer | None = None,
                 mapping: ColumnMapping | None = None, guess: bool = False) -> Ingested:
    """Read ``data`` (named ``name``, for messages and the format) and :func:`ingest` it, through ``mapping``
    if given. With ``guess``, the fields ``mapping`` leaves unsaid are guessed from the column names
    (:func:`~dashboard.dataset.columns.guess_mapping`), and without a mapping a table in another format than the
    dataset's goes through the guessed one."""
    return ingest(read_bytes(data, name), file=name, seeds=seeds, gazetteer=gazetteer, mapping=mapping, guess=guess)


def read_bytes(data: bytes, name: str) -> pd.DataFrame:
    """The table in ``data`` as strings (empty cells ""), from CSV, GeoJSON or Parquet, told apart by content.

    Raises :class:`UnreadableFileError` for anything that is not such a table.
    """
    if len(data) > MAX_BYTES:
        raise UnreadableFileError([_too_big(name, len(data))])
    if data.startswith(b"PAR1"):
        return read_parquet(io.BytesIO(data), name, max_rows=MAX_ROWS, max_bytes=MAX_UNCOMPRESSED_BYTES)
    if (layout := detect_format(data, name)) is not None:
        return _read_external(data, name, layout)
    check_head(data, name)
    # JSON or CSV, decided once on the first bytes (a byte-order mark and white space skipped).
    is_json = data[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf").lstrip().startswith((b"{", b"["))
    if not is_json:
        line = data[:data.find(b"\n") % (len(data) + 1)]  # the first line, or all if there is one
        csv_header(line.decode("utf-8-sig", errors="replace"), name)  # refused before the whole file is decoded
    text = _decode(data, name)
    if not text or text.isspace():
        raise UnreadableFileError([Problem(name, None, None, "the file is empty")])
    if is_json:
        check_nesting(data, name)
        return _read_geojson(text, name)
    return _read_csv(text, name)


def ingest(table: pd.DataFrame, *, file: str, seeds: Path | Mapping[str, str],
           gazetteer: OfflineGazetteer | None = None, mapping: ColumnMapping | None = None,
           guess: bool = False) -> Ingested:
    """Check a single-file table row by row; return its valid events and the problems of the others.

    With ``mapping`` (or ``guess`` and a table in another format), the table is first turned into the dataset's
    format by :func:`~dashboard.dataset.columns.apply_mapping`; problems then name the table's own columns and
    rows. Raises :class:`~dashboard.dataset.columns.MappingError` for a mapping the table cannot take.
    """
    if EXTERNAL in table.attrs:  # a published dataset's table, already in the dataset's format
        return _ingest_external(table, file=file, seeds=seeds, gazetteer=gazetteer)
    table = table.rename(columns=lambda column: str(column).strip())
    if guess and mapping is not None:
        mapping = mapping.with_guesses(guess_mapping(table.columns))
    elif guess and needs_mapping(table.columns):
        mapping = guess_mapping(table.columns)
    if mapping is not None:
        return _ingest_mapped(table, mapping, file=file, seeds=seeds, gazetteer=gazetteer)
    if "country" in table.columns and "place_country" not in table.columns:
        table = table.rename(columns={"country": "place_country"})
    missing = [Problem(file, None, column, "required column is missing") for column in EVENT_COLUMNS
               if column not in table.columns]
    if missing:
        return Ingested(_empty(), missing, len(table))
    if table.empty:
        return Ingested(_empty(), [Problem(file, None, None, "no data rows: the file has a header only")], 0)
    check_columns(table.columns, file)
    _check_rows(len(table), file)
    return _ingest_checked(table, file=file, seeds=seeds, gazetteer=gazetteer)


def _ingest_mapped(table: pd.DataFrame, mapping: ColumnMapping, *, file: str, seeds: Path | Mapping[str, str],
                   gazetteer: OfflineGazetteer | None) -> Ingested:
    """:func:`ingest` through a mapping: the table's own columns and row numbers in every problem."""
    check_columns(table.columns, file)  # the table's, before the mapped one adds the dataset's columns to them
    check_mapping(mapping, table.columns, file=file)
    if table.empty:
        return Ingested(_empty(), [Problem(file, None, None, "no data rows: the file has a header only")], 0,
                        mapping)
    _check_rows(len(table), file)
    mapped = apply_mapping(table.astype(str), mapping, seed_given=_has_seeds(seeds))
    result = _ingest_checked(mapped, file=file, seeds=seeds, gazetteer=gazetteer)
    problems = sorted({_in_table(problem, mapping) for problem in result.problems})
    return Ingested(result.events, problems, result.rows, mapping)


def _has_seeds(seeds: Path | Mapping[str, str]) -> bool:
    return bool(seeds) if isinstance(seeds, Mapping) else Path(seeds).is_dir()


def _in_table(problem: Problem, mapping: ColumnMapping) -> Problem:
    """A problem of the mapped table said of the uploaded one: its column, and dates in the forms it may use."""
    source = mapping.source_of(problem.column) if problem.column else None
    if source is None:
        return problem
    message = problem.message
    if problem.column in ("start_date", "end_date"):
        message = message.replace("is not a date (YYYY-MM-DD)", f"is not a date ({DATE_HINT})")
    return replace(problem, column=source, message=message)


def _ingest_checked(table: pd.DataFrame, *, file: str, seeds: Path | Mapping[str, str],
                    gazetteer: OfflineGazetteer | None) -> Ingested:
    """:func:`ingest` of a table in the dataset's format, its size and columns checked."""
    table = table.reset_index(drop=True).astype(str)
    geometry = table.pop("_geometry") if "_geometry" in table.columns else pd.Series("", index=table.index)
    problems = _oversized(table, file)
    places, place_problems = _places(table, geometry, file, gazetteer or OfflineGazetteer())
    problems += place_problems
    unplaced = {p.row for p in place_problems if p.column == "place"}  # already told to give the coordinates
    problems += [p for p in validate_places(places, file=file, unique=False,
                                            table_rows=(table["date_basis"] == DateBasis.TABLE.value).to_numpy())
                 if p.row not in unplaced or not p.message.startswith(("value is required", "required unless"))]
    problems += validate_events(table, file=file, places=None, seeds_dir=seeds)  # each row brings its place
    keep = ~table.index.isin([p.row - 1 for p in problems if p.row is not None])
    frame = table.drop(columns=[c for c in PLACE_FIELDS if c in table.columns]).join(
        places.drop(columns="place").rename(columns={"country": "place_country"}))
    extra = [c for c in table.columns if c not in EVENT_COLUMNS and c not in LOADED_COLUMNS]
    events = typed_frame(frame[keep], extra=extra) if keep.any() else _empty(extra)
    return Ingested(events, sorted(set(problems)), len(table))


def _read_external(data: bytes, name: str, layout: Layout) -> pd.DataFrame:
    """A published dataset's file (ACLED, UCDP GED, GDELT) converted to the dataset's single-file format, every
    row kept; ``attrs[EXTERNAL]`` holds the layout's name and its own problems, for :func:`ingest`."""
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # a small ZIP can hold gigabytes: refused before
            size = sum(member.file_size for member in archive.infolist())
        if size > MAX_UNCOMPRESSED_BYTES:
            raise UnreadableFileError([Problem(name, None, None, f"the data is {size / 2**20:,.1f} MiB uncompressed; "
                                               f"the limit is {MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MiB")])
    chunks = list(read_chunks(data, layout, name=name, chunk_rows=MAX_ROWS + 1))
    raw = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=list(layout.columns))
    _check_rows(len(raw), name)
    if raw.empty:
        raise UnreadableFileError([Problem(name, None, None, "no data rows: the file has a header only")])
    converted = layout.convert(raw, file=name)
    table = converted.table.reset_index(drop=True)
    table.attrs[EXTERNAL] = (layout.name, tuple(converted.problems))
    return table


def _ingest_external(table: pd.DataFrame, *, file: str, seeds: Path | Mapping[str, str],
                     gazetteer: OfflineGazetteer | None) -> Ingested:
    """:func:`ingest` of a table :func:`_read_external` made: the rows its layout found bad are left out, the
    others checked as any table's; every problem in the file's rows and the layout's column names."""
    name, found = table.attrs[EXTERNAL]
    layout = LAYOUTS[name]
    bad = np.zeros(len(table), dtype=bool)
    bad[[p.row - 1 for p in found if p.row is not None]] = True
    rows = np.flatnonzero(~bad) + 1
    good = pd.DataFrame(table[~bad].to_dict("list")).reset_index(drop=True)  # no attrs: checked as a plain table
    if good.empty:
        return Ingested(_empty(list(layout.extra)), sorted(found), len(table))
    result = _ingest_checked(good.astype(str), file=file, seeds=seeds, gazetteer=gazetteer)
    problems = list(found) + [replace(p, row=int(rows[p.row - 1]) if p.row is not None else None,
                                      column=layout.column_of(p.column)) for p in result.problems]
    return Ingested(result.events, sorted(set(problems)), len(table))


def _empty(extra: list[str] | None = None) -> pd.DataFrame:
    """A loaded frame with no rows, typed like one with rows (dates as datetimes…)."""
    extra = extra or []
    return typed_frame(pd.DataFrame({c: pd.Series(dtype=str) for c in LOADED_COLUMNS + extra}), extra=extra)


def _too_big(name: str, size: int) -> Problem:
    return Problem(name, None, None, f"the file is {size / 2**20:.1f} MiB; the limit is {MAX_BYTES / 2**20:.0f} MiB "
                   "(serve larger datasets with DASHBOARD_EVENTS)")


def _check_rows(rows: int, name: str) -> None:
    if rows > MAX_ROWS:
        raise UnreadableFileError([Problem(name, None, None, f"the table has {rows:,} rows; the limit is "
                                           f"{MAX_ROWS:,} (serve larger datasets with DASHBOARD_EVENTS)")])


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write, is fine
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UnreadableFileError([Problem(name, None, None, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at line "
                                           f"{line}, column {column} (save the file as UTF-8)")]) from None


def _read_csv(text: str, name: str) -> pd.DataFrame:
    try:  # its header was checked by read_bytes, on the first line only
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL,
                            engine="python" if len(text) < 1_000_000 else "c")
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise UnreadableFileError([Problem(name, None, None, f"not a readable CSV file: {exc}")]) from None
    _check_rows(len(table), name)  # after parsing: a quoted cell may hold newlines, so lines do not count rows
    return tidy_csv_table(table, name)


def _read_geojson(text: str, name: str) -> pd.DataFrame:
    try:
        document = json.loads(text, parse_constant=lambda constant: None)  # NaN and Infinity are not JSON
    except json.JSONDecodeError as exc:
        raise UnreadableFileError([Problem(name, None, None, f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                                           f"column {exc.colno}")]) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise UnreadableFileError([Problem(name, None, None, "not a GeoJSON FeatureCollection")])
    _check_rows(len(document["features"]), name)
    rows, columns = [], set()
    for feature in document["features"]:
        rows.append(row := _feature_row(feature))
        columns.update(row)
        if len(columns) > MAX_COLUMNS + 1:  # each feature may bring its own properties: refused before the table
            check_columns(sorted(columns), name)
    check_columns(sorted(columns - {"_geometry"}), name)
    return pd.DataFrame(rows).fillna("")


def _feature_row(feature: Any) -> dict[str, str]:
    """A GeoJSON feature as a row of strings: its properties, and its Point's [lon, lat] as columns."""
    if not isinstance(feature, dict):
        return {"latitude": "", "longitude": "", "_geometry": "a feature must be an object"}
    properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    row = {str(key): cell_text(value) for key, value in properties.items()}
    geometry = feature.get("geometry")
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if isinstance(geometry, dict) and geometry.get("type") == "Point" and isinstance(coordinates, list) \
            and len(coordinates) >= 2:
        row["longitude"], row["latitude"] = cell_text(coordinates[0]), cell_text(coordinates[1])
    else:
        row["latitude"] = row["longitude"] = ""
        row["_geometry"] = "geometry must be a Point with [longitude, latitude]"
    return row


def _oversized(table: pd.DataFrame, file: str) -> list[Problem]:
    problems = []
    for column in table.columns:
        lengths = table[column].str.len()
        for index in lengths.index[lengths > MAX_CELL_CHARS]:
            problems.append(Problem(file, int(index) + 1, column, f"the value is {int(lengths[index]):,} characters "
                                    f"long; the limit is {MAX_CELL_CHARS:,}"))
    return problems


def _places(table: pd.DataFrame, geometry: pd.Series, file: str,
            gazetteer: OfflineGazetteer) -> tuple[pd.DataFrame, list[Problem]]:
    """One place row per event row: the row's own place columns, or the gazetteer's answer for its name."""
    places = pd.DataFrame({"place": table["place"]})
    for column in PLACE_COLUMNS:
        if column not in ("place", "country"):
            places[column] = table[column] if column in table.columns else ""
    places["country"] = table["place_country"] if "place_country" in table.columns else ""
    problems = [Problem(file, i + 1, "geometry", message) for i, message in enumerate(geometry) if message]
    unplaced = (places["latitude"].str.strip() == "") & (places["longitude"].str.strip() == "") \
        & (places["place"].str.strip() != "") & (geometry == "")
    if unplaced.any():
        problems += _resolve_names(places, unplaced, file, gazetteer)
    return places, problems + _conflicting_places(places, file)


def _resolve_names(places: pd.DataFrame, rows: pd.Series, file: str, gazetteer: OfflineGazetteer) -> list[Problem]:
    """Fill, in place, the rows of ``places`` that name a place without coordinates, through the same chain and
    rules as ``python -m dashboard geocode``. Names the gazetteer folds alike ("Kyiv", "KYIV") are asked once,
    and at most :data:`MAX_PLACE_NAMES` of them: the rows of any further name are told to give coordinates."""
    wanted = places.loc[rows, ["place", "country"]]
    keys = _name_keys(wanted)
    asked = wanted.assign(key=keys.to_numpy()).drop_duplicates("key").head(MAX_PLACE_NAMES)
    answers, unresolved = geocode_places(
        asked.drop(columns="key").assign(latitude="", longitude="", location_precision="", coord_source="")
        .reset_index(drop=True), GeocoderChain(gazetteer))
    answers = answers.assign(key=asked["key"].to_numpy(), coord_source="offline gazetteer: " + answers["coord_source"])
    missing = set(answers["key"].iloc[[u.row - 1 for u in unresolved]])
    merged = pd.DataFrame({"index": wanted.index, "key": keys.to_numpy()}).merge(
        answers.drop(columns="place"), on="key", how="left")
    found = merged[merged["latitude"].notna() & ~merged["key"].isin(missing)]
    fields = ["latitude", "longitude", "location_precision", "country", "coord_source"]
    places.loc[found["index"], fields] = found[fields].to_numpy(dtype=object)
    return [Problem(file, int(i) + 1, "place", f"{places.at[i, 'place'][:60]!r} is not in the offline gazetteer: "
                    "give latitude, longitude and location_precision")
            for i in merged.loc[merged["key"].isin(missing), "index"]] + \
        [Problem(file, int(i) + 1, "place", f"{places.at[i, 'place'][:60]!r} was not looked up: the table names "
                 f"more than {MAX_PLACE_NAMES:,} places without coordinates; give latitude, longitude and "
                 "location_precision") for i in merged.loc[merged["latitude"].isna(), "index"]]


def _name_keys(wanted: pd.DataFrame) -> pd.Series:
    """Each row's place as the gazetteer folds it, with its country hint; each distinct cell is folded once."""
    cells = wanted["place"] + "\x00" + wanted["country"].str.strip()
    codes, uniques = pd.factorize(cells.to_numpy(dtype=object))
    folded = [normalise_name(name) + "|" + country for name, _, country in (u.partition("\x00") for u in uniques)]
    return pd.Series(pd.Index(folded, dtype=object)[codes], index=wanted.index)


def _conflicting_places(places: pd.DataFrame, file: str) -> list[Problem]:
    """Rows that give a place name other coordinates than its first row does: one name must be one point,
    or a reader cannot tell which the citation means."""
    key = places["latitude"].str.strip() + "," + places["longitude"].str.strip()
    first = key.groupby(places["place"]).transform("first")
    clash = (key != first) & (places["latitude"].str.strip() != "") & (first != ",")
    return [Problem(file, int(i) + 1, "latitude", f"{places.at[i, 'place'][:60]!r} is at {key[i]} here but at "
                    f"{first[i]} in an earlier row: give one place one point (or name them apart)")
            for i in places.index[clash]]
