"""The base map's labels and files: a label inside every outline, the seas, cities by size, a committed table the
script reproduces, and a map that fetches its outlines and labels once instead of carrying them in every update
(except on a read-only install, where they are inline)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import folium
import pandas as pd
import pytest

from dashboard.dataset.loading import load_events
from dashboard.geography.geometry import load_world, point_in_polygon
from dashboard.maps.assets import INLINE
from dashboard.maps.basemap import (
    CAPITAL_MIN_ZOOM,
    INLINE_MAX_MIN_ZOOM,
    KINDS,
    LABELS_PATH,
    MAX_PLACE_LABELS,
    WORLD_50M_PATH,
    Label,
    PlaceLabels,
    city_labels,
    inline_labels,
    labels_json,
    load_labels,
    place_labels,
    place_rows,
    published_files,
    served_urls,
)
from dashboard.maps.mapping import DEFAULT_ASSET_BASE, MapContext, Outlines, build_base_map, outline_json
from dashboard.paths import WORLD_PATH

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_labels.py"
SEAS = ["Sea of Japan", "South China Sea", "East China Sea", "Sea of Okhotsk", "Black Sea", "Baltic Sea",
        "Mediterranean Sea", "Philippine Sea", "Yellow Sea", "Bering Sea", "Arabian Sea", "Caribbean Sea"]
OCEANS = ["Pacific Ocean", "Atlantic Ocean", "Indian Ocean", "Arctic Ocean", "Southern Ocean"]


@pytest.fixture(scope="module")
def labels() -> list[Label]:
    return load_labels()


@pytest.fixture(scope="module")
def world() -> dict:
    return load_world(WORLD_PATH)


@pytest.fixture(scope="module")
def context(world) -> MapContext:
    return MapContext(world=world)


def rendered(group: folium.FeatureGroup) -> str:
    m = folium.Map(tiles=None)
    group.add_to(m)
    return m.get_root().render()


def of_kind(labels: list[Label], kind: str) -> dict[str, list[Label]]:
    found: dict[str, list[Label]] = {}
    for label in labels:
        if label.kind == kind:
            found.setdefault(label.name, []).append(label)
    return found


# ---------------------------------------------------------------- the table


def test_the_build_script_reproduces_the_committed_table():
    spec = importlib.util.spec_from_file_location("build_labels", SCRIPT)
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.labels_text() == LABELS_PATH.read_text(encoding="utf-8")  # else: rerun scripts/build_labels.py


def test_every_outlined_country_has_labels_inside_its_outline(labels, world):
    countries = of_kind(labels, "country")
    names = {feature["properties"]["name"] for feature in world["features"]}
    assert set(countries) == names
    for feature in world["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for label in countries[feature["properties"]["name"]]:
            assert any(point_in_polygon(label.longitude, label.latitude, p) for p in polygons), label


@pytest.mark.parametrize(("name", "points"), [
    ("Japan", 1),
    ("Russia", 3),  # 150° of longitude: European Russia and the Far East get a label point of their own
    ("Canada", 2),
])
def test_wide_countries_get_a_point_in_each_band(labels, name, points):
    same = of_kind(labels, "country")[name]
    assert len(same) == points
    assert same[0].min_zoom == 2 and all(label.min_zoom == 3 for label in same[1:])  # the main point first


@pytest.mark.parametrize(("name", "zoom"), [
    ("Russia", 2), ("China", 2), ("Ukraine", 2),
    ("Japan", 2),  # long and thin: Honshu alone is 16 px across on the whole world
    ("Taiwan", 3),  # a dot on the world, a shape on a continent
    ("Luxembourg", 5),
])
def test_a_country_is_drawn_from_a_zoom_that_fits_its_size(labels, name, zoom):
    assert of_kind(labels, "country")[name][0].min_zoom == zoom


def test_seas_and_oceans_are_labelled(labels):
    seas, oceans = of_kind(labels, "sea"), of_kind(labels, "ocean")
    assert set(SEAS) <= set(seas) and set(OCEANS) <= set(oceans)
    assert len(oceans["Pacific Ocean"]) >= 2  # the widest ocean gets a point on each side of the map
    (japan,) = seas["Sea of Japan"]
    assert (japan.latitude, japan.longitude, japan.min_zoom) == (40.0, 135.0, 3)  # data/regions.csv's point
    assert all(label.min_zoom == 2 for same in oceans.values() for label in same)


def test_rows_are_in_priority_order(labels):
    kinds = [KINDS.index(label.kind) for label in labels]
    assert kinds == sorted(kinds)  # countries, oceans, seas, cities
    countries = [label.rank for label in labels if label.kind == "country"]
    cities = [label.rank for label in labels if label.kind == "city"]
    assert countries == sorted(countries, reverse=True) and cities == sorted(cities, reverse=True)


@pytest.mark.parametrize(("population", "capital", "zoom"), [
    (9_000_000, False, 4),
    (1_000_000, False, 4),  # the threshold itself counts
    (999_999, False, 6),
    (300_000, False, 6),
    (120_000, False, 8),
    (50_000, False, 8),
    (49_999, False, None),  # too small for any zoom: not in the table
    (20_000, True, CAPITAL_MIN_ZOOM),  # a small capital still shows with the large cities
    (2_000_000, True, CAPITAL_MIN_ZOOM),
])
def test_cities_are_drawn_from_a_zoom_by_population(population, capital, zoom):
    city = {"geonameid": 7, "name": "X", "latitude": 1.23456, "longitude": -2.0, "population": population}
    labels = city_labels([city], {7} if capital else set())
    assert [label.min_zoom for label in labels] == ([] if zoom is None else [zoom])
    assert all((label.latitude, label.rank) == (1.235, population) for label in labels)


def test_the_committed_cities_follow_the_thresholds(labels):
    cities = of_kind(labels, "city")
    assert cities["Tokyo"][0].min_zoom == 4 and cities["Kyiv"][0].min_zoom == 4
    assert all(label.rank >= 50_000 or label.min_zoom == CAPITAL_MIN_ZOOM for same in cities.values() for label in same)
    assert 10_000 < sum(map(len, cities.values())) < 15_000


# ---------------------------------------------------------------- the JSON the map reads


def test_labels_json_is_compact_ordered_and_script_safe():
    table = [Label("country", "A</script><b>", 1.0, 2.0, 2, 5), Label("city", "B", 3.0, 4.0, 8, 1)]
    text = labels_json(table)
    assert "</script>" not in text and "\\u003c/script>" in text
    data = json.loads(text)
    assert data == {"kinds": list(KINDS), "labels": [[0, "A</script><b>", 1.0, 2.0, 2], [3, "B", 3.0, 4.0, 8]]}
    assert json.loads(labels_json(table, max_min_zoom=6))["labels"] == [[0, "A</script><b>", 1.0, 2.0, 2]]


def test_published_files_are_the_outlines_and_the_label_table(labels):
    files = published_files()
    assert set(files) == {"basemap/world-110m.json", "basemap/world-50m.json", "basemap/labels.json"}
    assert files["basemap/world-110m.json"] == WORLD_PATH.read_bytes()
    assert files["basemap/world-50m.json"] == WORLD_50M_PATH.read_bytes()
    assert len(json.loads(files["basemap/labels.json"])["labels"]) == len(labels)


def test_served_urls_carry_a_hash_of_each_file():
    urls = served_urls(DEFAULT_ASSET_BASE)
    assert set(urls) == {"outlines", "fine_outlines", "labels"}
    for url in urls.values():
        assert re.fullmatch(re.escape(DEFAULT_ASSET_BASE) + r"basemap/[a-z0-9-]+\.json\?v=[0-9a-f]{12}", url), url


def test_the_finer_outlines_have_every_country_of_the_coarse_ones(world):
    fine = load_world(WORLD_50M_PATH)
    coarse_names = {f["properties"]["name"] for f in world["features"]}
    assert coarse_names <= {f["properties"]["name"] for f in fine["features"]}
    assert WORLD_50M_PATH.stat().st_size < 4_000_000  # fetched once per session, at zoom 5


# ---------------------------------------------------------------- the base map


def test_the_base_map_fetches_its_outlines_and_labels(context):
    script = build_base_map(context).get_root().render()
    for url in served_urls(DEFAULT_ASSET_BASE).values():
        assert json.dumps(url) in script
    assert '"FeatureCollection"' not in script and '"kinds"' not in script  # nothing of them inline
    assert len(script) < 40_000


def test_a_read_only_install_gets_the_coarse_outlines_and_labels_inline(context):
    inline = MapContext(world=context.world, asset_base=INLINE)
    script = build_base_map(inline, outlines=outline_json(context.world)).get_root().render()
    assert outline_json(context.world) in script and inline_labels() in script
    assert "basemap/" not in script  # no file of the static folder is asked for
    assert all(row[4] <= INLINE_MAX_MIN_ZOOM for row in json.loads(inline_labels())["labels"])


def test_outlines_are_given_one_way():
    with pytest.raises(ValueError, match="either inline or as URLs"):
        Outlines()
    with pytest.raises(ValueError, match="either inline or as URLs"):
        Outlines("{}", urls={"outlines": "x"})


# ---------------------------------------------------------------- the dataset's places


def test_place_labels_name_each_place_once_most_frequent_first():
    events = load_events()
    group = place_labels(events)
    (element,) = [child for child in group._children.values() if isinstance(child, PlaceLabels)]
    names = [name for name, _, _ in element.places]
    assert sorted(names) == sorted(set(events["place"]))
    counts = events["place"].value_counts()
    assert [counts[name] for name in names] == sorted(counts[name] for name in names)[::-1]
    assert "L.placeLabels(" in rendered(group)


def test_place_labels_of_no_event_draw_nothing_and_many_are_capped():
    assert not place_labels(load_events().iloc[:0])._children
    many = pd.DataFrame({"place": [f"P{i}" for i in range(MAX_PLACE_LABELS + 50)], "latitude": 1.0,
                         "longitude": 2.0})
    (element,) = place_labels(many)._children.values()
    assert len(element.places) == MAX_PLACE_LABELS


def test_a_place_name_cannot_end_the_script():
    events = pd.DataFrame({"place": ["</script><script>alert(1)</script>"], "latitude": [1.0], "longitude": [2.0]})
    assert "<script>alert" not in rendered(place_labels(events))


def test_a_place_named_only_by_its_coordinates_gets_no_label():
    events = load_events().head(3).assign(place=["48.8566, 2.3522", "-33.9,151.2", "Kyiv"])
    assert [name for name, _, _ in place_rows(events)] == ["Kyiv"]
