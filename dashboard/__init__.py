"""An interactive map dashboard of news events, with provenance on every row.

The core (this package minus ``app``) never imports Streamlit: schema, loading and validation, filters,
geocoding, map building and export are plain functions on pandas frames.
"""

from .errors import DashboardError, DatasetError, ExportError, GeocodingError, GeocodingTimeout, Problem

__all__ = [
    "DashboardError",
    "DatasetError",
    "ExportError",
    "GeocodingError",
    "GeocodingTimeout",
    "Problem",
]
__version__ = "0.1.0"
