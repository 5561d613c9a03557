"""ACLED exports (CSV, or XLSX as its export tool downloads them) in the dataset's format.

Columns, as ACLED's codebook and export tool list them (ACLED, *ACLED Codebook*, 2023; also acledR's
``acled_codebook``): ``event_id_cnty, event_date, year, time_precision, disorder_type, event_type, sub_event_type,
actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, civilian_targeting, iso, region,
country, admin1, admin2, admin3, location, latitude, longitude, geo_precision, source, source_scale, notes,
fatalities, tags, timestamp``. Older downloads write the names in capitals; both are read.

How each row maps (the README's table says the same):

- **event type** — Battles, Explosions/Remote violence and Violence against civilians are ``armed_conflict``
  (organised political violence); Strategic developments are ``diplomatic_agreement`` for an *Agreement*,
  ``troop_deployment`` for *Headquarters or base established*, else ``other``; Protests and Riots are ``other``:
  the dataset has no type for them, and none is faked. ACLED's own types stay in the title and the notes. An event
  type ACLED does not have is a bad row.
- **dates** — ``time_precision`` 1: the day. 2: ACLED gives the middle of the week the sources name, so the week
  around it (three days either side), precision ``week``. 3: the month the sources name (ACLED gives its middle,
  first or last day), so the whole month, precision ``month``.
- **location precision** (``geo_precision`` onto the UCDP scale the dataset uses): 1, the town or its outskirts,
  is 1; 2, near a known place or in a small part of a region, is 2 (≈25 km of a named place); 3, a region without
  more detail (ACLED then uses its capital), is 4, first-order division — the coarser reading of "region".
- **participants** — the countries actors' names say: "Military Forces of Sudan (2019-)", "Police Forces of …",
  "Government of …", "Protesters (Sudan)"; a rebel group or militia is no country's and is not listed.
- **place** — ``location`` and ``country``; its country from ``iso`` (ISO 3166-1 numeric), else ``country``.
- **sources** — ``source`` (outlets, ``;``-separated as ACLED writes them); **quote** — ``notes``, the coder's
  summary; **seed** — ``external: ACLED``; the id is ``acled-`` and ``event_id_cnty``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pycountry

from ...errors import Problem
from ..schema import DatePrecision, EventType, ExternalSource
from .common import (
    TABLE_BASIS,
    Converted,
    Layout,
    PlaceNames,
    actor_country,
    blank_problems,
    cells,
    code_problems,
    country_of_name,
    day_text,
    event_ids,
    iso_days,
    join_items,
    month_span,
    per_unique,
    seed_of,
    shift_days,
    table_frame,
)

__all__ = ["ACLED", "COLUMNS", "EVENT_TYPES"]

COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
           "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
           "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
           "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp")
REQUIRED = frozenset({"event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "country",
                      "location", "latitude", "longitude", "geo_precision"})

# ACLED event type -> ours; Strategic developments by sub-event type (below).
EVENT_TYPES: dict[str, EventType] = {
    "Battles": EventType.ARMED_CONFLICT,
    "Explosions/Remote violence": EventType.ARMED_CONFLICT,
    "Violence against civilians": EventType.ARMED_CONFLICT,
    "Protests": EventType.OTHER,
    "Riots": EventType.OTHER,
    "Strategic developments": EventType.OTHER,
}
STRATEGIC: dict[str, EventType] = {
    "Agreement": EventType.DIPLOMATIC_AGREEMENT,
    "Headquarters or base established": EventType.TROOP_DEPLOYMENT,
}
_TYPE_KEYS = {name.casefold(): name for name in EVENT_TYPES}

TIME_PRECISIONS = {"1": "the day the sources give", "2": "the week the sources give (ACLED's date is its middle)",
                   "3": "the month the sources give"}
GEO_PRECISIONS = {"1": (1, "the town or its outskirts"), "2": (2, "near a known place or in a small part of a region"),
                  "3": (4, "a region the sources name without more detail (ACLED uses its capital)")}
DATE_FORMATS = ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y")  # the export tool's "15 April 2023" and kin


def convert(frame: pd.DataFrame, *, file: str, first_row: int = 1, places: PlaceNames | None = None) -> Converted:
    """An ACLED table (strings, its own column names) in the dataset's format."""
    places = places or PlaceNames()
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    get = functools.partial(cells, frame)
    problems = []
    ids = get("event_id_cnty")
    problems += blank_problems(ids, "event_id_cnty", file, first_row)
    kind, sub = get("event_type"), get("sub_event_type")
    canonical = per_unique(kind, lambda v: _TYPE_KEYS.get(v.casefold(), ""))
    problems += code_problems(kind, canonical != "", "event_type", file, first_row, ", ".join(EVENT_TYPES))
    problems += blank_problems(kind, "event_type", file, first_row)
    types = per_unique(canonical + "|" + sub, _event_type)
    day = iso_days(get("event_date"), DATE_FORMATS)
    dates = get("event_date")
    for index in np.flatnonzero(day.isna().to_numpy() & (dates != "").to_numpy()):
        problems.append(_problem(file, first_row, index, "event_date",
                                 f"{dates.iloc[index]!r} is not a date (ACLED writes 2023-04-15 or 15 April 2023)"))
    problems += blank_problems(dates, "event_date", file, first_row)
    time_precision = get("time_precision").str.replace(r"\.0$", "", regex=True)
    problems += code_problems(time_precision, time_precision.isin(list(TIME_PRECISIONS)), "time_precision", file,
                              first_row, "1 (day), 2 (week), 3 (month)")
    start, end, precision = _dates(day, time_precision)
    geo = get("geo_precision").str.replace(r"\.0$", "", regex=True)
    problems += code_problems(geo, geo.isin(list(GEO_PRECISIONS)), "geo_precision", file, first_row,
                              "1 (town), 2 (near a place), 3 (region)")
    latitude, longitude = get("latitude"), get("longitude")
    no_point = (latitude == "") | (longitude == "")
    for index in np.flatnonzero(no_point.to_numpy()):
        problems.append(_problem(file, first_row, index, "latitude" if latitude.iloc[index] == "" else "longitude",
                                 "no coordinates: the event cannot be placed on the map"))
    location, country = get("location"), get("country")
    place_country = per_unique(get("iso").str.replace(r"\.0$", "", regex=True) + "|" + country, _place_country)
    coord_source = per_unique(geo, lambda g: f"ACLED's coordinates (geo_precision {g}: {GEO_PRECISIONS[g][1]})"
                              if g in GEO_PRECISIONS else "")
    location_precision = per_unique(geo, lambda g: str(GEO_PRECISIONS[g][0]) if g in GEO_PRECISIONS else "")
    base = (location + ", " + country).str.strip(", ").where(location != "", country)
    names = places.names(base, latitude, longitude, location_precision, place_country, coord_source)
    actor1, actor2 = get("actor1"), get("actor2")
    title = canonical.where(canonical != "", kind) + ": " + actor1
    title = title.where(actor2 == "", title + " vs " + actor2)
    title = title.where(location == "", title + " in " + location)
    table = table_frame(frame.index, {
        "event_id": event_ids("acled", ids), "title": title, "event_type": types,
        "start_date": start, "end_date": end, "date_precision": precision, "date_basis": TABLE_BASIS,
        "date_note": per_unique(time_precision, lambda p: f"ACLED's event_date with time_precision {p}: "
                                f"{TIME_PRECISIONS[p]}." if p in TIME_PRECISIONS else ""),
        "place": names, "latitude": latitude, "longitude": longitude, "location_precision": location_precision,
        "place_country": place_country, "coord_source": coord_source,
        "participants": join_items([actor1, get("assoc_actor_1"), actor2, get("assoc_actor_2")], actor_country,
                                   split=";"),
        "sources": join_items([get("source")], lambda s: s, split=";"),
        "quote": get("notes"), "seed": seed_of(ExternalSource.ACLED),
        "notes": _notes(ids, kind, sub, get("fatalities"), get("tags")),
    })
    bad = np.zeros(len(frame), dtype=bool)
    bad[[p.row - first_row for p in problems]] = True
    return Converted(table, problems, bad)


