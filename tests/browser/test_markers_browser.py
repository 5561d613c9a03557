"""Markers, popups, tooltips and the legend as a reader sees them, on a wide and on a phone-sized window, with the
network cut at localhost: every event visible as itself, popups inside the map and clear of every control,
tooltips without ids, the wheel scrolling the page, a click selecting its event, and failing online tiles said."""

from __future__ import annotations

import pytest

from dashboard.maps.mapping import TILE_NOTICE
from tests.browser.conftest import open_offline_page
from tests.browser.test_map_browser import MAP_FRAME, TIMEOUT_MS, settle

pytestmark = pytest.mark.browser

VIEWPORTS = {"wide": (1400, 900), "phone": (420, 900)}
BUNDLED_EVENTS = 12
PAN_MS = 700  # a popup's auto-pan animation (0.25 s) and its second layout, with room to spare

# The event markers on the map, with their place on the map's container (pixels).
MARKERS_JS = """() => {
    const out = [];
    window.map.eachLayer(l => {
        if (l.options && l.options.eventId) {
            const p = window.map.latLngToContainerPoint(l.getLatLng());
            out.push({id: l.options.eventId, x: p.x, y: p.y});
        }
    });
    return out;
}"""
# Boxes (in the frame) of the map, the open popup and every visible control, legend included.
BOXES_JS = """() => {
    const box = el => { const r = el.getBoundingClientRect();
                        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
    const controls = [...document.querySelectorAll('.leaflet-control')]
        .filter(el => el.getBoundingClientRect().width > 0).map(el => ({name: el.className, ...box(el)}));
    const popup = document.querySelector('.leaflet-popup');
    return {map: box(window.map.getContainer()), popup: popup && box(popup), controls};
}"""


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def sized_page(request, browser):
    """A page of the given viewport whose network ends at localhost (as ``offline_page``)."""
    width, height = VIEWPORTS[request.param]
    page = open_offline_page(browser, width=width, height=height)
    yield page
    page.context.close()


def open_map(page, server, query: str = ""):
    page.goto(server.url + "/" + query, timeout=TIMEOUT_MS)
    handle = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS)
    frame = handle.content_frame()
    frame.wait_for_function(f"() => window.map && ({MARKERS_JS})().length === {BUNDLED_EVENTS}",
                            timeout=TIMEOUT_MS)
    settle(page)
    handle.scroll_into_view_if_needed()
    return handle, frame


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def inside(inner: dict, outer: dict) -> bool:
    return (inner["left"] >= outer["left"] and inner["right"] <= outer["right"] and inner["top"] >= outer["top"]
            and inner["bottom"] <= outer["bottom"])


