"""Browser benchmarks: the fast map path (a filter change to the map painted, at 10k, 100k and 1M events), and
start-up (``--startup``: a page load to every marker painted, the app beside a minimal page).

For each size it writes a synthetic dataset (Parquet) to a temporary folder, serves a page with Streamlit on
localhost, opens it in Debian's Chromium (every non-local request aborted), and then, several times, changes
the event-type filter and measures until the canvas layer in the map frame has drawn exactly the filtered
events. It also checks that the map frame was not remounted (a mark set in the frame's window survives) and
that, at world view, the drawn bins hold every filtered event once. Prints figures; asserts nothing else.

Two targets:

- ``--target page`` (default): a minimal page (written to the temporary folder) with the app's base map, one
  filter widget and :func:`dashboard.maps.fastmap.build_fast_layers` through ``st_folium`` — the map path alone.
- ``--target app``: ``dashboard/ui/app.py`` itself, given the dataset through the ``DASHBOARD_EVENTS``
  environment variable (the app must honour it and choose the fast path above ``FAST_THRESHOLD``).

Start-up (``--startup``): the app (``dashboard/ui/app.py``, the bundled data, the shipped config) and a minimal
Streamlit page showing the same 12 points with ``st_folium`` and the same local Leaflet files (written to a
temporary folder with a copy of the static folder and of the shipped config), each served on localhost. For
each: the server's start (process to health check), a cold load (the first page of a fresh server, the browser
cache empty) and warm loads (the same tab loading the page again, its HTTP cache on as in any browser unless
``--no-cache``: a new session on a warm server), each timed
from navigation to every event marker painted (all the events' circle markers in the map's SVG, then two
animation frames). Also the map context's time, ``map_context(OfflineGazetteer())`` in a fresh process.
Prints a Markdown table.

Usage: ``.venv/bin/python scripts/browser_bench.py [--sizes 10000 100000 1000000] [--runs 3]``
or ``.venv/bin/python scripts/browser_bench.py --startup [--runs 5]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.dataset.schema import event_type_label  # noqa: E402
from dashboard.dataset.synthetic import synthetic_dataset, write_dataset  # noqa: E402
from dashboard.maps.assets import prepare_static  # noqa: E402
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM_ARGS,
    LOCAL_HOSTS,
    TEST_ARGS,
    Server,
    chromium_path,
    start_server,
    stop_server,
)

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 180_000
# The fast layer's figures of its last drawing, or null before it exists.
STATS_JS = """() => {
    if (!window.map) return null;
    let stats = null;
    window.map.eachLayer(l => { if (l.stats && l._d) stats = Object.assign({}, l.stats); });
    return stats;
}"""
# Every event binned over the whole world, from the decoded arrays: the sum must be the total, and every place
# in exactly one bin (nothing dropped, nothing twice).
WORLD_BINS_JS = """() => {
    let out = null;
    window.map.eachLayer(l => {
        if (!(l.stats && l._d)) return;
        const r = window.NewsFastCore.bin(l._d, 1024, 0, 0, -1e12, -1e12, 1e12, 1e12, 60);
        const seen = new Set();
        let sum = 0, places = 0;
        r.bins.forEach(b => { sum += b.count; places += b.places.length; b.places.forEach(p => seen.add(p)); });
        out = {sum: sum, places: places, distinct: seen.size, nPlaces: l._d.nPlaces, total: l._d.n};
    });
    return out;
}"""
# Zoom to a place, then click the first event drawn there: [x, y] in the frame, or null.
CLICK_TARGET_JS = """() => {
    let target = null;
    window.map.eachLayer(l => { if (l.stats && l._d && l._mode === "events" && l._hits.length)
        target = [l._hits[0].x - l._pad, l._hits[0].y - l._pad]; });
    return target;
}"""
PAGE = textwrap.dedent('''
    """A minimal page: the app's base map and the fast event layer, with one filter (browser benchmark)."""
    import os
    from pathlib import Path

    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    from dashboard.dataset.loading import load_events
    from dashboard.maps.fastmap import build_fast_layers
    from dashboard.dataset.filters import filter_events
    from dashboard.geography.gazetteer import OfflineGazetteer
    from dashboard.maps.mapping import build_base_map, map_context
    from dashboard.dataset.schema import event_type_label

    EVENTS = Path(os.environ["DASHBOARD_EVENTS"])

    @st.cache_data(show_spinner=False)
    def events(stamp):
        return load_events(EVENTS, seeds_dir=EVENTS.parent / "seeds")

    @st.cache_resource(show_spinner=False)
    def context():
        return map_context(OfflineGazetteer())  # the app's context

    st.set_page_config(layout="wide")
    frame = events(EVENTS.stat().st_mtime)
    kinds = sorted(frame["event_type"].unique())
    kind = st.radio("Event type", ["all", *kinds], format_func=lambda k: "All" if k == "all" else event_type_label(k),
                    horizontal=True)
    filtered = frame if kind == "all" else filter_events(frame, event_types=[kind])
    st.write(f"{len(filtered)} events")
    def clicked():  # runs before the rerun, so that one rerun already draws the selected event's popup
        tooltip = (st.session_state.get("map") or {}).get("last_object_clicked_tooltip") or ""
        if tooltip.endswith("]"):
            st.session_state["selected"] = tooltip.rsplit("[", 1)[-1][:-1]

    st_folium(build_base_map(context()), key="map", height=560, use_container_width=True,
              feature_group_to_add=build_fast_layers(filtered, context(), selected=st.session_state.get("selected")),
              layer_control=folium.LayerControl(collapsed=True), returned_objects=["last_object_clicked_tooltip"],
              on_change=clicked)
