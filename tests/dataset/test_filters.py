"""filter_events: overlap semantics, inclusive ends, empty selections, no match, purity, and the text search with
place aliases on the bundled data (the search rule itself: tests/dataset/test_search.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from dashboard.dataset.search import SearchAliases, load_search_aliases


def frame(*rows: tuple) -> pd.DataFrame:
    """Events from (id, start, end, participants, place_country, type, sources, title) tuples."""
    columns = ["event_id", "start_date", "end_date", "participants", "place_country", "event_type", "sources",
               "title"]
    df = pd.DataFrame(rows, columns=columns)
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    for column in ("place", "quote", "notes"):
        df[column] = ""
    return df


EVENTS = frame(
    ("a", "2022-08-30", "2022-09-05", ("RUS", "CHN"), "RUS", "military_exercise", ("TASS",), "Vostok drills"),
    ("b", "2022-02-24", "2022-04-02", ("RUS", "UKR"), "UKR", "armed_conflict", (), "Kyiv offensive"),
    ("c", "2018-01-01", "2018-12-31", ("CHN", "RUS"), "RUS", "military_exercise", (), "Vostok 2018"),
    ("d", "2022-08-02", "2022-08-03", ("USA", "TWN"), "TWN", "diplomatic_visit", ("Reuters", "TASS"), "Visit"),
)


def ids(df: pd.DataFrame) -> list[str]:
    return sorted(df["event_id"])


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, None, ["a", "b", "c", "d"]),  # no range: everything
        ("2022-09-05", None, ["a"]),  # a range starting on an event's last day includes it
        ("2022-08-04", "2022-08-30", ["a"]),  # … and one ending on its first day
        (None, "2022-08-02", ["b", "c", "d"]),  # open start
        ("2022-09-01", "2022-09-02", ["a"]),  # a range inside an event
        ("2022-01-01", "2022-12-31", ["a", "b", "d"]),  # events inside a range
        ("2022-09-06", "2022-12-31", []),  # the day after the last event: nothing
        ("2018-06-01", "2018-06-01", ["c"]),  # a single day inside a year-long event
        (dt.date(2022, 8, 3), dt.date(2022, 8, 3), ["d"]),  # dates as date objects
    ],
)
def test_date_range_overlap(start, end, expected):
    assert ids(filter_events(EVENTS, start=start, end=end)) == expected


@pytest.mark.parametrize(
    ("countries", "expected"),
    [
        (["UKR"], ["b"]),  # participant and place country
        (["TWN"], ["d"]),
        (["CHN"], ["a", "c"]),  # participant only
        (["USA", "UKR"], ["b", "d"]),  # any of several
        ([], ["a", "b", "c", "d"]),  # empty selection: no restriction
        (["FRA"], []),
    ],
)
def test_countries_match_participants_or_place(countries, expected):
    assert ids(filter_events(EVENTS, countries=countries)) == expected


def test_place_country_alone_matches():
    df = frame(("e", "2022-01-01", "2022-01-01", ("CHN",), "TWN", "military_exercise", (), "Maneuvers"))
    assert ids(filter_events(df, countries=["TWN"])) == ["e"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"event_types": ["military_exercise"]}, ["a", "c"]),
        ({"event_types": ["armed_conflict", "diplomatic_visit"]}, ["b", "d"]),
        ({"event_types": set()}, ["a", "b", "c", "d"]),
        ({"sources": ["TASS"]}, ["a", "d"]),
        ({"sources": ["NBC News"]}, []),
        ({"text": "vostok"}, ["a", "c"]),  # case-insensitive
        ({"text": "  "}, ["a", "b", "c", "d"]),  # blank text: no restriction
        ({"text": "(drills"}, ["a"]),  # not a regular expression: the "(" is punctuation, ignored
        ({"text": "Vos"}, ["a", "c"]),  # a word prefix
        ({"text": "ostok"}, []),  # … not any substring
        ({"text": "2018 vostok"}, ["c"]),  # every word, in any order
        ({"text": "KYÏV"}, ["b"]),  # case and accents aside
        ({"countries": ["RUS"], "event_types": ["military_exercise"], "start": "2022-01-01"}, ["a"]),
    ],
)
def test_other_filters_and_their_combination(kwargs, expected):
    assert ids(filter_events(EVENTS, **kwargs)) == expected


def test_text_search_covers_title_place_quote_and_notes():
    events = load_events()
    assert "vostok-2022-sea-of-japan" in set(filter_events(events, text="sea of japan")["event_id"])  # place
    assert set(filter_events(events, text="50,000 troops")["event_id"]) == {"vostok-2022"}  # quote
    assert set(filter_events(events, text="Hostomel")["event_id"]) == {"kyiv-offensive-2022"}  # notes


@pytest.fixture(scope="module")
def aliases() -> SearchAliases:
    return load_search_aliases()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kiev", {"kyiv-offensive-2022"}),  # the English transliteration (aliases.csv and GeoNames)
        ("Kiew", {"kyiv-offensive-2022"}),  # the German one (GeoNames)
        ("Киев", {"kyiv-offensive-2022"}),  # the Russian one (GeoNames)
        ("kiev troops", {"kyiv-offensive-2022"}),  # an alias and another word
        ("Peking", {"china-mod-statement-2022", "no-limits-partnership", "russia-invades-ukraine-2022"}),  # Beijing
        ("East Sea", {"vostok-2022-sea-of-japan"}),  # a curated region's alias (regions.csv), two words
        ("U.S.", {"us-state-department-remarks"}),  # an abbreviation of the United States, which the title says
    ],
)
def test_aliases_find_the_places_other_names(aliases, text, expected):
    events = load_events()
    assert set(filter_events(events, text=text, aliases=aliases)["event_id"]) == expected


def test_without_aliases_only_the_words_count():
    assert filter_events(load_events(), text="Kiev").empty


def test_the_canonical_name_finds_a_text_that_uses_an_alias(aliases):
    df = frame(("k", "2022-03-01", "2022-03-01", ("UKR",), "UKR", "armed_conflict", (), "Shelling near Kiev"),
               ("p", "2022-03-01", "2022-03-01", ("CHN",), "CHN", "official_statement", (), "Statement in Peking"))
    assert ids(filter_events(df, text="Kyiv", aliases=aliases)) == ["k"]
    assert ids(filter_events(df, text="beijing", aliases=aliases)) == ["p"]


def test_the_text_filter_combines_with_the_others(aliases):
    events = load_events()
    found = filter_events(events, text="Peking", aliases=aliases, event_types=["official_statement"])
    assert set(found["event_id"]) == {"china-mod-statement-2022"}


def test_filtering_returns_a_new_frame_and_leaves_the_input_alone():
    before = EVENTS.copy()
    result = filter_events(EVENTS, countries=["RUS"])
    result.loc[result.index[0], "title"] = "changed"
    pd.testing.assert_frame_equal(EVENTS, before)


def test_no_match_keeps_the_columns():
    result = filter_events(EVENTS, text="nothing like this")
    assert result.empty and list(result.columns) == list(EVENTS.columns)
