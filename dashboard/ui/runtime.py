"""What every part of the Streamlit UI shares: the guard that turns a bug into a reference (never a traceback)
and the resources made once per process."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

import streamlit as st

from dashboard import paths
from dashboard.dataset.search import SearchAliases, load_search_aliases
from dashboard.errors import error_reference
from dashboard.geography.gazetteer import OfflineGazetteer
from dashboard.maps.assets import PREPARE_COMMAND, AssetSource, serve_assets
from dashboard.maps.mapping import DEFAULT_ASSET_BASE, MapContext, map_context, outline_json

__all__ = ["LOG", "gazetteer", "guarded", "internal_error", "log_to_stderr", "map_context_shared", "outlines",
           "search_aliases", "static_assets"]

LOG = logging.getLogger("dashboard.ui")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record comes (as logging's last-resort handler does), not to
    the stream of the moment it was made, which a test runner may have closed since."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def log_to_stderr() -> None:
    """The server log gets our records with time and level; Streamlit configures only its own loggers."""
    logger = logging.getLogger("dashboard")
    if not logger.handlers:  # the script runs again on every rerun: one handler per process
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def internal_error(exc: Exception) -> None:
    """A bug: its traceback to the server log, and to the user only a reference to it."""
    reference = error_reference()
    LOG.error("internal error, reference %s", reference, exc_info=exc)
    st.error(f"Something went wrong on our side, sorry. Please tell the operator the reference **{reference}**: "
             "the details are in the server's log.")


def guarded(function: Callable[..., None]) -> Callable[..., None]:
    """``function`` with any unexpected exception turned into :func:`internal_error`. ``st.stop()`` and
    ``st.rerun()`` raise ``StopException`` and ``RerunException``, which derive from ``BaseException`` (not
    ``Exception``) precisely so that they pass through handlers like this one."""

    @wraps(function)
    def guarded_function(*args: Any, **kwargs: Any) -> None:
        try:
            function(*args, **kwargs)
        except Exception as exc:
            internal_error(exc)

    return guarded_function


@st.cache_resource(show_spinner=False)
def gazetteer() -> OfflineGazetteer:
    return OfflineGazetteer()  # its city index takes a second to build: once per process


@st.cache_resource(show_spinner=False)
def static_assets() -> AssetSource:
    """Where the map's Leaflet files are served from, prepared once per process."""
    source = serve_assets(paths.STATIC_DIR, DEFAULT_ASSET_BASE)  # read now: tests move it
    if source.problem:  # logged once per process, with what fixes it
        LOG.warning("map assets: %s; to serve them as files, run with write access: %s", source.problem,
                    PREPARE_COMMAND)
    return source


@st.cache_resource(show_spinner=False)
def map_context_shared() -> MapContext:
    """Outlines, capitals and country sizes, with the map files where this install can serve them from."""
    context, base = map_context(gazetteer()), static_assets().base
    return context if base in (None, context.asset_base) else replace(context, asset_base=base)


@st.cache_resource(show_spinner=False)
def outlines() -> str:
    """The outlines' JSON text for the map's script: made once per process, not on every rerun (~7 ms)."""
    return outline_json(map_context_shared().world)


@st.cache_resource(show_spinner="Loading the names of places for the search…")
def search_aliases() -> SearchAliases:
    """Other names of places (~240,000, 1.5 s and 35 MB): built once per process, on the first search."""
    return load_search_aliases()
