"""Event stores: what the map and the sidebar ask of a dataset, answered by pandas (today's in-memory frame) or
by a query engine over Parquet (DuckDB embedded, or Spark), so that a dataset larger than memory is queried,
never loaded.

Every answer is bounded by the screen, not by the dataset: a count, the sidebar's options, counts per screen
cell for the map's view, the events in view only when few, one event for its popup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from ..dataset.schema import LIST_SEPARATOR, LOADED_COLUMNS
from ..dataset.search import SearchAliases
from .grid import Bounds, cells_frame, cells_per_side
from .layout import loaded_frame, mercator
from .spec import FilterSpec

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["MAP_COLUMNS", "EventStore", "IbisStore", "Options", "PandasStore"]

# What the map draws of an event in view (dashboard.maps.fastmap: id, place, precision, type, day) and its tooltip.
MAP_COLUMNS = ["event_id", "title", "event_type", "start_date", "end_date", "place", "latitude", "longitude",
               "location_precision"]


@dataclass(frozen=True)
class Options:
    """What the sidebar offers: the dates' range, and the countries, types and sources found (sorted)."""

    events: int
    first_day: dt.date | None
    last_day: dt.date | None
    countries: tuple[str, ...]
    event_types: tuple[str, ...]
    sources: tuple[str, ...]


class EventStore(Protocol):
    """A dataset the app queries. Every method takes the same :class:`FilterSpec`."""

    def count(self, spec: FilterSpec) -> int:
        """How many events pass."""

    def options(self) -> Options:
        """The sidebar's choices, over the whole dataset."""

    def cells(self, spec: FilterSpec, bounds: Bounds, zoom: int) -> pd.DataFrame:
        """The passing events in view, counted per screen cell (:func:`~dashboard.engine.grid.cells_frame`)."""

    def events_in_view(self, spec: FilterSpec, bounds: Bounds, limit: int) -> pd.DataFrame | None:
        """The passing events in view (:data:`MAP_COLUMNS`, by id), or ``None`` if more than ``limit``."""

    def event(self, event_id: str, *, start: dt.date | None = None) -> pd.DataFrame | None:
        """One event as a one-row loaded frame (for its popup), or ``None``. ``start``, its start day if known (the
        map sends it), lets an engine read only that day's row groups instead of every file."""


class PandasStore:
    """The loaded frame (:func:`~dashboard.dataset.loading.load_events`) as a store: the filter contract's
    definition, and the reference the engines are tested against."""

    def __init__(self, events: pd.DataFrame, *, aliases: SearchAliases | None = None) -> None:
        self.frame = events
        self.aliases = aliases
        self._last: tuple[FilterSpec, pd.DataFrame] | None = None  # a pan keeps the filter: filter once

    def _filtered(self, spec: FilterSpec) -> pd.DataFrame:
        if self._last is None or self._last[0] != spec:
            self._last = (spec, spec.apply(self.frame, aliases=self.aliases))
        return self._last[1]

    def count(self, spec: FilterSpec) -> int:
        return len(self._filtered(spec))

    def options(self) -> Options:
        frame = self.frame
        countries = {c for cell in pd.unique(frame["participants"].to_numpy()) for c in cell}
        countries |= set(frame["place_country"])
        sources = {s for cell in pd.unique(frame["sources"].to_numpy()) for s in cell}
        return Options(len(frame), _day(frame["start_date"].min()), _day(frame["end_date"].max()),
                       _sorted(countries), _sorted(frame["event_type"]), _sorted(sources))

    def _in_view(self, spec: FilterSpec, bounds: Bounds) -> pd.DataFrame:
        events = self._filtered(spec)
        inside = bounds.contains(events["latitude"].to_numpy(dtype=float), events["longitude"].to_numpy(dtype=float))
        return events[inside]

    def cells(self, spec: FilterSpec, bounds: Bounds, zoom: int) -> pd.DataFrame:
        events = self._in_view(spec, bounds)
        mx, my = mercator(events["latitude"].to_numpy(dtype=float), events["longitude"].to_numpy(dtype=float))
        side = float(cells_per_side(zoom))
        keys = pd.DataFrame({"cx": np.floor(mx * side).astype(np.int64), "cy": np.floor(my * side).astype(np.int64),
                             "event_type": events["event_type"].to_numpy(dtype=object), "mx": mx, "my": my})
        groups = keys.groupby(["cx", "cy", "event_type"], sort=False).agg(
            n=("mx", "size"), sx=("mx", "sum"), sy=("my", "sum")).reset_index()
        return cells_frame(groups)

    def events_in_view(self, spec: FilterSpec, bounds: Bounds, limit: int) -> pd.DataFrame | None:
        events = self._in_view(spec, bounds)
        return None if len(events) > limit else _map_rows(events[MAP_COLUMNS])

    def event(self, event_id: str, *, start: dt.date | None = None) -> pd.DataFrame | None:
        rows = self.frame[self.frame["event_id"] == event_id]
        if start is not None:
            rows = rows[rows["start_date"] == pd.Timestamp(start)]
        return rows.reset_index(drop=True) if len(rows) else None


