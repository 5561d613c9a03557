"""The scale benchmark behind ``python -m dashboard bench``: synthetic events from 1k to 1M.

For each size, in a fresh process (so peak memory is that size's own): write a synthetic dataset as CSV and
as Parquet, load and validate each through :func:`dashboard.dataset.loading.load_events`, apply a typical filter, build
the fast map layers and turn them into the strings streamlit-folium sends, and measure the bytes. At the
smaller sizes, the same for the app's other path, one marker (with its extent and participants' lines) per event,
which it draws up to ``FAST_THRESHOLD`` events, and the ratio.

Bytes are those of the component's arguments streamlit-folium sends on a filter change (the event layers'
script and the layer control, JSON-encoded), built by streamlit-folium's own string builders. Peak memory is
the peak resident set during the measurement (Linux ``VmHWM``, reset first through ``/proc/self/clear_refs``)
minus the resident set before it; the loaded frame's own size is ``DataFrame.memory_usage(deep=True)``.
Each size is measured warm (imports done, templates compiled), as in a running app. Pure: returns figures;
the CLI prints them.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import folium
import pandas as pd

from .dataset.filters import filter_events
from .dataset.loading import load_events
from .dataset.synthetic import LAST_DAY, synthetic_dataset, write_dataset
from .geography.gazetteer import OfflineGazetteer
from .maps.fastmap import build_fast_layers
from .maps.mapping import MapContext, build_base_map, build_event_layers, map_context

__all__ = ["DEFAULT_SIZES", "ENGINE_SIZES", "MARKER_SIZES", "BenchRow", "EngineRow", "format_engine_table",
           "format_table", "machine", "measure", "measure_engine", "measure_memory", "prepared_base", "run_bench",
           "run_engine_bench"]

DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
MARKER_SIZES = (1_000, 10_000)  # several folium objects per event: beyond this it takes minutes
FILTER_TYPES = ("armed_conflict", "troop_deployment")
FILTER_YEARS = 3  # the typical filter: two event types over the last three years
_T = TypeVar("_T")


@dataclass(frozen=True)
class BenchRow:
    """The figures for one size. Times in seconds, sizes in bytes."""

    events: int
    load_csv_s: float
    load_parquet_s: float
    filter_s: float
    filtered: int
    map_build_s: float  # build_fast_layers + streamlit-folium's strings, all events
    map_bytes: int
    peak_rss_bytes: int
    frame_bytes: int
    markers_build_s: float | None = None  # build_event_layers, the app's path up to FAST_THRESHOLD events
    markers_bytes: int | None = None

    @property
    def speedup(self) -> float | None:
        return None if self.markers_build_s is None else self.markers_build_s / self.map_build_s


def run_bench(sizes: Iterable[int] = DEFAULT_SIZES, *, marker_sizes: Iterable[int] = MARKER_SIZES, seed: int = 0,
              isolate: bool = True, progress: Callable[[BenchRow], None] | None = None) -> list[BenchRow]:
    """Every size's figures. With ``isolate``, each size is measured in a fresh process, so its peak memory
    is its own and not the data generator's."""
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            dataset = synthetic_dataset(n, seed=seed)
            paths = (write_dataset(dataset, folder, fmt="csv"), write_dataset(dataset, folder, fmt="parquet"))
            del dataset
            args = (*paths, n in set(marker_sizes))
            row = BenchRow(**_in_child(_bench_child, args)) if isolate else measure(*args)
        rows.append(row)
        if progress is not None:
            progress(row)
    return rows


