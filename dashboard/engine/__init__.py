"""The query engine core: one filter contract for every backend, and stores that answer the map without
loading the dataset.

- :mod:`~dashboard.engine.spec`: :class:`FilterSpec`, the sidebar's choice, applied by pandas or compiled.
- :mod:`~dashboard.engine.layout`: the engine's Parquet layout (denormalised, folded search text, Mercator
  coordinates, partitioned by year) and its writer.
- :mod:`~dashboard.engine.grid`: the map's view (:class:`Bounds`) and screen grid.
- :mod:`~dashboard.engine.expr`: the filter and aggregations as Ibis expressions (DuckDB, Spark).
- :mod:`~dashboard.engine.store`: :class:`EventStore` and its pandas and Ibis backends.
- :mod:`~dashboard.engine.config`, :mod:`~dashboard.engine.backends`: ``DASHBOARD_ENGINE`` and opening a store.

Importing this package imports no engine: Ibis, DuckDB and PySpark load when a store is opened.
"""

from __future__ import annotations

from .config import ENGINE_VARIABLE, EngineConfig, EngineConfigError, engine_config
from .grid import CELL_PX, Bounds, cells_per_side
from .spec import FilterSpec
from .store import MAP_COLUMNS, EventStore, IbisStore, Options, PandasStore

__all__ = ["CELL_PX", "ENGINE_VARIABLE", "MAP_COLUMNS", "Bounds", "EngineConfig", "EngineConfigError", "EventStore",
           "FilterSpec", "IbisStore", "Options", "PandasStore", "cells_per_side", "engine_config", "open_store"]


def open_store(*args, **kwargs) -> EventStore:
    """:func:`dashboard.engine.backends.open_store`, imported on first use."""
    from .backends import open_store as _open_store

    return _open_store(*args, **kwargs)
