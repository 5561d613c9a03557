"""The same queries on Spark (local mode, through PySpark) as on DuckDB, over the same Parquet files: rows, counts,
cells, options and one event. Marked ``spark``: skipped without Java or PySpark, mandatory in CI."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.dataset.synthetic import loaded_events, synthetic_dataset
from dashboard.engine import Bounds, FilterSpec, IbisStore
from dashboard.engine.backends import duckdb_table, spark_store
from dashboard.engine.layout import engine_table, write_engine_dataset

from .conftest import ALIASES
from .test_filters import FRAME, QUERIES

# py4j leaves its sockets to the garbage collector.
pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]

SPECS = [
    FilterSpec(),
    FilterSpec.of(start=dt.date(2023, 1, 1), end=dt.date(2023, 6, 30), countries=["UKR", "RUS"]),
    FilterSpec.of(event_types=["armed_conflict", "troop_deployment"], sources=["Reuters", "TASS"]),
    FilterSpec.of(end=dt.date(2016, 12, 31), countries=["SYR"]),
    *(FilterSpec.of(text=query) for query in QUERIES),
    FilterSpec.of(text="heavy shelling", start=dt.date(2024, 1, 1)),
]
VIEWS = [(Bounds.world(), 1), (Bounds(44.0, 22.0, 53.0, 41.0), 6),
         (Bounds(-60.0, 100.0, 70.0, -100.0), 3)]  # across the antimeridian


@pytest.fixture(scope="module")
def stores(spark, tmp_path_factory) -> tuple[IbisStore, IbisStore]:
    """DuckDB and Spark over one partitioned Parquet dataset: synthetic events and the crafted awkward rows."""
    events = pd.concat([loaded_events(synthetic_dataset(3000, seed=7)), FRAME], ignore_index=True)
    folder = write_engine_dataset([engine_table(events)], tmp_path_factory.mktemp("spark"), row_group_rows=512)
    return IbisStore(duckdb_table(folder), aliases=ALIASES), spark_store(spark, folder, aliases=ALIASES)


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_spark_gives_the_rows_duckdb_gives(stores, spec):
    duck, spark = stores
    expected = duck.events_in_view(spec, Bounds.world(), limit=10_000)
    got = spark.events_in_view(spec, Bounds.world(), limit=10_000)
    pd.testing.assert_frame_equal(got, expected)
    assert spark.count(spec) == duck.count(spec) == len(expected)


@pytest.mark.parametrize(("bounds", "zoom"), VIEWS)
def test_spark_gives_the_cells_duckdb_gives(stores, bounds, zoom):
    duck, spark = stores
    spec = FilterSpec.of(event_types=["armed_conflict", "official_statement", "other"])
    expected, got = duck.cells(spec, bounds, zoom), spark.cells(spec, bounds, zoom)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got.drop(columns=["latitude", "longitude"]),
                                  expected.drop(columns=["latitude", "longitude"]))
    pd.testing.assert_frame_equal(got[["latitude", "longitude"]], expected[["latitude", "longitude"]], atol=1e-9)


def test_spark_gives_the_options_and_events_duckdb_gives(stores):
    duck, spark = stores
    assert spark.options() == duck.options()
    pd.testing.assert_frame_equal(spark.event("split"), duck.event("split"))
    pd.testing.assert_frame_equal(spark.event("split", start=dt.date(2022, 1, 10)), duck.event("split"))
    assert duck.event("split", start=dt.date(2022, 1, 11)) is None
    assert spark.event("no-such-event") is None
