"""``python -m dashboard import``: published event datasets (ACLED, UCDP GED, GDELT) into the dataset's format.

Each file's layout is detected (:func:`~dashboard.dataset.formats.detect_format`) or given; its rows are read a
chunk at a time, converted (:mod:`dashboard.dataset.formats`), checked by the dataset's own validator, and the
valid ones written as they come, so memory stays bounded by a chunk (plus one 8-byte hash per event id, to find
an id twice across files). Bad rows are left out and listed with their file, row and column.

The output is the events file (Parquet for ``.parquet``, CSV for ``.csv``; with no such suffix, Parquet above
:data:`PARQUET_ABOVE_ROWS` rows) with ``places.csv`` beside it: what ``DASHBOARD_EVENTS`` and
``python -m dashboard validate`` read. Both are written whole or not at all. Or, with
:func:`import_engine_dataset` (``--engine-layout``), the query engine's layout: a folder of Parquet partitioned
by year, which the app queries in place (for millions of events).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DashboardError, Problem, UnreadableFileError
from ..files import atomic_write_text, replacing
from ..paths import PLACES_PATH
from .export import neutralise_formulas
from .formats import LAYOUTS, Layout, PlaceNames, detect_format, read_chunks
from .schema import LOADED_COLUMNS, PLACE_COLUMNS
from .validation import validate_events, validate_places

__all__ = ["CHUNK_ROWS", "PARQUET_ABOVE_ROWS", "ImportResult", "check_external", "import_engine_dataset",
           "import_files"]

CHUNK_ROWS = 100_000  # rows converted and checked at once: ~100 MB of strings at ACLED's width
PARQUET_ABOVE_ROWS = 200_000  # the uploader's row limit: a table it takes stays CSV, anything larger is Parquet
_PLACE_COLUMNS = list(PLACE_COLUMNS)
# The loaded frame's names of the place columns, in PLACE_COLUMNS' order.
_PLACE_FIELDS = ["place", "latitude", "longitude", "location_precision", "place_country", "coord_source"]


@dataclass
class ImportResult:
    """What an import wrote: the events and places files, rows read and written, every problem, the layouts."""

    events_path: Path
    places_path: Path | None  # None for the engine's layout, whose rows hold their places
    rows: int = 0
    written: int = 0
    problems: list[Problem] = field(default_factory=list)
    layouts: dict[str, str] = field(default_factory=dict)  # file -> layout name
    seconds: float = 0.0


def check_external(table: pd.DataFrame, layout: Layout, *, file: str, first_row: int = 1,
                   places: PlaceNames | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """A chunk of a published table converted and checked: its valid rows in the dataset's single-file format
    (:data:`LOADED_COLUMNS` and the layout's extra columns, as strings) and every problem, in the file's own rows
    and columns. The rows keep the chunk's index."""
    converted = layout.convert(table, file=file, first_row=first_row, places=places)
    good = converted.table[~converted.bad]
    rows = np.flatnonzero(~converted.bad) + first_row  # file row of each good row
    events = good.reset_index(drop=True)
    found = _place_problems(events, file) + validate_events(events, file=file, places=None, seeds_dir={})
    problems = list(converted.problems)
    problems += [replace(p, row=int(rows[p.row - 1]) if p.row is not None else None, column=layout.column_of(p.column))
                 for p in found]
    invalid = {p.row - 1 for p in found if p.row is not None}
    keep = np.ones(len(good), dtype=bool)
    keep[list(invalid)] = False
    return good[keep], problems


def _place_problems(events: pd.DataFrame, file: str) -> list[Problem]:
    """The places' problems, each distinct place checked once (a chunk of 100,000 events has a few thousand),
    said of every row at that place."""
    places = events[_PLACE_FIELDS].rename(columns={"place_country": "country"})
    codes = np.zeros(len(places), dtype=np.int64)
    for column in places.columns:  # the rows' place as one integer code, column by column
        column_codes, uniques = pd.factorize(places[column])
        codes, _ = pd.factorize(codes * (len(uniques) + 1) + column_codes)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()  # a row of each distinct place
    distinct = places.iloc[first].reset_index(drop=True)
    found = validate_places(distinct, file=file, unique=False, table_rows=np.ones(len(distinct), dtype=bool))
    if not found:
        return []
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(distinct) + 1))
    return [replace(p, row=int(row) + 1) for p in found for row in order[bounds[p.row - 1]:bounds[p.row]]]


