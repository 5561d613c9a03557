"""Property-based tests (hypothesis): arbitrary tables never make the loader raise anything but the package's
dataset error, and filtering never invents, duplicates or changes rows."""

from __future__ import annotations

import contextlib
import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.dataset.export import to_csv, to_geojson
from dashboard.dataset.filters import filter_events
from dashboard.dataset.ingest import ingest, ingest_bytes
from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import EVENT_COLUMNS
from dashboard.errors import DatasetError
from dashboard.paths import SEEDS_DIR

EVENTS = load_events()
COLUMNS = [*EVENT_COLUMNS, "latitude", "longitude", "location_precision", "place_country", "coord_source"]
# Cells: mostly plausible values from the real data, mixed with arbitrary text, to reach deep into the checks.
REAL = {column: [str(v) for v in pd.read_csv(pd.io.common.StringIO(to_csv(EVENTS).decode()), dtype=str,
                                             keep_default_na=False)[column]] for column in COLUMNS}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def cell(column: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(REAL[column]), st.text(max_size=30),
                     st.sampled_from(["", " ", "nan", "inf", "-1e400", "2022-02-30", "=1+1", "RUS;;", "'", "\x00"]))


tables = st.lists(st.fixed_dictionaries({column: cell(column) for column in COLUMNS}), min_size=0, max_size=8) \
    .flatmap(lambda rows: st.sets(st.sampled_from(COLUMNS)).map(lambda dropped: pd.DataFrame(
        [{k: v for k, v in row.items() if k not in dropped} for row in rows], columns=[
            c for c in COLUMNS if c not in dropped]).astype(str)))


@SETTINGS
@given(tables)
def test_any_table_loads_or_reports_problems(table):
    result = ingest(table, file="fuzz.csv", seeds=SEEDS_DIR)
    assert len(result.events) <= len(table)
    assert len(result.events) == 0 or set(result.events["event_id"]) <= set(table["event_id"])
    for problem in result.problems:
        assert problem.file == "fuzz.csv" and problem.message
        assert problem.row is None or 1 <= problem.row <= len(table)


@SETTINGS
@given(st.binary(max_size=2000))
def test_any_bytes_load_or_raise_the_dataset_error(data):
    with contextlib.suppress(DatasetError):
        ingest_bytes(data, "fuzz.bin", seeds=SEEDS_DIR)


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_loads_or_raises_the_dataset_error(text):
    for prefix in ("", ",".join(COLUMNS) + "\n", '{"type": "FeatureCollection", "features": '):
        with contextlib.suppress(DatasetError):
            ingest_bytes((prefix + text).encode(), "fuzz.txt", seeds=SEEDS_DIR)


dates = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2023, 12, 31))
codes = sorted({c for cs in EVENTS["participants"] for c in cs} | {"FRA", "USA"})


@SETTINGS
@given(start=st.none() | dates, end=st.none() | dates, countries=st.lists(st.sampled_from(codes), max_size=3),
       types=st.lists(st.sampled_from([*sorted(set(EVENTS["event_type"])), "unknown"]), max_size=2),
       sources=st.lists(st.sampled_from(["TASS", "Reuters", "Nobody"]), max_size=2), text=st.text(max_size=8))
def test_filtering_never_invents_rows(start, end, countries, types, sources, text):
    result = filter_events(EVENTS, start=start, end=end, countries=countries, event_types=types, sources=sources,
                           text=text)
    assert result.index.is_unique and set(result.index) <= set(EVENTS.index)
    pd.testing.assert_frame_equal(result, EVENTS.loc[result.index])  # rows unchanged, order kept
    if start is not None:
        assert (result["end_date"] >= pd.Timestamp(start)).all()
    if end is not None:
        assert (result["start_date"] <= pd.Timestamp(end)).all()


@SETTINGS
@given(st.sets(st.sampled_from(list(EVENTS.index))), st.sampled_from([to_csv, to_geojson]))
def test_any_subset_survives_the_round_trip(rows, export):
    subset = EVENTS.loc[sorted(rows)]
    result = ingest_bytes(export(subset), "round-trip", seeds=SEEDS_DIR) if len(subset) else None
    if result is not None:
        pd.testing.assert_frame_equal(result.events, subset.reset_index(drop=True))
