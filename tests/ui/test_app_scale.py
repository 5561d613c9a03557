"""The app at scale (AppTest): many events go through the fast map path, the table and timeline stay small,
large downloads are made only on demand, and a 100,000-row upload is shown."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.dataset.export import to_csv
from dashboard.dataset.loading import load_events
from dashboard.dataset.synthetic import synthetic_dataset, write_dataset
from dashboard.maps.fastmap import FAST_THRESHOLD
from tests.ui.test_app import APP, component_args, table_ids
from tests.ui.test_app_upload import upload


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory):
    dataset = synthetic_dataset(20_000, seed=7)
    return write_dataset(dataset, tmp_path_factory.mktemp("big"), fmt="parquet")


@pytest.fixture
def big_app(big_dataset, monkeypatch) -> AppTest:
    monkeypatch.setenv("DASHBOARD_EVENTS", str(big_dataset))
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception, at.exception
    return at


def test_many_events_take_the_fast_path(big_app):
    layers = component_args(big_app)["feature_group"]
    assert "NewsFastEvents" in layers and "var popup_" not in layers  # no popup per event
    assert big_app.metric[0].value == "20,000"
    assert len(json.dumps(component_args(big_app))) < 40 * 20_000  # the budget: 40 bytes per event


def test_table_and_timeline_stay_small(big_app):
    assert len(table_ids(big_app)) == 2_000
    assert any("Showing 2,000 of 20,000 events" in c.value for c in big_app.caption)
    spec = json.loads(big_app.get("vega_lite_chart")[0].proto.spec)
    assert "events by the month they start" in json.dumps(spec)


def test_large_downloads_are_deferred(big_app):
    buttons = [b for b in big_app.get("download_button") if b.label in ("Download CSV", "Download GeoJSON")]
    assert len(buttons) == 2
    for button in buttons:
        assert not button.proto.url  # made when pressed, not on every rerun (the small template is made at once)


def test_filtering_below_the_threshold_returns_to_markers(big_app):
    big_app.multiselect(key="types").set_value(["diplomatic_visit"]).run()
    big_app.text_input(key="text").set_value("Taipei").run()
    layers = component_args(big_app)["feature_group"]
    assert 0 < len(table_ids(big_app)) <= FAST_THRESHOLD and "NewsFastEvents" not in layers


def test_a_100k_row_upload_is_shown():
    events = load_events()
    import pandas as pd

    big = pd.concat([events] * (100_000 // len(events) + 1), ignore_index=True).head(100_000)
    big["event_id"] = [f"e{i}" for i in range(len(big))]
    at = AppTest.from_file(APP, default_timeout=300).run()
    upload(at, ("rows_100k.csv", to_csv(big)))
    assert not at.exception, at.exception
    assert any("all 100000 rows are valid" in s.value for s in at.success)
    assert at.metric[0].value == "100,000"
