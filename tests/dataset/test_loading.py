"""The bundled dataset loads, and holds what the seed article says."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.dataset.loading import load_events, read_table
from dashboard.dataset.schema import LOADED_COLUMNS, LocationPrecision
from dashboard.dataset.validation import quote_in_text
from dashboard.errors import UnreadableFileError
from dashboard.geography.countries import is_iso3
from dashboard.paths import EVENTS_PATH, SEEDS_DIR

SEED = "000_0441dc0ab698eb74.txt"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def test_loads_one_row_per_event_with_the_documented_columns(events):
    assert list(events.columns) == LOADED_COLUMNS
    assert len(events) == len(read_table(EVENTS_PATH))
    assert events["event_id"].is_unique


def test_dates_are_dates_and_coordinates_are_floats(events):
    assert pd.api.types.is_datetime64_any_dtype(events["start_date"])
    assert pd.api.types.is_datetime64_any_dtype(events["end_date"])
    assert (events["end_date"] >= events["start_date"]).all()
    assert events["latitude"].between(-90, 90).all() and events["longitude"].between(-180, 180).all()


def test_every_quote_is_verbatim_in_its_seed(events):
    for quote, seed in zip(events["quote"], events["seed"], strict=True):
        assert quote_in_text(quote, (SEEDS_DIR / seed).read_text(encoding="utf-8")), quote


def test_every_place_has_coordinates_precision_and_provenance(events):
    assert events[["latitude", "longitude"]].notna().all().all()
    assert events["location_precision"].isin([int(p) for p in LocationPrecision]).all()
    assert (events["coord_source"].str.len() > 0).all()


def test_participants_are_iso3(events):
    codes = {code for codes in events["participants"] for code in codes}
    assert codes and all(is_iso3(code) for code in codes)


def test_vostok_2022_as_the_article_reports_it(events):
    vostok = events.set_index("event_id").loc["vostok-2022"]
    assert set(vostok["participants"]) == {"CHN", "RUS", "KAZ", "KGZ", "TJK", "IND", "NIC", "BLR"}
    assert (vostok["start_date"], vostok["end_date"]) == (pd.Timestamp("2022-08-30"), pd.Timestamp("2022-09-05"))
    assert vostok["place"] == "Russian Far East" and vostok["location_precision"] == LocationPrecision.WIDER_REGION
    assert set(vostok["sources"]) == {"TASS", "Al Jazeera"} and vostok["date_basis"] == "article"


@pytest.mark.parametrize(
    ("event_id", "place", "precision"),
    [
        ("vostok-2022-sea-of-japan", "Sea of Japan", 7),  # a sea is not a point
        ("vostok-2022-pacific", "Pacific Ocean", 7),
        ("taiwan-maneuvers-2022", "Taiwan", 6),
        ("belarus-troop-buildup-2022", "Belarus", 6),
        ("kyiv-offensive-2022", "Kyiv", 2),
    ],
)
def test_places_carry_honest_precision(events, event_id, place, precision):
    row = events.set_index("event_id").loc[event_id]
    assert (row["place"], row["location_precision"]) == (place, precision)


def test_background_dates_say_where_they_come_from(events):
    background = events[events["date_basis"] == "background"]
    assert len(background) > 0 and (background["date_note"].str.len() > 20).all()


def test_the_article_s_outlets_are_cited(events):
    outlets = {outlet for sources in events["sources"] for outlet in sources}
    assert outlets == {"TASS", "Al Jazeera", "NBC News", "Reuters", "The Guardian"}


def test_all_rows_cite_the_seed(events):
    assert set(events["seed"]) == {SEED}


def test_extra_columns_are_kept(dataset_dir):
    from tests.conftest import edit_csv

    edit_csv(dataset_dir / "events.csv", 1, "analyst", "A. N. Other")
    frame = load_events(dataset_dir)
    assert frame.loc[0, "analyst"] == "A. N. Other" and list(frame.columns[:-1]) == LOADED_COLUMNS


@pytest.mark.parametrize(("content", "message"), [
    (gzip.compress(b"event_id,title\n"), "gzip-compressed"),
    ((Path(__file__).parents[1] / "corpus" / "semicolons.csv").read_bytes(), "separated by semicolons"),
    (b"PK\x03\x04" + bytes(64), "spreadsheet (XLSX/ODS)"),
    (bytes(range(256)) * 4, "a binary file"),
])
def test_a_table_on_disk_is_told_apart_as_an_upload_is(tmp_path: Path, content: bytes, message: str):
    """``read_table`` (the two-file dataset, DASHBOARD_EVENTS) says what a file is, as the uploader does."""
    path = tmp_path / "events.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=re.escape(message)):
        read_table(path)
