"""Which engine answers the queries: ``DASHBOARD_ENGINE``, read once where the app starts.

========================  =====================================================================================
``DASHBOARD_ENGINE``      engine
========================  =====================================================================================
unset, ``duckdb``         DuckDB, embedded in the app's process: Parquet files queried in place, no server
``pandas``                today's path: the whole dataset loaded into one frame (small datasets only)
``local``, ``local[N]``,  Spark, through PySpark: ``local[N]`` runs it inside the app's machine on N cores;
``local[*]``              the others point at a cluster's master. Needs Java 17 and ``pyspark``.
``spark://HOST:PORT``,
``yarn``, ``k8s://…``
``sc://HOST:PORT``        Spark Connect (a Spark 3.4+ server; ``pyspark[connect]``)
========================  =====================================================================================
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from ..errors import DashboardError

__all__ = ["ENGINE_VARIABLE", "EngineConfig", "EngineConfigError", "engine_config"]

ENGINE_VARIABLE = "DASHBOARD_ENGINE"
_SPARK_MASTER = re.compile(r"^(local(\[(\d+|\*)(,\d+)?\])?|spark://.+|yarn|k8s://.+|mesos://.+)$")


class EngineConfigError(DashboardError, ValueError):
    """Raised when ``DASHBOARD_ENGINE`` names no engine the app knows."""


@dataclass(frozen=True)
class EngineConfig:
    """An engine: its kind and, for Spark, the master URL or the Spark Connect address."""

    kind: Literal["duckdb", "pandas", "spark"]
    master: str | None = None

    @property
    def connect(self) -> bool:
        """Whether Spark is reached through Spark Connect (``sc://``)."""
        return self.kind == "spark" and (self.master or "").startswith("sc://")


def engine_config(value: str | None = None) -> EngineConfig:
    """The engine named by ``value`` (by default ``DASHBOARD_ENGINE``), or :class:`EngineConfigError`."""
    text = (os.environ.get(ENGINE_VARIABLE, "") if value is None else value).strip()
    if text.lower() in ("", "duckdb"):
        return EngineConfig("duckdb")
    if text.lower() == "pandas":
        return EngineConfig("pandas")
    if _SPARK_MASTER.match(text) or text.startswith("sc://"):
        return EngineConfig("spark", text)
    raise EngineConfigError(f"{ENGINE_VARIABLE}={text!r} names no engine: use duckdb, pandas, local[N], "
                            "spark://HOST:PORT, yarn, k8s://… or sc://HOST:PORT")
