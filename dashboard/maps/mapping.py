"""Building the folium map of events. Pure: frames and GeoJSON in, folium objects out; no Streamlit.

The map has two parts, so the app can change what is drawn without remounting the map:

- :func:`build_base_map` — what never changes: the offline country outlines, optional online tiles, the
  legend. Built the same way every time.
- :func:`build_event_layers` — what the filters change: event markers (clustered, with provenance popups),
  the honest extent of imprecise places, and lines from each participant's capital to the event.

:func:`build_map` puts both together (the tests check the whole map with it).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import folium
import folium.plugins
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from ..dataset.schema import DateBasis, EventType, LocationPrecision, event_type_label
from ..geography.countries import country_name
from ..geography.gazetteer import OfflineGazetteer
from ..geography.geometry import country_radius_km, great_circle, load_world, split_at_antimeridian
from ..paths import WORLD_PATH
from .assets import MAP_CSS, MAP_JS, asset_links, localize

__all__ = [
    "EVENT_COLORS",
    "MAP_HEIGHT",
    "MapContext",
    "Outlines",
    "PlainText",
    "build_base_map",
    "build_event_layers",
    "build_map",
    "data_view",
    "event_id_from_tooltip",
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
}
UNKNOWN_COLOR = "#666666"

# How far from its point an event may be, by UCDP precision. Country precision uses the country's own size.
PRECISION_RADIUS_KM: dict[int, float | None] = {1: None, 2: 25.0, 3: 75.0, 4: 250.0, 5: 800.0, 6: 300.0, 7: 600.0}

_TOOLTIP_ID = re.compile(r"\[([a-z0-9-]+)\]\s*$")
MAX_ZOOM = 12  # the outlines are 1:110m; beyond this only online tiles add detail
MIN_ZOOM = 2
MAP_HEIGHT = 560  # pixels, as the app draws it
VIEW_MAX_ZOOM = 5  # a dataset at one place opens on its region, not on a blank close-up
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


def data_view(events: pd.DataFrame, *, width_px: int = 900, height_px: int = MAP_HEIGHT) -> View:
    """The centre (lat, lon) and zoom that show every event's place on a map of about this size, no closer than
    ``VIEW_MAX_ZOOM``. Longitudes are not wrapped: the outlines are drawn once, from -180° to 180°."""
    if events.empty:
        return DEFAULT_VIEW
    lats = events["latitude"].to_numpy(dtype=float)
    lons = events["longitude"].to_numpy(dtype=float)
    south, north = _mercator_y(lats.min()), _mercator_y(lats.max())
    fits = min(math.log2(width_px * 360.0 / (256.0 * max(lons.max() - lons.min(), 1e-6))),
               math.log2(height_px * 2 * math.pi / (256.0 * max(north - south, 1e-9))))
    zoom = int(np.clip(math.floor(fits), MIN_ZOOM, VIEW_MAX_ZOOM))
    centre_lat = math.degrees(math.atan(math.sinh((south + north) / 2)))
    return (round(centre_lat, 4), round(float(lons.min() + lons.max()) / 2, 4)), zoom


def _mercator_y(lat: float) -> float:
    phi = math.radians(min(max(lat, -85.0), 85.0))
    return math.log(math.tan(math.pi / 4 + phi / 2))


def build_base_map(context: MapContext, *, location: tuple[float, float] = DEFAULT_VIEW[0],
                   zoom: int = DEFAULT_VIEW[1], outlines: str | None = None) -> folium.Map:
    """The unchanging part of the map, with every asset link pointing at the app's own copies. ``outlines`` is
    :func:`outline_json` of the context's outlines, made beforehand (the app makes it once per process)."""
    m = folium.Map(location=location, zoom_start=zoom, tiles=None, control_scale=True, min_zoom=MIN_ZOOM,
                   maxZoom=MAX_ZOOM, world_copy_jump=False)
    m.default_js = asset_links(MAP_JS, context.asset_base)
    m.default_css = asset_links(MAP_CSS, context.asset_base)
    _MapStyle().add_to(m)
    Outlines(outline_json(context.world) if outlines is None else outlines).add_to(m)
    for name, (url, attribution) in ONLINE_TILES.items():
        folium.TileLayer(url, attr=attribution, name=name, overlay=True, show=False, max_zoom=MAX_ZOOM).add_to(m)
    Legend(EVENT_COLORS).add_to(m)
    localize(m, context.asset_base)
    return m


