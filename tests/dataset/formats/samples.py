"""Small files in each published layout, written by the tests (no network), and large synthetic ones for timing.

The rows are made up but shaped as the codebooks publish them: the columns in their order, codes as the datasets
write them (ACLED's "15 April 2023" dates from its export tool, UCDP's "2023-04-15 00:00:00.000", GDELT's YYYYMMDD
and tab-separated lines without a header).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.dataset.formats.acled import COLUMNS as ACLED_COLUMNS
from dashboard.dataset.formats.gdelt import COLUMNS as GDELT_COLUMNS
from dashboard.dataset.formats.ucdp import COLUMNS as UCDP_COLUMNS

ACLED_ROWS = [
    # a battle between Sudan's army and the RSF, day precision, town precision
    {"event_id_cnty": "SUD12345", "event_date": "15 April 2023", "year": "2023", "time_precision": "1",
     "disorder_type": "Political violence", "event_type": "Battles", "sub_event_type": "Armed clash",
     "actor1": "Military Forces of Sudan (2019-)", "assoc_actor_1": "", "inter1": "1",
     "actor2": "Rapid Support Forces", "assoc_actor_2": "", "inter2": "2", "interaction": "12",
     "civilian_targeting": "", "iso": "729", "region": "Northern Africa", "country": "Sudan",
     "admin1": "Khartoum", "admin2": "Khartoum", "admin3": "", "location": "Khartoum", "latitude": "15.5518",
     "longitude": "32.5324", "geo_precision": "1", "source": "Sudan Tribune; Radio Dabanga",
     "source_scale": "National", "notes": "On 15 April 2023, SAF and RSF clashed in Khartoum.",
     "fatalities": "10", "tags": "", "timestamp": "1681900000"},
    # a protest, week precision, near a place: our type "other"; participants from "Protesters (Kenya)"
    {"event_id_cnty": "KEN999", "event_date": "2023-03-20", "year": "2023", "time_precision": "2",
     "disorder_type": "Demonstrations", "event_type": "Protests", "sub_event_type": "Peaceful protest",
     "actor1": "Protesters (Kenya)", "assoc_actor_1": "Labour Group (Kenya); Students (Kenya)", "inter1": "6",
     "actor2": "", "assoc_actor_2": "", "inter2": "0", "interaction": "60", "civilian_targeting": "",
     "iso": "404", "region": "Eastern Africa", "country": "Kenya", "admin1": "Nairobi", "admin2": "", "admin3": "",
     "location": "Nairobi", "latitude": "-1.2833", "longitude": "36.8167", "geo_precision": "2",
     "source": "Nation (Kenya)", "source_scale": "National", "notes": "Around 20 March 2023, protesters marched.",
     "fatalities": "0", "tags": "crowd size=no report", "timestamp": "1681900001"},
    # an agreement, month precision, region precision
    {"event_id_cnty": "SUD12346", "event_date": "15 May 2023", "year": "2023", "time_precision": "3",
     "disorder_type": "Strategic developments", "event_type": "Strategic developments", "sub_event_type": "Agreement",
     "actor1": "Military Forces of Sudan (2019-)", "assoc_actor_1": "", "inter1": "1",
     "actor2": "Government of Saudi Arabia (2015-)", "assoc_actor_2": "", "inter2": "8", "interaction": "18",
     "civilian_targeting": "", "iso": "729", "region": "Northern Africa", "country": "Sudan",
     "admin1": "Red Sea", "admin2": "", "admin3": "", "location": "Port Sudan", "latitude": "19.6158",
     "longitude": "37.2164", "geo_precision": "3", "source": "Reuters", "source_scale": "International",
     "notes": "In May 2023, a ceasefire was agreed.", "fatalities": "0", "tags": "", "timestamp": "1681900002"},
    # bad: unknown date
    {"event_id_cnty": "SUD1", "event_date": "31 Febtember 2023", "time_precision": "1", "event_type": "Battles",
     "actor1": "Rapid Support Forces", "iso": "729", "country": "Sudan", "location": "Omdurman",
     "latitude": "15.64", "longitude": "32.48", "geo_precision": "1"},
    # bad: latitude out of range
    {"event_id_cnty": "SUD2", "event_date": "2023-04-16", "time_precision": "1", "event_type": "Battles",
     "actor1": "Rapid Support Forces", "iso": "729", "country": "Sudan", "location": "Nowhere",
     "latitude": "95.0", "longitude": "32.48", "geo_precision": "1"},
    # bad: an event type ACLED does not have
    {"event_id_cnty": "SUD3", "event_date": "2023-04-17", "time_precision": "1", "event_type": "Picnics",
     "actor1": "Rapid Support Forces", "iso": "729", "country": "Sudan", "location": "Omdurman",
     "latitude": "15.64", "longitude": "32.48", "geo_precision": "1"},
]

UCDP_ROWS = [
    {"id": "500001", "relid": "SUD-2023-1-1", "year": "2023", "active_year": "1", "code_status": "Clear",
     "type_of_violence": "1", "conflict_new_id": "309", "conflict_name": "Sudan: Government",
     "dyad_new_id": "15000", "dyad_name": "Government of Sudan - RSF", "side_a_new_id": "116", "gwnoa": "625",
     "side_a": "Government of Sudan", "side_b_new_id": "7000", "gwnob": "", "side_b": "RSF",
     "number_of_sources": "2", "source_article": "Reuters,2023-04-16,\"Fighting in Khartoum\"",
     "source_office": "Reuters;AFP", "source_date": "2023-04-16", "source_headline": "Fighting in Khartoum",
     "source_original": "", "where_prec": "1", "where_coordinates": "Khartoum town",
     "where_description": "Khartoum", "adm_1": "Khartoum state", "adm_2": "", "latitude": "15.5518",
     "longitude": "32.5324", "geom_wkt": "POINT (32.5324 15.5518)", "priogrid_gid": "150000",
     "country": "Sudan", "country_id": "625", "region": "Africa", "event_clarity": "1", "date_prec": "1",
     "date_start": "2023-04-15 00:00:00.000", "date_end": "2023-04-15 00:00:00.000", "deaths_a": "5",
     "deaths_b": "7", "deaths_civilians": "3", "deaths_unknown": "0", "best": "15", "high": "20", "low": "12"},
    # an interstate event (two G-W numbers on side A), a month, province precision
    {"id": "500002", "relid": "UKR-2022-1-1", "year": "2022", "type_of_violence": "1", "gwnoa": "365",
     "side_a": "Government of Russia (Soviet Union)", "gwnob": "369", "side_b": "Government of Ukraine",
     "source_office": "BBC Monitoring", "source_headline": "", "where_prec": "4",
     "where_coordinates": "Donetsk province", "adm_1": "Donetsk", "latitude": "48.0", "longitude": "37.8",
     "country": "Ukraine", "country_id": "369", "date_prec": "4", "date_start": "2022-06-01 00:00:00.000",
     "date_end": "2022-06-30 00:00:00.000", "best": "40", "low": "30", "high": "50"},
    # one-sided violence, a span of days, sea
    {"id": "500003", "relid": "X-1", "year": "2021", "type_of_violence": "3", "gwnoa": "",
     "side_a": "IS", "gwnob": "", "side_b": "Civilians", "source_office": "", "where_prec": "7",
     "where_coordinates": "Mediterranean Sea", "latitude": "34.0", "longitude": "18.0", "country": "Libya",
     "country_id": "620", "date_prec": "2", "date_start": "2021-01-03 00:00:00.000",
     "date_end": "2021-01-06 00:00:00.000", "best": "4"},
    # bad: unknown date
    {"id": "500004", "type_of_violence": "2", "side_a": "A", "side_b": "B", "where_prec": "1", "latitude": "1",
     "longitude": "1", "country": "Sudan", "country_id": "625", "date_prec": "1", "date_start": "sometime",
     "date_end": "2023-01-01"},
    # bad: latitude out of range
    {"id": "500005", "type_of_violence": "2", "side_a": "A", "side_b": "B", "where_prec": "1", "latitude": "-91",
     "longitude": "1", "country": "Sudan", "country_id": "625", "date_prec": "1", "date_start": "2023-01-01",
     "date_end": "2023-01-01"},
    # bad: a type of violence UCDP does not have
    {"id": "500006", "type_of_violence": "4", "side_a": "A", "side_b": "B", "where_prec": "1", "latitude": "1",
     "longitude": "1", "country": "Sudan", "country_id": "625", "date_prec": "1", "date_start": "2023-01-01",
     "date_end": "2023-01-01"},
]


def _gdelt(**values: str) -> dict[str, str]:
    row = dict.fromkeys(GDELT_COLUMNS, "")
    row.update(values)
    return row


GDELT_ROWS = [
    # a fight, Russia against Ukraine, at a city
    _gdelt(GLOBALEVENTID="1100000001", SQLDATE="20230415", MonthYear="202304", Year="2023",
           FractionDate="2023.2877", Actor1Code="RUSMIL", Actor1Name="RUSSIA", Actor1CountryCode="RUS",
           Actor2Code="UKR", Actor2Name="UKRAINE", Actor2CountryCode="UKR", IsRootEvent="1", EventCode="190",
           EventBaseCode="190", EventRootCode="19", QuadClass="4", GoldsteinScale="-10.0", NumMentions="10",
           NumSources="2", NumArticles="10", AvgTone="-5.2", ActionGeo_Type="4",
           ActionGeo_FullName="Kharkiv, Kharkivs'ka Oblast', Ukraine", ActionGeo_CountryCode="UP",
           ActionGeo_ADM1Code="UP07", ActionGeo_Lat="49.9808", ActionGeo_Long="36.2527", ActionGeo_FeatureID="-1",
           DATEADDED="20230415120000", SOURCEURL="https://www.example.org/news/kharkiv"),
    # a visit (042), a country-level location
    _gdelt(GLOBALEVENTID="1100000002", SQLDATE="20230416", EventCode="042", EventBaseCode="042",
           EventRootCode="04", Actor1Name="FRANCE", Actor1CountryCode="FRA", Actor2Name="CHINA",
           Actor2CountryCode="CHN", ActionGeo_Type="1", ActionGeo_FullName="China", ActionGeo_CountryCode="CH",
           ActionGeo_Lat="35", ActionGeo_Long="105", SOURCEURL="http://news.example.com/visit"),
    # a statement, Romania by CAMEO's old code; a first-order division
    _gdelt(GLOBALEVENTID="1100000003", SQLDATE="20230417", EventCode="010", EventBaseCode="010",
           EventRootCode="01", Actor1Name="ROMANIA", Actor1CountryCode="ROM", Actor2Code="AFR",
           ActionGeo_Type="5", ActionGeo_FullName="Cluj, Romania", ActionGeo_CountryCode="RO",
           ActionGeo_Lat="46.77", ActionGeo_Long="23.6", SOURCEURL="https://example.ro/a"),
    # bad: unknown date
    _gdelt(GLOBALEVENTID="1100000004", SQLDATE="20231345", EventRootCode="19", ActionGeo_Type="4",
           ActionGeo_FullName="Kyiv, Ukraine", ActionGeo_CountryCode="UP", ActionGeo_Lat="50.45",
           ActionGeo_Long="30.52"),
    # bad: latitude out of range
    _gdelt(GLOBALEVENTID="1100000005", SQLDATE="20230418", EventRootCode="19", ActionGeo_Type="4",
           ActionGeo_FullName="Atlantis", ActionGeo_CountryCode="UP", ActionGeo_Lat="123.4",
           ActionGeo_Long="30.52"),
    # bad: a CAMEO root code that does not exist
    _gdelt(GLOBALEVENTID="1100000006", SQLDATE="20230418", EventRootCode="99", ActionGeo_Type="4",
           ActionGeo_FullName="Kyiv, Ukraine", ActionGeo_CountryCode="UP", ActionGeo_Lat="50.45",
           ActionGeo_Long="30.52"),
    # bad: no action location
    _gdelt(GLOBALEVENTID="1100000007", SQLDATE="20230418", EventRootCode="19", ActionGeo_Type="0"),
]


def _frame(rows: list[dict[str, str]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows], columns=list(columns))


def write_acled(path: Path, rows: list[dict[str, str]] = ACLED_ROWS) -> Path:
    _frame(rows, ACLED_COLUMNS).to_csv(path, index=False)
    return path


def write_acled_xlsx(path: Path, rows: list[dict[str, str]] = ACLED_ROWS) -> Path:
    _frame(rows, ACLED_COLUMNS).to_excel(path, index=False, engine="openpyxl")
    return path


def write_ucdp(path: Path, rows: list[dict[str, str]] = UCDP_ROWS) -> Path:
    _frame(rows, UCDP_COLUMNS).to_csv(path, index=False)
    return path


def gdelt_text(rows: list[dict[str, str]] = GDELT_ROWS) -> str:
    return "".join("\t".join(row[c] for c in GDELT_COLUMNS) + "\n" for row in rows)


def write_gdelt(path: Path, rows: list[dict[str, str]] = GDELT_ROWS) -> Path:
    path.write_text(gdelt_text(rows), encoding="utf-8")
    return path


def write_gdelt_zip(path: Path, rows: list[dict[str, str]] = GDELT_ROWS) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(path.name.removesuffix(".zip"), gdelt_text(rows))
    return path


# ---------------------------------------------------------------- large synthetic files, for timing


def synthetic(layout: str, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` valid rows in a layout, varied (a few thousand places, dates over ten years, every type), built with
    numpy."""
    rng = np.random.default_rng(seed)
    places = 5_000
    place = rng.integers(0, places, n)
    lat = np.round(rng.uniform(-60, 70, places), 4)[place].astype(str)
    lon = np.round(rng.uniform(-170, 170, places), 4)[place].astype(str)
    day = np.datetime64("2014-01-01") + rng.integers(0, 3650, n).astype("timedelta64[D]")
    ids = np.arange(1, n + 1).astype(str)
    name = np.char.add("Town ", place.astype(str))
    if layout == "acled":
        kinds = np.array(["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
                          "Strategic developments"])
        countries = np.array([("729", "Sudan"), ("404", "Kenya"), ("804", "Ukraine"), ("566", "Nigeria")])
        c = countries[place % 4]
        frame = pd.DataFrame({
            "event_id_cnty": np.char.add("EVT", ids), "event_date": np.datetime_as_string(day),
            "year": day.astype("datetime64[Y]").astype(str), "time_precision": rng.integers(1, 4, n).astype(str),
            "event_type": kinds[rng.integers(0, 6, n)], "sub_event_type": "Armed clash",
            "actor1": np.char.add("Military Forces of ", c[:, 1]), "actor2": "Rebels", "iso": c[:, 0],
            "country": c[:, 1], "location": name, "latitude": lat, "longitude": lon,
            "geo_precision": rng.integers(1, 4, n).astype(str), "source": "Reuters; AFP",
            "notes": np.char.add("Coder's notes for event ", ids), "fatalities": rng.integers(0, 9, n).astype(str)})
        return frame.reindex(columns=list(ACLED_COLUMNS), fill_value="")
    if layout == "ucdp":
        dates = np.char.add(np.datetime_as_string(day), " 00:00:00.000")
        frame = pd.DataFrame({
            "id": ids, "relid": ids, "type_of_violence": rng.integers(1, 4, n).astype(str), "gwnoa": "625",
            "side_a": "Government of Sudan", "gwnob": "", "side_b": "RSF", "where_prec": rng.integers(1, 8, n)
            .astype(str), "where_coordinates": name, "latitude": lat, "longitude": lon, "country": "Sudan",
            "country_id": "625", "date_prec": "1", "date_start": dates, "date_end": dates,
            "source_office": "Reuters", "source_headline": np.char.add("Headline ", ids), "best": "3"})
        return frame.reindex(columns=list(UCDP_COLUMNS), fill_value="")
    roots = np.array([f"{r:02d}" for r in range(1, 21)])
    frame = pd.DataFrame({
        "GLOBALEVENTID": ids, "SQLDATE": np.char.replace(np.datetime_as_string(day), "-", ""),
        "Actor1Name": "RUSSIA", "Actor1CountryCode": "RUS", "Actor2Name": "UKRAINE", "Actor2CountryCode": "UKR",
        "EventRootCode": roots[rng.integers(0, 20, n)], "EventCode": "190", "EventBaseCode": "190",
        "ActionGeo_Type": rng.integers(1, 6, n).astype(str), "ActionGeo_FullName": np.char.add(name, ", Ukraine"),
        "ActionGeo_CountryCode": "UP", "ActionGeo_Lat": lat, "ActionGeo_Long": lon,
        "SOURCEURL": np.char.add("https://news.example.com/story/", ids)})
    return frame.reindex(columns=list(GDELT_COLUMNS), fill_value="")


def write_synthetic(layout: str, n: int, folder: Path) -> Path:
    frame = synthetic(layout, n)
    if layout == "gdelt":
        path = folder / "synthetic.export.CSV"
        frame.to_csv(path, sep="\t", header=False, index=False, quoting=csv.QUOTE_NONE)
        return path
    path = folder / f"synthetic-{layout}.csv"
    frame.to_csv(path, index=False)
    return path


__all__ = ["ACLED_ROWS", "GDELT_ROWS", "UCDP_ROWS", "gdelt_text", "io", "synthetic", "write_acled",
           "write_acled_xlsx", "write_gdelt", "write_gdelt_zip", "write_synthetic", "write_ucdp"]
