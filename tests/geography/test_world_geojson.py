"""Tests for scripts/build_world_geojson.py and the committed data/world.geojson (offline: no npm)."""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dashboard.geography.geometry import country_label_points

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_world_geojson.py"
WORLD = ROOT / "data" / "world.geojson"

MAJOR = ["RUS", "CHN", "UKR", "BLR", "TWN", "JPN", "USA", "IND", "KAZ", "KGZ", "TJK", "NIC"]


@pytest.fixture(scope="module")
def bw() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_world_geojson", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    return json.loads(WORLD.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- independent geometry helpers


def signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2.0


def inside_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def polygons(geometry: dict[str, Any]) -> list[list[list[list[float]]]]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def inside_geometry(lat: float, lon: float, geometry: dict[str, Any]) -> bool:
    return any(
        inside_ring(lon, lat, poly[0]) and not any(inside_ring(lon, lat, hole) for hole in poly[1:])
        for poly in polygons(geometry)
    )


# ---------------------------------------------------------------- a tiny hand-made topology
#
# Quantized grid (transform: x = qx * 0.5 + 10, y = qy * 0.25 + 20):
#
#   D(0,4) --- C(4,4) --- F(8,4)        arc 0: B -> C (shared)
#     |   west   |   east   |            arc 1: B -> A -> D -> C
#   A(0,0) --- B(4,0) --- E(8,0)        arc 2: C -> F -> E -> B
#
# "West" is ring [1, ~0] and "east" is ring [0, 2]; both are clockwise as given (d3 convention).
# "East" also has a second part: a square (arc 3, counterclockwise) with a square hole (arc 4,
# counterclockwise too, so it must be flipped). Arc 5 is a triangle without an id (Kosovo).

TINY: dict[str, Any] = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[4, 0], [0, 4]],
        [[4, 0], [-4, 0], [0, 4], [4, 0]],
        [[4, 4], [4, 0], [0, -4], [-4, 0]],
        [[20, 0], [8, 0], [0, 8], [-8, 0], [0, -8]],
        [[22, 2], [4, 0], [0, 4], [-4, 0], [0, -4]],
        [[40, 0], [4, 0], [-2, 4], [-2, -4]],
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[1, -1]], "id": "112", "properties": {"name": "West"}},
                {
                    "type": "MultiPolygon",
                    "arcs": [[[0, 2]], [[3], [4]]],
                    "id": "804",
                    "properties": {"name": "East"},
                },
                {"type": None, "id": "999", "properties": {"name": "Nowhere"}},
                {"type": "Polygon", "arcs": [[5]], "properties": {"name": "Kosovo"}},
            ],
        }
    },
}


@pytest.fixture()
def tiny(bw: ModuleType) -> dict[str, Any]:
    return bw.topology_to_geojson(json.loads(json.dumps(TINY)), precision=None)


def test_decode_arcs_dequantizes_and_undoes_delta_encoding(bw: ModuleType) -> None:
    arcs = bw.decode_arcs(TINY)
    assert arcs[0] == [(12.0, 20.0), (12.0, 21.0)]
    assert arcs[1] == [(12.0, 20.0), (10.0, 20.0), (10.0, 21.0), (12.0, 21.0)]
    assert arcs[2][-1] == (12.0, 20.0)


def test_decode_arcs_without_transform_is_absolute(bw: ModuleType) -> None:
    assert bw.decode_arcs({"arcs": [[[1, 2], [3, 4]]]}) == [[(1.0, 2.0), (3.0, 4.0)]]


def test_reversed_arc_and_shared_junction_points(tiny: dict[str, Any]) -> None:
    west = tiny["features"][0]["geometry"]
    assert west["type"] == "Polygon"
    ring = west["coordinates"][0]
    # B A D C (arc 1) then ~0 = C B; the junction C appears once; oriented CCW by reversal.
    assert len(ring) == 5 and ring[0] == ring[-1]
    assert {tuple(p) for p in ring} == {(10.0, 20.0), (12.0, 20.0), (12.0, 21.0), (10.0, 21.0)}
    assert signed_area(ring) == pytest.approx(2.0)


