"""Screenshot the app for the README, and measure the map: time to paint and bytes sent for it.

Starts the app on a free local port, opens it in Debian's Chromium with every non-local request blocked,
waits until Leaflet has drawn the event markers, and saves ``docs/screenshot.png`` (1400×900),
``docs/screenshot-420.png`` (a phone, 420×900) and ``docs/screenshot-popup.png`` (a shared link with an event
selected: its popup open). Prints:

- time from navigation to map painted, for a cold load (new server, new browser) and warm loads;
- the map's payload: the component's arguments (the map script, event layers, layer control — what a
  filter change re-sends) measured under AppTest, and the static Leaflet assets the frame loads once.

Usage: ``.venv/bin/python scripts/screenshot.py [--out docs] [--runs 3]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM_ARGS,
    chromium_path,
    open_offline_page,
    start_server,
    stop_server,
)

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAINTED_JS = "() => window.map && document.querySelectorAll('.marker-cluster, path.leaflet-interactive').length > 10"


def component_payload() -> dict[str, int]:
    """Bytes of each argument streamlit-folium sends to the browser for the map, for the full dataset."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "ui" / "app.py"), default_timeout=120)
    at.run()
    component = next(e for e in at.main if getattr(e, "type", None) == "component_instance")
    args = json.loads(component.proto.json_args)
    sizes = {key: len(json.dumps(value).encode()) for key, value in args.items() if value}
    sizes["total"] = len(component.proto.json_args.encode())
    return sizes


# name: (width, height, query); the third is a shared link's view: one event selected, its popup open
SIZES = {"screenshot.png": (1400, 900, ""), "screenshot-420.png": (420, 900, ""),
         "screenshot-popup.png": (1400, 900, "/?event=vostok-2022-sea-of-japan")}


def browse(url: str, out: Path, runs: int) -> tuple[list[float], int]:
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    asset_bytes = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=[*CHROMIUM_ARGS, "--no-sandbox"])
        timing = open_offline_page(browser, width=1400, height=900, device_scale_factor=1)
        context = timing.context
        for run in range(runs):  # one context: later runs are warm tabs
            page = timing if run == 0 else context.new_page()
            sizes: list[int] = []
            page.on("response", lambda response, sizes=sizes: sizes.append(
                len(response.body())) if "/app/static/" in response.url else None)
            started = time.perf_counter()
            open_painted(page, url)
            times.append(time.perf_counter() - started)
            if run == 0:
                asset_bytes = sum(sizes)
            page.close()
        blocked = list(timing.traffic.blocked)
        for name, (width, height, query) in SIZES.items():  # a page each: the map opens on a view for its width
            page = open_offline_page(browser, width=width, height=height, device_scale_factor=1)
            open_painted(page, url + query)
            page.wait_for_timeout(2500)  # labels placed, chart drawn
            page.screenshot(path=str(out / name))
            blocked += page.traffic.blocked
            page.context.close()
        browser.close()
    if blocked:
        raise SystemExit(f"requests left localhost: {blocked}")
    return times, asset_bytes


def open_painted(page, url: str) -> None:
    """Open ``url`` and wait until Leaflet has drawn the event markers."""
    page.goto(url)
    frame = page.wait_for_selector(MAP_FRAME, timeout=120_000).content_frame()
    frame.wait_for_function(PAINTED_JS, timeout=120_000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the screenshots")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if chromium_path() is None:
        raise SystemExit("no Chromium: apt-get install chromium")
    server = start_server(Path(tempfile.mkdtemp()))
    try:
        times, asset_bytes = browse(server.url, args.out, args.runs)
    finally:
        stop_server(server)
    payload = component_payload()
    print(f"screenshots: {', '.join(str(args.out / name) for name in SIZES)}")
    print(f"map painted after navigation: cold {times[0]:.2f} s; warm median "
          f"{statistics.median(times[1:] or times):.2f} s over {max(len(times) - 1, 1)} load(s)")
    print(f"map component arguments: {payload['total']:,} bytes "
          f"({', '.join(f'{k} {v:,}' for k, v in payload.items() if k != 'total')})")
    print(f"static map assets (Leaflet, jQuery, markercluster; loaded once, cached): {asset_bytes:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
