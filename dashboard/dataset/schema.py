"""Columns, dtypes and closed vocabularies of the dataset, in one place.

The dataset is two CSV files: ``events.csv`` (one row per event) and ``places.csv`` (one row per place,
with coordinates). Everything that validates, loads, filters or exports the data reads its column names and
vocabularies from here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_ID_PATTERN",
    "EXTERNAL_SEED_PREFIX",
    "LIST_SEPARATOR",
    "LOADED_COLUMNS",
    "MAX_COLUMNS",
    "MAX_COLUMN_NAME_CHARS",
    "MAX_DATE",
    "MAX_NESTING",
    "MIN_DATE",
    "PLACE_COLUMNS",
    "QUOTE_ELISION",
    "TABLE_OPTIONAL_COLUMNS",
    "DateBasis",
    "DatePrecision",
    "EventType",
    "ExternalSource",
    "GeocodeResult",
    "LocationPrecision",
    "event_type_label",
    "external_seed",
    "external_source",
]


class EventType(StrEnum):
    """What happened, in the spirit of ACLED's event types, narrowed to what news of this kind reports."""

    MILITARY_EXERCISE = "military_exercise"
    TROOP_DEPLOYMENT = "troop_deployment"
    ARMED_CONFLICT = "armed_conflict"
    DIPLOMATIC_AGREEMENT = "diplomatic_agreement"
    DIPLOMATIC_VISIT = "diplomatic_visit"
    OFFICIAL_STATEMENT = "official_statement"
    OTHER = "other"  # a table's row that does not say, and whose title gives no clue: never a guess

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


def event_type_label(value: str) -> str:
    """A readable label for an event type ("Military exercise"); unknown values as they are."""
    return EventType(value).label if value in EventType._value2member_map_ else value


class DatePrecision(StrEnum):
    """How precisely the start and end dates are known: to the day, the week, the month or the year."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class DateBasis(StrEnum):
    """Where the dates come from: the article itself, public knowledge (then ``date_note`` says what), or a table
    someone brought in (its maker vouches for it; no article is quoted, see :data:`TABLE_OPTIONAL_COLUMNS`)."""

    ARTICLE = "article"
    BACKGROUND = "background"
    TABLE = "table"


class ExternalSource(StrEnum):
    """Published event datasets whose rows come in as they are (``python -m dashboard import``): their coders
    vouch for each row, no article of ours is quoted, and the ``seed`` column names the dataset instead of a
    file (see :data:`EXTERNAL_SEED_PREFIX`)."""

    ACLED = "ACLED"
    UCDP = "UCDP"
    GDELT = "GDELT"


# A row brought in from a published dataset says so in its ``seed`` column: "external: ACLED". Its quote (the
# coder's notes, a source's headline) is the dataset's text, not a passage of a seed article, so the verbatim-quote
# rule applies to article-based rows only; such a row's date basis is "table".
EXTERNAL_SEED_PREFIX = "external: "


def external_seed(source: ExternalSource) -> str:
    """The ``seed`` cell of a row from ``source``: ``external: ACLED``."""
    return EXTERNAL_SEED_PREFIX + source.value


def external_source(seed: str) -> str | None:
    """The dataset named by a ``seed`` cell of the form ``external: NAME`` (any NAME, for the validator to check),
    or None for a seed article's file name."""
    return seed[len(EXTERNAL_SEED_PREFIX):].strip() if seed.startswith(EXTERNAL_SEED_PREFIX) else None


class LocationPrecision(IntEnum):
    """UCDP GED's ``where_prec`` scale: how precisely the place of an event is known."""

    EXACT = 1
    NEAR_NAMED_PLACE = 2
    ADM2 = 3
    ADM1 = 4
    WIDER_REGION = 5
    COUNTRY = 6
    WATER_OR_AIRSPACE = 7

    @property
    def label(self) -> str:
        return PRECISION_LABELS[self]


