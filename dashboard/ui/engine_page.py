"""The app's page for a dataset that is queried, not loaded: an engine layout folder
(:func:`dashboard.engine.layout.write_engine_dataset`) named by ``DASHBOARD_EVENTS``, answered by the engine of
``DASHBOARD_ENGINE`` (DuckDB by default).

The sidebar offers the in-memory app's filters (dates, countries, types, outlets, text), their choices from the
store's :meth:`~dashboard.engine.store.EventStore.options`. Each run asks the store only what the screen needs:

- the count of the filtered events (the headline);
- for the map's view as streamlit-folium last reported it (bounds and zoom), widened by :data:`VIEW_PAD` on
  each side so that a short pan shows no empty edge before the next answer: the events themselves when at most
  :data:`EVENTS_LIMIT` are in it (drawn by the fast map's canvas layer, with tooltips), else counts per screen
  cell (:mod:`dashboard.maps.cellmap`);
- a clicked event, by its id and start day, for its popup (the in-memory map's) and the "Selected event" panel.

The map is mounted once: the base map never changes, and the layers go through ``feature_group_to_add``, which
streamlit-folium swaps in the mounted map, so a pan keeps the map where the reader left it and sends only the
new layers (a few kilobytes). Streamlit's caches sit here, at the edge: the store and its options once per
dataset, counts, cells and events per query.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.dataset.schema import event_type_label
from dashboard.engine import Bounds, EventStore, FilterSpec, Options, engine_config, open_store
from dashboard.engine.backends import TABLE_PREFIX
from dashboard.errors import DashboardError
from dashboard.geography.countries import country_name
from dashboard.maps.assets import PREPARE_COMMAND
from dashboard.maps.cellmap import EVENTS_LIMIT, first_view, map_layers, reported_view
from dashboard.maps.mapping import (
    MAP_HEIGHT,
    build_base_map,
    event_id_from_tooltip,
)
from dashboard.ui.runtime import guarded, map_context_shared, outlines, search_aliases, static_assets
from dashboard.ui.state import MAX_TEXT_LENGTH
from dashboard.ui.views import code_span

__all__ = ["MAP_KEY", "SELECTED_KEY", "dataset_version", "engine_page", "is_engine_dataset", "layer_bytes"]

MAX_SOURCE_CHOICES = 5_000  # more outlets (GDELT's URLs) than a multiselect can offer: typed instead
MAP_KEY = "engine_map"
SELECTED_KEY = "engine_event"
DAYS_KEY = "engine_days"  # id -> start day of the events drawn: a click's event is then read from its day's rows
CACHE_ENTRIES = 256


def is_engine_dataset(source: str | None) -> bool:
    """Whether ``source`` (``DASHBOARD_EVENTS``) is a dataset to query rather than load: a folder of the engine's
    layout (``year=YYYY/*.parquet``) or a metastore table (``table:NAME``, for Spark)."""
    if not source:
        return False
    if source.startswith(TABLE_PREFIX):
        return True
    path = Path(source)
    return path.is_dir() and any(path.glob("year=*/*.parquet"))


def dataset_version(source: str) -> float:
    """When the dataset's files last changed (its folders' modification times: an import adds files to them), so
    that the caches below, keyed by it, answer from the new files at once. 0 for a metastore table."""
    path = Path(source)
    if source.startswith(TABLE_PREFIX) or not path.is_dir():
        return 0.0
    return max([path.stat().st_mtime, *(folder.stat().st_mtime for folder in path.glob("year=*"))])


# --- Streamlit's caches: the edge, keyed by the dataset's version -------------------------------------------

@st.cache_resource(show_spinner="Opening the dataset…", max_entries=2)
def _store(source: str, version: float, engine: str) -> EventStore:
    """One store per dataset and engine, shared by every session (DuckDB queries take turns on it)."""
    return open_store(source, engine=engine_config(engine))


@st.cache_resource(show_spinner="Reading the dataset's choices…", max_entries=2)
def _options(source: str, version: float, engine: str) -> Options:
    return _store(source, version, engine).options()



@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _count(source: str, version: float, engine: str, spec: FilterSpec) -> int:
    return _store(source, version, engine).count(spec)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _cells(source: str, version: float, engine: str, spec: FilterSpec, bounds: Bounds, zoom: int) -> pd.DataFrame:
    return _store(source, version, engine).cells(spec, bounds, zoom)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _in_view(source: str, version: float, engine: str, spec: FilterSpec, bounds: Bounds,
             limit: int) -> pd.DataFrame | None:
    return _store(source, version, engine).events_in_view(spec, bounds, limit)


class _CachedStore:
    """The store's map queries through Streamlit's cache: a click or a widget elsewhere reruns the page without
    asking the engine again, and a pan back to a view asked before is answered at once."""

    def __init__(self, source: str, version: float, engine: str) -> None:
        self.source, self.version, self.engine = source, version, engine

    def cells(self, spec: FilterSpec, bounds: Bounds, zoom: int) -> pd.DataFrame:
        return _cells(self.source, self.version, self.engine, spec, bounds, zoom)

    def events_in_view(self, spec: FilterSpec, bounds: Bounds, limit: int) -> pd.DataFrame | None:
        return _in_view(self.source, self.version, self.engine, spec, bounds, limit)


@st.cache_data(show_spinner=False, max_entries=CACHE_ENTRIES)
def _event(source: str, version: float, engine: str, event_id: str, start: dt.date | None) -> pd.DataFrame | None:
    return _store(source, version, engine).event(event_id, start=start)





# --- the page -------------------------------------------------------------------------------------------------

def engine_page(source: str) -> None:
    """The page for the queried dataset at ``source`` (``DASHBOARD_EVENTS``)."""
    engine = os.environ.get("DASHBOARD_ENGINE", "")
    st.title("News events map")
    try:
        version = dataset_version(source)
        store = _store(source, version, engine)
        options = _options(source, version, engine)
    except (DashboardError, OSError) as exc:
        st.error(f"The dataset could not be opened: {code_span(exc)}")
        st.stop()
    kind = engine_config(engine).kind
    st.caption(f"{options.events:,} events, queried in place ({'DuckDB' if kind == 'duckdb' else kind}): the map "
               "shows counts per area until few enough events are in view, then each event. Hollow rings mark "
               "places known only to a region or country.")
    spec = _sidebar(options)
    if spec.has_text and getattr(store, "aliases", True) is None:
        store.aliases = search_aliases()  # other names of places, as the in-memory search uses them
    count = _count(source, version, engine, spec)
    headline = st.container(horizontal=True, gap="large", key="headline")
    assets = static_assets()
    if assets.base is None:
        st.error(f"The map cannot be drawn: its Leaflet files are missing from this installation. The operator "
                 f"can add them by running `{PREPARE_COMMAND}` with write access to it.")
        return
    info = _map(source, version, engine, spec)
    with headline:
        st.metric("Events", f"{count:,}", width="content")
        st.metric("In view", f"{info['in_view']:,}", width="content")
        st.metric("Dataset", f"{options.events:,}", width="content")
    shown = (f"{info['shown']:,} events drawn one by one" if info["mode"] == "events" else
             f"{info['shown']:,} cells (zoom in to see the events: at most {EVENTS_LIMIT:,} in view)")
    st.caption(f"This view: {shown}; {info['bytes'] / 1000:.1f} KB sent to the browser.")
    if count == 0:
        st.info("No events match these filters.")
    _selected_panel(source, version, engine)


def _sidebar(options: Options) -> FilterSpec:
    side = st.sidebar
    side.header("Filters")
    first, last = options.first_day, options.last_day
    start = end = None
    if first is not None and last is not None and first < last:
        if not _valid_range(st.session_state.get("dates"), first, last):
            st.session_state["dates"] = (first, last)
        side.slider("Dates", min_value=first, max_value=last, key="dates", format="YYYY-MM-DD",
                    help="Shows events whose dates overlap this range, ends included.")
        start, end = st.session_state["dates"]
        if (start, end) == (first, last):
            start = end = None  # the whole span restricts nothing: no date condition in the queries
    countries = side.multiselect("Countries", options.countries, key="countries", format_func=country_name,
                                 placeholder="All countries", help="A participant, or the country of the place.")
    types = side.multiselect("Event types", options.event_types, key="types", format_func=event_type_label,
                             placeholder="All types")
    if len(options.sources) <= MAX_SOURCE_CHOICES:
        sources = side.multiselect("Cited outlets", options.sources, key="sources", placeholder="All outlets",
                                   help="The outlet the article cites for the event.")
    else:
        typed = side.text_input("Cited outlet", key="source_text", max_chars=MAX_TEXT_LENGTH,
                                help=f"{len(options.sources):,} outlets: type one exactly as written.")
        sources = [typed.strip()] if typed.strip() else []
    text = side.text_input("Search", key="text", max_chars=MAX_TEXT_LENGTH, placeholder="title, place, quote, notes")
    return FilterSpec.of(start=start, end=end, countries=countries, event_types=types, sources=sources, text=text)


def _valid_range(value: object, first: dt.date, last: dt.date) -> bool:
    return (isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(v, dt.date) for v in value)
            and first <= value[0] <= value[1] <= last)