def measure(csv: Path, parquet: Path, markers: bool = False) -> BenchRow:
    """The figures for the dataset written as ``csv`` and ``parquet`` (seeds in ``seeds/`` beside them)."""
    context = map_context(OfflineGazetteer())  # the app's: outlines, capitals, country sizes
    _warm_up(context, csv.parent / "seeds", parquet)
    baseline = _reset_peak_rss()
    seeds = csv.parent / "seeds"
    load_csv_s, events = _timed(lambda: load_events(csv, seeds_dir=seeds))
    del events
    load_parquet_s, events = _timed(lambda: load_events(parquet, seeds_dir=seeds))
    start = pd.Timestamp(LAST_DAY) - pd.DateOffset(years=FILTER_YEARS)
    filter_s, filtered = _timed(lambda: filter_events(events, start=start, event_types=FILTER_TYPES))
    map_build_s, strings = _timed_map(context, lambda: build_fast_layers(events, context))
    peak = max(_peak_rss() - baseline, 0)  # before the marker path, which large datasets never take
    markers_s, markers_strings = (_timed_map(context, lambda: build_event_layers(events, context)) if markers
                                  else (None, None))
    return BenchRow(events=len(events), load_csv_s=load_csv_s, load_parquet_s=load_parquet_s, filter_s=filter_s,
                    filtered=len(filtered), map_build_s=map_build_s, map_bytes=payload_bytes(strings),
                    peak_rss_bytes=peak, frame_bytes=int(events.memory_usage(deep=True).sum()),
                    markers_build_s=markers_s,
                    markers_bytes=None if markers_strings is None else payload_bytes(markers_strings))


def component_strings(base: folium.Map, layers: list[folium.FeatureGroup]) -> dict[str, str]:
    """The event layers and layer control as streamlit-folium sends them, by its own builders called as
    ``st_folium`` calls them on the rendered ``base`` map."""
    from streamlit_folium import _get_feature_group_string, _get_layer_control_string

    feature_group = "".join(_get_feature_group_string(layer, base, index) for index, layer in enumerate(layers))
    return {"feature_group": feature_group,
            "layer_control": _get_layer_control_string(folium.LayerControl(collapsed=True), base)}


def _timed_map(context: MapContext, layers: Callable[[], list[folium.FeatureGroup]]) -> tuple[float, dict[str, str]]:
    """Seconds to build the event layers and their strings; the base map, the same on every rerun and for
    both paths, is built and rendered outside the clock."""
    base = prepared_base(context)
    return _timed(lambda: component_strings(base, layers()))


def prepared_base(context: MapContext) -> folium.Map:
    """The base map as ``st_folium`` leaves it before adding the layers: rendered, and its script generated
    (which gives its elements the stable names the layer control refers to)."""
    _quiet_streamlit()
    from streamlit_folium import _get_map_string

    base = build_base_map(context)
    base.get_root().render()
    _get_map_string(base)
    return base


def _quiet_streamlit() -> None:
    """Importing streamlit-folium outside ``streamlit run`` logs a harmless warning on every use; not here."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def payload_bytes(strings: dict[str, str]) -> int:
    """Bytes of the arguments as JSON, as the component sends them."""
    return sum(len(json.dumps(value).encode()) for value in strings.values())


def machine() -> str:
    """The machine the figures come from: CPU model, cores, memory, Python."""
    model = next((line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo")
                  if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) * 1024 for line in _read_lines("/proc/meminfo")
                   if line.startswith("MemTotal:")), 0)
    return (f"{model}, {os.cpu_count()} cores, {memory / 2**30:.0f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()}")


def format_table(rows: list[BenchRow]) -> str:
    """A Markdown table of the figures, one row per size."""
    head = ("| events | load + validate CSV | load + validate Parquet | filter (→ events) | map build | "
            "map bytes (per event) | peak memory (per event) | frame (per event) | marker-path build | "
            "marker-path bytes (per event) | fast vs marker path |")
    lines = [head, "|" + "---:|" * head.count(" | ") + "---:|"]
    for r in rows:
        markers = ("—", "—", "—") if r.markers_build_s is None else (
            f"{r.markers_build_s:.2f} s", f"{_mb(r.markers_bytes)} ({r.markers_bytes / r.events:.0f} B)",
            f"{r.speedup:.0f}× faster, {r.markers_bytes / r.map_bytes:.0f}× smaller")
        lines.append(
            f"| {r.events:,} | {r.load_csv_s:.2f} s | {r.load_parquet_s:.2f} s | {r.filter_s:.3f} s "
            f"(→ {r.filtered:,}) | {r.map_build_s:.3f} s | {_mb(r.map_bytes)} ({r.map_bytes / r.events:.1f} B) | "
            f"{_mb(r.peak_rss_bytes)} ({r.peak_rss_bytes / r.events:,.0f} B) | "
            f"{_mb(r.frame_bytes)} ({r.frame_bytes / r.events:,.0f} B) | {' | '.join(markers)} |")
    return "\n".join(lines)


def _mb(size: int) -> str:
    return f"{size / 1e6:.2f} MB" if size < 1e8 else f"{size / 1e6:.0f} MB"


def _timed(work: Callable[[], _T]) -> tuple[float, _T]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _warm_up(context: MapContext, seeds: Path, parquet: Path) -> None:
    """A running app is warm: imports done, templates compiled. Do that outside the clock, on ten events."""
    events = load_events(parquet, seeds_dir=seeds).head(10)
    _timed_map(context, lambda: build_fast_layers(events, context))
    _timed_map(context, lambda: build_event_layers(events, context))


def _reset_peak_rss() -> int:
    """Reset the kernel's peak-RSS mark (Linux: /proc/self/clear_refs) and return the current RSS, so
    :func:`_peak_rss` then gives this measurement's own peak. Elsewhere the mark cannot be reset."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return _status_bytes("VmRSS:")
    except OSError:
        return _peak_rss()