def _problem(file: str, first_row: int, index: int, column: str, message: str) -> Problem:
    return Problem(file, first_row + int(index), column, message)


def _event_type(key: str) -> str:
    kind, _, sub = key.partition("|")
    if not kind:
        return ""
    if kind == "Strategic developments":
        return STRATEGIC.get(sub, EventType.OTHER).value
    return EVENT_TYPES[kind].value


def _dates(day: pd.Series, precision: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start, end and precision from ACLED's date and time_precision (see the module's docstring)."""
    week, month = precision == "2", precision == "3"
    first, last = month_span(day)
    start = np.where(week, np.asarray(shift_days(day, -3), dtype="datetime64[D]"),
                     np.where(month, first, np.asarray(day, dtype="datetime64[D]")))
    end = np.where(week, np.asarray(shift_days(day, 3), dtype="datetime64[D]"),
                   np.where(month, last, np.asarray(day, dtype="datetime64[D]")))
    label = np.where(week, DatePrecision.WEEK.value, np.where(month, DatePrecision.MONTH.value,
                                                              DatePrecision.DAY.value)).astype(object)
    return day_text(start), day_text(end), label


@functools.cache
def _numeric_iso3() -> dict[str, str]:
    return {str(int(country.numeric)): country.alpha_3 for country in pycountry.countries}


def _place_country(key: str) -> str:
    """ISO3 from ACLED's ``iso`` (numeric; Kosovo is 0) or, failing that, its ``country``."""
    number, _, name = key.partition("|")
    code = _numeric_iso3().get(number.lstrip("0") or "0") if number else None
    return code or (country_of_name(name) if name else None) or ""


def _notes(ids: pd.Series, kind: pd.Series, sub: pd.Series, fatalities: pd.Series, tags: pd.Series) -> pd.Series:
    notes = "ACLED " + ids + ": " + kind
    notes = notes.where(sub == "", notes + " – " + sub)
    notes = notes.where(fatalities == "", notes + "; " + fatalities + " fatalities reported")
    notes = notes.where(tags == "", notes + "; tags: " + tags)
    return notes + "."


ACLED = Layout(
    source=ExternalSource.ACLED, title="ACLED export", columns=COLUMNS, required=REQUIRED,
    origins={"event_id": "event_id_cnty", "title": "event_type", "event_type": "event_type",
             "start_date": "event_date", "end_date": "event_date", "date_precision": "time_precision",
             "date_note": "time_precision", "place": "location", "latitude": "latitude", "longitude": "longitude",
             "location_precision": "geo_precision", "place_country": "iso", "country": "iso",
             "coord_source": "geo_precision", "participants": "actor1", "sources": "source", "quote": "notes",
             "notes": "notes"},
    convert=convert,
)
