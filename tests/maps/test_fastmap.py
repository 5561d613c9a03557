"""The fast map path: it draws exactly the filtered events, its script is stable across reruns, the selected
event's popup is the small path's, and nothing leaves the machine."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import pytest

from dashboard.bench import component_strings, prepared_base
from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from dashboard.dataset.synthetic import synthetic_dataset, write_dataset
from dashboard.geography.geometry import load_world
from dashboard.maps.assets import external_links, walk_elements
from dashboard.maps.fastmap import FAST_EVENTS_JS, SELECTED_PANE, build_fast_layers, decode_payload, encode_events
from dashboard.maps.mapping import (
    EVENT_COLORS,
    EventMarkers,
    MapContext,
    build_base_map,
    event_id_from_tooltip,
    popup_html,
    tooltip_text,
)
from dashboard.paths import WORLD_PATH

NODE = shutil.which("node")
FILTERS = [
    {},  # everything
    {"event_types": ["armed_conflict"]},
    {"start": "2020-01-01", "end": "2021-06-30"},
    {"countries": ["UKR", "RUS"]},
    {"text": "district"},
    {"event_types": ["no-such-type"]},  # nothing at all
]


@pytest.fixture(scope="module")
def events(tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("fast")
    return load_events(write_dataset(synthetic_dataset(4_000, seed=3), folder), seeds_dir=folder / "seeds")


@pytest.fixture(scope="module")
def context() -> MapContext:
    return MapContext(world=load_world(WORLD_PATH))


def strings(context: MapContext, layers: list[folium.FeatureGroup]) -> dict[str, str]:
    return component_strings(prepared_base(context), layers)


@pytest.mark.parametrize("criteria", FILTERS)
def test_payload_holds_each_filtered_event_once_where_it_is(events, criteria):
    filtered = filter_events(events, **criteria)
    drawn = decode_payload(encode_events(filtered))
    assert Counter(drawn["event_id"]) == Counter(filtered["event_id"])  # nothing dropped, nothing twice
    expected = filtered.set_index("event_id").loc[drawn["event_id"]]
    assert np.allclose(drawn["latitude"], expected["latitude"], atol=1e-5)
    assert np.allclose(drawn["longitude"], expected["longitude"], atol=1e-5)
    assert (drawn["event_type"].to_numpy() == expected["event_type"].to_numpy()).all()
    assert (drawn["start_date"].to_numpy() == expected["start_date"].to_numpy().astype("datetime64[D]")).all()
    assert (drawn["precise"].to_numpy() == (expected["location_precision"] <= 2).to_numpy()).all()


@pytest.mark.parametrize("ids", [
    ["a"],
    ["ukr1", "ukr12", "ukr123", "ukr2", "rus1"],  # each a prefix of the next, then a shorter one
    ["x" * 80, "x" * 79, "x" * 78 + "z", "y"],  # longest slugs, sharing everything but the end
])
def test_ids_survive_front_coding(events, ids):
    frame = events.head(len(ids)).assign(event_id=ids, latitude=1.0, longitude=2.0, location_precision=1)  # one place
    assert list(decode_payload(encode_events(frame))["event_id"]) == ids


@pytest.mark.skipif(NODE is None, reason="Node.js runs the layer's decoding and binning outside a browser")
@pytest.mark.parametrize("criteria", FILTERS[:4])
def test_browser_bins_count_every_filtered_event_once(events, criteria, tmp_path: Path):
    """The layer's own JavaScript: bins over the whole world at zoom 2 and 5, and over one view, sum to the
    events in them; every place is in exactly one bin; the ids it shows are the events' ids."""
    filtered = filter_events(events, **criteria)
    script = tmp_path / "check.js"
    script.write_text("globalThis.window = globalThis;\n" + FAST_EVENTS_JS + """
const d = NewsFastCore.decode(JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")));
const out = {};
for (const zoom of [2, 5]) {
    const r = NewsFastCore.bin(d, 256 * 2 ** zoom, 0, 0, -1e9, -1e9, 1e9, 1e9, 60);
    const places = r.bins.flatMap(b => b.places);
    out[zoom] = {sum: r.bins.reduce((a, b) => a + b.count, 0), inView: r.inView, places: places.length,
                 distinct: new Set(places).size};
}
const view = NewsFastCore.bin(d, 1024, 400, 200, 0, 0, 300, 200, 60);
out.view = {sum: view.bins.reduce((a, b) => a + b.count, 0), inView: view.inView};
out.ids = NewsFastCore.ids(d);
out.nPlaces = d.nPlaces;
console.log(JSON.stringify(out));
""", encoding="utf-8")
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(encode_events(filtered)), encoding="utf-8")
    out = json.loads(subprocess.run([NODE, str(script), str(payload)], capture_output=True, text=True,
                                    check=True, timeout=30).stdout)
    for zoom in ("2", "5"):
        assert out[zoom]["sum"] == out[zoom]["inView"] == len(filtered)
        assert out[zoom]["places"] == out[zoom]["distinct"] == out["nPlaces"]
    assert out["view"]["sum"] == out["view"]["inView"] <= len(filtered)
    assert Counter(out["ids"]) == Counter(filtered["event_id"])


