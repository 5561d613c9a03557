"""The sidebar's "Dataset" section: a reader's own table in place of the bundled one, checked, with its problems
listed, and a template of the dataset's format to download. A table in another format comes in through a column
mapping, in the main area above the map (twenty choices do not fit the sidebar's 300 px): one choice per field, the
guesses preselected, a preview of the first rows as they will load, and a button to load them. Everything it shows
comes from ``dashboard.dataset``; data (file and column names, problems) is shown as plain text or in code spans.
A ``.zip`` (the download with articles: a table and the seed articles it quotes) is unpacked, then checked the same
way; the seed articles of the table shown are kept in the session (:data:`UPLOADED_SEEDS`) for the downloads.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard.dataset.columns import (
    FIELD_LABELS,
    FIELDS,
    ColumnMapping,
    MappingError,
    apply_mapping,
    check_mapping,
    guess_mapping,
    lacks_dataset_columns,
    needs_mapping,
    template_csv,
)
from dashboard.errors import Problem, UnreadableFileError
from dashboard.paths import SEEDS_DIR
from dashboard.ui.runtime import gazetteer, guarded
from dashboard.ui.views import code_span

if TYPE_CHECKING:
    from dashboard.dataset.bundle import Bundle
    from dashboard.dataset.ingest import Ingested

__all__ = ["UPLOADED_SEEDS", "choose_dataset"]

Pairs = tuple[tuple[str, str], ...]  # a ColumnMapping's (field, column) pairs: hashable, for the caches

UPLOADED_SEEDS = "uploaded-seeds"  # session state: the articles uploaded with the shown table, by file name
LOADED_KEY = "mapping-loaded"  # session state: {upload key: the pairs of the mapping the reader loaded}
NONE = "—"  # no column gives the field
FORM_COLUMNS = 3  # choices side by side in the main area (Streamlit stacks them on a phone)
PREVIEW_ROWS = 10
PREVIEW_COLUMNS = ["event_id", "title", "event_type", "start_date", "end_date", "date_precision", "date_basis",
                   "place", "latitude", "longitude", "location_precision", "place_country", "participants",
                   "sources", "notes"]
MAX_LISTED_PROBLEMS = 200  # listed in full on the page; all of them are in the download
FIELD_HELP: dict[str, str] = {
    "title": "Needed. A short description of the event.",
    "date": "One date for start and end: YYYY-MM-DD, YYYY-MM (the whole month) or YYYY (the whole year). "
            "Day-first or month-first dates are refused: they are ambiguous.",
    "start_date": "Instead of Date, with End date: the first day (YYYY-MM-DD, YYYY-MM or YYYY).",
    "end_date": "The last day; when empty, the start's day (or month, or year).",
    "latitude": "Decimal degrees with a dot (45.5). With Longitude, the event's point.",
    "longitude": "Decimal degrees with a dot (-3.7).",
    "place": "A place name: shown with the event, and looked up offline for rows without coordinates.",
    "country": "The place's country: an ISO code (FRA, FR) or its name. Optional.",
    "participants": "Countries taking part, separated by ; or , (ISO codes or names).",
    "event_type": "military_exercise, troop_deployment, armed_conflict, diplomatic_agreement, diplomatic_visit, "
                  "official_statement or other. Without it, guessed from the title's words (the notes say so), "
                  "else other.",
    "sources": "The outlets cited for the event, separated by ;.",
    "quote": "A sentence quoted verbatim from the seed article; checked against it.",
    "seed": "The file name of the article (.txt) the quote is from: upload it with the table.",
    "notes": "Anything a reader should know.",
    "url": "Kept as a column of its own.",
    "event_id": "A unique id; without it, made from the title and the row number.",
    "date_precision": "day, week, month or year; without it, from the dates' form.",
    "date_basis": "article, background or table; without it, article for rows quoting a seed, else table.",
    "date_note": "Where the dates come from; without it, the date columns' names.",
    "location_precision": "UCDP scale, 1 exact to 7 sea; without it, 1 for coordinates.",
    "coord_source": "How the coordinates were obtained; without it, the coordinate columns' names.",
}


@st.cache_resource(show_spinner="Reading the uploaded table…", max_entries=2)
def _read(key: str, name: str, _data: bytes) -> pd.DataFrame:
    """An uploaded table as strings; ``key`` names the upload (Streamlit's file ids), so the bytes are not hashed
    again on every rerun. Callers never change the frame."""
    from dashboard.dataset.ingest import read_bytes  # only for uploads: kept off a fresh server's first page

    return read_bytes(_data, name)


@st.cache_resource(show_spinner="Unpacking the archive…", max_entries=2)
def _unzip(key: str, name: str, _data: bytes) -> Bundle:
    """An uploaded .zip's table and articles (a download with its articles); callers never change it."""
    from dashboard.dataset.bundle import read_zip

    return read_zip(_data, name)


@st.cache_resource(show_spinner="Checking the uploaded table…", max_entries=4)
def _ingest(key: str, name: str, _data: bytes, _seeds: tuple[tuple[str, str], ...], mapping: Pairs | None,
            ) -> Ingested:
    """An uploaded table (through ``mapping``, if given), checked against the bundled seed articles and those
    uploaded with it."""
    from dashboard.dataset.ingest import ingest

    texts = {path.name: path.read_text(encoding="utf-8") for path in SEEDS_DIR.glob("*.txt")}
    column_mapping = ColumnMapping(**dict(mapping), origin="the column mapping") if mapping is not None else None
    return ingest(_read(key, name, _data), file=name, seeds={**texts, **dict(_seeds)}, gazetteer=gazetteer(),
                  mapping=column_mapping)


def choose_dataset(bundled: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The dataset to show: an uploaded table's valid rows, or the bundled data; and its name."""
    side = st.sidebar
    side.header("Dataset")
    st.session_state[UPLOADED_SEEDS] = {}
    files = side.file_uploader(
        "Your own table", type=["csv", "geojson", "json", "parquet", "xlsx", "txt", "zip"], accept_multiple_files=True,
        key=f"upload-{st.session_state.get('uploads', 0)}",
        help="Any table of events: one in the dataset's format — such as a CSV, GeoJSON or .zip (with its "
             "articles) downloaded here, or the template — or your own columns, which you then map to the "
             "dataset's fields. An ACLED export (CSV or XLSX), a UCDP GED CSV or a GDELT events file (.CSV or .zip) is "
             "read as it is. Seed articles (.txt) its quotes come from go with it, unless they are bundled. "
             "Invalid rows are listed and left out. At most 100 MiB and 200,000 rows (the 105MB shown counts "
             "10⁶ bytes a MB: it is 100 MiB).")
    side.download_button("Download template", template_csv, "events-template.csv", "text/csv",  # made on a click
                         key="upload-template", width="stretch",
                         help="An empty table in the dataset's format, with one example row to replace.")
    tables = [f for f in files or [] if not f.name.lower().endswith(".txt")]
    if not tables:
        return bundled, "the bundled dataset"
    side.button("Use the bundled dataset", on_click=_next_upload, width="stretch")
    if len(tables) > 1:
        st.error("Upload one table at a time (with any number of seed .txt files); showing the bundled dataset.")
        return bundled, "the bundled dataset"
    table = tables[0]
    seeds = {f.name: f.getvalue().decode("utf-8", errors="replace") for f in files if f.name.lower().endswith(".txt")}
    key = " ".join(f.file_id for f in files)
    name, data = table.name, table.getvalue()
    try:
        if name.lower().endswith(".zip"):  # a table with its articles, as the download with articles gives it
            bundle = _unzip(key, name, data)
            name, data, seeds = bundle.table_name, bundle.table, {**bundle.seeds, **seeds}
        raw = _read(key, name, data)
        mapping = st.session_state.get(LOADED_KEY, {}).get(key)
        foreign = needs_mapping(raw.columns)
        if foreign and mapping is None:  # nothing to check until the reader says which column is which
            st.info(f"{code_span(name)} is not in the dataset's format. Say which of its columns gives each "
                    "field below, check the preview, then load it.")
            _mapping_form(raw, key, name, mapping=None, expanded=True)
            return bundled.iloc[:0], f"{name} {key} unmapped"
        result = _ingest(key, name, data, tuple(sorted(seeds.items())), mapping)
    except UnreadableFileError as exc:
        st.error(f"{code_span(name)} could not be read: {code_span(exc.problems[0].message)}. "
                 "Showing the bundled dataset.")
        return bundled, "the bundled dataset"
    st.session_state[UPLOADED_SEEDS] = seeds
    _report(result, name)
    if mapping is not None or lacks_dataset_columns(raw.columns):
        _mapping_form(raw, key, name, mapping=mapping, expanded=False)
    return result.events, f"{name} {key} {mapping}"


@guarded  # callbacks run before the script, outside main's guard
def _next_upload() -> None:
    """A new key for the uploader: Streamlit then draws an empty one, and the bundled dataset is shown."""
    st.session_state["uploads"] = st.session_state.get("uploads", 0) + 1
    st.session_state.pop(LOADED_KEY, None)


def _mapping_form(raw: pd.DataFrame, key: str, name: str, *, mapping: Pairs | None, expanded: bool) -> None:
    """One choice per field (the loaded mapping's, else the guesses), the first rows as they will load, and the
    button that loads the table through the choices. A form: changing a choice does not redraw the map."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]  # widgets of their own for each upload
    columns = [str(c) for c in raw.columns]
    start = ColumnMapping(**dict(mapping)) if mapping is not None else guess_mapping(columns)
    options: list[str | None] = [None, *columns]
    with st.expander("Column mapping", expanded=expanded):
        st.caption("Which column of the table gives each field. A title, a date and either coordinates or a place "
                   "name are needed; the rest is optional. Problems name your columns and row numbers.")
        with st.form(f"mapping-form-{digest}", border=False):
            chosen: dict[str, str | None] = {}
            for row in range(0, len(FIELDS), FORM_COLUMNS):  # a row of columns each: a phone stacks them in order
                for cell, field in zip(st.columns(FORM_COLUMNS), FIELDS[row:row + FORM_COLUMNS], strict=False):
                    column = getattr(start, field)
                    chosen[field] = cell.selectbox(
                        FIELD_LABELS[field], options, index=options.index(column) if column in columns else 0,
                        format_func=lambda c: NONE if c is None else c, key=f"mapping-{digest}-{field}",
                        help=FIELD_HELP[field])
            left, right = st.columns(2)
            left.form_submit_button("Preview", width="stretch")
            load = right.form_submit_button("Load mapped table", type="primary", width="stretch")
        choice = ColumnMapping(**{f: c for f, c in chosen.items() if c is not None}, origin="the column mapping")
        try:
            check_mapping(choice, columns, file=name)
        except MappingError as exc:
            st.error("\n\n".join(code_span(message) for message in exc.messages[:-1]))  # the last lists the columns
            return
        st.caption(f"The first {min(PREVIEW_ROWS, len(raw))} rows as they will load (a place given by name only "
                   "gets its coordinates when loaded):")
        preview = apply_mapping(raw.head(PREVIEW_ROWS), choice, seed_given=True)
        st.dataframe(preview[PREVIEW_COLUMNS], hide_index=True, width="stretch")
    if load:
        st.session_state[LOADED_KEY] = {key: choice.pairs()}
        st.rerun()


def _report(result: Ingested, name: str) -> None:
    shown = code_span(name)
    first = f" First: {code_span(_line(result.problems[0]))}" if result.problems else ""
    if result.valid:
        st.success(f"{shown}: all {result.rows} rows are valid.")
        return
    if any(p.row is None for p in result.problems):
        st.warning(f"{shown}: the file as a whole has a problem, so none of its {result.rows} rows can be "
                   f"used.{first}")
    else:
        left_out = len(result.rows_left_out)
        rest = "none is shown" if left_out == result.rows else "the others are shown"
        st.warning(f"{shown}: {len(result.problems)} problem(s); {left_out} of {result.rows} rows left out, "
                   f"{rest}.{first}")
    with st.expander("Problems in the uploaded table", expanded=len(result.events) == 0):
        _problem_list(result.problems, name)


def _problem_list(problems: list[Problem], name: str) -> None:
    """Every problem in full, as plain text that wraps (a table cell would cut long ones); beyond
    :data:`MAX_LISTED_PROBLEMS`, the rest are in a download."""
    st.text("\n".join(_line(p) for p in problems[:MAX_LISTED_PROBLEMS]))
    if len(problems) > MAX_LISTED_PROBLEMS:
        st.caption(f"… and {len(problems) - MAX_LISTED_PROBLEMS:,} more.")
        st.download_button("Download all problems (CSV)", lambda: _problems_csv(problems), "problems.csv",
                           "text/csv", key="upload-problems")


def _line(problem: Problem) -> str:
    """A problem without its file (all are the upload's): "row 3, column 'lat': 'north' is not a number"."""
    where = "whole file" if problem.row is None else f"row {problem.row}"
    return f"{where}{f', column {problem.column!r}' if problem.column else ''}: {problem.message}"


def _problems_csv(problems: list[Problem]) -> bytes:
    from dashboard.dataset.export import neutralise_formulas  # a problem quotes cells, formulas included

    table = pd.DataFrame([{"file": p.file, "row": "" if p.row is None else str(p.row), "column": p.column or "",
                           "problem": p.message} for p in problems])
    return neutralise_formulas(table).to_csv(index=False, lineterminator="\n").encode("utf-8")
