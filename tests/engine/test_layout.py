"""The engine's layout (partitioned Parquet, round trip to the loaded frame), its pushdown into DuckDB's Parquet
scan, the view's longitudes and the grid, and ``DASHBOARD_ENGINE``."""

from __future__ import annotations

import sys

import ibis
import pandas as pd
import pytest

from dashboard.dataset.synthetic import loaded_events, synthetic_chunks, synthetic_dataset
from dashboard.engine import Bounds, EngineConfig, EngineConfigError, FilterSpec, cells_per_side, engine_config
from dashboard.engine.backends import duckdb_table
from dashboard.engine.expr import filter_expr
from dashboard.engine.layout import FIELD_SEPARATOR, engine_table, loaded_frame, write_engine_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    chunks = list(synthetic_chunks(2500, chunk_rows=1000, seed=3))
    folder = write_engine_dataset((engine_table(loaded_events(c)) for c in chunks),
                                  tmp_path_factory.mktemp("layout"), row_group_rows=256)
    return folder, pd.concat([loaded_events(c) for c in chunks], ignore_index=True)


def test_the_layout_is_partitioned_by_start_year_and_reads_back_as_loaded(dataset):
    folder, events = dataset
    years = sorted(p.name for p in folder.iterdir())
    assert years == [f"year={y}" for y in range(2014, 2025)]
    assert len(list((folder / "year=2024").glob("part-*.parquet"))) == 3  # one file per chunk
    table = duckdb_table(folder).to_pyarrow()
    back = loaded_frame(table).sort_values("event_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, events.sort_values("event_id").reset_index(drop=True), check_dtype=False)
    assert back["event_id"].is_unique and len(back) == 2500


def test_the_search_text_is_the_folded_fields(dataset):
    row = engine_table(pd.DataFrame([loaded_events(synthetic_dataset(60)).iloc[0]]).assign(
        title="KYÏV Straße", notes="Zürich"))
    assert row["search_text"][0].as_py().split(FIELD_SEPARATOR)[0] == "kyiv strasse"
    assert row["search_text"][0].as_py().split(FIELD_SEPARATOR)[3] == "zurich"


def test_date_filters_are_pushed_into_the_parquet_scan(dataset):
    folder, _ = dataset
    table = duckdb_table(folder)
    spec = FilterSpec.of(start="2023-01-01", end="2023-06-30", countries=["UKR"])
    sql = ibis.to_sql(table.filter(filter_expr(table, spec)).count(), dialect="duckdb")
    plan = table._find_backend().raw_sql(f"EXPLAIN {sql}").fetchall()[0][1]
    scan = plan[plan.index("READ_PARQUET"):]
    assert "start_date<='2023-06-30'" in scan.replace(" ", "") and "end_date>='2023-01-01'" in scan.replace(" ", "")
    assert "File Filters" in scan and "year <= 2023" in scan


@pytest.mark.parametrize(("bounds", "ranges"), [
    (Bounds.world(), [(-180, 180)]),
    (Bounds(0, -30, 10, 40), [(-30, 40)]),
    (Bounds(0, 170, 10, 190), [(170, 180), (-180, -170)]),  # Leaflet past the antimeridian
    (Bounds(0, -190, 10, -170), [(170, 180), (-180, -170)]),
    (Bounds(0, 170, 10, -170), [(170, 180), (-180, -170)]),  # west east of east
    (Bounds(0, -400, 10, 400), [(-180, 180)]),  # wider than the world
    (Bounds(0, 0, 10, 180), [(0, 180)]),
])
def test_the_views_longitudes(bounds, ranges):
    assert bounds.longitude_ranges() == ranges


def test_cells_follow_the_zoom():
    assert [cells_per_side(z) for z in (0, 1, 2, 10)] == [4, 8, 16, 4096]


@pytest.mark.parametrize(("value", "config"), [
    (None, EngineConfig("duckdb")), ("", EngineConfig("duckdb")), ("DuckDB", EngineConfig("duckdb")),
    ("pandas", EngineConfig("pandas")), ("local[2]", EngineConfig("spark", "local[2]")),
    ("local[*]", EngineConfig("spark", "local[*]")), ("spark://head:7077", EngineConfig("spark", "spark://head:7077")),
    ("sc://head:15002", EngineConfig("spark", "sc://head:15002")),
])
def test_engine_config(monkeypatch, value, config):
    monkeypatch.delenv("DASHBOARD_ENGINE", raising=False)
    if value is not None:
        monkeypatch.setenv("DASHBOARD_ENGINE", value)
    assert engine_config() == config


def test_an_unknown_engine_is_a_dashboard_error():
    with pytest.raises(EngineConfigError, match="names no engine"):
        engine_config("postgres://x")


def test_importing_the_engine_package_imports_no_engine():
    import subprocess

    code = ("import sys, dashboard.engine; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ibis', 'duckdb', 'pyspark')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


def test_every_local_engine_opens_the_layout_and_agrees(dataset):
    from dashboard.engine import open_store

    folder, events = dataset
    spec = FilterSpec.of(start="2022-01-01", end="2024-06-30", countries=["UKR", "RUS"], event_types=["armed_conflict"])
    duck, pandas_store = open_store(folder, engine=EngineConfig("duckdb")), open_store(folder,
                                                                                        engine=EngineConfig("pandas"))
    assert duck.count(spec) == pandas_store.count(spec) == len(spec.apply(events)) > 0
    assert duck.options() == pandas_store.options()
    with pytest.raises(EngineConfigError, match="no Parquet dataset"):
        open_store(folder / "missing.parquet", engine=EngineConfig("duckdb"))


def test_an_event_by_id_and_with_its_day(dataset):
    from dashboard.engine import open_store

    folder, events = dataset
    first = events.iloc[1234]
    day = first["start_date"].date()
    for engine in ("duckdb", "pandas"):
        store = open_store(folder, engine=EngineConfig(engine))
        found = store.event(first["event_id"], start=day)
        pd.testing.assert_frame_equal(found, store.event(first["event_id"]), check_dtype=False)
        assert found["event_id"].tolist() == [first["event_id"]]
        assert store.event(first["event_id"], start=day.replace(year=day.year - 1)) is None