''')


def start(script: Path, cwd: Path, env: dict[str, str], work: Path) -> Server:
    return start_server(work, script=str(script), cwd=cwd, timeout=120,
                        args=(*TEST_ARGS, "--server.enableStaticServing", "true", "--server.runOnSave", "false"),
                        env={**env, "PYTHONPATH": str(ROOT)})


def offline_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked = []

    def route(route, request):
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(request.url)
            route.abort("internetdisconnected")

    context.route("**/*", route)
    return context, context.new_page(), blocked


def wait_drawn(frame, total: int) -> dict:
    frame.wait_for_function(f"() => {{ const s = ({STATS_JS})(); return s && s.total === {total}; }}",
                            timeout=TIMEOUT_MS, polling="raf")
    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # painted
    return frame.evaluate(STATS_JS)


def choose(page, target: str, kind: str) -> None:
    """Change the event-type filter to ``kind`` ("all" for none) the way a person would."""
    label = "All" if kind == "all" else event_type_label(kind)
    if target == "page":
        page.get_by_text(label, exact=True).click()
        return
    select = page.locator('[data-testid="stMultiSelect"]', has_text="Event types")  # clear it, then pick one
    for button in select.locator('[aria-label="Clear all"]').all():
        button.click()
    if kind != "all":
        select.locator("input").click()
        page.get_by_role("option", name=label, exact=True).click()
        page.keyboard.press("Tab")  # closes the option list; Escape would clear the choice


def bench_size(browser, n: int, runs: int, target: str, work: Path) -> dict:
    dataset = synthetic_dataset(n, seed=0)
    events_path = write_dataset(dataset, work / f"data-{n}", fmt="parquet")
    counts = dataset.events["event_type"].value_counts()
    kinds = list(counts.index[:3])  # the three most frequent types, then back to all
    if target == "page":
        page_dir = work / "page"
        prepare_static(page_dir / "static")
        (page_dir / "bench_page.py").write_text(PAGE, encoding="utf-8")
        script, cwd = page_dir / "bench_page.py", page_dir
    else:
        script, cwd = ROOT / "dashboard" / "ui" / "app.py", ROOT
    server = start(script, cwd, {"DASHBOARD_EVENTS": str(events_path)}, work)
    url = server.url
    context, page, blocked = offline_page(browser)
    try:
        started = time.perf_counter()
        page.goto(url, timeout=TIMEOUT_MS)
        frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
        first = wait_drawn(frame, n)
        cold = time.perf_counter() - started
        frame.evaluate("() => { window.__benchMark = 1; window.map.setView([20, 10], 2); }")
        world = wait_drawn(frame, n)
        times = []
        for _ in range(runs):
            for kind in [*kinds, "all"]:
                expected = n if kind == "all" else int(counts[kind])
                t0 = time.perf_counter()
                choose(page, target, kind)
                wait_drawn(frame, expected)
                times.append(time.perf_counter() - t0)
        remounted = not frame.evaluate("() => window.__benchMark === 1")
        bins = frame.evaluate(WORLD_BINS_JS)
        click = click_to_popup(frame)
    finally:
        context.close()
        stop_server(server)
    return {"n": n, "cold_s": cold, "first": first, "world": world, "times": times, "remounted": remounted,
            "blocked": len(blocked), "bins": bins, "click_s": click}


def click_to_popup(frame) -> float | None:
    """Seconds from a click on an event dot to its provenance popup open (after the app's rerun)."""
    frame.evaluate("() => { let best = null; window.map.eachLayer(l => { if (l._d) best = l; });"
                   " const d = best._d; let p = 0; while (d.counts[p] !== 1) p++;"
                   " window.map.setView([d.coords[2 * p] / 1e5, d.coords[2 * p + 1] / 1e5], 11); }")
    frame.wait_for_function(f"() => ({CLICK_TARGET_JS})() !== null", timeout=TIMEOUT_MS)
    x, y = frame.evaluate(CLICK_TARGET_JS)
    box = frame.frame_element().bounding_box()
    t0 = time.perf_counter()
    frame.page.mouse.click(box["x"] + x, box["y"] + y)
    frame.wait_for_selector(".leaflet-popup-content .event-popup blockquote", timeout=TIMEOUT_MS)
    return time.perf_counter() - t0


# Event markers painted: circle markers (not the extents' circles) whose SVG path is in the document.
MARKERS_PAINTED_JS = """() => {
    if (!window.map || !window.L) return -1;
    let painted = 0;
    window.map.eachLayer(l => { if (l instanceof L.CircleMarker && !(l instanceof L.Circle) && l._path
                                    && l._path.isConnected) painted += 1; });
    return painted;
}"""
# The minimal page: the same points as plain circle markers on an empty folium map, Leaflet from the static
# folder (the copy beside it), nothing else.
MINIMAL_PAGE = textwrap.dedent('''
    """A minimal page: the bundled events' points with st_folium and local Leaflet (start-up benchmark)."""
    import folium
    import streamlit as st
    from streamlit_folium import st_folium

    POINTS = {points}

    st.set_page_config(layout="wide")
    m = folium.Map(location=[20, 0], zoom_start=2, tiles=None)
    m.default_js = [("leaflet", "../../app/static/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", "../../app/static/leaflet/leaflet.css")]
    group = folium.FeatureGroup(name="Events")
    for lat, lon in POINTS:
        folium.CircleMarker([lat, lon], radius=8, fill=True).add_to(group)
    st_folium(m, key="map", height=560, use_container_width=True, feature_group_to_add=group,
              returned_objects=[])