def test_layer_script_is_byte_identical_across_reruns(events, context):
    first = strings(context, build_fast_layers(events, context, selected=events["event_id"].iloc[5]))
    again = strings(context, build_fast_layers(events.copy(), context, selected=events["event_id"].iloc[5]))
    assert first == again
    other = strings(context, build_fast_layers(events.iloc[1:], context))
    assert other["feature_group"] != first["feature_group"]


def test_payload_is_compact(events, context):
    sent = strings(context, build_fast_layers(events, context))["feature_group"]
    assert len(sent.encode()) / len(events) < 40  # the budget, at only 4k events (fixed costs count)


def selected_markers(layers: list[folium.FeatureGroup]) -> tuple[EventMarkers, list[dict]]:
    (element,) = [e for layer in layers for e in walk_elements(layer) if isinstance(e, EventMarkers)]
    return element, json.loads(element.records)


def test_selected_event_has_the_small_paths_popup_and_tooltip(context):
    events = load_events()  # the curated data: every field a popup may show
    for row in events.itertuples(index=False):
        layers = build_fast_layers(events, context, selected=row.event_id)
        element, (record,) = selected_markers(layers)
        assert element.options["pane"] == SELECTED_PANE and element.options["open"] is True  # on top, open
        assert record["popup"] == popup_html(row) and record["tooltip"] == tooltip_text(row)
        assert re.search(r'"open": ?true', strings(context, layers)["feature_group"])


def test_no_selection_or_unknown_selection_draws_only_the_canvas(events, context):
    for selected in (None, "not-an-event"):
        layers = build_fast_layers(events, context, selected=selected)
        assert len(layers) == 4
        assert selected_markers(layers)[1] == []


def test_canvas_tooltips_hide_ids_and_bins_have_no_type_colour():
    # The hover tooltip and the reported click end with [id] in a hidden element, as the small path's markers.
    assert FAST_EVENTS_JS.count('"<span hidden>["') == 1 and "self._tooltip(h.e)" in FAST_EVENTS_JS
    assert "this._tooltip(e)" in FAST_EVENTS_JS  # select(): what streamlit-folium reads on a click
    assert event_id_from_tooltip("Armed conflict, 2022-02-24[kyiv-offensive-2022]") == "kyiv-offensive-2022"
    # Bins are white with a dark number, ringed by their events' type colours (from the payload): no bin colour
    # is a type colour.
    assert 'ctx.fillStyle = "#fff"; ctx.fill();' in FAST_EVENTS_JS and 'ctx.fillStyle = "#222";' in FAST_EVENTS_JS
    assert "ctx.strokeStyle = this._d.colors[t]" in FAST_EVENTS_JS
    assert not {"#fff", "#ffffff", "#222", "#222222"} & {color.lower() for color in EVENT_COLORS.values()}
    assert all(color.lower() not in FAST_EVENTS_JS.lower() for color in EVENT_COLORS.values())


def test_nothing_is_loaded_from_the_internet(events, context):
    base = build_base_map(context)
    layers = build_fast_layers(events, context, selected=events["event_id"].iloc[0])
    assert external_links(base, *layers) == []
    sent = strings(context, layers)["feature_group"]
    assert "http:" not in sent and "https:" not in sent and "//cdn" not in sent


def test_empty_selection_encodes(events, context):
    assert decode_payload(encode_events(events.iloc[:0])).empty
    assert "NewsFastEvents" in strings(context, build_fast_layers(events.iloc[:0], context))["feature_group"]


def test_a_click_on_the_canvas_tells_the_control_it_was_picked_on_the_map():
    # The layer control then opens the selected event's popup where it is, without moving the map to it.
    assert "(window.__newsSelection = window.__newsSelection || {}).picked = core.ids(this._d)[e];" in FAST_EVENTS_JS
