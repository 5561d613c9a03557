"""Building the folium map of events. Pure: frames and GeoJSON in, folium objects out; no Streamlit.

The map has two parts, so the app can change what is drawn without remounting the map:

- :func:`build_base_map` — what never changes: the offline country outlines, optional online tiles, the
  legend. Built the same way every time.
- :func:`build_event_layers` — what the filters change: event markers (each drawn as itself, clustered only
  when many; made in the browser from one JSON array, with provenance popups), the honest extent of
  imprecise places, and lines from each participant's capital to the event.

:func:`build_map` puts both together (the tests check the whole map with it).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from ..dataset.schema import DateBasis, EventType, LocationPrecision, event_type_label
from ..geography.countries import country_name
from ..geography.gazetteer import OfflineGazetteer
from ..geography.geometry import country_radius_km, great_circle, load_world, split_at_antimeridian
from ..paths import WORLD_PATH
from .assets import INLINE, MAP_CSS, MAP_JS, asset_links, localize
from .basemap import (
    BASEMAP_CSS,
    BASEMAP_JS,
    FINE_OUTLINES_ZOOM,
    LABELS_PANE,
    OUTLINES_PANE,
    inline_labels,
    place_labels,
    served_urls,
)

__all__ = [
    "CLUSTER_ABOVE",
    "DRAFT_LAYER_NAME",
    "EVENT_COLORS",
    "MAP_HEIGHT",
    "EventMarkers",
    "EventShapes",
    "MapContext",
    "Outlines",
    "PlainText",
    "build_base_map",
    "build_draft_layer",
    "build_event_layers",
    "build_map",
    "data_view",
    "event_id_from_tooltip",
    "hidden_id",
    "map_context",
    "outline_json",
    "popup_html",
    "precision_radius_km",
    "tooltip_text",
]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
EVENT_COLORS: dict[str, str] = {
    EventType.MILITARY_EXERCISE: "#0072B2",
    EventType.TROOP_DEPLOYMENT: "#E69F00",
    EventType.ARMED_CONFLICT: "#D55E00",
    EventType.DIPLOMATIC_AGREEMENT: "#009E73",
    EventType.DIPLOMATIC_VISIT: "#CC79A7",
    EventType.OFFICIAL_STATEMENT: "#56B4E9",
    EventType.OTHER: "#999999",  # grey: said to be unknown, unlike the types
}
UNKNOWN_COLOR = "#666666"
DRAFT_LAYER_NAME = "Draft (not yet in the dataset)"
DRAFT_LEGEND = "Draft under review: not yet in the dataset"

# How far from its point an event may be, by UCDP precision. Country precision uses the country's own size.
PRECISION_RADIUS_KM: dict[int, float | None] = {1: None, 2: 25.0, 3: 75.0, 4: 250.0, 5: 800.0, 6: 300.0, 7: 600.0}

_TOOLTIP_ID = re.compile(r"\[([a-z0-9-]+)\]\s*$")
# Event markers. Up to CLUSTER_ABOVE events each is drawn as itself (markers that overlap on the screen are
# spread on a small circle, a thin leg to their true place); above it they cluster, each cluster ringed by its
# events' type colours.
CLUSTER_ABOVE = 50
CLUSTER_RADIUS_PX = 30
MARKER_RADIUS_PX = 8
SPREAD_PX = 2 * MARKER_RADIUS_PX + 2  # markers closer than this on the screen are spread
# Popups and tooltips stay inside the map and clear of its controls, whatever the map's width.
POPUP_MAX_WIDTH = 440
POPUP_SIDE_ROOM = 80  # the popup's frame (~46 px) and a margin on each side, taken from the map's width
POPUP_CHROME = 56  # the popup's frame and tip below its content, taken from the free height
TOOLTIP_MAX_WIDTH = 260  # and at most half the map's width less 30 px, so it fits beside its marker
CONTROL_MARGIN = 8  # pixels kept between a popup or tooltip and the controls or the map's edge
NARROW_MAP_PX = 600  # a phone's map: its legend opens collapsed, and its first view is on the story's core
LEGEND_OPEN_MIN_WIDTH = NARROW_MAP_PX  # a narrower map opens with its legend collapsed
WHEEL_HINT_MS = 1400
WHEEL_HINT = "Use Ctrl + scroll to zoom the map"
WHEEL_HINT_MAC = "Use ⌘ + scroll to zoom the map"
TILE_NOTICE = "Online tiles unavailable (no internet?)"
MAX_ZOOM = 12  # the outlines are 1:110m; beyond this only online tiles add detail
MIN_ZOOM = 2
MAP_HEIGHT = 560  # pixels, as the app draws it
VIEW_MAX_ZOOM = 5  # a dataset at one place opens on its region, not on a blank close-up
# The first view holds at least this share of the events where it can: four in five, so that one or two far
# outliers (the bundled Pacific point) do not set it, and a few more than that still do.
CORE_SHARE = 0.8
# On a narrow map a view of four in five is often the whole world, where markers crowd and no name fits beside
# them (the bundled data at 388 px: Kyiv to the Sea of Japan at zoom 2); there the view holds the closest zoom
# with at least half of the events (the seven in East Asia), the rest a pan away.
NARROW_CORE_SHARE = 0.5
VIEW_PAD_PX = 24  # kept clear at each edge of the first view, so an event there shows its whole marker
VIEW_LON_STEP = 0.01  # degrees (about a kilometre): the first view's longitudes are rounded to this
DEFAULT_VIEW = ((20.0, 0.0), MIN_ZOOM)
SEA_COLOR, LAND_COLOR, BORDER_COLOR = "#dce9f2", "#f4f1ea", "#a8a196"
# Online tile layers, off until the reader turns one on: (URL, attribution). Given as URLs, not provider names,
# which folium looks up in xyzservices' catalogue on every rerun (~6 % of a filter change's CPU).
ONLINE_TILES: dict[str, tuple[str, str]] = {
    "OpenStreetMap tiles (online)": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    "Light tiles (online)": (
        "https://server.arcgisonline.com/ArcGIS/rest/services/Canvas/World_Light_Gray_Base/MapServer/tile/{z}/{y}/{x}",
        "Tiles &copy; Esri &mdash; Esri, DeLorme, NAVTEQ"),
}
DEFAULT_ASSET_BASE = "../../app/static/"  # Streamlit's static folder, relative to the map frame


@dataclass(frozen=True)
class MapContext:
    """What the map needs besides the events: outlines, capitals and country sizes (all offline)."""

    world: dict[str, Any]
    capitals: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # ISO3 -> (lat, lon)
    country_radius_km: Mapping[str, float] = field(default_factory=dict)  # ISO3 -> km
    asset_base: str = DEFAULT_ASSET_BASE


def map_context(gazetteer: OfflineGazetteer, world: dict[str, Any] | None = None) -> MapContext:
    """What the map draws besides the events: the outlines (``data/world.geojson`` unless given), the capital of
    every outlined country (where participants' lines start) and each country's size (its dashed extent)."""
    world = load_world(WORLD_PATH) if world is None else world
    codes = sorted({feature["properties"]["iso_a3"] for feature in world["features"]} - {""})
    capitals = {code: (c.latitude, c.longitude) for code in codes if (c := gazetteer.capital(code))}
    return MapContext(world=world, capitals=capitals, country_radius_km=country_radius_km(world))


View = tuple[tuple[float, float], int]  # (centre (lat, lon), zoom)


def data_view(events: pd.DataFrame, *, width_px: int = 900, height_px: int = MAP_HEIGHT, right_px: int = 0) -> View:
    """The centre (lat, lon) and zoom a map of this size opens on: the closest zoom (at most ``VIEW_MAX_ZOOM``)
    at which one longitude window holds at least ``CORE_SHARE`` of the events (``NARROW_CORE_SHARE`` on a map
    narrower than ``NARROW_MAP_PX``; every event counts, so a place with many weighs more), centred on that
    window's events; at ``MIN_ZOOM``, the window holding the most.
    ``right_px`` on the map's right (an open legend) is kept clear of the window where there is room.

    So one far outlier (the bundled Pacific point) cannot pull the view off the rest. Windows never cross the
    antimeridian, and the centre moves, as far as the window stays in view, to keep the view inside -180°..180°:
    the outlines and markers are drawn once, there (``world_copy_jump`` is off), so a view across 180° would
    show empty sea and miss the very events it was chosen for."""
    if events.empty:
        return DEFAULT_VIEW
    # Events by longitude, rounded to VIEW_LON_STEP: far fewer values to slide windows over at 200,000 events.
    lons = np.round(np.clip(events["longitude"].to_numpy(dtype=float), -180.0, 180.0) / VIEW_LON_STEP)
    order = np.argsort(lons, kind="stable")
    lons, ys = lons[order] * VIEW_LON_STEP, _mercator_ys(events["latitude"].to_numpy(dtype=float)[order])
    starts = np.flatnonzero(np.r_[True, lons[1:] != lons[:-1]])
    column = _Columns(lons[starts], np.r_[starts, len(lons)], np.minimum.reduceat(ys, starts),
                      np.maximum.reduceat(ys, starts))
    need = math.ceil((CORE_SHARE if width_px >= NARROW_MAP_PX else NARROW_CORE_SHARE) * len(lons))
    for zoom in range(VIEW_MAX_ZOOM, MIN_ZOOM, -1):
        first, last = _densest_window(column, _degrees(width_px - 2 * VIEW_PAD_PX - right_px, zoom))
        tall_enough = column.height(first, last) <= _radians(height_px - 2 * VIEW_PAD_PX, zoom)
        if column.events(first, last) >= need and tall_enough:
            return _centred(column, first, last, zoom, width_px, right_px)
    first, last = _densest_window(column, _degrees(width_px - 2 * VIEW_PAD_PX - right_px, MIN_ZOOM))
    return _centred(column, first, last, MIN_ZOOM, width_px, right_px)


@dataclass(frozen=True)
class _Columns:
    """The events grouped by (rounded) longitude, west to east: each group's longitude, the events before it
    (``bounds``, one more than the groups) and its southernmost and northernmost Web Mercator y."""

    lons: np.ndarray
    bounds: np.ndarray
    south: np.ndarray
    north: np.ndarray

    def events(self, first: int, last: int) -> int:
        return int(self.bounds[last] - self.bounds[first])

    def height(self, first: int, last: int) -> float:
        return float(self.north[first:last].max() - self.south[first:last].min())


def _degrees(pixels: float, zoom: int) -> float:
    """The longitude (degrees) that ``pixels`` span at ``zoom`` (256-pixel tiles)."""
    return max(pixels, 1.0) * 360.0 / (256.0 * 2**zoom)


def _radians(pixels: float, zoom: int) -> float:
    """The Web Mercator y (radians) that ``pixels`` span at ``zoom``."""
    return max(pixels, 1.0) * 2 * math.pi / (256.0 * 2**zoom)


def _densest_window(column: _Columns, width_deg: float) -> tuple[int, int]:
    """``first, last``: the groups ``first:last`` fit in ``width_deg`` and hold the most events that do; of
    equally full windows the narrowest, then the westernmost."""
    ends = np.searchsorted(column.lons, column.lons + width_deg, side="right")
    counts = column.bounds[ends] - column.bounds[:-1]
    full = np.flatnonzero(counts == counts.max())
    first = int(full[np.argmin(column.lons[ends[full] - 1] - column.lons[full])])
    return first, int(ends[first])


def _centred(column: _Columns, first: int, last: int, zoom: int, width_px: int, right_px: int) -> View:
    """The view at ``zoom`` on the groups ``first:last``: centred on them in the map less ``right_px``, then
    moved toward keeping the whole view inside -180°..180° as far as they stay in view (clear of ``right_px``
    where they fit without it)."""
    west, east = float(column.lons[first]), float(column.lons[last - 1])
    half_view, pad = _degrees(width_px, zoom) / 2, _degrees(VIEW_PAD_PX, zoom)
    right = _degrees(right_px, zoom) if right_px > 0 else 0.0
    if east - west > 2 * (half_view - pad) - right:  # too wide to keep clear of right_px: the whole map, then
        right = 0.0
    # A view narrower than the world stays clear of the empty sea beyond 180° if it can; a wider one is centred
    # on the world. But the window stays in view.
    centre = (west + east + right) / 2
    centre = float(np.clip(centre, -180 + half_view, 180 - half_view)) if half_view < 180 else 0.0
    centre = float(np.clip(centre, east - half_view + pad + right, west + half_view - pad))
    middle_y = (column.south[first:last].min() + column.north[first:last].max()) / 2
    return (round(math.degrees(math.atan(math.sinh(middle_y))), 4), round(centre, 4)), zoom


def _mercator_ys(lats: np.ndarray) -> np.ndarray:
    phi = np.radians(np.clip(lats, -85.0, 85.0))
    return np.log(np.tan(np.pi / 4 + phi / 2))


def build_base_map(context: MapContext, *, location: tuple[float, float] = DEFAULT_VIEW[0],
                   zoom: int = DEFAULT_VIEW[1], outlines: str | None = None) -> folium.Map:
    """The unchanging part of the map, with every asset link pointing at the app's own copies.

    The outlines and labels are the files published in the static folder (the bundled ``data/world.geojson``,
    ``data/world-50m.geojson`` and ``data/labels.csv``), which the map fetches once per session: they are not in
    the map's script, which streamlit-folium sends again on every rerun. Only when the assets are
    :data:`~dashboard.maps.assets.INLINE` (a read-only install) are the context's outlines and the labels in the
    script; ``outlines`` is then :func:`outline_json` of them, made beforehand (the app makes it once per
    process)."""
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True, min_zoom=MIN_ZOOM,
                   maxZoom=MAX_ZOOM, world_copy_jump=False)
    m.default_js = asset_links(MAP_JS, context.asset_base)
    m.default_css = asset_links(MAP_CSS, context.asset_base)
    _MapStyle().add_to(m)
    if context.asset_base == INLINE:
        Outlines(outline_json(context.world) if outlines is None else outlines, labels=inline_labels()).add_to(m)
    else:
        Outlines(urls=served_urls(context.asset_base)).add_to(m)
    for name, (url, attribution) in ONLINE_TILES.items():
        folium.TileLayer(url, attr=attribution, name=name, overlay=True, show=False, max_zoom=MAX_ZOOM).add_to(m)
    Legend(EVENT_COLORS).add_to(m)
    localize(m, context.asset_base)
    return m


def outline_json(world: dict[str, Any]) -> str:
    """The country outlines as the JSON text the map's script holds (safe inside a ``<script>``)."""
    return json.dumps(world, separators=(",", ":")).replace("<", "\\u003c")


def build_event_layers(events: pd.DataFrame, context: MapContext, *, pane: str | None = None,
                       open_popup: bool = False) -> list[folium.FeatureGroup]:
    """The filtered events as three layers: places' extent, participants' lines, and the event markers (one
    :class:`EventMarkers` script). ``pane`` puts the markers in that map pane; ``open_popup`` opens the first
    marker's popup once it is on the map (the fast path's selected event)."""
    extents = folium.FeatureGroup(name="Place precision (extent)")
    lines = folium.FeatureGroup(name="Participants (lines from capitals)")
    markers = folium.FeatureGroup(name="Events")
    areas, paths, records = [], [], []
    for row in events.itertuples(index=False):
        color = EVENT_COLORS.get(row.event_type, UNKNOWN_COLOR)
        # Only an imprecise place (ADM2 or wider) gets an extent and a hollow ring, as the legend and the app's
        # caption say: a dashed circle around a city known to ≈25 km would claim vagueness the data lacks.
        precise = int(row.location_precision) <= LocationPrecision.NEAR_NAMED_PLACE
        radius_km = None if precise else precision_radius_km(row.location_precision, row.place_country,
                                                               context.country_radius_km)
        if radius_km is not None:
            areas.append(_extent(row, color, radius_km))
        paths += [_participant_line(row, code, context.capitals[code], color) for code in row.participants
                  if code in context.capitals]
        records.append(_marker_record(row, color, precise=precise, radius_km=radius_km))
    EventShapes("extents", areas).add_to(extents)
    EventShapes("lines", paths).add_to(lines)
    EventMarkers(records, pane=pane, open_popup=open_popup).add_to(markers)
    for layer in (extents, lines, markers):
        localize(layer, context.asset_base)
    return [extents, lines, markers]


def build_draft_layer(draft: pd.DataFrame) -> folium.FeatureGroup:
    """A draft under review (``title``, ``event_type``, ``start_date``, ``end_date``, ``place``, ``latitude``,
    ``longitude``; dates as days) as one layer of dashed rings in its event types' colours, with a legend entry
    of its own while it is on the map. Its tooltips carry no event id: a click on a draft selects nothing."""
    layer = folium.FeatureGroup(name=DRAFT_LAYER_NAME)
    records = [{"lat": float(row.latitude), "lon": float(row.longitude),
                "color": EVENT_COLORS.get(row.event_type, UNKNOWN_COLOR),
                "tooltip": f"<b>Draft:</b> {_escape(str(row.title))}<br>"
                           f"{_escape(_draft_dates(row.start_date, row.end_date))} · {_escape(str(row.place))}"}
               for row in draft.itertuples(index=False)
               if math.isfinite(float(row.latitude)) and math.isfinite(float(row.longitude))]
    DraftMarkers(records).add_to(layer)
    return layer


def _draft_dates(start: Any, end: Any) -> str:
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return "dates missing"
    return _date_range(pd.Timestamp(start), pd.Timestamp(end))


def build_map(events: pd.DataFrame, context: MapContext) -> folium.Map:
    """Base map and event layers in one map, with a layer control: for tests and saving as HTML."""
    m = build_base_map(context)
    for layer in [*build_event_layers(events, context), place_labels(events)]:
        layer.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def precision_radius_km(precision: int, country: str, country_radii: Mapping[str, float]) -> float | None:
    """How far (km) an event may be from its point; None for an exact location."""
    if precision == LocationPrecision.COUNTRY and country in country_radii:
        return country_radii[country]
    return PRECISION_RADIUS_KM.get(int(precision), PRECISION_RADIUS_KM[5])


def tooltip_text(row: Any) -> str:
    """The marker's tooltip as escaped HTML: the title, then when and where. The event id follows in a hidden
    element: the reader never sees it, but streamlit-folium returns a clicked tooltip's ``textContent``, hidden
    text included, and that ends with ``[event_id]`` (see :func:`event_id_from_tooltip`)."""
    e = _escape
    return (f"<b>{e(row.title)}</b><br>{e(_date_range(row.start_date, row.end_date))} · {e(row.place)}"
            f"{hidden_id(row.event_id)}")


def hidden_id(event_id: str) -> str:
    """``[event_id]`` in an element the browser does not show, to end a tooltip with."""
    return f"<span hidden>[{_escape(event_id)}]</span>"


def event_id_from_tooltip(text: str) -> str | None:
    """The event id :func:`tooltip_text` put at the end of a marker's tooltip, from the clicked tooltip's text as
    streamlit-folium returns it (its ``textContent``); None for any other tooltip (participant lines end
    otherwise)."""
    match = _TOOLTIP_ID.search(text or "")
    return match.group(1) if match else None


DATE_BASIS_WORDS = {DateBasis.ARTICLE: "from the article", DateBasis.BACKGROUND: "from background knowledge",
                    DateBasis.TABLE: "from the uploaded table"}


def popup_html(row: Any) -> str:
    """The marker's popup: every field a reader needs to cite the event, escaped."""
    e = _escape
    precision = LocationPrecision(int(row.location_precision))
    participants = ", ".join(f"{country_name(code)} ({code})" for code in row.participants) or "none named"
    sources = ", ".join(row.sources) or "no outlet named"
    basis = DATE_BASIS_WORDS.get(row.date_basis, "basis not given")
    parts = [
        f"<div class='event-popup'><b>{e(row.title)}</b>",
        f"<div class='meta'>{e(event_type_label(row.event_type))} · <code>{e(row.event_id)}</code></div>",
        f"<p><b>When:</b> {e(_date_range(row.start_date, row.end_date))} "
        f"(known to the {e(str(row.date_precision))}; {basis})",
    ]
    if row.date_note:
        parts.append(f"<br><small>{e(row.date_note)}</small>")
    parts += [
        f"</p><p><b>Where:</b> {e(row.place)} — {e(precision.label)} (UCDP {int(precision)})"
        f"<br><small>{e(row.coord_source)}</small></p>",
        f"<p><b>Participants:</b> {e(participants)}<br><b>Cited outlet:</b> {e(sources)}</p>",
    ]
    if row.quote or row.seed:  # a table's row may come without an article
        parts += [f"<blockquote>{e(row.quote)}</blockquote>",
                  f"<div class='meta'>Source: <code>{e(row.seed)}</code></div>"]
    else:
        parts.append("<div class='meta'>Source: the uploaded table (no article quoted)</div>")
    if row.notes:
        parts.append(f"<p><small><b>Notes:</b> {e(row.notes)}</small></p>")
    return "".join(parts) + "</div>"


def _escape(text: str) -> str:
    """HTML-escape ``text`` for a popup or tooltip. folium puts both inside JavaScript template literals
    (`...`), where a backtick would end the literal, ``${`` run code and a stray backslash (``\\u``) break the
    whole map script, so those three characters become HTML entities too: the reader sees the same text."""
    return html.escape(text).translate(_TEMPLATE_LITERAL_ENTITIES)


_TEMPLATE_LITERAL_ENTITIES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def _date_range(start: pd.Timestamp, end: pd.Timestamp) -> str:
    first, last = f"{start.day} {start:%b %Y}", f"{end.day} {end:%b %Y}"  # not %-d: Windows lacks it
    return first if first == last else f"{first} – {last}"


def _marker_record(row: Any, color: str, *, precise: bool, radius_km: float | None = None) -> dict[str, Any]:
    """What :class:`EventMarkers` draws for one event. An imprecise place (``precise`` false) becomes a hollow
    ring: it marks a region's centre, not where the event happened; ``km``, its extent's radius, sets how close
    the map moves to it when it is selected."""
    record = {"lat": float(row.latitude), "lon": float(row.longitude), "color": color, "precise": precise,
              "id": row.event_id, "popup": popup_html(row), "tooltip": tooltip_text(row)}
    if radius_km is not None:
        record["km"] = round(radius_km)
    return record


def _extent(row: Any, color: str, radius_km: float) -> dict[str, Any]:
    """Where an imprecise place's event may be: a dashed circle (drawn by :class:`EventShapes`)."""
    return {"lat": float(row.latitude), "lon": float(row.longitude), "color": color, "radius": radius_km * 1000}


def _participant_line(row: Any, code: str, capital: tuple[float, float], color: str) -> dict[str, Any]:
    """The great circle from a participant's capital to the event, cut at ±180° (drawn by :class:`EventShapes`).
    Its tooltip ends in "(participant)", never in "[id]": a click on a line selects no event."""
    pieces = split_at_antimeridian(great_circle(capital, (row.latitude, row.longitude)))
    return {"paths": [[[round(lat, 5), round(lon, 5)] for lat, lon in piece] for piece in pieces], "color": color,
            "tooltip": _escape(f"{country_name(code)} → {row.title} (participant)")}


class PlainText(Element):
    """Text printed as it is (a rendered script), not compiled as a Jinja template first."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class PlainScriptElement(MacroElement):
    """A macro element with only a ``script`` macro and no children, whose rendered script joins the page as
    :class:`PlainText`. branca wraps each rendered script in ``Element(script)``, which compiles it as a Jinja
    template only to print it: for the 194 KB of outlines, about 25 ms on every render, and streamlit-folium
    renders the map on every rerun."""

    def render(self, **kwargs: Any) -> None:
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(PlainText(script), name=self.get_name())


class EventMarkers(PlainScriptElement):
    """The event markers, their popups and tooltips, made in the browser from one JSON array of
    :func:`_marker_record` records (see :data:`EVENT_MARKERS_JS`). One folium marker, popup and tooltip per event
    would each be compiled as a Jinja template on every rerun; this script joins the page as plain text, and the
    same events give the same bytes, so the frame keeps an open popup across reruns."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library }}
        var {{ this.get_name() }} = window.NewsEventMarkers({{ this.records }},
            {{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, records: list[dict[str, Any]], *, pane: str | None = None, open_popup: bool = False) -> None:
        super().__init__()
        self._name = "EventMarkers"
        self.library = EVENT_MARKERS_JS
        # "<" as \\u003c: the text can never close the <script> it is in, in a saved HTML page too
        self.records = json.dumps(records, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
        self.options = {"clusterAbove": CLUSTER_ABOVE, "clusterRadius": CLUSTER_RADIUS_PX,
                        "radius": MARKER_RADIUS_PX, "spreadPx": SPREAD_PX, "popupMaxWidth": POPUP_MAX_WIDTH,
                        "pane": pane, "open": open_popup}


class EventShapes(PlainScriptElement):
    """The events' place extents (``kind`` "extents": dashed circles that take no clicks) or participants' lines
    ("lines": dotted great circles with a tooltip), made in the browser from one JSON array of :func:`_extent` or
    :func:`_participant_line` records (see :data:`EVENT_SHAPES_JS`), for the reason :class:`EventMarkers` is."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library }}
        var {{ this.get_name() }} = window.NewsEventShapes({{ this.kind|tojson }},
            {{ this.records }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, kind: Literal["extents", "lines"], records: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "EventShapes"
        self.kind = kind
        self.library = EVENT_SHAPES_JS
        self.records = json.dumps(records, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")


class DraftMarkers(PlainScriptElement):
    """The markers of :func:`build_draft_layer`, made in the browser from one JSON array (see
    :data:`DRAFT_MARKERS_JS`), with the legend entry that says what a dashed ring is."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library }}
        window.NewsDraftMarkers({{ this.records }}, {{ this.options|tojson }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, records: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "DraftMarkers"
        self.library = DRAFT_MARKERS_JS
        self.records = json.dumps(records, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
        self.options = {"radius": MARKER_RADIUS_PX + 1, "legend": DRAFT_LEGEND}


class _MapStyle(PlainScriptElement):
    """Sea colour, popup and tooltip typography, and how the map answers the reader (see
    :data:`MAP_BEHAVIOUR_JS`): popups and tooltips sized to the map and kept clear of its controls, wheel zoom
    only with Ctrl or ⌘ or after a click, a notice when online tiles fail. Set from the map script
    (streamlit-folium drops header scripts)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().style.background = {{ this.sea|tojson }};
        (function () {
            var style = document.createElement("style");
            style.textContent = {{ this.css|tojson }};
            document.head.appendChild(style);
        })();
        {{ this.library }}
        window.NewsMapBehaviour({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.sea = SEA_COLOR
        self.css = MAP_CSS_RULES
        self.library = MAP_BEHAVIOUR_JS
        self.options = {"popupMaxWidth": POPUP_MAX_WIDTH, "popupSideRoom": POPUP_SIDE_ROOM,
                        "popupChrome": POPUP_CHROME, "tipMaxWidth": TOOLTIP_MAX_WIDTH, "margin": CONTROL_MARGIN,
                        "hint": WHEEL_HINT, "hintMac": WHEEL_HINT_MAC, "hintMs": WHEEL_HINT_MS,
                        "notice": TILE_NOTICE}


class Legend(PlainScriptElement):
    """A Leaflet control listing the event colours and the marker symbols, open by default only on a map at
    least ``LEGEND_OPEN_MIN_WIDTH`` wide; the reader opens and closes it, and it folds away while a popup is
    open. Labels are escaped."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                div.innerHTML = {{ this.html|tojson }};
                div.firstChild.open = map.getSize().x >= {{ this.open_min_width }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, colors: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "Legend"
        self.open_min_width = LEGEND_OPEN_MIN_WIDTH
        rows = [f"<i style='background:{html.escape(color)}'></i>{html.escape(event_type_label(kind))}"
                for kind, color in colors.items()]
        rows += ["<i style='background:#333'></i>place known to ≈25 km",
                 "<i class='ring'></i>region, country or sea;<br>dashed circle: where it may be",
                 "<i class='donut'></i>a number: that many events, ringed<br>by their types; click to zoom"]
        self.html = "<details><summary><b>Legend</b></summary>" + "<br>".join(rows) + "</details>"


class Outlines(PlainScriptElement):
    """The offline base map: the country outlines (1:110m, swapped for 1:50m from ``FINE_OUTLINES_ZOOM``) and the
    labels of countries, seas and cities (:mod:`dashboard.maps.basemap`), non-interactive, in panes below
    everything the event layers draw, not in the layer control.

    Given ``urls`` (:func:`~dashboard.maps.basemap.served_urls`), the map fetches the files once per session.
    Otherwise it holds ``outlines`` and ``labels`` as JSON text made beforehand (1:110m only): ``folium.GeoJson``
    would serialise the outlines again, and walk them for the map's bounds, on every rerun."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.engine }}
        (function (map) {
            map.createPane({{ this.outlines_pane|tojson }}, map.getPane("overlayPane")).style.zIndex = -2;
            var labels = map.createPane({{ this.labels_pane|tojson }}, map.getPane("overlayPane"));
            labels.style.zIndex = -1;
            labels.style.pointerEvents = "none";
            var style = document.createElement("style");
            style.textContent = {{ this.css|tojson }};
            document.head.appendChild(style);
            L.basemapOutlines(map, {pane: {{ this.outlines_pane|tojson }}, style: {{ this.style|tojson }},
                                    data: {{ this.outlines or "null" }}, url: {{ this.urls.get("outlines")|tojson }},
                                    fineUrl: {{ this.urls.get("fine_outlines")|tojson }},
                                    fineZoom: {{ this.fine_zoom }}});
            L.basemapLabels(map, {pane: {{ this.labels_pane|tojson }}, data: {{ this.labels or "null" }},
                                  url: {{ this.urls.get("labels")|tojson }}});
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, outlines: str | None = None, *, labels: str | None = None,
                 urls: Mapping[str, str] | None = None) -> None:
        super().__init__()
        if (urls is None) == (outlines is None):
            raise ValueError("give the outlines either inline or as URLs")
        self._name = "Outlines"
        self.outlines, self.labels, self.urls = outlines, labels, dict(urls or {})
        self.engine, self.css = BASEMAP_JS, BASEMAP_CSS
        self.outlines_pane, self.labels_pane, self.fine_zoom = OUTLINES_PANE, LABELS_PANE, FINE_OUTLINES_ZOOM
        self.style = {"color": BORDER_COLOR, "weight": 0.7, "fillColor": LAND_COLOR, "fillOpacity": 1.0}


# The map's own rules, added to the frame's page by _MapStyle.
MAP_CSS_RULES = (
    ".event-popup{font:13px/1.4 system-ui,sans-serif;overflow-wrap:anywhere}"
    ".event-popup .meta{color:#555;font-size:12px}"
    ".event-popup blockquote{margin:6px 0;padding:4px 8px;border-left:3px solid #bbb;background:#f7f7f7;"
    "font-style:italic}.event-popup p{margin:6px 0}"
    # Leaflet's tooltips never wrap; ours wrap at a width the map's script sets from the map's own width.
    ".leaflet-tooltip.event-tip{white-space:normal;width:max-content;max-width:var(--news-tip-width,260px);"
    "font:12px/1.35 system-ui,sans-serif}"
    ".map-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;"
    "font:11px/1.45 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}"
    ".map-legend summary{cursor:pointer}"
    ".draft-legend{background:rgba(255,255,255,.92);padding:3px 8px;border-radius:4px;"
    "font:11px/1.45 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}"
    ".draft-legend i{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px;"
    "vertical-align:-2px;border:2px dashed #333;background:#fff}"
    ".map-legend i{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;"
    "vertical-align:-1px}.map-legend i.ring{background:#fff!important;border:3px solid #333;width:7px;height:7px}"
    ".map-legend i.donut{background:#fff;border:3px solid #0072B2;border-right-color:#E69F00;"
    "border-bottom-color:#CC79A7;width:7px;height:7px}"
    ".event-cluster{background:none;border:none}.event-cluster svg{display:block;overflow:visible}"
    ".event-cluster text{font:bold 12px system-ui,sans-serif;fill:#222}"
    ".map-wheel-hint{position:absolute;inset:0;z-index:1100;display:flex;align-items:center;"
    "justify-content:center;background:rgba(0,0,0,.4);color:#fff;font:600 16px system-ui,sans-serif;"
    "pointer-events:none;opacity:0;transition:opacity .2s}.map-wheel-hint.on{opacity:1}"
    ".map-notice{position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1100;max-width:70%;"
    "padding:4px 10px;border:1px solid #d8a73b;border-radius:4px;background:#fff6dc;color:#5c4400;"
    "font:12px/1.4 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.25);pointer-events:none}"
    ".map-notice[hidden]{display:none}"
)

# How the map answers the reader; plain ES5 with no dependency but Leaflet, run once per map.
MAP_BEHAVIOUR_JS = r"""
(function () {
if (window.NewsMapBehaviour) return;
// How far the controls reach into the map from its top and from its bottom, in pixels.
function controlBands(container) {
    var frame = container.getBoundingClientRect(), top = 0, bottom = 0;
    var controls = container.querySelectorAll(".leaflet-control");
    for (var i = 0; i < controls.length; i++) {
        var r = controls[i].getBoundingClientRect();
        if (!r.width || !r.height) continue;
        if (controls[i].parentNode.classList.contains("leaflet-top")) top = Math.max(top, r.bottom - frame.top);
        else bottom = Math.max(bottom, frame.bottom - r.top);
    }
    return {top: top, bottom: bottom};
}
// A popup as wide as the map allows, no taller than the band between the top and the bottom controls, and
// panned into that band. The legend folds away while a popup is open, and comes back when it closes.
function fitPopups(map, o) {
    var folded = null, quiet = null;  // the marker whose popup is open keeps its tooltip off the popup
    function hush() { if (quiet) quiet.closeTooltip(); }
    map.on("popupopen", function (e) {
        var legend = map.getContainer().querySelector(".map-legend details[open]");
        if (legend) { legend.open = false; folded = legend; }
        var source = e.popup._source;
        if (source && source.getTooltip && source.getTooltip()) {
            quiet = source;
            hush();
            source.on("tooltipopen", hush);
        }
        var size = map.getSize(), bands = controlBands(map.getContainer()), m = o.margin, p = e.popup.options;
        p.maxWidth = Math.max(120, Math.min(o.popupMaxWidth, size.x - o.popupSideRoom));
        p.minWidth = Math.min(p.minWidth, p.maxWidth);
        p.maxHeight = Math.max(80, size.y - bands.top - bands.bottom - 2 * m - o.popupChrome);
        p.autoPanPaddingTopLeft = [m, bands.top + m];
        p.autoPanPaddingBottomRight = [m, bands.bottom + m];
        e.popup.update();  // Leaflet laid it out and panned before this event: again, with these options
    });
    map.on("popupclose", function () {
        if (folded) { folded.open = true; folded = null; }
        if (quiet) { quiet.off("tooltipopen", hush); quiet = null; }
    });
}
// Tooltips wrap at most half the map's width (they open beside their marker, towards the map's centre), and
// one that would cross the top or bottom edge is moved inside.
function fitTooltips(map, o) {
    var container = map.getContainer();
    function width() {
        var w = Math.max(120, Math.min(o.tipMaxWidth, map.getSize().x / 2 - 30));
        container.style.setProperty("--news-tip-width", w + "px");
    }
    width();
    map.on("resize", width);
    map.on("tooltipopen", function (e) {
        var el = e.tooltip.getElement();
        if (!el) return;
        el.style.marginTop = "";
        var frame = container.getBoundingClientRect(), r = el.getBoundingClientRect(), dy = 0;
        if (r.top < frame.top + o.margin) dy = frame.top + o.margin - r.top;
        else if (r.bottom > frame.bottom - o.margin) dy = frame.bottom - o.margin - r.bottom;
        if (dy) el.style.marginTop = dy + "px";
    });
}
// The wheel scrolls the page unless the reader holds Ctrl or Cmd (a trackpad pinch sends Ctrl too) or has
// clicked the map since the pointer came in; a hint says how. Leaflet never sees the other wheel events.
function guardWheel(map, o) {
    var container = map.getContainer(), armed = false, timer = null;
    var hint = L.DomUtil.create("div", "map-wheel-hint", container);
    hint.textContent = /Mac|iPhone|iPad/.test(navigator.platform) ? o.hintMac : o.hint;
    container.addEventListener("wheel", function (e) {
        if (armed || e.ctrlKey || e.metaKey) return;
        if (e.target.closest && e.target.closest(".leaflet-popup, .leaflet-control")) return;  // they scroll
        e.stopPropagation();
        L.DomUtil.addClass(hint, "on");
        clearTimeout(timer);
        timer = setTimeout(function () { L.DomUtil.removeClass(hint, "on"); }, o.hintMs);
    }, {capture: true, passive: true});
    container.addEventListener("mousedown", function () { armed = true; L.DomUtil.removeClass(hint, "on"); }, true);
    container.addEventListener("focus", function () { armed = true; }, true);
    container.addEventListener("mouseleave", function () { armed = false; });
}
// A tile layer whose tiles fail to load (no internet) says so on the map, once, until it is turned off.
function watchTiles(map, o) {
    var failing = {}, notice = L.DomUtil.create("div", "map-notice", map.getContainer());
    notice.textContent = o.notice;
    notice.setAttribute("role", "status");
    notice.hidden = true;
    function watch(layer) {
        if (!(layer instanceof L.TileLayer) || layer._newsWatched) return;
        layer._newsWatched = true;
        layer.on("tileerror", function () {
            if (!this._map) return;
            failing[L.stamp(this)] = true;
            notice.hidden = false;
        });
    }
    map.eachLayer(watch);
    map.on("layeradd", function (e) { watch(e.layer); });
    map.on("layerremove", function (e) {
        if (!(e.layer instanceof L.TileLayer)) return;
        delete failing[L.stamp(e.layer)];
        if (Object.keys(failing).length === 0) notice.hidden = true;
    });
}
window.NewsMapBehaviour = function (map, o) {
    fitPopups(map, o);
    fitTooltips(map, o);
    guardWheel(map, o);
    watchTiles(map, o);
};
})();
"""

# The event markers: plain ES5 with no dependency but Leaflet and Leaflet.markercluster (both loaded by the base
# map). Records come from _marker_record; their popup and tooltip HTML is escaped in Python.
EVENT_MARKERS_JS = r"""
(function () {
if (window.NewsEventMarkers) return;
var HEX = /^#[0-9a-fA-F]{3,8}$/;
// A cluster: its number inside a ring split by its events' type colours (inline SVG). The centre is white and
// the number dark, colours no event type has.
function donut(cluster) {
    var children = cluster.getAllChildMarkers(), n = children.length, counts = {}, colors = [];
    for (var i = 0; i < n; i++) {
        var c = HEX.test(children[i].options.eventColor) ? children[i].options.eventColor : "#666666";
        if (!counts[c]) { counts[c] = 0; colors.push(c); }
        counts[c] += 1;
    }
    var size = n < 10 ? 32 : n < 100 ? 38 : 44, h = size / 2, r = h - 5, around = 2 * Math.PI * r, done = 0;
    var svg = '<svg width="' + size + '" height="' + size + '"><circle cx="' + h + '" cy="' + h + '" r="' +
        (h - 1) + '" fill="#fff" stroke="rgba(0,0,0,.45)"/>';
    for (var k = 0; k < colors.length; k++) {  // clockwise from twelve o'clock
        var part = around * counts[colors[k]] / n;
        svg += '<circle cx="' + h + '" cy="' + h + '" r="' + r + '" fill="none" stroke="' + colors[k] +
            '" stroke-width="7" stroke-dasharray="' + part + ' ' + (around - part) + '" stroke-dashoffset="' +
            (around / 4 - done) + '"/>';
        done += part;
    }
    svg += '<text x="' + h + '" y="' + h + '" dy=".35em" text-anchor="middle">' + n + '</text></svg>';
    return L.divIcon({html: svg, className: "event-cluster", iconSize: L.point(size, size)});
}
function marker(r, o) {
    var style = r.precise ? {fillColor: r.color, fillOpacity: 0.9, color: "#fff", weight: 1.5}
        : {fillColor: "#fff", fillOpacity: 0.85, color: r.color, weight: 3};
    style.radius = o.radius; style.eventColor = r.color; style.eventId = r.id; style.eventKm = r.km || 0;
    if (o.pane) style.pane = o.pane;
    return L.circleMarker([r.lat, r.lon], style)
        .bindPopup(r.popup, {maxWidth: o.popupMaxWidth})
        .bindTooltip(r.tooltip, {direction: "auto", offset: [o.radius, 0], className: "event-tip", opacity: 0.95})
        .on("click", function () { picked(r.id); });
}
// The event the reader picked on the map, for the layer control: the selection that follows is not flown to.
function picked(id) {
    (window.__newsSelection = window.__newsSelection || {}).picked = id;
}
// The closest zoom (at most o.preciseZoom) at which an imprecise place's extent (km) spans o.fitShare of the
// map's shorter side; o.preciseZoom for a precise place.
function fitZoom(map, latlng, km, o) {
    if (!(km > 0)) return o.preciseZoom;
    var size = map.getSize(), across = Math.max(Math.min(size.x, size.y) * o.fitShare, 1);
    var perPixel = 2000 * km / across;  // metres
    var zoom = Math.floor(Math.log(40075016.686 * Math.cos(latlng.lat * Math.PI / 180) / 256 / perPixel) / Math.LN2);
    return Math.max(map.getMinZoom() + 1, Math.min(o.preciseZoom, zoom));
}
// Opens a found marker's popup where the marker is: a cluster holding it is spread first; with its layer turned
// off, the popup alone opens at its place. `still`: the popup does not pan the map into view.
function openFound(map, found, home, still) {
    var group = found.group, m = found.marker;
    function open() {
        var popup = m.getPopup(), pans = popup.options.autoPan;
        popup.options.autoPan = pans && !still;
        m.openPopup();
        popup.options.autoPan = pans;
    }
    if (!group._map) {
        L.popup({maxWidth: m.getPopup().options.maxWidth, autoPan: !still}).setLatLng(home)
            .setContent(m.getPopup().getContent()).openOn(map);
    } else if (map.hasLayer(m)) {
        open();
    } else if (group.getVisibleParent) {  // in a cluster (the animation of a zoom first ends)
        if (group._inZoomAnimation) {
            return group.once("animationend", function () { openFound(map, found, home, still); });
        }
        var parent = group.getVisibleParent(m);
        if (!parent || !parent.spiderfy) return;
        group.once("spiderfied", open);
        parent.spiderfy();
    }
}
// Markers that overlap on the screen at this zoom are spread on a small circle around their centre, each
// with a thin leg to its true place; recomputed after every zoom.
function spread(group, markers, o) {
    var home = [], legs = L.polyline([], {color: "#333", weight: 1, opacity: 0.6, interactive: false});
    for (var i = 0; i < markers.length; i++) {
        home.push(markers[i].getLatLng());
        markers[i]._home = home[i];  // the place labels name a place beside its marker where it is drawn
    }
    group.addLayer(legs);
    function layout() {
        var map = group._map;
        if (!map) return;
        var zoom = map.getZoom(), points = [], sets = [], lines = [];
        for (var i = 0; i < home.length; i++) {  // sets of markers linked by overlaps: one joins all it touches
            var p = map.project(home[i], zoom), joined = [i], apart = [];
            for (var s = 0; s < sets.length; s++) {
                var touches = false;
                for (var k = 0; k < sets[s].length && !touches; k++)
                    touches = points[sets[s][k]].distanceTo(p) < o.spreadPx;
                if (touches) joined = joined.concat(sets[s]); else apart.push(sets[s]);
            }
            points.push(p);
            apart.push(joined);
            sets = apart;
        }
        for (var t = 0; t < sets.length; t++) {
            var set = sets[t], n = set.length, cx = 0, cy = 0;
            if (n === 1) { markers[set[0]].setLatLng(home[set[0]]); continue; }
            for (var a = 0; a < n; a++) { cx += points[set[a]].x / n; cy += points[set[a]].y / n; }
            var radius = Math.max(o.spreadPx, n * (2 * o.radius + 4) / (2 * Math.PI)), turn = {};
            for (var c = 0; c < n; c++) turn[set[c]] = Math.atan2(points[set[c]].y - cy, points[set[c]].x - cx);
            set.sort(function (u, v) { return turn[u] - turn[v] || u - v; });  // each keeps its side
            for (var b = 0; b < n; b++) {
                var angle = turn[set[0]] + 2 * Math.PI * b / n;
                var at = map.unproject([cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)], zoom);
                markers[set[b]].setLatLng(at);
                lines.push([home[set[b]], at]);
            }
        }
        legs.setLatLngs(lines);
    }
    var bound = null;
    group.on("add", function () { bound = group._map; bound.on("zoomend", layout); layout(); });
    group.on("remove", function () { if (bound) bound.off("zoomend", layout); bound = null; });
}
window.NewsEventMarkers = function (records, o) {
    var clustered = records.length > o.clusterAbove, markers = [];
    var group = clustered ? L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: o.clusterRadius,
        spiderfyOnMaxZoom: true, iconCreateFunction: donut}) : L.featureGroup();
    for (var i = 0; i < records.length; i++) markers.push(marker(records[i], o));
    if (!clustered && markers.length > 1) spread(group, markers, o);  // its legs first: under the markers
    group.newsById = Object.create(null);
    for (var j = 0; j < markers.length; j++) {
        group.addLayer(markers[j]);
        group.newsById[records[j].id] = markers[j];
    }
    group.newsEvents = markers;
    // once the layers are on the map (streamlit-folium adds them after all scripts ran), unless the layer control
    // shows this selection itself (newsHandled)
    if (o.open && markers.length) setTimeout(function () { if (!group.newsHandled) markers[0].openPopup(); }, 0);
    return group;
};
// The marker of event `id` among `layers` (and the groups inside them): {group, marker}, or null.
window.NewsEventMarkers.find = function (layers, id) {
    var found = null;
    function look(layer) {
        if (found || !layer) return;
        if (layer.newsById) {
            if (layer.newsById[id]) found = {group: layer, marker: layer.newsById[id]};
        } else if (layer.eachLayer) {
            layer.eachLayer(look);
        }
    }
    for (var i = 0; i < layers.length; i++) look(layers[i]);
    return found;
};
// Shows a found event and opens its popup (with flags.still, as the map is: an open popup the layers' re-adding
// closed opens again without panning the map). With flags.move, the map moves unless the event is comfortably in
// view (o.margin from every edge) and free of clusters: to the closer of the current zoom and fitZoom (and the
// zoom that frees it from its cluster, up to o.apartMaxZoom; a cluster still holding it is then spread), the
// event o.lift of the height below the centre, as its popup opens above it; flying there if flags.animate. The
// popup then opens (sized and panned clear of the controls by the map's popupopen handler).
window.NewsEventMarkers.show = function (map, found, o, flags) {
    var m = found.marker, group = found.group, home = m._home || m._preSpiderfyLatlng || m.getLatLng();
    if (!flags.move) return openFound(map, found, home, flags.still);
    var size = map.getSize(), at = map.latLngToContainerPoint(home), zoom = map.getZoom();
    var comfortable = at.x >= size.x * o.margin && at.x <= size.x * (1 - o.margin) &&
        at.y >= size.y * o.margin && at.y <= size.y * (1 - o.margin);
    var target = comfortable ? zoom : Math.max(zoom, fitZoom(map, home, m.options.eventKm, o));
    if (group._map && group.getVisibleParent && !map.hasLayer(m) && m.__parent) {
        // markercluster: m.__parent is its cluster at the closest zoom it is clustered at, so it is alone one
        // zoom closer; one at a place with others never is, and is spread from the zoom at which its cluster
        // holds only them.
        var cluster = m.__parent, free = cluster._zoom + 1;
        if (free > map.getMaxZoom()) {
            while (cluster.__parent && cluster.__parent.getChildCount() === m.__parent.getChildCount())
                cluster = cluster.__parent;
            free = cluster._zoom;
        }
        if (free <= o.apartMaxZoom) target = Math.max(target, free);
    }
    target = Math.min(target, map.getMaxZoom());
    if (comfortable && target === zoom) return openFound(map, found, home);
    var centre = map.unproject(map.project(home, target).subtract([0, size.y * o.lift]), target);
    if (!flags.animate) {
        map.setView(centre, target, {animate: false});
        return openFound(map, found, home);
    }
    map.once("moveend", function () { openFound(map, found, home); });
    map.flyTo(centre, target, {duration: o.seconds});
};
})();
"""

# Extents and participants' lines: plain ES5 with no dependency but Leaflet. Records come from _extent and
# _participant_line; the lines' tooltips are escaped in Python.
EVENT_SHAPES_JS = r"""
(function () {
if (window.NewsEventShapes) return;
window.NewsEventShapes = function (kind, records) {
    var group = L.featureGroup();
    for (var i = 0; i < records.length; i++) {
        var r = records[i];
        if (kind === "extents")  // an area, not a target: clicks go through to markers and the map
            L.circle([r.lat, r.lon], {radius: r.radius, color: r.color, weight: 1, dashArray: "6 6", fill: true,
                fillColor: r.color, fillOpacity: 0.06, interactive: false}).addTo(group);
        else
            L.polyline(r.paths, {color: r.color, weight: 1.5, opacity: 0.55, dashArray: "2 5"})
                .bindTooltip(r.tooltip).addTo(group);
    }
    return group;
};
})();
"""

# Draft markers under review: dashed rings, and a legend entry shown while their layer is on the map. Plain ES5
# with no dependency but Leaflet; records come from build_draft_layer, their tooltips escaped in Python.
DRAFT_MARKERS_JS = r"""
(function () {
if (window.NewsDraftMarkers) return;
window.NewsDraftMarkers = function (records, o, group) {
    for (var i = 0; i < records.length; i++) {
        var r = records[i];
        L.circleMarker([r.lat, r.lon], {radius: o.radius, color: r.color, weight: 2.5, dashArray: "4 3",
            fillColor: "#fff", fillOpacity: 0.35, className: "draft-marker"})
            .bindTooltip(r.tooltip, {direction: "auto", className: "event-tip", opacity: 0.95}).addTo(group);
    }
    var legend = L.control({position: "bottomleft"});
    legend.onAdd = function () {
        var div = L.DomUtil.create("div", "draft-legend");
        div.appendChild(L.DomUtil.create("i", "", div));
        div.appendChild(document.createTextNode(o.legend + " (" + records.length + ")"));
        return div;
    };
    group.on("add", function () { legend.addTo(group._map); });
    group.on("remove", function () { legend.remove(); });
};
})();
"""