def _map(source: str, version: float, engine: str, spec: FilterSpec) -> dict[str, Any]:
    """Draw the map for the view last reported; what was drawn (see :func:`map_layers`) and its bytes."""
    view = reported_view(st.session_state.get(MAP_KEY)) or first_view()
    selected = st.session_state.get(SELECTED_KEY)
    chosen = _event(source, version, engine, *selected) if selected else None
    context = map_context_shared()
    layers, info = map_layers(_CachedStore(source, version, engine), spec, view, context, selected=chosen)
    st.session_state[DAYS_KEY] = info.pop("days")
    base = build_base_map(context, outlines=outlines())
    st_folium(base, key=MAP_KEY, height=MAP_HEIGHT,
              use_container_width=True, feature_group_to_add=layers,
              layer_control=folium.LayerControl(collapsed=True),
              returned_objects=["bounds", "zoom", "last_object_clicked_tooltip", "last_object_clicked_count"],
              on_change=_on_map_change)
    info["bytes"] = layer_bytes(base, layers)
    return info


def layer_bytes(base: folium.Map, layers: list[folium.FeatureGroup]) -> int:
    """The bytes of the layers as streamlit-folium sends them on every repaint, JSON-encoded (its own string
    builder, on the ``base`` map ``st_folium`` rendered): the part of the component's arguments that follows the
    data. The base map, the same on every run, is sent when the map is mounted."""
    from streamlit_folium import _get_feature_group_string

    return sum(len(json.dumps(_get_feature_group_string(layer, base, index)).encode())
               for index, layer in enumerate(layers))


