"""The timeline, the table, the search and the map as one instrument, in a real Chromium with the network cut at
localhost, at a wide and a phone-sized page: the timeline names every event it draws and never repeats a tick, draws
a date known only to the year unlike a known span, and a drag across it sets the date filter; a click on a timeline
row or a table row opens the event on the map; a search by another name of a place finds it; a plain spreadsheet is
mapped and loaded; on a phone the map starts in the first screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from tests.browser.test_map_browser import MAP_FRAME, TIMEOUT_MS, open_app, settle, wait_for_events

pytestmark = pytest.mark.browser

CHART = ".vega-embed svg"
# The event titles drawn in the timeline's rows, with their boxes.
TITLES_JS = """() => [...document.querySelectorAll('.vega-embed svg g.mark-text.role-mark text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, label: t.getAttribute('aria-label') || '', width: r.width};
})"""
TICKS_JS = "() => [...document.querySelectorAll('.vega-embed svg g.role-axis-label text')].map(t => t.textContent)"
# Every span mark's look: an event known to the day and one known only to the year must differ.
SPANS_JS = """() => [...document.querySelectorAll('.vega-embed svg g.mark-rect.role-mark path[aria-label]')].map(p =>
    ({label: p.getAttribute('aria-label'), look: [p.getAttribute('fill-opacity'), p.getAttribute('stroke-dasharray'),
                                                  p.getAttribute('opacity')].join('|')}))"""


@pytest.fixture(scope="module")
def events():
    return load_events()


def url_params(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def chart(page):
    settle(page)
    handle = page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
    handle.scroll_into_view_if_needed()
    return handle


@pytest.mark.parametrize("width", [1400, 420])
def test_august_2022_has_a_title_for_every_event_and_no_repeated_tick(offline_page, server, events, width):
    offline_page.set_viewport_size({"width": width, "height": 900})
    open_app(offline_page, server, "?from=2022-08-01&to=2022-08-31")
    chart(offline_page)
    expected = filter_events(events, start="2022-08-01", end="2022-08-31")
    titles = offline_page.evaluate(TITLES_JS)
    assert len(titles) == len(expected) == 7
    for title in titles:  # each drawn, readable, and the start of its event's title (cut with "…" to fit)
        full = next(t for t in expected["title"] if f"title: {t};" in title["label"])
        assert title["width"] > 40 and full.startswith(title["text"].removesuffix("…")), title
    ticks = offline_page.evaluate(TICKS_JS)
    assert len(ticks) >= 3 and len(set(ticks)) == len(ticks), ticks
    assert offline_page.traffic.blocked == []


def test_a_date_known_only_to_the_year_is_drawn_unlike_a_known_span(offline_page, server, events):
    open_app(offline_page, server)
    chart(offline_page)
    spans = offline_page.evaluate(SPANS_JS)
    year = events.loc[events["date_precision"] == "year", "title"].iloc[0]
    day = events.loc[(events["date_precision"] == "day") & (events["end_date"] > events["start_date"]), "title"]
    look = {next(s["look"] for s in spans if f"Event: {t};" in s["label"]) for t in (year, day.iloc[0])}
    assert len(look) == 2


@pytest.mark.parametrize("width", [1400, 420])
def test_dragging_across_the_timeline_sets_the_dates_and_the_url(offline_page, server, width):
    offline_page.set_viewport_size({"width": width, "height": 900})
    open_app(offline_page, server, "?from=2022-01-01")
    box = chart(offline_page).bounding_box()
    y = box["y"] + box["height"] * 0.6
    offline_page.mouse.move(box["x"] + box["width"] * 0.45, y)
    offline_page.mouse.down()
    offline_page.mouse.move(box["x"] + box["width"] * 0.7, y, steps=8)
    offline_page.mouse.up()
    offline_page.wait_for_function("() => new URLSearchParams(location.search).get('from') !== '2022-01-01'",
                                   timeout=TIMEOUT_MS)
    settle(offline_page)
    params = url_params(offline_page)
    start, end = (dt.date.fromisoformat(params[key][0]) for key in ("from", "to"))
    assert dt.date(2022, 1, 1) < start < end < dt.date(2022, 9, 5)
    typed = [int(offline_page.get_by_role("spinbutton", name=f"{part}, From").get_attribute("aria-valuenow"))
             for part in ("year", "month", "day")]
    assert dt.date(*typed) == start  # the typed-date field follows


def test_a_click_on_a_timeline_row_selects_its_event_and_opens_it_on_the_map(offline_page, server, events):
    open_app(offline_page, server)
    chart(offline_page)
    title = "Nancy Pelosi's official visit to Taipei"
    row = offline_page.locator(".vega-embed svg g.mark-text.role-mark text", has_text=title).first
    row.click()
    offline_page.wait_for_function("() => new URLSearchParams(location.search).has('event')", timeout=TIMEOUT_MS)
    event = url_params(offline_page)["event"][0]
    assert events.set_index("event_id").loc[event, "title"] == title
    assert_popup_open(offline_page, title)


def test_a_click_on_a_table_row_opens_its_event_on_the_map(offline_page, server, events):
    open_app(offline_page, server)
    settle(offline_page)
    grid = offline_page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first row's selection box: the grid's first column, under its 35-pixel header.
    offline_page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    offline_page.wait_for_function("() => new URLSearchParams(location.search).has('event')", timeout=TIMEOUT_MS)
    event = url_params(offline_page)["event"][0]
    title = events.set_index("event_id").loc[event, "title"]
    offline_page.get_by_text("Selected event").wait_for(timeout=TIMEOUT_MS)
    assert_popup_open(offline_page, title)


def assert_popup_open(page, title: str) -> None:
    """The map shows ``title``'s popup, inside the map's frame, once the move to it has ended (the map flies to
    the event, then pans to fit the popup)."""
    frame = page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
    frame.wait_for_function("""title => {
        const map = window.map.getContainer().getBoundingClientRect();
        return [...document.querySelectorAll('.leaflet-popup')].some(p => {
            const r = p.querySelector('.leaflet-popup-content-wrapper').getBoundingClientRect();
            return p.textContent.includes(title) && r.left >= map.left && r.right <= map.right
                && r.top >= map.top && r.bottom <= map.bottom;
        });
    }""", arg=title, timeout=TIMEOUT_MS)


def test_on_a_phone_the_map_starts_in_the_first_screen(offline_page, server):
    offline_page.set_viewport_size({"width": 420, "height": 900})
    handle, _ = open_app(offline_page, server)
    settle(offline_page)
    top = offline_page.evaluate("() => window.scrollY") + handle.bounding_box()["y"]
    assert top < 900 * 0.6, top  # the map's top edge, and most of the map, in the first screen
    assert offline_page.traffic.blocked == []


@pytest.mark.parametrize("width", [1400, 420])
def test_a_plain_spreadsheet_is_mapped_and_loaded(offline_page, server, width):
    offline_page.set_viewport_size({"width": width, "height": 900})
    _, frame = open_app(offline_page, server)
    if width < 640:  # a phone: the uploader is in the sidebar, closed until opened
        offline_page.locator('[data-testid="stExpandSidebarButton"]').click()
    plain = Path(__file__).parents[1] / "corpus" / "plain_table.csv"
    offline_page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(plain))
    button = offline_page.get_by_role("button", name="Load mapped table")
    button.wait_for(timeout=TIMEOUT_MS)
    if width < 640:  # the sidebar covers the page on a phone: closed again, as a reader would
        offline_page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    button.scroll_into_view_if_needed()
    button.click()
    offline_page.get_by_text("all 20 rows are valid").first.wait_for(timeout=TIMEOUT_MS)
    frame = offline_page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
    wait_for_events(frame, 20)
    assert offline_page.traffic.blocked == []


@pytest.mark.parametrize("query", ["Kiev", "kiew"])
def test_a_search_by_another_name_finds_the_place(offline_page, server, events, query):
    _, frame = open_app(offline_page, server)
    field = offline_page.locator('[data-testid="stTextInput"] input')
    field.fill(query)
    field.press("Enter")
    kyiv = events[events["place"] == "Kyiv"]
    assert len(kyiv) >= 1
    frame = offline_page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
    wait_for_events(frame, len(kyiv))
    settle(offline_page)
    assert url_params(offline_page)["q"] == [query]
    assert offline_page.traffic.blocked == []


@pytest.mark.parametrize("width", [1400, 420])
def test_a_shared_url_restores_the_whole_view(offline_page, server, events, width):
    from tests.browser.test_view_layers_browser import LAYER_SHOWN_JS, LINES

    offline_page.set_viewport_size({"width": width, "height": 900})
    query = "?from=2022-08-01&to=2022-09-05&type=military_exercise&event=vostok-2022&at=56,133,4&hide=lines"
    _, frame = open_app(offline_page, server, query)
    expected = filter_events(events, start="2022-08-01", end="2022-09-05", event_types=["military_exercise"])
    wait_for_events(frame, len(expected))
    assert_popup_open(offline_page, events.set_index("event_id").loc["vostok-2022", "title"])
    # At the link's zoom, on the event (the open popup may pan the map so that it fits).
    assert frame.evaluate("window.map.getZoom()") == 4
    assert frame.evaluate("window.map.getBounds().contains([62, 135])")
    assert frame.evaluate(LAYER_SHOWN_JS, LINES) is False
    settle(offline_page)
    params = url_params(offline_page)
    assert (params["event"], params["hide"], params["type"]) == (["vostok-2022"], ["lines"], ["military_exercise"])
    assert offline_page.get_by_text("Adjusted in the URL").count() == 0
    assert offline_page.traffic.blocked == []


def test_a_pan_after_a_marker_click_keeps_a_later_selection(offline_page, server, events):
    """The frame's view report is a change of the map's value too, which still holds the last click: it must not
    select that clicked marker again over a row chosen since."""
    from tests.browser.test_markers_browser import MARKERS_JS

    handle, frame = open_app(offline_page, server)
    settle(offline_page)
    target = next(m for m in frame.evaluate(MARKERS_JS) if m["id"] == "pelosi-taipei-visit")
    box = handle.bounding_box()
    offline_page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    offline_page.wait_for_url("**event=pelosi-taipei-visit*", timeout=TIMEOUT_MS)
    settle(offline_page)
    grid = offline_page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    grid_box = grid.bounding_box()
    offline_page.mouse.click(grid_box["x"] + 18, grid_box["y"] + 35 + 17)  # the first row: another event
    offline_page.wait_for_function("() => !location.search.includes('event=pelosi-taipei-visit')", timeout=TIMEOUT_MS)
    settle(offline_page)
    chosen, before = url_params(offline_page)["event"], url_params(offline_page).get("at")
    frame.evaluate("window.map.panBy([200, 0], {animate: false}); 0")
    offline_page.wait_for_function("before => new URLSearchParams(location.search).get('at') !== before",
                                   arg=before[0] if before else None, timeout=TIMEOUT_MS)
    settle(offline_page)
    assert url_params(offline_page)["event"] == chosen
