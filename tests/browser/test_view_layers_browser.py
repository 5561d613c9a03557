"""The map's first view and the reader's layer choices, in Chromium (cut off at localhost): East Asia in view on
a wide screen and on a phone; a layer turned off stays off through filter changes, and travels in the URL."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 60_000
FAR_EAST, SEA_OF_JAPAN, TAIWAN, BEIJING, KYIV = (62.0, 135.0), (40.0, 135.0), (23.742, 120.9748), (39.9, 116.4), \
    (50.45, 30.52)
# Whether the layer named like this is on the map (the control's own record of its layers).
LAYER_SHOWN_JS = """name => {
    const entry = window.layer_control._layers.find(e => e.name === name);
    return entry ? window.map.hasLayer(entry.layer) : null;
}"""
LINES, EXTENT = "Participants (lines from capitals)", "Place precision (extent)"


def open_map(page, url: str):
    page.goto(url, timeout=TIMEOUT_MS)
    frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_function("() => window.map && window.__dataViews && window.layer_control", timeout=TIMEOUT_MS)
    return frame


def in_view(frame, point: tuple[float, float]) -> bool:
    return frame.evaluate(f"window.map.getBounds().contains([{point[0]}, {point[1]}])")


@pytest.mark.parametrize(("width", "also"), [(1400, [KYIV]), (420, [])])
def test_the_first_view_shows_east_asia(offline_page, server, width, also):
    offline_page.set_viewport_size({"width": width, "height": 900})
    frame = open_map(offline_page, server.url)
    for point in [FAR_EAST, SEA_OF_JAPAN, TAIWAN, BEIJING, *also]:
        assert in_view(frame, point), (width, point, frame.evaluate("window.map.getBounds().toBBoxString()"))
    assert offline_page.traffic.blocked == []


def test_a_hidden_layer_stays_hidden_and_travels_in_the_url(offline_page, server):
    frame = open_map(offline_page, server.url)
    assert frame.evaluate(LAYER_SHOWN_JS, LINES) is True
    frame.locator(".leaflet-control-layers").hover()  # the collapsed control opens on hover
    frame.get_by_text(LINES).click()
    offline_page.wait_for_url("**hide=lines*", timeout=TIMEOUT_MS)
    frame.get_by_text(EXTENT).click()  # the report's rerun left the control open
    offline_page.wait_for_url("**hide=extent&hide=lines*", timeout=TIMEOUT_MS)
    frame.evaluate("window.__mounted_once = true")
    offline_page.locator('[data-testid="stMultiSelect"]', has_text="Countries").locator("input").click()
    offline_page.keyboard.type("Taiwan")
    offline_page.keyboard.press("Enter")
    offline_page.keyboard.press("Tab")
    offline_page.wait_for_url("**country=TWN*", timeout=TIMEOUT_MS)
    frame.wait_for_function(f"() => ({LAYER_SHOWN_JS})({LINES!r}) === false", timeout=TIMEOUT_MS)
    assert "hide=extent&hide=lines" in offline_page.url and frame.evaluate("window.__mounted_once") is True
    frame.wait_for_timeout(500)  # no later run turns them back on
    assert [frame.evaluate(LAYER_SHOWN_JS, name) for name in (LINES, EXTENT, "Events")] == [False, False, True]
    shared = open_map(offline_page, offline_page.url)  # the URL, opened afresh: the same layers
    assert [shared.evaluate(LAYER_SHOWN_JS, name) for name in (LINES, EXTENT, "Events")] == [False, False, True]
    assert offline_page.traffic.blocked == []
