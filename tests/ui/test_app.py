"""The Streamlit app under AppTest: it runs, each filter changes the table as the core says, downloads are
exactly the filtered table, the URL carries the state, and the map component loads nothing from the internet."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard.dataset.export import to_csv, to_geojson
from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from dashboard.maps.controls import first_views

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "ui" / "app.py")


class RecordingStorage(MemoryMediaFileStorage):
    """The media storage AppTest uses, remembered so a test can read what a download button serves."""

    latest: RecordingStorage | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        RecordingStorage.latest = self


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def table_ids(at: AppTest) -> list[str]:
    """The event ids in the app's events table (not the upload's problems table); [] when it is not shown."""
    tables = [frame.value for frame in at.dataframe if "ID" in frame.value.columns]
    return list(tables[0]["ID"]) if tables else []


def download(at: AppTest, label: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.label == label)
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return RecordingStorage.latest.get_file(file_id).content


def component_args(at: AppTest) -> dict:
    component = next(e for e in at.main if getattr(e, "type", None) == "component_instance")
    return json.loads(component.proto.json_args)


def control_arguments(args: dict) -> list:
    """What the map's layer control is called with: layer ids, hidden layer ids, (width, view) pairs."""
    match = re.search(r"\}\)\(map_div, layer_control_layer_control, (.*)\);\s*window.layer_control",
                      args["layer_control"], re.S)
    return json.loads(f"[{match.group(1)}]")


def test_runs_and_shows_everything(app, events):
    assert app.title[0].value == "News events map"
    assert [m.value for m in app.metric][:3] == [str(len(events)), str(events["place"].nunique()), "11"]
    assert sorted(table_ids(app)) == sorted(events["event_id"])
    assert len(app.get("vega_lite_chart")) == 1
    args = component_args(app)  # the map opens on the whole dataset, wherever it is: the frame picks the view
    assert args["center"] is None and args["zoom"] is None  # for its width from the control's (see test_controls)
    assert control_arguments(args)[2] == [[w, list(c), z] for w, (c, z) in first_views(events)]


@pytest.mark.parametrize(
    ("widget", "value", "core"),
    [
        ("countries", ["TWN"], {"countries": ["TWN"]}),
        ("countries", ["NIC", "UKR"], {"countries": ["NIC", "UKR"]}),
        ("types", ["armed_conflict"], {"event_types": ["armed_conflict"]}),
        ("sources", ["Al Jazeera"], {"sources": ["Al Jazeera"]}),
    ],
)
def test_each_multiselect_filters_as_the_core_says(app, events, widget, value, core):
    app.multiselect(key=widget).set_value(value).run()
    expected = filter_events(events, **core)
    assert 0 < len(expected) < len(events)
    assert table_ids(app) == list(expected["event_id"])
    assert app.metric[0].value == str(len(expected))


def test_date_slider_filters_by_overlap(app, events):
    app.slider(key="dates").set_value((dt.date(2022, 8, 1), dt.date(2022, 8, 31))).run()
    expected = filter_events(events, start="2022-08-01", end="2022-08-31")
    assert table_ids(app) == list(expected["event_id"]) and 0 < len(expected) < len(events)


def test_text_search_filters(app, events):
    app.text_input(key="text").set_value("Kyiv").run()
    assert table_ids(app) == list(filter_events(events, text="Kyiv")["event_id"])


def test_no_match_shows_a_message_and_empty_downloads(app):
    app.text_input(key="text").set_value("no such thing anywhere").run()
    assert not app.exception and any("No events match" in i.value for i in app.info)
    assert download(app, "Download CSV").decode().count("\n") == 1  # the header only


def test_downloads_are_exactly_the_filtered_table(app, events):
    app.multiselect(key="countries").set_value(["CHN"]).run()
    filtered = filter_events(events, countries=["CHN"])
    csv_bytes = download(app, "Download CSV")
    assert csv_bytes == to_csv(filtered)
    assert list(pd.read_csv(io.BytesIO(csv_bytes))["event_id"]) == list(filtered["event_id"])
    geojson = json.loads(download(app, "Download GeoJSON"))
    assert geojson == json.loads(to_geojson(filtered))
    assert [f["id"] for f in geojson["features"]] == list(filtered["event_id"])


def test_reset_restores_everything(app, events):
    app.multiselect(key="countries").set_value(["TWN"]).run()
    app.button[0].click().run()
    assert len(table_ids(app)) == len(events)


def test_filter_state_goes_into_the_url(app):
    app.multiselect(key="countries").set_value(["RUS", "CHN"]).run()
    app.text_input(key="text").set_value("drills").run()
    assert app.query_params["country"] == ["RUS", "CHN"] and app.query_params["q"] in ("drills", ["drills"])


