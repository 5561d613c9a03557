"""Opening a dataset in the configured engine (:mod:`dashboard.engine.config`): a DuckDB connection in the
process, a Spark session, or the pandas frame. Engines are imported here, when a store is opened, never when the
package is: DuckDB with Ibis costs ~0.4 s to import and connect, PySpark seconds and a JVM.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..dataset.search import SearchAliases
from .config import EngineConfig, EngineConfigError, engine_config
from .store import EventStore, IbisStore, PandasStore

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa
    from pyspark.sql import SparkSession

__all__ = ["DUCKDB_MEMORY_LIMIT", "TABLE_PREFIX", "duckdb_table", "open_store", "spark_arrow", "spark_session",
           "spark_store", "spark_table"]

# DuckDB spills to disk past this: the app's whole process should stay within about a gigabyte.
DUCKDB_MEMORY_LIMIT = os.environ.get("DASHBOARD_DUCKDB_MEMORY", "512MB")
TABLE_PREFIX = "table:"  # a Spark (metastore) table instead of a path: "table:analytics.events"
SPARK_APP_NAME = "news-event-map"
# Spark in local mode (inside the app's machine): bound to the loopback only, no web UI, and a few shuffle partitions
# instead of 200, since the map's aggregates are small.
LOCAL_SPARK = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1", "spark.ui.enabled": "false",
               "spark.sql.shuffle.partitions": "4"}


def open_store(source: str | Path, *, engine: EngineConfig | None = None,
               aliases: SearchAliases | None = None) -> EventStore:
    """The dataset at ``source`` in ``engine`` (by default ``DASHBOARD_ENGINE``). ``source`` is the engine's layout
    (:func:`~dashboard.engine.layout.write_engine_dataset`: a folder of partitioned Parquet, or one Parquet file);
    for Spark also ``table:NAME``; for pandas also the app's CSV dataset."""
    engine = engine or engine_config()
    if engine.kind == "pandas":
        return PandasStore(_pandas_frame(source), aliases=aliases)
    if engine.kind == "spark":
        return spark_store(spark_session(engine), source, aliases=aliases)
    return IbisStore(duckdb_table(source), aliases=aliases)


def duckdb_table(source: str | Path | object) -> ir.Table:
    """The dataset as a DuckDB view over its Parquet files (Hive partitions read as columns), in a connection of
    its own; or an Arrow table or pandas frame registered as is (for tests)."""
    import ibis

    con = ibis.duckdb.connect(memory_limit=DUCKDB_MEMORY_LIMIT)
    if not isinstance(source, str | Path):
        return con.create_table("events", source, temp=True)
    return con.read_parquet(_parquet_glob(source), table_name="events", hive_partitioning=Path(source).is_dir())


def _parquet_glob(source: str | Path) -> str:
    path = Path(source)
    if path.is_dir():
        return str(path / "**" / "*.parquet")
    if not path.exists():
        raise EngineConfigError(f"no Parquet dataset at {path}")
    return str(path)


def spark_session(engine: EngineConfig) -> SparkSession:
    """A Spark session for ``engine.master`` (created, or the running one). Dates are read in UTC so that a day
    stays that day whatever the machine's zone."""
    if engine.kind != "spark":
        raise EngineConfigError(f"not a Spark engine: {engine.kind}")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(SPARK_APP_NAME).config("spark.sql.session.timeZone", "UTC")
    if engine.connect:
        return builder.remote(engine.master).getOrCreate()
    builder = builder.master(engine.master).config("spark.ui.showConsoleProgress", "false")
    if engine.master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # read by the JVM Spark starts: loopback only
        for key, value in LOCAL_SPARK.items():
            builder = builder.config(key, value)
    return builder.getOrCreate()


def spark_table(session: SparkSession, source: str | Path) -> ir.Table:
    """The dataset in Spark through Ibis: a metastore table (``table:NAME``) or Parquet files (a partitioned folder
    is discovered by Spark, its ``year`` partitions pruned by the date filter)."""
    import ibis

    con = ibis.pyspark.connect(session)
    text = str(source)
    if text.startswith(TABLE_PREFIX):
        return con.table(text.removeprefix(TABLE_PREFIX))
    path = Path(text)
    if not path.exists():
        raise EngineConfigError(f"no Parquet dataset at {path}")
    return con.read_parquet(str(path.resolve()), table_name="events")


def spark_store(session: SparkSession, source: str | Path, *, aliases: SearchAliases | None = None) -> IbisStore:
    """The dataset at ``source`` (a path or ``table:NAME``) as a store answered by Spark."""
    return IbisStore(spark_table(session, source), aliases=aliases, arrow=spark_arrow(session))


def spark_arrow(session: SparkSession) -> Callable[[ir.Table], pa.Table]:
    """How a Spark store fetches an expression's rows: Ibis compiles it to Spark SQL, which Spark runs and returns
    as Arrow (``DataFrame.toArrow``, PySpark 4). Ibis's own path goes through ``toPandas``, whose conversion
    warns under pandas 3."""
    import ibis

    return lambda expr: session.sql(ibis.to_sql(expr, dialect="pyspark")).toArrow()


def _pandas_frame(source: str | Path):  # -> pd.DataFrame
    from .layout import SEARCH_COLUMN, loaded_frame

    path = Path(source)
    if path.suffix.lower() == ".parquet" or (path.is_dir() and any(path.glob("**/*.parquet"))):
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        if SEARCH_COLUMN in table.column_names:
            return loaded_frame(table)
    from ..dataset.loading import load_events

    return load_events(path)