def _peak_rss() -> int:
    peak = _status_bytes("VmHWM:")
    return peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _status_bytes(field: str) -> int:
    return next((int(line.split()[1]) * 1024 for line in _read_lines("/proc/self/status")
                 if line.startswith(field)), 0)


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _bench_child(queue: Any, csv: Path, parquet: Path, markers: bool) -> None:
    queue.put(asdict(measure(csv, parquet, markers)))


def _in_child(target: Callable[..., None], args: tuple) -> Any:
    """Run ``target(queue, *args)`` in a fresh (spawned) process and return what it puts on the queue."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(queue, *args))
    process.start()
    result = queue.get()
    process.join()
    return result


# --- the engine, side by side with the in-memory path ----------------------------------------------------------

ENGINE_SIZES = (100_000, 1_000_000, 10_000_000)
MEMORY_MAX = 1_000_000  # the in-memory path is measured up to this size: beyond, it has no path at all
ENGINE_CHUNK_ROWS = 1_000_000
PANS = 5  # pans measured after the zoom, each to a view not asked before (no cache)
ZOOMED_VIEW = (44.0, 22.0, 53.0, 41.0, 6)  # south, west, north, east, zoom: Ukraine, as the engine's own bench
CLOSE_VIEW = (50.35, 30.35, 50.55, 30.7, 12)  # Kyiv at zoom 12: few enough events in view to draw each


@dataclass(frozen=True)
class EngineRow:
    """One size, both paths. Times in seconds, sizes in bytes; the in-memory figures are None above
    :data:`MEMORY_MAX`. ``write_s`` is None when the engine's dataset was already there (reused)."""

    events: int
    write_s: float | None
    disk_bytes: int
    first_paint_s: float  # open the store, options, count, the world view's layers and their strings
    filter_s: float  # a new filter: count and the world view's layers and strings
    zoom_s: float  # the filtered view zoomed in on a country
    pan_s: float  # median of PANS pans of that view, each to a view not asked before
    close_s: float  # zoomed in on a city: the events themselves
    close_events: int | None
    bytes_max: int  # the largest repaint among those above
    peak_rss_bytes: int
    memory_first_paint_s: float | None = None  # load + validate Parquet, every event's layer and its strings
    memory_filter_s: float | None = None  # filter_events and the filtered events' layer and strings
    memory_bytes: int | None = None  # the filtered layer: what a filter change sends
    memory_peak_rss_bytes: int | None = None


