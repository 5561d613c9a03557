"""Tests for scripts/build_division_points.py and the committed data/division_points.csv (offline: no npm)."""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pycountry
import pytest

from dashboard.geography.geometry import point_in_polygon

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_division_points.py"
COMMITTED = ROOT / "data" / "division_points.csv"


@pytest.fixture(scope="module")
def bd() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("build_division_points", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(SCRIPT.parent))  # the script puts its folder first to import its sibling


def _topology(*states: tuple[str, str, list[list[int]]]) -> dict:
    """A TopoJSON topology without transform: one arc per state, the ring as absolute lon/lat positions."""
    return {"type": "Topology", "arcs": [ring for _, _, ring in states],
            "objects": {"states": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "id": fips, "properties": {"name": name}, "arcs": [[k]]}
                for k, (fips, name, _) in enumerate(states)]}}}


# An L-shaped "state": its area centroid (-76.3, 41.2) lies outside, so the scan-line fallback is used.
L_SHAPE = [[-80, 40], [-70, 40], [-70, 41], [-79, 41], [-79, 45], [-80, 45], [-80, 40]]
SQUARE = [[-77.2, 38.8], [-76.9, 38.8], [-76.9, 39.0], [-77.2, 39.0], [-77.2, 38.8]]


def test_rows_are_points_inside_each_outline(bd: ModuleType):
    collection = bd.state_features(_topology(("36", "New York", L_SHAPE), ("11", "District of Columbia", SQUARE)))
    rows = bd.rows(collection)
    assert [(r["iso3166_2"], r["name"]) for r in rows] == [("US-DC", "District of Columbia"), ("US-NY", "New York")]
    for row, ring in zip(rows, (SQUARE, L_SHAPE), strict=True):
        assert point_in_polygon(float(row["longitude"]), float(row["latitude"]), [ring])
        assert "us-atlas" in row["source"]
    assert bd.to_csv(rows).splitlines()[0] == ",".join(bd.FIELDS)


def test_a_state_without_postal_code_is_an_error(bd: ModuleType):
    with pytest.raises(ValueError, match="FIPS id '99'"):
        bd.state_features(_topology(("99", "Nowhere", SQUARE)))


def test_committed_file():
    with COMMITTED.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = [row["iso3166_2"] for row in rows]
    assert codes == sorted(set(codes)) and len(codes) == 56  # 50 states, DC and 5 territories
    assert all(pycountry.subdivisions.get(code=code) is not None for code in codes)
    for row in rows:
        lat, lon = float(row["latitude"]), float(row["longitude"])
        assert -15 < lat < 72 and (-180 <= lon < -64 or 144 < lon <= 180), row
