"""One broken cell per case; load_events must name the file, the row and the column of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.dataset.loading import load_events
from dashboard.dataset.validation import quote_in_text
from dashboard.errors import DatasetError
from tests.conftest import edit_csv

# (file, data row, column, new value, fragment of the expected message)
CASES = [
    # events.csv
    ("events.csv", 2, "event_id", "", "value is required"),
    ("events.csv", 2, "event_id", "Vostok 2022!", "is not a slug"),
    ("events.csv", 2, "event_id", "vostok-2022", "duplicate 'vostok-2022' (first in row 1)"),
    ("events.csv", 3, "title", " ", "value is required"),  # whitespace is empty
    ("events.csv", 3, "event_type", "parade", "is not one of: military_exercise"),
    ("events.csv", 4, "start_date", "2022-02-30", "is not a date"),  # impossible day
    ("events.csv", 4, "start_date", "30/08/2022", "is not a date"),  # not ISO 8601
    ("events.csv", 4, "end_date", "2017-12-31", "is before start"),
    ("events.csv", 5, "date_precision", "hour", "is not one of: day, week, month, year"),
    ("events.csv", 5, "date_basis", "rumour", "is not one of: article, background"),
    ("events.csv", 6, "date_note", "", "need a note"),  # row 6 is dated from background knowledge
    ("events.csv", 6, "place", "Atlantis", "unknown place"),
    ("events.csv", 7, "participants", "USA;XYZ", "'XYZ' is not an ISO 3166-1 alpha-3"),
    ("events.csv", 7, "participants", "us", "'us' is not an ISO 3166-1 alpha-3"),  # alpha-2, lower case
    ("events.csv", 7, "participants", "USA;USA", "USA is listed twice"),
    ("events.csv", 8, "sources", "Reuters;;TASS", "empty item"),
    ("events.csv", 8, "quote", "", "value is required"),
    ("events.csv", 8, "quote", "Nancy Pelosi flew to Tokyo.", "not found verbatim"),
    ("events.csv", 8, "quote", "Earlier this year […] Pelosi flew", "not found verbatim"),  # a passage fails
    ("events.csv", 9, "seed", "missing.txt", "not found in"),
    ("events.csv", 9, "seed", "../etc/passwd", "must be a file name"),
    # places.csv
    ("places.csv", 2, "place", "Russian Far East", "duplicate 'Russian Far East' (first in row 1)"),
    ("places.csv", 2, "latitude", "north", "is not a number"),
    ("places.csv", 2, "latitude", "91", "outside [-90, 90]"),
    ("places.csv", 3, "longitude", "-180.5", "outside [-180, 180]"),
    ("places.csv", 3, "longitude", "nan", "outside [-180, 180]"),  # NaN is no coordinate
    ("places.csv", 3, "longitude", "", "value is required"),
    ("places.csv", 4, "location_precision", "8", "not a UCDP precision code"),
    ("places.csv", 4, "country", "CN", "is not an ISO 3166-1 alpha-3"),
    ("places.csv", 5, "country", "", "required unless the place is open sea"),
    ("places.csv", 5, "coord_source", "", "value is required"),
]


@pytest.mark.parametrize(("file", "row", "column", "value", "expected"), CASES)
def test_each_rule_names_file_row_and_column(dataset_dir: Path, file, row, column, value, expected):
    edit_csv(dataset_dir / file, row, column, value)
    with pytest.raises(DatasetError) as caught:
        load_events(dataset_dir)
    matching = [p for p in caught.value.problems if expected in p.message]
    assert matching, caught.value.problems
    problem = matching[0]
    assert (Path(problem.file).name, problem.row, problem.column) == (file, row, column)
    assert f"{file}, row {row}, column '{column}'" in str(caught.value)


def test_every_problem_is_listed_not_just_the_first(dataset_dir: Path):
    edit_csv(dataset_dir / "events.csv", 1, "event_type", "parade")
    edit_csv(dataset_dir / "events.csv", 2, "end_date", "1999-01-01")
    edit_csv(dataset_dir / "places.csv", 1, "latitude", "100")
    with pytest.raises(DatasetError) as caught:
        load_events(dataset_dir)
    assert {(Path(p.file).name, p.row, p.column) for p in caught.value.problems} == {
        ("events.csv", 1, "event_type"), ("events.csv", 2, "end_date"), ("places.csv", 1, "latitude")}
    assert str(caught.value).startswith("3 problems in the dataset:")


def test_dataset_error_is_also_a_value_error(dataset_dir: Path):
    edit_csv(dataset_dir / "events.csv", 1, "event_type", "parade")
    with pytest.raises(ValueError):
        load_events(dataset_dir)


@pytest.mark.parametrize("column", ["event_id", "quote", "seed"])
def test_a_missing_column_is_named(dataset_dir: Path, column):
    path = dataset_dir / "events.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    lines[0] = ",".join(f"x_{c}" if c == column else c for c in header)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=f"column '{column}': required column is missing"):
        load_events(dataset_dir)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"", "not a readable CSV"),  # empty file
    ],
)
def test_unreadable_files_are_named(dataset_dir: Path, content, expected):
    (dataset_dir / "places.csv").write_bytes(content)
    with pytest.raises(DatasetError, match=expected) as caught:
        load_events(dataset_dir)
    assert caught.value.problems[0].file.endswith("places.csv")


def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(DatasetError, match=r"events\.csv: file not found"):
        load_events(tmp_path)


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("These troops were later used to try to take over Kyiv.", True),
        ("These  troops were later\nused to try to take over Kyiv.", True),  # whitespace may be rewrapped
        ("these troops were later used to try to take over Kyiv.", False),  # case is not
        ("Previously, China and Russia […] in 2018.", True),  # elided passages, in order
        ("in 2018. […] Previously, China and Russia", False),  # out of order
        ("Previously […]", False),  # an empty passage quotes nothing
    ],
)
def test_quote_matching(quote, found):
    text = "Previously, China and Russia practiced similar military maneuvers in 2018. " \
           "These troops were later used to try to take over Kyiv."
    assert quote_in_text(quote, text) is found