def test_a_shared_url_reopens_the_view(events):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"country": ["TWN"], "from": "2022-08-01", "to": "2022-08-31"})
    at.run()
    expected = filter_events(events, countries=["TWN"], start="2022-08-01", end="2022-08-31")
    assert table_ids(at) == list(expected["event_id"]) and not at.warning


def test_bad_url_parameters_are_ignored_with_a_notice(events):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"country": ["ATL"], "from": "yesterday", "type": "<script>"})
    at.run()
    assert not at.exception
    (notice,) = [w.value for w in at.warning]  # one message for every parameter
    for part in ("` from=yesterday ` ignored", "` country=ATL ` ignored", "` type=<script> ` ignored"):
        assert part in notice, notice
    assert len(table_ids(at)) == len(events)


def test_map_component_loads_nothing_from_the_internet(app):
    args = component_args(app)
    links = args["js_links"] + args["css_links"]
    assert links and not [link for link in links if "://" in link or link.startswith("//")]
    assert any(link.endswith("leaflet.js") for link in args["js_links"])
    assert "https://" not in args["header"] and "<script src" not in args["header"]


def test_map_layers_follow_the_filters(app):
    all_layers = component_args(app)["feature_group"]
    app.multiselect(key="countries").set_value(["TWN"]).run()
    taiwan_layers = component_args(app)["feature_group"]
    marker = '"popup":'  # one a marker, in the JSON the markers' script draws from (lines have tooltips too)
    assert taiwan_layers.count(marker) == 2 < all_layers.count(marker)


def test_url_parameters_cannot_inject_markdown():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"country": ["![x](//evil.example/p.png)"], "q": "$5 bn and $3 bn"})
    at.run()
    notice = " ".join(w.value for w in at.warning)
    # In a code span: shown as text, no image is fetched (the browser tests look at the page itself).
    assert "` country=![x](//evil.example/p.png) ` ignored" in notice
    assert not at.exception


def test_reported_layer_choices_travel_in_the_url(app):
    control = component_args(app)["layer_control"]
    app.session_state["map"] = {"hidden_layers": ["lines", "osm"]}  # the frame's report of an untick
    app.run()
    assert app.query_params["hide"] in ("lines", ["lines"])
    # The frame keeps the choice itself: the control is the same, so the report's rerun does not rebuild it.
    assert component_args(app)["layer_control"] == control
    app.session_state["map"] = {"last_object_clicked_tooltip": None}  # a later value (a click) holds no report
    app.multiselect(key="countries").set_value(["TWN"]).run()
    assert app.query_params["hide"] in ("lines", ["lines"])
    assert control_arguments(component_args(app))[3] == control_arguments({"layer_control": control})[3]
    app.session_state["map"] = {"hidden_layers": []}  # every layer back on: nothing in the URL
    app.run()
    assert "hide" not in app.query_params


def test_a_shared_url_hides_its_layers():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"hide": ["extent", "nonsense"]})
    at.run()
    assert control_arguments(component_args(at))[1] == ["extent"] and at.query_params["hide"] in ("extent", ["extent"])
    assert "` hide=nonsense ` ignored (not a layer)" in " ".join(w.value for w in at.warning)


def test_typed_dates_move_the_slider_and_the_table(app, events):
    app.date_input(key="date_from").set_value(dt.date(2022, 8, 1)).run()
    assert app.slider(key="dates").value == (dt.date(2022, 8, 1), events["end_date"].max().date())
    app.date_input(key="date_to").set_value(dt.date(2022, 8, 31)).run()
    assert app.slider(key="dates").value == (dt.date(2022, 8, 1), dt.date(2022, 8, 31))
    expected = filter_events(events, start="2022-08-01", end="2022-08-31")
    assert sorted(table_ids(app)) == sorted(expected["event_id"])
    assert (app.query_params["from"], app.query_params["to"]) == ("2022-08-01", "2022-08-31")


def test_a_typed_date_past_the_other_end_moves_both(app):
    app.date_input(key="date_to").set_value(dt.date(2022, 8, 31)).run()
    app.date_input(key="date_from").set_value(dt.date(2022, 9, 2)).run()
    assert app.slider(key="dates").value == (dt.date(2022, 9, 2), dt.date(2022, 9, 2))
    assert app.date_input(key="date_to").value == dt.date(2022, 9, 2)


def test_the_slider_moves_the_typed_dates(app):
    app.slider(key="dates").set_value((dt.date(2022, 1, 1), dt.date(2022, 6, 30))).run()
    assert (app.date_input(key="date_from").value, app.date_input(key="date_to").value) == \
        (dt.date(2022, 1, 1), dt.date(2022, 6, 30))


@pytest.mark.parametrize("query", ["Kiev", "KIEW", "kyïv"])
def test_the_search_knows_other_names_of_places(app, events, query):
    app.text_input(key="text").set_value(query).run()
    assert sorted(table_ids(app)) == sorted(events.loc[events["place"] == "Kyiv", "event_id"])
