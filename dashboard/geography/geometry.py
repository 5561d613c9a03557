"""Plane geometry on the world outlines: a point inside each country, for events known only to country level.

The point is the area centroid of the country's largest polygon or, where that falls outside (a crescent, a
bay), the middle of the widest stretch of land along a line of latitude. Coordinates are treated as planar
lon/lat, which is good enough to put a point inside a country; the outlines are cut at the antimeridian.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "country_label_points",
    "country_radius_km",
    "feature_label_points",
    "great_circle",
    "load_country_points",
    "load_world",
    "point_in_polygon",
    "point_in_ring",
    "polygon_label_point",
    "split_at_antimeridian",
]


def load_world(path: Path) -> dict[str, Any]:
    """The country outlines (a GeoJSON FeatureCollection) in the file at ``path``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_country_points(path: Path) -> dict[str, tuple[float, float]]:
    """``{iso_a3: (lat, lon)}`` for every country with an outline in the GeoJSON file at ``path``."""
    points = country_label_points(load_world(path))
    return {code: (round(lat, 4), round(lon, 4)) for code, (lat, lon) in points.items()}


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Shoelace formula: positive for counterclockwise rings."""
    return sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)) / 2




def _ring_centroid(ring: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Area-weighted (shoelace) centroid (x, y) of a ring; vertex mean if the area is ~0."""
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a) < 1e-12:
        return (sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n)
    return (cx / (3.0 * a), cy / (3.0 * a))


def point_in_ring(x: float, y: float, ring: Sequence[Sequence[float]]) -> bool:
    """Even-odd ray casting test of (x, y) against one ring."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygon(x: float, y: float, polygon: Sequence[Sequence[Sequence[float]]]) -> bool:
    """True if (x, y) lies inside the polygon's exterior ring and outside all of its holes."""
    if not polygon or not point_in_ring(x, y, polygon[0]):
        return False
    return not any(point_in_ring(x, y, hole) for hole in polygon[1:])


def _widest_scanline_midpoint(y: float, polygon: Sequence[Sequence[Sequence[float]]]) -> float | None:
    """x of the midpoint of the widest inside segment of the horizontal line at ``y``."""
    xs: list[float] = []
    for ring in polygon:
        n = len(ring)
        for i in range(n):
            (x1, y1), (x2, y2) = ring[i][:2], ring[(i + 1) % n][:2]
            if (y1 > y) != (y2 > y):  # same half-open rule as point_in_ring, so vertices count once
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    xs.sort()
    best: tuple[float, float] | None = None
    for left, right in zip(xs[0::2], xs[1::2], strict=False):  # xs has an even length
        if best is None or right - left > best[1] - best[0]:
            best = (left, right)
    return None if best is None else (best[0] + best[1]) / 2.0


def _polygon_size(polygon: Sequence[Sequence[Sequence[float]]]) -> float:
    """Approximate area for picking the largest part: planar deg^2 scaled by cos(latitude),
    so that high-latitude islands (Svalbard, Arctic Canada) do not outweigh the mainland."""
    exterior = polygon[0]
    _, lat = _ring_centroid(exterior)
    return abs(_signed_area(exterior)) * math.cos(math.radians(lat))


def _polygons_of(geometry: dict[str, Any] | None) -> list[Any]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def polygon_label_point(polygon: Sequence[Sequence[Sequence[float]]]) -> tuple[float, float]:
    """(lat, lon) inside ``polygon``: its exterior ring's centroid, or a scan-line fallback."""
    exterior = polygon[0]
    x, y = _ring_centroid(exterior)
    if point_in_polygon(x, y, polygon):
        return (y, x)
    ys = [p[1] for p in exterior]
    # Try the centroid's latitude first, then the middle of the polygon's latitude range.
    for scan_y in (y, (min(ys) + max(ys)) / 2.0):
        mid = _widest_scanline_midpoint(scan_y, polygon)
        if mid is not None and point_in_polygon(mid, scan_y, polygon):
            return (scan_y, mid)
    return (exterior[0][1], exterior[0][0])  # degenerate polygon: any vertex will do


