"""The readers of published datasets: each layout's mapping, detection, the import command and the app's upload
path, on small files written here in each published layout (tests/dataset/formats/samples.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.dataset.export import to_records
from dashboard.dataset.formats import detect_columns, detect_format
from dashboard.dataset.importing import import_files
from dashboard.dataset.ingest import ingest_path, read_bytes
from dashboard.dataset.loading import load_events
from dashboard.dataset.validation import validate_events

from .samples import (
    ACLED_ROWS,
    write_acled,
    write_acled_xlsx,
    write_gdelt,
    write_gdelt_zip,
    write_synthetic,
    write_ucdp,
)

WRITERS = {
    "acled.csv": (write_acled, "acled"),
    "acled.xlsx": (write_acled_xlsx, "acled"),
    "ged.csv": (write_ucdp, "ucdp"),
    "20230415120000.export.CSV": (write_gdelt, "gdelt"),
    "20230415120000.export.CSV.zip": (write_gdelt_zip, "gdelt"),
}


@pytest.fixture(params=list(WRITERS))
def sample(request, tmp_path) -> tuple[Path, str]:
    writer, layout = WRITERS[request.param]
    if request.param.endswith(".xlsx"):
        pytest.importorskip("openpyxl")  # ACLED's spreadsheets: an optional dependency
    return writer(tmp_path / request.param), layout


def test_detect_format_by_header_or_shape(sample):
    path, layout = sample
    assert detect_format(path).name == layout
    assert detect_format(path.read_bytes(), path.name).name == layout


@pytest.mark.parametrize("columns, expected", [
    (["EVENT_ID_CNTY", "EVENT_DATE", "TIME_PRECISION", "EVENT_TYPE", "ACTOR1", "COUNTRY", "LOCATION", "LATITUDE",
      "LONGITUDE", "GEO_PRECISION"], "acled"),  # older ACLED downloads write the names in capitals
    (["id", "relid", "type_of_violence", "side_a", "side_b", "where_prec", "latitude", "longitude", "country",
      "date_prec", "date_start", "date_end"], "ucdp"),
    (["title", "date", "latitude", "longitude"], None),  # an analyst's own table: the column mapping's business
    (["event_id_cnty", "event_date"], None),  # too few of ACLED's columns to read it as ACLED
])
def test_detect_columns(columns, expected):
    layout = detect_columns(columns)
    assert (layout.name if layout else None) == expected


def test_detect_format_refuses_other_files(tmp_path):
    own = tmp_path / "mine.csv"
    own.write_text("title,date,lat,lon\nA,2023-01-01,1,2\n", encoding="utf-8")
    tabs = tmp_path / "tabs.tsv"
    tabs.write_text("1\t2\t3\n", encoding="utf-8")  # tab-separated, but not GDELT's 57, 58 or 61 fields
    assert detect_format(own) is None
    assert detect_format(tabs) is None


def _events(path: Path):
    result = ingest_path(path, seeds={})
    return result, result.events.set_index("event_id")


def test_acled_mapping(tmp_path):
    result, events = _events(write_acled(tmp_path / "acled.csv"))
    battle, protest, agreement = (events.loc[i] for i in ("acled-sud12345", "acled-ken999", "acled-sud12346"))
    assert battle.title == "Battles: Military Forces of Sudan (2019-) vs Rapid Support Forces in Khartoum"
    assert (battle.event_type, protest.event_type, agreement.event_type) == \
        ("armed_conflict", "other", "diplomatic_agreement")
    # time_precision 1: the day; 2: the week around ACLED's middle day; 3: the whole month
    assert (str(battle.start_date.date()), str(battle.end_date.date()), battle.date_precision) == \
        ("2023-04-15", "2023-04-15", "day")
    assert (str(protest.start_date.date()), str(protest.end_date.date()), protest.date_precision) == \
        ("2023-03-17", "2023-03-23", "week")
    assert (str(agreement.start_date.date()), str(agreement.end_date.date()), agreement.date_precision) == \
        ("2023-05-01", "2023-05-31", "month")
    # geo_precision 1, 2, 3 onto the UCDP scale: 1, 2, 4
    assert [events.loc[i, "location_precision"] for i in events.index] == [1, 2, 4]
    assert battle.participants == ("SDN",)  # the RSF is no country's
    assert agreement.participants == ("SDN", "SAU")
    assert battle.place_country == "SDN"  # from iso 729
    assert battle.sources == ("Sudan Tribune", "Radio Dabanga")
    assert battle.quote == ACLED_ROWS[0]["notes"]
    assert (battle.seed, battle.date_basis) == ("external: ACLED", "table")
    assert result.rows == 6 and len(events) == 3


@pytest.mark.parametrize("writer, expected", [
    (write_acled, {(4, "event_date"): "'31 Febtember 2023' is not a date (ACLED writes 2023-04-15 or 15 April 2023)",
                   (5, "latitude"): "95.0 is outside [-90, 90]",
                   (6, "event_type"): "'Picnics' is not one of: Battles, Explosions/Remote violence, Violence against "
                                      "civilians, Protests, Riots, Strategic developments"}),
    (write_ucdp, {(4, "date_start"): "'sometime' is not a date (UCDP writes 2023-04-15)",
                  (5, "latitude"): "-91 is outside [-90, 90]",
                  (6, "type_of_violence"): "'4' is not one of: 1 (state-based), 2 (non-state), 3 (one-sided)"}),
    (write_gdelt, {(4, "SQLDATE"): "'20231345' is not a date (GDELT writes YYYYMMDD)",
                   (5, "ActionGeo_Lat"): "123.4 is outside [-90, 90]",
                   (6, "EventRootCode"): "'99' is not one of: the CAMEO root codes 01 to 20",
                   (7, "ActionGeo_Type"): "no action location (ActionGeo_Type 0 or no coordinates): the event "
                                          "cannot be placed on the map"}),
])
def test_bad_rows_are_listed_in_the_files_terms(tmp_path, writer, expected):
    result, events = _events(writer(tmp_path / "sample.txt"))
    assert {(p.row, p.column): p.message for p in result.problems} == expected
    assert result.rows_left_out == sorted(row for row, _ in expected)
    assert len(events) == 3


def test_ucdp_mapping(tmp_path):
    _, events = _events(write_ucdp(tmp_path / "ged.csv"))
    clash, donetsk, sea = (events.loc[f"ucdp-50000{i}"] for i in (1, 2, 3))
    assert clash.title == "State-based conflict: Government of Sudan vs RSF in Khartoum town"
    assert set(events["event_type"]) == {"armed_conflict"}
    assert (str(donetsk.start_date.date()), str(donetsk.end_date.date()), donetsk.date_precision) == \
        ("2022-06-01", "2022-06-30", "month")
    assert sea.date_precision == "week"  # date_prec 2: two to six days
    assert [clash.location_precision, donetsk.location_precision, sea.location_precision] == [1, 4, 7]
    assert donetsk.participants == ("RUS", "UKR")  # Gleditsch-Ward 365 and 369
    assert clash.sources == ("Reuters", "AFP") and clash.quote == "Fighting in Khartoum"
    assert clash.seed == "external: UCDP"


def test_gdelt_mapping(tmp_path):
    _, events = _events(write_gdelt_zip(tmp_path / "20230415120000.export.CSV.zip"))
    fight, visit, statement = (events.loc[f"gdelt-110000000{i}"] for i in (1, 2, 3))
    assert fight.title == "Fight: RUSSIA → UKRAINE in Kharkiv, Kharkivs'ka Oblast', Ukraine"
    assert (fight.event_type, visit.event_type, statement.event_type) == \
        ("armed_conflict", "diplomatic_visit", "official_statement")
    assert [fight.location_precision, visit.location_precision, statement.location_precision] == [2, 6, 4]
    assert fight.place_country == "UKR"  # FIPS UP
    assert statement.participants == ("ROU",)  # CAMEO's ROM; AFR (Africa) is no country
    assert fight.sources == ("example.org",) and fight.url == "https://www.example.org/news/kharkiv"
    assert (fight.quote, fight.seed) == ("", "external: GDELT")


def test_upload_path_reads_a_published_layout_without_a_mapping(tmp_path):
    path = write_acled(tmp_path / "acled.csv")
    table = read_bytes(path.read_bytes(), "acled.csv")
    assert "event_id" in table.columns and "title" in table.columns  # no mapping form: the dataset's columns


def test_validator_applies_the_quote_rule_to_article_rows_only(tmp_path):
    result, _ = _events(write_acled(tmp_path / "acled.csv"))
    frame = to_records(result.events).astype(str)
    assert validate_events(frame, file="x", places=None, seeds_dir={}) == []  # notes are no seed's passage
    frame.loc[0, "date_basis"] = "article"
    frame.loc[1, "seed"] = "external: FOO"
    messages = {(p.row, p.column): p.message for p in validate_events(frame, file="x", places=None, seeds_dir={})}
    assert "has the date basis 'table'" in messages[(1, "date_basis")]
    assert "names no dataset we import" in messages[(2, "seed")]


def test_import_writes_a_dataset_the_loader_validates(tmp_path):
    files = [write_acled(tmp_path / "acled.csv"), write_ucdp(tmp_path / "ged.csv"),
             write_gdelt_zip(tmp_path / "20230415120000.export.CSV.zip")]
    result = import_files(files, tmp_path / "out" / "events.parquet")
    assert (result.rows, result.written) == (19, 9)
    assert len(result.problems) == 10
    loaded = load_events(tmp_path / "out" / "events.parquet", seeds_dir=tmp_path / "no-seeds")
    assert len(loaded) == 9
    assert set(loaded["seed"]) == {"external: ACLED", "external: UCDP", "external: GDELT"}
    assert loaded.set_index("event_id").loc["acled-ken999", "date_precision"] == "week"


@pytest.mark.parametrize("name", ["events.parquet", "events.csv"])
def test_imported_files_are_readable_like_any_written_file(tmp_path, name):
    """Both outputs get a plain file's mode (0o666 less the umask), not the private mode of a temporary file."""
    import os

    umask = os.umask(0o022)
    try:
        result = import_files([write_acled(tmp_path / "acled.csv")], tmp_path / "out" / name)
    finally:
        os.umask(umask)
    assert result.events_path.stat().st_mode & 0o777 == 0o644
    assert result.places_path.stat().st_mode & 0o777 == 0o644
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temporary left


