"""Hostile and awkward input in a real Chromium: never an exception element or a traceback, and data shown in
messages stays text, with no link and no icon made of it (what only the browser's Markdown rendering shows).
Also a read-only install without prepared map files: the map still draws, from files sent inline."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest

from dashboard.dataset.loading import load_events
from dashboard.maps.assets import MAP_JS
from dashboard.paths import EVENTS_PATH, PLACES_PATH, SEEDS_DIR
from tests.browser.conftest import ROOT, start_server, stop_server
from tests.browser.test_map_browser import TIMEOUT_MS, open_app, settle, wait_for_events
from tests.conftest import edit_csv
from tests.ui.test_app_hostile import FAR_DATES, NO_VALID_ROW, ONE_DAY

pytestmark = pytest.mark.browser

HOSTILE_QUERY = urlencode({"event": "http://evil.example/login", "www.evil.example": "1",
                           "country": [":material/warning:", ":smile:", "**bold** [x](https://evil.example)"],
                           "q": "x@evil.example www.evil.example"}, doseq=True)
HOSTILE_TITLE = "Take http://evil.example/login :material/warning: www.evil.example **now** :smile:"
# The app run by a script that points STATIC_DIR below a file: no copy can be made there, and the static
# folder the server serves (beside this script) has none either, as on a read-only install.
READ_ONLY_APP = """import pathlib, runpy
import dashboard.paths
dashboard.paths.STATIC_DIR = pathlib.Path(__file__).with_name("read-only-install") / "static"
runpy.run_path({app!r}, run_name="__main__")
"""


def assert_clean(page) -> None:
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and 'File "' not in text


def assert_text_only(page) -> None:
    """Nothing the data said became a link or an icon."""
    assert page.locator('a[href*="evil"]').count() == 0
    assert page.locator('[data-testid="stMain"] [data-testid="stIconMaterial"]').count() == 0
    assert page.locator('[data-testid="stMain"] [data-testid="stIconEmoji"]').count() == 0


def upload(page, path: Path, report: str) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_text(report).first.wait_for(timeout=TIMEOUT_MS)
    assert_clean(page)


def search(page, text: str) -> None:
    field = page.locator('[data-testid="stTextInput"] input')
    field.fill(text)
    field.press("Enter")
    assert_clean(page)


@pytest.mark.parametrize(("data", "report"), [(ONE_DAY, "all 1 rows are valid"), (NO_VALID_ROW, "rows left out")],
                         ids=["one day", "no valid row"])
def test_an_upload_without_a_date_range_then_searches(offline_page, server, tmp_path, data, report):
    open_app(offline_page, server)
    (tmp_path / "mine.csv").write_bytes(data)
    upload(offline_page, tmp_path / "mine.csv", report)
    for text in ("zzz", "kyiv", ""):
        search(offline_page, text)
    assert offline_page.get_by_text("Dates: 24 Feb 2022" if data == ONE_DAY else "Dates: no events").count() \
        or offline_page.get_by_text("Dates:").count()


def test_out_of_range_dates_give_the_upload_report(offline_page, server, tmp_path):
    open_app(offline_page, server)
    (tmp_path / "far.csv").write_bytes(FAR_DATES)
    upload(offline_page, tmp_path / "far.csv", "rows left out")
    assert offline_page.get_by_text("Problems in the uploaded table").count() == 1
    search(offline_page, "kyiv")


def test_a_hostile_url_shows_its_values_as_text(offline_page, server):
    offline_page.goto(f"{server.url}/?{HOSTILE_QUERY}", timeout=TIMEOUT_MS)  # the search matches nothing: no markers
    offline_page.get_by_text("No events match these filters").wait_for(timeout=TIMEOUT_MS)
    assert_clean(offline_page)
    alerts = offline_page.locator('[data-testid="stAlert"]', has_text="Adjusted in the URL")
    alerts.first.wait_for(timeout=TIMEOUT_MS)  # drawn with the rest of the run, maybe after the info
    assert alerts.count() == 1  # one message for every parameter
    # Streamlit's frontend would turn ":material/" into ":material_" even in a code span, without the word joiner.
    text = " ".join(alerts.all_inner_texts()).replace("\u2060", "")
    for shown in ("http://evil.example/login", "www.evil.example", ":material/warning:", ":smile:",
                  "**bold** [x](https://evil.example)"):
        assert shown in text, text
    assert_text_only(offline_page)


@pytest.fixture(scope="module")
def hostile_title_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(EVENTS_PATH, folder / "events.csv")
    shutil.copy(PLACES_PATH, folder / "places.csv")
    shutil.copytree(SEEDS_DIR, folder / "seeds")
    row = list(load_events()["event_id"]).index("kyiv-offensive-2022") + 1
    edit_csv(folder / "events.csv", row, "title", HOSTILE_TITLE)
    running = start_server(folder, env={"DASHBOARD_EVENTS": str(folder / "events.csv")})
    yield running
    stop_server(running)


def test_a_selected_title_with_links_and_icons_is_text(offline_page, hostile_title_server):
    open_app(offline_page, hostile_title_server, "?event=kyiv-offensive-2022")
    offline_page.get_by_text("Selected event").wait_for(timeout=TIMEOUT_MS)
    assert_clean(offline_page)
    assert HOSTILE_TITLE in offline_page.locator('[data-testid="stText"]').all_inner_texts()[0]
    assert_text_only(offline_page)


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("read-only")
    (folder / "read-only-install").write_text("a file: nothing can be written below it", encoding="utf-8")
    script = folder / "app.py"
    script.write_text(READ_ONLY_APP.format(app=str(ROOT / "dashboard" / "ui" / "app.py")), encoding="utf-8")
    running = start_server(folder, script=str(script))
    yield running
    stop_server(running)


def test_a_read_only_install_draws_the_map_from_inline_files(offline_page, read_only_server):
    _, frame = open_app(offline_page, read_only_server)
    wait_for_events(frame, len(load_events()))
    assert_clean(offline_page)
    assert offline_page.locator('[data-testid="stAlert"]').count() == 0
    assert offline_page.traffic.blocked == []
    assert not [url for _, url in offline_page.traffic.local if "/app/static/" in url]
    inline = frame.evaluate("[...document.scripts].filter(s => s.src.startsWith('data:text/javascript')).length")
    assert inline == len(MAP_JS)  # Leaflet and markercluster
    # The layer control's icon comes from an image inlined in leaflet.css.
    icon = frame.evaluate("getComputedStyle(document.querySelector('.leaflet-control-layers-toggle')).backgroundImage")
    assert icon.startswith('url("data:image/png;base64,')