@dataclass(frozen=True)
class GeocodeResult:
    """A resolved place: WGS84 coordinates, UCDP precision, ISO3 country ("" for open sea), provenance."""

    name: str
    latitude: float
    longitude: float
    precision: LocationPrecision
    country: str
    source: str


PRECISION_LABELS: dict[LocationPrecision, str] = {
    LocationPrecision.EXACT: "exact location",
    LocationPrecision.NEAR_NAMED_PLACE: "near a named place (≈25 km)",
    LocationPrecision.ADM2: "second-order administrative division",
    LocationPrecision.ADM1: "first-order administrative division",
    LocationPrecision.WIDER_REGION: "wider region",
    LocationPrecision.COUNTRY: "country only",
    LocationPrecision.WATER_OR_AIRSPACE: "sea, ocean or airspace",
}

# Multi-valued cells (participants, sources) hold their items separated by this character.
LIST_SEPARATOR = ";"
# A quote may join several verbatim passages of its seed with the usual elision mark; each passage must be
# found in the seed, in order.
QUOTE_ELISION = " […] "
EVENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")

# The dates the app can show. pandas keeps nanosecond datetimes only from 1677-09-21 to 2262-04-11, and
# Streamlit's date slider sends microseconds since 1970 as JavaScript numbers, exact only within ±2**53 µs
# (1685 to 2255): beyond either a valid-looking date breaks the app. Whole centuries well inside both leave
# room for the slider's padding and cost no real event (the news we map is modern; forecasts stop long before).
MIN_DATE = dt.date(1700, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)

# Guards on any table, uploaded or served: our schema has 19 columns, so 200 leaves room for an analyst's own,
# while 10,000 columns cost seconds per check; a header name is a word or two, and a megabyte-long one once cost
# gigabytes where pandas widens names to fixed-width strings.
MAX_COLUMNS = 200
MAX_COLUMN_NAME_CHARS = 200
# GeoJSON of ours nests 5 levels (collection, features, feature, geometry, coordinates); 400 levels exhausted
# Python's recursion in the JSON parser.
MAX_NESTING = 32

# events.csv: column -> whether a value is required.
EVENT_COLUMNS: dict[str, bool] = {
    "event_id": True,
    "title": True,
    "event_type": True,
    "start_date": True,
    "end_date": True,
    "date_precision": True,
    "date_basis": True,
    "date_note": False,  # required when date_basis is "background"
    "place": True,
    "participants": False,  # ISO 3166-1 alpha-3 codes, LIST_SEPARATOR-separated
    "sources": False,  # outlets the article cites for the event, LIST_SEPARATOR-separated
    "quote": True,  # not for date_basis "table": see TABLE_OPTIONAL_COLUMNS
    "seed": True,  # idem; "external: ACLED" for a row of a published dataset (EXTERNAL_SEED_PREFIX)
    "notes": False,
}

# What a row from a table brought in (date_basis "table") may leave empty though others must give it: the table
# quotes no article, and a row given as bare coordinates does not say its country. A quote such a row gives with a
# seed is still checked verbatim against that seed.
TABLE_OPTIONAL_COLUMNS = frozenset({"quote", "seed", "country"})

# places.csv: column -> whether a value is required.
PLACE_COLUMNS: dict[str, bool] = {
    "place": True,
    "latitude": True,
    "longitude": True,
    "location_precision": True,
    "country": False,  # ISO 3166-1 alpha-3; empty only for open sea and airspace (precision 7) or a table's row
    "coord_source": True,
}

# The frame load_events() returns: events joined to their place.
LOADED_COLUMNS: list[str] = [
    "event_id",
    "title",
    "event_type",
    "start_date",
    "end_date",
    "date_precision",
    "date_basis",
    "date_note",
    "place",
    "latitude",
    "longitude",
    "location_precision",
    "place_country",
    "coord_source",
    "participants",
    "sources",
    "quote",
    "seed",
    "notes",
]
