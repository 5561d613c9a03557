"""UCDP's Georeferenced Event Dataset (GED, its published CSV) in the dataset's format.

Columns, as the *UCDP GED Codebook* (Högbladh, Uppsala University, version 23.1 and later) lists them: ``id, relid,
year, active_year, code_status, type_of_violence, conflict_dset_id, conflict_new_id, conflict_name, dyad_dset_id,
dyad_new_id, dyad_name, side_a_dset_id, side_a_new_id, gwnoa, side_a, side_b_dset_id, side_b_new_id, gwnob,
side_b, number_of_sources, source_article, source_office, source_date, source_headline, source_original,
where_prec, where_coordinates, where_description, adm_1, adm_2, latitude, longitude, geom_wkt, priogrid_gid,
country, country_id, region, event_clarity, date_prec, date_start, date_end, deaths_a, deaths_b,
deaths_civilians, deaths_unknown, best, high, low`` (the ``*_dset_id`` columns are newer; files without them read
the same).

- **event type** — every GED event is organised lethal violence: ``type_of_violence`` 1 (state-based conflict),
  2 (non-state conflict) and 3 (one-sided violence) are all ``armed_conflict``, the kind named in the title. Any
  other code is a bad row.
- **dates** — ``date_start`` to ``date_end`` as UCDP gives them; ``date_prec`` 1 (exact day) is ``day``, 2 (a span
  of two to six days) and 3 (a week) are ``week``, 4 (a month) is ``month``, 5 (a year) is ``year``.
- **location precision** — ``where_prec`` is the scale the dataset uses (1 exact … 7 sea or airspace), kept.
- **participants** — ``gwnoa`` and ``gwnob`` (Gleditsch–Ward numbers, several separated by commas) as ISO3
  (:mod:`.codes`); a non-state side has none and is not listed.
- **place** — ``where_coordinates`` (the place the coordinates are of) and ``country``; its country from
  ``country_id`` (Gleditsch–Ward), else ``country``.
- **sources** — ``source_office`` (the outlets); the full references (``source_article``) are in the notes.
  **quote** — ``source_headline``, the source's own words; GED has no coder's notes. **seed** — ``external: UCDP``;
  the id is ``ucdp-`` and ``id``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..schema import DatePrecision, EventType, ExternalSource
from .codes import GW_TO_ISO3
from .common import (
    TABLE_BASIS,
    Converted,
    Layout,
    PlaceNames,
    bad_rows,
    blank_problems,
    cells,
    code_problems,
    country_of_name,
    day_text,
    event_ids,
    iso_days,
    join_items,
    per_unique,
    problem_at,
    seed_of,
    table_frame,
)

__all__ = ["COLUMNS", "UCDP"]

COLUMNS = ("id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
           "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
           "side_a_new_id", "gwnoa", "side_a", "side_b_dset_id", "side_b_new_id", "gwnob", "side_b",
           "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
           "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude",
           "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
           "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high",
           "low")
REQUIRED = frozenset({"id", "relid", "type_of_violence", "side_a", "side_b", "where_prec", "latitude", "longitude",
                      "country", "date_prec", "date_start", "date_end"})

VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
DATE_PRECISIONS = {"1": (DatePrecision.DAY, "the exact day"), "2": (DatePrecision.WEEK, "a span of two to six days"),
                   "3": (DatePrecision.WEEK, "a week"), "4": (DatePrecision.MONTH, "a month"),
                   "5": (DatePrecision.YEAR, "a year")}
WHERE_PRECISIONS = {"1": "the exact location", "2": "within about 25 km of a known point",
                    "3": "a second-order administrative division (its centroid)",
                    "4": "a first-order administrative division (its centroid)",
                    "5": "a part of the country larger than a province", "6": "the country (its centroid)",
                    "7": "over water or in international airspace"}


def convert(frame: pd.DataFrame, *, file: str, first_row: int = 1, places: PlaceNames | None = None) -> Converted:
    """A GED table (strings, its own column names) in the dataset's format."""
    places = places or PlaceNames()
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    get = functools.partial(cells, frame)
    problems = []
    ids = get("id").str.replace(r"\.0$", "", regex=True)
    problems += blank_problems(ids, "id", file, first_row)
    violence = get("type_of_violence").str.replace(r"\.0$", "", regex=True)
    problems += code_problems(violence, violence.isin(list(VIOLENCE)), "type_of_violence", file, first_row,
                              "1 (state-based), 2 (non-state), 3 (one-sided)")
    problems += blank_problems(violence, "type_of_violence", file, first_row)
    prec = get("date_prec").str.replace(r"\.0$", "", regex=True)
    problems += code_problems(prec, prec.isin(list(DATE_PRECISIONS)), "date_prec", file, first_row,
                              "1 (day), 2 (2-6 days), 3 (week), 4 (month), 5 (year)")
    days = {}
    for column in ("date_start", "date_end"):
        text = get(column)
        days[column] = iso_days(text, ())
        for index in np.flatnonzero(days[column].isna().to_numpy() & (text != "").to_numpy()):
            problems.append(problem_at(file, first_row, index, column,
                                       f"{text.iloc[index]!r} is not a date (UCDP writes 2023-04-15)"))
        problems += blank_problems(text, column, file, first_row)
    where = get("where_prec").str.replace(r"\.0$", "", regex=True)
    problems += code_problems(where, where.isin(list(WHERE_PRECISIONS)), "where_prec", file, first_row,
                              "1 (exact) to 7 (water or airspace)")
    latitude, longitude = get("latitude"), get("longitude")
    for index in np.flatnonzero(((latitude == "") | (longitude == "")).to_numpy()):
        problems.append(problem_at(file, first_row, index, "latitude" if latitude.iloc[index] == "" else "longitude",
                                   "no coordinates: the event cannot be placed on the map"))
    country, spot = get("country"), get("where_coordinates")
    place_country = per_unique(get("country_id").str.replace(r"\.0$", "", regex=True) + "|" + country,
                               _place_country)
    coord_source = per_unique(where, lambda w: f"UCDP GED's coordinates (where_prec {w}: {WHERE_PRECISIONS[w]})"
                              if w in WHERE_PRECISIONS else "")
    base = (spot + ", " + country).where(spot != "", get("adm_1") + ", " + country).str.strip(", ")
    names = places.names(base, latitude, longitude, where, place_country, coord_source)
    label = per_unique(violence, lambda v: VIOLENCE.get(v, ""))
    side_a, side_b = get("side_a"), get("side_b")
    title = label + ": " + side_a
    title = title.where(side_b == "", title + " vs " + side_b)
    title = title.where(spot == "", title + " in " + spot)
    table = table_frame(frame.index, {
        "event_id": event_ids("ucdp", ids), "title": title,
        "event_type": np.where(label != "", EventType.ARMED_CONFLICT.value, ""),
        "start_date": day_text(days["date_start"]), "end_date": day_text(days["date_end"]),
        "date_precision": per_unique(prec, lambda p: DATE_PRECISIONS[p][0].value if p in DATE_PRECISIONS else ""),
        "date_basis": TABLE_BASIS,
        "date_note": per_unique(prec, lambda p: f"UCDP's date_start and date_end, date_prec {p}: "
                                f"{DATE_PRECISIONS[p][1]}." if p in DATE_PRECISIONS else ""),
        "place": names, "latitude": latitude, "longitude": longitude, "location_precision": where,
        "place_country": place_country, "coord_source": coord_source,
        "participants": join_items([get("gwnoa"), get("gwnob")], _gw_country, split=","),
        "sources": join_items([get("source_office")], lambda s: s, split=";"),
        "quote": get("source_headline"), "seed": seed_of(ExternalSource.UCDP),
        "notes": _notes(ids, get("conflict_name"), get("best"), get("low"), get("high"), get("source_article")),
    })
    return Converted(table, problems, bad_rows(len(frame), problems, first_row))


