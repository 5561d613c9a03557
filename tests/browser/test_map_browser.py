"""The app in a real Chromium with the network cut at localhost: the map draws every event from local assets,
and the slider, the country filter, marker clicks and downloads work as a person would use them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 60_000

# Events on the map's layers (Leaflet.markercluster, when it clusters, draws only those inside the view).
EVENTS_ON_MAP_JS = """() => {
    if (!window.map) return -1;
    let count = 0;
    window.map.eachLayer(layer => { if (layer.newsEvents) count += layer.newsEvents.length; });
    return count;
}"""
# Events drawn in the view: event markers on the map plus the events inside drawn clusters.
DRAWN_EVENTS_JS = """() => {
    const map = window.map;
    if (!map) return -1;
    let drawn = 0;
    map.eachLayer(layer => {
        if (L.MarkerCluster && layer instanceof L.MarkerCluster) drawn += layer.getChildCount();
        else if (layer.options && layer.options.eventId) drawn += 1;
    });
    return drawn;
}"""


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def open_app(page, server, query: str = ""):
    page.goto(server.url + "/" + query, timeout=TIMEOUT_MS)
    handle = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS)
    frame = handle.content_frame()
    frame.wait_for_function("() => window.map && document.querySelectorAll('path.leaflet-interactive').length > 0",
                            timeout=TIMEOUT_MS)
    return handle, frame


def wait_for_events(frame, count: int) -> None:
    frame.wait_for_function(f"({EVENTS_ON_MAP_JS})() === {count}", timeout=TIMEOUT_MS)


def settle(page) -> None:
    """Wait until the script run has finished: no running indicator, no element left stale from the last run.
    (The map updates before the elements below it, such as the download buttons.)"""
    page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
        && !document.querySelector('[data-testid="stStatusWidgetRunningManIcon"]')
        && document.querySelectorAll('[data-stale="true"]').length === 0""", timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)  # the running indicator appears with a short delay; make sure none follows
    page.wait_for_function("() => document.querySelectorAll('[data-stale=\"true\"]').length === 0",
                           timeout=TIMEOUT_MS)


def download(page, label: str) -> bytes:
    settle(page)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path()).read_bytes()


def csv_ids(data: bytes) -> list[str]:
    return list(pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)["event_id"])


def test_map_draws_every_event_from_local_assets_only(offline_page, server, events):
    handle, frame = open_app(offline_page, server)
    box = handle.bounding_box()
    assert box["height"] > 300 and box["width"] > 300
    wait_for_events(frame, len(events))
    frame.evaluate("window.map.setView([30, 0], 2); 0")  # the whole world: the Pacific event is far east
    frame.wait_for_function(f"({DRAWN_EVENTS_JS})() === {len(events)}", timeout=TIMEOUT_MS)
    assert frame.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") > 150  # outlines
    assert frame.evaluate("document.querySelector('.map-legend').innerText").startswith("Legend")
    blocked_assets = [(kind, url) for kind, url in offline_page.traffic.blocked
                      if kind in ("script", "stylesheet", "font", "image")]
    assert blocked_assets == []
    assert offline_page.traffic.blocked == []  # nothing at all tried to leave: tile layers are off by default
    assert any(url.endswith("/app/static/leaflet/leaflet.js") for _, url in offline_page.traffic.local)


def test_date_slider_changes_the_map_and_the_download(offline_page, server, events):
    _, frame = open_app(offline_page, server)
    wait_for_events(frame, len(events))
    frame.evaluate("window.__mounted_once = true")
    start_thumb = offline_page.get_by_role("slider").first
    start_thumb.focus()
    start_thumb.press("End")  # the start thumb to the last day: only events on 5 Sep 2022 remain
    expected = filter_events(events, start="2022-09-05", end="2022-09-05")
    wait_for_events(frame, len(expected))
    assert frame.evaluate("window.__mounted_once") is True  # filtered in place, not remounted
    assert csv_ids(download(offline_page, "Download CSV")) == list(expected["event_id"])