def outline_json(world: dict[str, Any]) -> str:
    """The country outlines as the JSON text the map's script holds (safe inside a ``<script>``)."""
    return json.dumps(world, separators=(",", ":")).replace("<", "\\u003c")


def build_event_layers(events: pd.DataFrame, context: MapContext) -> list[folium.FeatureGroup]:
    """The filtered events as three layers: places' extent, participants' lines, and the event markers."""
    extents = folium.FeatureGroup(name="Place precision (extent)")
    lines = folium.FeatureGroup(name="Participants (lines from capitals)")
    markers = folium.FeatureGroup(name="Events")
    cluster = folium.plugins.MarkerCluster(
        options={"showCoverageOnHover": False, "maxClusterRadius": 30, "spiderfyOnMaxZoom": True})
    cluster.add_to(markers)
    for row in events.itertuples(index=False):
        color = EVENT_COLORS.get(row.event_type, UNKNOWN_COLOR)
        # Only an imprecise place (ADM2 or wider) gets an extent and a hollow ring, as the legend and the app's
        # caption say: a dashed circle around a city known to ≈25 km would claim vagueness the data lacks.
        precise = int(row.location_precision) <= LocationPrecision.NEAR_NAMED_PLACE
        radius_km = None if precise else precision_radius_km(row.location_precision, row.place_country,
                                                               context.country_radius_km)
        if radius_km is not None:
            _extent(row, color, radius_km).add_to(extents)
        for code in row.participants:
            if code in context.capitals:
                _participant_line(row, code, context.capitals[code], color).add_to(lines)
        _marker(row, color, precise=precise).add_to(cluster)
    for layer in (extents, lines, markers):
        localize(layer, context.asset_base)
    return [extents, lines, markers]


def build_map(events: pd.DataFrame, context: MapContext) -> folium.Map:
    """Base map and event layers in one map, with a layer control: for tests and saving as HTML."""
    m = build_base_map(context)
    for layer in build_event_layers(events, context):
        layer.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def precision_radius_km(precision: int, country: str, country_radii: Mapping[str, float]) -> float | None:
    """How far (km) an event may be from its point; None for an exact location."""
    if precision == LocationPrecision.COUNTRY and country in country_radii:
        return country_radii[country]
    return PRECISION_RADIUS_KM.get(int(precision), PRECISION_RADIUS_KM[5])


def tooltip_text(row: Any) -> str:
    """The marker's tooltip, HTML-escaped: the title, and the event id the app reads back on a click."""
    return _escape(f"{row.title} [{row.event_id}]")


def event_id_from_tooltip(text: str) -> str | None:
    """The event id :func:`tooltip_text` put at the end of a marker's tooltip, as streamlit-folium returns the
    clicked tooltip's text; None for any other tooltip (participant lines end otherwise)."""
    match = _TOOLTIP_ID.search(text or "")
    return match.group(1) if match else None


def popup_html(row: Any) -> str:
    """The marker's popup: every field a reader needs to cite the event, escaped."""
    e = _escape
    precision = LocationPrecision(int(row.location_precision))
    participants = ", ".join(f"{country_name(code)} ({code})" for code in row.participants) or "none named"
    sources = ", ".join(row.sources) or "no outlet named"
    basis = "from the article" if row.date_basis == DateBasis.ARTICLE else "from background knowledge"
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
        f"<blockquote>{e(row.quote)}</blockquote>",
        f"<div class='meta'>Source: <code>{e(row.seed)}</code></div>",
    ]
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