def test_every_event_is_drawn_as_itself_from_local_files_only(sized_page, server):
    _, frame = open_map(sized_page, server)
    assert frame.locator(".event-cluster, .marker-cluster").count() == 0  # no bubble at the opening view
    markers = frame.evaluate(MARKERS_JS)
    assert len({m["id"] for m in markers}) == BUNDLED_EVENTS
    for i, a in enumerate(markers):  # spread apart: none hides another
        for b in markers[i + 1:]:
            assert (a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2 >= 12 ** 2, (a, b)
    assert sized_page.traffic.blocked == []


def test_popups_lie_inside_the_map_clear_of_every_control(sized_page, server):
    _, frame = open_map(sized_page, server)
    for marker in frame.evaluate(MARKERS_JS):
        frame.evaluate("""id => { window.map.eachLayer(l => {
            if (l.options && l.options.eventId === id) l.openPopup(); }); }""", marker["id"])  # no map back
        frame.wait_for_timeout(PAN_MS)
        boxes = frame.evaluate(BOXES_JS)
        assert boxes["popup"], marker
        assert inside(boxes["popup"], boxes["map"]), (marker, boxes)
        hits = [c["name"] for c in boxes["controls"] if overlap(boxes["popup"], c)]
        assert hits == [], (marker, boxes)
    assert frame.locator(".map-legend details[open]").count() == 0  # folded while a popup is open
    frame.evaluate("window.map.closePopup(); 0")
    wide = sized_page.viewport_size["width"] >= 1000
    assert frame.locator(".map-legend details[open]").count() == (1 if wide else 0)  # as it was


def test_tooltips_show_no_id_and_fit_in_the_map(sized_page, server, events_by_id):
    handle, frame = open_map(sized_page, server)
    box = handle.bounding_box()
    boxes = frame.evaluate(BOXES_JS)
    size = boxes["map"]
    shown = 0
    for marker in frame.evaluate(MARKERS_JS):
        x, y = marker["x"], marker["y"]
        spot = {"left": x - 8, "right": x + 8, "top": y - 8, "bottom": y + 8}
        if not (20 < x < size["right"] - size["left"] - 20 and 20 < y < size["bottom"] - size["top"] - 20) or \
                any(overlap(spot, c) for c in boxes["controls"]):
            continue  # out of view or under a control: not where a reader can point
        sized_page.mouse.move(box["x"] + x, box["y"] + y)
        tip = frame.locator(".leaflet-tooltip")
        tip.first.wait_for(timeout=TIMEOUT_MS)
        text = tip.first.inner_text()
        assert f"[{marker['id']}]" not in text and events_by_id[marker["id"]] in text
        tip_box = frame.evaluate("document.querySelector('.leaflet-tooltip').getBoundingClientRect().toJSON()")
        assert inside(tip_box, size), (marker, tip_box, size)
        sized_page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
        frame.wait_for_function("() => !document.querySelector('.leaflet-tooltip')", timeout=TIMEOUT_MS)
        shown += 1
    assert shown >= 4


def test_the_wheel_scrolls_the_page_unless_ctrl_is_held(sized_page, server):
    handle, frame = open_map(sized_page, server)
    box = handle.bounding_box()
    zoom = frame.evaluate("window.map.getZoom()")
    sized_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 30)
    sized_page.mouse.wheel(0, -400)
    frame.wait_for_selector(".map-wheel-hint.on", timeout=TIMEOUT_MS)  # says how
    frame.wait_for_timeout(600)
    assert frame.evaluate("window.map.getZoom()") == zoom
    handle.scroll_into_view_if_needed()  # the page may have scrolled instead
    box = handle.bounding_box()
    sized_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 30)
    sized_page.keyboard.down("Control")
    sized_page.mouse.wheel(0, -400)
    sized_page.keyboard.up("Control")
    frame.wait_for_function(f"() => window.map.getZoom() > {zoom}", timeout=TIMEOUT_MS)


def test_clicking_a_marker_selects_its_event(sized_page, server):
    handle, frame = open_map(sized_page, server)
    target = next(m for m in frame.evaluate(MARKERS_JS) if m["id"] == "pelosi-taipei-visit")
    box = handle.bounding_box()
    sized_page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    sized_page.get_by_text("Selected event").wait_for(timeout=TIMEOUT_MS)
    sized_page.wait_for_url("**event=pelosi-taipei-visit*", timeout=TIMEOUT_MS)
    # The selection's rerun opens the popup again on the re-added marker; the first fades out (200 ms).
    frame.wait_for_function("() => document.querySelectorAll('.leaflet-popup').length === 1", timeout=TIMEOUT_MS)
    assert frame.locator(".leaflet-popup-content").inner_text().startswith("Nancy Pelosi")


def test_failing_online_tiles_say_so_until_turned_off(sized_page, server):
    _, frame = open_map(sized_page, server)
    notice = frame.locator(".map-notice")
    assert notice.is_hidden()
    frame.hover(".leaflet-control-layers")
    frame.locator(".leaflet-control-layers label", has_text="(online)").first.locator("input").check()
    notice.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert notice.inner_text() == TILE_NOTICE
    assert sized_page.traffic.blocked and all(kind == "image" for kind, _ in sized_page.traffic.blocked)
    frame.hover(".leaflet-control-layers")
    frame.locator(".leaflet-control-layers label", has_text="(online)").first.locator("input").uncheck()
    notice.wait_for(state="hidden", timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def events_by_id() -> dict[str, str]:
    from dashboard.dataset.loading import load_events

    return dict(zip(*(load_events()[column] for column in ("event_id", "title")), strict=True))
