"""The selected event and the map's view, in Chromium (cut off at localhost): a selection made outside the map (a
shared URL's ``event=``, a table row) moves the map to the event once and opens its popup inside the map, on the
marker path, with clusters and on the fast path; a click on the map selects without moving it; a shared URL's
``at=`` opens the map there, and a pan is reported back into the URL without moving the map again.

The map is served by a small script written to ``tmp_path``, which draws it as the app does (the same layers and
layer control) with a text field standing for the table and the timeline; so these tests hold the map's side of
the selection whatever the app around it does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from dashboard.dataset.loading import load_events
from dashboard.dataset.synthetic import synthetic_dataset, write_dataset
from dashboard.maps.controls import SELECT_PRECISE_ZOOM
from dashboard.maps.mapping import CLUSTER_ABOVE
from dashboard.paths import STATIC_DIR
from tests.browser.conftest import ROOT, open_offline_page, start_server, stop_server
from tests.browser.test_map_browser import settle

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 60_000
MOVE_MS = 2_500  # a flight (0.8 s), the popup's pan and layout, a view report (0.6 s) and its rerun
VIEWPORTS = {"wide": (1400, 900), "phone": (420, 900)}

# The map as dashboard/ui/app.py draws it, its selection set by a text field, a shared URL or a map click.
HARNESS = '''
import os
import secrets
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from dashboard.dataset.loading import load_events
from dashboard.geography.gazetteer import OfflineGazetteer
from dashboard.maps.assets import serve_assets
from dashboard.maps.controls import VIEW_KEY, ViewLayerControl, first_views
from dashboard.maps.fastmap import FAST_THRESHOLD, build_fast_layers
from dashboard.maps.mapping import (DEFAULT_ASSET_BASE, MAP_HEIGHT, build_base_map, build_event_layers,
                                    event_id_from_tooltip, map_context)
from dashboard.paths import STATIC_DIR
from dashboard.ui.state import view_from_params, view_from_report, view_to_params


@st.cache_resource
def data():
    path = os.environ.get("SELECTION_EVENTS")
    events = load_events(path, seeds_dir=Path(path).parent / "seeds") if path else load_events()
    serve_assets(STATIC_DIR, DEFAULT_ASSET_BASE)
    return events, map_context(OfflineGazetteer()), first_views(events)


def clicked():
    tooltip = (st.session_state.get("map") or {}).get("last_object_clicked_tooltip") or ""
    if event := event_id_from_tooltip(tooltip):
        st.session_state["event"] = event


events, context, views = data()
if "memory" not in st.session_state:  # once per session, as the app reads its URL
    at, _ = view_from_params({key: st.query_params.get_all(key) for key in st.query_params})
    st.session_state.update(memory=f"selection-{secrets.token_hex(8)}", at=at, view=at,
                            event=st.query_params.get("event"))
st.text_input("Select", key="pick", on_change=lambda: st.session_state.update(event=st.session_state["pick"]))
if (reported := view_from_report((st.session_state.get("map") or {}).get(VIEW_KEY))) is not None:
    st.session_state["view"] = reported
selected = st.session_state.get("event")
if len(events) > FAST_THRESHOLD:
    layers = build_fast_layers(events, context, selected=selected)
else:
    layers = build_event_layers(events, context)
control = ViewLayerControl(views=views, memory=st.session_state["memory"], at=st.session_state["at"],
                           selected=selected)
st_folium(build_base_map(context), key="map", height=MAP_HEIGHT, use_container_width=True,
          feature_group_to_add=layers, layer_control=control,
          returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count"], on_change=clicked)
st.query_params.from_dict({**({"event": selected} if selected else {}),
                           **view_to_params(st.session_state.get("view"))})
'''
# Counts the map's moves made by code (flights and jumps), from before the map exists.
COUNT_MOVES_JS = """
(function () {
    window.__moves = {flyTo: 0, setView: 0};
    var timer = setInterval(function () {
        if (!window.L || !window.L.Map || window.L.Map.prototype.__counted) return;
        ["flyTo", "setView"].forEach(function (name) {
            var original = window.L.Map.prototype[name];
            window.L.Map.prototype[name] = function () {
                window.__moves[name] += 1;
                return original.apply(this, arguments);
            };
        });
        window.L.Map.prototype.__counted = true;
        clearInterval(timer);
    }, 1);
})();
"""
# Boxes (in the frame) of the map, the open popup and every visible control; the popup's text and the view.
STATE_JS = """() => {
    const box = el => { const r = el.getBoundingClientRect();
                        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const popup = document.querySelector('.leaflet-popup'), centre = window.map.getCenter();
    return {map: box(window.map.getContainer()), popup: popup && box(popup),
            text: popup ? popup.querySelector('.leaflet-popup-content').innerText : null,
            controls: [...document.querySelectorAll('.leaflet-control')]
                .filter(el => el.getBoundingClientRect().width > 0).map(box),
            lat: centre.lat, lon: centre.lng, zoom: window.map.getZoom(), moves: window.__moves};
}"""
# Whether the page's URL holds this view (at=, rounded to at most two decimals at the zooms used here).
URL_AT_JS = """([lat, lon, zoom]) => {
    const at = new URLSearchParams(location.search).get('at');
    if (!at) return false;
    const [a, b, z] = at.split(',').map(Number);
    return Math.abs(a - lat) < 0.011 && Math.abs(b - lon) < 0.011 && z === zoom;
}"""
# Where an event's marker is on the map's container, or null when it is not drawn.
MARKER_AT_JS = """id => {
    let at = null;
    window.map.eachLayer(l => {
        if (l.options && l.options.eventId === id) at = window.map.latLngToContainerPoint(l.getLatLng());
    });
    return at;
}"""


def write_harness(folder: Path) -> Path:
    """The script, beside a link to the app's static folder (Streamlit serves the one next to its script)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "static").symlink_to(STATIC_DIR, target_is_directory=True)
    script = folder / "selection_app.py"
    script.write_text(HARNESS, encoding="utf-8")
    return script


@dataclass
class Served:
    url: str
    events: pd.DataFrame  # event_id, latitude, longitude


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    """Serves the harness on the bundled events, or on ``n`` synthetic events (one server each, kept for the
    module)."""
    folder = tmp_path_factory.mktemp("selection")
    script, servers, served = write_harness(folder / "app"), [], {}

    def serve(n: int | None = None) -> Served:
        if n not in served:
            if n is None:
                env, events = {}, load_events()
            else:
                path = write_dataset(synthetic_dataset(n, seed=7), folder / f"n{n}", fmt="parquet")
                env, events = {"SELECTION_EVENTS": str(path)}, load_events(path, seeds_dir=path.parent / "seeds")
            servers.append(start_server(folder, env=env, script=str(script), cwd=ROOT))
            served[n] = Served(servers[-1].url, events[["event_id", "latitude", "longitude"]])
        return served[n]

    yield serve
    for server in servers:
        stop_server(server)


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def sized_page(request, browser):
    """A page of the given viewport, its network cut at localhost, counting the map's moves made by code."""
    width, height = VIEWPORTS[request.param]
    page = open_offline_page(browser, width=width, height=height)
    page.add_init_script(COUNT_MOVES_JS)
    yield page
    page.context.close()


@pytest.fixture
def page(browser):
    page = open_offline_page(browser, width=1400, height=900)
    page.add_init_script(COUNT_MOVES_JS)
    yield page
    page.context.close()


def open_map(page, url: str):
    page.goto(url, timeout=TIMEOUT_MS)
    handle = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS)
    frame = handle.content_frame()
    frame.wait_for_function("() => window.map && window.__dataViews && window.layer_control", timeout=TIMEOUT_MS)
    settle(page)
    handle.scroll_into_view_if_needed()
    return handle, frame