def test_choosing_a_country_changes_the_map_and_the_geojson(offline_page, server, events):
    _, frame = open_app(offline_page, server)
    wait_for_events(frame, len(events))
    frame.evaluate("window.map.setView([30, 120], 4); 0")
    offline_page.locator('[data-testid="stMultiSelect"]', has_text="Countries").locator("input").click()
    offline_page.keyboard.type("Taiwan")
    offline_page.keyboard.press("Enter")
    offline_page.keyboard.press("Tab")  # leave the field: the option list closes, the choice stays
    expected = filter_events(events, countries=["TWN"])
    wait_for_events(frame, len(expected))
    assert frame.evaluate("window.map.getZoom()") == 4  # the view survives a filter change
    geojson = json.loads(download(offline_page, "Download GeoJSON"))
    assert [f["id"] for f in geojson["features"]] == list(expected["event_id"])
    offline_page.wait_for_url("**country=TWN*", timeout=TIMEOUT_MS)


def test_a_shared_url_reopens_the_view(offline_page, server, events):
    _, frame = open_app(offline_page, server, "?country=UKR&type=armed_conflict")
    expected = filter_events(events, countries=["UKR"], event_types=["armed_conflict"])
    wait_for_events(frame, len(expected))
    assert csv_ids(download(offline_page, "Download CSV")) == list(expected["event_id"])


def test_clicking_a_marker_selects_its_row(offline_page, server):
    handle, frame = open_app(offline_page, server, "?q=Kyiv")
    wait_for_events(frame, 1)
    point = frame.evaluate("""() => {
        let target = null;
        window.map.eachLayer(l => { if (l instanceof L.CircleMarker && !(l instanceof L.Circle)) target = l; });
        return window.map.latLngToContainerPoint(target.getLatLng());
    }""")
    box = handle.bounding_box()
    offline_page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    offline_page.get_by_text("Selected event").wait_for(timeout=TIMEOUT_MS)
    offline_page.wait_for_url("**event=kyiv-offensive-2022*", timeout=TIMEOUT_MS)  # set at the end of the run
    # The selection's rerun re-adds the layers and opens the popup again on the new marker, where the first one
    # fades out (200 ms): one popup in the end, the clicked event's.
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1", timeout=TIMEOUT_MS)
    assert frame.locator(".leaflet-popup-content").inner_text().startswith("Russian troops from Belarus")


def test_popup_shows_provenance(offline_page, server):
    _, frame = open_app(offline_page, server, "?q=50%2C000")
    wait_for_events(frame, 1)
    frame.evaluate("""() => { window.map.eachLayer(l => {
        if (l instanceof L.CircleMarker && !(l instanceof L.Circle)) l.openPopup(); }); }""")
    text = frame.locator(".leaflet-popup-content").inner_text()
    for expected in ("Vostok 2022", "30 Aug 2022 – 5 Sep 2022", "known to the day", "Russian Far East",
                     "wider region", "Nicaragua", "TASS, Al Jazeera", "will mobilize over 50,000 troops",
                     "000_0441dc0ab698eb74.txt"):
        assert expected in text


def test_an_injected_title_shows_as_text(offline_page, server):
    dialogs: list[str] = []
    offline_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _, frame = open_app(offline_page, server)
    upload = Path(__file__).parents[1] / "corpus" / "html_injection.csv"
    offline_page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    wait_for_events(frame, 3)
    frame.evaluate("""() => { window.map.eachLayer(l => {
        if (l instanceof L.CircleMarker && !(l instanceof L.Circle) && l.getTooltip()
            && l.getTooltip().getContent().includes('vostok-2022]')) { l.openTooltip(); } }); }""")
    # The tooltip first: a marker's own tooltip is kept off its open popup.
    assert "<img src=x onerror=alert(1)>" in frame.locator(".leaflet-tooltip").first.inner_text()
    frame.evaluate("""() => { window.map.eachLayer(l => {
        if (l instanceof L.CircleMarker && !(l instanceof L.Circle) && l.getTooltip()
            && l.getTooltip().getContent().includes('vostok-2022]')) { l.openPopup(); } }); }""")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=TIMEOUT_MS)
    assert popup.inner_text().startswith("<img src=x onerror=alert(1)>")
    assert frame.locator('img[src="x"]').count() == 0 and frame.locator("script:not([src])").count() >= 1
    settle(offline_page)
    assert offline_page.locator('img[src="x"]').count() == 0
    assert dialogs == []