def _marker(row: Any, color: str, *, precise: bool) -> folium.CircleMarker:
    # An imprecise place is a hollow ring: it marks a region's centre, not where the event happened.
    style = {"fill_color": color, "fill_opacity": 0.9, "color": "#ffffff", "weight": 1.5} if precise else \
        {"fill_color": "#ffffff", "fill_opacity": 0.85, "color": color, "weight": 3}
    popup = folium.Popup(popup_html(row), max_width=440)
    # streamlit-folium renames layer elements by position but not the popup's content, whose random id would
    # make every rerun's layers differ: the frame would rebuild them and close an open popup.
    (content,) = popup.html._children.values()
    content._id = hashlib.sha1(row.event_id.encode()).hexdigest()
    popup.html._children = OrderedDict([(content.get_name(), content)])  # the script names it by its key
    return folium.CircleMarker(location=[row.latitude, row.longitude], radius=8, fill=True, popup=popup,
                               tooltip=folium.Tooltip(tooltip_text(row)), **style)


def _extent(row: Any, color: str, radius_km: float) -> folium.Circle:
    circle = folium.Circle(location=[row.latitude, row.longitude], radius=radius_km * 1000, color=color,
                           weight=1, dash_array="6 6", fill=True, fill_color=color, fill_opacity=0.06)
    circle.options["interactive"] = False  # an area, not a target: clicks go through to markers and the map
    return circle


def _participant_line(row: Any, code: str, capital: tuple[float, float], color: str) -> folium.PolyLine:
    path = great_circle(capital, (row.latitude, row.longitude))
    return folium.PolyLine(split_at_antimeridian(path), color=color, weight=1.5, opacity=0.55, dash_array="2 5",
                           # ends in "(participant)", never in "[id]": a click on a line selects no event
                           tooltip=_escape(f"{country_name(code)} → {row.title} (participant)"))


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


class _MapStyle(PlainScriptElement):
    """Sea colour and popup typography, set from the map script (streamlit-folium drops header scripts)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().style.background = {{ this.sea|tojson }};
        (function () {
            var style = document.createElement("style");
            style.textContent = {{ this.css|tojson }};
            document.head.appendChild(style);
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.sea = SEA_COLOR
        self.css = (".event-popup{font:13px/1.4 system-ui,sans-serif}.event-popup .meta{color:#555;font-size:12px}"
                    ".event-popup blockquote{margin:6px 0;padding:4px 8px;border-left:3px solid #bbb;"
                    "background:#f7f7f7;font-style:italic}.event-popup p{margin:6px 0}"
                    ".map-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;"
                    "font:11px/1.45 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}"
                    ".map-legend summary{cursor:pointer}"
                    ".map-legend i{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:5px;"
                    "vertical-align:-1px}.map-legend i.ring{background:#fff!important;border:3px solid #333;"
                    "width:7px;height:7px}")


class Legend(PlainScriptElement):
    """A Leaflet control listing the event colours and the marker symbols. Labels are escaped."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                div.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, colors: Mapping[str, str]) -> None:
        super().__init__()
        self._name = "Legend"
        rows = [f"<i style='background:{html.escape(color)}'></i>{html.escape(event_type_label(kind))}"
                for kind, color in colors.items()]
        rows += ["<i style='background:#333'></i>place known to ≈25 km",
                 "<i class='ring'></i>region, country or sea;<br>dashed circle: where it may be",
                 "<i style='background:#6ecc39'></i>a number: that many events; click to zoom"]
        self.html = "<details open><summary><b>Legend</b></summary>" + "<br>".join(rows) + "</details>"


class Outlines(PlainScriptElement):
    """The offline country outlines: one non-interactive GeoJSON layer, not in the layer control, from JSON text
    made beforehand. ``folium.GeoJson`` would serialise the outlines again, and walk them for the map's bounds,
    on every rerun."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data }}, {
            interactive: false,
            style: function () { return {{ this.style|tojson }}; }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: str) -> None:
        super().__init__()
        self._name = "Outlines"
        self.data = data
        self.style = {"color": BORDER_COLOR, "weight": 0.7, "fillColor": LAND_COLOR, "fillOpacity": 1.0}