class IbisStore:
    """A table in a query engine, through Ibis: the same expressions (:mod:`dashboard.engine.expr`) whether the
    backend is DuckDB or Spark. Only aggregates and bounded row sets leave the engine."""

    def __init__(self, table: ir.Table, *, aliases: SearchAliases | None = None,
                 arrow: Callable[[ir.Table], pa.Table] | None = None) -> None:
        self.table = table
        self.aliases = aliases
        self._arrow = arrow or (lambda expr: expr.to_pyarrow())  # Spark's: spark_arrow
        # One DuckDB connection is not safe from several threads (Streamlit runs a thread per session); each query
        # uses every core anyway, so queries take turns. A Spark session takes concurrent queries.
        self._lock = threading.Lock() if arrow is None else contextlib.nullcontext()

    def _fetch(self, expr: ir.Table) -> pd.DataFrame:
        """An expression's rows through Arrow (Ibis's own pandas conversion reads an option pandas 3.1
        deprecates)."""
        with self._lock:
            table = self._arrow(expr)
        return table.to_pandas()

    def _filtered(self, spec: FilterSpec, bounds: Bounds | None = None) -> ir.Table:
        from .expr import filter_expr, in_view

        condition = filter_expr(self.table, spec, aliases=self.aliases)
        if bounds is not None:
            condition &= in_view(self.table, bounds)
        return self.table.filter(condition)

    def count(self, spec: FilterSpec) -> int:
        return int(self._fetch(self._filtered(spec).count().name("n").as_table())["n"].iloc[0])

    def options(self) -> Options:
        t = self.table
        summary = self._fetch(t.aggregate(n=t.count(), first=t.start_date.min(), last=t.end_date.max()))
        return Options(int(summary["n"].iloc[0]), _day(summary["first"].iloc[0]), _day(summary["last"].iloc[0]),
                       _sorted(self._distinct(t.place_country) + self._items(t.participants)),
                       _sorted(self._distinct(t.event_type)), _sorted(self._items(t.sources)))

    def _distinct(self, column: ir.StringValue) -> list[str]:
        return list(self._fetch(column.name("v").as_table().distinct())["v"])

    def _items(self, column: ir.StringValue) -> list[str]:
        """The distinct items of a list column, split and made distinct in the engine."""
        return self._distinct(column.split(LIST_SEPARATOR).unnest())

    def cells(self, spec: FilterSpec, bounds: Bounds, zoom: int) -> pd.DataFrame:
        from .expr import cell_groups

        return cells_frame(self._fetch(cell_groups(self._filtered(spec, bounds), zoom)))

    def events_in_view(self, spec: FilterSpec, bounds: Bounds, limit: int) -> pd.DataFrame | None:
        rows = self._fetch(self._filtered(spec, bounds).select(MAP_COLUMNS).limit(limit + 1))
        return None if len(rows) > limit else _map_rows(rows)

    def event(self, event_id: str, *, start: dt.date | None = None) -> pd.DataFrame | None:
        import ibis

        condition = self.table.event_id == event_id
        if start is not None:
            condition &= self.table.start_date == ibis.literal(start, type="date")
            if "year" in self.table.columns:
                condition &= self.table.year == start.year
        rows = self._fetch(self.table.filter(condition).select(LOADED_COLUMNS).limit(1))
        return loaded_frame(rows) if len(rows) else None


def _map_rows(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.copy()
    for name in ("start_date", "end_date"):
        rows[name] = pd.to_datetime(rows[name]).astype("datetime64[us]")
    rows["location_precision"] = rows["location_precision"].astype(int)
    return rows.sort_values("event_id", kind="stable").reset_index(drop=True)


def _day(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _sorted(values: object) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if isinstance(v, str) and v}))
