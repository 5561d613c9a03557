"""The "Draft from articles" panel: paste or upload articles, give each its date, draft them offline, review the
draft in an editable table (doubtful rows first, each accepted or not), and add the accepted rows to the dataset
shown. Everything it decides is :mod:`dashboard.extraction.review`'s; this module wires widgets to it.

Nothing typed is lost: the review table lives in ``st.session_state`` and every edit is folded into it on the run
that follows the edit, so a rerun, a failed *Add* (which lists every problem and keeps the table as edited) or a
new draft keeps it. The draft is drawn on the map as it is edited (:func:`draft_layers`), and after *Add* the
app shows the dataset with the new rows; :func:`dataset_seeds` gives the articles they quote, for the download
that carries them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from typing import Any

import folium
import pandas as pd
import streamlit as st

from dashboard.dataset.schema import MAX_DATE, MIN_DATE, DatePrecision, EventType, event_type_label
from dashboard.errors import DashboardError, DatasetError, Problem
from dashboard.extraction.review import (
    EDITABLE_COLUMNS,
    SHOWN_COLUMNS,
    Article,
    PlaceResolver,
    Resolution,
    article_name,
    draft_article,
    known_seeds,
    merge,
    place_label,
    review_table,
    row_places,
)
from dashboard.extraction.toponyms import ToponymIndex
from dashboard.maps.mapping import build_draft_layer
from dashboard.paths import SEEDS_DIR
from dashboard.ui.runtime import LOG, gazetteer
from dashboard.ui.upload import UPLOADED_SEEDS
from dashboard.ui.views import code_span

__all__ = ["dataset_seeds", "draft_layers", "draft_panel"]

# Session state: what the panel remembers between runs.
PANEL = "draft-panel"  # the expander: open or not
REVIEW = "draft-review"  # the review table, every edit folded in
VERSION = "draft-version"  # the editor's generation: a new one for each new table (rows added or removed)
PLACES = "draft-places"  # the drafts' own places, by name
ARTICLES = "draft-articles"  # the drafted articles' texts, by seed name
CHOICES = "draft-choices"  # (review row, typed place) -> the candidate chosen for an ambiguous name
PROBLEMS = "draft-problems"  # the last Add's problems
ADDED = "draft-added"  # {"base": dataset name, "events": merged frame, "seeds": {name: text}, "count": rows}
MAP_ROWS = "draft-map"  # the accepted rows at their places, for the map
NOTICE = "draft-notice"
KEPT = "draft-kept"  # the pasted text and the articles' dates, kept while the panel is closed
DATE_MIN = dt.date(1900, 1, 1)
MAX_ARTICLE_MB = 4  # an article of validation.MAX_SEED_CHARS characters takes at most four bytes a character
PROBLEMS_SHOWN = 50
TABLE_ROW_PX, TABLE_MAX_PX = 35, 560


@st.cache_resource(show_spinner=False)
def _index() -> ToponymIndex:
    """The extractor's place names (a few seconds to build): once per process, on the app's shared gazetteer."""
    return ToponymIndex(gazetteer())


@st.cache_resource(show_spinner=False)
def _bundled_seeds() -> dict[str, str]:
    return known_seeds(SEEDS_DIR)


def draft_panel(events: pd.DataFrame, dataset: str) -> tuple[pd.DataFrame, str]:
    """Draw the panel; return the dataset to show (with the rows added to it here) and its name."""
    base, added = dataset, st.session_state.get(ADDED)
    if added is not None and added["base"] == base:
        events, dataset = added["events"], f"{base} + {added['count']} drafted {added['digest']}"
    # Its widgets exist only while it is open (a page that does not draft has no uploader or button of the
    # panel's, and pays nothing for it); what they hold is kept in the session, so closing it loses nothing typed.
    panel = st.expander("Draft from articles", key=PANEL, on_change="rerun", icon=":material/edit_note:")
    if panel.open:
        with panel:
            if notice := st.session_state.pop(NOTICE, None):
                (st.warning if notice[0] == "warning" else st.success)(notice[1])
            articles, drafting, slot = _inputs()
            _review(events, base)
            if drafting:
                _draft(articles, slot)
                st.rerun()
    st.session_state[MAP_ROWS] = _map_rows(_resolutions(events))
    return events, dataset


def draft_layers() -> list[folium.FeatureGroup]:
    """The draft under review on the map (dashed rings), or nothing."""
    rows = st.session_state.get(MAP_ROWS)
    return [build_draft_layer(rows)] if rows is not None and not rows.empty else []


def dataset_seeds() -> dict[str, str]:
    """The articles the shown dataset quotes that are not bundled: uploaded with it, or drafted into it."""
    added = st.session_state.get(ADDED) or {}
    return {**st.session_state.get(UPLOADED_SEEDS, {}), **added.get("seeds", {})}


# --- articles in, draft out ---------------------------------------------------------------------------------------


def _inputs() -> tuple[list[tuple[str, str, str | None]], bool, Any]:
    """The articles given (label, text, file name or None), whether Draft was pressed, and where its progress
    goes."""
    st.caption("Paste a news article or upload .txt files: the drafter proposes its events offline, for you to "
               "review below before they join the dataset.")
    left, right = st.columns([3, 2], gap="medium")  # side by side on a wide page, stacked on a phone
    kept = st.session_state.setdefault(KEPT, {})
    text = left.text_area("Article text", value=kept.get("text", ""), key="draft-text", height=150,
                          placeholder="Paste the text of an article…")
    kept["text"] = text
    files = right.file_uploader("Or article files (.txt)", type=["txt"], accept_multiple_files=True,
                                key="draft-files", max_upload_size=MAX_ARTICLE_MB)
    articles = [("pasted text", text, None)] if text and text.strip() else []
    for file in files or []:
        try:
            articles.append((file.name, file.getvalue().decode("utf-8-sig"), file.name))
        except UnicodeDecodeError:
            right.error(f"{code_span(file.name)} is not UTF-8 text; save it as UTF-8 and upload it again.")
    with right.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        for label, _, file_name in articles:
            key = _date_key(file_name)
            kept[key] = st.date_input(f"Date of {label}", value=kept.get(key), key=key, min_value=DATE_MIN,
                                      max_value=MAX_DATE, format="YYYY-MM-DD", width=200,
                                      help="The day it was published: relative dates ('last week') are read "
                                           "from it. Empty: the year is inferred from the text.")
        # Only with an article to draft: the page without one has no button of the panel's.
        drafting = bool(articles) and st.button("Draft", type="primary", key="draft-button",
                                                help="Draft the events of every article given (offline).")
    return articles, drafting, st.empty()


def _draft(articles: list[tuple[str, str, str | None]], slot: Any) -> None:
    """Draft every article, with a progress bar, and add its rows to the review table (an article drafted
    again replaces its rows)."""
    known = {**_bundled_seeds(), **dataset_seeds()}
    bar = slot.progress(0.0, text="Preparing the drafter (the names of places, once per server)…")
    index = _index()
    drafts, names, failures = [], [], []
    for number, (label, text, file_name) in enumerate(articles):
        date = st.session_state.get(KEPT, {}).get(_date_key(file_name))
        name = article_name(text, file_name=file_name, date=date, known=known)
        bar.progress(number / len(articles), text=f"Drafting {label} ({number + 1} of {len(articles)})…")
        started = time.perf_counter()
        try:
            draft = draft_article(Article(name, text, date), index=index)
        except DashboardError as exc:
            failures.append(f"{code_span(label)}: {code_span(exc)}")  # data in a message: as plain text
            continue
        LOG.info("drafted %s: %d events in %.2f s", name, len(draft.events), time.perf_counter() - started)
        drafts.append(draft)
        names.append(name)
        st.session_state.setdefault(ARTICLES, {})[name] = text
        st.session_state.setdefault(PLACES, {}).update(row_places(draft.places))
    bar.progress(1.0, text="Drafted.")
    old = st.session_state.get(REVIEW)
    kept = old[~old["seed"].isin(names)] if old is not None else None
    table = pd.concat([t for t in (kept, review_table(drafts)) if t is not None and not t.empty], ignore_index=True) \
        if drafts or kept is not None else review_table([])
    table.index = pd.RangeIndex(1, len(table) + 1)
    _replace_review(table)
    count = sum(len(d.events) for d in drafts)
    message = f"Drafted {count} events from {len(drafts)} article(s)." if drafts else ""
    if failures:
        message += " Not drafted: " + "; ".join(failures)
    st.session_state[NOTICE] = ("warning" if failures else "success", message.strip())


def _replace_review(table: pd.DataFrame) -> None:
    """A new review table: the editor starts afresh on it (its pending edits are in the old table already)."""
    st.session_state[REVIEW] = table
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    st.session_state[CHOICES] = {}
    st.session_state[PROBLEMS] = []


# --- the review -------------------------------------------------------------------------------------------------


def _review(events: pd.DataFrame, base: str) -> None:
    """The editable table, the choices for ambiguous places, the buttons and the last Add's problems."""
    review = st.session_state.get(REVIEW)
    if review is None or review.empty:
        return
    st.markdown("**Review the draft**")
    st.caption("Doubtful rows come first, with the reason. Untick *Accept* to leave a row out; edit any white "
               "cell. A place is looked up offline as you type it; participants are ISO codes or country names.")
    key = f"draft-editor-{st.session_state.get(VERSION, 0)}"
    # Every edit kept, whatever happens next, and shown with its place found on the run it arrives: the editor
    # applies its edits again on top, which changes nothing.
    review = _with_edits(review, st.session_state.get(key))
    st.session_state[REVIEW] = review
    resolver = _resolver(events)
    view = review[SHOWN_COLUMNS].copy()
    view["place_found"] = [resolver.resolve(p).describe() for p in view["place"]]
    st.data_editor(view, key=key, num_rows="fixed", hide_index=False, width="stretch", column_config=_columns(),
                   disabled=["doubt", "place_found", "quote", "seed"],
                   height=min(38 + TABLE_ROW_PX * len(view), TABLE_MAX_PX))
    _choices(review, {n: resolver.resolve(p) for n, p in review["place"].items()},
             drafted=set(st.session_state.get(PLACES, {})))
    accepted = int(review["accept"].sum())
    left, right = st.columns(2)
    add = left.button(f"Add {accepted} accepted row(s) to the dataset", type="primary", disabled=not accepted,
                      key="draft-add", width="stretch")
    discard = right.button("Discard the draft", key="draft-discard", width="stretch")
    if add:
        _add(events, base, review, _resolutions(events))
    if discard:
        _replace_review(review.iloc[:0])
        st.rerun()
    _problems()


