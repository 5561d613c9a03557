"""The engine's data layout: one denormalised table, written as Parquet partitioned by year, that every engine
(DuckDB, Spark) queries without loading.

Each row is an event as :func:`~dashboard.dataset.loading.load_events` returns it (events joined to their place,
:data:`~dashboard.dataset.schema.LOADED_COLUMNS`), stored as the engines type it:

- ``start_date``/``end_date`` as Parquet dates; ``latitude``/``longitude`` as doubles, ``location_precision`` int;
- ``participants``/``sources`` as the format's ``;``-separated text, the items stripped and joined again, so that
  "is X one of them" is ``';' || list || ';'`` containing ``';X;'`` in any SQL dialect;
- derived at write time, since every engine must see the same values: ``search_text``, the title, place, quote
  and notes folded as search folds them (:func:`dashboard.dataset.search.fold`: NFKC, lower case, Latin accents
  dropped) and joined by :data:`FIELD_SEPARATOR`; ``mx``/``my``, the place in Web Mercator's unit square, from
  which any zoom's screen cell is ``floor(mx * 2**zoom * 256 / cell_px)`` — a multiplication by a power of two,
  exact in every engine's doubles;
- ``year`` of ``start_date``: the Hive partition (``year=2024/part-0.parquet``), each file sorted by start date
  so that row groups' statistics prune the date filters.

Why fold at write time: the search folds text with pyarrow's Unicode normalisation, which neither DuckDB nor
Spark SQL reproduces; an engine then only matches an RE2/Java regular expression on a plain column, and the same
pattern gives the same rows everywhere. It costs the folded copy of four text columns on disk: for the synthetic
benchmark data, 35 of the 93 MB a million events take (the largest column).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..dataset.filters import TEXT_COLUMNS  # the searched fields: one list for pandas and the engines
from ..dataset.schema import LIST_SEPARATOR, LOADED_COLUMNS
from ..dataset.search import fold_array

__all__ = ["ENGINE_COLUMNS", "FIELD_SEPARATOR", "LIST_COLUMNS", "MAX_LATITUDE", "ROW_GROUP_ROWS", "SEARCH_COLUMN",
           "TEXT_COLUMNS", "engine_table", "loaded_frame", "mercator", "write_engine_dataset"]

SEARCH_COLUMN = "search_text"
# Between the folded fields: a character that is no word character (so a word may start or end at it, as at the
# start or end of a field) and not among the search's gaps between the words of a phrase (so a phrase never runs
# from one field into the next). U+241E SYMBOL FOR RECORD SEPARATOR: So, outside the gap classes.
FIELD_SEPARATOR = "\u241e"
LIST_COLUMNS = ("participants", "sources")
PARTITION_COLUMN = "year"
MAX_LATITUDE = 85.0511287798  # Web Mercator's square, as Leaflet clamps it
ROW_GROUP_ROWS = 131_072  # small enough for date statistics to prune, large enough to scan fast
ENGINE_COLUMNS = [*LOADED_COLUMNS, SEARCH_COLUMN, "mx", "my"]

_SCHEMA = pa.schema([
    *((name, pa.string()) for name in LOADED_COLUMNS),
    (SEARCH_COLUMN, pa.string()), ("mx", pa.float64()), ("my", pa.float64()),
]).set(LOADED_COLUMNS.index("start_date"), pa.field("start_date", pa.date32())) \
  .set(LOADED_COLUMNS.index("end_date"), pa.field("end_date", pa.date32())) \
  .set(LOADED_COLUMNS.index("latitude"), pa.field("latitude", pa.float64())) \
  .set(LOADED_COLUMNS.index("longitude"), pa.field("longitude", pa.float64())) \
  .set(LOADED_COLUMNS.index("location_precision"), pa.field("location_precision", pa.int32()))


def mercator(latitude: np.ndarray, longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator's unit square (x east, y south, both in [0, 1]) for WGS84 degrees; latitude clamped."""
    lat = np.clip(np.asarray(latitude, dtype=float), -MAX_LATITUDE, MAX_LATITUDE)
    s = np.sin(np.radians(lat))
    return (np.asarray(longitude, dtype=float) + 180.0) / 360.0, 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)


