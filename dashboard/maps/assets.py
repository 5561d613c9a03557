"""Map assets served by the app itself, so the map draws with no internet.

folium points its Leaflet, jQuery and plugin files at public CDNs; on an offline machine the map frame stays
blank. Here the same files come from XStatic packages installed from PyPI (no third-party code is committed):
:func:`prepare_static` copies them into the folder Streamlit serves as static files, and :func:`localize`
rewrites every asset link of a folium tree to that copy. Links to assets we do not need (Bootstrap,
Font Awesome, awesome-markers: only ``folium.Icon`` uses them) are dropped; an unknown CDN link is an error.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import Element
from folium.elements import JSCSSMixin

from ..errors import DashboardError

__all__ = [
    "ASSET_FILES",
    "PACKAGES",
    "asset_links",
    "external_links",
    "localize",
    "prepare_static",
    "walk_elements",
]

# Sub-folder of the static folder -> (installed package folder, files and folders to copy).
PACKAGES: dict[str, tuple[Path, list[str]]] = {
    "leaflet": (Path(xstatic.pkg.leaflet.BASE_DIR), ["leaflet.js", "leaflet.css", "images"]),
    "jquery": (Path(xstatic.pkg.jquery.BASE_DIR), ["jquery.min.js"]),
    "markercluster": (Path(xstatic.pkg.leaflet_markercluster.BASE_DIR),
                      ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]),
}

# folium's asset names -> file under the static folder; None: not needed, dropped.
ASSET_FILES: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "jquery": "jquery/jquery.min.js",  # folium.Popup builds its content with jQuery
    "leaflet_css": "leaflet/leaflet.css",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
    **dict.fromkeys(["bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
                     "awesome_markers_css", "awesome_rotate_css"]),
}

# Every asset the event layers may need, declared on the map so the frame loads them when it is first
# mounted: layers added later (streamlit-folium's feature_group_to_add) do not load new scripts.
MAP_JS = ["leaflet", "jquery", "markerclusterjs"]
MAP_CSS = ["leaflet_css", "markerclustercss", "markerclusterdefaultcss"]


def prepare_static(static_dir: Path) -> Path:
    """Copy the packaged assets into ``static_dir``. Idempotent; each file is replaced atomically, because a
    browser may be fetching it while the app reruns."""
    for folder, (source_dir, items) in PACKAGES.items():
        for item in items:
            source = source_dir / item
            files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
            for file in files:
                _copy_if_changed(file, static_dir / folder / file.relative_to(source_dir))
    return static_dir


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)  # a real copy: Streamlit refuses symlinks that leave its static folder
    os.replace(tmp, target)


def asset_links(names: list[str], base_url: str) -> list[tuple[str, str]]:
    """(name, url) pairs for folium's ``default_js``/``default_css``, pointing under ``base_url``."""
    return [(name, base_url + path) for name in names if (path := ASSET_FILES[name])]


def localize(root: Element, base_url: str) -> None:
    """Point every asset link in the folium tree under ``root`` at the local copies under ``base_url``.

    Sets instance attributes, so folium's classes stay untouched for other code.
    """
    for element in walk_elements(root):
        if isinstance(element, JSCSSMixin):
            element.default_js = _localized(element.default_js, base_url)
            element.default_css = _localized(element.default_css, base_url)


def external_links(*roots: Element) -> list[str]:
    """Every asset link under ``roots`` that would leave the machine (absolute http(s) or protocol-relative)."""
    links = []
    for root in roots:
        for element in walk_elements(root):
            if type(element).__module__.startswith("branca.colormap"):
                links.append("branca colormap (streamlit-folium loads d3 from a CDN for it)")
            for _, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]:
                if url.startswith(("http:", "https:", "//")):
                    links.append(url)
    return links


def _localized(links: list[tuple[str, str]], base_url: str) -> list[tuple[str, str]]:
    result = []
    for name, url in links:
        if url.startswith(("http:", "https:", "//")):
            if name not in ASSET_FILES:
                raise DashboardError(f"no offline copy of map asset {name!r} ({url}); add it to ASSET_FILES")
            if (path := ASSET_FILES[name]) is None:
                continue
            url = base_url + path
        result.append((name, url))
    return result


def walk_elements(element: Element) -> Iterator[Element]:
    """``element`` and all its descendants, depth first, in the order they were added."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from walk_elements(child)
