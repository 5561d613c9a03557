"""The map's view and its screen grid, shared by every backend: which events are in view, and which cell of
``CELL_PX`` screen pixels holds each at a zoom.

The grid is fixed to the world (Web Mercator, 256 px tiles as Leaflet draws them), so cells do not jump while the
map pans: at zoom ``z`` the world is ``2**z * 256`` px wide and has ``cells_per_side(z)`` cells a side. A cell's
index is ``floor(mx * cells_per_side(z))`` with ``mx``/``my`` stored at write time
(:func:`dashboard.engine.layout.mercator`); the count per side is a power of two, so the product is exact in
every engine's doubles and DuckDB, Spark and numpy agree on every cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .layout import unmercator

__all__ = ["CELL_PX", "MAX_ZOOM", "Bounds", "cells_frame", "cells_payload", "cells_per_side"]

CELL_PX = 64  # a cell's side on the screen: a 1920×1080 map shows at most ~600 cells
TILE_PX = 256
MAX_ZOOM = 22


@dataclass(frozen=True)
class Bounds:
    """The map's view in degrees, as Leaflet's ``getBounds()`` gives it (streamlit-folium returns it). West may be
    east of east when the view crosses the antimeridian; a view wider than the world takes every longitude."""

    south: float
    west: float
    north: float
    east: float

    @classmethod
    def world(cls) -> Bounds:
        return cls(-90.0, -180.0, 90.0, 180.0)

    def longitude_ranges(self) -> list[tuple[float, float]]:
        """The view's longitudes as at most two [west, east] ranges within [-180, 180]."""
        east = self.east + 360.0 if self.east < self.west else self.east
        if east - self.west >= 360:
            return [(-180.0, 180.0)]
        west = _wrap(self.west)
        east -= self.west - west  # the same shift as west's: the view's width is kept
        return [(west, east)] if east <= 180 else [(west, 180.0), (-180.0, east - 360.0)]

    def contains(self, latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
        """Which points are in view (edges included), as the engines' :func:`~dashboard.engine.expr.in_view`."""
        inside = (latitude >= self.south) & (latitude <= self.north)
        lon = np.zeros(len(longitude), dtype=bool)
        for west, east in self.longitude_ranges():
            lon |= (longitude >= west) & (longitude <= east)
        return inside & lon


def _wrap(longitude: float) -> float:
    return (longitude + 180.0) % 360.0 - 180.0


def cells_per_side(zoom: int) -> int:
    """How many cells of :data:`CELL_PX` span the world's width at ``zoom`` (at least one)."""
    zoom = int(min(max(zoom, 0), MAX_ZOOM))
    return max(1, (TILE_PX << zoom) // CELL_PX)


def cells_frame(groups: pd.DataFrame) -> pd.DataFrame:
    """Per-cell rows from per-(cell, type) groups (columns cx, cy, event_type, n, sx, sy: the sums of mx and my):
    cx, cy, count, latitude and longitude of the events' centroid (in Mercator), the dominant type (ties: the
    first by name) and ``types``, the count of each type present (a dict). Sorted by cy, cx."""
    columns = ["cx", "cy", "count", "latitude", "longitude", "event_type", "types"]
    if groups.empty:
        return pd.DataFrame({c: pd.Series(dtype=object if c in ("event_type", "types") else float) for c in columns})
    groups = groups.astype({"cx": np.int64, "cy": np.int64, "n": np.int64, "sx": float, "sy": float})
    ordered = groups.sort_values(["cy", "cx", "n", "event_type"], ascending=[True, True, False, True])
    by_cell = ordered.groupby(["cy", "cx"], sort=True)
    cells = by_cell.agg(count=("n", "sum"), sx=("sx", "sum"), sy=("sy", "sum"), event_type=("event_type", "first"))
    cells["types"] = by_cell.apply(lambda g: dict(zip(g["event_type"], g["n"].astype(int), strict=True)),
                                   include_groups=False)
    cells = cells.reset_index()
    cells["latitude"], cells["longitude"] = unmercator(cells["sx"] / cells["count"], cells["sy"] / cells["count"])
    return cells[columns]


def cells_payload(cells: pd.DataFrame, zoom: int) -> dict[str, object]:
    """The cells as the browser would receive them, columnar and JSON-ready: centroids to 1e-5°, counts, the
    dominant type (an index into ``types``) and each type's count per cell. Its size follows the cells in view."""
    types = sorted({t for mix in cells["types"] for t in mix}) if len(cells) else []
    index = {t: i for i, t in enumerate(types)}
    return {"zoom": int(zoom), "cell": CELL_PX, "types": types,
            "lat": [round(float(v), 5) for v in cells["latitude"]],
            "lon": [round(float(v), 5) for v in cells["longitude"]],
            "n": [int(v) for v in cells["count"]], "type": [index[t] for t in cells["event_type"]],
            "mix": [[int(mix.get(t, 0)) for t in types] for mix in cells["types"]]}