''')
CONTEXT_CODE = """
import time
from dashboard.geography.gazetteer import OfflineGazetteer
from dashboard.maps.mapping import map_context
t0 = time.perf_counter()
map_context(OfflineGazetteer())
print(time.perf_counter() - t0)
"""


def start_shipped(script: Path, cwd: Path, work: Path) -> tuple[Server, float]:
    """``streamlit run`` as ``make run`` does it (the folder's config, only the port given); the seconds to a
    health check that answers."""
    started = time.perf_counter()
    server = start_server(work, script=str(script), cwd=cwd, args=(), env={"PYTHONPATH": str(ROOT)}, timeout=120)
    return server, time.perf_counter() - started


def load_to_painted(page, url: str, markers: int) -> tuple[float, float, float]:
    """Seconds from navigating to ``url`` to: the map frame in the page, its map made, and ``markers`` event
    markers painted in it."""
    started = time.perf_counter()
    page.goto(url, timeout=TIMEOUT_MS)
    frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
    attached = time.perf_counter() - started
    frame.wait_for_function("() => window.map", timeout=TIMEOUT_MS, polling="raf")
    made = time.perf_counter() - started
    frame.wait_for_function(f"() => ({MARKERS_PAINTED_JS})() >= {markers}", timeout=TIMEOUT_MS, polling="raf")
    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return attached, made, time.perf_counter() - started


def minimal_page(work: Path, points: list[tuple[float, float]]) -> Path:
    """The minimal page in ``work``, with copies of the app's static folder and of the shipped config."""
    shutil.copytree(ROOT / "dashboard" / "ui" / "static", work / "static")
    shutil.copytree(ROOT / ".streamlit", work / ".streamlit")
    (work / "minimal_page.py").write_text(MINIMAL_PAGE.replace("{points}", json.dumps(points)), encoding="utf-8")
    return work / "minimal_page.py"


def context_seconds() -> float:
    done = subprocess.run([sys.executable, "-c", CONTEXT_CODE], cwd=ROOT, capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return float(done.stdout.split()[-1])


# Start-up loads block the outside world without intercepting requests: Playwright's request routing turns off
# the browser's HTTP cache, so a "warm" load would fetch all of Streamlit's scripts again, which no reader's tab
# does. Here Chromium resolves no outside name (CHROMIUM_ARGS) and sends every non-loopback request to a closed
# local port as its proxy (loopback never goes through a proxy); such requests are still counted.
DEAD_PROXY_ARGS = ["--proxy-server=http://127.0.0.1:9"]


def cached_offline_page(browser):
    """A tab with its HTTP cache on (unlike :func:`offline_page`), counting requests that would leave the
    machine; the browser must have been started with :data:`DEAD_PROXY_ARGS`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outbound = []

    def seen(request):
        host = urlparse(request.url).hostname or ""
        if not request.url.startswith(("data:", "blob:", "about:")) and host not in LOCAL_HOSTS:
            outbound.append(request.url)

    context.on("request", seen)
    return context, context.new_page(), outbound


def bench_startup(browser, runs: int, work: Path, *, cache: bool = True) -> list[dict]:
    from dashboard.dataset.loading import load_events

    events = load_events()
    points = [(float(a), float(o)) for a, o in zip(events["latitude"], events["longitude"], strict=True)]
    (work / "minimal").mkdir()
    pages = [("minimal page (12 points, st_folium, local Leaflet)", minimal_page(work / "minimal", points),
              work / "minimal"), ("the app (bundled data)", ROOT / "dashboard" / "ui" / "app.py", ROOT)]
    results = []
    for name, script, cwd in pages:  # one after the other: the two cores are the machine's
        server, ready = start_shipped(script, cwd, work)
        url = server.url
        context, page, blocked = cached_offline_page(browser) if cache else offline_page(browser)
        try:
            cold = load_to_painted(page, url, len(points))
            warm = [load_to_painted(page, url, len(points)) for _ in range(runs)]
        finally:
            context.close()
            stop_server(server)
        results.append({"name": name, "ready": ready, "cold": cold, "warm": warm, "blocked": len(blocked)})
    return results


def print_startup(results: list[dict], context: float) -> None:
    """The Markdown table: each load as frame in the page / map made / markers painted (seconds)."""
    minimal, app = results

    def phases(times: tuple[float, float, float]) -> str:
        return " / ".join(f"{t:.2f}" for t in times) + " s"

    def median(loads: list[tuple[float, float, float]]) -> tuple[float, float, float]:
        return tuple(statistics.median(load[i] for load in loads) for i in range(3))

    print("| page | server start → health | cold load: frame / map / markers painted | warm tab (median of "
          f"{len(app['warm'])}) | requests leaving the machine (blocked) |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r['name']} | {r['ready']:.2f} s | {phases(r['cold'])} | {phases(median(r['warm']))} | "
              f"{r['blocked']} |")
    print(f"| **app ÷ minimal** (markers painted) | {app['ready'] / minimal['ready']:.2f}× | "
          f"{app['cold'][2] / minimal['cold'][2]:.2f}× | "
          f"{median(app['warm'])[2] / median(minimal['warm'])[2]:.2f}× | |")
    print(f"\nmap context, map_context(OfflineGazetteer()) in a fresh process: {context:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=2, help="rounds of four filter changes per size")
    parser.add_argument("--target", choices=["page", "app"], default="page")
    parser.add_argument("--startup", action="store_true", help="the start-up benchmark (see above)")
    parser.add_argument("--no-cache", action="store_true",
                        help="start-up: intercept requests as the other benchmark does, which turns off the HTTP cache")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        sys.exit("no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chromium)")
    launch_args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    if args.startup:
        proxy = [] if args.no_cache else DEAD_PROXY_ARGS
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=[*launch_args, *proxy],
                                                 headless=True)
            results = bench_startup(browser, args.runs, Path(tmp), cache=not args.no_cache)
            browser.close()
        print_startup(results, context_seconds())
        return
    print(f"{'events':>9} | {'cold load':>9} | {'filter→painted median':>21} | {'max':>6} | "
          f"{'world view: drawn / in view / total':>36} | remounted | blocked | all binned once | click→popup")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=launch_args, headless=True)
        for n in args.sizes:
            r = bench_size(browser, n, args.runs, args.target, Path(tmp))
            w, b = r["world"], r["bins"]
            print(f"{n:>9,} | {r['cold_s']:>7.2f} s | {statistics.median(r['times']):>19.2f} s | "
                  f"{max(r['times']):>4.2f} s | {w['drawn']:>11,} / {w['inView']:>9,} / {w['total']:>9,} "
                  f"({w['mode']}) | {'yes' if r['remounted'] else 'no':>9} | {r['blocked']:>7} | "
                  f"{b['sum'] == b['total'] and b['places'] == b['distinct'] == b['nPlaces']!s:>15} | "
                  f"{r['click_s']:.2f} s", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
