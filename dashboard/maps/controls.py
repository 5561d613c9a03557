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
  widest of :data:`VIEW_WIDTHS_PX` not wider than the map, which only the browser knows. The same views on a
  later run leave the reader's panning alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import folium
import pandas as pd
from folium.template import Template

from .basemap import PLACE_LAYER_NAME
from .mapping import LEGEND_OPEN_MIN_WIDTH, data_view

__all__ = ["HIDDEN_KEY", "LAYERS", "LAYER_IDS", "LEGEND_ROOM_PX", "VIEW_WIDTHS_PX", "View", "ViewLayerControl",
           "first_views"]

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
# Map widths (px) a first view is computed for; the browser picks the widest not wider than its map, so the
# view fits, and no more than about a tenth narrower than the map (a 360-430 px phone's map is 328-398 px; a
# 1400 px screen's, 940 px).
VIEW_WIDTHS_PX = (320, 360, 400, 450, 500, 560, 630, 700, 780, 860, 940, 1030, 1130, 1250, 1400, 1600, 1800, 2000)
# The open legend's width (bottom right; mapping.Legend opens on maps of LEGEND_OPEN_MIN_WIDTH or wider): the
# first view keeps its events clear of it where they fit beside it.
LEGEND_ROOM_PX = 250


class ViewLayerControl(folium.LayerControl):
    """folium's layer control, which also keeps the reader's hidden layers (ids of :data:`LAYER_IDS`; at first
    ``hidden``) under ``memory``, reports the reader's changes, and opens the map on the best of ``views`` ((map
    width, view) pairs) for the map's width."""

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
        (function (map, control, ids, hidden, views, memory) {
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
            // The first view, for this map's width: once per set of views (a dataset).
            var key = JSON.stringify(views);
            if (views.length && window.__dataViews !== key) {
                window.__dataViews = key;
                var width = map.getContainer().clientWidth || map.getSize().x, chosen = views[0];
                views.forEach(function (view) { if (view[0] <= width) chosen = view; });
                map.setView(chosen[1], chosen[2], {animate: false});
            }
        })({{ this._parent.get_name() }}, {{ this.get_name() }}, {{ this.layer_ids|tojson }},
           {{ this.hidden|tojson }}, {{ this.views|tojson }}, {{ this.memory|tojson }});
        {% endmacro %}
    """)

    def __init__(self, *, views: Iterable[tuple[int, View]] = (), hidden: Iterable[str] = (),
                 memory: str = "news-map-hidden-layers", layer_ids: Mapping[str, str] = LAYER_IDS,
                 collapsed: bool = True) -> None:
        super().__init__(collapsed=collapsed)
        self.memory = memory
        self.views = [[width, list(centre), zoom] for width, (centre, zoom) in sorted(views)]
        self.hidden = sorted(set(hidden))
        self.layer_ids = dict(layer_ids)
        self.hidden_key = HIDDEN_KEY


def first_views(events: pd.DataFrame) -> tuple[tuple[int, View], ...]:
    """The first view for each of :data:`VIEW_WIDTHS_PX`, clear of the legend where it is open."""
    return tuple((width, data_view(events, width_px=width,
                                   right_px=LEGEND_ROOM_PX if width >= LEGEND_OPEN_MIN_WIDTH else 0))
                 for width in VIEW_WIDTHS_PX)
