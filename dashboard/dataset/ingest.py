"""Bring your own dataset: read a table in any format the app writes, check it with the bundled data's rules,
keep the valid rows and list the invalid ones.

A single file holds everything: each row is an event with its place's columns (``latitude``, ``longitude``,
``location_precision``, ``place_country``, ``coord_source``) — exactly the CSV or GeoJSON the app downloads —
or with only a place name, which is then resolved offline through the gazetteer. Bad input of any kind gives
messages naming the file, row and column; nothing raises but :class:`~dashboard.errors.DatasetError`
(:class:`~dashboard.errors.UnreadableFileError` when the file cannot be read as a table at all).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Problem, UnreadableFileError
from ..geography.gazetteer import OfflineGazetteer
from ..geography.geocode import GeocoderChain, geocode_places
from .loading import cell_text, check_csv_header, check_head, read_parquet, tidy_csv_table, typed_frame
from .schema import EVENT_COLUMNS, LOADED_COLUMNS, PLACE_COLUMNS
from .validation import validate_events, validate_places

__all__ = ["MAX_BYTES", "MAX_CELL_CHARS", "Ingested", "ingest", "ingest_bytes", "ingest_path", "read_bytes"]

MAX_BYTES = 100 * 1024 * 1024  # about 200k events with long quotes; beyond that, use Parquet and the CLI
MAX_CELL_CHARS = 20_000  # a quote of several paragraphs fits; a pasted article or a binary blob does not
PLACE_FIELDS = ["latitude", "longitude", "location_precision", "place_country", "coord_source"]


@dataclass(frozen=True)
class Ingested:
    """The valid events of a table, every problem found, and how many data rows were read."""

    events: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def rows_left_out(self) -> list[int]:
        """Data rows (1-based) that had a problem and were left out."""
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def valid(self) -> bool:
        return not self.problems


def ingest_path(path: str | Path, *, seeds: Path | Mapping[str, str], gazetteer: OfflineGazetteer | None = None,
                ) -> Ingested:
    """:func:`ingest_bytes` on a file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFileError([_too_big(str(path), size)])
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError([Problem(str(path), None, None, f"cannot read the file ({exc.strerror})")]) from None
    return ingest_bytes(data, str(path), seeds=seeds, gazetteer=gazetteer)


def ingest_bytes(data: bytes, name: str, *, seeds: Path | Mapping[str, str],
                 gazetteer: OfflineGazetteer | None = None) -> Ingested:
    """Read ``data`` (named ``name``, for messages and the format) and :func:`ingest` it."""
    return ingest(read_bytes(data, name), file=name, seeds=seeds, gazetteer=gazetteer)


def read_bytes(data: bytes, name: str) -> pd.DataFrame:
    """The table in ``data`` as strings (empty cells ""), from CSV, GeoJSON or Parquet, told apart by content.

    Raises :class:`UnreadableFileError` for anything that is not such a table.
    """
    if len(data) > MAX_BYTES:
        raise UnreadableFileError([_too_big(name, len(data))])
    if data.startswith(b"PAR1"):
        return read_parquet(io.BytesIO(data), name)
    check_head(data, name)
    text = _decode(data, name)
    if not text.strip():
        raise UnreadableFileError([Problem(name, None, None, "the file is empty")])
    if text.lstrip().startswith(("{", "[")):
        return _read_geojson(text, name)
    return _read_csv(text, name)


