"""The map's layer control: it names every event layer the map builds, and its script carries the views, the
hidden layers, the URL's view, the selected event and the reports the app reads back (the browser tests run
it: tests/browser/test_view_layers_browser.py and test_selection_browser.py)."""

from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest
from streamlit_folium import _get_layer_control_string

from dashboard.dataset.loading import load_events
from dashboard.maps.controls import (
    HIDDEN_KEY,
    LAYER_IDS,
    LAYERS,
    LEGEND_ROOM_PX,
    SELECT_PRECISE_ZOOM,
    VIEW_KEY,
    VIEW_REPORT_MS,
    VIEW_WIDTHS_PX,
    ViewLayerControl,
    first_views,
)
from dashboard.maps.fastmap import build_fast_layers
from dashboard.maps.mapping import LEGEND_OPEN_MIN_WIDTH, MapContext, build_event_layers, data_view


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def control_script(control: ViewLayerControl, layers: list[folium.FeatureGroup]) -> str:
    """The script streamlit-folium evaluates after the layers, built as it builds it."""
    m = folium.Map()
    for layer in layers:
        layer.add_to(m)
    return _get_layer_control_string(control, m)


def call_arguments(script: str) -> list:
    """The JSON arguments the control's function is called with: layer ids, hidden ids, views, memory key, the
    URL's view, the selected event and the options of a move to it."""
    match = re.search(r"\}\)\(map_div, layer_control_layer_control, (.*)\);\s*window.layer_control", script, re.S)
    return json.loads(f"[{match.group(1)}]")


@pytest.mark.parametrize("build", [build_event_layers, build_fast_layers])
def test_every_event_layer_is_remembered(events, build):
    # A renamed layer would silently stop being remembered (and drop out of the URL).
    names = {layer.layer_name for layer in build(events, MapContext(world={"features": []}))}
    assert names and names <= set(LAYER_IDS)
    assert set(LAYER_IDS.values()) == set(LAYERS)


def test_the_script_carries_views_hidden_layers_and_the_report(events):
    views = [(width, data_view(events, width_px=width)) for width in VIEW_WIDTHS_PX]
    control = ViewLayerControl(views=reversed(views), hidden=["lines", "lines"], memory="news-map-1")
    script = control_script(control, build_event_layers(events, MapContext(world={"features": []})))
    ids, hidden, carried, memory, at, selected, _ = call_arguments(script)
    assert ids == LAYER_IDS and hidden == ["lines"] and memory == "news-map-1" and at is selected is None
    assert carried == [[width, list(centre), zoom] for width, (centre, zoom) in views]  # narrowest first
    assert f'"{HIDDEN_KEY}": now' in script and "window.Streamlit.setComponentValue" in script
    assert '"collapsed": true' in script and script.count("L.control.layers(") == 1


def test_without_views_it_is_a_plain_layer_control(events):
    script = control_script(ViewLayerControl(), [])
    assert call_arguments(script)[1:3] == [[], []]


@pytest.mark.parametrize("build", [build_event_layers, build_fast_layers])
def test_the_script_carries_the_urls_view_and_the_selection(events, build):
    layers = build(events, MapContext(world={"features": []}))
    control = ViewLayerControl(at=((43.1, 131.9), 6), selected="vostok-2022")
    script = control_script(control, layers)
    at, selected, options = call_arguments(script)[4:]
    assert at == [43.1, 131.9, 6] and selected == "vostok-2022"
    assert options["preciseZoom"] == SELECT_PRECISE_ZOOM and options["reportMs"] == VIEW_REPORT_MS
    # The view is reported under its own key, and the selection found by the markers' own lookup.
    assert f'"{VIEW_KEY}": now' in script and "markers.find(" in script and "markers.show(" in script


def test_a_hostile_selection_stays_data(events):
    # The id is the app's (a known event), but the script must hold any string as a string.
    script = control_script(ViewLayerControl(selected='</script><script>alert(1)</script>"'), [])
    assert "</script>" not in script and call_arguments(script)[5] == '</script><script>alert(1)</script>"'


def test_the_same_arguments_give_the_same_script(events):
    # streamlit-folium re-adds every layer when the control's script changes: a rerun with the same selection
    # and the same URL view (a reported pan, a click elsewhere) must give the same bytes.
    def script(**kwargs):
        m = folium.Map(tiles=None)  # no tile layer: its random name would differ between two maps
        return _get_layer_control_string(ViewLayerControl(views=first_views(events), memory="m", **kwargs), m)
    assert script(at=((1.0, 2.0), 3), selected="a") == script(at=((1.0, 2.0), 3), selected="a")
    assert script(selected="a") != script(selected="b") and script() != script(at=((1.0, 2.0), 3))


def _x(lon: float, view, width: int) -> float:
    """The x pixel of a longitude on a map ``width`` wide at ``view``."""
    (_, centre), zoom = view
    return width / 2 + (lon - centre) / 360 * 256 * 2**zoom


def test_first_views_keep_east_asia_in_view_and_clear_of_the_open_legend(events):
    east_asia = events[events["longitude"].between(100, 150)]["longitude"]
    for width, view in first_views(events):
        right = width - (LEGEND_ROOM_PX if width >= LEGEND_OPEN_MIN_WIDTH else 0) - 8  # the marker's radius
        assert all(8 <= _x(lon, view, width) <= right for lon in east_asia), (width, view)
