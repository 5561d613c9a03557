"""A queried dataset in a real Chromium, the network cut at localhost: the app opens an engine-layout folder of
synthetic events (100,000, written here; ``ENGINE_BROWSER_DATASET=<folder>`` points the test at another, e.g. the
benchmark's 10^7), draws counts per cell, filters by a country, zooms in on a town where it draws the events
themselves, and a click on one opens its provenance popup and the "Selected event" panel. The seconds each step
takes in the browser are printed (``-s``) for the README."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import pytest

from dashboard.dataset.synthetic import loaded_events, synthetic_chunks
from dashboard.engine import Bounds, FilterSpec, open_store
from dashboard.engine.config import EngineConfig
from dashboard.engine.layout import engine_table, write_engine_dataset
from dashboard.maps.cellmap import EVENTS_LIMIT, View, query_bounds
from tests.browser.conftest import open_offline_page, start_server, stop_server

pytestmark = pytest.mark.browser

N = 100_000
COUNTRY, COUNTRY_NAME = "UKR", "Ukraine"
UKRAINE = Bounds(44.0, 22.0, 53.0, 41.0)
CLOSE_ZOOM = 12
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 120_000

CELLS_JS = "() => window.map ? document.querySelectorAll('path.news-cell').length : -1"
# What the events layer (the fast map's canvas) draws: its stats once drawn, else null.
EVENTS_STATS_JS = """() => {
    let stats = null;
    if (window.map) window.map.eachLayer(l => { if (l.stats && l._hits) stats = l.stats; });
    return stats;
}"""

# Mark the layers drawn now; NEW_LAYER_JS then tells when a newer events or cells layer is on the map.
MARK_OLD_JS = "() => { window.map.eachLayer(l => { l._newsOld = true; }); }"  # returns nothing: the map is huge
NEW_LAYER_JS = """() => {
    let fresh = false;
    window.map.eachLayer(l => {
        if (!l._newsOld && ((l.stats && l._hits) || l.newsCells !== undefined)) fresh = true;
    });
    return fresh;
}"""


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    if folder := os.environ.get("ENGINE_BROWSER_DATASET"):
        return Path(folder)
    folder = tmp_path_factory.mktemp("engine") / "events"
    return write_engine_dataset((engine_table(loaded_events(chunk)) for chunk in synthetic_chunks(N, seed=11)),
                                folder)


@pytest.fixture(scope="module")
def engine_server(dataset, tmp_path_factory, chromium_executable):
    running = start_server(tmp_path_factory.mktemp("server"),
                           env={"DASHBOARD_EVENTS": str(dataset), "DASHBOARD_ENGINE": "duckdb"})
    yield running
    stop_server(running)


def settle(page) -> None:
    """Wait until the script run has finished: no running indicator, none following shortly after."""
    for _ in range(2):
        page.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
            && !document.querySelector('[data-testid="stStatusWidgetRunningManIcon"]')
            && document.querySelectorAll('[data-stale="true"]').length === 0""", timeout=TIMEOUT_MS)
        page.wait_for_timeout(700)


def metric(page, label: str) -> str:
    return page.locator(f'[data-testid="stMetric"]:has-text("{label}") [data-testid="stMetricValue"]').inner_text()


def wait_metric(page, label: str, value: str) -> None:
    page.wait_for_function("""([label, value]) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(
        m => m.innerText.includes(label) && m.querySelector('[data-testid="stMetricValue"]').innerText === value)""",
                           arg=[label, value], timeout=TIMEOUT_MS)


def town_view(store, spec: FilterSpec, width_px: int, height_px: int) -> tuple[float, float]:
    """A centre in the country where, at CLOSE_ZOOM, few enough filtered events are in view to draw each."""
    cells = store.cells(spec, UKRAINE, 9)
    cells = cells[cells["count"] >= 3].sort_values("count")  # sparse towns first: at 10^7 the dense ones hold more
    degrees = 360.0 / (256 * 2**CLOSE_ZOOM)
    for cell in cells.head(40).itertuples():
        lat, lon = float(cell.latitude), float(cell.longitude)
        half_w, half_h = width_px / 2 * degrees, height_px / 2 * degrees
        view = View(Bounds(lat - half_h, lon - half_w, lat + half_h, lon + half_w), CLOSE_ZOOM)
        rows = store.events_in_view(spec, query_bounds(view), EVENTS_LIMIT)
        if rows is not None and len(rows) > 0:
            return lat, lon
    pytest.fail("no town with few enough events in view")


