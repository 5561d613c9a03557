"""The app's page for a queried dataset (AppTest): a folder of the engine's layout opens on its own page, the
filters change the count and the map, the map shows cells at the world's scale and the events when zoomed in,
and a selected event gets its popup and panel, all asked of the engine (DuckDB) instead of a loaded frame."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.dataset.synthetic import loaded_events, synthetic_chunks
from dashboard.engine import Bounds, FilterSpec, PandasStore
from dashboard.engine.layout import engine_table, write_engine_dataset
from dashboard.maps.cellmap import EVENTS_LIMIT, View, map_layers, query_bounds, reported_view
from dashboard.maps.mapping import MapContext
from dashboard.ui.engine_page import MAP_KEY, SELECTED_KEY, is_engine_dataset
from tests.ui.test_app import APP, component_args

N = 6_000


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return loaded_events(next(synthetic_chunks(N, seed=5)))


@pytest.fixture(scope="module")
def folder(frame, tmp_path_factory):
    return write_engine_dataset([engine_table(frame)], tmp_path_factory.mktemp("engine") / "events")


@pytest.fixture
def page(folder, monkeypatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_EVENTS", str(folder))
    monkeypatch.delenv("DASHBOARD_ENGINE", raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def cells_payload(at: AppTest) -> dict | None:
    """The cells the map was sent (the JSON given to NewsEngineCells), or None if it was sent none."""
    layers = component_args(at)["feature_group"]
    marker = "window.NewsEngineCells("
    if marker not in layers:
        return None
    return json.JSONDecoder().raw_decode(layers[layers.index(marker) + len(marker):])[0]


def report_view(at: AppTest, south: float, west: float, north: float, east: float, zoom: int) -> None:
    """What streamlit-folium reports after the reader moves the map."""
    at.session_state[MAP_KEY] = {"bounds": {"_southWest": {"lat": south, "lng": west},
                                            "_northEast": {"lat": north, "lng": east}}, "zoom": zoom}


def test_an_engine_folder_is_detected(folder, tmp_path):
    assert is_engine_dataset(str(folder)) and is_engine_dataset("table:analytics.events")
    assert not is_engine_dataset(str(tmp_path)) and not is_engine_dataset(None)


def test_the_page_opens_on_cells_of_the_whole_dataset(page, frame):
    assert metrics(page)["Events"] == f"{N:,}" and metrics(page)["Dataset"] == f"{N:,}"
    cells = cells_payload(page)
    assert cells is not None and sum(cells["n"]) == N  # the world's view holds every event
    assert len(cells["n"]) < 300 and "NewsFastEvents" not in component_args(page)["feature_group"]
    assert len(json.dumps(component_args(page)["feature_group"])) < 30_000  # bounded by the screen
    assert any("KB sent to the browser" in c.value for c in page.caption)


def test_filters_change_the_count_and_the_cells(page, frame):
    page.multiselect(key="countries").set_value(["UKR"]).run()
    expected = len(FilterSpec.of(countries=["UKR"]).apply(frame))
    assert 0 < expected < N
    assert metrics(page)["Events"] == f"{expected:,}"
    assert metrics(page)["In view"] == f"{expected:,}"  # the world's view: every filtered event
    assert expected <= EVENTS_LIMIT and "NewsFastEvents" in component_args(page)["feature_group"]  # few: each drawn
    page.multiselect(key="types").set_value(["diplomatic_visit"]).run()
    both = len(FilterSpec.of(countries=["UKR"], event_types=["diplomatic_visit"]).apply(frame))
    assert metrics(page)["Events"] == f"{both:,}" and both < expected
    page.text_input(key="text").set_value("zzzz nothing like it").run()
    assert metrics(page)["Events"] == "0" and any("No events match" in i.value for i in page.info)


def test_zooming_in_draws_the_events_themselves(page, frame):
    place = frame["place"].value_counts().index[0]
    lat, lon = frame.loc[frame["place"] == place, ["latitude", "longitude"]].iloc[0]
    report_view(page, lat - 0.05, lon - 0.1, lat + 0.05, lon + 0.1, 12)
    page.run()
    assert not page.exception, page.exception
    layers = component_args(page)["feature_group"]
    assert "NewsFastEvents" in layers and cells_payload(page) is None
    in_view = int(metrics(page)["In view"].replace(",", ""))
    assert in_view >= (frame["place"] == place).sum()
    assert any("events drawn one by one" in c.value for c in page.caption)


def test_a_selected_event_gets_its_popup_and_panel(page, frame):
    row = frame.iloc[17]
    page.session_state[SELECTED_KEY] = (row["event_id"], row["start_date"].date())
    page.run()
    layers = component_args(page)["feature_group"]
    assert "event-popup" in layers and row["event_id"] in layers
    texts = [t.value for t in page.text]
    assert row["title"] in texts and any(row["event_id"] in t for t in texts)


def test_map_layers_follow_the_view(frame):
    store, context = PandasStore(frame), MapContext(world={"type": "FeatureCollection", "features": []})
    world, info = map_layers(store, FilterSpec(), View(Bounds.world(), 2), context)
    assert info["mode"] == "cells" and info["in_view"] == N and len(world) == 5
    lat, lon = frame[["latitude", "longitude"]].iloc[0]
    near = View(Bounds(lat - 0.01, lon - 0.01, lat + 0.01, lon + 0.01), 14)
    _, info = map_layers(store, FilterSpec(), near, context)
    assert info["mode"] == "events" and 0 < info["shown"] <= EVENTS_LIMIT
    assert set(info["days"]) <= set(frame["event_id"])


def test_the_query_view_is_padded_and_snapped():
    bounds = {"_southWest": {"lat": 40.1, "lng": 20.3}, "_northEast": {"lat": 50.2, "lng": 40.7}}
    view = reported_view({"bounds": bounds, "zoom": 5})
    assert view == View(Bounds(40.1, 20.3, 50.2, 40.7), 5)
    wide = query_bounds(view)
    assert wide.west < 20.3 - 5 and wide.east > 40.7 + 5 and wide.south < 40.1 and wide.north > 50.2
    assert query_bounds(View(Bounds(40.12, 20.31, 50.2, 40.7), 5)) == wide  # a tiny pan: the same query
    assert reported_view({"bounds": {"_southWest": {"lat": None, "lng": None}}, "zoom": 2}) is None


def test_files_added_by_an_import_show_at_once(folder, frame, tmp_path, monkeypatch):
    import shutil

    copy = shutil.copytree(folder, tmp_path / "events")
    monkeypatch.setenv("DASHBOARD_EVENTS", str(copy))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert metrics(at)["Dataset"] == f"{N:,}"
    more = frame.head(500).assign(event_id=lambda f: "new-" + f["event_id"])
    staging = write_engine_dataset([engine_table(more)], tmp_path / "staging")
    for file in staging.glob("year=*/*.parquet"):  # as the import moves its files in
        target = copy / file.parent.name / f"part-later-{file.name}"
        target.parent.mkdir(exist_ok=True)
        shutil.move(file, target)
        target.parent.touch()  # a folder's time moves when a file is added; said here for coarse clocks
    at.run()
    assert metrics(at)["Dataset"] == f"{N + 500:,}" and metrics(at)["Events"] == f"{N + 500:,}"