def rest(page, frame) -> dict:
    """The frame's state once the map, its reports and their reruns are done."""
    page.wait_for_timeout(MOVE_MS)
    settle(page)
    return frame.evaluate(STATE_JS)


def select(page, event_id: str) -> None:
    """What a click on the event's table row does: the app's selection changes."""
    field = page.get_by_label("Select")
    field.fill(event_id)
    field.press("Enter")


def show_region(page, frame, centre: tuple[float, float], zoom: int) -> dict:
    """The reader closes the popup and goes to ``centre``; the frame's state once that is reported."""
    frame.evaluate("([c, z]) => { window.map.closePopup(); window.map.setView(c, z, {animate: false}); }",
                   [list(centre), zoom])  # nothing back: the map object is huge
    return rest(page, frame)


def inside(inner: dict, outer: dict) -> bool:
    return all(inner[k] >= outer[k] - 0.5 for k in ("left", "top")) and \
        all(inner[k] <= outer[k] + 0.5 for k in ("right", "bottom"))


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def assert_popup_of(state: dict, event_id: str) -> None:
    """The event's popup is open, inside the map and clear of every control."""
    assert state["popup"] and event_id in state["text"], state
    assert inside(state["popup"], state["map"]), state
    assert not [c for c in state["controls"] if overlap(state["popup"], c)], state


def url_view(url: str) -> tuple[float, float, int] | None:
    """The ``at=`` of a URL, as numbers."""
    match = re.search(r"[?&]at=([^&]+)", url)
    if not match:
        return None
    lat, lon, zoom = unquote(match.group(1)).split(",")
    return float(lat), float(lon), int(zoom)


def at_one_place(events: pd.DataFrame, least: int) -> str:
    """An event sharing its place with at least ``least`` - 1 others: markers no zoom separates."""
    counts = events.groupby(["latitude", "longitude"])["event_id"].transform("size")
    return str(events.loc[counts >= least, "event_id"].sort_values().iloc[0])


# ---------------------------------------------------------------- the selected event


