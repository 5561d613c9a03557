"""Where the bundled data lives. The package is installed in development mode, next to ``data/`` and ``seeds/``."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ALIASES_PATH", "CAPITALS_PATH", "DATA_DIR", "EVENTS_PATH", "GEOCODE_CACHE_PATH", "PLACES_PATH",
           "REGIONS_PATH", "SEEDS_DIR", "STATIC_DIR", "WORLD_PATH"]

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
SEEDS_DIR = ROOT / "seeds"
EVENTS_PATH = DATA_DIR / "events.csv"
PLACES_PATH = DATA_DIR / "places.csv"
REGIONS_PATH = DATA_DIR / "regions.csv"
ALIASES_PATH = DATA_DIR / "aliases.csv"  # other names of places: the extractor's and the search's
CAPITALS_PATH = DATA_DIR / "capitals.csv"  # built by scripts/build_capitals.py
WORLD_PATH = DATA_DIR / "world.geojson"
GEOCODE_CACHE_PATH = DATA_DIR / "geocode_cache.json"
# Streamlit serves the folder named static beside the app script at /app/static/ (made at run time).
STATIC_DIR = Path(__file__).resolve().parent / "ui" / "static"
