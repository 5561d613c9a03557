"""Exporting a (filtered) events frame: CSV in the dataset's own format, and GeoJSON (RFC 7946).

Both carry the same columns, so a download can be read back by the loader. Lists are joined with the
dataset's separator and dates written as ISO 8601 days.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from ..errors import ExportError
from .schema import LIST_SEPARATOR, LOADED_COLUMNS

__all__ = [
    "FORMULA_PREFIX",
    "FORMULA_TRIGGERS",
    "neutralise_formulas",
    "restore_formulas",
    "to_csv",
    "to_geojson",
    "to_records",
]

# OWASP's CSV-injection guidance: a cell starting with one of these may run as a formula in a spreadsheet, so it
# is written with a leading apostrophe, which spreadsheets show as text and our loader strips again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PREFIX = "'"


def to_records(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as plain text-friendly values: lists joined, dates as YYYY-MM-DD, columns in schema order."""
    missing = [column for column in LOADED_COLUMNS if column not in df.columns]
    if missing:
        raise ExportError(f"cannot export: missing column(s) {', '.join(missing)}")
    extra = [column for column in df.columns if column not in LOADED_COLUMNS]
    table = df[LOADED_COLUMNS + extra].copy()
    for column in ("start_date", "end_date"):
        table[column] = table[column].dt.strftime("%Y-%m-%d")
    for column in ("participants", "sources"):
        table[column] = table[column].map(LIST_SEPARATOR.join)
    return table


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV bytes of the frame, one row per event, safe to open in a spreadsheet."""
    return neutralise_formulas(to_records(df)).to_csv(index=False, lineterminator="\n").encode("utf-8")


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with an apostrophe — and cells that already
    start with one, so that :func:`restore_formulas` undoes exactly this. Numbers such as a negative longitude
    are left alone: they cannot be formulas."""
    table = table.copy()
    for column in table.columns:
        values = table[column]
        if values.dtype.kind in "if":
            continue
        text = values.astype(str)
        first = text.str[:1]
        trigger, quoted = first.isin(list(FORMULA_TRIGGERS)), first == FORMULA_PREFIX
        if not (trigger.any() or quoted.any()):  # the common case: no number parsing needed
            continue
        risky = (trigger & pd.to_numeric(text.where(trigger), errors="coerce").isna()) | quoted
        if risky.any():
            table[column] = text.where(~risky, FORMULA_PREFIX + text)
    return table


def restore_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on a table of strings: "'=SUM(A1)" reads back as "=SUM(A1)", "''x" as
    "'x". A lone apostrophe before anything else is the cell's own text and stays."""
    table = table.copy()
    for column in table.columns:
        values = table[column].astype(str)
        protected = values.str.startswith(FORMULA_PREFIX) & values.str[1:2].isin([*FORMULA_TRIGGERS, FORMULA_PREFIX])
        if protected.any():
            table[column] = values.where(~protected, values.str[1:])
    return table


def to_geojson(df: pd.DataFrame) -> bytes:
    """An RFC 7946 FeatureCollection: one Point per event in [longitude, latitude] order, the other columns
    in ``properties`` (participants and sources as arrays)."""
    table = to_records(df)
    features = [_feature(row, participants, sources) for row, participants, sources in
                zip(table.to_dict("records"), df["participants"], df["sources"], strict=True)]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _feature(row: dict[str, Any], participants: tuple[str, ...], sources: tuple[str, ...]) -> dict[str, Any]:
    lon, lat = float(row.pop("longitude")), float(row.pop("latitude"))
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ExportError(f"event {row['event_id']!r} has no finite coordinates")
    properties = {key: _plain(value) for key, value in row.items()}
    properties.update(participants=list(participants), sources=list(sources))
    return {"type": "Feature", "id": row["event_id"],
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": properties}


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones, so json can write them."""
    return value.item() if hasattr(value, "item") else value