def import_files(paths: Sequence[Path], out: Path, *, layout: str | None = None, chunk_rows: int = CHUNK_ROWS,
                 progress: Callable[[Iterable[pd.DataFrame], str], Iterable[pd.DataFrame]] | None = None,
                 ) -> ImportResult:
    """Import ``paths`` (each detected, or read as ``layout``) into ``out`` and ``places.csv`` beside it.

    Raises :class:`UnreadableFileError` when a file is none of the layouts or cannot be read (nothing is written
    then), :class:`DashboardError` when ``out``'s folder holds another dataset's places.
    """
    started = time.perf_counter()
    layouts = {str(path): _layout_of(Path(path), layout) for path in paths}
    places_path = out.parent / PLACES_PATH.name
    if places_path.exists() and not out.exists():
        raise DashboardError(f"{out.parent} holds a places.csv of another dataset: import into a folder of its own")
    extra = sorted({column for name in layouts.values() for column in LAYOUTS[name].extra})
    result = ImportResult(events_path=out, places_path=places_path, layouts=layouts)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".parquet.tmp")
    os.close(fd)
    try:
        places = _write_events(paths, layouts, Path(temporary), result, extra, chunk_rows, progress)
        parquet = result.events_path.suffix.lower() == ".parquet" or (
            result.events_path.suffix.lower() != ".csv" and result.written > PARQUET_ABOVE_ROWS)
        if not out.suffix:
            result.events_path = out.with_suffix(".parquet" if parquet else ".csv")
        _finish(Path(temporary), result.events_path, parquet=parquet)
        atomic_write_text(places_path, places.to_csv(index=False, lineterminator="\n"))
    finally:
        Path(temporary).unlink(missing_ok=True)
    order = {str(path): number for number, path in enumerate(paths)}
    result.problems.sort(key=lambda p: (order.get(p.file, 0), p.row or 0, p.column or "", p.message))
    result.seconds = time.perf_counter() - started
    return result


def _layout_of(path: Path, name: str | None) -> str:
    if not path.is_file():
        raise UnreadableFileError([Problem(str(path), None, None, "file not found")])
    if name is not None and name != "auto":
        return LAYOUTS[name].name
    detected = detect_format(path)
    if detected is None:
        raise UnreadableFileError([Problem(str(path), None, None, "not an ACLED export, a UCDP GED CSV or a GDELT "
                                           "events file (their columns were not found; give --format to say which)")])
    return detected.name


