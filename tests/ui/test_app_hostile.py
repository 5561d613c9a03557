"""Hostile and awkward input in the app (AppTest): never an exception element, never a traceback.

One-day and empty uploads (the date slider is not drawn, and Streamlit drops its key), uploads with no valid row
or out-of-range dates, URLs full of links, icons and Markdown, a bug in the code, a static folder that cannot be
written. Data shown in a message must stay text: it is quoted in code spans, or shown with ``st.text``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import dashboard.maps.assets
import dashboard.paths
import dashboard.ui.state
import dashboard.ui.views
from dashboard.dataset.export import to_csv
from dashboard.dataset.loading import load_events
from tests.ui.test_app import APP, component_args, table_ids
from tests.ui.test_app_upload import upload

REFERENCE = re.compile(r"reference \*\*([0-9a-f]{8})\*\*")
ONE_DAY = to_csv(load_events().iloc[[10]])  # russia-invades-ukraine-2022: 24 Feb 2022 only
# Dates pandas cannot hold (its range is 1677 to 2262): the row must be reported, not crash the app.
FAR_DATES = ONE_DAY.replace(b",2022-02-24,2022-02-24,", b",0001-01-01,9999-12-31,")
NO_VALID_ROW = ONE_DAY.replace(b",RUS;UKR,", b",RUS;XYZ,")
HOSTILE_URL = {
    "event": "http://evil.example/login",
    "q": ":material/warning: **bold** [x](http://evil.example) www.evil.example a@evil.example `tick`",
    "www.evil.example": "1",
    "country": ":smile:",
}


def fresh_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    return at.run()


def assert_clean(at: AppTest) -> None:
    """No exception element and no traceback text anywhere on the page."""
    assert not at.exception, at.exception
    texts = [e.value for kind in ("error", "warning", "info", "success", "markdown", "caption", "text")
             for e in getattr(at, kind)]
    assert not [t for t in texts if "Traceback" in t or 'File "' in t]


def search(at: AppTest, text: str) -> AppTest:
    at.text_input(key="text").set_value(text).run()
    assert_clean(at)
    return at


@pytest.mark.parametrize("data", [ONE_DAY, NO_VALID_ROW], ids=["one day", "no valid row"])
def test_an_upload_without_a_date_range_then_searches(data):
    at = fresh_app()
    upload(at, ("mine.csv", data))
    assert_clean(at)
    assert not at.slider  # no range to slide over: the slider is not drawn, its key goes
    search(search(search(at, "zzz"), "kyiv"), "")
    assert len(table_ids(at)) == (1 if data == ONE_DAY else 0)


def test_back_to_the_bundled_data_after_a_one_day_upload():
    at = fresh_app()
    upload(at, ("mine.csv", ONE_DAY))
    search(at, "zzz")
    next(b for b in at.button if b.label == "Use the bundled dataset").click().run()
    assert_clean(at)
    assert at.slider(key="dates").value == (load_events()["start_date"].min().date(),
                                            load_events()["end_date"].max().date())
    assert len(table_ids(at)) == len(load_events())


def test_out_of_range_dates_give_the_upload_report():
    at = fresh_app()
    upload(at, ("far.csv", FAR_DATES))
    assert_clean(at)
    assert not at.error  # not an internal error: the report says what is wrong with the row
    assert any("rows left out" in w.value or "problem" in w.value for w in at.warning)
    search(at, "kyiv")


def test_a_hostile_url_gives_notices_in_code_spans():
    at = fresh_app(**HOSTILE_URL)
    assert_clean(at)
    (notice,) = [w.value for w in at.warning]  # one message: event, country, the unknown parameter; q is a search
    assert notice.startswith("Adjusted in the URL: ") and notice.count("` ignored") == 3, notice
    for part in ("` event=http://evil.example/login `", "` country=:smile: `", "` www.evil.example `"):
        assert part in notice, notice
    assert at.text_input(key="text").value == HOSTILE_URL["q"]  # a search for those very characters


def test_a_selected_title_with_a_url_is_plain_text(tmp_path):
    events = load_events().iloc[[11]].copy()
    events["title"] = "See http://evil.example/login and :material/warning: **now**"
    at = fresh_app()
    upload(at, ("mine.csv", to_csv(events)))
    at.session_state["event"] = "kyiv-offensive-2022"
    at.run()
    assert_clean(at)
    assert any(t.value.startswith("See http://evil.example/login and :material/warning: **now** — “")
               for t in at.text)


def test_a_bug_shows_a_reference_and_logs_the_traceback(monkeypatch, caplog):
    at = fresh_app()

    def broken(*_args):
        raise ZeroDivisionError("secret /srv/path detail")

    monkeypatch.setattr(dashboard.ui.views, "date_span", broken)  # run on every rerun (the summary is cached)
    with caplog.at_level(logging.ERROR, logger="dashboard"):
        at.run()
    assert_clean(at)
    (message,) = [e.value for e in at.error]
    reference = REFERENCE.search(message).group(1)
    assert "ZeroDivisionError" not in message and "/srv/path" not in message
    (record,) = [r for r in caplog.records if r.name == "dashboard.ui"]
    assert reference in record.getMessage() and record.exc_info[0] is ZeroDivisionError


def test_a_bug_in_a_callback_shows_a_reference(monkeypatch, caplog):
    at = fresh_app()

    def broken(_options):
        raise RuntimeError("boom")

    monkeypatch.setattr(dashboard.ui.state.FilterState, "default", broken)
    with caplog.at_level(logging.ERROR, logger="dashboard"):
        next(b for b in at.button if b.label == "Reset filters").click().run()
    assert_clean(at)
    assert any(REFERENCE.search(e.value) for e in at.error)
    assert any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


def test_st_stop_still_stops(tmp_path, monkeypatch):
    broken = tmp_path / "events.csv"
    broken.write_bytes(ONE_DAY.replace(b",RUS;UKR,", b",RUS;[x](http://evil.example),"))
    monkeypatch.setenv("DASHBOARD_EVENTS", str(broken))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert_clean(at)
    assert at.error[0].value.startswith("The dataset is invalid:") and "`" in at.error[0].value
    assert not at.title  # st.stop() ended the run after the message


@pytest.fixture
def fresh_caches():
    """``_static_assets`` is cached for the process; the tests below need it to look again, and the tests
    after them the normal answer."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def test_a_read_only_install_sends_the_map_files_inline(tmp_path, monkeypatch, fresh_caches):
    (tmp_path / "install").write_text("a file, so no folder can be made below it")
    monkeypatch.setattr(dashboard.paths, "STATIC_DIR", tmp_path / "install" / "static")
    at = fresh_app()
    assert_clean(at)
    assert not at.error
    links = component_args(at)["js_links"] + component_args(at)["css_links"]
    assert links and all(link.startswith("data:") for link in links)
    assert not (tmp_path / "install" / "static").exists()


