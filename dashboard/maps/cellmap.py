"""The map layers of a queried dataset: counts per screen cell, or the events when few, for the map's view.

A query engine (:mod:`dashboard.engine`) counts the events in view per cell of the screen grid
(:func:`~dashboard.engine.grid.cells_frame`); :func:`build_cell_layer` sends them as the columnar
:func:`~dashboard.engine.grid.cells_payload` (centroids, counts, dominant type, each type's count) and a small
inline Leaflet script draws each cell as a circle sized by its count (on a log scale, so that sizes do not change
as the map pans), coloured by its dominant type, with the count written on it and each type's count in its
tooltip. A click on a cell zooms in on it. The payload follows the cells in view, never the dataset's size.

:func:`map_layers` asks a store (:class:`~dashboard.engine.store.EventStore`) what one view needs and returns its
layers: the app's engine page draws them, and the benchmark measures them. Pure: no Streamlit; nothing is loaded
from the network.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import folium
import pandas as pd
from folium.template import Template

from ..dataset.schema import event_type_label
from ..engine.grid import Bounds, cells_payload, cells_per_side
from ..engine.layout import MAX_LATITUDE
from ..engine.spec import FilterSpec
from ..engine.store import EventStore
from .fastmap import DETAIL_LIMIT, FastEvents
from .mapping import (
    DEFAULT_VIEW,
    EVENT_COLORS,
    MAP_HEIGHT,
    UNKNOWN_COLOR,
    MapContext,
    PlainScriptElement,
    build_event_layers,
)

__all__ = ["CELLS_LAYER_NAME", "EVENTS_LIMIT", "VIEW_PAD", "CellCounts", "View", "build_cell_layer", "first_view",
           "map_layers", "query_bounds", "reported_view"]

CELLS_LAYER_NAME = "Events per cell"
CLICK_ZOOM_STEP = 2  # a click on a cell zooms in this much, centred on it
SELECTED_PANE = "newsFastSelected"  # the fast map's pane above its canvas, which the selected event shares
VIEW_PAD = 0.25  # the view is widened by this share of its size on each side: a short pan shows no empty edge
EVENTS_LIMIT = DETAIL_LIMIT  # events in view at or below which each is drawn (the fast map's own limit)


def build_cell_layer(cells: pd.DataFrame, zoom: int, *, pane: str | None = None) -> folium.FeatureGroup:
    """The cells (:func:`~dashboard.engine.grid.cells_frame`, possibly empty) as one feature group. ``pane``: a
    map pane to create above the cells if missing (where a selected event's marker is drawn)."""
    group = folium.FeatureGroup(name=CELLS_LAYER_NAME)
    CellCounts(cells_payload(cells, zoom), pane=pane).add_to(group)
    return group


@dataclass(frozen=True)
class View:
    """The map's view as streamlit-folium reports it."""

    bounds: Bounds
    zoom: int


def reported_view(value: object) -> View | None:
    """The view in streamlit-folium's value (``bounds`` as ``_southWest``/``_northEast``, ``zoom``), or None
    before the map has reported one."""
    if not isinstance(value, dict):
        return None
    bounds, zoom = value.get("bounds"), value.get("zoom")
    try:
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        box = [float(south_west["lat"]), float(south_west["lng"]), float(north_east["lat"]), float(north_east["lng"])]
        zoom = int(zoom)
    except (TypeError, KeyError, ValueError):
        return None
    if not all(math.isfinite(v) for v in box) or box[0] > box[2]:
        return None
    return View(Bounds(*box), zoom)


def first_view(width_px: int = 1400, height_px: int = MAP_HEIGHT) -> View:
    """The view the map opens on (its default centre and zoom) for a map of this size, before it reports one."""
    (lat, lon), zoom = DEFAULT_VIEW
    degrees = 360.0 / (256 * 2**zoom)  # per pixel, in longitude
    half_w, half_h = width_px / 2 * degrees, height_px / 2 * degrees
    return View(Bounds(max(lat - half_h, -90.0), lon - half_w, min(lat + half_h, 90.0), lon + half_w), zoom)


def query_bounds(view: View, pad: float = VIEW_PAD) -> Bounds:
    """The view widened by ``pad`` of its size on each side and snapped outwards to the cell grid of its zoom, so
    that small pans ask the same query (cached) and the same cells are drawn."""
    b = view.bounds
    east = b.east + 360.0 if b.east < b.west else b.east
    width, height = east - b.west, b.north - b.south
    step = 360.0 / cells_per_side(view.zoom)  # a cell's width in degrees of longitude
    west = math.floor((b.west - pad * width) / step) * step
    east = math.ceil((east + pad * width) / step) * step
    if east - west >= 360.0:
        west, east = -180.0, 180.0
    south = max(math.floor((b.south - pad * height) / step) * step, -90.0)
    north = min(math.ceil((b.north + pad * height) / step) * step, 90.0)
    south, north = max(south, -MAX_LATITUDE - 1), min(north, MAX_LATITUDE + 1)
    return Bounds(south, west, north, east)


def map_layers(store: EventStore, spec: FilterSpec, view: View, context: MapContext, *,
               selected: pd.DataFrame | None = None) -> tuple[list[folium.FeatureGroup], dict[str, Any]]:
    """The map's layers for one view: the events in view if at most :data:`EVENTS_LIMIT`, else the cells; then
    the selected event (a one-row loaded frame) with its popup open. Always five groups, so that the layer
    control keeps its entries. Also what was drawn: ``mode`` ("events" or "cells"), ``shown`` (events or cells
    drawn), ``in_view`` (events in the widened view), ``days`` (id -> start day of the drawn events)."""
    bounds = query_bounds(view)
    rows = store.events_in_view(spec, bounds, EVENTS_LIMIT)
    events_group = folium.FeatureGroup(name="Events")
    if rows is not None:
        FastEvents(rows).add_to(events_group)
        cells_group = folium.FeatureGroup(name=CELLS_LAYER_NAME)
        info = {"mode": "events", "shown": len(rows), "in_view": len(rows),
                "days": dict(zip(rows["event_id"], rows["start_date"].dt.date, strict=True))}
    else:
        cells = store.cells(spec, bounds, view.zoom)
        cells_group = build_cell_layer(cells, view.zoom, pane=SELECTED_PANE)
        info = {"mode": "cells", "shown": len(cells), "in_view": int(cells["count"].sum()), "days": {}}
    names = ("Place precision of the selected event", "Participants of the selected event", "Selected event")
    if selected is None:  # empty groups: no marker script (~20 KB) sent on every pan
        extents, lines, markers = (folium.FeatureGroup(name=name) for name in names)
    else:
        extents, lines, markers = build_event_layers(selected, context, pane=SELECTED_PANE, open_popup=True)
        for group, name in zip((extents, lines, markers), names, strict=True):
            group.layer_name = name
    return [cells_group, events_group, extents, lines, markers], info


class CellCounts(PlainScriptElement):
    """The cells of a :func:`~dashboard.engine.grid.cells_payload`, drawn by :data:`CELL_COUNTS_JS`."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library }}
        var {{ this.get_name() }} = window.NewsEngineCells({{ this.payload }},
            {{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, payload: dict[str, Any], *, pane: str | None = None) -> None:
        super().__init__()
        self._name = "CellCounts"
        types = payload["types"]
        # "<" as \\u003c: the text can never close the <script> it is in
        self.payload = json.dumps(payload, separators=(",", ":")).replace("<", "\\u003c")
        self.options = {"colors": [EVENT_COLORS.get(t, UNKNOWN_COLOR) for t in types],
                        "labels": [event_type_label(t) for t in types], "step": CLICK_ZOOM_STEP,
                        "pane": pane}
        self.library = CELL_COUNTS_JS


CELL_COUNTS_JS = r"""
(function () {
if (window.NewsEngineCells) return;
var style = document.createElement("style");
style.textContent = ".news-cell-label{font:600 11px/16px sans-serif;color:#1a1a1a;text-align:center;" +
    "text-shadow:0 0 3px #fff,0 0 2px #fff;pointer-events:none;white-space:nowrap}";
document.head.appendChild(style);
function short(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + "M";
    if (n >= 1e4) return Math.round(n / 1e3) + "k";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
    return String(n);
}
function escape(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
}
window.NewsEngineCells = function (p, o) {
    var group = L.featureGroup();
    group.newsCells = p.n.length;
    if (o.pane) group.on("add", function () {  // the selected event's pane, above the cells
        if (!group._map.getPane(o.pane)) group._map.createPane(o.pane).style.zIndex = 460;
    });
    for (var i = 0; i < p.n.length; i++) {
        var n = p.n[i], color = o.colors[p.type[i]] || "#666666";
        // log scale: a cell keeps its size while the map pans; 1 event 6 px, 10 million 27 px
        var radius = 6 + 3 * Math.log10(n);
        var lines = [];
        for (var t = 0; t < p.types.length; t++) {
            var k = p.mix[i][t];
            if (k) lines.push({n: k, text: escape(o.labels[t]) + ": " + k.toLocaleString("en")});
        }
        lines.sort(function (a, b) { return b.n - a.n; });
        var tip = "<b>" + n.toLocaleString("en") + (n === 1 ? " event" : " events") + "</b><br>" +
            lines.map(function (l) { return l.text; }).join("<br>") + "<br><small>Click to zoom in</small>";
        var circle = L.circleMarker([p.lat[i], p.lon[i]], {radius: radius, color: color, weight: 1.5,
            fillColor: color, fillOpacity: 0.45, className: "news-cell"});
        circle.newsCount = n;
        circle.bindTooltip(tip, {direction: "top"});
        circle.on("click", function (e) {
            var map = e.target._map;
            if (map) map.setView(e.latlng, Math.min(map.getZoom() + o.step, map.getMaxZoom()));
        });
        group.addLayer(circle);
        group.addLayer(L.marker([p.lat[i], p.lon[i]], {interactive: false, keyboard: false,
            icon: L.divIcon({className: "news-cell-label", html: short(n), iconSize: [44, 16], iconAnchor: [22, 8]})}));
    }
    return group;
};
})();
"""