def country_label_points(geojson: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Per ``iso_a3``, a (lat, lon) point inside the country, for a "country centroid" marker."""
    return feature_label_points(geojson, "iso_a3")


def feature_label_points(geojson: dict[str, Any], key: str) -> dict[str, tuple[float, float]]:
    """Per value of the feature property ``key``, a (lat, lon) point inside the feature's largest polygon.

    Uses the area-weighted centroid of the exterior ring of the largest polygon; if that point falls outside
    the polygon (concave shapes, e.g. Croatia, Chile... ) it falls back to the midpoint of the widest
    horizontal segment through the polygon at the centroid's latitude. Depends only on the GeoJSON dict
    (lon/lat positions). Features with an empty ``key`` are skipped; if a value occurs twice the larger
    polygon wins.
    """
    best: dict[str, tuple[float, tuple[float, float]]] = {}
    for feature in geojson.get("features", []):
        value = (feature.get("properties") or {}).get(key) or ""
        polygons = [p for p in _polygons_of(feature.get("geometry")) if p and len(p[0]) >= 4]
        if not value or not polygons:
            continue
        largest = max(polygons, key=_polygon_size)
        size = _polygon_size(largest)
        if value not in best or size > best[value][0]:
            best[value] = (size, polygon_label_point(largest))
    return {value: point for value, (_, point) in best.items()}


def country_radius_km(geojson: dict[str, Any]) -> dict[str, float]:
    """``{iso_a3: radius}`` of the circle with each country's area (planar lon/lat, scaled by cos(latitude)):
    how far from its country point an event known only to country level may be."""
    km_per_degree = 111.32
    radii: dict[str, float] = {}
    for feature in geojson.get("features", []):
        code = (feature.get("properties") or {}).get("iso_a3")
        area = sum(_polygon_size(polygon) for polygon in _polygons_of(feature.get("geometry")))
        if code and area > 0:
            radii[code] = round(math.sqrt(area * km_per_degree**2 / math.pi), 1)
    return radii


def great_circle(start: tuple[float, float], end: tuple[float, float], *, steps: int = 32) -> list[list[float]]:
    """``steps + 1`` [lat, lon] points along the shorter great circle from ``start`` to ``end`` (both lat, lon).

    Longitudes are unwrapped (they may pass ±180) so that a line across the Pacific is drawn across it, not
    around the world.
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*start, *end))
    a = (math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1))
    b = (math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2))
    omega = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(a, b, strict=True)))))
    points: list[list[float]] = []
    for i in range(steps + 1):
        t = i / steps
        if omega < 1e-9:
            x, y, z = a
        else:
            wa, wb = math.sin((1 - t) * omega) / math.sin(omega), math.sin(t * omega) / math.sin(omega)
            x, y, z = (wa * p + wb * q for p, q in zip(a, b, strict=True))
        lat, lon = math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))
        if points:  # unwrap against the previous point
            lon += 360 * round((points[-1][1] - lon) / 360)
        points.append([round(lat, 4), round(lon, 4)])
    return points


def split_at_antimeridian(points: list[list[float]]) -> list[list[list[float]]]:
    """A line of [lat, lon] points with unwrapped longitudes, cut into pieces that each stay within
    [-180, 180], meeting the antimeridian at an interpolated point, so that a map of one world draws it whole."""
    pieces: list[list[list[float]]] = [[]]
    previous: list[float] | None = None
    for lat, lon in points:
        if previous is not None:
            plat, plon = previous
            shift_before, shift_now = _world_shift(plon), _world_shift(lon)
            if shift_before != shift_now:  # crossed ±180 between the two points
                edge = 180.0 if lon > plon else -180.0
                t = (edge + shift_before - plon) / (lon - plon)
                mid_lat = round(plat + t * (lat - plat), 4)
                pieces[-1].append([mid_lat, edge])
                pieces.append([[mid_lat, -edge]])
        pieces[-1].append([lat, round(lon - _world_shift(lon), 4)])
        previous = [lat, lon]
    return [piece for piece in pieces if len(piece) > 1]


def _world_shift(lon: float) -> float:
    """The multiple of 360 to subtract to bring ``lon`` into [-180, 180)."""
    return 360.0 * math.floor((lon + 180.0) / 360.0)
