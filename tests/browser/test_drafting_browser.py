"""Drafting in a real Chromium, the network cut at localhost: paste the seed's text, draft it, reject one row, type
another place for one, add the rest to the dataset, see them on the map, download the dataset with its articles
and upload that back: valid, nothing lost. Screenshots of the panel at 1400 and 420 px go to ``DRAFT_SHOTS`` when
it is set."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.dataset.loading import load_events
from dashboard.paths import SEEDS_DIR
from tests.browser.conftest import open_offline_page
from tests.browser.test_map_browser import EVENTS_ON_MAP_JS, MAP_FRAME, TIMEOUT_MS, download, settle

pytestmark = pytest.mark.browser

SEED_TEXT = (SEEDS_DIR / "000_0441dc0ab698eb74.txt").read_text(encoding="utf-8")
EDITOR = '[data-testid="stDataFrame"]'
HEADER_PX, ROW_PX = 35, 35  # the editor's header and row heights
TITLE_X = 450  # a point inside the Title column (the row number, Accept and Doubt columns take ~335 px)
ACCEPT_X = 92  # the Accept column's checkbox
DRAFTING_MS = 180_000  # the first draft of a server builds the names of places (seconds on a busy machine)
# The draft's dashed rings on the map, and the events of the dataset.
DRAFT_ON_MAP_JS = """() => document.querySelectorAll('path.draft-marker').length"""
AT_VLADIVOSTOK_JS = """() => {
    let found = 0;
    window.map.eachLayer(layer => (layer.newsEvents || []).forEach(marker => {
        const at = marker._home || marker.getLatLng();
        if (Math.abs(at.lat - 43.10562) < 1e-4 && Math.abs(at.lng - 131.87353) < 1e-4) found += 1;
    }));
    return found;
}"""


def shoot(page, name: str) -> None:
    folder = os.environ.get("DRAFT_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name))


def cell_text(page, column: int, row: int) -> str | None:
    """A cell's text from the editor's accessible table (columns and rows 0-based, the row number column 0)."""
    return page.evaluate(f"() => {{ const c = document.getElementById('glide-cell-{column}-{row}');"
                         " return c ? c.textContent : null; }")


def click_cell(page, x: int, row: int) -> None:
    """Click the editor ``x`` px from its left, on data row ``row`` (0-based); the page may have moved since."""
    grid = page.locator(EDITOR).first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + HEADER_PX + ROW_PX * row + ROW_PX // 2)


def type_in_cell(page, x: int, row: int, text: str, *, right: int = 0) -> None:
    """Type ``text`` into the cell ``right`` columns to the right of the one at ``x`` on ``row``, as a person
    does: select it, Enter opens its editor, the text, Enter. A click that lands while the table is still being
    drawn selects nothing, so the selection is tried again."""
    for attempt in range(3):
        click_cell(page, x, row)
        for _ in range(right):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            editor = page.wait_for_selector("#portal textarea, #portal input", timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    editor.fill(text)
    editor.press("Enter")


def draft_the_seed(page, server) -> None:
    page.goto(server.url, timeout=TIMEOUT_MS)
    page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS)
    page.get_by_text("Draft from articles").click()
    page.get_by_label("Article text").fill(SEED_TEXT)
    page.keyboard.press("Tab")  # the text is sent when the field loses focus; then Draft appears
    page.get_by_role("button", name="Draft", exact=True).click()
    page.get_by_text("Drafted").wait_for(timeout=DRAFTING_MS)
    page.wait_for_selector(EDITOR, timeout=TIMEOUT_MS).scroll_into_view_if_needed()
    page.wait_for_selector("#glide-cell-0-0", state="attached", timeout=TIMEOUT_MS)
    settle(page)


def test_paste_draft_review_add_download_and_upload_back(browser, server, tmp_path):
    page = open_offline_page(browser, width=1400, height=900, accept_downloads=True)
    try:
        draft_the_seed(page, server)
        frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
        rows = page.evaluate("() => document.querySelectorAll('[id^=glide-cell-0-]').length")
        assert rows >= 5
        frame.wait_for_function(f"({DRAFT_ON_MAP_JS})() === {rows}", timeout=TIMEOUT_MS)  # drawn as draft
        shoot(page, "drafting-1400.png")
        if os.environ.get("DRAFT_SHOTS"):
            page.locator(MAP_FRAME).scroll_into_view_if_needed()
            shoot(page, "drafting-map-1400.png")

        rejected = cell_text(page, 3, 0)
        click_cell(page, ACCEPT_X, 0)
        page.keyboard.press("Space")  # untick Accept of the first (most doubtful) row
        settle(page)
        assert cell_text(page, 1, 0) == "false"
        last = rows - 1
        moved = cell_text(page, 3, last)
        type_in_cell(page, TITLE_X, last, "Vladivostok", right=1)  # the Place column follows the title
        settle(page)
        page.wait_for_function(f"() => (document.getElementById('glide-cell-5-{last}') || {{}}).textContent"
                               "?.startsWith('Vladivostok — city or town, Russia')", timeout=TIMEOUT_MS)
        frame.wait_for_function(f"({DRAFT_ON_MAP_JS})() === {rows - 1}", timeout=TIMEOUT_MS)
        shoot(page, "drafting-edited-1400.png")

        page.get_by_role("button", name=f"Add {rows - 1} accepted row(s) to the dataset").click()
        page.get_by_text("Added").wait_for(timeout=TIMEOUT_MS)
        settle(page)
        bundled = len(load_events())
        frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
        frame.wait_for_function(f"({EVENTS_ON_MAP_JS})() === {bundled + rows - 1}", timeout=TIMEOUT_MS)
        assert frame.evaluate(DRAFT_ON_MAP_JS) == 0  # added: drawn as events now, not as draft
        assert frame.evaluate(AT_VLADIVOSTOK_JS) == 1  # the edited row, at the place typed
        shoot(page, "drafting-added-1400.png")

        archive = download(page, "Download with articles (.zip)")
        members = zipfile.ZipFile(io.BytesIO(archive)).namelist()
        table = pd.read_csv(io.BytesIO(zipfile.ZipFile(io.BytesIO(archive)).read("events.csv")), dtype=str,
                            keep_default_na=False)
        assert len(table) == bundled + rows - 1 and any(m.startswith("seeds/pasted-") for m in members)
        assert rejected not in set(table["title"]) - set(load_events()["title"])
        assert list(table.loc[table["place"] == "Vladivostok", "title"]) == [moved]

        path = tmp_path / "events-with-articles.zip"
        path.write_bytes(archive)
        page.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(path))
        page.get_by_text(f"all {len(table)} rows are valid").wait_for(timeout=TIMEOUT_MS)
        settle(page)
        again = pd.read_csv(io.BytesIO(download(page, "Download CSV")), dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(again, table)  # nothing lost
    finally:
        page.context.close()


def test_the_panel_at_phone_width(browser, server):
    page = open_offline_page(browser, width=420, height=900)
    try:
        draft_the_seed(page, server)
        editor = page.locator(EDITOR).first.bounding_box()
        assert editor["width"] <= 420  # the table scrolls inside its box, the page does not
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 420
        shoot(page, "drafting-420.png")
        page.get_by_label("Article text").scroll_into_view_if_needed()
        shoot(page, "drafting-inputs-420.png")
    finally:
        page.context.close()
