"""Two points per country, and whether a point lies in a country.

- The *map point* lies inside the country's Natural Earth outline (``data/world.geojson``, what the map draws):
  :meth:`dashboard.geography.gazetteer.OfflineGazetteer.country` answers with it, and datasets store it.
- The *reference centre* is the conventional centre that gazetteers and encyclopaedias give for a country
  (GeoNames/CIA World Factbook style: China at 35° N 105° E, Canada at 60° N 95° W), from
  ``countrystatecity-countries``. It may lie outside the outline (Indonesia's is at sea) or far from the map point
  (Canada's), which is why the map does not draw it; it is what other datasets mean by "the country", so it is
  what a comparison with them uses.

:func:`in_country` says whether a point belongs to a country: inside its fine outline (``data/world-50m.geojson``,
the outline the map draws when zoomed in) or within a distance of either point (small islands and territories
that have no outline, coastal points just off a generalised coast).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from geopy.distance import distance

from ..paths import DATA_DIR, WORLD_PATH
from .geometry import load_country_points, load_world, point_in_polygon

__all__ = ["FINE_WORLD_PATH", "NEAR_KM", "in_country", "map_point", "reference_centre", "reference_centres"]

FINE_WORLD_PATH = DATA_DIR / "world-50m.geojson"  # built by scripts/build_world_geojson.py --scale 50m
NEAR_KM = 161.0  # a point this close to either of a country's points counts as in it (100 miles)


@functools.cache
def reference_centres() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lat, lon) of each country's conventional centre (countrystatecity-countries' country record)."""
    import countrystatecity_countries  # pydantic models, ~0.1 s: only when a centre is asked for, not at app start

    centres = {}
    for country in countrystatecity_countries.get_countries():
        if country.iso3 and country.latitude and country.longitude:
            centres[country.iso3] = (float(country.latitude), float(country.longitude))
    return centres


def reference_centre(code: str) -> tuple[float, float] | None:
    """The conventional centre (lat, lon) of the ISO3 country ``code``, or None if unknown."""
    return reference_centres().get(code)


def map_point(code: str, world_path: Path = WORLD_PATH) -> tuple[float, float] | None:
    """The point (lat, lon) inside the country's outline that the map draws, or None where it has no outline."""
    return _map_points(Path(world_path)).get(code)


@functools.cache
def _map_points(world_path: Path) -> dict[str, tuple[float, float]]:
    return load_country_points(world_path)


@functools.cache
def _outlines(world_path: Path) -> dict[str, list[tuple[tuple[float, float, float, float], Any]]]:
    """ISO3 -> the polygons of its outline(s) in the GeoJSON file, each with its bounding box (lon/lat min, max)."""
    outlines: dict[str, list[tuple[tuple[float, float, float, float], Any]]] = {}
    for feature in load_world(world_path).get("features", []):
        code = (feature.get("properties") or {}).get("iso_a3")
        geometry = feature.get("geometry") or {}
        polygons = [geometry["coordinates"]] if geometry.get("type") == "Polygon" else \
            list(geometry.get("coordinates") or []) if geometry.get("type") == "MultiPolygon" else []
        for polygon in polygons:
            if code and polygon and polygon[0]:
                xs, ys = [p[0] for p in polygon[0]], [p[1] for p in polygon[0]]
                outlines.setdefault(code, []).append(((min(xs), min(ys), max(xs), max(ys)), polygon))
    return outlines


def in_country(code: str, latitude: float, longitude: float, *, near_km: float = NEAR_KM,
               world_path: Path = FINE_WORLD_PATH) -> bool:
    """Whether (latitude, longitude) lies in the ISO3 country ``code``: within ``near_km`` of its map point or its
    reference centre, or inside its outline in ``world_path``."""
    points = [p for p in (map_point(code), reference_centre(code)) if p is not None]
    if any(distance(p, (latitude, longitude)).km <= near_km for p in points):
        return True
    return any(x0 <= longitude <= x1 and y0 <= latitude <= y1 and point_in_polygon(longitude, latitude, polygon)
               for (x0, y0, x1, y1), polygon in _outlines(Path(world_path)).get(code, []))
