"""build_map and its parts: one marker per event, local assets only, honest place precision, escaped provenance,
and a base map whose script never changes (streamlit-folium remounts the map when it does)."""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import folium
import pandas as pd
import pytest
from branca.element import Element

from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import EventType, event_type_label
from dashboard.geography.countries import country_name
from dashboard.geography.gazetteer import OfflineGazetteer
from dashboard.maps.assets import ASSET_FILES, MAP_CSS, MAP_JS, external_links
from dashboard.maps.mapping import (
    CLUSTER_ABOVE,
    DEFAULT_VIEW,
    EVENT_COLORS,
    EVENT_MARKERS_JS,
    EVENT_SHAPES_JS,
    LEGEND_OPEN_MIN_WIDTH,
    MAP_HEIGHT,
    MIN_ZOOM,
    POPUP_MAX_WIDTH,
    PRECISION_RADIUS_KM,
    TILE_NOTICE,
    VIEW_MAX_ZOOM,
    WHEEL_HINT,
    EventMarkers,
    EventShapes,
    Legend,
    MapContext,
    build_base_map,
    build_event_layers,
    build_map,
    data_view,
    event_id_from_tooltip,
    map_context,
    popup_html,
    precision_radius_km,
    tooltip_text,
)

FOLIUM_ID = re.compile(r"_[0-9a-f]{32}")
PAYLOAD = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture(scope="module")
def context() -> MapContext:
    """The context the app builds: outlines, every outlined country's capital, and country sizes."""
    return map_context(OfflineGazetteer())


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


@pytest.fixture(scope="module")
def full_map(events, context) -> folium.Map:
    return build_map(events, context)


@pytest.fixture(scope="module")
def rendered(full_map) -> str:
    return full_map.get_root().render()


def walk(element: Element) -> Iterator[Element]:
    """The element and everything below it in the folium tree."""
    yield element
    for child in element._children.values():
        yield from walk(child)


def of_type(roots: list[Any], kind: type) -> list[Any]:
    return [element for root in roots for element in walk(root) if type(element) is kind]


def one_event(events: pd.DataFrame, event_id: str, **changes: Any) -> pd.DataFrame:
    """The row of ``event_id`` as a one-row frame, with some cells replaced."""
    row = events[events["event_id"] == event_id].reset_index(drop=True)
    for column, value in changes.items():
        row[column] = [value]
    return row


def first_row(frame: pd.DataFrame) -> Any:
    return next(frame.itertuples(index=False))


def marker_records(roots: list[Any]) -> list[dict[str, Any]]:
    """What the one EventMarkers script below ``roots`` draws: a record per event marker."""
    (element,) = of_type(roots, EventMarkers)
    return json.loads(element.records)


def shape_records(roots: list[Any], kind: str) -> list[dict[str, Any]]:
    """What the EventShapes script of ``kind`` ("extents" or "lines") below ``roots`` draws."""
    (element,) = [e for e in of_type(roots, EventShapes) if e.kind == kind]
    return json.loads(element.records)