def run_engine_bench(sizes: Iterable[int] = ENGINE_SIZES, *, folder: Path | None = None, seed: int = 0,
                     memory_max: int = MEMORY_MAX, isolate: bool = True,
                     progress: Callable[[EngineRow], None] | None = None) -> list[EngineRow]:
    """Every size's figures for the engine page (DuckDB over the engine's layout, kept in ``folder`` as
    ``events-N``: reused when there, since 10^7 events take minutes to write) and, up to ``memory_max``, for
    today's in-memory path. Each path is measured in a fresh process, so its peak memory is its own."""
    folder = Path(folder or Path(tempfile.gettempdir()) / "engine-bench")
    rows = []
    for n in sizes:
        dataset = folder / f"events-{n}"
        write_s = None if _engine_ready(dataset) else write_engine_bench_dataset(n, dataset, seed=seed)
        disk = sum(p.stat().st_size for p in dataset.rglob("*.parquet"))
        figures = _in_child(_engine_child, (dataset,)) if isolate else measure_engine(dataset)
        memory: dict[str, Any] = {}
        if n <= memory_max:
            with tempfile.TemporaryDirectory() as tmp:
                synthetic = synthetic_dataset(n, seed=seed)
                parquet = write_dataset(synthetic, Path(tmp), fmt="parquet")
                del synthetic
                memory = _in_child(_memory_child, (parquet,)) if isolate else measure_memory(parquet)
        row = EngineRow(events=n, write_s=write_s, disk_bytes=disk, **figures, **memory)
        rows.append(row)
        if progress is not None:
            progress(row)
    return rows


def _engine_ready(dataset: Path) -> bool:
    """Whether a complete engine dataset is at ``dataset`` (written to its end: its marker file is there, or it
    was written by scripts/engine_bench.py, which leaves none, and has files)."""
    return (dataset.is_dir() and (dataset / _DONE).exists()) or (
        dataset.is_dir() and any(dataset.glob("year=*/*.parquet")) and not (dataset / _WRITING).exists())


_DONE, _WRITING = ".complete", ".writing"


def write_engine_bench_dataset(n: int, dataset: Path, *, seed: int = 0) -> float:
    """Write ``n`` synthetic events in the engine's layout at ``dataset`` a million at a time; the seconds."""
    import shutil

    from .dataset.synthetic import loaded_events, synthetic_chunks
    from .engine.layout import engine_table, write_engine_dataset

    shutil.rmtree(dataset, ignore_errors=True)  # an interrupted write: start again
    dataset.mkdir(parents=True)
    (dataset / _WRITING).touch()
    start = time.perf_counter()
    write_engine_dataset((engine_table(loaded_events(chunk))
                          for chunk in synthetic_chunks(n, chunk_rows=ENGINE_CHUNK_ROWS, seed=seed)), dataset)
    seconds = time.perf_counter() - start
    (dataset / _WRITING).unlink()
    (dataset / _DONE).touch()
    return seconds


