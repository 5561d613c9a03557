"""Never a traceback, never a runaway: each input that once crashed the app or pinned the server is refused at
once with a message naming the limit, or checked in one pass. Inputs are made here, small where the limit can
be lowered; figures for the full-size cases come from scripts/worst_cases.py."""

from __future__ import annotations

import io
import json
import random
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.dataset import ingest as ingest_module
from dashboard.dataset import validation
from dashboard.dataset.ingest import MAX_BYTES, UPLOAD_LIMIT_MB, ingest_bytes, ingest_path, read_bytes
from dashboard.dataset.loading import check_nesting, load_events, read_table, typed_frame
from dashboard.dataset.schema import MAX_COLUMN_NAME_CHARS, MAX_COLUMNS, MAX_DATE, MAX_NESTING, MIN_DATE
from dashboard.errors import UnreadableFileError
from dashboard.geography.gazetteer import OfflineGazetteer
from dashboard.paths import SEEDS_DIR

ROOT = Path(__file__).parents[2]
DOWNLOADED = ROOT / "tests" / "corpus" / "downloaded.csv"


def _table() -> pd.DataFrame:
    return pd.read_csv(DOWNLOADED, dtype=str, keep_default_na=False)


def _csv(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode()


# Dates: the slider and pandas' datetimes have bounds; a date beyond them once passed and broke the app.

@pytest.mark.parametrize(("date", "valid"), [
    ("0001-01-01", False),  # the tester's
    ("9999-12-31", False),
    ("1699-12-31", False),  # a day before the first date shown
    (MIN_DATE.isoformat(), True),
    (MAX_DATE.isoformat(), True),
    ("2201-01-01", False),  # a day after the last
])
def test_dates_beyond_what_the_app_can_show_are_refused(date, valid):
    table = _table().head(1).assign(start_date=date, end_date=date)
    result = ingest_bytes(_csv(table), "dates.csv", seeds=SEEDS_DIR)
    assert result.valid is valid
    if not valid:
        assert [(p.column, p.message) for p in result.problems] == [
            (column, f"'{date}' is outside the dates the app can show (1700-01-01 to 2200-12-31)")
            for column in ("end_date", "start_date")]


def test_an_out_of_range_date_exits_1_in_validate(tmp_path, capsys):
    path = tmp_path / "far.csv"
    path.write_bytes(_csv(_table().head(2).assign(end_date="9999-12-31")))
    assert main(["validate", str(path)]) == 1
    assert "outside the dates the app can show" in capsys.readouterr().err


# Nesting: 400 levels in 2 KB once exhausted the JSON parser's recursion (exit 3, "internal error").

def test_geojson_nested_400_deep_is_unreadable(tmp_path, capsys):
    data = b'{"type": "FeatureCollection", "features": ' + b"[" * 400 + b"]" * 400 + b"}"
    with pytest.raises(UnreadableFileError, match=rf"nested too deeply \(more than {MAX_NESTING} levels"):
        read_bytes(data, "deep.geojson")
    path = tmp_path / "deep.geojson"
    path.write_bytes(data)
    assert main(["validate", str(path)]) == 2
    assert "nested too deeply" in capsys.readouterr().err


@pytest.mark.parametrize(("data", "deep"), [
    (b"[" * MAX_NESTING + b"]" * MAX_NESTING, False),  # at the limit
    (b"[" * (MAX_NESTING + 1) + b"]" * (MAX_NESTING + 1), True),
    (b'{"a": "' + b"[" * 500 + b'"}', False),  # brackets inside a string do not nest
    (b'{"a": "\\"' + b"[" * 500 + b'"}', False),  # nor after an escaped quote in it
    (b"[{}, {}, {}]" * 1000, False),  # many brackets, shallow
])
def test_nesting_scan_counts_only_structure(data, deep):
    if deep:
        with pytest.raises(UnreadableFileError):
            check_nesting(data, "x.json")
    else:
        check_nesting(data, "x.json")


# Header names and column counts: a 1M-character name once cost a gigabyte; 10,000 columns, 26 seconds.

def test_a_million_character_column_name_is_refused_before_parsing(tmp_path):
    table = _table().head(1).assign(**{"n" * 1_000_000: "x"})
    message = r"a column name is 1,000,000 characters long \('nnnn"
    with pytest.raises(UnreadableFileError, match=rf"{message}.*the limit is {MAX_COLUMN_NAME_CHARS}"):
        read_bytes(_csv(table), "wide.csv")
    table.to_parquet(tmp_path / "wide.parquet")
    with pytest.raises(UnreadableFileError, match="the limit is 200"):
        ingest_path(tmp_path / "wide.parquet", seeds=SEEDS_DIR)
    (tmp_path / "events.csv").write_bytes(_csv(table))  # the operator's files are guarded too
    with pytest.raises(UnreadableFileError, match="the header row is longer than 65,536 bytes"):
        read_table(tmp_path / "events.csv")


def test_too_many_columns_are_refused_in_every_format(tmp_path):
    header = ",".join(f"c{i}" for i in range(10_000))
    with pytest.raises(UnreadableFileError, match=f"10,000 columns; the limit is {MAX_COLUMNS}"):
        read_bytes(f"{header}\n{',' * 9_999}\n".encode(), "many.csv")
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]},
                 "properties": {f"p{i}_{j}": "" for j in range(50)}} for i in range(10)]  # 500 across features
    with pytest.raises(UnreadableFileError, match=f"columns; the limit is {MAX_COLUMNS}"):
        read_bytes(json.dumps({"type": "FeatureCollection", "features": features}).encode(), "many.geojson")
    pd.DataFrame({f"c{i}": [""] for i in range(MAX_COLUMNS + 1)}).to_parquet(tmp_path / "many.parquet")
    with pytest.raises(UnreadableFileError, match=f"{MAX_COLUMNS + 1} columns"):
        read_table(tmp_path / "many.parquet")