def _gw_country(number: str) -> str | None:
    try:
        return GW_TO_ISO3.get(int(float(number)))
    except ValueError:
        return None


def _place_country(key: str) -> str:
    number, _, name = key.partition("|")
    return _gw_country(number) or (country_of_name(name) if name else None) or "" if number or name else ""


def _notes(ids: pd.Series, conflict: pd.Series, best: pd.Series, low: pd.Series, high: pd.Series,
           article: pd.Series) -> pd.Series:
    notes = "UCDP GED " + ids
    notes = notes.where(conflict == "", notes + " (" + conflict + ")")
    notes = notes.where(best == "", notes + "; deaths: best estimate " + best)
    notes = notes.where((low == "") | (high == ""), notes + " (low " + low + ", high " + high + ")")
    notes = notes.where(article == "", notes + "; source: " + article)
    return notes + "."


UCDP = Layout(
    source=ExternalSource.UCDP, title="UCDP GED", columns=COLUMNS, required=REQUIRED,
    origins={"event_id": "id", "title": "type_of_violence", "event_type": "type_of_violence",
             "start_date": "date_start", "end_date": "date_end", "date_precision": "date_prec",
             "date_note": "date_prec", "place": "where_coordinates", "latitude": "latitude", "longitude": "longitude",
             "location_precision": "where_prec", "place_country": "country_id", "country": "country_id",
             "coord_source": "where_prec", "participants": "gwnoa", "sources": "source_office",
             "quote": "source_headline", "notes": "source_article"},
    convert=convert,
)