def test_a_shared_url_opens_on_its_event(sized_page, harness):
    kyiv = "kyiv-offensive-2022"
    _, frame = open_map(sized_page, f"{harness().url}/?event={kyiv}&at=35,125,5")  # a view of East Asia
    state = rest(sized_page, frame)
    assert_popup_of(state, kyiv)
    assert frame.evaluate(MARKER_AT_JS, kyiv) is not None
    assert state["zoom"] == SELECT_PRECISE_ZOOM and state["moves"]["flyTo"] == 0  # a jump on opening, not a flight
    assert sized_page.traffic.blocked == []


def test_a_selection_in_view_leaves_the_map_where_it_is(page, harness):
    _, frame = open_map(page, f"{harness().url}/?at=35,125,3")
    before = frame.evaluate(STATE_JS)
    select(page, "pelosi-taipei-visit")  # Taipei: well inside this view
    after = rest(page, frame)
    assert_popup_of(after, "pelosi-taipei-visit")
    assert (after["zoom"], after["moves"]) == (before["zoom"], before["moves"])  # only the popup's own pan


def test_a_selection_made_elsewhere_moves_the_map_once(page, harness):
    _, frame = open_map(page, f"{harness().url}/?at=35,125,5")  # East Asia: Kyiv out of view
    select(page, "kyiv-offensive-2022")
    state = rest(page, frame)
    assert_popup_of(state, "kyiv-offensive-2022")
    assert state["moves"]["flyTo"] == 1 and "event=kyiv-offensive-2022" in page.url
    # The reader pans: reported into the URL, and that report's rerun (the same selection) leaves the map where
    # the reader put it, the popup open.
    frame.evaluate("() => { window.map.panBy([120, 60], {animate: false}); }")  # no map back: it is huge
    panned = frame.evaluate(STATE_JS)
    page.wait_for_function(URL_AT_JS, arg=[panned["lat"], panned["lon"], panned["zoom"]], timeout=TIMEOUT_MS)
    after = rest(page, frame)
    assert (after["lat"], after["lon"], after["zoom"], after["moves"]) == \
        (panned["lat"], panned["lon"], panned["zoom"], panned["moves"])
    assert "kyiv-offensive-2022" in after["text"]
    select(page, "pelosi-taipei-visit")  # another: flown to
    other = rest(page, frame)
    assert_popup_of(other, "pelosi-taipei-visit")
    assert other["moves"]["flyTo"] == 2


def test_a_click_on_the_map_selects_without_moving_it(sized_page, harness):
    handle, frame = open_map(sized_page, harness().url)
    target = "vostok-2022-sea-of-japan"
    for _ in range(2):  # the second time after another selection: a click on the marker clicked last is a change
        select(sized_page, "kyiv-offensive-2022")
        rest(sized_page, frame)
        before = show_region(sized_page, frame, (40.0, 125.0), 4)
        point, box = frame.evaluate(MARKER_AT_JS, target), handle.bounding_box()
        sized_page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        sized_page.wait_for_url(f"**event={target}*", timeout=TIMEOUT_MS)
        after = rest(sized_page, frame)
        assert_popup_of(after, target)
        assert after["moves"] == before["moves"]  # no flight, no jump: only the popup's own pan


def test_a_selection_inside_a_cluster_opens(page, harness):
    served = harness(3 * CLUSTER_ABOVE)  # clustered, and below the fast path
    crowded = at_one_place(served.events, 4)
    _, frame = open_map(page, served.url)
    assert frame.locator(".event-cluster").count() > 0
    select(page, crowded)
    assert_popup_of(rest(page, frame), crowded)
    assert frame.evaluate(MARKER_AT_JS, crowded) is not None  # drawn: its cluster opened


def test_the_fast_path_opens_a_shared_selection_and_follows_a_new_one(page, harness):
    served = harness(600)
    first, second = served.events["event_id"].iloc[[0, len(served.events) // 2]]
    _, frame = open_map(page, f"{served.url}/?event={first}")
    assert frame.locator("canvas").count() > 0  # the fast path's canvas
    assert_popup_of(rest(page, frame), first)
    select(page, second)
    assert_popup_of(rest(page, frame), second)


# ---------------------------------------------------------------- the map's view in the URL


def test_a_shared_url_opens_where_it_was_left(sized_page, harness):
    _, frame = open_map(sized_page, f"{harness().url}/?at=30.5,120.25,5")
    state = rest(sized_page, frame)
    assert (state["lat"], state["lon"], state["zoom"]) == (pytest.approx(30.5, abs=0.05),
                                                          pytest.approx(120.25, abs=0.05), 5)
    assert url_view(sized_page.url) == (30.5, 120.25, 5)  # not reported back: the reader has not moved it
    frame.evaluate("() => { window.map.setZoom(6, {animate: false}); }")
    zoomed = frame.evaluate(STATE_JS)
    sized_page.wait_for_function(URL_AT_JS, arg=[zoomed["lat"], zoomed["lon"], 6], timeout=TIMEOUT_MS)
    after = rest(sized_page, frame)  # the report's rerun left the map as it was
    assert (after["lat"], after["lon"], after["zoom"]) == (zoomed["lat"], zoomed["lon"], 6)
