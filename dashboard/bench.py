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

__all__ = ["DEFAULT_SIZES", "MARKER_SIZES", "BenchRow", "format_table", "machine", "measure", "prepared_base",
           "run_bench"]

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
            row = _in_child(_bench_child, args) if isolate else measure(*args)
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


def _in_child(target: Callable[..., None], args: tuple) -> BenchRow:
    """Run ``target(queue, *args)`` in a fresh (spawned) process and return the row it puts on the queue."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(queue, *args))
    process.start()
    row = queue.get()
    process.join()
    return BenchRow(**row)
