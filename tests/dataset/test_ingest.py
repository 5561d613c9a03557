"""Bring your own dataset: every kind of bad input gives a clear message naming the problem, through the core,
the command line and the app; a download uploads back unchanged."""

from __future__ import annotations

import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.dataset.export import to_csv, to_geojson
from dashboard.dataset.ingest import MAX_BYTES, MAX_CELL_CHARS, ingest_bytes, ingest_path, read_bytes
from dashboard.dataset.loading import load_events
from dashboard.errors import UnreadableFileError
from dashboard.paths import SEEDS_DIR

CORPUS = Path(__file__).parents[1] / "corpus"

# (corpus file, CLI exit code, fragment of the message, valid rows kept)
CASES = [
    ("empty.csv", 2, "the file is empty", 0),
    ("header_only.csv", 1, "no data rows", 0),
    ("semicolons.csv", 2, "separated by semicolons", 0),  # wrong delimiter
    ("bom.csv", 0, "", 3),  # a byte-order mark, as Excel writes, is fine
    ("latin1.csv", 2, "not UTF-8 text: byte 0xe9 at line 2", 0),
    ("missing_column.csv", 1, "column 'quote': required column is missing", 0),
    ("extra_columns.csv", 0, "", 3),  # kept, see test_extra_columns_are_kept
    ("duplicate_ids.csv", 1, "duplicate 'vostok-2022' (first in row 1)", 2),
    ("bad_coordinates.csv", 1, "'north' is not a number", 1),
    ("nan_infinity.csv", 1, "inf is outside [-180, 180]", 1),
    ("bad_dates.csv", 1, "'2022-02-30' is not a date", 1),  # impossible and unparseable dates
    ("end_before_start.csv", 1, "end 2021-01-01 is before start", 2),
    ("unknown_codes.csv", 1, "'XYZ' is not an ISO 3166-1 alpha-3 code", 0),  # and a type, and a precision
    ("quote_not_in_seed.csv", 1, "not found verbatim in seed", 2),
    ("names_only.csv", 0, "", 4),  # places by name only: resolved offline
    ("unknown_place_name.csv", 1, "is not in the offline gazetteer", 3),
    ("html_injection.csv", 0, "", 3),  # valid text; it must show as text (test_map, browser tests)
    ("formula_injection.csv", 0, "", 3),  # valid text; the export neutralises it
    ("downloaded.csv", 0, "", 12),  # the app's own download
    ("downloaded.geojson", 0, "", 12),
    ("malformed.geojson", 2, "not valid JSON", 0),
    ("not_a_feature_collection.geojson", 2, "not a GeoJSON FeatureCollection", 0),
    ("bad_geometry.geojson", 1, "geometry must be a Point", 1),
    # made by the fixture below: binary or too large to keep in the repository
    ("garbage.csv", 2, "a binary file", 0),
    ("gzip.csv", 2, "gzip-compressed", 0),
    ("spreadsheet.csv", 2, "spreadsheet (XLSX/ODS)", 0),
    ("big_cell.csv", 1, "characters long; the limit is", 2),  # a 1 MB cell
]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """The committed corpus plus the files made here: binary garbage, a gzip and a spreadsheet renamed .csv,
    and a 1 MB cell."""
    folder = tmp_path_factory.mktemp("corpus")
    for file in CORPUS.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    downloaded = (CORPUS / "downloaded.csv").read_bytes()
    (folder / "garbage.csv").write_bytes(bytes(range(256)) * 64)
    (folder / "gzip.csv").write_bytes(gzip.compress(downloaded))
    with zipfile.ZipFile(folder / "spreadsheet.csv", "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    table = pd.read_csv(io.BytesIO(downloaded), dtype=str, keep_default_na=False).head(3)
    table.loc[0, "notes"] = "x" * 1_000_000
    table.to_csv(folder / "big_cell.csv", index=False)
    return folder


@pytest.mark.parametrize(("name", "code", "fragment", "kept"), CASES)
def test_corpus_through_the_cli(corpus, capsys, name, code, fragment, kept):
    assert main(["validate", str(corpus / name)]) == code
    captured = capsys.readouterr()
    assert fragment in captured.err
    assert "Traceback" not in captured.err + captured.out
    if code == 0:
        assert captured.out.startswith(f"valid: {kept} events")
    else:  # one line per problem, each naming the file
        assert all(line.startswith(str(corpus / name)) for line in captured.err.splitlines()[:-1])


@pytest.mark.parametrize(("name", "code", "fragment", "kept"), CASES)
def test_corpus_through_the_core(corpus, name, code, fragment, kept):
    if code == 2:
        with pytest.raises(UnreadableFileError) as caught:
            ingest_path(corpus / name, seeds=SEEDS_DIR)
        assert fragment in str(caught.value)
        return
    result = ingest_path(corpus / name, seeds=SEEDS_DIR)
    assert len(result.events) == kept
    assert all(fragment in str(p) or code == 1 for p in result.problems)
    assert (code == 0) == result.valid
    if code == 1:
        assert any(fragment in str(p) for p in result.problems)
        file_level = any(p.row is None for p in result.problems)  # then no row is kept
        assert len(result.events) + len(result.rows_left_out) == result.rows or file_level


def test_cli_subprocess_never_prints_a_traceback(corpus):
    import subprocess
    import sys

    for name in ("garbage.csv", "unknown_codes.csv", "downloaded.geojson"):
        done = subprocess.run([sys.executable, "-m", "dashboard", "validate", str(corpus / name)],
                              capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr and done.returncode in (0, 1, 2)


def test_every_problem_names_file_row_and_column(corpus):
    result = ingest_path(corpus / "unknown_codes.csv", seeds=SEEDS_DIR)
    located = {(p.row, p.column) for p in result.problems}
    assert located == {(1, "participants"), (2, "event_type"), (3, "location_precision")}
    assert all(p.file.endswith("unknown_codes.csv") for p in result.problems)


def test_extra_columns_are_kept(corpus):
    result = ingest_path(corpus / "extra_columns.csv", seeds=SEEDS_DIR)
    assert list(result.events["analyst"]) == ["A. N. Other", "B. Reviewer", ""]


def test_places_by_name_are_geocoded_offline(corpus):
    events = ingest_path(corpus / "names_only.csv", seeds=SEEDS_DIR).events.set_index("event_id")
    assert events.loc["vostok-2022-sea-of-japan", "location_precision"] == 7
    assert events.loc["vostok-2022", "coord_source"].startswith("offline gazetteer: regions.csv")


@pytest.mark.parametrize("export", [to_csv, to_geojson])
def test_a_download_uploads_back_unchanged(export):
    events = load_events()
    result = ingest_bytes(export(events), "download", seeds=SEEDS_DIR)
    assert result.valid
    pd.testing.assert_frame_equal(result.events, events)


def test_formula_cells_are_neutralised_in_the_export_and_restored_on_upload(corpus):
    events = ingest_path(corpus / "formula_injection.csv", seeds=SEEDS_DIR).events
    exported = to_csv(events).decode()
    assert "'=HYPERLINK(" in exported and "\"'+SUM(1,2)\"" in exported and "'@cmd" in exported
    assert ",-160.0," in exported and ",'-" not in exported  # numbers such as negative longitudes are untouched
    round_trip = ingest_bytes(exported.encode(), "again.csv", seeds=SEEDS_DIR).events
    pd.testing.assert_frame_equal(round_trip, events)
    assert round_trip.loc[0, "title"].startswith("=HYPERLINK(")


def test_uploaded_seeds_are_used(corpus):
    text = (SEEDS_DIR / "000_0441dc0ab698eb74.txt").read_text(encoding="utf-8")
    data = (corpus / "downloaded.csv").read_bytes()
    assert ingest_bytes(data, "d.csv", seeds={"000_0441dc0ab698eb74.txt": text}).valid
    missing = ingest_bytes(data, "d.csv", seeds={})
    assert len(missing.events) == 0 and "not found in the seed files given" in missing.problems[0].message


def test_size_limit(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(UnreadableFileError, match="the limit is 100 MiB"):
        ingest_path(big, seeds=SEEDS_DIR)
    assert main(["validate", str(big)]) == 2


def test_cell_limit_is_generous_for_real_quotes():
    assert MAX_CELL_CHARS >= 10_000


def test_a_100k_row_file_validates(tmp_path, capsys):
    events = load_events()
    repeats = 100_000 // len(events) + 1
    big = pd.concat([events] * repeats, ignore_index=True).head(100_000)
    big["event_id"] = [f"e{i}" for i in range(len(big))]
    path = tmp_path / "rows_100k.csv"
    path.write_bytes(to_csv(big))
    assert os.path.getsize(path) < MAX_BYTES
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out.startswith("valid: 100000 events")


def test_read_bytes_rejects_what_is_not_a_table():
    with pytest.raises(UnreadableFileError, match="UTF-16"):
        read_bytes("a,b\n".encode("utf-16"), "utf16.csv")


# Findings of the review: each a case that once went wrong.

def test_an_unquoted_comma_in_the_first_row_is_named_not_a_shifted_table():
    lines = (CORPUS / "downloaded.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",", 2)
    lines[1] = ",".join([fields[0], fields[1] + ", with a comma", fields[2]])
    with pytest.raises(UnreadableFileError, match=r"row 1.*more fields than the header"):
        read_bytes("\n".join(lines).encode(), "shifted.csv")


@pytest.mark.parametrize("text", ["'+1 sources disagree", "''twice", "'quoted", "-5 km", "=A1"])
def test_formula_protection_is_exactly_undone(text):
    events = load_events().head(1).assign(notes=text)
    assert ingest_bytes(to_csv(events), "x.csv", seeds=SEEDS_DIR).events.loc[0, "notes"] == text


def test_one_place_name_cannot_have_two_points():
    table = pd.read_csv(CORPUS / "downloaded.csv", dtype=str, keep_default_na=False)
    table.loc[3, "latitude"] = "10.0"  # vostok-2018 at "Russian Far East", elsewhere than row 1
    result = ingest_bytes(table.to_csv(index=False).encode(), "clash.csv", seeds=SEEDS_DIR)
    assert [(p.row, p.column) for p in result.problems] == [(4, "latitude")]
    assert "give one place one point" in result.problems[0].message


def test_parquet_with_real_dates_and_lists_reads_the_same_everywhere(tmp_path):
    from dashboard.dataset.loading import read_table

    events = load_events()
    table = events.drop(columns=["participants", "sources"]).assign(
        participants=[list(p) for p in events["participants"]], sources=[list(s) for s in events["sources"]])
    path = tmp_path / "events.parquet"
    table.to_parquet(path)
    assert ingest_path(path, seeds=SEEDS_DIR).valid
    assert read_table(path).loc[0, "start_date"] == "2022-08-30" and read_table(path).loc[0, "participants"] \
        == "RUS;CHN;KAZ;KGZ;TJK;IND;NIC;BLR"


def test_validate_reads_places_csv_when_the_table_names_places(tmp_path, capsys):
    import shutil

    from dashboard.paths import EVENTS_PATH, PLACES_PATH

    shutil.copy(EVENTS_PATH, tmp_path / "events.csv")
    places = pd.read_csv(PLACES_PATH, dtype=str, keep_default_na=False)
    places.loc[0, "latitude"] = "999"
    places.to_csv(tmp_path / "places.csv", index=False)
    assert main(["validate", str(tmp_path / "events.csv")]) == 1  # the places file beside it is checked
    assert "places.csv, row 1, column 'latitude'" in capsys.readouterr().err


def test_geojson_after_a_byte_order_mark_and_space_is_read_as_geojson():
    """JSON or CSV is decided once: a BOM then white space before the '{' once sent GeoJSON to the CSV header check."""
    from dashboard.dataset.ingest import read_bytes

    feature = {"type": "Feature", "properties": {"title": "x"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    text = "\ufeff \n" + json.dumps({"type": "FeatureCollection", "features": [feature]})
    assert read_bytes(text.encode(), "bom.geojson")[["title", "longitude", "latitude"]].values.tolist() == [
        ["x", "1", "2"]]


# Any table in: through a column mapping (dashboard.dataset.columns), with the dataset's rules.

def _one_row(**cells: str) -> bytes:
    """The first downloaded event as a CSV of one row, some cells changed."""
    table = pd.read_csv(CORPUS / "downloaded.csv", dtype=str, keep_default_na=False).head(1)
    for column, value in cells.items():
        table[column] = value
    return table.to_csv(index=False).encode()


def test_a_row_from_a_table_needs_no_quote_seed_or_country():
    result = ingest_bytes(_one_row(date_basis="table", quote="", seed="", place_country=""), "t.csv",
                          seeds=SEEDS_DIR)
    assert result.valid, result.problems


def test_a_row_from_an_article_still_needs_its_quote_and_country():
    result = ingest_bytes(_one_row(quote="", seed="", place_country=""), "a.csv", seeds=SEEDS_DIR)
    assert {(p.column, p.message) for p in result.problems} == {
        ("quote", "value is required"), ("seed", "value is required"),
        ("country", "required unless the place is open sea or airspace (precision 7)")}


def test_a_quote_a_table_s_row_gives_with_a_seed_is_still_checked_verbatim():
    result = ingest_bytes(_one_row(date_basis="table", quote="Words the article never wrote."), "t.csv",
                          seeds=SEEDS_DIR)
    assert [p.column for p in result.problems] == ["quote"] and "not found verbatim" in result.problems[0].message


def test_guessing_leaves_a_table_in_the_dataset_s_format_alone(corpus):
    result = ingest_path(corpus / "missing_column.csv", seeds=SEEDS_DIR, guess=True)
    assert result.mapping is None and str(result.problems[0]).endswith("column 'quote': required column is missing")


def test_a_geojson_of_another_format_is_mapped():
    feature = {"type": "Feature", "properties": {"name": "Drills", "day": "2022-08"},
               "geometry": {"type": "Point", "coordinates": [135.0, 43.1]}}
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    result = ingest_bytes(data, "points.geojson", seeds=SEEDS_DIR, guess=True)
    assert result.valid and result.mapping.describe() == "title=name, date=day, latitude=latitude, longitude=longitude"
    assert (result.events.loc[0, "event_type"], str(result.events.loc[0, "end_date"].date())) == \
        ("military_exercise", "2022-08-31")


def test_a_mapped_table_with_a_header_only_says_so():
    result = ingest_bytes(b"title,date,lat,lon\n", "empty.csv", seeds=SEEDS_DIR, guess=True)
    assert [p.message for p in result.problems] == ["no data rows: the file has a header only"]


def test_a_mapped_table_keeps_the_column_limit_of_the_table_itself():
    header = ",".join(["title", "date", "lat", "lon", *(f"c{i}" for i in range(190))])  # 194: within 200
    data = (header + "\n" + ",".join(["x", "2022", "1", "2", *["v"] * 190]) + "\n").encode()
    result = ingest_bytes(data, "wide.csv", seeds=SEEDS_DIR, guess=True)  # mapped, it has 19 + 190 columns
    assert result.valid and len(result.events.columns) == 19 + 190