def _resolver(events: pd.DataFrame) -> PlaceResolver:
    """Typed places resolved offline: the dataset's and the drafts' own places first."""
    return PlaceResolver(_index(), {**row_places(events), **st.session_state.get(PLACES, {})})


def _resolutions(events: pd.DataFrame) -> dict[int, Resolution]:
    """Each review row's place as typed, with the candidate chosen for it where the name is ambiguous."""
    review = st.session_state.get(REVIEW)
    if review is None or review.empty:
        return {}
    resolver, chosen = _resolver(events), st.session_state.get(CHOICES, {})
    resolutions = {}
    for number, place in review["place"].items():
        resolution = resolver.resolve(place)
        resolutions[number] = resolution.choose(chosen.get((number, resolution.typed)))
    return resolutions


def _with_edits(review: pd.DataFrame, state: Any) -> pd.DataFrame:
    """``review`` with the editor's edits (its state: ``{"edited_rows": {row position: {column: value}}}``, values
    as the browser sends them) applied to the editable columns."""
    edited = (state or {}).get("edited_rows") if isinstance(state, dict) else None
    if not edited:
        return review
    review = review.copy()
    for position, cells in edited.items():
        row = review.index[int(position)]
        for column, value in cells.items():
            if column in EDITABLE_COLUMNS:
                review.at[row, column] = _cell(column, value)
    return review