def _write_events(paths: Sequence[Path], layouts: dict[str, str], temporary: Path, result: ImportResult,
                  extra: list[str], chunk_rows: int, progress) -> pd.DataFrame:
    """Convert, check and append every chunk to ``temporary`` (Parquet); return the places table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = [*LOADED_COLUMNS, *extra]
    schema = pa.schema([(column, pa.string()) for column in columns])
    places: dict[str, tuple] = {}
    with pq.ParquetWriter(temporary, schema, compression="zstd") as writer:
        for events in _valid_chunks(paths, layouts, result, chunk_rows, progress, places):
            for column in extra:
                if column not in events.columns:
                    events[column] = ""
            writer.write_table(pa.Table.from_pandas(events[columns].astype(object), schema=schema,
                                                    preserve_index=False))
    return pd.DataFrame(list(places.values()), columns=_PLACE_COLUMNS)


def _valid_chunks(paths: Sequence[Path], layouts: dict[str, str], result: ImportResult, chunk_rows: int, progress,
                  places: dict[str, tuple]) -> Iterator[pd.DataFrame]:
    """Every file's chunks converted and checked: the valid rows of each (never empty), as strings. Counts rows
    and written rows and collects problems in ``result``, and each new place in ``places``."""
    names = PlaceNames()
    seen = np.zeros(0, dtype=np.uint64)  # hashes of the event ids written, sorted
    for path in paths:
        layout = LAYOUTS[layouts[str(path)]]
        chunks = read_chunks(Path(path), layout, name=str(path), chunk_rows=chunk_rows)
        first_row = 1
        for chunk in (progress(chunks, str(path)) if progress else chunks):
            events, problems = check_external(chunk, layout, file=str(path), first_row=first_row, places=names)
            events, seen, twice = _new_ids(events, seen, str(path), layout)
            result.problems += problems + twice
            result.rows += len(chunk)
            first_row += len(chunk)
            if events.empty:
                continue
            _add_places(places, events)
            result.written += len(events)
            yield events


def import_engine_dataset(paths: Sequence[Path], out: Path, *, layout: str | None = None,
                          chunk_rows: int = CHUNK_ROWS,
                          progress: Callable[[Iterable[pd.DataFrame], str], Iterable[pd.DataFrame]] | None = None,
                          ) -> ImportResult:
    """Import ``paths`` into ``out`` as the query engine's layout (:func:`~dashboard.engine.layout.
    write_engine_dataset`: Parquet partitioned by year, what the app queries instead of loading), one chunk at a
    time. ``out`` may already hold such a dataset: the new files join it under names of their own (an import a
    day adds a day's files; nothing is rewritten). They are written in a folder beside ``out`` first and moved in
    once all are written, so a reader never sees half an import. The layouts' extra columns are not kept.
    ``places_path`` is None: the places are in the events' rows."""
    from ..engine.layout import engine_table, write_engine_dataset
    from .loading import typed_frame

    started = time.perf_counter()
    layouts = {str(path): _layout_of(Path(path), layout) for path in paths}
    if out.exists() and not out.is_dir():
        raise DashboardError(f"{out} is a file: the engine's layout is a folder")
    result = ImportResult(events_path=out, places_path=None, layouts=layouts)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.import-"))
    try:
        chunks = _valid_chunks(paths, layouts, result, chunk_rows, progress, {})
        write_engine_dataset((engine_table(typed_frame(events[LOADED_COLUMNS], extra=[])) for events in chunks),
                             staging)
        stamp = f"{time.strftime('%Y%m%d%H%M%S')}-{staging.name.rsplit('-', 1)[-1]}"  # unique among imports
        for file in sorted(staging.glob("year=*/*.parquet")):
            target = out / file.parent.name / f"{file.stem.replace('part-', f'part-{stamp}-', 1)}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    order = {str(path): number for number, path in enumerate(paths)}
    result.problems.sort(key=lambda p: (order.get(p.file, 0), p.row or 0, p.column or "", p.message))
    result.seconds = time.perf_counter() - started
    return result


def _new_ids(events: pd.DataFrame, seen: np.ndarray, file: str,
             layout: Layout) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    """Drop the rows whose id an earlier chunk or file wrote already (duplicates within a chunk are the
    validator's); 64-bit hashes keep ten million ids in 80 MB."""
    if events.empty:
        return events, seen, []
    hashes = pd.util.hash_array(events["event_id"].to_numpy(dtype=object))
    position = np.searchsorted(seen, hashes)
    again = (position < len(seen)) & (seen[np.minimum(position, len(seen) - 1)] == hashes) if len(seen) else \
        np.zeros(len(hashes), dtype=bool)
    problems = [Problem(file, None, layout.column_of("event_id"), f"{events['event_id'].iloc[i]!r} was imported "
                        "already (from an earlier file or rows): left out") for i in np.flatnonzero(again)]
    return events[~again], np.union1d(seen, hashes[~again]), problems


def _add_places(places: dict[str, tuple], events: pd.DataFrame) -> None:
    """Each distinct place once (the names are unique across the import, :class:`PlaceNames`)."""
    table = events[_PLACE_FIELDS]
    fresh = table[~table["place"].isin(places.keys())].drop_duplicates("place")
    for row in fresh.itertuples(index=False):
        places[row[0]] = tuple(row)


def _finish(temporary: Path, target: Path, *, parquet: bool) -> None:
    """Move the Parquet file into place, or write it as CSV (the export's formula protection, as ``to_csv``)."""
    import pyarrow.parquet as pq

    with replacing(target) as staging:
        if parquet:
            os.replace(temporary, staging)
            return
        with open(staging, "w", encoding="utf-8", newline="") as handle:
            source = pq.ParquetFile(temporary)
            header = True
            for batch in source.iter_batches(batch_size=CHUNK_ROWS):
                frame = neutralise_formulas(batch.to_pandas())
                frame.to_csv(handle, index=False, header=header, lineterminator="\n")
                header = False
            if header:  # no rows at all: the header alone
                handle.write(",".join(source.schema_arrow.names) + "\n")
