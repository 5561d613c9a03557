"""Two points per country (the map's, inside the outline, and the conventional centre) and ``in_country``."""

from __future__ import annotations

import pytest
from geopy.distance import distance

from dashboard.dataset.schema import LocationPrecision
from dashboard.geography.country_points import in_country, map_point, reference_centre, reference_centres
from dashboard.geography.gazetteer import OfflineGazetteer
from dashboard.geography.geometry import load_world, point_in_polygon
from dashboard.paths import WORLD_PATH


@pytest.mark.parametrize(("code", "centre"), [
    ("CHN", (35.0, 105.0)),  # the conventional centres other gazetteers give
    ("CAN", (60.0, -95.0)),
    ("RUS", (60.0, 100.0)),
])
def test_reference_centres(code: str, centre: tuple[float, float]):
    assert reference_centre(code) == centre


def test_every_country_with_an_outline_has_both_points():
    codes = {f["properties"]["iso_a3"] for f in load_world(WORLD_PATH)["features"]} - {""}
    missing = sorted(c for c in codes if reference_centre(c) is None or map_point(c) is None)
    assert missing == []
    assert len(reference_centres()) >= 240


def test_the_map_point_lies_inside_the_outline_and_the_centre_need_not():
    [philippines] = [f for f in load_world(WORLD_PATH)["features"] if f["properties"]["iso_a3"] == "PHL"]
    polygons = philippines["geometry"]["coordinates"]
    lat, lon = map_point("PHL")
    assert any(point_in_polygon(lon, lat, p) for p in polygons)
    lat, lon = reference_centre("PHL")  # 13° N 122° E: the Sibuyan Sea, on the map's outline
    assert not any(point_in_polygon(lon, lat, p) for p in polygons)


@pytest.mark.parametrize(("code", "point", "inside"), [
    ("USA", (33.0, -83.5), True),  # Georgia, the state
    ("GEO", (33.0, -83.5), False),  # ... is not in Georgia, the country
    ("GEO", (42.0, 43.5), True),
    ("IDN", (-5.0, 120.0), True),  # the centre at sea counts: within 161 km of one of the points
    ("HKG", (22.3, 114.17), True),  # small: in its fine outline or near its points
    ("FRA", (40.4, -3.7), False),  # Madrid
    ("XXX", (0.0, 0.0), False),  # an unknown code is no country
])
def test_in_country(code: str, point: tuple[float, float], inside: bool):
    assert in_country(code, *point) is inside


def test_in_country_near_km_is_the_only_tolerance():
    # 33 km off the Philippines' centre, at sea: in the country only by the distance to its centre.
    assert in_country("PHL", 13.0, 122.3) and not in_country("PHL", 13.0, 122.3, near_km=0)


def test_gazetteer_country_centre_beside_the_map_point():
    gazetteer = OfflineGazetteer()
    inside, centre = gazetteer.country("China"), gazetteer.country_centre("China")
    assert centre is not None and inside is not None
    assert (centre.latitude, centre.longitude, centre.country) == (35.0, 105.0, "CHN")
    assert centre.precision == inside.precision == LocationPrecision.COUNTRY
    assert "conventional centre" in centre.source
    assert distance((inside.latitude, inside.longitude), (centre.latitude, centre.longitude)).km > 100
    assert gazetteer.country_centre("China", "JPN") is None
    assert gazetteer.country_centre("Narnia") is None
