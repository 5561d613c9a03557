"""Shared fixtures: copies of the bundled dataset in a temporary folder, to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.paths import EVENTS_PATH, PLACES_PATH


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    """A folder holding copies of events.csv and places.csv."""
    shutil.copy(EVENTS_PATH, tmp_path / "events.csv")
    shutil.copy(PLACES_PATH, tmp_path / "places.csv")
    return tmp_path


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (``row`` is the 1-based data row) of a CSV, keeping everything else as text."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if column not in table.columns:
        table[column] = ""
    table.loc[row - 1, column] = value
    table.to_csv(path, index=False, lineterminator="\n")
