"""The fast map path for large datasets: every filtered event in one compact payload, drawn on a canvas.

One folium object per event costs about a kilobyte of script and half a millisecond of Python each, so the
small-data path (:func:`dashboard.maps.mapping.build_event_layers`) stops being interactive at a few thousand
events. Here the filtered events become one columnar payload (~10 bytes an event): the distinct places
(coordinates to 1e-5°, precise or not, how many events), and per event its type, start day and id, the ids
front-coded (each stores only what differs from the one before). A small inline Leaflet layer decodes it and
draws on one canvas:

- at low zoom, or with many events in view, events are binned on a screen grid computed from the arrays in the
  browser (bins are sized by count; a click zooms in, or lists the events of a single crowded place);
- with few enough in view, every event is a dot (events at one place spread on a small spiral), coloured by
  type, hollow for an imprecise place, with a hover tooltip.

Clicking an event makes streamlit-folium report ``last_object_clicked_tooltip`` ending in ``[event_id]`` (in
an element the reader does not see), just like a marker of the small path. The app then passes that id as
``selected``; the selected event is drawn by the small path itself (same popup, tooltip, extent and participant
lines) with its popup open — by the layer control, when it is given the selection too
(:class:`~dashboard.maps.controls.ViewLayerControl`), which also moves the map to a selection made elsewhere.

The layer's script depends only on the events, so the same filter gives byte-identical JavaScript and the
frame keeps an open popup. Nothing is loaded from the network: the script is inline.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import folium
import numpy as np
import pandas as pd
import pyarrow as pa
from folium.template import Template

from ..dataset.schema import LocationPrecision, event_type_label
from .mapping import EVENT_COLORS, UNKNOWN_COLOR, MapContext, PlainScriptElement, build_event_layers

__all__ = [
    "DETAIL_LIMIT",
    "FAST_THRESHOLD",
    "FastEvents",
    "build_fast_layers",
    "decode_payload",
    "encode_events",
]

FAST_THRESHOLD = 200  # above this many filtered events the app draws build_fast_layers: markers with their
# popups, extents and lines take ~5 ms and ~4.5 KB an event to build and send on every rerun (1 s at 200, 10 s at 2,000)
DETAIL_LIMIT = 3_000  # events in view at or below which the browser draws each one (else bins)
DETAIL_ZOOM = 6  # below this zoom, events are drawn one by one only when few (SMALL_LIMIT)
SMALL_LIMIT = 400
CELL_PX = 60  # side of a bin on the screen
COORD_SCALE = 100_000  # coordinates are sent to 1e-5 degree (about a metre)
ID_SEPARATOR = ","  # never in a slug
SELECTED_PANE = "newsFastSelected"


def encode_events(events: pd.DataFrame) -> dict[str, Any]:
    """The compact, JSON-ready payload for ``events`` (columns of :data:`~dashboard.dataset.schema.LOADED_COLUMNS`).

    Events are grouped by place (in first-seen order inside a place, places by coordinates), so a place's
    events are consecutive and only the count per place is sent.
    """
    lat = np.round(events["latitude"].to_numpy(dtype=float) * COORD_SCALE).astype(np.int64)
    lon = np.round(events["longitude"].to_numpy(dtype=float) * COORD_SCALE).astype(np.int64)
    precise = (events["location_precision"].to_numpy(dtype=int) <= LocationPrecision.NEAR_NAMED_PLACE).astype(np.int64)
    key = ((lat + 9_000_000) * 36_000_001 + (lon + 18_000_000)) * 2 + precise
    places, inverse = np.unique(key, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    types, type_codes = _types(events["event_type"].to_numpy(dtype=object))
    day = events["start_date"].to_numpy(dtype="datetime64[D]").astype(np.int64)[order]
    day0 = int(day.min()) if len(day) else 0
    day_dtype = np.uint16 if len(day) == 0 or int(day.max()) - day0 < 2**16 else np.uint32
    shared, suffixes = _front_code(pa.array(events["event_id"], type=pa.large_string()).take(order))
    place_lat = (places // 2) // 36_000_001 - 9_000_000
    place_lon = (places // 2) % 36_000_001 - 18_000_000
    return {
        "v": 1, "n": len(events),
        "types": types, "labels": [event_type_label(t) for t in types],
        "colors": [EVENT_COLORS.get(t, UNKNOWN_COLOR) for t in types],
        "places": _b64(np.column_stack([place_lat, place_lon]).astype("<i4")),
        "precise": _b64((places % 2).astype(np.uint8)),
        "counts": _b64(np.bincount(inverse, minlength=len(places)).astype("<u4")),
        "type": _b64(type_codes[order].astype(np.uint8)),
        "day0": day0, "dayBytes": np.dtype(day_dtype).itemsize, "day": _b64((day - day0).astype(day_dtype)),
        "shared": _b64(shared), "ids": suffixes,
    }


def decode_payload(payload: dict[str, Any]) -> pd.DataFrame:
    """What the browser reads from a payload, one row per drawn event: event_id, latitude, longitude, precise,
    event_type, start_date. The inverse of :func:`encode_events` (for tests and checks)."""
    coords = _unb64(payload["places"], "<i4").reshape(-1, 2) / COORD_SCALE
    counts = _unb64(payload["counts"], "<u4").astype(np.int64)
    place = np.repeat(np.arange(len(counts)), counts)
    day = _unb64(payload["day"], "<u2" if payload["dayBytes"] == 2 else "<u4").astype(np.int64) + payload["day0"]
    return pd.DataFrame({
        "event_id": _front_decode(_unb64(payload["shared"], "u1"), payload["ids"]),
        "latitude": coords[place, 0], "longitude": coords[place, 1],
        "precise": _unb64(payload["precise"], "u1").astype(bool)[place],
        "event_type": np.array(payload["types"], dtype=object)[_unb64(payload["type"], "u1")],
        "start_date": day.astype("datetime64[D]"),
    })


def build_fast_layers(events: pd.DataFrame, context: MapContext, *, selected: str | None = None
                      ) -> list[folium.FeatureGroup]:
    """The filtered events as one canvas layer, then the selected event (if among them) as the small path
    draws it — place extent, participant lines, and its marker with the provenance popup open.

    Always four feature groups, so the layer control keeps its entries whether or not an event is selected.
    """
    group = folium.FeatureGroup(name="Events")
    FastEvents(events).add_to(group)
    rows = events[events["event_id"] == selected] if selected else events.iloc[:0]
    # in a pane above the canvas, so it stays visible and clickable
    extents, lines, markers = build_event_layers(rows, context, pane=SELECTED_PANE, open_popup=True)
    lines.layer_name, markers.layer_name = "Participants of the selected event", "Selected event"
    extents.layer_name = "Place precision of the selected event"
    return [group, extents, lines, markers]


class FastEvents(PlainScriptElement):
    """A Leaflet layer drawing every event of a payload on one canvas (see the module docstring). Its script
    joins the page as plain text: branca would compile the multi-megabyte script into a Jinja template (about a
    second per million events) only to print it."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.library }}
        var {{ this.get_name() }} = new window.NewsFastEvents({{ this.payload }},
            {{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, events: pd.DataFrame) -> None:
        super().__init__()
        self._name = "FastEvents"
        payload = json.dumps(encode_events(events), separators=(",", ":"))
        self.payload = payload.replace("<", "\\u003c")  # safe inside a <script> in a saved HTML page too
        self.library = FAST_EVENTS_JS
        self.options = {"key": hashlib.sha1(payload.encode()).hexdigest(), "detailLimit": DETAIL_LIMIT,
                        "detailZoom": DETAIL_ZOOM, "smallLimit": SMALL_LIMIT, "cell": CELL_PX,
                        "pane": SELECTED_PANE}


def _types(values: np.ndarray) -> tuple[list[str], np.ndarray]:
    codes, uniques = pd.factorize(values, sort=True)
    return [str(u) for u in uniques], codes


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def _unb64(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def _front_code(ids: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, str]:
    """Front coding: per id, how many leading characters it shares with the previous one (at most 255), and
    the rest of every id joined by :data:`ID_SEPARATOR`. Vectorised over a bytes matrix."""
    if len(ids) == 0:
        return np.zeros(0, np.uint8), ""
    matrix, lengths = _byte_matrix(ids)
    width = matrix.shape[1]
    previous = np.vstack([np.zeros((1, width), np.uint8), matrix[:-1]])
    differ = matrix != previous
    first = np.where(differ.any(axis=1), differ.argmax(axis=1), width)
    shared = np.minimum(np.minimum(first, lengths), 255)
    columns = np.arange(width + 1)
    matrix = np.hstack([matrix, np.full((len(ids), 1), ord(ID_SEPARATOR), np.uint8)])
    keep = (columns >= shared[:, None]) & ((columns < lengths[:, None]) | (columns == width))
    if (matrix[:, :width][keep[:, :width]] == ord(ID_SEPARATOR)).any():
        raise ValueError(f"an event id contains {ID_SEPARATOR!r}")
    return shared.astype(np.uint8), matrix[keep].tobytes().decode("ascii")[:-1]


def _byte_matrix(ids: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The ids as a zero-padded bytes matrix (one row each) and their lengths, straight from Arrow's buffers."""
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    ids = ids.cast(pa.large_string())
    offsets = np.frombuffer(ids.buffers()[1], dtype=np.int64)[ids.offset:ids.offset + len(ids) + 1]
    data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)
    lengths = np.diff(offsets)
    if (data[offsets[0]:offsets[-1]] >= 128).any():
        raise ValueError("event ids must be ASCII slugs")
    columns = np.arange(max(int(lengths.max()), 1))
    inside = columns < lengths[:, None]
    index = np.where(inside, offsets[:-1, None] + columns, 0)
    return np.where(inside, data[index] if len(data) else 0, 0).astype(np.uint8), lengths


def _front_decode(shared: np.ndarray, suffixes: str) -> list[str]:
    ids, previous = [], ""
    for length, suffix in zip(shared, suffixes.split(ID_SEPARATOR) if len(shared) else [], strict=True):
        previous = previous[:length] + suffix
        ids.append(previous)
    return ids


# The layer, plain ES5 with no dependency but Leaflet. NewsFastCore holds the parts that need no Leaflet
# (decoding and binning), so they can be checked outside a browser.
FAST_EVENTS_JS = r"""
(function () {
if (window.NewsFastCore) return;
var core = window.NewsFastCore = {};
function bytes(text) {
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
}
core.decode = function (p) {
    var coords = new Int32Array(bytes(p.places).buffer), nPlaces = coords.length / 2;
    var counts = new Uint32Array(bytes(p.counts).buffer), start = new Uint32Array(nPlaces + 1);
    var mx = new Float64Array(nPlaces), my = new Float64Array(nPlaces);
    for (var i = 0; i < nPlaces; i++) {
        start[i + 1] = start[i] + counts[i];
        var lat = Math.max(-85.0511, Math.min(85.0511, coords[2 * i] / 1e5)), s = Math.sin(lat * Math.PI / 180);
        mx[i] = (coords[2 * i + 1] / 1e5 + 180) / 360;
        my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    var day = bytes(p.day);
    return {n: p.n, nPlaces: nPlaces, coords: coords, counts: counts, start: start, mx: mx, my: my,
            precise: bytes(p.precise), type: bytes(p.type), shared: bytes(p.shared), suffixes: p.ids,
            day: p.dayBytes === 2 ? new Uint16Array(day.buffer) : new Uint32Array(day.buffer), day0: p.day0,
            labels: p.labels, colors: p.colors, ids: null};
};
core.ids = function (d) {  // decoded on first need: a hover or a click
    if (d.ids) return d.ids;
    var parts = d.n ? d.suffixes.split(",") : [], ids = new Array(d.n), prev = "";
    for (var i = 0; i < d.n; i++) { prev = prev.substring(0, d.shared[i]) + parts[i]; ids[i] = prev; }
    return (d.ids = ids);
};
core.date = function (d, e) {
    return new Date((d.day0 + d.day[e]) * 864e5).toISOString().substring(0, 10);
};
// Places inside [x0, x1] x [y0, y1] (screen pixels) binned on a grid of `cell` px fixed to the world, so
// bins do not jump while panning. Returns the bins and how many events are in view.
core.bin = function (d, scale, ox, oy, x0, y0, x1, y1, cell) {
    var bins = {}, list = [], inView = 0, gx0 = Math.floor(ox / cell), gy0 = Math.floor(oy / cell);
    for (var p = 0; p < d.nPlaces; p++) {
        var c = d.counts[p];
        if (!c) continue;
        var x = d.mx[p] * scale - ox, y = d.my[p] * scale - oy;
        if (x < x0 || x > x1 || y < y0 || y > y1) continue;
        inView += c;
        var k = (Math.floor((x + ox) / cell) - gx0) + "," + (Math.floor((y + oy) / cell) - gy0), b = bins[k];
        if (!b) { b = bins[k] = {count: 0, sx: 0, sy: 0, places: []}; list.push(b); }
        b.count += c; b.sx += x * c; b.sy += y * c; b.places.push(p);
    }
    for (var i = 0; i < list.length; i++) {
        list[i].x = list[i].sx / list[i].count; list[i].y = list[i].sy / list[i].count;
    }
    return {bins: list, inView: inView};
};
function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
if (typeof L === "undefined") return;
var cache = {};  // payload key -> decoded data: a rerun that resends the same events skips decoding
window.NewsFastEvents = L.Layer.extend({
    initialize: function (payload, options) {
        L.setOptions(this, options);
        this._d = cache[options.key] || (cache = {}, cache[options.key] = core.decode(payload));
        this._hits = []; this._mode = "bins"; this.stats = {};
    },
    onAdd: function (map) {
        if (!map.getPane("newsFastEvents")) map.createPane("newsFastEvents").style.zIndex = 450;
        if (!map.getPane(this.options.pane)) map.createPane(this.options.pane).style.zIndex = 460;
        var pane = map.getPane("newsFastEvents");
        pane.style.pointerEvents = "none";
        this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-animated", pane);
        this._tip = L.tooltip({direction: "auto", offset: [6, 0], className: "event-tip", opacity: 0.95});
        map.on("moveend viewreset resize", this._redraw, this);
        map.on("zoomanim", this._animate, this);
        map.on("click", this._click, this);
        map.on("mousemove", this._hover, this);
        this._redraw();
    },
    onRemove: function (map) {
        L.DomUtil.remove(this._canvas);
        map.off("moveend viewreset resize", this._redraw, this);
        map.off("zoomanim", this._animate, this);
        map.off("click", this._click, this);
        map.off("mousemove", this._hover, this);
        map.closeTooltip(this._tip);
        if (this._list) map.closePopup(this._list);
    },
    _animate: function (e) {  // as L.Renderer: scale the drawn canvas during the zoom animation
        var map = this._map, scale = map.getZoomScale(e.zoom, this._zoom);
        var offset = map._latLngToNewLayerPoint(this._topLeft, e.zoom, e.center);
        L.DomUtil.setTransform(this._canvas, offset, scale);
    },
    _redraw: function () {
        var map = this._map, size = map.getSize(), o = this.options, d = this._d, t0 = performance.now();
        var pad = Math.round(Math.max(size.x, size.y) * 0.15), w = size.x + 2 * pad, h = size.y + 2 * pad;
        var topLeft = map.containerPointToLayerPoint([-pad, -pad]), ratio = window.devicePixelRatio || 1;
        this._topLeft = map.layerPointToLatLng(topLeft); this._zoom = map.getZoom();
        L.DomUtil.setPosition(this._canvas, topLeft);
        var c = this._canvas;
        c.width = w * ratio; c.height = h * ratio; c.style.width = w + "px"; c.style.height = h + "px";
        var ctx = c.getContext("2d");
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0); ctx.clearRect(0, 0, w, h);
        var scale = map.options.crs.scale(this._zoom), origin = map.getPixelOrigin().add(topLeft);
        this._origin = origin; this._scale = scale; this._pad = pad;
        var binned = core.bin(d, scale, origin.x, origin.y, 0, 0, w, h, o.cell);
        var detail = binned.inView <= o.detailLimit && (this._zoom >= o.detailZoom || binned.inView <= o.smallLimit);
        this._mode = detail ? "events" : "bins";
        this._hits = detail ? this._drawEvents(ctx, binned.bins) : this._drawBins(ctx, binned.bins);
        var drawn = 0;
        for (var i = 0; i < binned.bins.length; i++) drawn += binned.bins[i].count;
        this.stats = {mode: this._mode, inView: binned.inView, drawn: drawn, marks: this._hits.length,
                      total: d.n, ms: performance.now() - t0};
        this.fire("drawn", this.stats);
    },
    _drawEvents: function (ctx, bins) {
        var d = this._d, hits = [];
        for (var b = 0; b < bins.length; b++) {
            for (var q = 0; q < bins[b].places.length; q++) {
                var p = bins[b].places[q], x = d.mx[p] * this._scale - this._origin.x,
                    y = d.my[p] * this._scale - this._origin.y;
                for (var j = 0; j < d.counts[p]; j++) {  // a phyllotaxis spiral: the first event on the place
                    var e = d.start[p] + j, r = 7 * Math.sqrt(j), a = j * 2.39996;
                    var ex = x + r * Math.cos(a), ey = y + r * Math.sin(a), color = d.colors[d.type[e]];
                    ctx.beginPath(); ctx.arc(ex, ey, 4.5, 0, 2 * Math.PI);
                    ctx.fillStyle = d.precise[p] ? color : "#fff"; ctx.fill();
                    ctx.lineWidth = d.precise[p] ? 1 : 2.5; ctx.strokeStyle = d.precise[p] ? "#fff" : color;
                    ctx.stroke();
                    hits.push({x: ex, y: ey, r: 7, e: e, p: p});
                }
            }
        }
        return hits;
    },
    _drawBins: function (ctx, bins) {
        var hits = [];
        ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.font = "bold 11px system-ui, sans-serif";
        for (var i = 0; i < bins.length; i++) {
            var b = bins[i], r = Math.min(28, 11 + 4 * Math.log(b.count) / Math.LN10 * 1.6);
            // As the small path's clusters: white, its number dark, ringed by its events' type colours (white
            // and dark grey are colours no event type has).
            ctx.beginPath(); ctx.arc(b.x, b.y, r, 0, 2 * Math.PI);
            ctx.fillStyle = "#fff"; ctx.fill();
            ctx.lineWidth = 1; ctx.strokeStyle = "rgba(0,0,0,0.45)"; ctx.stroke();
            var counts = this._typeCounts(b), start = -Math.PI / 2;
            ctx.lineWidth = 6;
            for (var t = 0; t < counts.length; t++) {
                if (!counts[t]) continue;
                var turn = 2 * Math.PI * counts[t] / b.count;
                ctx.beginPath(); ctx.arc(b.x, b.y, r - 4, start, start + turn);
                ctx.strokeStyle = this._d.colors[t]; ctx.stroke();
                start += turn;
            }
            ctx.fillStyle = "#222";
            ctx.fillText(b.count >= 10000 ? Math.round(b.count / 1000) + "k" : String(b.count), b.x, b.y);
            hits.push({x: b.x, y: b.y, r: r, bin: b});
        }
        return hits;
    },
    _typeCounts: function (b) {  // events of each type in a bin
        var d = this._d, counts = [];
        for (var t = 0; t < d.colors.length; t++) counts.push(0);
        for (var i = 0; i < b.places.length; i++)
            for (var e = d.start[b.places[i]]; e < d.start[b.places[i] + 1]; e++) counts[d.type[e]] += 1;
        return counts;
    },
    _hit: function (e) {
        var pt = this._map.mouseEventToContainerPoint(e.originalEvent), best = null, bestD = Infinity;
        var x = pt.x + this._pad, y = pt.y + this._pad;
        for (var i = 0; i < this._hits.length; i++) {
            var h = this._hits[i], dd = (h.x - x) * (h.x - x) + (h.y - y) * (h.y - y);
            if (dd <= h.r * h.r && dd < bestD) { best = h; bestD = dd; }
        }
        return best;
    },
    _latLng: function (h) {
        return this._map.layerPointToLatLng(L.point(h.x + this._origin.x, h.y + this._origin.y)
            .subtract(this._map.getPixelOrigin()));
    },
    _label: function (e) {  // for the reader: type and date
        var d = this._d;
        return d.labels[d.type[e]] + ", " + core.date(d, e);
    },
    // The tooltip's HTML: the label, then [event_id] in an element the reader does not see (as the small
    // path's tooltips): streamlit-folium reports the clicked tooltip's textContent, hidden text included.
    _tooltip: function (e) {
        return esc(this._label(e)) + "<span hidden>[" + esc(core.ids(this._d)[e]) + "]</span>";
    },
    _hover: function (e) {
        if (this._pending) return;
        var self = this;
        this._pending = true;
        L.Util.requestAnimFrame(function () {
            self._pending = false;
            if (!self._map) return;
            var h = self._hit(e);
            self._map.getContainer().style.cursor = h ? "pointer" : "";
            if (!h) { self._map.closeTooltip(self._tip); return; }
            self._tip.setContent(h.bin ? h.bin.count + " events: click to zoom in" : self._tooltip(h.e));
            self._map.openTooltip(self._tip, self._latLng(h));
        });
    },
    _click: function (e) {
        var target = e.originalEvent && e.originalEvent.target;
        if (target && target.classList && target.classList.contains("leaflet-interactive")) return;
        var h = this._hit(e);
        if (!h) return;
        if (h.e !== undefined) return this.select(h.e, this._latLng(h));
        var b = h.bin, d = this._d, map = this._map;
        if (b.places.length > 1 && map.getZoom() < map.getMaxZoom()) {
            var bounds = L.latLngBounds([]);
            for (var i = 0; i < b.places.length; i++) {
                var p = b.places[i];
                bounds.extend([d.coords[2 * p] / 1e5, d.coords[2 * p + 1] / 1e5]);
            }
            var most = Math.max(map.getZoom() + 1, Math.min(map.getMaxZoom(), this.options.detailZoom + 2));
            map.fitBounds(bounds, {maxZoom: most, padding: [40, 40]});
        } else if (b.count <= this.options.detailLimit && map.getZoom() < map.getMaxZoom()) {
            var zoom = Math.min(map.getMaxZoom(), Math.max(map.getZoom() + 2, this.options.detailZoom));
            map.setView(this._latLng(h), zoom);
        } else {
            this._openList(b, this._latLng(h), 0);
        }
    },
    // A crowded place that no zoom separates: its events as a paged list; each line selects its event.
    _openList: function (b, latlng, page) {
        var d = this._d, events = [], self = this, per = 50;
        for (var i = 0; i < b.places.length; i++)
            for (var e = d.start[b.places[i]]; e < d.start[b.places[i] + 1]; e++) events.push(e);
        var div = L.DomUtil.create("div", "event-popup");
        var head = L.DomUtil.create("div", "meta", div);
        head.textContent = events.length + " events here, " + (page * per + 1) + "–" +
            Math.min(events.length, (page + 1) * per) + ":";
        for (var k = page * per; k < Math.min(events.length, (page + 1) * per); k++) {
            var a = L.DomUtil.create("a", "", L.DomUtil.create("div", "", div));
            // the id too: in a list of one place's events, type and date alone may repeat
            a.href = "#"; a.textContent = this._label(events[k]) + " (" + core.ids(d)[events[k]] + ")";
            a.setAttribute("data-e", events[k]);
        }
        if ((page + 1) * per < events.length) {
            var more = L.DomUtil.create("a", "", L.DomUtil.create("div", "", div));
            more.href = "#"; more.textContent = "next " + per + " »"; more.setAttribute("data-page", page + 1);
        }
        L.DomEvent.on(div, "click", function (ev) {
            L.DomEvent.preventDefault(ev);
            var t = ev.target;
            if (t.getAttribute("data-e") !== null) self.select(+t.getAttribute("data-e"), latlng);
            else if (t.getAttribute("data-page") !== null) self._openList(b, latlng, +t.getAttribute("data-page"));
        });
        this._list = L.popup({maxWidth: 420, maxHeight: 320}).setLatLng(latlng).setContent(div).openOn(this._map);
    },
    // Report the event as clicked, the way streamlit-folium reads a marker: its tooltip's text ends with [event_id].
    // The layer control is told it was picked on the map, so the selection that follows does not move the map.
    select: function (e, latlng) {
        (window.__newsSelection = window.__newsSelection || {}).picked = core.ids(this._d)[e];
        var pick = L.circleMarker(latlng).bindTooltip(this._tooltip(e));
        this.fire("click", {latlng: latlng, sourceTarget: pick, propagatedFrom: pick});
        return e;
    }
});
})();
"""