def test_import_cli(tmp_path, capsys):
    files = [str(write_acled(tmp_path / "acled.csv")), str(write_gdelt(tmp_path / "g.export.CSV"))]
    out = tmp_path / "out" / "events.csv"
    assert main(["import", *files, "--out", str(out)]) == 1  # some rows invalid
    captured = capsys.readouterr()
    assert "imported 6 of 13 rows" in captured.out
    assert "acled.csv, row 6, column 'event_type': 'Picnics' is not one of" in captured.err
    assert "g.export.CSV, row 5, column 'ActionGeo_Lat': 123.4 is outside [-90, 90]" in captured.err
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["event_id"] for r in rows][:2] == ["acled-sud12345", "acled-ken999"]
    assert main(["validate", str(out)]) == 0


def test_import_cli_clean_and_unusable(tmp_path, capsys):
    clean = write_acled(tmp_path / "clean.csv", ACLED_ROWS[:3])
    assert main(["import", str(clean), "--out", str(tmp_path / "a" / "events.csv")]) == 0
    own = tmp_path / "mine.csv"
    own.write_text("title,date\nA,2023-01-01\n", encoding="utf-8")
    assert main(["import", str(own), "--out", str(tmp_path / "b" / "events.csv")]) == 2
    assert "not an ACLED export, a UCDP GED CSV or a GDELT events file" in capsys.readouterr().err
    assert not (tmp_path / "b" / "events.csv").exists()