def test_multipolygon_with_hole_and_ring_orientation(tiny: dict[str, Any]) -> None:
    east = tiny["features"][1]["geometry"]
    assert east["type"] == "MultiPolygon"
    first, second = east["coordinates"]
    assert len(first) == 1 and signed_area(first[0]) == pytest.approx(2.0)
    assert {tuple(p) for p in first[0]} == {(12.0, 20.0), (14.0, 20.0), (14.0, 21.0), (12.0, 21.0)}
    exterior, hole = second
    assert signed_area(exterior) == pytest.approx(4.0 * 2.0)  # 4 x 2 degrees, counterclockwise
    assert signed_area(hole) == pytest.approx(-2.0 * 1.0)  # holes clockwise (RFC 7946 3.1.6)


def test_properties_null_geometry_and_missing_id(tiny: dict[str, Any]) -> None:
    props = [f["properties"] for f in tiny["features"]]
    assert props == [
        {"iso_a3": "BLR", "name": "West"},
        {"iso_a3": "UKR", "name": "East"},
        {"iso_a3": "XKX", "name": "Kosovo"},  # no numeric id: explicit mapping; null geometry skipped
    ]


def test_rounding_to_three_decimals(bw: ModuleType) -> None:
    topo = {
        "arcs": [[[0.12345, -0.00001], [1.00049, 0.0], [1.0, 1.0], [0.12345, -0.00001]]],
        "objects": {"c": {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Kosovo"}}},
    }
    ring = bw.topology_to_geojson(topo, object_name="c")["features"][0]["geometry"]["coordinates"][0]
    assert [0.123, 0.0] in ring and [1.0, 0.0] in ring
    assert all(math.copysign(1.0, c) == 1.0 for p in ring for c in p if c == 0)  # no "-0.0"


def test_antimeridian_crossing_polygon_is_cut(bw: ModuleType) -> None:
    ring = [(170.0, 0.0), (-170.0, 0.0), (-170.0, 10.0), (170.0, 10.0)]
    pieces = bw.cut_antimeridian(ring)
    assert len(pieces) == 2
    spans = sorted((min(x for x, _ in p), max(x for x, _ in p)) for p in pieces)
    assert spans == [(-180.0, -170.0), (170.0, 180.0)]
    assert all(abs(bw.ring_signed_area(p)) == pytest.approx(100.0) for p in pieces)


def test_antimeridian_concave_polygon_gives_separate_pieces(bw: ModuleType) -> None:
    # A "C" open to the east (unwrapped: [170, 190] x [0, 10] minus the notch [175, 190] x [2, 8])
    # whose two arms cross the antimeridian: the -180 side gets two disconnected pieces.
    ring = [(170, 0), (-170, 0), (-170, 2), (175, 2), (175, 8), (-170, 8), (-170, 10), (170, 10)]
    pieces = bw.cut_antimeridian([(float(x), float(y)) for x, y in ring])
    west = [p for p in pieces if min(x for x, _ in p) < 0]
    east = [p for p in pieces if min(x for x, _ in p) >= 0]
    assert sorted(bw.ring_signed_area(p) for p in west) == pytest.approx([20.0, 20.0])
    assert [bw.ring_signed_area(p) for p in east] == pytest.approx([100.0 - 30.0])


@pytest.mark.parametrize(
    "ring",
    [
        [(-180.0, -70.0), (180.0, -70.0), (60.0, -70.0), (-60.0, -70.0)],  # seam point, as in world-atlas
        [(-120.0, -70.0), (0.0, -70.0), (120.0, -70.0)],  # eastwards, crossing mid-edge
        [(120.0, -70.0), (0.0, -70.0), (-120.0, -70.0)],  # westwards
    ],
)
def test_ring_around_a_pole_is_closed_along_the_pole(bw: ModuleType, ring: list[tuple[float, float]]) -> None:
    pieces = bw.cut_antimeridian(ring)
    assert all(bw.ring_signed_area(p) > 0 for p in pieces)
    assert sum(bw.ring_signed_area(p) for p in pieces) == pytest.approx(360.0 * 20.0)  # the band -90..-70
    assert min(y for p in pieces for _, y in p) == -90.0
    xs = [x for p in pieces for x, _ in p]
    assert min(xs) == -180.0 and max(xs) == 180.0


def test_geometry_crossing_antimeridian_becomes_multipolygon(bw: ModuleType) -> None:
    topo = {
        "arcs": [[[170, 60], [-170, 60], [-170, 70], [170, 70], [170, 60]]],
        "objects": {"c": {"type": "Polygon", "arcs": [[0]], "id": "643", "properties": {"name": "R"}}},
    }
    geometry = bw.topology_to_geojson(topo, object_name="c")["features"][0]["geometry"]
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    for poly in geometry["coordinates"]:
        ring = poly[0]
        assert ring[0] == ring[-1] and signed_area(ring) > 0
        assert all(abs(b[0] - a[0]) <= 180 for a, b in itertools.pairwise(ring))


def test_dumps_is_json_with_one_feature_per_line(bw: ModuleType, tiny: dict[str, Any]) -> None:
    text = bw.dumps_feature_collection(tiny)
    assert json.loads(text) == tiny
    assert len(text.splitlines()) == len(tiny["features"]) + 2
    assert ": " not in text and ", " not in text


def test_label_point_falls_back_inside_concave_polygon(bw: ModuleType) -> None:
    # A thin "U": the centroid of the ring lies in the notch, outside the polygon.
    u = [[0, 0], [10, 0], [10, 10], [9, 10], [9, 1], [1, 1], [1, 10], [0, 10], [0, 0]]
    square = [[20, 20], [22, 20], [22, 22], [20, 22], [20, 20]]
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso_a3": "AAA"},
                "geometry": {"type": "Polygon", "coordinates": [u]},
            },
            {
                "type": "Feature",
                "properties": {"iso_a3": "BBB"},
                "geometry": {"type": "Polygon", "coordinates": [square]},
            },
            {
                "type": "Feature",
                "properties": {"iso_a3": ""},
                "geometry": {"type": "Polygon", "coordinates": [square]},
            },
        ],
    }
    points = country_label_points(fc)
    assert set(points) == {"AAA", "BBB"}
    assert points["BBB"] == pytest.approx((21.0, 21.0))
    lat, lon = points["AAA"]
    assert inside_ring(lon, lat, u)