@guarded
def _on_map_change() -> None:
    """A click on an event (its tooltip ends in ``[id]``) selects it, with its start day from the drawn events."""
    value = st.session_state.get(MAP_KEY) or {}
    event = event_id_from_tooltip(value.get("last_object_clicked_tooltip") or "")
    clicks = value.get("last_object_clicked_count")
    if event and clicks != st.session_state.get("engine_clicks"):
        st.session_state["engine_clicks"] = clicks
        st.session_state[SELECTED_KEY] = (event, st.session_state.get(DAYS_KEY, {}).get(event))


def _selected_panel(source: str, version: float, engine: str) -> None:
    selected = st.session_state.get(SELECTED_KEY)
    if not selected:
        return
    rows = _event(source, version, engine, *selected)
    if rows is None:
        return
    row = rows.iloc[0]
    with st.container(border=True, key="selected_event"):  # st.text: data shown as it is, links and all
        st.markdown("**Selected event**")
        st.text(row["title"])
        st.text(f"{event_type_label(row['event_type'])} · {row['start_date']:%d %b %Y} – {row['end_date']:%d %b %Y}"
                f" · {row['place']} ({country_name(row['place_country'])})")
        if row["quote"]:
            st.text(f"“{row['quote']}”")
        st.text(f"Source: {row['seed'] or 'no article'} · outlets: {', '.join(row['sources']) or 'none named'} · "
                f"id {row['event_id']}")
        if st.button("Clear the selection", key="clear_selection"):
            st.session_state.pop(SELECTED_KEY, None)
            st.rerun()