def test_without_any_map_files_the_rest_of_the_app_runs(tmp_path, monkeypatch, fresh_caches):
    def unreadable(_path):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(dashboard.paths, "STATIC_DIR", Path("/proc/no-such-folder/static"))
    monkeypatch.setattr(dashboard.maps.assets, "inline_url", unreadable)
    at = fresh_app()
    assert_clean(at)
    (message,) = [e.value for e in at.error]
    assert "map cannot be drawn" in message and "`python -m dashboard assets`" in message
    assert not [e for e in at.main if getattr(e, "type", None) == "component_instance"]
    assert len(table_ids(at)) == len(load_events()) and len(at.get("vega_lite_chart")) == 1


def _parquet(frame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _hostile_uploads() -> list[tuple[str, str, bytes, str]]:
    """(id, file name, bytes, what the message says): small stand-ins for the tester's worst cases."""
    one_day = ONE_DAY.decode()
    header, row = one_day.splitlines()[:2]
    deep = b'{"type":"FeatureCollection","features":' + b"[" * 400 + b"]" * 400 + b"}"
    many = ",".join(f"c{i}" for i in range(250)) + "\n" + ",".join("x" * 250) + "\n"
    events = load_events().iloc[[10]]
    latitude = f"{events['latitude'].iloc[0]:.5f}".rstrip("0")  # as to_csv wrote it
    digits = one_day.replace(f",{latitude},", ",٤٩.٠,", 1)  # Arabic-Indic digits: float() would read 49.0
    return [
        ("long header name", "long.csv", (header + "," + "n" * 5_000 + "\n" + row + ",x\n").encode(),
         "characters long"),
        ("nested geojson", "deep.geojson", deep, "nested too deeply"),
        ("too many columns", "wide.csv", many.encode(), "250 columns; the limit is 200"),
        ("unicode digits", "digits.csv", digits.encode(), "non-ASCII digits"),
        ("duplicate ids", "twice.csv", (one_day.rstrip("\n") + "\n" + row + "\n").encode(), "duplicate"),
        ("parquet over the row limit", "many.parquet", _parquet(pd.concat([events] * 3)), "3 rows; the limit is 2"),
    ]


@pytest.mark.parametrize(("name", "data", "fragment"), [case[1:] for case in _hostile_uploads()],
                         ids=[case[0] for case in _hostile_uploads()])
def test_hostile_uploads_give_a_message_never_a_traceback(monkeypatch, name, data, fragment):
    """The tester's worst cases, small: each is refused or reported with a message naming the problem."""
    monkeypatch.setattr("dashboard.dataset.ingest.MAX_ROWS", 2)  # three rows are "too many" for the Parquet case
    at = fresh_app()
    upload(at, (name, data))
    assert_clean(at)
    messages = [e.value for e in [*at.error, *at.warning]]
    problems = [str(frame.value.to_dict("records")) for frame in at.dataframe if "problem" in frame.value.columns]
    assert any(fragment in text for text in messages + problems), (messages, problems)
    search(at, "kyiv")