# ---------------------------------------------------------------- the committed data/world.geojson


def test_world_is_a_feature_collection(world: dict[str, Any]) -> None:
    assert world["type"] == "FeatureCollection"
    assert len(world["features"]) >= 170
    assert all(
        f["type"] == "Feature" and set(f["properties"]) == {"iso_a3", "name"} for f in world["features"]
    )


def test_world_file_has_one_feature_per_line(world: dict[str, Any]) -> None:
    lines = WORLD.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(world["features"]) + 2
    assert all(line.startswith('{"type":"Feature"') for line in lines[1:-1])


def test_world_geometries_are_valid(world: dict[str, Any]) -> None:
    for feature in world["features"]:
        geometry = feature["geometry"]
        name = feature["properties"]["name"]
        assert geometry["type"] in {"Polygon", "MultiPolygon"}, name
        for poly in polygons(geometry):
            for i, ring in enumerate(poly):
                assert len(ring) >= 4 and ring[0] == ring[-1], name
                for lon, lat in ring:
                    assert -180 <= lon <= 180 and -90 <= lat <= 90, name
                # RFC 7946: exterior counterclockwise, holes clockwise.
                assert (signed_area(ring) > 0) == (i == 0), name
                # Cut at the antimeridian: no edge jumps across the map, except Antarctica's
                # closing edge along the South Pole itself.
                for a, b in itertools.pairwise(ring):
                    assert abs(b[0] - a[0]) <= 180 or abs(a[1]) == abs(b[1]) == 90, name


def test_world_iso_codes(world: dict[str, Any]) -> None:
    codes = [f["properties"]["iso_a3"] for f in world["features"]]
    for iso in MAJOR:
        assert iso in codes, iso
    non_empty = [c for c in codes if c]
    assert len(non_empty) == len(set(non_empty))
    assert all(len(c) == 3 and c.isupper() for c in non_empty)


def test_world_label_points(bw: ModuleType, world: dict[str, Any]) -> None:
    points = country_label_points(world)
    by_iso = {
        f["properties"]["iso_a3"]: f["geometry"] for f in world["features"] if f["properties"]["iso_a3"]
    }
    assert set(points) == set(by_iso)
    for iso in ["RUS", "CHN", "BLR", "UKR", "TWN", "USA", "IND", "JPN"]:
        lat, lon = points[iso]
        assert inside_geometry(lat, lon, by_iso[iso]), iso
    for iso, (lat, lon) in points.items():  # not only the big ones: every country
        assert inside_geometry(lat, lon, by_iso[iso]), iso
    lat, lon = points["BLR"]
    assert abs(lat - 53.7) <= 1.0 and abs(lon - 28.0) <= 1.0
    lat, lon = points["USA"]
    assert 30 < lat < 45 and -110 < lon < -85  # the contiguous states, not Alaska
