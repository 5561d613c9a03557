"""The benchmark's functions on a tiny size: every figure present and sane, and the table printed."""

from __future__ import annotations

from dashboard.bench import format_table, machine, run_bench


def test_bench_measures_every_figure_on_a_tiny_size():
    (row,) = run_bench([300], marker_sizes=[300], isolate=False)
    assert row.events == 300 and 0 < row.filtered < 300
    assert min(row.load_csv_s, row.load_parquet_s, row.filter_s, row.map_build_s) > 0
    assert 0 < row.map_bytes < row.markers_bytes  # the marker path sends ~2 KB an event
    assert row.speedup > 1 and row.frame_bytes > 0 and row.peak_rss_bytes >= 0
    table = format_table([row])
    assert "| 300 |" in table and "× faster" in table and table.count("\n") == 2


def test_machine_names_the_cpu_and_cores():
    assert "cores" in machine() and "RAM" in machine()
