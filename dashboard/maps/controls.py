"""The map's layer control, which also remembers the reader's layer choices and opens the map on the data.
Pure: values in, a folium element out; no Streamlit.

streamlit-folium re-adds the event layers on every filter change (``feature_group_to_add``), each with its
default visibility, and then evaluates the layer control's script. That script is the one place that runs after
the layers are back, in the map's frame, on every change; so :class:`ViewLayerControl` does two more things
there:

- **Layers**: it hides again the layers the reader turned off (their ids in :data:`LAYER_IDS`). The frame
  keeps the reader's choice (in its window and the tab's sessionStorage under ``memory``, a key for one app
  session, so a remounted map keeps it too) and starts from ``hidden`` (the URL's, given once per session).
  When the reader ticks or unticks one, it also sends the hidden ids to Python as the component's value
  (``{"hidden_layers": [...]}``), which the app puts in the URL (``hide=``). The control's script does not
  change with that report, so the rerun it causes leaves the layers and the open control alone. Online tile
  layers are not remembered: a shared URL must never make another reader's browser call a tile server.
- **View**: the first time it sees a set of views (a dataset), it opens the map on the one computed for the
  widest of :data:`VIEW_WIDTHS_PX` not wider than the map, which only the browser knows; but the first time in
  a frame, on ``at`` (the URL's ``at=``) if given, or where the reader left it in this app session (a remounted
  frame). The same views on a later run leave the reader's panning alone. Where the reader (or a selection)
  moves the map, the frame reports it, :data:`VIEW_REPORT_MS` after the last move, as the component's value
  ``{"view": [lat, lon, zoom]}`` (the centre rounded to what a pixel shows at that zoom, at most four decimals),
  only when that differs from the last report or the opening view; the app puts it in the URL (``at=``).
- **Selection**: when ``selected`` (the app's selected event) differs from the one the frame last handled, it
  finds the event's marker (``NewsEventMarkers.find``: markers by event id, on the marker path's layer or the
  fast path's selected layer), moves the map to it unless it is comfortably in view (zooming in to fit its
  place's precision, or to open its cluster), and opens its popup, which the map's own ``popupopen`` handler
  sizes and pans clear of the controls. An event the reader clicked on the map is not flown to: its popup opens
  where it is. The same selection on a later run leaves the map alone, only opening again the popup that the
  layers' re-adding closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium
import pandas as pd
from folium.template import Template

from .basemap import PLACE_LAYER_NAME
from .mapping import LEGEND_OPEN_MIN_WIDTH, data_view

__all__ = ["HIDDEN_KEY", "LAYERS", "LAYER_IDS", "LEGEND_ROOM_PX", "VIEW_KEY", "VIEW_WIDTHS_PX", "View",
           "ViewLayerControl", "first_views"]

View = tuple[tuple[float, float], int]  # (centre (lat, lon), zoom), as mapping.data_view gives it
LAYERS = ("extent", "lines", "events", "places")  # the remembered kinds of layer, by their ids in the URL
# The remembered layers' names (as mapping.build_event_layers and fastmap.build_fast_layers give them) and their
# ids: the fast path's layers of the selected event go with the kind they show. A layer not named here is never
# re-hidden (nor reported).
LAYER_IDS: dict[str, str] = {
    "Place precision (extent)": "extent",
    "Place precision of the selected event": "extent",
    "Participants (lines from capitals)": "lines",
    "Participants of the selected event": "lines",
    "Events": "events",
    "Selected event": "events",
    PLACE_LAYER_NAME: "places",
}
HIDDEN_KEY = "hidden_layers"  # the key of the component value the control sends
VIEW_KEY = "view"  # the key of the component value that reports the map's centre and zoom
VIEW_REPORT_MS = 600  # a view is reported this long after the last move: one report for a drag or a wheel spin
# Moving to a selected event. "Comfortably in view": at least this share of the map's width and height from its
# edges; else the map moves so the event is this share of the height below the centre (its popup opens above).
SELECT_MARGIN = 0.12
SELECT_LIFT = 0.22
SELECT_PRECISE_ZOOM = 6  # the closest zoom a move goes to (a place known to 25 km: its region and neighbours)
SELECT_FIT_SHARE = 0.6  # an imprecise place's extent spans at most this share of the map's shorter side
SELECT_APART_MAX_ZOOM = 9  # a cluster is zoomed into to free the event up to this zoom, else spread on the spot
SELECT_FLY_SECONDS = 0.8
STYLE_WAIT_MS = 3000  # a selection waits at most this long for the frame's stylesheets on the first run
# Map widths (px) a first view is computed for; the browser picks the widest not wider than its map, so the
# view fits, and no more than about a tenth narrower than the map (a 360-430 px phone's map is 328-398 px; a
# 1400 px screen's, 940 px).
VIEW_WIDTHS_PX = (320, 360, 400, 450, 500, 560, 630, 700, 780, 860, 940, 1030, 1130, 1250, 1400, 1600, 1800, 2000)
# The open legend's width (bottom right; mapping.Legend opens on maps of LEGEND_OPEN_MIN_WIDTH or wider): the
# first view keeps its events clear of it where they fit beside it.
LEGEND_ROOM_PX = 250


class ViewLayerControl(folium.LayerControl):
    """folium's layer control, which also keeps the reader's hidden layers (ids of :data:`LAYER_IDS`; at first
    ``hidden``) under ``memory``, reports the reader's changes, opens the map on ``at`` or else on the best of
    ``views`` ((map width, view) pairs) for the map's width, reports where the reader moves it, and shows the
    ``selected`` event when it changes (see the module docstring).

    Give the same arguments on every run unless they change: a different script makes streamlit-folium re-add
    every layer. So ``at`` is the URL's as the session began, not each reported view."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_layers = {
            base_layers : {
                {%- for key, val in this.base_layers.items() %}
                {{ key|tojson }} : {{val}},
                {%- endfor %}
            },
            overlays :  {
                {%- for key, val in this.overlays.items() %}
                {{ key|tojson }} : {{val}},
                {%- endfor %}
            },
        };
        let {{ this.get_name() }} = L.control.layers(
            {{ this.get_name() }}_layers.base_layers,
            {{ this.get_name() }}_layers.overlays,
            {{ this.options|tojavascript }}
        ).addTo({{ this._parent.get_name() }});
        (function (map, control, ids, hidden, views, memory, at, selected, o) {
            // The reader's choice again, after streamlit-folium re-added every layer shown.
            var kept = window.__hiddenLayers && window.__hiddenLayers.memory === memory ?
                window.__hiddenLayers.hidden : null;
            try { kept = kept || JSON.parse(sessionStorage.getItem(memory)); } catch (e) {}
            if (Array.isArray(kept)) hidden = kept;
            control._layers.forEach(function (entry) {
                if (!(entry.name in ids)) return;
                if (hidden.indexOf(ids[entry.name]) >= 0) map.removeLayer(entry.layer);
                else if (!map.hasLayer(entry.layer)) map.addLayer(entry.layer);
            });
            // A tick or untick by the reader (not the lines above) goes to Python, once the click is handled.
            if (window.__layerReport) map.off("overlayadd overlayremove", window.__layerReport);
            window.__layerReport = function (event) {
                if (!control._handlingClick || !(event.name in ids)) return;
                setTimeout(function () {
                    var now = [];
                    control._layers.forEach(function (entry) {
                        var id = ids[entry.name];
                        if (id !== undefined && !map.hasLayer(entry.layer) && now.indexOf(id) < 0) now.push(id);
                    });
                    window.__hiddenLayers = {memory: memory, hidden: now};
                    try { sessionStorage.setItem(memory, JSON.stringify(now)); } catch (e) {}
                    window.Streamlit.setComponentValue({ {{ this.hidden_key|tojson }}: now });
                }, 0);
            };
            map.on("overlayadd overlayremove", window.__layerReport);
            // The centre (to what a pixel shows at this zoom, at most 4 decimals) and the zoom, as reported.
            function rounded() {
                var centre = map.wrapLatLng(map.getCenter()), zoom = Math.round(map.getZoom());
                var digits = Math.max(1, Math.min(4, Math.ceil(Math.log(256 * Math.pow(2, zoom) / 360) / Math.LN10)));
                var unit = Math.pow(10, digits);
                return [Math.round(centre.lat * unit) / unit, Math.round(centre.lng * unit) / unit, zoom];
            }
            // Runs `then` once the frame's stylesheets have loaded (at most o.styleWaitMs): on the first run they
            // may not have, and a popup laid out without Leaflet's rules is measured far too tall and pans the
            // map off the world.
            function whenStyled(then) {
                var waiting = [].filter.call(document.querySelectorAll('link[rel="stylesheet"]'),
                                             function (link) { return !link.sheet; });
                var left = waiting.length, done = false;
                function one() {
                    left -= 1;
                    if (left <= 0 && !done) { done = true; then(); }
                }
                if (!left) return then();
                waiting.forEach(function (link) {
                    link.addEventListener("load", one);
                    link.addEventListener("error", one);
                });
                setTimeout(function () { left = 0; one(); }, o.styleWaitMs);
            }
            function isView(v) {
                return Array.isArray(v) && v.length === 3 &&
                    v.every(function (x) { return typeof x === "number" && isFinite(x); });
            }
            // The opening view, once per set of views (a dataset): the first time in this frame, where the reader
            // left the map in this session (a remounted frame) or else the URL's; otherwise the view computed for
            // this map's width.
            var key = JSON.stringify(views), place = memory + ":view";
            if (window.__dataViews !== key) {
                var first = window.__dataViews === undefined, stored = null, view = null;
                window.__dataViews = key;
                try { stored = JSON.parse(sessionStorage.getItem(place)); } catch (e) {}
                if (first && stored && stored.views === key && isView(stored.view)) view = stored.view;
                else if (first && isView(at)) view = at;
                else if (views.length) {
                    var width = map.getContainer().clientWidth || map.getSize().x, chosen = views[0];
                    views.forEach(function (v) { if (v[0] <= width) chosen = v; });
                    view = [chosen[1][0], chosen[1][1], chosen[2]];
                }
                if (view) map.setView([view[0], view[1]], view[2], {animate: false});
                window.__viewSent = rounded();  // the opening view is not a move to report
            }
            // The selected event, when it changed: found, shown and its popup opened. One the reader clicked on
            // the map (its click recorded as `picked`) is not moved to. A popup the layers' re-adding closed (in
            // this very task: streamlit-folium removes the layers just before this script) opens again.
            var sel = window.__newsSelection || (window.__newsSelection = {});
            if (!sel.watching) {
                sel.watching = true;
                map.on("popupclose", function (e) {
                    var source = e.popup._source, id = source && source.options && source.options.eventId;
                    if (!id) return;
                    sel.closed = id;
                    setTimeout(function () { if (sel.closed === id) sel.closed = null; }, 0);
                });
            }
            var markers = window.NewsEventMarkers, found = null;
            if (selected && markers && markers.find) {
                found = markers.find(control._layers.map(function (entry) { return entry.layer; }), selected);
                if (found) found.group.newsHandled = true;  // its own "open" option gives way to this
            }
            if (selected !== sel.handled) {
                var flags = {move: sel.picked !== selected, animate: sel.handled !== undefined};
                sel.handled = selected;
                sel.picked = null;
                if (found) whenStyled(function () { markers.show(map, found, o, flags); });
            } else if (found && sel.closed === selected) {
                markers.show(map, found, o, {move: false, still: true});
            }
            // A move by the reader (or to a selection) goes to Python once the map rests, if it changed the view.
            if (window.__viewReport) map.off("moveend", window.__viewReport);
            window.__viewReport = function () {
                clearTimeout(window.__viewTimer);
                window.__viewTimer = setTimeout(function () {
                    var now = rounded();
                    if (JSON.stringify(now) === JSON.stringify(window.__viewSent)) return;
                    window.__viewSent = now;
                    try { sessionStorage.setItem(place, JSON.stringify({views: key, view: now})); } catch (e) {}
                    window.Streamlit.setComponentValue({ {{ this.view_key|tojson }}: now });
                }, o.reportMs);
            };
            map.on("moveend", window.__viewReport);
        })({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.layer_ids|tojson }},
           {{ this.hidden|tojson }}, {{ this.views|tojson }}, {{ this.memory|tojson }}, {{ this.at|tojson }},
           {{ this.selected|tojson }}, {{ this.select_options|tojson }});
        {% endmacro %}
    """)

    def __init__(self, *, views: Iterable[tuple[int, View]] = (), hidden: Iterable[str] = (),
                 memory: str = "news-map-hidden-layers", at: View | None = None, selected: str | None = None,
                 layer_ids: Mapping[str, str] = LAYER_IDS, collapsed: bool = True) -> None:
        super().__init__(collapsed=collapsed)
        self.memory = memory
        self.views = [[width, list(centre), zoom] for width, (centre, zoom) in sorted(views)]
        self.hidden = sorted(set(hidden))
        self.at = None if at is None else [float(at[0][0]), float(at[0][1]), int(at[1])]
        self.selected = selected
        self.layer_ids = dict(layer_ids)
        self.hidden_key, self.view_key = HIDDEN_KEY, VIEW_KEY
        self.select_options = {"margin": SELECT_MARGIN, "lift": SELECT_LIFT, "preciseZoom": SELECT_PRECISE_ZOOM,
                               "fitShare": SELECT_FIT_SHARE, "apartMaxZoom": SELECT_APART_MAX_ZOOM,
                               "seconds": SELECT_FLY_SECONDS, "reportMs": VIEW_REPORT_MS,
                               "styleWaitMs": STYLE_WAIT_MS}


def first_views(events: pd.DataFrame) -> tuple[tuple[int, View], ...]:
    """The first view for each of :data:`VIEW_WIDTHS_PX`, clear of the legend where it is open."""
    return tuple((width, data_view(events, width_px=width,
                                   right_px=LEGEND_ROOM_PX if width >= LEGEND_OPEN_MIN_WIDTH else 0))
                 for width in VIEW_WIDTHS_PX)
