"""GDELT event files (tab-separated, no header; the 15-minute and daily ``.export.CSV.zip`` files too) in the
dataset's format.

Columns, as the *GDELT Event Codebook V2.0* (Leetaru, 2015) lists them, 61 in all: ``GLOBALEVENTID, SQLDATE,
MonthYear, Year, FractionDate``; for each of Actor1 and Actor2 ``Code, Name, CountryCode, KnownGroupCode,
EthnicCode, Religion1Code, Religion2Code, Type1Code, Type2Code, Type3Code``; ``IsRootEvent, EventCode,
EventBaseCode, EventRootCode, QuadClass, GoldsteinScale, NumMentions, NumSources, NumArticles, AvgTone``; for each
of Actor1Geo, Actor2Geo and ActionGeo ``_Type, _FullName, _CountryCode, _ADM1Code, _ADM2Code, _Lat, _Long,
_FeatureID``; ``DATEADDED, SOURCEURL``. GDELT 1.0's daily files (*GDELT Data Format Codebook* 1.03) have the same
columns without the three ``_ADM2Code`` (58), and before April 2013 without ``SOURCEURL`` (57): they are read too.

- **event type** from the CAMEO root code (``EventRootCode``, Schrodt, *CAMEO Codebook* 1.1b3): 01 make a public
  statement, 02 appeal, 03 express intent to cooperate, 10 demand, 11 disapprove, 12 reject and 13 threaten —
  CAMEO's verbal acts — are ``official_statement``; 04 consult is ``diplomatic_visit`` for 042–044 (make, host or
  meet at a visit), else ``other``; 05 diplomatic cooperation is ``diplomatic_agreement`` for 057 (sign a formal
  agreement), else ``other``; 15 exhibit force posture (alerts, mobilisation) is ``troop_deployment``; 18 assault,
  19 fight and 20 unconventional mass violence are ``armed_conflict``; 06–09, 14 (protest), 16 and 17 are ``other``.
  Any other root code is a bad row.
- **date** — ``SQLDATE``, the day (GDELT: the date the event took place, as coded from the report).
- **location precision** (``ActionGeo_Type``): 1 country is 6; 2 US state and 5 world state (first-order
  division) are 4; 3 US city and 4 world city are 2, near a named place. 0 (no location) is a bad row: it cannot be
  placed.
- **participants** — ``Actor1CountryCode`` and ``Actor2CountryCode`` (CAMEO's, ISO3 but for a few, :mod:`.codes`);
  regions and groups are not countries and are not listed.
- **place** — ``ActionGeo_FullName``; its country from ``ActionGeo_CountryCode`` (FIPS 10-4, :mod:`.codes`).
- **sources** — the host of ``SOURCEURL``, kept whole as the ``url`` column. No quote: GDELT has no text. **seed**
  — ``external: GDELT``; the id is ``gdelt-`` and ``GLOBALEVENTID``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..schema import DatePrecision, EventType, ExternalSource
from .codes import CAMEO_RENAMED, FIPS_TO_ISO3
from .common import (
    TABLE_BASIS,
    Converted,
    Layout,
    PlaceNames,
    bad_rows,
    blank_problems,
    cells,
    code_problems,
    day_text,
    event_ids,
    iso3_or_none,
    iso_days,
    join_items,
    per_unique,
    problem_at,
    seed_of,
    table_frame,
)

__all__ = ["COLUMNS", "COLUMNS_V1", "COLUMNS_V1_NO_URL", "GDELT", "ROOT_CODES"]

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
COLUMNS = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
           *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR),
           "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
           "NumMentions", "NumSources", "NumArticles", "AvgTone",
           *(f"{who}_{c}" for who in ("Actor1Geo", "Actor2Geo", "ActionGeo") for c in _GEO),
           "DATEADDED", "SOURCEURL")
COLUMNS_V1 = tuple(c for c in COLUMNS if not c.endswith("_ADM2Code"))
COLUMNS_V1_NO_URL = COLUMNS_V1[:-1]
REQUIRED = frozenset({"GLOBALEVENTID", "SQLDATE", "EventRootCode", "ActionGeo_Type", "ActionGeo_Lat",
                      "ActionGeo_Long"})
BY_COUNT = {len(COLUMNS): COLUMNS, len(COLUMNS_V1): COLUMNS_V1, len(COLUMNS_V1_NO_URL): COLUMNS_V1_NO_URL}

ROOT_CODES: dict[str, tuple[str, EventType]] = {
    "01": ("Make public statement", EventType.OFFICIAL_STATEMENT),
    "02": ("Appeal", EventType.OFFICIAL_STATEMENT),
    "03": ("Express intent to cooperate", EventType.OFFICIAL_STATEMENT),
    "04": ("Consult", EventType.OTHER),  # 042-044 below
    "05": ("Engage in diplomatic cooperation", EventType.OTHER),  # 057 below
    "06": ("Engage in material cooperation", EventType.OTHER),
    "07": ("Provide aid", EventType.OTHER),
    "08": ("Yield", EventType.OTHER),
    "09": ("Investigate", EventType.OTHER),
    "10": ("Demand", EventType.OFFICIAL_STATEMENT),
    "11": ("Disapprove", EventType.OFFICIAL_STATEMENT),
    "12": ("Reject", EventType.OFFICIAL_STATEMENT),
    "13": ("Threaten", EventType.OFFICIAL_STATEMENT),
    "14": ("Protest", EventType.OTHER),
    "15": ("Exhibit force posture", EventType.TROOP_DEPLOYMENT),
    "16": ("Reduce relations", EventType.OTHER),
    "17": ("Coerce", EventType.OTHER),
    "18": ("Assault", EventType.ARMED_CONFLICT),
    "19": ("Fight", EventType.ARMED_CONFLICT),
    "20": ("Use unconventional mass violence", EventType.ARMED_CONFLICT),
}
BASE_CODES: dict[str, EventType] = {"042": EventType.DIPLOMATIC_VISIT, "043": EventType.DIPLOMATIC_VISIT,
                                    "044": EventType.DIPLOMATIC_VISIT, "057": EventType.DIPLOMATIC_AGREEMENT}
GEO_TYPES = {"1": (6, "a country"), "2": (4, "a US state"), "3": (2, "a US city"), "4": (2, "a city"),
             "5": (4, "a first-order division")}


def convert(frame: pd.DataFrame, *, file: str, first_row: int = 1, places: PlaceNames | None = None) -> Converted:
    """A GDELT events table (strings, the codebook's column names) in the dataset's format."""
    places = places or PlaceNames()
    get = functools.partial(cells, frame)
    problems = []
    ids = get("GLOBALEVENTID")
    problems += blank_problems(ids, "GLOBALEVENTID", file, first_row)
    root = get("EventRootCode").str.zfill(2).where(get("EventRootCode") != "", "")
    problems += code_problems(root, root.isin(list(ROOT_CODES)), "EventRootCode", file, first_row,
                              "the CAMEO root codes 01 to 20")
    problems += blank_problems(root, "EventRootCode", file, first_row)
    sqldate = get("SQLDATE")
    day = iso_days(sqldate, ("%Y%m%d",))
    for index in np.flatnonzero(day.isna().to_numpy() & (sqldate != "").to_numpy()):
        problems.append(problem_at(file, first_row, index, "SQLDATE",
                                   f"{sqldate.iloc[index]!r} is not a date (GDELT writes YYYYMMDD)"))
    problems += blank_problems(sqldate, "SQLDATE", file, first_row)
    geo = get("ActionGeo_Type")
    latitude, longitude = get("ActionGeo_Lat"), get("ActionGeo_Long")
    unplaced = (geo.isin(["", "0"]) | (latitude == "") | (longitude == "")).to_numpy()
    for index in np.flatnonzero(unplaced):
        problems.append(problem_at(file, first_row, index, "ActionGeo_Type",
                                   "no action location (ActionGeo_Type 0 or no coordinates): the event cannot be "
                                   "placed on the map"))
    problems += code_problems(geo, geo.isin([*GEO_TYPES, "0"]), "ActionGeo_Type", file, first_row,
                              "0 (none), 1 (country), 2 (US state), 3 (US city), 4 (city), 5 (first-order division)")
    precision = per_unique(geo, lambda g: str(GEO_TYPES[g][0]) if g in GEO_TYPES else "")
    coord_source = per_unique(geo, lambda g: f"GDELT's ActionGeo coordinates (ActionGeo_Type {g}: "
                              f"{GEO_TYPES[g][1]})" if g in GEO_TYPES else "")
    place_country = per_unique(get("ActionGeo_CountryCode"), lambda c: FIPS_TO_ISO3.get(c, ""))
    full_name = get("ActionGeo_FullName")
    names = places.names(full_name.where(full_name != "", latitude + ", " + longitude), latitude, longitude,
                         precision, place_country, coord_source)
    label = per_unique(root, lambda r: ROOT_CODES[r][0] if r in ROOT_CODES else "")
    actor1 = get("Actor1Name").where(get("Actor1Name") != "", get("Actor1Code"))
    actor2 = get("Actor2Name").where(get("Actor2Name") != "", get("Actor2Code"))
    title = label.where(actor1 == "", label + ": " + actor1)
    title = title.where(actor2 == "", title + " → " + actor2)
    title = title.where(full_name == "", title + " in " + full_name)
    url = get("SOURCEURL")
    host = _hosts(url)
    table = table_frame(frame.index, {
        "event_id": event_ids("gdelt", ids), "title": title,
        "event_type": per_unique(root + "|" + get("EventBaseCode"), _event_type),
        "start_date": day_text(day), "end_date": day_text(day), "date_precision": DatePrecision.DAY.value,
        "date_basis": TABLE_BASIS,
        "date_note": "GDELT's SQLDATE: the day the event took place, as machine-coded from the report.",
        "place": names, "latitude": latitude, "longitude": longitude, "location_precision": precision,
        "place_country": place_country, "coord_source": coord_source,
        "participants": join_items([get("Actor1CountryCode"), get("Actor2CountryCode")],
                                   lambda c: iso3_or_none(CAMEO_RENAMED.get(c, c))),
        "sources": host, "quote": "", "seed": seed_of(ExternalSource.GDELT),
        "notes": _notes(ids, get("EventCode"), get("GoldsteinScale"), get("NumArticles"), get("AvgTone")),
        "url": url,
    }, extra=("url",))
    return Converted(table, problems, bad_rows(len(frame), problems, first_row))


def _hosts(urls: pd.Series) -> pd.Series:
    """The host of each URL, lower case, without "www." ("" where none): Arrow's regex engine, as URLs are
    distinct per row and pandas' extract runs Python per cell."""
    import pyarrow as pa
    import pyarrow.compute as pc

    matches = pc.extract_regex(pa.array(urls.to_numpy(dtype=object), type=pa.string()),
                               r"^[A-Za-z][A-Za-z0-9+.-]*://(?:www\.)?(?P<host>[^/:?#]+)")
    hosts = pc.utf8_lower(pc.fill_null(pc.struct_field(matches, [0]), ""))
    return pd.Series(hosts.to_numpy(zero_copy_only=False), index=urls.index, dtype="str").fillna("")


def _event_type(key: str) -> str:
    root, _, base = key.partition("|")
    if root not in ROOT_CODES:
        return ""
    return BASE_CODES.get(base[:3], ROOT_CODES[root][1]).value if root in ("04", "05") else ROOT_CODES[root][1].value


def _notes(ids: pd.Series, code: pd.Series, goldstein: pd.Series, articles: pd.Series, tone: pd.Series) -> pd.Series:
    notes = "GDELT " + ids + ": machine-coded from news reports"
    notes = notes.where(code == "", notes + "; CAMEO event code " + code)
    notes = notes.where(goldstein == "", notes + "; Goldstein scale " + goldstein)
    notes = notes.where(articles == "", notes + "; " + articles + " articles")
    notes = notes.where(tone == "", notes + "; average tone " + tone)
    return notes + "."


GDELT = Layout(
    source=ExternalSource.GDELT, title="GDELT events file", columns=COLUMNS, required=REQUIRED,
    origins={"event_id": "GLOBALEVENTID", "title": "EventRootCode", "event_type": "EventRootCode",
             "start_date": "SQLDATE", "end_date": "SQLDATE", "date_precision": "SQLDATE",
             "place": "ActionGeo_FullName", "latitude": "ActionGeo_Lat", "longitude": "ActionGeo_Long",
             "location_precision": "ActionGeo_Type", "place_country": "ActionGeo_CountryCode",
             "country": "ActionGeo_CountryCode", "coord_source": "ActionGeo_Type",
             "participants": "Actor1CountryCode", "sources": "SOURCEURL", "url": "SOURCEURL"},
    convert=convert, header=False, extra=("url",),
)
