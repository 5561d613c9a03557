"""Any table in: column guesses, the mapping applied with honest defaults, dates at their precision, mappings read
from the command line and from files with errors that name what to fix, and the template."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard.dataset.columns import (
    FIELDS,
    PLACEHOLDER_NOTE,
    ColumnMapping,
    MappingError,
    apply_mapping,
    check_mapping,
    guess_mapping,
    lacks_dataset_columns,
    needs_mapping,
    parse_mapping_spec,
    read_mapping_file,
    template_csv,
)
from dashboard.dataset.ingest import ingest_bytes, ingest_path
from dashboard.dataset.schema import EVENT_ID_PATTERN, LOADED_COLUMNS
from dashboard.paths import SEEDS_DIR

CORPUS = Path(__file__).parents[1] / "corpus"
PLAIN = CORPUS / "plain_table.csv"  # 20 rows of title,date,lat,lon


def table(**columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns, dtype="str")


def mapped(frame: pd.DataFrame, *, seed_given: bool = True, **fields: str) -> pd.DataFrame:
    mapping = ColumnMapping(**fields) if fields else guess_mapping(frame.columns)
    check_mapping(mapping, frame.columns, file="t.csv")
    return apply_mapping(frame, mapping, seed_given=seed_given)


# ---------------------------------------------------------------- guesses

DATASET_COLUMNS = [c for c in LOADED_COLUMNS]


@pytest.mark.parametrize(("columns", "expected"), [
    (["title", "date", "lat", "lon"], "title=title, date=date, latitude=lat, longitude=lon"),
    # case, spaces, hyphens and underscores do not matter
    (["Headline", "Event Date", "LATITUDE", "Longitude "], "title=Headline, date=Event Date, latitude=LATITUDE, "
                                                           "longitude=Longitude"),
    (["name", "event-date", "LAT", "LNG"], "title=name, date=event-date, latitude=LAT, longitude=LNG"),
    # x and y are coordinates only as a pair
    (["name", "day", "y", "x"], "title=name, date=day, latitude=y, longitude=x"),
    (["name", "day", "y"], "title=name, date=day"),
    # a start and an end; a city and a country code
    (["Title", "Start", "End", "City", "Country Code"], "title=Title, start_date=Start, end_date=End, place=City, "
                                                         "country=Country Code"),
    # a start makes the date column no date of the event's (each column gives one field)
    (["title", "date", "start_date", "lat", "lon"], "title=title, start_date=start_date, latitude=lat, "
                                                    "longitude=lon"),
    # description is the title only when nothing better is there; else the notes
    (["title", "description", "date", "location"], "title=title, date=date, place=location, notes=description"),
    (["description", "date", "location"], "title=description, date=date, place=location"),
    (["headline", "date", "place", "outlet", "comment", "link", "type"],
     "title=headline, date=date, place=place, event_type=type, sources=outlet, notes=comment, url=link"),
    # the dataset's own columns map to themselves
    (DATASET_COLUMNS, ", ".join(f"{f}={'place_country' if f == 'country' else f}" for f in FIELDS
                                if f not in ("date", "url"))),
    ([], "(nothing mapped)"),
])
def test_guess_mapping(columns, expected):
    assert guess_mapping(columns).describe() == expected


def test_a_column_is_guessed_for_one_field_only():
    mapping = guess_mapping(["event", "date", "location", "where"])
    assert mapping.title == "event" and mapping.place == "location"
    assert len({column for _, column in mapping.pairs()}) == len(mapping.pairs())


@pytest.mark.parametrize(("columns", "lacks", "needs"), [
    (DATASET_COLUMNS, False, False),
    ([c for c in DATASET_COLUMNS if c != "quote"], True, False),  # the dataset's, a column missing: said so
    (["title", "date", "lat", "lon"], True, True),
    (["title", "start_date", "end_date", "place", "notes"], True, True),  # some of ours, but mostly another format
])
def test_which_tables_need_a_mapping(columns, lacks, needs):
    assert (lacks_dataset_columns(columns), needs_mapping(columns)) == (lacks, needs)


# ---------------------------------------------------------------- applying a mapping: the defaults


def test_a_plain_table_gets_honest_defaults():
    frame = pd.read_csv(PLAIN, dtype=str, keep_default_na=False)
    out = mapped(frame)
    assert list(out.columns) == LOADED_COLUMNS and len(out) == 20
    first = out.iloc[0]
    assert first["event_id"] == "meeting-1-in-paris-1"
    assert (first["start_date"], first["end_date"], first["date_precision"]) == ("2023-01-01", "2023-01-01", "day")
    assert first["date_basis"] == "table"  # no article quoted: the table vouches for it
    assert first["date_note"] == "Dates from the uploaded table (column 'date')."
    assert (first["place"], first["latitude"], first["longitude"]) == ("48.8566, 2.3522", "48.8566", "2.3522")
    assert first["location_precision"] == "1" and first["place_country"] == ""
    assert first["coord_source"] == "from the uploaded table (columns 'lat' and 'lon')"
    assert (first["quote"], first["seed"], first["participants"], first["sources"]) == ("", "", "", "")
    assert first["event_type"] == "other" and first["notes"] == PLACEHOLDER_NOTE
    assert out["event_id"].is_unique and out["event_id"].str.fullmatch(EVENT_ID_PATTERN.pattern).all()


def test_the_plain_table_loads_with_no_problem():
    result = ingest_path(PLAIN, seeds=SEEDS_DIR, guess=True)
    assert result.valid and len(result.events) == 20 and result.mapping.describe() == \
        "title=title, date=date, latitude=lat, longitude=lon"
    assert set(result.events["date_basis"]) == {"table"} and set(result.events["location_precision"]) == {1}


@pytest.mark.parametrize(("cell", "start", "end", "precision"), [
    ("2022-08-30", "2022-08-30", "2022-08-30", "day"),
    ("2022-08", "2022-08-01", "2022-08-31", "month"),  # the whole month
    ("2024-02", "2024-02-01", "2024-02-29", "month"),  # a leap year's February
    ("1900-02", "1900-02-01", "1900-02-28", "month"),  # a century is no leap year…
    ("2000-02", "2000-02-01", "2000-02-29", "month"),  # …unless it is a fourth one
    ("2022", "2022-01-01", "2022-12-31", "year"),  # the whole year
    ("2022-08-30T10:15:00Z", "2022-08-30", "2022-08-30", "day"),  # a time: its day
    ("2022-08-30 10:15", "2022-08-30", "2022-08-30", "day"),
    ("2022/8/3", "2022-08-03", "2022-08-03", "day"),  # year first is unambiguous
    (" 2022-08 ", "2022-08-01", "2022-08-31", "month"),  # spaces around
    # kept as written, for the validator to name: ambiguous, impossible or no date at all
    ("30/08/2022", "30/08/2022", "30/08/2022", "day"),
    ("2022-13", "2022-13", "2022-13", "day"),
    ("2022-02-30", "2022-02-30", "2022-02-30", "day"),
    ("last week", "last week", "last week", "day"),
])
def test_one_date_gives_start_end_and_precision(cell, start, end, precision):
    out = mapped(table(t=["x"], d=[cell], la=["1"], lo=["2"]), title="t", date="d", latitude="la", longitude="lo")
    assert (out.loc[0, "start_date"], out.loc[0, "end_date"], out.loc[0, "date_precision"]) == (start, end, precision)


def test_start_and_end_take_the_coarser_precision():
    out = mapped(table(t=["a", "b", "c"], s=["2022-08", "2022-08-30", "2022"], e=["2022-09-15", "", "x"],
                       la=["1"] * 3, lo=["2"] * 3),
                 title="t", start_date="s", end_date="e", latitude="la", longitude="lo")
    assert list(out["start_date"]) == ["2022-08-01", "2022-08-30", "2022-01-01"]
    assert list(out["end_date"]) == ["2022-09-15", "2022-08-30", "x"]  # a blank end is the start's
    assert list(out["date_precision"]) == ["month", "day", "year"]


def test_the_date_basis_is_article_only_for_rows_quoting_a_given_seed():
    frame = table(t=["a", "b"], d=["2022-08-30"] * 2, p=["Kyiv"] * 2, q=["a quote", ""],
                  s=["000_0441dc0ab698eb74.txt"] * 2)
    fields = {"title": "t", "date": "d", "place": "p", "quote": "q", "seed": "s"}
    assert list(mapped(frame, **fields)["date_basis"]) == ["article", "table"]
    assert list(mapped(frame, seed_given=False, **fields)["date_basis"]) == ["table", "table"]
    assert list(mapped(frame, **{k: v for k, v in fields.items() if k != "seed"})["date_basis"]) == ["table"] * 2


def test_a_place_name_alone_is_left_to_the_gazetteer():
    out = mapped(table(t=["a"], d=["2022"], c=["Lviv"]), title="t", date="d", place="c")
    assert (out.loc[0, "place"], out.loc[0, "latitude"], out.loc[0, "location_precision"],
            out.loc[0, "coord_source"]) == ("Lviv", "", "", "")
    result = ingest_bytes(b"t,d,c\nVisit,2022-06,Lviv\n", "names.csv", seeds=SEEDS_DIR,
                          mapping=ColumnMapping(title="t", date="d", place="c"))
    assert result.valid and result.events.loc[0, "place_country"] == "UKR"
    assert result.events.loc[0, "coord_source"].startswith("offline gazetteer: ")


def test_names_and_codes_become_iso3_where_certain():
    out = mapped(table(t=["a", "b", "c"], d=["2022"] * 3, la=["1"] * 3, lo=["2"] * 3, c=["France", "de", "Narnia"],
                       p=["Russia, China", "us;GBR", "RUS;Mordor"]),
                 title="t", date="d", latitude="la", longitude="lo", country="c", participants="p")
    assert list(out["place_country"]) == ["FRA", "DEU", "Narnia"]  # unknown: kept, for the validator to name
    assert list(out["participants"]) == ["RUS;CHN", "USA;GBR", "RUS;Mordor"]


def test_event_types_read_from_a_column_or_guessed_from_the_title():
    out = mapped(table(t=["Joint drills off Taiwan", "Leaders signed a treaty", "Storm in Oslo", "x", "y"],
                       k=["", "", "", "Military exercise", "parade"], d=["2022"] * 5, la=["1"] * 5, lo=["2"] * 5,
                       n=["note", "", "", "", ""]),
                 title="t", event_type="k", date="d", latitude="la", longitude="lo", notes="n")
    assert list(out["event_type"]) == ["military_exercise", "diplomatic_agreement", "other",
                                       "military_exercise", "parade"]
    assert list(out["notes"]) == ["note Event type guessed from 'drill' in the title.",
                                  "Event type guessed from 'signed' in the title.", PLACEHOLDER_NOTE, "", ""]


def test_event_ids_are_slugs_unique_and_short():
    titles = ["Élection à Montréal", "北京会议", "x" * 300, "Élection à Montréal"]
    out = mapped(table(t=titles, d=["2022"] * 4, la=["1"] * 4, lo=["2"] * 4), title="t", date="d", latitude="la",
                 longitude="lo")
    assert list(out["event_id"][[0, 1, 3]]) == ["election-a-montreal-1", "event-2", "election-a-montreal-4"]
    assert out["event_id"].str.fullmatch(EVENT_ID_PATTERN.pattern).all()
    given = mapped(table(t=["a", "b"], i=["E 001", ""], d=["2022"] * 2, la=["1"] * 2, lo=["2"] * 2),
                   title="t", event_id="i", date="d", latitude="la", longitude="lo")
    assert list(given["event_id"]) == ["e-001", "b-2"]


def test_the_url_and_unmapped_columns_are_kept():
    out = mapped(table(t=["a"], d=["2022"], la=["1"], lo=["2"], link=["https://example.org"], analyst=["me"]),
                 title="t", date="d", latitude="la", longitude="lo", url="link")
    assert list(out.columns) == [*LOADED_COLUMNS, "url", "analyst"]
    assert (out.loc[0, "url"], out.loc[0, "analyst"]) == ("https://example.org", "me")


def test_rows_keep_their_numbers_and_problems_name_the_table_s_columns():
    result = ingest_path(CORPUS / "mapped_garbage.csv", seeds=SEEDS_DIR, guess=True)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (1, "When", "'30/08/2022' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
        (2, "Lat", "'north' is not a number"),
        (2, "When", "'2022-13' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
        (4, "Lon", "999 is outside [-180, 180]"),
        (5, "Lon", "'24,75' uses a comma as decimal separator (write a dot: 45.5)"),
    ]
    assert list(result.events["title"]) == ["Summit in Vilnius"]


def test_blank_coordinates_without_a_place_column_are_said_once_per_column():
    result = ingest_bytes(b"title,date,lat,lon\nSomewhere,2022,,\n", "blank.csv", seeds=SEEDS_DIR, guess=True)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (1, "lat", "value is required"), (1, "lon", "value is required")]


# ---------------------------------------------------------------- reading and checking mappings


def test_parse_mapping_spec():
    mapping = parse_mapping_spec('title=Headline, date=Date,lat=Y,lon=X,"notes=Remarks, long",url=')
    assert mapping.pairs() == (("title", "Headline"), ("date", "Date"), ("latitude", "Y"), ("longitude", "X"),
                               ("notes", "Remarks, long"))
    assert mapping.url == "" and mapping.origin == "--map"  # "" is no column, on purpose


@pytest.mark.parametrize(("spec", "message"), [
    ("titel=Headline", "--map item 1: unknown field 'titel' (fields: title, date,"),
    ("title=A,title=B", "--map item 2: field 'title' is mapped twice"),
    ("title=A,start=B,start_date=C", "--map item 3: field 'start_date' is mapped twice"),  # an alias is its field
    ("title", "--map: 'title' is not FIELD=COLUMN"),
])
def test_bad_specs_are_refused_naming_the_item(spec, message):
    with pytest.raises(MappingError) as caught:
        parse_mapping_spec(spec)
    assert any(m.startswith(message) for m in caught.value.messages), caught.value.messages


def test_read_mapping_file_json_and_csv(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps({"title": "Headline", "date": "Date", "notes": None}))
    assert read_mapping_file(tmp_path / "m.json").pairs() == (("title", "Headline"), ("date", "Date"))
    (tmp_path / "m.csv").write_text("field,column\ntitle,Headline\n\nlatitude,Y\n")
    (tmp_path / "bare.csv").write_text("title,Headline\n")  # the header row is optional
    assert read_mapping_file(tmp_path / "m.csv").pairs() == (("title", "Headline"), ("latitude", "Y"))
    assert read_mapping_file(tmp_path / "bare.csv").origin == str(tmp_path / "bare.csv")


@pytest.mark.parametrize(("name", "text", "message"), [
    ("m.csv", "field,column\ntitle,A\nheadline,B\n", "m.csv line 3: unknown field 'headline'"),
    ("m.csv", "title,A,B\n", "m.csv line 1: expected two cells, field and column; found 3"),
    ("m.json", '{"title": "A", "title": "B"}', "m.json key 'title': field 'title' is mapped twice"),
    ("m.json", '{"title": 3}', "m.json: the column for 'title' must be text or null"),
    ("m.json", '["title", "A"]', "m.json: the mapping must be one JSON object of field: column"),
    ("m.json", '{"title": ', "m.json: not valid JSON"),
    ("missing.json", None, "missing.json: cannot read the mapping file (No such file or directory)"),
])
def test_bad_mapping_files_are_refused_naming_file_and_line(tmp_path, name, text, message):
    if text is not None:
        (tmp_path / name).write_text(text)
    with pytest.raises(MappingError) as caught:
        read_mapping_file(tmp_path / name)
    assert any(message in m for m in caught.value.messages), caught.value.messages


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": "Headline", "date": "date", "place": "title"}, "t.csv: no column 'Headline' for title (--map)"),
    ({"title": "Title", "date": "date", "place": "title"},
     "no column 'Title' for title (--map); did you mean 'title'?"),
    ({"title": "title", "place": "title"}, "t.csv: no column gives the date"),
    ({"title": "title", "date": "date", "start_date": "date", "place": "title"}, "map either date or start_date"),
    ({"title": "title", "date": "date", "latitude": "lat"}, "t.csv: map latitude and longitude together"),
    ({"title": "title", "date": "date"}, "t.csv: no column gives the place"),
    ({"date": "date", "place": "title"}, "t.csv: no column gives the title"),
])
def test_check_mapping_names_what_to_fix(fields, message):
    with pytest.raises(MappingError) as caught:
        check_mapping(ColumnMapping(**fields, origin="--map"), ["title", "date", "lat", "lon"], file="t.csv")
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert caught.value.messages[-1] == "t.csv: its columns are 'title', 'date', 'lat', 'lon'"


def test_a_mapping_naming_a_missing_column_is_refused_by_the_ingest():
    with pytest.raises(MappingError, match=r"plain_table.csv: no column 'Headline' for title \(--map\)"):
        ingest_path(PLAIN, seeds=SEEDS_DIR, mapping=parse_mapping_spec("title=Headline,date=date,lat=lat,lon=lon"))


def test_explicit_fields_win_and_the_rest_is_guessed():
    guessed = guess_mapping(["Headline", "Datum", "Y", "X", "Comment", "Notes2"])
    given = ColumnMapping(date="Datum", notes="", title="Comment")
    merged = given.with_guesses(guessed)
    assert merged.describe() == "title=Comment, date=Datum, latitude=Y, longitude=X"  # notes= keeps notes empty
    assert ColumnMapping(start_date="Datum").with_guesses(guess_mapping(["date", "title"])).date is None


# ---------------------------------------------------------------- the template


def test_the_template_is_the_dataset_s_format_and_loads_without_a_problem():
    text = template_csv()
    assert text.splitlines()[0].split(",") == LOADED_COLUMNS and len(text.splitlines()) == 2
    result = ingest_bytes(text.encode(), "events-template.csv", seeds=SEEDS_DIR)
    assert result.valid and len(result.events) == 1, result.problems
    assert not needs_mapping(pd.read_csv(io.StringIO(text)).columns)
