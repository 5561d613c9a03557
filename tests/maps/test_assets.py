"""Offline map assets: copied byte for byte and only when changed, every folium link rewritten or dropped, and an
asset with no local copy an error rather than a silent trip to a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import branca.colormap
import folium
import folium.plugins
import pytest
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import MacroElement

from dashboard.errors import DashboardError
from dashboard.maps.assets import ASSET_FILES, external_links, localize, prepare_static

LEAFLET = Path(xstatic.pkg.leaflet.BASE_DIR)
JQUERY = Path(xstatic.pkg.jquery.BASE_DIR)
CLUSTER = Path(xstatic.pkg.leaflet_markercluster.BASE_DIR)
BASE = "../../app/static/"

# (file under the static folder, the installed file it must be a copy of)
COPIES = [
    ("leaflet/leaflet.js", LEAFLET / "leaflet.js"),
    ("leaflet/leaflet.css", LEAFLET / "leaflet.css"),
    ("leaflet/images/marker-icon.png", LEAFLET / "images" / "marker-icon.png"),  # binary, in a sub-folder
    ("leaflet/images/layers-2x.png", LEAFLET / "images" / "layers-2x.png"),  # leaflet.css asks for it by name
    ("jquery/jquery.min.js", JQUERY / "jquery.min.js"),
    ("markercluster/leaflet.markercluster.js", CLUSTER / "leaflet.markercluster.js"),
    ("markercluster/MarkerCluster.css", CLUSTER / "MarkerCluster.css"),
    ("markercluster/MarkerCluster.Default.css", CLUSTER / "MarkerCluster.Default.css"),
]


@pytest.fixture
def static(tmp_path: Path) -> Path:
    return prepare_static(tmp_path / "static")


def files_under(folder: Path) -> dict[Path, int]:
    """Every file below ``folder`` (hidden ones too), with its modification time in nanoseconds."""
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("target", "source"), COPIES, ids=[target for target, _ in COPIES])
def test_prepare_static_copies_each_asset_byte_for_byte(static, target, source):
    copy = static / target
    assert copy.is_file() and not copy.is_symlink()  # Streamlit refuses symlinks out of its static folder
    assert copy.read_bytes() == source.read_bytes()


def test_every_linked_asset_is_prepared(static):
    for path in filter(None, ASSET_FILES.values()):
        assert (static / path).is_file(), path


def test_a_second_call_changes_nothing_and_leaves_no_temporary_files(static):
    before = files_under(static)
    assert prepare_static(static) == static
    assert files_under(static) == before  # same files, same modification times: nothing rewritten
    assert not [p for p in before if p.name.startswith(".") or p.suffix == ".tmp"]


def test_a_changed_copy_is_restored(static):
    (static / "leaflet" / "leaflet.js").write_text("stale", encoding="utf-8")
    (static / "jquery" / "jquery.min.js").unlink()
    prepare_static(static)
    assert (static / "leaflet" / "leaflet.js").read_bytes() == (LEAFLET / "leaflet.js").read_bytes()
    assert (static / "jquery" / "jquery.min.js").read_bytes() == (JQUERY / "jquery.min.js").read_bytes()
    assert not list(static.rglob("*.tmp"))


def test_localize_rewrites_leaflet_and_drops_unneeded_assets():
    m = folium.Map()
    localize(m, BASE)
    assert m.default_js == [("leaflet", BASE + "leaflet/leaflet.js"), ("jquery", BASE + "jquery/jquery.min.js")]
    assert m.default_css == [("leaflet_css", BASE + "leaflet/leaflet.css")]  # Bootstrap, Font Awesome: dropped
    assert external_links(m) == []
    rendered = m.get_root().render()
    assert "http" not in "".join(line for line in rendered.splitlines() if "<script src" in line or "<link" in line)


def test_localize_leaves_folium_classes_alone():
    localize(folium.Map(), BASE)
    assert folium.Map().default_js[0][1].startswith("https://")  # instance attributes only


def test_localize_reaches_nested_elements():
    m = folium.Map()
    group = folium.FeatureGroup().add_to(m)
    cluster = folium.plugins.MarkerCluster().add_to(group)
    localize(m, BASE)
    assert [url for _, url in cluster.default_js] == [BASE + "markercluster/leaflet.markercluster.js"]


def test_an_asset_with_no_offline_copy_is_an_error():
    m = folium.Map()
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(DashboardError, match=re.escape("no offline copy of map asset 'Control.Fullscreen.js'")):
        localize(m, BASE)


def test_a_local_link_with_an_unknown_name_is_kept():
    element = MacroElement()
    element.default_js = [("mine", "/app/static/mine.js")]
    localize(element, BASE)
    assert element.default_js == [("mine", "/app/static/mine.js")]


@pytest.mark.parametrize(
    ("url", "external"),
    [
        ("https://cdn.example.org/x.js", True),
        ("http://cdn.example.org/x.js", True),
        ("//cdn.example.org/x.js", True),  # protocol-relative: still leaves the machine
        ("../../app/static/x.js", False),
        ("/app/static/x.js", False),
    ],
)
def test_external_links_flags_urls_that_leave_the_machine(url, external):
    element = MacroElement()
    element.default_js = [("x", url)]
    assert external_links(element) == ([url] if external else [])


def test_external_links_flags_a_branca_colormap():
    # A colormap has no asset links of its own, but streamlit-folium fetches d3 from a CDN to draw it.
    m = folium.Map()
    localize(m, BASE)
    branca.colormap.LinearColormap(["#ffffff", "#000000"], vmin=0, vmax=1).add_to(m)
    (link,) = external_links(m)
    assert "branca colormap" in link


def test_external_links_checks_every_root():
    inside, outside = MacroElement(), MacroElement()
    outside.default_css = [("x", "https://cdn.example.org/x.css")]
    assert external_links(inside, outside) == ["https://cdn.example.org/x.css"]
