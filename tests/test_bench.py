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


def test_engine_bench_measures_both_paths_and_reuses_its_dataset(tmp_path):
    from dashboard.bench import format_engine_table, run_engine_bench

    (row,) = run_engine_bench([2_000], folder=tmp_path, isolate=False)
    assert row.events == 2_000 and row.write_s > 0 and row.disk_bytes > 0
    assert min(row.first_paint_s, row.filter_s, row.zoom_s, row.pan_s, row.close_s) > 0
    assert 0 < row.bytes_max < 200_000 and row.peak_rss_bytes > 0
    assert row.memory_first_paint_s > 0 and row.memory_filter_s > 0 and row.memory_bytes > 0
    files = sorted(p.stat().st_mtime_ns for p in (tmp_path / "events-2000").rglob("*.parquet"))
    (again,) = run_engine_bench([2_000], folder=tmp_path, isolate=False, memory_max=0)
    assert again.write_s is None and again.memory_filter_s is None  # reused; not measured in memory
    assert sorted(p.stat().st_mtime_ns for p in (tmp_path / "events-2000").rglob("*.parquet")) == files
    table = format_engine_table([row, again])
    assert "| | 2,000 events | 2,000 events |" in table and "reused" in table and "—" in table
    assert "filter → payload ready" in table and "pan → payload ready" in table