def measure_engine(dataset: Path) -> dict[str, Any]:
    """The engine page's server side on ``dataset``: what each repaint costs to compute, up to the strings
    streamlit-folium sends (no Streamlit cache: every query is new)."""
    from .engine import Bounds, FilterSpec, open_store
    from .engine.config import EngineConfig
    from .maps.cellmap import View, first_view, map_layers

    context = map_context(OfflineGazetteer())
    base = prepared_base(context)
    sizes: list[int] = []

    def paint(store, spec, view) -> tuple[int, Any]:
        layers, info = map_layers(store, spec, view, context)
        sizes.append(payload_bytes(component_strings(base, layers)))
        return store.count(spec), info

    start = time.perf_counter()
    store = open_store(dataset, engine=EngineConfig("duckdb"))
    options = store.options()
    paint(store, FilterSpec(), first_view())
    first_paint_s = time.perf_counter() - start
    last = pd.Timestamp(options.last_day)
    spec = FilterSpec.of(start=last - pd.DateOffset(years=FILTER_YEARS), end=last, event_types=FILTER_TYPES)
    filter_s, _ = _timed(lambda: paint(store, spec, first_view()))
    zoomed = View(Bounds(*ZOOMED_VIEW[:4]), ZOOMED_VIEW[4])
    zoom_s, _ = _timed(lambda: paint(store, spec, zoomed))
    b, pans = zoomed.bounds, []
    for step in range(1, PANS + 1):  # half a view east each time: a new query every time
        shift = (b.east - b.west) / 2 * step
        view = View(Bounds(b.south, b.west + shift, b.north, b.east + shift), zoomed.zoom)
        pans.append(_timed(lambda v=view: paint(store, spec, v))[0])
    close = View(Bounds(*CLOSE_VIEW[:4]), CLOSE_VIEW[4])
    close_s, (_, info) = _timed(lambda: paint(store, spec, close))
    return {"first_paint_s": first_paint_s, "filter_s": filter_s, "zoom_s": zoom_s,
            "pan_s": sorted(pans)[len(pans) // 2], "close_s": close_s,
            "close_events": info["shown"] if info["mode"] == "events" else None, "bytes_max": max(sizes),
            "peak_rss_bytes": _peak_rss()}


def measure_memory(parquet: Path) -> dict[str, Any]:
    """Today's in-memory path on the same kind of data: the first paint (load and validate, every event's layer)
    and a filter change (filter, the filtered events' layer); a pan costs the server nothing there."""
    context = map_context(OfflineGazetteer())
    base = prepared_base(context)
    seeds = parquet.parent / "seeds"
    start = time.perf_counter()
    events = load_events(parquet, seeds_dir=seeds)
    component_strings(base, build_fast_layers(events, context))
    first_paint_s = time.perf_counter() - start
    begin = pd.Timestamp(LAST_DAY) - pd.DateOffset(years=FILTER_YEARS)
    filter_s, strings = _timed(lambda: component_strings(base, build_fast_layers(
        filter_events(events, start=begin, event_types=FILTER_TYPES), context)))
    return {"memory_first_paint_s": first_paint_s, "memory_filter_s": filter_s,
            "memory_bytes": payload_bytes(strings), "memory_peak_rss_bytes": _peak_rss()}


def format_engine_table(rows: list[EngineRow]) -> str:
    """A Markdown table: one column per size, the engine's figures and the in-memory path's side by side."""
    def memory(value: Any, text: Callable[[Any], str]) -> str:
        return "—" if value is None else text(value)

    lines = ["| | " + " | ".join(f"{r.events:,} events" for r in rows) + " |",
             "|---|" + "---:|" * len(rows)]
    table: list[tuple[str, Callable[[EngineRow], str]]] = [
        ("engine: write the layout (disk)", lambda r: (f"{r.write_s:.1f} s" if r.write_s is not None else
                                                        "reused") + f" ({_mb(r.disk_bytes)})"),
        ("engine: first paint (open, options, count, world cells)", lambda r: f"{r.first_paint_s:.2f} s"),
        ("engine: filter → payload ready", lambda r: f"{r.filter_s:.2f} s"),
        ("engine: zoom to a country → payload ready", lambda r: f"{r.zoom_s:.2f} s"),
        ("engine: pan → payload ready (median)", lambda r: f"{r.pan_s:.2f} s"),
        ("engine: zoom to a city → events ready", lambda r: f"{r.close_s:.2f} s"
         + (f" ({r.close_events:,} events)" if r.close_events is not None else " (cells)")),
        ("engine: bytes per repaint (largest)", lambda r: f"{r.bytes_max / 1000:.1f} KB"),
        ("engine: server peak memory", lambda r: _mb(r.peak_rss_bytes)),
        ("in memory: first paint (load + validate, map)", lambda r: memory(r.memory_first_paint_s,
                                                                            lambda v: f"{v:.2f} s")),
        ("in memory: filter → payload ready", lambda r: memory(r.memory_filter_s, lambda v: f"{v:.2f} s")),
        ("in memory: pan", lambda r: memory(r.memory_filter_s, lambda v: "in the browser (0 bytes)")),
        ("in memory: bytes per filter change", lambda r: memory(r.memory_bytes, _mb)),
        ("in memory: server peak memory", lambda r: memory(r.memory_peak_rss_bytes, _mb)),
    ]
    for label, cell in table:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in rows) + " |")
    return "\n".join(lines)


def _engine_child(queue: Any, dataset: Path) -> None:
    queue.put(measure_engine(dataset))


def _memory_child(queue: Any, parquet: Path) -> None:
    queue.put(measure_memory(parquet))

