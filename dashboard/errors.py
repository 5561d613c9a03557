"""The package's exceptions.

Every error the package raises on purpose derives from :class:`DashboardError`, and each subclass also
inherits the built-in it resembles, so callers may catch either::

    DashboardError
    ├── DatasetError (ValueError)        a data file breaks the schema; lists every problem
    │   └── UnreadableFileError          a file cannot be read as a table at all (missing, binary, not UTF-8…)
    ├── GeocodingError (RuntimeError)    a geocoding service failed (not "not found": that returns None)
    │   └── GeocodingTimeout (TimeoutError)
    ├── ExportError (ValueError)         a table cannot be exported in the asked format
    ├── ExtractionError (ValueError)     an article cannot be drafted (dashboard.extraction.extract)
    └── EngineConfigError (ValueError)   DASHBOARD_ENGINE names no engine we can use (dashboard.engine.config)

Entry points (the CLI, the Streamlit app) turn these into a one-line message; users never see a traceback.
Any other exception is a bug: the entry point logs its traceback for the operator under a short reference
(:func:`error_reference`) and shows the user only that reference.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

__all__ = [
    "DashboardError",
    "DatasetError",
    "ExportError",
    "GeocodingError",
    "GeocodingTimeout",
    "Problem",
    "UnreadableFileError",
    "error_reference",
]


class DashboardError(Exception):
    """Root of the package's exceptions."""


@dataclass(frozen=True, order=True)
class Problem:
    """One validation finding, located by file, data row (1-based, header excluded) and column."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class DatasetError(DashboardError, ValueError):
    """Raised when a data file breaks the schema. ``problems`` holds every finding, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the dataset:\n{lines}")


class UnreadableFileError(DatasetError):
    """Raised when a file cannot be read as a table at all: missing, empty, binary, compressed, a spreadsheet,
    not UTF-8, or malformed CSV or GeoJSON. Nothing in it was checked."""


class GeocodingError(DashboardError, RuntimeError):
    """Raised when a geocoding service fails (refused, unavailable, rate-limited). Not found is ``None``."""


class GeocodingTimeout(GeocodingError, TimeoutError):
    """Raised when a geocoding service does not answer within the timeout."""


class ExportError(DashboardError, ValueError):
    """Raised when a table cannot be exported in the asked format."""


def error_reference() -> str:
    """A fresh reference for one unexpected error, such as ``'3f9a0c12'``: shown to the user and written beside
    the traceback in the log, so the operator finds the one a user reports. Random, so it reveals nothing."""
    return secrets.token_hex(4)
