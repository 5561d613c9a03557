"""Offline map assets: copied byte for byte and only when changed, every folium link rewritten or dropped, and an
asset with no local copy an error rather than a silent trip to a CDN; an install that cannot be written sends the
files inline."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path

import branca.colormap
import folium
import folium.plugins
import pytest
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import MacroElement

import dashboard.maps.assets
from dashboard.errors import DashboardError
from dashboard.maps.assets import (
    ASSET_FILES,
    INLINE,
    AssetSource,
    asset_links,
    external_links,
    inline_url,
    localize,
    prepare_static,
    serve_assets,
)
from dashboard.maps.basemap import published_files, served_urls

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


# ---------------------------------------------------------------- the base map's data


def test_prepare_static_publishes_the_base_map_data(static):
    files = published_files()
    assert set(files) == {"basemap/world-110m.json", "basemap/world-50m.json", "basemap/labels.json"}
    for path, data in files.items():
        assert (static / path).read_bytes() == data, path
        json.loads(data)  # the map fetches and parses each as JSON


def test_the_served_urls_name_the_published_content(static):
    for url in served_urls(BASE).values():
        path, _, version = url.removeprefix(BASE).partition("?v=")
        assert hashlib.sha256((static / path).read_bytes()).hexdigest()[:12] == version


def test_a_changed_base_map_file_is_restored(static):
    (static / "basemap" / "labels.json").write_text("{}", encoding="utf-8")
    prepare_static(static)
    assert (static / "basemap" / "labels.json").read_bytes() == published_files()["basemap/labels.json"]
    assert not list(static.rglob("*.tmp"))


def test_a_stale_base_map_file_that_cannot_be_replaced_is_not_served(static, unwritable):
    (static / "basemap" / "world-50m.json").write_text("stale", encoding="utf-8")
    assert serve_assets(static, BASE).base == INLINE


# ---------------------------------------------------------------- an install that cannot be written


def decoded(url: str) -> bytes:
    assert url.startswith("data:") and ";base64," in url
    return base64.b64decode(url.split(",", 1)[1])


@pytest.fixture
def unwritable(monkeypatch):
    """Every write fails, as on a read-only install (tests may run as root, for whom chmod does not)."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(shutil, "copyfile", refuse)
    monkeypatch.setattr(Path, "mkdir", refuse)


def test_a_prepared_folder_is_served_without_writing(static, unwritable):
    before = files_under(static)
    assert serve_assets(static, BASE) == AssetSource(BASE)
    assert files_under(static) == before


def test_an_unwritable_install_sends_the_files_inline(tmp_path, unwritable):
    source = serve_assets(tmp_path / "static", BASE)
    assert source.base == INLINE and "cannot write the map's files" in source.problem
    assert "Permission denied" in source.problem and not (tmp_path / "static").exists()


def test_a_stale_copy_that_cannot_be_replaced_is_not_served(static, unwritable):
    (static / "leaflet" / "leaflet.js").write_text("stale", encoding="utf-8")  # before the install froze
    assert serve_assets(static, BASE).base == INLINE


def test_without_readable_package_files_there_is_no_map(tmp_path, monkeypatch, unwritable):
    def unreadable(path):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(dashboard.maps.assets, "inline_url", unreadable)
    source = serve_assets(tmp_path / "static", BASE)
    assert source.base is None and "nor read them from the installed packages" in source.problem


@pytest.mark.parametrize(("target", "source"), [c for c in COPIES if not c[0].endswith((".css", ".png"))],
                         ids=[t for t, _ in COPIES if not t.endswith((".css", ".png"))])
def test_inline_scripts_are_the_installed_files(target, source):
    assert inline_url(target).startswith("data:text/javascript;base64,")
    assert decoded(inline_url(target)) == source.read_bytes()


def test_inline_style_sheets_carry_their_images():
    css = decoded(inline_url("leaflet/leaflet.css")).decode("utf-8")
    assert "url(images/" not in css and css.count('url("data:image/png;base64,') == 3
    layers = re.search(r'url\("(data:image/png;base64,[^"]+)"\)', css).group(1)
    assert decoded(layers) == (LEAFLET / "images" / "layers.png").read_bytes()
    assert "url(#default#VML)" in css  # not a file: left alone
    assert decoded(inline_url("markercluster/MarkerCluster.css")) == (CLUSTER / "MarkerCluster.css").read_bytes()


def test_inline_links_replace_every_url():
    m = folium.Map()
    cluster = folium.plugins.MarkerCluster().add_to(m)
    localize(m, INLINE)
    links = [url for element in (m, cluster) for _, url in element.default_js + element.default_css]
    assert links and all(url.startswith("data:") for url in links) and external_links(m) == []
    assert [url for _, url in asset_links(["leaflet", "bootstrap"], INLINE)] == [inline_url("leaflet/leaflet.js")]