def ingest(table: pd.DataFrame, *, file: str, seeds: Path | Mapping[str, str],
           gazetteer: OfflineGazetteer | None = None) -> Ingested:
    """Check a single-file table row by row; return its valid events and the problems of the others."""
    table = table.rename(columns=lambda column: str(column).strip())
    if "country" in table.columns and "place_country" not in table.columns:
        table = table.rename(columns={"country": "place_country"})
    missing = [Problem(file, None, column, "required column is missing") for column in EVENT_COLUMNS
               if column not in table.columns]
    if missing:
        return Ingested(_empty(), missing, len(table))
    if table.empty:
        return Ingested(_empty(), [Problem(file, None, None, "no data rows: the file has a header only")], 0)
    table = table.reset_index(drop=True).astype(str)
    geometry = table.pop("_geometry") if "_geometry" in table.columns else pd.Series("", index=table.index)
    problems = _oversized(table, file)
    places, place_problems = _places(table, geometry, file, gazetteer or OfflineGazetteer())
    problems += place_problems
    problems += validate_places(places, file=file, unique=False)
    problems += validate_events(table, file=file, places=None, seeds_dir=seeds)  # each row brings its place
    keep = ~table.index.isin([p.row - 1 for p in problems if p.row is not None])
    frame = table.drop(columns=[c for c in PLACE_FIELDS if c in table.columns]).join(
        places.drop(columns="place").rename(columns={"country": "place_country"}))
    extra = [c for c in table.columns if c not in EVENT_COLUMNS and c not in LOADED_COLUMNS]
    events = typed_frame(frame[keep], extra=extra) if keep.any() else _empty(extra)
    return Ingested(events, sorted(set(problems)), len(table))


def _empty(extra: list[str] | None = None) -> pd.DataFrame:
    """A loaded frame with no rows, typed like one with rows (dates as datetimes…)."""
    extra = extra or []
    return typed_frame(pd.DataFrame({c: pd.Series(dtype=str) for c in LOADED_COLUMNS + extra}), extra=extra)


def _too_big(name: str, size: int) -> Problem:
    return Problem(name, None, None, f"the file is {size / 2**20:.1f} MiB; the limit is {MAX_BYTES / 2**20:.0f} MiB "
                   "(convert large datasets to Parquet and use the command line)")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, as spreadsheets write, is fine
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UnreadableFileError([Problem(name, None, None, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at line "
                                           f"{line}, column {column} (save the file as UTF-8)")]) from None


def _read_csv(text: str, name: str) -> pd.DataFrame:
    check_csv_header(text.lstrip().partition("\n")[0], name)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL,
                            engine="python" if len(text) < 1_000_000 else "c")
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise UnreadableFileError([Problem(name, None, None, f"not a readable CSV file: {exc}")]) from None
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
    return pd.DataFrame([_feature_row(feature) for feature in document["features"]]).fillna("")


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
    """Fill, in place, the rows of ``places`` that name a place without coordinates: each distinct (name, country)
    is asked once, through the same chain and rules as ``python -m dashboard geocode``."""
    wanted = places.loc[rows, ["place", "country"]].drop_duplicates()
    asked = wanted.assign(latitude="", longitude="", location_precision="", coord_source="").reset_index(drop=True)
    answers, unresolved = geocode_places(asked, GeocoderChain(gazetteer))
    answers["coord_source"] = "offline gazetteer: " + answers["coord_source"]
    missing = {asked.at[u.row - 1, "place"] for u in unresolved}
    answers = answers.rename(columns={"country": "answer_country"}).assign(country=asked["country"])
    merged = places.loc[rows, ["place", "country"]].reset_index().merge(answers, on=["place", "country"], how="left")
    fields = ["latitude", "longitude", "location_precision", "coord_source"]
    places.loc[merged["index"], fields] = merged[fields].to_numpy()
    places.loc[merged["index"], "country"] = merged["answer_country"].to_numpy()
    return [Problem(file, int(i) + 1, "place", f"{places.at[i, 'place'][:60]!r} is not in the offline gazetteer: "
                    "give latitude, longitude and location_precision")
            for i in merged.loc[merged["place"].isin(missing), "index"]]


def _conflicting_places(places: pd.DataFrame, file: str) -> list[Problem]:
    """Rows that give a place name other coordinates than its first row does: one name must be one point,
    or a reader cannot tell which the citation means."""
    key = places["latitude"].str.strip() + "," + places["longitude"].str.strip()
    first = key.groupby(places["place"]).transform("first")
    clash = (key != first) & (places["latitude"].str.strip() != "") & (first != ",")
    return [Problem(file, int(i) + 1, "latitude", f"{places.at[i, 'place'][:60]!r} is at {key[i]} here but at "
                    f"{first[i]} in an earlier row: give one place one point (or name them apart)")
            for i in places.index[clash]]