def text_content(markup: str) -> str:
    """The text a browser's ``textContent`` gives for ``markup`` (hidden elements included)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def visible_text(markup: str) -> str:
    """The text a reader sees: without elements marked ``hidden``."""
    return text_content(re.sub(r"<span hidden>.*?</span>", "", markup))


# ---------------------------------------------------------------- markers and assets


def test_one_marker_per_event_in_one_script(events, full_map, rendered):
    records = marker_records([full_map])
    assert [r["id"] for r in records] == list(events["event_id"])
    assert rendered.count("window.NewsEventMarkers(") == 1  # one script, not a folium object per marker
    assert not of_type([full_map], folium.CircleMarker) and not of_type([full_map], folium.PolyLine)
    assert len(events) <= CLUSTER_ABOVE  # the bundled events are few: each is drawn as itself, no cluster


def test_an_empty_selection_draws_the_base_map_only(events, context):
    full = build_map(events.iloc[0:0], context)
    assert marker_records([full]) == shape_records([full], "lines") == shape_records([full], "extents") == []
    assert "map-legend" in full.get_root().render()


def test_marker_options_cluster_only_many_and_fit_popups(events, context):
    layers = build_event_layers(events, context)
    (element,) = of_type(layers, EventMarkers)
    assert element.options["clusterAbove"] == CLUSTER_ABOVE and element.options["popupMaxWidth"] == POPUP_MAX_WIDTH
    assert element.options["pane"] is None and element.options["open"] is False
    (chosen,) = of_type(build_event_layers(events.head(1), context, pane="top", open_popup=True), EventMarkers)
    assert chosen.options["pane"] == "top" and chosen.options["open"] is True
    # The map's script sizes popups and tooltips to the map, guards the wheel and reports failing tiles.
    base = build_base_map(context).get_root().render()
    for needle in ("autoPanPaddingTopLeft", "autoPanPaddingBottomRight", "maxHeight", "--news-tip-width",
                   "ctrlKey", "tileerror", WHEEL_HINT, TILE_NOTICE):
        assert needle in base, needle


def test_same_events_give_the_same_marker_script(events, context):
    from dashboard.bench import component_strings, prepared_base

    base = prepared_base(context)
    first = component_strings(base, build_event_layers(events, context))["feature_group"]
    again = component_strings(base, build_event_layers(events.copy(), context))["feature_group"]
    assert first == again  # the frame keeps an open popup across reruns
    assert component_strings(base, build_event_layers(events.iloc[1:], context))["feature_group"] != first


def test_marker_text_cannot_close_its_script(events, context):
    row = one_event(events, "vostok-2022", title="</script><script>alert(1)</script>")
    rendered = build_map(row, context).get_root().render()
    assert "</script><script>alert(1)" not in rendered
    assert marker_records([build_event_layers(row, context)[2]])[0]["popup"] == popup_html(first_row(row))


def test_nothing_is_loaded_from_the_internet(full_map, rendered, context):
    assert external_links(full_map) == []
    assert '<script src="http' not in rendered and '<script src="//' not in rendered
    scripts = re.findall(r'<script src="([^"]+)"', rendered)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', rendered)
    assert scripts and styles
    assert all(url.startswith(context.asset_base) for url in scripts + styles), scripts + styles


def test_the_marker_cluster_assets_come_with_the_base_map(events, context):
    # streamlit-folium adds the event layers to a mounted map without loading new scripts: the base map must
    # declare Leaflet.markercluster, which the markers' script uses when there are many, from local files.
    assert external_links(*build_event_layers(events, context)) == []
    base = build_base_map(context)
    assert {"markerclusterjs", "leaflet"} <= {name for name, _ in base.default_js} == set(MAP_JS)
    assert {"markerclustercss", "markerclusterdefaultcss"} <= {name for name, _ in base.default_css} == set(MAP_CSS)
    for name, url in [*base.default_js, *base.default_css]:
        assert url == context.asset_base + ASSET_FILES[name]


def test_asset_base_is_configurable(events, context):
    local = MapContext(world=context.world, asset_base="/static/")
    rendered = build_map(events, local).get_root().render()
    assert re.findall(r'<script src="([^"]+)"', rendered) == ["/static/" + ASSET_FILES[name] for name in MAP_JS]


# ---------------------------------------------------------------- participants


def test_vostok_2022_has_a_line_from_each_participant_capital(events, context):
    vostok = one_event(events, "vostok-2022")
    participants = vostok.at[0, "participants"]
    assert len(participants) == 8 and all(code in context.capitals for code in participants)
    _, lines, _ = build_event_layers(vostok, context)
    polylines = shape_records([lines], "lines")
    assert len(polylines) == 8
    for code, line in zip(participants, polylines, strict=True):
        lat, lon = context.capitals[code]
        assert line["paths"][0][0] == pytest.approx([lat, lon], abs=1e-4)  # starts at the capital
        assert line["paths"][-1][-1] == pytest.approx([62.0, 135.0])  # ends at the event
        title = "Vostok 2022 joint military drills in Russia&#x27;s Far East"
        assert line["tooltip"] == f"{country_name(code)} → {title} (participant)"


def test_participants_without_a_capital_get_no_line(events, context):
    capitals = {code: point for code, point in context.capitals.items() if code not in ("NIC", "KGZ")}
    _, lines, _ = build_event_layers(one_event(events, "vostok-2022"), MapContext(context.world, capitals))
    assert len(shape_records([lines], "lines")) == 6


def test_a_line_across_the_pacific_is_cut_at_the_antimeridian(events, context):
    # Managua to the Russian Far East crosses ±180: drawn as two pieces on one world, not around it.
    row = one_event(events, "vostok-2022", participants=("NIC",))
    _, lines, _ = build_event_layers(row, context)
    (line,) = shape_records([lines], "lines")
    first, second = line["paths"]
    assert all(-180 <= lon <= 180 for piece in line["paths"] for _, lon in piece)
    assert abs(first[-1][1]) == abs(second[0][1]) == 180 and first[-1][0] == second[0][0]


# ---------------------------------------------------------------- place precision


@pytest.mark.parametrize(
    ("event_id", "expected_km"),
    [
        ("pelosi-taipei-visit", None),  # Taipei, near a named place (UCDP 2): a filled point, no circle
        ("china-mod-statement-2022", None),
        ("kyiv-offensive-2022", None),
        ("vostok-2022", PRECISION_RADIUS_KM[5]),  # wider region
        ("vostok-2022-sea-of-japan", PRECISION_RADIUS_KM[7]),  # sea: no country, fixed radius
        ("vostok-2022-pacific", PRECISION_RADIUS_KM[7]),
        ("taiwan-maneuvers-2022", "TWN"),  # country only: the country's own size
        ("belarus-troop-buildup-2022", "BLR"),
        ("russia-invades-ukraine-2022", "UKR"),
    ],
)
def test_imprecise_places_get_a_dashed_extent_and_a_hollow_marker(events, context, event_id, expected_km):
    row = one_event(events, event_id)
    extents, _, markers = build_event_layers(row, context)
    circles = shape_records([extents], "extents")
    (marker,) = marker_records([markers])
    color = EVENT_COLORS[row.at[0, "event_type"]]
    assert marker["color"] == color
    if expected_km is None:
        assert circles == []
        assert marker["precise"] is True  # a filled dot of the type's colour
        return
    radius_km = context.country_radius_km[expected_km] if isinstance(expected_km, str) else expected_km
    (circle,) = circles
    assert circle["radius"] == pytest.approx(radius_km * 1000) and circle["color"] == color
    assert [circle["lat"], circle["lon"]] == [row.at[0, "latitude"], row.at[0, "longitude"]]
    # dashed, and an area rather than a target: clicks go through to the markers
    assert 'dashArray: "6 6"' in EVENT_SHAPES_JS
    assert "interactive: false" in EVENT_SHAPES_JS
    assert marker["precise"] is False  # a ring of the type's colour, not a dot


@pytest.mark.parametrize(
    ("precision", "has_extent"),
    [
        (1, False),  # exact
        (2, False),  # near a named place: the threshold, still a point
        (3, True),  # ADM2: the first imprecise level
        (4, True),
    ],
)
def test_the_precise_imprecise_threshold(events, context, precision, has_extent):
    row = one_event(events, "kyiv-offensive-2022", location_precision=precision)
    extents, _, markers = build_event_layers(row, context)
    (marker,) = marker_records([markers])
    assert bool(shape_records([extents], "extents")) is has_extent
    assert marker["precise"] is not has_extent


def test_country_extent_comes_from_the_country_size(events, context):
    radii = context.country_radius_km
    assert radii["RUS"] > radii["UKR"] > radii["TWN"]
    for code in ("RUS", "UKR", "TWN"):
        row = one_event(events, "russia-invades-ukraine-2022", place_country=code)
        (circle,) = shape_records([build_event_layers(row, context)[0]], "extents")
        assert circle["radius"] == pytest.approx(radii[code] * 1000)


@pytest.mark.parametrize(
    ("precision", "country", "expected"),
    [
        (1, "UKR", None),  # exact: no extent at all
        (2, "UKR", 25.0),
        (3, "UKR", 75.0),
        (4, "UKR", 250.0),
        (5, "RUS", 800.0),  # a region is not the whole country, even inside one
        (6, "UKR", 426.8),  # country: from the country's size …
        (6, "XKX", 300.0),  # … or a default when the outlines lack the country
        (7, "", 600.0),  # open sea
        (9, "", 800.0),  # an unknown code is treated as a wider region, never as precise
    ],
)
def test_precision_radius_km(precision, country, expected):
    assert precision_radius_km(precision, country, {"UKR": 426.8, "RUS": 2332.1}) == expected


# ---------------------------------------------------------------- popups, tooltips, legend


@pytest.mark.parametrize(
    ("event_id", "fragments"),
    [
        ("vostok-2022", [
            "Vostok 2022 joint military drills in Russia's Far East",  # title
            "Military exercise · vostok-2022",
            "When: 30 Aug 2022 – 5 Sep 2022 (known to the day; from the article)",  # dates, precision, basis
            "Where: Russian Far East — wider region (UCDP 5)",  # place with its precision label
            "Russia (RUS), China (CHN), Kazakhstan (KAZ)", "Nicaragua (NIC), Belarus (BLR)",
            "Cited outlet: TASS, Al Jazeera",
            "Source: 000_0441dc0ab698eb74.txt",  # the seed file
            "Notes: Over 50,000 troops (TASS).",
        ]),
        ("us-state-department-remarks", [
            "17 Aug 2022 – 30 Aug 2022 (known to the month; from background knowledge)",
            "Not dated in the article",  # the date note says where background dates come from
            "Washington — near a named place (≈25 km) (UCDP 2)",
            "Participants: United States (USA)", "Cited outlet: Al Jazeera",
        ]),
        ("russia-invades-ukraine-2022", [
            "When: 24 Feb 2022 (known to the day",  # one day: no range
            "Where: Ukraine — country only (UCDP 6)",
            "Cited outlet: no outlet named",  # no source: said, not left blank
        ]),
        ("vostok-2022-sea-of-japan", ["Sea of Japan — sea, ocean or airspace (UCDP 7)"]),
    ],
)
def test_popup_holds_everything_needed_to_cite_the_event(events, event_id, fragments):
    row = first_row(one_event(events, event_id))
    text = html.unescape(re.sub(r"<[^>]+>", "", popup_html(row)))
    for fragment in fragments:
        assert fragment in text
    assert row.quote in text  # verbatim, elisions and typographic apostrophes included
    assert row.coord_source in text


def test_tooltip_shows_title_date_and_place_and_hides_the_id_the_app_reads_back(events):
    row = first_row(one_event(events, "vostok-2022"))
    tooltip = tooltip_text(row)
    assert visible_text(tooltip) == \
        "Vostok 2022 joint military drills in Russia's Far East30 Aug 2022 – 5 Sep 2022 · Russian Far East"
    assert "<br>" in tooltip and "[" not in visible_text(tooltip)  # two lines; no id for the reader
    assert tooltip.endswith("<span hidden>[vostok-2022]</span>")
    assert event_id_from_tooltip(text_content(tooltip)) == "vostok-2022"  # what streamlit-folium returns


@pytest.mark.parametrize(
    "column",
    ["title", "quote", "notes", "place", "date_note", "coord_source", "seed"],
)
def test_text_fields_are_escaped_in_popup_and_map(events, context, column):
    row = one_event(events, "vostok-2022", **{column: PAYLOAD})
    popup = popup_html(first_row(row))
    assert ESCAPED in popup and PAYLOAD not in popup
    assert PAYLOAD not in build_map(row, context).get_root().render()


def test_sources_and_title_are_escaped_in_tooltips_and_lines(events, context):
    row = one_event(events, "vostok-2022", title=PAYLOAD, sources=(PAYLOAD, "TASS"))
    assert tooltip_text(first_row(row)).startswith(f"<b>{ESCAPED}</b><br>")
    assert f"Cited outlet:</b> {ESCAPED}, TASS" in popup_html(first_row(row))
    rendered = build_map(row, context).get_root().render()
    assert PAYLOAD not in rendered
    assert rendered.count(ESCAPED) == 2 + 1 + 8  # popup (title, outlet), marker tooltip, 8 line tooltips


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("`); alert(1); (`", "&#96;); alert(1); (&#96;"),  # a backtick would end folium's template literal
        ("${alert(1)}", "&#36;{alert(1)}"),  # …and ${} inside one runs code
        ("C:\\users\\x", "C:&#92;users&#92;x"),  # \u or \x there is a syntax error that blanks the map
        ("US$ 5 billion", "US&#36; 5 billion"),  # harmless text is shown as it is
    ],
    ids=["backtick", "interpolation", "backslash", "dollar"],
)
def test_text_cannot_break_out_of_folium_template_literals(events, context, value, escaped):
    row = one_event(events, "vostok-2022", title=value, quote=value)
    assert escaped in popup_html(first_row(row)) and escaped in tooltip_text(first_row(row))
    assert html.unescape(escaped) == value  # the reader sees the same text
    rendered = build_map(row, context).get_root().render()
    assert value not in rendered
    assert rendered.count(escaped) == 2 + 1 + 8  # popup (title, quote), marker tooltip, 8 line tooltips


def test_base_map_script_is_the_same_every_time(context):
    first, second = (build_base_map(context).get_root().render() for _ in range(2))
    assert FOLIUM_ID.search(first)  # the ids are there, and random …
    assert FOLIUM_ID.sub("_ID", first) == FOLIUM_ID.sub("_ID", second)  # … and nothing else differs


def test_legend_lists_every_event_type(context):
    legend = Legend(EVENT_COLORS)
    assert set(EVENT_COLORS) == set(EventType)
    for kind, color in EVENT_COLORS.items():
        assert f"<i style='background:{color}'></i>{event_type_label(kind)}" in legend.html
    assert "dashed circle" in legend.html and "ringed" in legend.html  # the symbols are explained too
    assert "<details>" in legend.html  # open only on a wide map, by the script
    assert legend.open_min_width == LEGEND_OPEN_MIN_WIDTH
    assert f"map.getSize().x >= {LEGEND_OPEN_MIN_WIDTH}" in build_base_map(context).get_root().render()
    rendered = build_base_map(context).get_root().render()  # no events: every label comes from the legend
    assert all(event_type_label(kind) in rendered for kind in EventType)


def test_legend_labels_are_escaped():
    assert "<i style='background:#000'></i>&lt;b&gt;<br>" in Legend({"<b>": "#000"}).html




def test_a_clicked_tooltip_gives_back_only_an_event_id(events, context):
    row = events.iloc[0]
    tricky = row.copy()
    tricky["title"] = "Drills [kyiv-offensive-2022]"  # a title that looks like an id
    tricky["place"] = "Somewhere [taiwan-maneuvers-2022]"  # …and a place, which ends the visible text
    assert event_id_from_tooltip(text_content(tooltip_text(tricky))) == row["event_id"]
    _, lines, _ = build_event_layers(events.iloc[[0]].assign(title="Drills [kyiv-offensive-2022]"),
                                                 context)
    line_tips = [html.unescape(line["tooltip"]) for line in shape_records([lines], "lines")]
    assert line_tips and all(event_id_from_tooltip(tip) is None for tip in line_tips)


def _in_view(lat: float, lon: float, view: tuple[tuple[float, float], int], width: int, height: int) -> bool:
    """Whether a point lies inside a Web Mercator map of ``width`` x ``height`` pixels at ``view``."""
    (centre_lat, centre_lon), zoom = view
    scale = 256 * 2**zoom

    def pixel(la: float, lo: float) -> tuple[float, float]:
        y = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return (lo + 180) / 360 * scale, (1 - y / math.pi) / 2 * scale

    (x, y), (cx, cy) = pixel(lat, lon), pixel(centre_lat, centre_lon)
    return abs(x - cx) <= width / 2 and abs(y - cy) <= height / 2


def _points(*places: tuple[float, float, int]) -> pd.DataFrame:
    """Events at (lat, lon), each place repeated ``n`` times: all data_view reads."""
    rows = [(lat, lon) for lat, lon, n in places for _ in range(n)]
    return pd.DataFrame(rows, columns=["latitude", "longitude"])


KYIV, BEIJING, TOKYO = (50.45, 30.52), (39.91, 116.40), (35.68, 139.69)
FIJI, SAMOA, WASHINGTON, PACIFIC = (-17.7, 178.1), (-13.8, -172.0), (38.9, -77.0), (0.0, -160.0)

# (events, map width px, places that must be in view, places that must not, zoom or None for any)
VIEW_CASES = [
    # one event: on it, as close as a first view goes
    (_points((*KYIV, 1)), 900, [KYIV], [], VIEW_MAX_ZOOM),
    # many events, all at one place: the same
    (_points((*KYIV, 7)), 400, [KYIV], [], VIEW_MAX_ZOOM),
    # a few places in one region: all of them, closer than the world
    (_points((*KYIV, 2), (52.23, 21.01, 1), (53.9, 27.57, 1)), 400, [KYIV, (52.23, 21.01), (53.9, 27.57)], [], None),
    # across the antimeridian, a map wide enough for the whole world at MIN_ZOOM: both ends
    (_points((*FIJI, 1), (*SAMOA, 1)), 1100, [FIJI, SAMOA], [], MIN_ZOOM),
    # across the antimeridian, a phone: the two cannot both be drawn (markers are drawn once, -180..180), so
    # the view holds one of them (the western end of the world, here: ties go west), never empty sea, and as
    # close as a first view goes, since on a phone half the events are enough
    (_points((*FIJI, 1), (*SAMOA, 1)), 400, [SAMOA], [FIJI], VIEW_MAX_ZOOM),
    # a phone opens on the region holding half the events, closer than the world...
    (_points((*BEIJING, 6), (*KYIV, 3), (*WASHINGTON, 1)), 400, [BEIJING], [KYIV, WASHINGTON], None),
    # ...where a wider map shows the four in five
    (_points((*BEIJING, 6), (*KYIV, 3), (*WASHINGTON, 1)), 900, [BEIJING, KYIV], [WASHINGTON], None),
    # across the antimeridian, more events on the Fiji side: that side
    (_points((*FIJI, 3), (*SAMOA, 1)), 400, [FIJI], [SAMOA], None),
    # one far outlier among many (four in five hold the view): it does not move the view off the rest
    (_points((*KYIV, 4), (52.23, 21.01, 4), (*PACIFIC, 1)), 900, [KYIV, (52.23, 21.01)], [PACIFIC], None),
    # two outliers of ten are still outliers...
    (_points((*BEIJING, 8), (*WASHINGTON, 1), (*PACIFIC, 1)), 1000, [BEIJING], [WASHINGTON, PACIFIC], None),
    # ...three are not: a wide map shows all
    (_points((*BEIJING, 7), (*WASHINGTON, 2), (*PACIFIC, 1)), 1000, [BEIJING, WASHINGTON, PACIFIC], [], MIN_ZOOM),
]


@pytest.mark.parametrize(("events", "width", "shown", "hidden", "zoom"), VIEW_CASES)
def test_the_first_view(events, width, shown, hidden, zoom):
    view = data_view(events, width_px=width, height_px=MAP_HEIGHT)
    assert [p for p in shown if not _in_view(*p, view, width, MAP_HEIGHT)] == []
    assert [p for p in hidden if _in_view(*p, view, width, MAP_HEIGHT)] == []
    assert MIN_ZOOM <= view[1] <= VIEW_MAX_ZOOM and (zoom is None or view[1] == zoom)
    assert -180 <= view[0][1] <= 180


@pytest.mark.parametrize("width", [320, 360, 388, 400, 480, 560, 640, 800, 1000, 1250, 1600])
def test_the_bundled_data_opens_on_east_asia(events, width):
    """The story is in East Asia (7 of the 12 events); the Pacific point at -160° must not push it off-screen,
    at any width a browser picks a view for (388 px: the map on a 420-px phone; 1000: on a 1400-px screen)."""
    view = data_view(events, width_px=width, height_px=MAP_HEIGHT)
    east_asia = events[events["longitude"].between(100, 150)]
    assert len(east_asia) == 7  # the Russian Far East (2), the Sea of Japan, Beijing (2), Taipei, Taiwan
    assert all(_in_view(lat, lon, view, width, MAP_HEIGHT) for lat, lon in
               zip(east_asia["latitude"], east_asia["longitude"], strict=True))
    if width >= 800:  # and Europe's three beside them, where there is room
        europe = events[events["longitude"].between(20, 40)]
        assert all(_in_view(lat, lon, view, width, MAP_HEIGHT) for lat, lon in
                   zip(europe["latitude"], europe["longitude"], strict=True))


def test_the_view_of_one_place_and_of_nothing(events):
    kyiv = events[events["place"] == "Kyiv"]
    (lat, lon), zoom = data_view(kyiv)
    assert (lat, lon, zoom) == (pytest.approx(kyiv["latitude"].iloc[0], abs=1e-4),  # longitudes to VIEW_LON_STEP
                                pytest.approx(kyiv["longitude"].iloc[0], abs=0.01), VIEW_MAX_ZOOM)
    assert data_view(events.iloc[:0]) == DEFAULT_VIEW


def test_map_context_reads_the_capitals_the_cities_would_give(context):
    """The capitals come from data/capitals.csv (no city index at server start); they are the ones the slow path
    finds for every outlined country, Kosovo included."""
    slow = map_context(OfflineGazetteer(capitals_path=None))
    assert context.capitals == slow.capitals and len(context.capitals) == 174
    assert context.capitals["XKX"] == pytest.approx((42.67272, 21.16688))  # Pristina


# ---------------------------------------------------------------- the selected event


def test_marker_records_carry_how_close_a_selection_moves(events, context):
    # An imprecise place's extent sets the zoom a move to it stops at; a precise one needs none.
    for event_id, km in [("kyiv-offensive-2022", None), ("vostok-2022-sea-of-japan", PRECISION_RADIUS_KM[7])]:
        (marker,) = marker_records([build_event_layers(one_event(events, event_id), context)[2]])
        assert marker.get("km") == (None if km is None else round(km))
    # Every marker can be found by its event id; the fast path's selected layer opens unless the control does.
    for needle in ("group.newsById[records[j].id] = markers[j]", "window.NewsEventMarkers.find",
                   "window.NewsEventMarkers.show", "if (!group.newsHandled) markers[0].openPopup()",
                   ".on(\"click\", function () { picked(r.id); })"):
        assert needle in EVENT_MARKERS_JS, needle


# The markers' lookup and move, in Node with a stand-in map (Web Mercator, 256-px tiles): what show() does to
# the map for a found marker. Each case: map zoom, centre, marker place, its extent (km), flags, cluster chain
# (the child counts of its clusters from the closest zoom, markercluster's __parent chain; None: not clustered).
SHOW_JS = r"""
globalThis.window = globalThis;
globalThis.L = {popup: () => { throw new Error("no popup alone here"); }};
%s
const [cases, options] = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const world = z => 256 * 2 ** z;
function point(x, y) { return {x, y, subtract: ([dx, dy]) => point(x - dx, y - dy)}; }
function project([lat, lon], z) {
    const s = Math.sin(lat * Math.PI / 180);
    return point((lon + 180) / 360 * world(z), (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * world(z));
}
function unproject(p, z) {
    const lon = p.x / world(z) * 360 - 180, n = Math.PI - 2 * Math.PI * p.y / world(z);
    return {lat: Math.atan(Math.sinh(n)) * 180 / Math.PI, lng: lon};
}
const out = cases.map(c => {
    const moves = [], opened = [];
    const home = {lat: c.at[0], lng: c.at[1]};
    const popup = {options: {autoPan: true}};
    const marker = {options: {eventKm: c.km}, getLatLng: () => home, getPopup: () => popup,
                    openPopup: () => opened.push(popup.options.autoPan ? "popup" : "popup in place")};
    let below = marker;  // its clusters, from the closest zoom out: each the __parent of the one before
    (c.chain || []).forEach((count, i) => {
        below = below.__parent = {_zoom: c.chainZoom - i, getChildCount: () => count,
                                  spiderfy: () => { opened.push("spread"); spread(); }};
    });
    const group = {_map: true, newsById: {e1: marker}};
    let spread = () => {};
    if (c.chain) { group.getVisibleParent = () => marker.__parent; group.once = (name, then) => { spread = then; }; }
    const map = {
        getZoom: () => c.zoom, getSize: () => point(900, 560), getMinZoom: () => 2, getMaxZoom: () => 12,
        hasLayer: layer => layer === marker ? !c.chain : true,
        latLngToContainerPoint: ll => { const p = project([ll.lat, ll.lng], c.zoom), o = project(c.centre, c.zoom);
                                         return point(p.x - o.x + 450, p.y - o.y + 280); },
        project: (ll, z) => project([ll.lat, ll.lng], z), unproject,
        setView: (centre, zoom) => moves.push(["setView", zoom, +centre.lng.toFixed(3)]),
        flyTo: (centre, zoom) => moves.push(["flyTo", zoom, +centre.lng.toFixed(3)]),
        once: (name, then) => { moves.push(["after " + name]); then(); },
    };
    const found = NewsEventMarkers.find([{eachLayer: f => [{}, {eachLayer: g => g(group)}].forEach(f)}], "e1");
    NewsEventMarkers.show(map, found, options, c.flags);
    return {moves, opened, missing: NewsEventMarkers.find([group], "e2")};
});
console.log(JSON.stringify(out));
"""
# (case, the moves it makes: [kind, zoom, centre longitude] or ["after moveend"], what opens)
SHOW_CASES = [
    # in view, well inside the map: the map stays, the popup opens
    ({"zoom": 4, "centre": [40, 120], "at": [41, 121], "km": 0, "flags": {"move": True, "animate": True}},
     [], ["popup"]),
    # far away and precise: flown to at the precise zoom
    ({"zoom": 3, "centre": [40, 120], "at": [50.45, 30.52], "km": 0, "flags": {"move": True, "animate": True}},
     [["after moveend"], ["flyTo", 6, 30.52]], ["popup"]),
    # the reader's closer zoom is kept
    ({"zoom": 8, "centre": [40, 120], "at": [50.45, 30.52], "km": 0, "flags": {"move": True, "animate": True}},
     [["after moveend"], ["flyTo", 8, 30.52]], ["popup"]),
    # a region known to 800 km: its extent fits (1,600 km across 336 px at 50° N), further out
    ({"zoom": 2, "centre": [0, -100], "at": [50.0, 100.0], "km": 800, "flags": {"move": True, "animate": True}},
     [["after moveend"], ["flyTo", 4, 100.0]], ["popup"]),
    # the first run: no flight, a jump
    ({"zoom": 3, "centre": [40, 120], "at": [50.45, 30.52], "km": 0, "flags": {"move": True, "animate": False}},
     [["setView", 6, 30.52]], ["popup"]),
    # picked on the map by the reader: never moved to
    ({"zoom": 3, "centre": [40, 120], "at": [50.45, 30.52], "km": 0, "flags": {"move": False}}, [], ["popup"]),
    # open again after the layers' re-adding: the popup does not pan the map either
    ({"zoom": 3, "centre": [40, 120], "at": [50.45, 30.52], "km": 0, "flags": {"move": False, "still": True}}, [],
     ["popup in place"]),
    # in view but in a cluster, alone from zoom 7: zoomed into
    ({"zoom": 4, "centre": [40, 120], "at": [41, 121], "km": 0, "chain": [3, 9], "chainZoom": 6,
      "flags": {"move": True, "animate": True}}, [["after moveend"], ["flyTo", 7, 121]], ["spread", "popup"]),
    # at one place with 7 others (never alone): zoomed to where its cluster holds only them, then spread
    ({"zoom": 2, "centre": [40, 120], "at": [41, 121], "km": 0, "chain": [8] * 8 + [12], "chainZoom": 12,
      "flags": {"move": True, "animate": True}}, [["after moveend"], ["flyTo", 5, 121]], ["spread", "popup"]),
    # ... unless that zoom is too close: spread where it is
    ({"zoom": 2, "centre": [40, 120], "at": [41, 121], "km": 0, "chain": [8, 8, 12], "chainZoom": 12,
      "flags": {"move": True, "animate": True}}, [], ["spread", "popup"]),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js runs the markers' script outside a browser")
def test_a_selection_moves_the_map_only_as_far_as_needed(tmp_path):
    from dashboard.maps.controls import ViewLayerControl

    script, data = tmp_path / "show.js", tmp_path / "cases.json"
    script.write_text(SHOW_JS % EVENT_MARKERS_JS, encoding="utf-8")
    data.write_text(json.dumps([[case for case, _, _ in SHOW_CASES], ViewLayerControl().select_options]),
                    encoding="utf-8")
    out = json.loads(subprocess.run([shutil.which("node"), str(script), str(data)], capture_output=True, text=True,
                                    check=True, timeout=30).stdout)
    for (case, moves, opened), got in zip(SHOW_CASES, out, strict=True):
        assert (got["moves"], got["opened"]) == (moves, opened), case
        assert got["missing"] is None


def test_a_table_row_without_an_article_says_where_its_dates_come_from(events):
    row = first_row(one_event(events, "vostok-2022", date_basis="table", quote="", seed=""))
    text = html.unescape(re.sub(r"<[^>]+>", "", popup_html(row)))
    assert "from the uploaded table" in text and "Source: the uploaded table (no article quoted)" in text
    assert "background" not in text