def test_column_names_are_not_widened_into_fixed_width_strings():
    import tracemalloc

    name = "n" * 1_000_000  # past the readers' limit: typed_frame alone, as a caller might use it
    frame = _table().head(1).assign(**{name: "x"})
    tracemalloc.start()
    try:
        typed_frame(frame, extra=[name])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20  # a '<U1000000' array of the 20 names alone would take 80 MB


# Rows: 1.5 MB of Parquet once expanded to 2 million events. The footer is read first; the limit is lowered
# here rather than writing millions of rows.

def test_parquet_rows_and_size_are_read_from_the_footer_before_the_data(tmp_path, monkeypatch):
    path = tmp_path / "events.parquet"
    _table().to_parquet(path)
    monkeypatch.setattr(pd, "read_parquet", _never)
    monkeypatch.setattr(ingest_module, "MAX_ROWS", 5)
    with pytest.raises(UnreadableFileError, match="the table has 12 rows; the limit is 5"):
        ingest_path(path, seeds=SEEDS_DIR)
    monkeypatch.setattr(ingest_module, "MAX_ROWS", 100)
    monkeypatch.setattr(ingest_module, "MAX_UNCOMPRESSED_BYTES", 1_000)
    with pytest.raises(UnreadableFileError, match=r"MiB uncompressed; the limit is"):
        ingest_path(path, seeds=SEEDS_DIR)


def _never(*args, **kwargs):
    raise AssertionError("the data was read")


def test_csv_and_geojson_rows_are_limited_too(monkeypatch):
    from dashboard.dataset.export import to_geojson

    monkeypatch.setattr(ingest_module, "MAX_ROWS", 5)
    with pytest.raises(UnreadableFileError, match="the table has 12 rows; the limit is 5"):
        read_bytes(DOWNLOADED.read_bytes(), "rows.csv")
    with pytest.raises(UnreadableFileError, match="the table has 12 rows; the limit is 5"):
        read_bytes(to_geojson(load_events()), "rows.geojson")


