"""Measure the embedded engine (DuckDB over partitioned Parquet) at 10^6 and 10^7 synthetic events.

For each size: write the engine's layout in chunks of a million events (time, disk size), then, in a fresh
process: open the store, and time a count with a date and country filter, the cells of a world view and of a
zoomed view, the events of a small view (returned because few), the sidebar's options and a text search; the
process's resident memory before and at its peak (Linux VmHWM); the bytes of the cells payload as JSON.

    python scripts/engine_bench.py --sizes 1000000 10000000 --folder /tmp/engine-bench

The datasets are kept in ``--folder`` (reused when present, unless ``--rewrite``): 10^7 events take ~2 GB there.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPEATS = 5
SPEC = {"start": "2023-01-01", "end": "2023-12-31", "countries": ["UKR"]}
ZOOMED = (44.0, 22.0, 53.0, 41.0, 6)  # Ukraine, zoom 6: south, west, north, east, zoom
SMALL = (50.35, 30.35, 50.55, 30.7, 12)  # Kyiv at zoom 12
FEW_SPEC = {**SPEC, "event_types": ["diplomatic_agreement"]}  # few enough in that view at 10^7
FEW = 3000  # the fast map's DETAIL_LIMIT: events drawn one by one at or below it


def write(n: int, folder: Path, chunk_rows: int) -> dict[str, float]:
    from dashboard.dataset.synthetic import loaded_events, synthetic_chunks
    from dashboard.engine.layout import engine_table, write_engine_dataset

    start = time.perf_counter()
    tables = (engine_table(loaded_events(chunk)) for chunk in synthetic_chunks(n, chunk_rows=chunk_rows, seed=0))
    write_engine_dataset(tables, folder)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    return {"write_s": seconds, "disk_bytes": size, "files": len(list(folder.rglob("*.parquet")))}


def rss() -> tuple[int, int]:
    """Resident and peak resident memory of this process, bytes."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


def timed(work, repeats: int = REPEATS) -> tuple[float, float, object]:
    """First run's seconds, median of the next ``repeats``, and the result."""
    start = time.perf_counter()
    result = work()
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times), result


def measure(folder: Path, queue: multiprocessing.Queue) -> None:
    start = time.perf_counter()
    from dashboard.engine import Bounds, FilterSpec, open_store
    from dashboard.engine.config import EngineConfig
    from dashboard.engine.grid import cells_payload

    rss_before, _ = rss()
    store = open_store(folder, engine=EngineConfig("duckdb"))
    figures: dict[str, object] = {"import_open_s": time.perf_counter() - start, "rss_before_bytes": rss_before}
    spec = FilterSpec.of(**SPEC)
    everything = FilterSpec()
    figures["count"] = timed(lambda: store.count(spec))
    figures["count_all"] = timed(lambda: store.count(everything))
    world = Bounds.world()
    figures["cells_world"] = timed(lambda: store.cells(everything, world, 2))
    figures["cells_world_filtered"] = timed(lambda: store.cells(spec, world, 2))
    zoomed = Bounds(*ZOOMED[:4])
    figures["cells_zoomed"] = timed(lambda: store.cells(everything, zoomed, ZOOMED[4]))
    small = Bounds(*SMALL[:4])
    few = FilterSpec.of(**FEW_SPEC)
    figures["few_in_view"] = timed(lambda: store.events_in_view(few, small, FEW))
    figures["many_in_view"] = timed(lambda: store.events_in_view(everything, zoomed, FEW))
    figures["options"] = timed(lambda: store.options(), repeats=1)
    figures["text"] = timed(lambda: store.count(FilterSpec.of(text="heavy shelling", start="2024-01-01")), repeats=2)
    figures["event"] = timed(lambda: store.event("ukr1000"))
    day = store.event("ukr1000")["start_date"].iloc[0].date()
    figures["event_with_day"] = timed(lambda: store.event("ukr1000", start=day))
    for key in ("cells_world", "cells_world_filtered", "cells_zoomed"):
        first, median, cells = figures[key]
        zoom = 2 if key.startswith("cells_world") else ZOOMED[4]
        payload = json.dumps(cells_payload(cells, zoom), separators=(",", ":")).encode()
        figures[key] = (first, median, {"cells": len(cells), "events": int(cells["count"].sum()),
                                        "json_bytes": len(payload)})
    for key in ("few_in_view", "many_in_view"):
        first, median, rows = figures[key]
        figures[key] = (first, median, None if rows is None else len(rows))
    first, median, options = figures["options"]
    figures["options"] = (first, median, {"events": options.events, "countries": len(options.countries),
                                          "sources": len(options.sources)})
    for key in ("event", "event_with_day"):
        first, median, row = figures[key]
        figures[key] = (first, median, None if row is None else row["event_id"].iloc[0])
    figures["rss_after_bytes"], figures["peak_rss_bytes"] = rss()
    queue.put(figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/engine-bench"))
    parser.add_argument("--chunk-rows", type=int, default=1_000_000)
    parser.add_argument("--rewrite", action="store_true")
    args = parser.parse_args()
    from dashboard.bench import machine

    print(machine())
    import duckdb
    import ibis

    print(f"duckdb {duckdb.__version__}, ibis {ibis.__version__}")
    context = multiprocessing.get_context("spawn")
    for n in args.sizes:
        folder = args.folder / f"events-{n}"
        if args.rewrite and folder.exists():
            shutil.rmtree(folder)
        if not folder.exists():
            written = write(n, folder, args.chunk_rows)
            print(f"{n:,} events: written in {written['write_s']:.1f} s, {written['disk_bytes'] / 1e6:,.0f} MB "
                  f"on disk in {written['files']} files", flush=True)
        queue = context.Queue()
        child = context.Process(target=measure, args=(folder, queue))
        child.start()
        figures = queue.get()
        child.join()
        print(f"{n:,} events:", flush=True)
        for key, value in figures.items():
            if isinstance(value, tuple):
                first, median, result = value
                print(f"  {key}: first {first:.3f} s, then {median:.3f} s (median) -> {result}")
            elif key.endswith("_bytes"):
                print(f"  {key}: {value / 1e6:.0f} MB")
            else:
                print(f"  {key}: {value:.3f} s")


if __name__ == "__main__":
    main()
