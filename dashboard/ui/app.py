"""The Streamlit app: widgets in, calls to the core, elements out. Started by ``make run``.

Everything it shows is computed by the core (``dashboard.*``); this module only wires widgets, caches at the
edge, and keeps the filter state in the URL so a view can be shared.

Never a traceback: the package's errors become messages, and any other exception (a bug) becomes a short
message with a reference while its traceback goes to the server log (stderr) under that reference. Data shown
in a message (a URL parameter, a file name, a title) is quoted in code spans or shown with ``st.text``, so it
cannot become a link, an icon or formatting.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.dataset.export import to_csv, to_geojson
from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import event_type_label
from dashboard.errors import DashboardError, DatasetError
from dashboard.geography.countries import country_name
from dashboard.maps.assets import PREPARE_COMMAND
from dashboard.maps.basemap import place_layer, place_rows
from dashboard.maps.controls import HIDDEN_KEY, LAYERS, VIEW_KEY, View, ViewLayerControl, first_views
from dashboard.maps.fastmap import FAST_THRESHOLD, build_fast_layers
from dashboard.maps.mapping import (
    MAP_HEIGHT,
    MapContext,
    build_base_map,
    build_event_layers,
    event_id_from_tooltip,
)
from dashboard.paths import EVENTS_PATH, PLACES_PATH
from dashboard.ui.drafting import dataset_seeds, draft_layers, draft_panel
from dashboard.ui.engine_page import engine_page, is_engine_dataset
from dashboard.ui.runtime import guarded, log_to_stderr, map_context_shared, outlines, search_aliases, static_assets
from dashboard.ui.state import (
    MAX_TEXT_LENGTH,
    FilterOptions,
    FilterState,
    hidden_from_params,
    hidden_from_report,
    hidden_to_params,
    notice_text,
    selection_after_filter,
    state_from_params,
    state_from_widgets,
    state_to_params,
    view_from_params,
    view_from_report,
    view_to_params,
)
from dashboard.ui.timeline import (
    TIMELINE_BRUSH,
    TIMELINE_HELP,
    TIMELINE_LEGEND,
    TIMELINE_VIEWPORT_PX,
    brushed_dates,
    picked_event,
    timeline_chart,
    timeline_height,
)
from dashboard.ui.upload import choose_dataset
from dashboard.ui.views import Summary, code_span, date_span, summarize, table_view

EAGER_DOWNLOAD_ROWS = 200  # ~40 ms for both files
VIEW_CACHE_ENTRIES = 64  # filtered views (rows, downloads, timeline) kept for every session to share
TABLE_MAX_ROWS = 2_000  # more rows would send megabytes on every rerun; the downloads hold them all
# Another dataset to serve instead of the bundled one (events CSV or Parquet, places.csv and seeds/ beside it).
EVENTS_ENV = "DASHBOARD_EVENTS"
WIDGET_KEYS = ("dates", "countries", "types", "sources", "text")  # the filters' session_state keys
# On a phone (Streamlit's layout turns narrow below 640 px) the title and the headline figures take less room,
# so the map starts in the first screen.
NARROW_CSS = """<style>
@media (max-width: 640px) {
  .block-container h1 { font-size: 1.9rem; padding-top: 0; }
  .st-key-headline [data-testid="stMetricValue"] { font-size: 1.35rem; }
  .st-key-headline { row-gap: 0.25rem; }
}
</style>"""



@st.cache_resource(show_spinner="Loading the dataset…", max_entries=2)  # shared, never changed: no copy per rerun
def _events(path: str | None, stamp: tuple[float, ...]) -> pd.DataFrame:
    """The dataset; ``stamp`` (the files' modification times) makes an edited file load again."""
    if path is None:
        return load_events()
    return load_events(path, seeds_dir=Path(path).parent / "seeds")


def _dataset_files() -> tuple[str | None, tuple[float, ...]]:
    """The dataset file to serve (None: the bundled one) and the modification times of its files."""
    path = os.environ.get(EVENTS_ENV)
    files = [Path(path), Path(path).with_name(PLACES_PATH.name)] if path else [EVENTS_PATH, PLACES_PATH]
    return path, tuple(f.stat().st_mtime for f in files if f.exists())


@st.cache_resource(show_spinner=False, max_entries=4)
def _options(dataset: str, _events: pd.DataFrame) -> FilterOptions:
    """What the filters offer, computed once per dataset (0.3 s at 200,000 events)."""
    return FilterOptions.of(_events)


@st.cache_resource(show_spinner=False, max_entries=4)
def _view(dataset: str, _events: pd.DataFrame) -> tuple[tuple[int, View], ...]:
    """Where the map opens, for each map width the browser may have (only it knows which): on the whole
    dataset, so that an upload of another region is in view."""
    return first_views(_events)




@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _filtered(view: str, _state: FilterState, _events: pd.DataFrame) -> pd.DataFrame:
    """The events of one view, shared by every session showing it (callers never change the frame)."""
    return _state.apply(_events, aliases=search_aliases() if _state.text else None)



@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _places(view: str, _filtered: pd.DataFrame) -> list[tuple[str, float, float]]:
    """The places one view names on the map (a groupby: ~50 ms at 200,000 events), not redone on a click."""
    return place_rows(_filtered)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _summary(view: str, _filtered: pd.DataFrame) -> Summary:
    """The headline figures of one view (~50 ms at 200,000 events), not redone on a click."""
    return summarize(_filtered)


def _init_from_url(options: FilterOptions, dataset: str) -> None:
    """Once per session and dataset: the widgets start from the URL's parameters; bad ones become a notice."""
    if st.session_state.get("initialised") == dataset:
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state, notices = state_from_params(params, options)
    reset = None
    if "initialised" in st.session_state:  # another dataset: its values, not the URL's, which were the last one's
        state, notices = FilterState.default(options), []
        st.session_state.update(view_from_url=None, map_view=None)  # it opens on its own first view
        if any(st.session_state.get(key) != value for key, value in st.session_state.get("defaults", {}).items()):
            reset = "The filters were reset for the new dataset."
    else:  # the layers the reader hides are the same for any dataset: the URL's, once per session
        hidden, layer_notices = hidden_from_params(params, LAYERS)
        view, view_notices = view_from_params(params)
        st.session_state.update({HIDDEN_KEY: hidden, "layers_from_url": hidden,
                                 "layers_memory": f"news-map-hidden-layers-{secrets.token_hex(8)}",
                                 "view_from_url": view, "map_view": view})
        notices += layer_notices + view_notices
    _set_widgets(state)
    st.session_state.update(initialised=dataset, notices=notices, event=state.event, reset_notice=reset,
                            defaults=_widget_values(FilterState.default(options)))


def _set_widgets(state: FilterState) -> None:
    st.session_state.update(_widget_values(state))


def _widget_values(state: FilterState) -> dict[str, Any]:
    return {"dates": (state.start, state.end), "countries": list(state.countries), "types": list(state.event_types),
            "sources": list(state.sources), "text": state.text}


def _repair_widgets(options: FilterOptions) -> None:
    """Give every filter widget a usable value before it is drawn. Streamlit deletes a widget's key on a run
    that does not draw it (the date slider of a one-day dataset), and a slider without a value would start as
    a single date, not a range. Usable values are left as they are, so typing is never disturbed."""
    wanted = _widget_values(state_from_widgets(st.session_state, options))
    for key in WIDGET_KEYS:
        current = st.session_state.get(key)
        usable = isinstance(current, str) and len(current) <= MAX_TEXT_LENGTH if key == "text" else \
            current == wanted[key]
        if not usable:
            st.session_state[key] = wanted[key]


@guarded
def _reset(options: FilterOptions) -> None:
    _set_widgets(FilterState.default(options))
    st.session_state.update(event=None, notices=[], reset_notice=None)


def _sidebar(options: FilterOptions) -> FilterState:
    _repair_widgets(options)
    side = st.sidebar
    side.header("Filters")
    if options.date_min < options.date_max:
        side.slider("Dates", min_value=options.date_min, max_value=options.date_max, key="dates",
                    format="YYYY-MM-DD", help="Shows events whose dates overlap this range, ends included.")
        _date_inputs(options)
    else:  # a slider needs a range; one day (or no event at all) has none
        side.caption(f"Dates: {options.date_min:%Y-%m-%d}" if len(options.event_ids) else "Dates: no events")
    side.multiselect("Countries", options.countries, key="countries", format_func=lambda c: country_name(c),
                     placeholder="All countries", help="A participant, or the country of the place.")
    side.multiselect("Event types", options.event_types, key="types", format_func=event_type_label,
                     placeholder="All types")
    side.multiselect("Cited outlets", options.sources, key="sources", placeholder="All outlets",
                     help="The outlet the article cites for the event.")
    side.text_input("Search", key="text", max_chars=MAX_TEXT_LENGTH, placeholder="title, place, quote, notes")
    side.button("Reset filters", on_click=_reset, args=(options,), width="stretch")
    side.caption("The filters are in the page's URL: copy it to share this view.")
    return state_from_widgets(st.session_state, options)


def _date_inputs(options: FilterOptions) -> None:
    """Two date fields under the slider, to type a range to the day (the slider moves a week a pixel on a
    five-year dataset). They show the slider's range; a typed date moves it."""
    st.session_state["date_from"], st.session_state["date_to"] = st.session_state["dates"]
    # One above the other: side by side, a 300-pixel sidebar cuts the dates short.
    for key, label in (("date_from", "From"), ("date_to", "To")):
        st.sidebar.date_input(label, key=key, min_value=options.date_min, max_value=options.date_max,
                              format="YYYY-MM-DD", on_change=_typed_date, args=(key,))


@guarded
def _typed_date(key: str) -> None:
    """A typed date moves its end of the range; the other end follows if the range would turn inside out. A
    cleared field changes nothing (the next run shows the range again)."""
    start, end = st.session_state["dates"]
    typed = st.session_state.get(key)
    if not isinstance(typed, dt.date):
        return
    if key == "date_from":
        start, end = typed, max(end, typed)
    else:
        start, end = min(start, typed), typed
    st.session_state["dates"] = (start, end)


def _headline(summary: Summary) -> None:
    """The four figures side by side, wrapping on a narrow page (a phone): the map stays in its first screen."""
    with st.container(horizontal=True, gap="large", key="headline"):
        st.metric("Events", f"{summary.events:,}", width="content")
        st.metric("Places", f"{summary.places:,}", width="content")
        st.metric("Countries", f"{summary.countries:,}", width="content")
        st.metric("Date span", date_span(summary.first, summary.last), width="content")


def _map(filtered: pd.DataFrame, places: list[tuple[str, float, float]], context: MapContext,
         selected: str | None, views: tuple[tuple[int, View], ...]) -> None:
    """Draw the map: every event as its own marker, or, for many, on one canvas with the selected event's
    marker and provenance popup drawn on top. A click selects an event (see :func:`_on_map_click`)."""
    if len(filtered) > FAST_THRESHOLD:
        layers = build_fast_layers(filtered, context, selected=selected)
    else:
        layers = build_event_layers(filtered, context)
    layers = [*layers, *draft_layers(), place_layer(places)]  # the base map's labels give way to these
    # No centre or zoom for st_folium: the layer control opens the map on the view for its width (the same views
    # on every rerun leave the reader's panning alone), and hides again the layers the reader turned off (the
    # frame keeps them, from the URL's; given the same on every run, the control is not rebuilt by a report).
    # The URL's view (as the session began) and the selection go to the control too: it opens the map on the
    # first, and moves to the second when it changes; the same on the next run moves nothing.
    _remember_hidden_layers()
    _remember_view()
    control = ViewLayerControl(views=views, hidden=st.session_state.get("layers_from_url", ()),
                               memory=st.session_state.get("layers_memory", "news-map-hidden-layers"),
                               at=st.session_state.get("view_from_url"), selected=selected)
    # The click count too: a click on the marker clicked last, after a selection elsewhere, is then a change.
    st_folium(build_base_map(context, outlines=outlines()), key="map", height=MAP_HEIGHT,
              use_container_width=True,
              feature_group_to_add=layers, layer_control=control,
              returned_objects=["last_object_clicked_tooltip", "last_object_clicked_count"],
              on_change=_on_map_click)


def _remember_hidden_layers() -> None:
    """The layers the reader hides, for the URL: as the map frame last reported them (a tick in its layer
    control), else as the URL said. A report is the component's value only until its next one (a click), so it
    is kept."""
    reported = hidden_from_report((st.session_state.get("map") or {}).get(HIDDEN_KEY), LAYERS)
    if reported is not None:
        st.session_state[HIDDEN_KEY] = reported


def _remember_view() -> None:
    """Where the reader left the map, for the URL (``at=``): as the frame last reported it, kept like the
    hidden layers."""
    reported = view_from_report((st.session_state.get("map") or {}).get(VIEW_KEY))
    if reported is not None:
        st.session_state["map_view"] = reported


@guarded
def _on_map_click() -> None:
    """Select the clicked event before the rerun starts, so the run draws it selected at once."""
    tooltip = (st.session_state.get("map") or {}).get("last_object_clicked_tooltip") or ""
    if event := event_id_from_tooltip(tooltip):
        st.session_state["event"] = event


def _table(filtered: pd.DataFrame, selected: str | None) -> None:
    picked = filtered[filtered["event_id"] == selected] if selected else filtered.iloc[:0]
    shown = filtered.head(TABLE_MAX_ROWS)
    if not picked.empty and selected not in set(shown["event_id"]):
        shown = pd.concat([picked, shown.head(TABLE_MAX_ROWS - 1)])
    if len(filtered) > len(shown):
        st.caption(f"Showing {len(shown):,} of {len(filtered):,} events; the downloads hold all of them.")
    view = table_view(shown)
    if not picked.empty:
        row = picked.iloc[0]
        with st.container(border=True):  # st.text: a title or quote is shown as it is, links and all
            st.markdown("**Selected event**")
            st.text(f"{row['title']} — “{row['quote']}” ({row['seed']})")
        styled = view.style.apply(
            lambda r: ["background-color: #fff3bf" if r["ID"] == selected else "" for _ in r], axis=1)
    else:
        styled = view
    height = min(38 + 35 * len(view), 640)  # every row visible up to a screenful
    # A click on a row selects its event (the map opens it). The highlight is ours, not the widget's: a table of
    # its own for each selection starts with no row ticked, so a click on another row, or the same one after the
    # map chose another event, is always a change.
    key = f"table-{selected or ''}"
    st.session_state["table"] = (key, list(view["ID"]))
    st.dataframe(styled, hide_index=True, width="stretch", height=height, key=key, on_select=_on_table_select,
                 selection_mode="single-row", column_config={
        "Start": st.column_config.DateColumn(format="D MMM YYYY"),
        "End": st.column_config.DateColumn(format="D MMM YYYY"),
        "Quote": st.column_config.TextColumn(width="large"),
    })


@guarded
def _on_table_select() -> None:
    """Select the event of the clicked row, before the rerun starts."""
    key, ids = st.session_state.get("table", (None, []))
    rows = getattr(st.session_state.get(key), "selection", {}).get("rows", []) if key else []
    if rows and isinstance(rows[0], int) and 0 <= rows[0] < len(ids):
        st.session_state["event"] = ids[rows[0]]


def _downloads(view: str, filtered: pd.DataFrame) -> None:
    seeds = {name: text for name, text in dataset_seeds().items() if name in set(filtered["seed"])}
    left, right, *more = st.columns(3 if seeds else 2)
    # Small tables are written at once, once per view; larger ones only when the button is pressed: both files
    # take about 10 ms + 0.09 ms a row, which every rerun (a click, a filter) would pay.
    eager = len(filtered) <= EAGER_DOWNLOAD_ROWS
    csv, geojson = _exports(view, filtered) if eager else (lambda: to_csv(filtered), lambda: to_geojson(filtered))
    left.download_button("Download CSV", csv, "events.csv", "text/csv", width="stretch",
                         help="Exactly the filtered table, in the dataset's own format.")
    right.download_button("Download GeoJSON", geojson, "events.geojson", "application/geo+json",
                          width="stretch", help="RFC 7946 points, the columns in properties.")
    if seeds:  # quotes from articles that are not bundled: the CSV alone would not upload back valid
        from dashboard.dataset.bundle import bundle_zip  # with the upload checks (~0.15 s): only when needed

        more[0].download_button("Download with articles (.zip)", bundle_zip(filtered, seeds) if eager else
                                lambda: bundle_zip(filtered, seeds), "events-with-articles.zip", "application/zip",
                                width="stretch", help="The CSV and the articles its quotes come from that are not "
                                "bundled: upload the .zip to load it again.")


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _exports(view: str, _filtered: pd.DataFrame) -> tuple[str, str]:
    """Both downloads of one view (dataset and filters), shared by every session that shows it."""
    return to_csv(_filtered), to_geojson(_filtered)


@st.cache_resource(show_spinner=False, max_entries=VIEW_CACHE_ENTRIES)
def _timeline(view: str, _filtered: pd.DataFrame, _state: FilterState) -> dict[str, Any]:
    """The timeline's Vega-Lite spec for one view (its axis spans the date filter), made once per view."""
    return timeline_chart(_filtered, start=_state.start, end=_state.end)


def _timeline_section(view: str, filtered: pd.DataFrame, state: FilterState) -> None:
    """The timeline, in a scrolling box when it is taller than a screenful. Dragging across it sets the dates
    and a click on an event selects it (see :func:`_on_timeline_select`)."""
    st.subheader("Timeline")
    tall = timeline_height(len(filtered)) > TIMELINE_VIEWPORT_PX
    with st.container(height=TIMELINE_VIEWPORT_PX) if tall else st.container():
        st.vega_lite_chart(_timeline(view, filtered, state), width="stretch", key="timeline",
                           on_select=_on_timeline_select)
    st.caption(f"{TIMELINE_LEGEND} {TIMELINE_HELP}")


@guarded
def _on_timeline_select() -> None:
    """A drag sets the date filter (the slider follows); a click selects the event. Runs before the rerun, so
    the sidebar is drawn with the new dates."""
    selection = getattr(st.session_state.get("timeline"), "selection", None) or {}
    if TIMELINE_BRUSH in selection and (days := brushed_dates(selection)):
        options, (start, end) = st.session_state.get("options"), days
        if options is not None:  # inside the data's span, as the slider's range must be
            start, end = max(start, options.date_min), min(end, options.date_max)
        if start <= end:
            st.session_state["dates"] = (start, end)
    options = st.session_state.get("options")
    if event := picked_event(selection, options.event_ids if options is not None else frozenset()):
        st.session_state["event"] = event


def _view_key(dataset: str, state: FilterState) -> str:
    """What the filtered rows depend on: the dataset and the filters, not the selected event."""
    return f"{dataset} {replace(state, event=None)!r}"


def main() -> None:
    st.set_page_config(page_title="News events map", page_icon="🗺️", layout="wide")
    if is_engine_dataset(os.environ.get(EVENTS_ENV)):  # a dataset to query, not load: its own page
        engine_page(os.environ[EVENTS_ENV])
        return
    assets = static_assets()
    files = _dataset_files()
    try:
        events = _events(*files)
        context = map_context_shared()
    except DatasetError as exc:
        st.error("The dataset is invalid:\n\n" + "\n".join(f"- {code_span(p)}" for p in exc.problems))
        st.stop()
    except (DashboardError, OSError) as exc:
        st.error(f"The dataset could not be loaded: {code_span(exc)}")
        st.stop()
    st.html(NARROW_CSS)
    st.title("News events map")
    st.caption("Every point cites its sentence. Hollow rings and dashed circles mark places known only to a "
               "region, country or sea.")
    events, dataset = choose_dataset(events)
    events, dataset = draft_panel(events, dataset)  # the dataset with the rows added from drafts
    key = f"{dataset} {files}"  # the dataset shown: its options, views and first view are computed once
    options = _options(key, events)
    st.session_state["options"] = options  # for the callbacks, which run before the next run computes it
    _init_from_url(options, dataset)
    if reset := st.session_state.get("reset_notice"):
        st.info(reset)
    if notices := st.session_state.get("notices"):
        st.warning(notice_text(notices))
    state = _sidebar(options)
    view = _view_key(key, state)
    filtered = _filtered(view, state, events)
    event, cleared = selection_after_filter(state.event, filtered["event_id"])
    if cleared:  # said for as long as these filters stay (the map's first report reruns at once)
        st.session_state.update(event=event, selection_notice=(view, cleared))
        state = replace(state, event=event)
    said_for, said = st.session_state.get("selection_notice") or (None, None)
    if said and said_for == view and state.event is None:
        st.info(said)
    _headline(_summary(view, filtered))
    if assets.base is None:
        st.error(f"The map cannot be drawn: its Leaflet files are missing from this installation. The operator "
                 f"can add them by running `{PREPARE_COMMAND}` with write access to it.")
    else:
        _map(filtered, _places(view, filtered), context, state.event, _view(key, events))
    if filtered.empty:
        st.info("No events match these filters.")
    else:
        _timeline_section(view, filtered, state)
        st.subheader("Events")
        _table(filtered, state.event)
    _downloads(view, filtered)
    st.query_params.from_dict({**state_to_params(state, options),
                               **hidden_to_params(st.session_state.get(HIDDEN_KEY, ()), LAYERS),
                               **view_to_params(st.session_state.get("map_view"))})


log_to_stderr()
guarded(main)()