def _cell(column: str, value: Any) -> Any:
    if column == "accept":
        return bool(value)
    if column in ("start_date", "end_date"):
        return None if value in (None, "") else pd.Timestamp(value).date()
    return "" if value is None else str(value)


def _columns() -> dict[str, Any]:
    column = st.column_config
    return {
        "accept": column.CheckboxColumn("Accept", default=True, help="Untick to leave the row out."),
        "doubt": column.TextColumn("Doubt", width="medium", help="Why the drafter is unsure of this row."),
        "title": column.TextColumn("Title", width="large", required=True, max_chars=300),
        "event_type": column.SelectboxColumn("Type", options=[t.value for t in EventType], required=True,
                                             format_func=event_type_label),
        "start_date": column.DateColumn("Start", format="YYYY-MM-DD", min_value=MIN_DATE, max_value=MAX_DATE,
                                        required=True),
        "end_date": column.DateColumn("End", format="YYYY-MM-DD", min_value=MIN_DATE, max_value=MAX_DATE,
                                      required=True),
        "date_precision": column.SelectboxColumn("Date known to", options=[p.value for p in DatePrecision],
                                                 required=True),
        "place": column.TextColumn("Place", help="Type a place name: it is looked up offline. 'Name (ISO3)' "
                                                 "picks the place of that name in that country."),
        "place_found": column.TextColumn("Place found", width="medium"),
        "participants": column.TextColumn("Participants", help="ISO 3166-1 alpha-3 codes or country names, "
                                                               "separated by ; or ,"),
        "sources": column.TextColumn("Cited outlets", help="Separated by ;"),
        "quote": column.TextColumn("Quote", width="large"),
        "seed": column.TextColumn("Article"),
    }