def test_import_across_chunks_keeps_places_and_ids_unique(tmp_path):
    path = write_synthetic("acled", 2_500, tmp_path)
    result = import_files([path, path], tmp_path / "out" / "events.parquet", chunk_rows=1_000)
    assert result.written == 2_500  # the second file's ids were imported already
    assert len([p for p in result.problems if "imported already" in p.message]) == 2_500
    loaded = load_events(tmp_path / "out" / "events.parquet", seeds_dir=tmp_path)
    assert len(loaded) == 2_500 and loaded["event_id"].is_unique


def test_every_container_ingests_its_valid_rows(sample):
    path, layout = sample
    result = ingest_path(path, seeds={})
    assert len(result.events) == 3
    assert set(result.events["seed"]) == {f"external: {layout.upper()}"}
    assert set(result.events["date_basis"]) == {"table"}


def test_a_zip_of_several_files_is_refused(tmp_path, capsys):
    import zipfile

    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("a.export.CSV", "x")
        handle.writestr("b.export.CSV", "y")
    assert main(["import", str(archive), "--format", "gdelt", "--out", str(tmp_path / "o" / "e.csv")]) == 2
    assert "a ZIP archive of 2 files" in capsys.readouterr().err


def test_import_refuses_a_folder_holding_another_dataset(tmp_path, capsys):
    (tmp_path / "places.csv").write_text("place\n", encoding="utf-8")
    path = write_acled(tmp_path / "acled.csv", ACLED_ROWS[:1])
    assert main(["import", str(path), "--out", str(tmp_path / "events.csv")]) == 2
    assert "holds a places.csv of another dataset" in capsys.readouterr().err
    assert (tmp_path / "places.csv").read_text(encoding="utf-8") == "place\n"
