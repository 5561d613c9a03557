"""Synthetic datasets: valid under the dataset's own rules, realistic in shape, and deterministic."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import EVENT_COLUMNS, PLACE_COLUMNS, EventType
from dashboard.dataset.synthetic import synthetic_dataset, write_dataset

N = 3_000


@pytest.fixture(scope="module")
def dataset():
    return synthetic_dataset(N, seed=7)


@pytest.fixture(scope="module")
def loaded(dataset, tmp_path_factory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("synthetic")
    return load_events(write_dataset(dataset, folder), seeds_dir=folder / "seeds")


def test_tables_have_the_dataset_columns(dataset):
    assert list(dataset.events.columns) == list(EVENT_COLUMNS)
    assert list(dataset.places.columns) == list(PLACE_COLUMNS)
    assert len(dataset.events) == N


def test_same_seed_same_data_other_seed_other_data(dataset):
    pd.testing.assert_frame_equal(synthetic_dataset(N, seed=7).events, dataset.events)
    assert not synthetic_dataset(N, seed=8).events.equals(dataset.events)


def test_csv_and_parquet_load_valid_and_identical(dataset, loaded, tmp_path: Path):
    assert len(loaded) == N  # load_events raises on any problem, quotes included
    parquet = write_dataset(dataset, tmp_path, fmt="parquet")
    pd.testing.assert_frame_equal(load_events(parquet, seeds_dir=tmp_path / "seeds"), loaded)


def test_events_look_like_real_event_data(loaded):
    assert set(loaded["event_type"]) == {t.value for t in EventType} - {EventType.OTHER}  # articles tell the type
    assert loaded["start_date"].dt.year.nunique() >= 10  # spread over years
    assert loaded["start_date"].dt.year.value_counts().sort_index().iloc[-1] > \
        loaded["start_date"].dt.year.value_counts().sort_index().iloc[0]  # more events in later years
    per_place = loaded["place"].value_counts()
    assert per_place.iloc[0] >= 10 and len(per_place) > 100  # clustered, yet at many places
    assert set(loaded["location_precision"]) >= {1, 2, 3, 6}
    assert loaded["participants"].map(len).max() >= 3 and loaded["sources"].map(len).eq(0).any()
    assert loaded["place_country"].nunique() > 50
    assert loaded["latitude"].between(-90, 90).all() and loaded["longitude"].between(-180, 180).all()
