"""Lines and sizes on the map: great circles from capitals to events, cut at the antimeridian for a map of one
world, and the radius of each country for events known only to country level."""

from __future__ import annotations

import itertools
import math

import pytest

from dashboard.geography.geometry import country_radius_km, great_circle, load_world, split_at_antimeridian
from dashboard.paths import WORLD_PATH

MOSCOW, MINSK, MANAGUA = (55.75204, 37.61781), (53.90019, 27.56653), (12.13282, -86.2504)
FAR_EAST = (62.0, 135.0)  # the Russian Far East in places.csv
EARTH_KM = 6371.0


@pytest.fixture(scope="module")
def radii() -> dict[str, float]:
    return country_radius_km(load_world(WORLD_PATH))


def km(a: list[float] | tuple[float, float], b: list[float] | tuple[float, float]) -> float:
    """Haversine distance, independent of the code under test."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def rounded(point: tuple[float, float]) -> list[float]:
    return [round(point[0], 4), round(point[1], 4)]


# ---------------------------------------------------------------- great_circle

LINES = [
    (MOSCOW, MINSK),  # short, west-bound
    (MANAGUA, FAR_EAST),  # over the Arctic and across the antimeridian
    ((0.0, 170.0), (0.0, -170.0)),  # along the equator, east across ±180
    ((-33.87, 151.21), (37.77, -122.42)),  # Sydney to San Francisco
    ((38.89511, -77.03637), (25.05306, 121.52639)),  # Washington to Taipei, over Alaska
    ((10.0, 20.0), (-9.0, -158.0)),  # two degrees from antipodal: still one well-defined path
]


@pytest.mark.parametrize(("start", "end"), LINES)
def test_great_circle_ends_exactly_at_its_endpoints(start, end):
    points = great_circle(start, end)
    assert len(points) == 33
    assert points[0] == rounded(start)
    assert points[-1][0] == round(end[0], 4)
    turns = (points[-1][1] - end[1]) / 360  # the same meridian, possibly unwrapped by a whole turn
    assert turns == pytest.approx(round(turns), abs=1e-6)


@pytest.mark.parametrize(("start", "end"), LINES)
def test_great_circle_longitudes_are_continuous(start, end):
    points = great_circle(start, end)
    assert all(abs(b[1] - a[1]) < 180 for a, b in itertools.pairwise(points))


@pytest.mark.parametrize(("start", "end"), LINES)
def test_great_circle_points_lie_on_the_shortest_path_evenly_spaced(start, end):
    points = great_circle(start, end)
    total = km(start, end)
    for point in points:
        assert km(start, point) + km(point, end) == pytest.approx(total, abs=1.0)  # on the path, no detour
    steps = [km(a, b) for a, b in itertools.pairwise(points)]
    assert max(steps) - min(steps) < 1.0
    assert sum(steps) == pytest.approx(total, abs=1.0)


@pytest.mark.parametrize("steps", [1, 2, 7, 100])
def test_great_circle_step_count(steps):
    points = great_circle(MOSCOW, MINSK, steps=steps)
    assert len(points) == steps + 1 and points[0] == rounded(MOSCOW) and points[-1] == rounded(MINSK)


def test_great_circle_between_identical_points_stays_put():
    assert great_circle(MOSCOW, MOSCOW, steps=4) == [rounded(MOSCOW)] * 5
    assert split_at_antimeridian(great_circle(MOSCOW, MOSCOW)) == [great_circle(MOSCOW, MOSCOW)]


# ---------------------------------------------------------------- split_at_antimeridian


def assert_pieces_are_one_world(pieces: list[list[list[float]]]) -> None:
    for piece in pieces:
        assert len(piece) > 1
        assert all(-180 <= lon <= 180 for _, lon in piece)
        assert all(abs(b[1] - a[1]) < 180 for a, b in itertools.pairwise(piece))  # no jump across the map
    for first, second in itertools.pairwise(pieces):  # consecutive pieces meet on the antimeridian
        assert abs(first[-1][1]) == abs(second[0][1]) == 180 and first[-1][1] == -second[0][1]
        assert first[-1][0] == second[0][0]


def test_managua_to_the_far_east_is_cut_once_at_the_antimeridian():
    pieces = split_at_antimeridian(great_circle(MANAGUA, FAR_EAST))
    assert len(pieces) == 2
    assert_pieces_are_one_world(pieces)
    west, east = pieces
    assert (west[-1][1], east[0][1]) == (-180.0, 180.0)  # leaves the map west, comes back east
    assert west[0] == rounded(MANAGUA) and east[-1] == rounded(FAR_EAST)
    assert 60 < west[-1][0] < 80  # crosses the Bering Strait region, not the equator


@pytest.mark.parametrize(
    ("start", "end", "exit_lon"),
    [
        ((0.0, 170.0), (0.0, -170.0), 180.0),  # eastward: exits at +180, re-enters at -180
        ((0.0, -170.0), (0.0, 170.0), -180.0),  # westward: the mirror image
        ((-33.87, 151.21), (37.77, -122.42), 180.0),  # Sydney to San Francisco
        ((38.89511, -77.03637), (25.05306, 121.52639), -180.0),  # Washington to Taipei, westward over Alaska
    ],
)
def test_crossing_direction_decides_the_side(start, end, exit_lon):
    pieces = split_at_antimeridian(great_circle(start, end))
    assert len(pieces) == 2 and pieces[0][-1][1] == exit_lon
    assert_pieces_are_one_world(pieces)
    assert pieces[0][0] == rounded(start) and pieces[-1][-1] == rounded(end)


def test_a_crossing_point_is_interpolated_between_its_neighbours():
    pieces = split_at_antimeridian([[10.0, 170.0], [20.0, 190.0]])
    assert pieces == [[[10.0, 170.0], [15.0, 180.0]], [[15.0, -180.0], [20.0, -170.0]]]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (MOSCOW, MINSK),  # a short line is one piece, unchanged
        (MOSCOW, FAR_EAST),  # 98 degrees of longitude, all east of Greenwich
    ],
)
def test_a_line_that_does_not_cross_is_one_piece(start, end):
    line = great_circle(start, end)
    assert split_at_antimeridian(line) == [line]


def test_longitudes_unwrapped_by_whole_turns_come_back_into_range():
    assert split_at_antimeridian([[0.0, 370.0], [1.0, 375.0]]) == [[[0.0, 10.0], [1.0, 15.0]]]


# ---------------------------------------------------------------- country_radius_km


def test_belarus_radius_matches_its_area(radii):
    assert radii["BLR"] == pytest.approx(math.sqrt(207_600 / math.pi), rel=0.10)  # 207,600 km²: about 257 km


def test_radii_order_by_size(radii):
    assert radii["RUS"] > radii["USA"] > radii["UKR"] > radii["BLR"] > radii["TWN"]


def test_every_outlined_country_has_a_positive_radius(radii):
    world = load_world(WORLD_PATH)
    codes = {feature["properties"]["iso_a3"] for feature in world["features"]} - {""}
    assert set(radii) == codes  # features without a code are skipped
    assert all(r > 0 for r in radii.values())


def square(code: str, lat: float, lon: float, size: float = 1.0) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Feature", "properties": {"iso_a3": code}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.mark.parametrize(
    ("features", "code", "expected"),
    [
        ([square("AAA", -0.5, 0)], "AAA", 111.32 / math.sqrt(math.pi)),  # one square degree at the equator
        ([square("AAA", 59.5, 0)], "AAA", 111.32 * math.sqrt(0.5 / math.pi)),  # at 60°N it is half as large
        ([square("AAA", -0.5, 0, size=2)], "AAA", 2 * 111.32 / math.sqrt(math.pi)),  # twice as wide: twice r
    ],
)
def test_radius_of_synthetic_countries(features, code, expected):
    assert country_radius_km({"type": "FeatureCollection", "features": features})[code] == pytest.approx(
        expected, rel=0.01)


def test_the_parts_of_a_country_add_up():
    # A MultiPolygon's parts (islands, the halves of a country cut at ±180) count together.
    parts = [square("AAA", -0.5, 0)["geometry"]["coordinates"], square("AAA", -0.5, 10)["geometry"]["coordinates"]]
    feature = {"type": "Feature", "properties": {"iso_a3": "AAA"},
               "geometry": {"type": "MultiPolygon", "coordinates": parts}}
    radius = country_radius_km({"type": "FeatureCollection", "features": [feature]})["AAA"]
    assert radius == pytest.approx(111.32 * math.sqrt(2 / math.pi), rel=0.01)


def test_features_without_a_code_or_area_are_skipped():
    empty = {"type": "Feature", "properties": {"iso_a3": "BBB"}, "geometry": None}
    assert country_radius_km({"features": [square("", 0, 0), empty]}) == {}