def unmercator(mx: np.ndarray, my: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of :func:`mercator`: latitude and longitude in degrees."""
    lat = np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * np.asarray(my, dtype=float)))))
    return lat, np.asarray(mx, dtype=float) * 360.0 - 180.0


def engine_table(events: pd.DataFrame) -> pa.Table:
    """A loaded frame (:func:`~dashboard.dataset.loading.load_events`) as the engine's table, derived columns
    included, sorted by start date."""
    columns: dict[str, pa.Array] = {}
    for name in LOADED_COLUMNS:
        values = events[name]
        if name in ("start_date", "end_date"):
            columns[name] = pa.array(values.to_numpy(dtype="datetime64[D]"), type=pa.date32())
        elif name in ("latitude", "longitude"):
            columns[name] = pa.array(values.to_numpy(dtype=float), type=pa.float64())
        elif name == "location_precision":
            columns[name] = pa.array(values.to_numpy(dtype=np.int32), type=pa.int32())
        elif name in LIST_COLUMNS:
            columns[name] = pa.array(_joined(values), type=pa.string())
        else:
            columns[name] = pa.array([v if isinstance(v, str) else "" for v in values], type=pa.string())
    columns[SEARCH_COLUMN] = search_text([columns[name] for name in TEXT_COLUMNS])
    mx, my = mercator(columns["latitude"].to_numpy(), columns["longitude"].to_numpy())
    columns["mx"], columns["my"] = pa.array(mx), pa.array(my)
    table = pa.table(columns, schema=_SCHEMA)
    return table.take(pc.sort_indices(table, [("start_date", "ascending"), ("event_id", "ascending")]))


def search_text(fields: list[pa.Array]) -> pa.Array:
    """The folded fields joined by :data:`FIELD_SEPARATOR`. Each field's distinct values are folded once."""
    folded = []
    for field in fields:
        encoded = pc.dictionary_encode(pc.fill_null(field, ""))
        folded.append(fold_array(encoded.dictionary).take(encoded.indices))
    return pc.binary_join_element_wise(*folded, FIELD_SEPARATOR)


def _joined(cells: pd.Series) -> list[str]:
    """Each list cell (a tuple, as loaded, or the format's text) as the format's text; distinct cells once."""
    codes, uniques = pd.factorize(cells.map(lambda v: v if isinstance(v, tuple) else _items(v)))
    texts = np.array([LIST_SEPARATOR.join(items) for items in uniques], dtype=object)
    return list(texts[codes]) if len(codes) else []


def _items(cell: object) -> tuple[str, ...]:
    if isinstance(cell, str):
        return tuple(item.strip() for item in cell.split(LIST_SEPARATOR)) if cell.strip() else ()
    if isinstance(cell, list | np.ndarray):
        return tuple(str(item) for item in cell)
    return ()


def write_engine_dataset(tables: Iterable[pa.Table], folder: str | Path, *,
                         row_group_rows: int = ROW_GROUP_ROWS) -> Path:
    """Write engine tables (:func:`engine_table`, one chunk at a time: memory stays one chunk's) under ``folder``
    as Parquet partitioned by start year (``year=YYYY/part-<chunk>-<n>.parquet``); the folder."""
    import pyarrow.dataset as ds

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for index, table in enumerate(tables):
        year = pc.year(table["start_date"]).cast(pa.int32())
        ds.write_dataset(table.append_column(PARTITION_COLUMN, year), folder, format="parquet",
                         partitioning=ds.partitioning(pa.schema([(PARTITION_COLUMN, pa.int32())]), flavor="hive"),
                         basename_template=f"part-{index}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore",
                         min_rows_per_group=min(row_group_rows, 1 << 16), max_rows_per_group=row_group_rows,
                         max_rows_per_file=max(row_group_rows * 64, 1 << 20))
    return folder


def loaded_frame(table: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Engine rows back in the loaded frame's form: :data:`LOADED_COLUMNS`, lists as tuples, dates as datetimes."""
    frame = table.to_pandas() if isinstance(table, pa.Table) else table.copy()
    for name in ("start_date", "end_date"):
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]")
    for name in LIST_COLUMNS:
        frame[name] = frame[name].map(_items)
    frame["location_precision"] = frame["location_precision"].astype(int)
    return frame[pd.Index(LOADED_COLUMNS, dtype=object)].reset_index(drop=True)