def _choices(review: pd.DataFrame, resolutions: dict[int, Resolution], *, drafted: set[str]) -> None:
    """A choice for each accepted row whose typed place names several places, remembered in the session."""
    chosen = st.session_state.setdefault(CHOICES, {})
    asked = {n: r for n, r in resolutions.items() if r.alternatives and review.at[n, "accept"]
             and r.typed not in drafted}
    if asked:
        st.caption("These places have several meanings: choose the one the article means.")
    for number, resolution in asked.items():
        labels = [place_label(c) for c in resolution.candidates]
        remembered = chosen.get((number, resolution.typed))
        default = remembered if remembered in labels else place_label(resolution.found) if resolution.found else None
        label = st.selectbox(f"Row {number}: which {code_span(resolution.typed, limit=80)}?", labels,
                             index=labels.index(default) if default in labels else None,
                             placeholder="Choose a place…", key=f"draft-choice-{st.session_state.get(VERSION, 0)}-"
                                                               f"{number}-{_digest(resolution.typed)}")
        if label is not None:
            chosen[(number, resolution.typed)] = label


def _add(events: pd.DataFrame, base: str, review: pd.DataFrame, resolutions: dict[int, Resolution]) -> None:
    """Merge the accepted rows into the shown dataset (``base`` and the rows added to it before); on problems keep
    the table and list them all."""
    seeds = {**_bundled_seeds(), **dataset_seeds(), **st.session_state.get(ARTICLES, {})}
    try:
        merged = merge(events, review, resolutions, seeds=seeds)
    except DatasetError as exc:
        st.session_state[PROBLEMS] = exc.problems
        return
    previous = st.session_state.get(ADDED) or {}
    previous = previous if previous.get("base") == base else {}
    digest = secrets.token_hex(8)  # names this dataset in the app's caches, shared by sessions: never reused
    st.session_state[ADDED] = {"base": base, "events": merged.events, "digest": digest,
                               "seeds": {**previous.get("seeds", {}), **merged.seeds},
                               "count": previous.get("count", 0) + len(merged.added)}
    _replace_review(review.iloc[:0])
    st.session_state[NOTICE] = ("success", f"Added {len(merged.added)} event(s) to the dataset; the map and table "
                                           "show them, and the downloads hold them.")
    st.rerun()


def _problems() -> None:
    problems: list[Problem] = st.session_state.get(PROBLEMS) or []
    if not problems:
        return
    st.error(f"Nothing was added: {len(problems)} problem(s). Fix them in the table (your edits are kept) and "
             "add again.")
    st.text("\n".join(_line(p) for p in problems[:PROBLEMS_SHOWN]))
    if len(problems) > PROBLEMS_SHOWN:
        st.caption(f"… and {len(problems) - PROBLEMS_SHOWN} more.")


def _line(problem: Problem) -> str:
    where = "the draft" if problem.row is None else f"row {problem.row}"
    return f"{where}{f', column {problem.column!r}' if problem.column else ''} ({problem.file}): {problem.message}"


def _map_rows(resolutions: dict[int, Resolution]) -> pd.DataFrame | None:
    review = st.session_state.get(REVIEW)
    if review is None or review.empty:
        return None
    rows = [{"title": review.at[n, "title"], "event_type": review.at[n, "event_type"],
             "start_date": review.at[n, "start_date"], "end_date": review.at[n, "end_date"],
             "place": r.found.name, "latitude": r.found.latitude, "longitude": r.found.longitude}
            for n, r in resolutions.items() if r.found is not None and review.at[n, "accept"]]
    return pd.DataFrame(rows)


def _date_key(file_name: str | None) -> str:
    """The date field of an article: one for the pasted text (kept while it is edited), one per file name."""
    return "draft-date-pasted" if file_name is None else f"draft-date-file-{_digest(file_name)}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