def test_the_operators_dataset_has_no_upload_row_limit(monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_ROWS", 1)
    assert len(load_events()) > 1


# One limit, one number: the uploader, the CLI and the README agree on 100 MiB.

def test_the_uploader_admits_exactly_max_bytes():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    megabytes = config["server"]["maxUploadSize"]
    assert megabytes == UPLOAD_LIMIT_MB
    # Streamlit 1.67's browser counts a MB as 10**6 bytes (2**20 on Windows); its server as 2**20, and refuses a
    # request whose Content-Length, the file plus its multipart framing, exceeds that.
    assert megabytes * 10**6 >= MAX_BYTES and (megabytes - 1) * 10**6 < MAX_BYTES  # the least that admits it
    assert megabytes * 2**20 >= MAX_BYTES + 64 * 1024
    assert f"{MAX_BYTES // 2**20} MiB" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"At most {MAX_BYTES // 2**20} MiB" in (ROOT / "dashboard" / "ui" / "upload.py").read_text(encoding="utf-8")


def test_the_byte_limit_at_both_edges(tmp_path, monkeypatch):
    data = DOWNLOADED.read_bytes()
    monkeypatch.setattr(ingest_module, "MAX_BYTES", len(data))
    assert ingest_bytes(data, "edge.csv", seeds=SEEDS_DIR).valid
    (tmp_path / "edge.csv").write_bytes(data)
    assert ingest_path(tmp_path / "edge.csv", seeds=SEEDS_DIR).valid
    (tmp_path / "over.csv").write_bytes(data + b"\n")
    with pytest.raises(UnreadableFileError, match="the limit is"):
        ingest_path(tmp_path / "over.csv", seeds=SEEDS_DIR)
    with pytest.raises(UnreadableFileError, match="the limit is"):
        ingest_bytes(data + b"\n", "over.csv", seeds=SEEDS_DIR)


# Numbers: float() reads '४५', '٤٥', '４５' and '4_5' as 45.

@pytest.mark.parametrize(("cell", "message"), [
    ("45,5", "uses a comma as decimal separator"),
    ("४५", "contains non-ASCII digits"),  # Devanagari
    ("٤٥", "contains non-ASCII digits"),  # Arabic-Indic
    ("４５", "contains non-ASCII digits"),  # full-width
    ("4_5", "contains an underscore"),
    ("north", "is not a number"),
    ("45.5", None), ("-45", None), ("+4.5e1", None), (" 45 ", None), (".5", None),
])
def test_coordinates_are_ascii_decimals_with_a_dot(cell, message):
    table = _table().head(1).assign(latitude=cell)
    problems = ingest_bytes(_csv(table), "numbers.csv", seeds=SEEDS_DIR).problems
    if message is None:
        assert problems == []
    else:
        assert [(p.column, p.message) for p in problems] == [("latitude", f"{cell!r} {message}" + (
            " (write a dot: 45.5)" if "comma" in message else " (write 0-9)" if "ASCII" in message
            else " (write the digits only)" if "underscore" in message else ""))]


@pytest.mark.parametrize("cell", ["٤", "４", "4.0"])
def test_precision_codes_are_ascii_digits(cell):
    table = _table().head(1).assign(location_precision=cell)
    problems = ingest_bytes(_csv(table), "precision.csv", seeds=SEEDS_DIR).problems
    assert [p.column for p in problems] == ["location_precision"]


# Duplicates in one pass: a 31 MB file of duplicated ids once took 110 s.

def test_100k_duplicated_ids_name_their_first_row():
    table = pd.DataFrame({"event_id": [f"e{i % 50_000}" for i in range(100_000)]})
    problems = list(validation._duplicates(table, "event_id", "f.csv"))
    assert len(problems) == 50_000
    assert problems[0].row == 50_001 and problems[0].message == "duplicate 'e0' (first in row 1)"
    assert problems[-1].message == "duplicate 'e49999' (first in row 50000)"


# Quotes: each distinct quote once scanned the whole seed (0.5 MB of rows against a 50 MB seed: 73 s).

def _words(count: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    vocabulary = ["the", "troops", "drills", "naval", "Russia's", "far", "east", "August", "30", "and", "of",
                  "a", "joint", "exercise", "Sea", "Japan", "said", "ministry", "in", "to"]
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def test_the_seed_index_finds_what_str_find_finds():
    text = _words(20_000)
    seed = validation._Seed(text)
    rng = random.Random(1)
    for _ in range(validation.INDEX_AFTER_SEARCHES + 400):
        start, length = rng.randrange(len(text)), rng.randrange(1, 60)
        needle = text[start:start + length] if rng.random() < 0.7 else _words(rng.randrange(1, 8), rng.random())
        begin = rng.randrange(len(text))
        assert seed.find(needle, begin) == text.find(needle, begin), (needle, begin)
    assert seed._index is not None  # the indexed path was the one tested


def test_thousands_of_quotes_against_a_large_seed_use_the_index():
    text = _words(150_000)  # about 900 KB: under the limit for one article
    rng = random.Random(2)
    quotes = []
    for _ in range(5_000):
        start = rng.randrange(len(text) - 200)
        quotes.append(" ".join(text[start:start + 120].split(" ")[1:-1]) + " […] "
                      + " ".join(text[start + 130:start + 200].split(" ")[1:-1]))
    quotes.append("not in the seed at all")
    events = pd.DataFrame({"quote": quotes, "seed": "big.txt"})
    problems = list(validation._quotes(events, "f.csv", {"big.txt": text}))
    assert [(p.row, p.column) for p in problems] == [(5_001, "quote")]


def test_a_seed_longer_than_an_article_is_refused_by_name(tmp_path):
    events = pd.DataFrame({"quote": ["a b", "c d"], "seed": ["book.txt", "book.txt"]})
    (tmp_path / "book.txt").write_text("a b " * (validation.MAX_SEED_CHARS // 4 + 1), encoding="utf-8")
    for seeds in (tmp_path, {"book.txt": (tmp_path / "book.txt").read_text(encoding="utf-8")}):
        problems = list(validation._quotes(events, "f.csv", seeds))
        assert [(p.row, p.column) for p in problems] == [(1, "seed"), (2, "seed")]
        assert "is over 1,000,000 characters long, the limit for one article" in problems[0].message


# Place names: each distinct name once cost a gazetteer look-up, and case variants counted as distinct.

class CountingGazetteer(OfflineGazetteer):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def lookup(self, name, country=None):
        self.calls += 1
        return super().lookup(name, country)


def _named_rows(names: list[str]) -> bytes:
    row = _table().head(1).drop(columns=["latitude", "longitude", "location_precision", "place_country",
                                         "coord_source"])
    table = pd.concat([row] * len(names), ignore_index=True)
    return _csv(table.assign(place=names, event_id=[f"e{i}" for i in range(len(names))]))


def test_20k_case_variants_of_place_names_are_looked_up_once_each():
    names = [("".join(c.upper() if (i >> k) & 1 else c for k, c in enumerate("vladivostok"))) for i in range(2048)]
    names = [*(names * 10)[:20_000], "Tokyo", "TOKYO"]
    gazetteer = CountingGazetteer()
    result = ingest_bytes(_named_rows(names), "names.csv", seeds=SEEDS_DIR, gazetteer=gazetteer)
    assert gazetteer.calls == 2
    assert result.valid and result.events["latitude"].nunique() == 2


def test_place_names_beyond_the_limit_are_told_to_give_coordinates(monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_PLACE_NAMES", 2)
    gazetteer = CountingGazetteer()
    result = ingest_bytes(_named_rows(["Tokyo", "Vladivostok", "TOKYO", "Moscow", "Beijing"]), "n.csv",
                          seeds=SEEDS_DIR, gazetteer=gazetteer)
    assert gazetteer.calls == 2
    assert result.rows_left_out == [4, 5]
    told = [p for p in result.problems if p.column == "place"]
    assert [p.row for p in told] == [4, 5] and "more than 2 places without coordinates" in told[0].message
    assert len(result.events) == 3


def test_parquet_bytes_are_read_once_the_footer_passes():
    buffer = io.BytesIO()
    _table().to_parquet(buffer)
    assert len(read_bytes(buffer.getvalue(), "ok.parquet")) == 12
