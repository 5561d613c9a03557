"""The sidebar's "Dataset" section: a reader's own table in place of the bundled one, checked, with its problems
listed. Everything it shows comes from ``dashboard.dataset.ingest``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.errors import UnreadableFileError
from dashboard.paths import SEEDS_DIR
from dashboard.ui.runtime import gazetteer, guarded
from dashboard.ui.views import code_span

if TYPE_CHECKING:
    from dashboard.dataset.ingest import Ingested

__all__ = ["choose_dataset"]


@st.cache_resource(show_spinner="Checking the uploaded table…", max_entries=4)
def _ingest(key: str, name: str, _data: bytes, _seeds: tuple[tuple[str, str], ...]) -> Ingested:
    """An uploaded table, checked against the bundled seed articles and those uploaded with it. ``key`` names
    the upload (Streamlit's file ids), so the bytes are not hashed again on every rerun."""
    from dashboard.dataset.ingest import ingest_bytes  # only for uploads: kept off a fresh server's first page

    texts = {path.name: path.read_text(encoding="utf-8") for path in SEEDS_DIR.glob("*.txt")}
    return ingest_bytes(_data, name, seeds={**texts, **dict(_seeds)}, gazetteer=gazetteer())



def choose_dataset(bundled: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The dataset to show: an uploaded table's valid rows, or the bundled data; and its name."""
    side = st.sidebar
    side.header("Dataset")
    files = side.file_uploader(
        "Your own table", type=["csv", "geojson", "json", "parquet", "txt"], accept_multiple_files=True,
        key=f"upload-{st.session_state.get('uploads', 0)}",
        help="One table in the dataset's format — such as a CSV or GeoJSON downloaded here — with the seed "
             "articles (.txt) its quotes come from, unless they are bundled. Invalid rows are listed and left out. "
             "At most 100 MiB and 200,000 rows (the 105MB shown counts 10⁶ bytes a MB: it is 100 MiB).")
    tables = [f for f in files or [] if not f.name.lower().endswith(".txt")]
    if not tables:
        return bundled, "the bundled dataset"
    side.button("Use the bundled dataset", on_click=_next_upload, width="stretch")
    if len(tables) > 1:
        st.error("Upload one table at a time (with any number of seed .txt files); showing the bundled dataset.")
        return bundled, "the bundled dataset"
    table = tables[0]
    seeds = tuple(sorted((f.name, f.getvalue().decode("utf-8", errors="replace")) for f in files
                         if f.name.lower().endswith(".txt")))
    try:
        key = " ".join(f.file_id for f in files)
        result = _ingest(key, table.name, table.getvalue(), seeds)
    except UnreadableFileError as exc:
        st.error(f"{code_span(table.name)} could not be read: {code_span(exc.problems[0].message)}. "
                 "Showing the bundled dataset.")
        return bundled, "the bundled dataset"
    _report(result, table.name)
    return result.events, f"{table.name} {key}"


@guarded  # callbacks run before the script, outside main's guard
def _next_upload() -> None:
    """A new key for the uploader: Streamlit then draws an empty one, and the bundled dataset is shown."""
    st.session_state["uploads"] = st.session_state.get("uploads", 0) + 1


def _report(result: Ingested, name: str) -> None:
    name = code_span(name)
    if result.valid:
        st.success(f"{name}: all {result.rows} rows are valid.")
        return
    if any(p.row is None for p in result.problems):
        st.warning(f"{name}: the file as a whole has a problem, so none of its {result.rows} rows can be used.")
    else:
        left_out = len(result.rows_left_out)
        rest = "none is shown" if left_out == result.rows else "the others are shown"
        st.warning(f"{name}: {len(result.problems)} problem(s); {left_out} of {result.rows} rows left out, {rest}.")
    with st.expander("Problems in the uploaded table", expanded=len(result.events) == 0):
        st.dataframe(pd.DataFrame([{"file": p.file, "row": "whole file" if p.row is None else str(p.row),
                                    "column": p.column or "", "problem": p.message} for p in result.problems]),
                     hide_index=True, width="stretch",
                     column_config={"problem": st.column_config.TextColumn(width="large")})
