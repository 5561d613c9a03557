"""Map assets served by the app itself, so the map draws with no internet.

folium points its Leaflet, jQuery and plugin files at public CDNs; on an offline machine the map frame stays
blank. Here the same files come from XStatic packages installed from PyPI (no third-party code is committed):
:func:`prepare_static` copies them into the folder Streamlit serves as static files, and :func:`localize`
rewrites every asset link of a folium tree to that copy. Links to assets we do not need (Bootstrap,
Font Awesome, awesome-markers: only ``folium.Icon`` uses them) are dropped; an unknown CDN link is an error.

The same folder holds the base map's data (``basemap/``: the 1:110m and 1:50m outlines and the label table, from
``data/``; see :mod:`dashboard.maps.basemap`), which the map fetches once per session rather than carrying it in
every update.

An install that cannot be written to (a system package, a read-only container) and lacks the copies still
draws its map: :func:`serve_assets` then chooses the base :data:`INLINE`, for which the links are ``data:``
URLs holding the files themselves (streamlit-folium loads each link with a ``<script src>`` or ``<link>`` tag,
which accept them), and the map's script holds the 1:110m outlines and the labels. That costs about 0.7 MB more
in every map update, so the copies remain the normal way.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import Element
from folium.elements import JSCSSMixin

from ..errors import DashboardError
from .basemap import published_files

__all__ = [
    "ASSET_FILES",
    "INLINE",
    "PACKAGES",
    "PREPARE_COMMAND",
    "AssetSource",
    "asset_links",
    "external_links",
    "inline_url",
    "localize",
    "prepare_static",
    "serve_assets",
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
    "jquery": "jquery/jquery.min.js",  # folium.Popup builds its content with jQuery (the app uses none)
    "leaflet_css": "leaflet/leaflet.css",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
    **dict.fromkeys(["bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
                     "awesome_markers_css", "awesome_rotate_css"]),
}

# Every asset the event layers may need, declared on the map so the frame loads them when it is first
# mounted: layers added later (streamlit-folium's feature_group_to_add) do not load new scripts.
MAP_JS = ["leaflet", "markerclusterjs"]  # no jQuery: the markers are built in our own script, not folium.Popup
MAP_CSS = ["leaflet_css", "markerclustercss", "markerclusterdefaultcss"]

INLINE = "inline:"  # an asset base meaning "the files themselves, as data: URLs"
PREPARE_COMMAND = "python -m dashboard assets"  # what an operator runs, with write access, to make the copies
_MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?!data:|[a-z]+://|/|#)([^'")]+)\1\s*\)""")


@dataclass(frozen=True)
class AssetSource:
    """Where the map's frame gets its Leaflet files: ``base`` for :func:`asset_links` and :func:`localize`
    (None: nowhere, the map cannot be drawn), and why it is not the served copy, for the operator."""

    base: str | None
    problem: str | None = None


def prepare_static(static_dir: Path) -> Path:
    """Copy the packaged assets into ``static_dir``, and publish the base map's outlines and labels there
    (:func:`dashboard.maps.basemap.published_files`), which the map fetches instead of carrying them in every
    update. Idempotent; each file is replaced atomically, because a browser may be fetching it while the app
    reruns."""
    for folder, (source_dir, items) in PACKAGES.items():
        for item in items:
            source = source_dir / item
            files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
            for file in files:
                _copy_if_changed(file, static_dir / folder / file.relative_to(source_dir))
    for path, data in published_files().items():
        _write_if_changed(data, static_dir / path)
    return static_dir


def serve_assets(static_dir: Path, served_base: str) -> AssetSource:
    """The served copies in ``static_dir`` (at ``served_base``) if they are, or can be made, identical to the
    installed files; otherwise the files inline; otherwise none. Writes only a missing or changed copy."""
    try:
        prepare_static(static_dir)
        return AssetSource(served_base)
    except OSError as exc:
        problem = f"cannot write the map's files to {static_dir} ({exc.strerror or exc})"
    try:
        for path in filter(None, ASSET_FILES.values()):
            inline_url(path)  # read now, so that a missing package file is found here, not mid-run
    except OSError as exc:
        return AssetSource(None, f"{problem}, nor read them from the installed packages ({exc.strerror or exc})")
    return AssetSource(INLINE, f"{problem}; sending them inline instead")


@functools.cache
def inline_url(path: str) -> str:
    """The installed file behind ``path`` (a value of :data:`ASSET_FILES`) as a ``data:`` URL; a style sheet's
    images are inlined in it too, since a ``data:`` URL has no folder for ``url(images/…)`` to be found in."""
    folder, _, rest = path.partition("/")
    source = PACKAGES[folder][0] / rest
    data = source.read_bytes()
    if source.suffix == ".css":
        data = _CSS_URL.sub(lambda m: f'url("{_inline_file(source.parent / m.group(2))}")',
                            data.decode("utf-8")).encode("utf-8")
    return f"data:{_MEDIA_TYPES[source.suffix]};base64,{base64.b64encode(data).decode('ascii')}"


def _inline_file(file: Path) -> str:
    return f"data:{_MEDIA_TYPES[file.suffix]};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)  # a real copy: Streamlit refuses symlinks that leave its static folder
    os.replace(tmp, target)


def _write_if_changed(data: bytes, target: Path) -> None:
    if target.exists() and target.read_bytes() == data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def asset_links(names: list[str], base_url: str) -> list[tuple[str, str]]:
    """(name, url) pairs for folium's ``default_js``/``default_css``, pointing under ``base_url``
    (or inline, for :data:`INLINE`)."""
    return [(name, _url(base_url, path)) for name in names if (path := ASSET_FILES[name])]


def _url(base_url: str, path: str) -> str:
    return inline_url(path) if base_url == INLINE else base_url + path


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
            url = _url(base_url, path)
        result.append((name, url))
    return result


def walk_elements(element: Element) -> Iterator[Element]:
    """``element`` and all its descendants, depth first, in the order they were added."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from walk_elements(child)
