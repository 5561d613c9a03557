"""The engine against the definition: on random small datasets with awkward text and random filter specs,
DuckDB over the engine's Parquet layout gives the event ids that pandas' ``filter_events`` gives, and the same
cells; the cells of a view add up to the events in it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.dataset.filters import filter_events
from dashboard.engine import Bounds, FilterSpec, IbisStore, PandasStore
from dashboard.engine.backends import duckdb_table
from dashboard.engine.layout import engine_table, write_engine_dataset

from .conftest import ALIASES, frames, specs

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

bounds = st.one_of(
    st.just(Bounds.world()),
    st.builds(lambda s, n, w, e: Bounds(min(s, n), w, max(s, n), e), st.floats(-90, 90), st.floats(-90, 90),
              st.floats(-200, 200), st.floats(-200, 200)))
zooms = st.integers(0, 12)


def duckdb_store(frame: pd.DataFrame, folder: Path, *, aliases=None) -> IbisStore:
    write_engine_dataset([engine_table(frame)], folder)
    return IbisStore(duckdb_table(folder), aliases=aliases)


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["event_id"])


@SETTINGS
@given(frames(), st.lists(specs, min_size=1, max_size=4), st.booleans())
def test_duckdb_gives_the_rows_pandas_gives(frame, spec_list, with_aliases):
    aliases = ALIASES if with_aliases else None
    with tempfile.TemporaryDirectory() as tmp:
        if frame.empty:
            return  # an empty dataset writes no file: nothing to open (tested below)
        duck = duckdb_store(frame, Path(tmp), aliases=aliases)
        for spec in spec_list:
            expected = ids(filter_events(frame, **spec.filter_kwargs(), aliases=aliases))
            got = duck.events_in_view(spec, Bounds.world(), limit=len(frame))
            assert got is not None
            assert ids(got) == expected, spec
            assert duck.count(spec) == len(expected)


@SETTINGS
@given(frames(), specs, bounds, zooms)
def test_cells_agree_and_add_up_to_the_events_in_view(frame, spec, view, zoom):
    with tempfile.TemporaryDirectory() as tmp:
        if frame.empty:
            return
        duck, pandas_store = duckdb_store(frame, Path(tmp)), PandasStore(frame)
        cells, reference = duck.cells(spec, view, zoom), pandas_store.cells(spec, view, zoom)
        in_view = pandas_store.events_in_view(spec, view, limit=len(frame))
        assert int(cells["count"].sum()) == len(in_view)
        assert cells[["cx", "cy", "count", "event_type"]].to_dict("records") == \
            reference[["cx", "cy", "count", "event_type"]].to_dict("records")
        assert list(cells["types"]) == list(reference["types"])
        assert np.allclose(cells[["latitude", "longitude"]], reference[["latitude", "longitude"]], atol=1e-9)
        engine_view = duck.events_in_view(spec, view, limit=len(frame))
        assert ids(engine_view) == ids(in_view)
        too_few = max(len(in_view) - 1, 0)
        assert (duck.events_in_view(spec, view, limit=too_few) is None) == (len(in_view) > too_few)


def test_a_spec_with_nothing_restricts_nothing_and_empty_names_are_dropped():
    spec = FilterSpec.of(countries=["", "RUS", "RUS"], sources="TASS", text="  ", start="2022-01-05")
    assert spec.countries == ("RUS",) and spec.sources == ("TASS",) and not spec.has_text
    assert spec.start.isoformat() == "2022-01-05"