def test_filter_zoom_and_click_an_event(browser, engine_server, dataset):
    store = open_store(dataset, engine=EngineConfig("duckdb"))
    total = store.count(FilterSpec())
    spec = FilterSpec.of(countries=[COUNTRY])
    expected = store.count(spec)
    page = open_offline_page(browser, width=1400, height=900)
    try:
        started = time.perf_counter()
        page.goto(engine_server.url, timeout=TIMEOUT_MS)
        frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
        frame.wait_for_function(f"({CELLS_JS})() > 0", timeout=TIMEOUT_MS)
        wait_metric(page, "Events", f"{total:,}")
        first_paint = time.perf_counter() - started

        started = time.perf_counter()
        page.locator('[data-testid="stMultiSelect"]', has_text="Countries").locator("input").click()
        page.keyboard.type(COUNTRY_NAME)
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # leave the field: the option list closes, the choice stays
        wait_metric(page, "Events", f"{expected:,}")
        frame.wait_for_function(f"""() => {{
            let n = 0; window.map.eachLayer(l => {{ if (l.newsCount) n += l.newsCount; }});
            const stats = ({EVENTS_STATS_JS})();
            return n === {expected} || (stats && stats.total === {expected});
        }}""", timeout=TIMEOUT_MS)
        filtered = time.perf_counter() - started
        assert 0 < expected < total

        box = page.locator(MAP_FRAME).bounding_box()
        # The country, then a pan there: cells at the country's scale, asked of the engine for each new view.
        frame.evaluate(MARK_OLD_JS)
        started = time.perf_counter()
        frame.evaluate("() => { window.map.setView([48.5, 31.5], 6, {animate: false}); }")
        frame.wait_for_function(NEW_LAYER_JS, timeout=TIMEOUT_MS)
        country = time.perf_counter() - started
        settle(page)
        frame.evaluate(MARK_OLD_JS)
        started = time.perf_counter()
        frame.evaluate(f"() => {{ window.map.panBy([{int(box['width'] // 2)}, 0], {{animate: false}}); }}")
        frame.wait_for_function(NEW_LAYER_JS, timeout=TIMEOUT_MS)
        country_pan = time.perf_counter() - started
        settle(page)

        lat, lon = town_view(store, spec, int(box["width"]), int(box["height"]))
        started = time.perf_counter()
        frame.evaluate(f"() => {{ window.map.setView([{lat}, {lon}], {CLOSE_ZOOM}); }}")
        frame.wait_for_function(f"() => {{ const s = ({EVENTS_STATS_JS})(); return s && s.mode === 'events' "
                                "&& s.drawn > 0; }", timeout=TIMEOUT_MS)
        zoomed = time.perf_counter() - started
        assert frame.evaluate(CELLS_JS) == 0  # the cells gave way to the events

        frame.evaluate(MARK_OLD_JS)
        started = time.perf_counter()
        # a view and a half east: beyond the widened view the engine was asked for, so it is asked again
        frame.evaluate(f"() => {{ window.map.panBy([{int(box['width'] * 1.5)}, 0], {{animate: false}}); }}")
        frame.wait_for_function(NEW_LAYER_JS, timeout=TIMEOUT_MS)  # the engine's answer for the new view, drawn
        panned = time.perf_counter() - started
        frame.evaluate(f"() => {{ window.map.setView([{lat}, {lon}], {CLOSE_ZOOM}, {{animate: false}}); }}")
        frame.wait_for_function(f"() => {{ const s = ({EVENTS_STATS_JS})(); return s && s.mode === 'events' "
                                "&& s.drawn > 0; }", timeout=TIMEOUT_MS)
        settle(page)  # the view's report and its rerun: the layer is then the final one

        # A real click on a drawn event: its hit point on the canvas, in the map's container pixels.
        point = frame.evaluate(f"""() => {{
            let layer = null;
            window.map.eachLayer(l => {{ if (l.stats && l._hits && l.stats.mode === 'events') layer = l; }});
            // an event in the map, not under a control (the legend, the zoom buttons)
            const free = h => {{
                const x = h.x - layer._pad, y = h.y - layer._pad;
                if (x < 40 || y < 40 || x > {box['width'] - 40} || y > {box['height'] - 40}) return false;
                const el = document.elementFromPoint(x, y);
                return el && !el.closest('.leaflet-control') && !el.closest('.leaflet-control-container');
            }};
            const hit = layer._hits.find(h => h.e !== undefined && free(h));
            return {{x: hit.x - layer._pad, y: hit.y - layer._pad, id: window.NewsFastCore.ids(layer._d)[hit.e]}};
        }}""")
        started = time.perf_counter()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        frame.wait_for_function("() => (window.__GLOBAL_DATA__ || {}).last_object_clicked_tooltip", timeout=10_000)
        assert point["id"] in frame.evaluate("() => window.__GLOBAL_DATA__.last_object_clicked_tooltip")
        page.get_by_text("Selected event").wait_for(timeout=TIMEOUT_MS)
        # The selection's rerun adds the selected event's marker with its popup open (an earlier one may be
        # fading out for 200 ms: the last is the live one).
        frame.wait_for_function("""(id) => [...document.querySelectorAll('.leaflet-popup-content')].some(
            p => p.innerText.includes(id))""", arg=point["id"], timeout=TIMEOUT_MS)
        clicked = time.perf_counter() - started
        popup = frame.locator(".leaflet-popup-content").last.inner_text()
        event = store.event(point["id"])
        row = event.iloc[0]
        assert row["title"] in popup and point["id"] in popup and row["place"] in popup
        assert (row["seed"] or "") in popup and "When:" in popup
        assert page.get_by_text(f"id {point['id']}", exact=False).count() >= 1
        assert page.traffic.blocked == []  # no request left localhost
        print(f"\n{total:,} events in the browser: first paint {first_paint:.1f} s, filter → painted {filtered:.1f} s, "
              f"zoom to the country → repainted {country:.1f} s, pan there → repainted {country_pan:.1f} s, "
              f"zoom to a town → events drawn {zoomed:.1f} s, pan there → repainted {panned:.1f} s, "
              f"click → popup {clicked:.1f} s")
    finally:
        page.context.close()
    assert math.isfinite(first_paint)
