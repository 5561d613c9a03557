"""Exports: the CSV reads back as the same table and validates as a dataset; the GeoJSON is RFC 7946 with
[longitude, latitude] points and every other column in its properties; bad input raises ExportError."""

from __future__ import annotations

import io
import json
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.dataset.export import to_csv, to_geojson, to_records
from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events, read_table
from dashboard.dataset.schema import LOADED_COLUMNS
from dashboard.dataset.validation import validate_events
from dashboard.errors import ExportError
from dashboard.paths import PLACES_PATH, SEEDS_DIR

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def strict_json(data: bytes) -> dict:
    """JSON that must not contain NaN or Infinity, which RFC 8259 (and so RFC 7946) does not allow."""
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the GeoJSON")
    return json.loads(data.decode("utf-8"), parse_constant=refuse)


# ---------------------------------------------------------------- CSV


@pytest.mark.parametrize(
    "selection",
    [
        {},  # the whole dataset
        {"text": "vostok"},  # a filtered frame: its index has gaps
        {"countries": ["USA"]},  # rows with empty sources and background dates
    ],
)
def test_csv_reads_back_as_the_records(events, selection):
    frame = filter_events(events, **selection)
    back = read_csv(to_csv(frame))
    expected = to_records(frame).astype(str).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected)
    assert list(back["event_id"]) == list(frame["event_id"])


def test_csv_writes_lists_and_dates_in_the_dataset_format(events):
    row = read_csv(to_csv(events)).set_index("event_id").loc["vostok-2022"]
    assert list(read_csv(to_csv(events)).columns) == LOADED_COLUMNS
    assert (row["start_date"], row["end_date"]) == ("2022-08-30", "2022-09-05")
    assert row["participants"] == "RUS;CHN;KAZ;KGZ;TJK;IND;NIC;BLR"
    assert row["sources"] == "TASS;Al Jazeera"
    assert (float(row["latitude"]), float(row["longitude"])) == (62.0, 135.0)


def test_extra_columns_are_kept_after_the_schema_columns(events):
    frame = events.assign(reviewer="ab")
    assert list(read_csv(to_csv(frame)).columns) == [*LOADED_COLUMNS, "reviewer"]
    assert {f["properties"]["reviewer"] for f in strict_json(to_geojson(frame))["features"]} == {"ab"}


def test_csv_of_the_dataset_validates_as_an_events_file(events, tmp_path: Path):
    (tmp_path / "events.csv").write_bytes(to_csv(events))
    problems = validate_events(read_table(tmp_path / "events.csv"), file="events.csv",
                               places=read_table(PLACES_PATH)["place"], seeds_dir=SEEDS_DIR)
    assert problems == []


def test_csv_of_the_dataset_loads_again(events, tmp_path: Path):
    (tmp_path / "events.csv").write_bytes(to_csv(events))
    shutil.copy(PLACES_PATH, tmp_path / "places.csv")
    pd.testing.assert_frame_equal(load_events(tmp_path), events)


def test_empty_frame_exports_a_header_only_csv(events):
    assert to_csv(events.iloc[0:0]).decode("utf-8") == ",".join(LOADED_COLUMNS) + "\n"


# ---------------------------------------------------------------- GeoJSON


def test_geojson_is_a_feature_collection_of_points(events):
    collection = strict_json(to_geojson(events))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 drops crs: coordinates are always WGS84
    assert len(collection["features"]) == len(events)
    for feature, row in zip(collection["features"], events.itertuples(index=False), strict=True):
        assert feature["type"] == "Feature" and feature["id"] == row.event_id
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]  # [longitude, latitude], in that order
        assert (lon, lat) == (pytest.approx(row.longitude, abs=1e-6), pytest.approx(row.latitude, abs=1e-6))
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_properties_hold_every_other_column(events):
    features = strict_json(to_geojson(events))["features"]
    other = [column for column in LOADED_COLUMNS if column not in ("latitude", "longitude")]
    for feature, row in zip(features, events.to_dict("records"), strict=True):
        properties = feature["properties"]
        assert list(properties) == other
        assert properties["participants"] == list(row["participants"])  # arrays, not ;-joined text
        assert properties["sources"] == list(row["sources"])
        for column in ("start_date", "end_date"):
            assert ISO_DAY.match(properties[column]) and properties[column] == f"{row[column]:%Y-%m-%d}"
        assert properties["location_precision"] == row["location_precision"]
        assert isinstance(properties["location_precision"], int)
        for column in ("event_id", "title", "quote", "seed", "notes", "place", "place_country", "coord_source"):
            assert properties[column] == row[column]


def test_geojson_keeps_non_ascii_text_as_utf8(events):
    data = to_geojson(events)
    assert "Russia’s far east".encode() in data  # the typographic apostrophe, not \u2019
    assert "[…]".encode() in data


def test_empty_frame_exports_an_empty_feature_collection(events):
    assert strict_json(to_geojson(events.iloc[0:0])) == {"type": "FeatureCollection", "features": []}


def test_an_event_without_coordinates_is_an_export_error(events):
    frame = events.copy()
    frame.loc[2, "latitude"] = math.nan
    with pytest.raises(ExportError, match="vostok-2022-pacific"):
        to_geojson(frame)


# ---------------------------------------------------------------- missing columns


@pytest.mark.parametrize(
    "dropped",
    [
        ["latitude"],
        ["participants", "sources"],  # every missing column is named
        ["event_id"],
        ["place_country"],  # a column that only the join adds
    ],
)
@pytest.mark.parametrize("export", [to_csv, to_geojson, to_records])
def test_missing_columns_raise_export_error(events, dropped, export):
    with pytest.raises(ExportError) as caught:
        export(events.drop(columns=dropped))
    assert str(caught.value) == f"cannot export: missing column(s) {', '.join(dropped)}"
    assert isinstance(caught.value, ValueError)
