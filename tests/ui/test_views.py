"""Views for people: headline figures, the table as shown, data quoted in messages (the timeline: test_timeline)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from dashboard.ui.views import CODE_SPAN_MAX, Summary, code_span, summarize, table_view


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def subset(events: pd.DataFrame, *ids: str) -> pd.DataFrame:
    return events[events["event_id"].isin(ids)]


# ---------------------------------------------------------------- summarize


def test_summary_of_the_dataset(events):
    codes = {c for cs in events["participants"] for c in cs} | set(events["place_country"])
    summary = summarize(events)
    assert summary == Summary(events=len(events), places=events["place"].nunique(), countries=len(codes - {""}),
                              first=pd.Timestamp("2018-01-01"), last=pd.Timestamp("2022-09-05"))
    assert (summary.events, summary.places, summary.countries) == (12, 10, 11)


@pytest.mark.parametrize(
    ("ids", "places", "countries"),
    [
        (["taiwan-maneuvers-2022"], 1, 2),  # CHN takes part; TWN counts as the place's country
        (["vostok-2022-sea-of-japan"], 1, 2),  # the sea has no country: RUS and CHN only
        (["vostok-2022", "vostok-2018"], 1, 8),  # one place counted once; participants counted once
        (["pelosi-taipei-visit", "taiwan-maneuvers-2022"], 2, 3),  # Taipei and Taiwan: two places, one TWN
    ],
)
def test_summary_counts_distinct_places_and_countries(events, ids, places, countries):
    summary = summarize(subset(events, *ids))
    assert (summary.events, summary.places, summary.countries) == (len(ids), places, countries)


def test_summary_dates_span_the_selection(events):
    summary = summarize(subset(events, "belarus-troop-buildup-2022", "kyiv-offensive-2022"))
    assert (summary.first, summary.last) == (pd.Timestamp("2022-01-17"), pd.Timestamp("2022-04-02"))


def test_summary_of_no_events(events):
    assert summarize(filter_events(events, text="nothing like this")) == Summary(0, 0, 0, None, None)


# ---------------------------------------------------------------- table_view


def test_table_has_readable_columns_and_keeps_the_index(events):
    selection = filter_events(events, text="vostok")
    table = table_view(selection)
    assert list(table.columns) == ["Event", "Type", "Start", "End", "Date known to", "Date from", "Place",
                                   "Place precision", "Participants", "Cited outlet", "Quote", "Seed", "ID"]
    assert table.index.equals(selection.index)  # the app highlights a row by the frame's index
    assert list(table["ID"]) == list(selection["event_id"])


@pytest.mark.parametrize(
    ("event_id", "column", "expected"),
    [
        ("vostok-2022", "Participants", "Russia, China, Kazakhstan, Kyrgyzstan, Tajikistan, India, Nicaragua, Belarus"),
        ("pelosi-taipei-visit", "Participants", "United States, Taiwan"),  # names people use, not ISO names
        ("taiwan-maneuvers-2022", "Place precision", "country only"),
        ("vostok-2022-sea-of-japan", "Place precision", "sea, ocean or airspace"),
        ("kyiv-offensive-2022", "Place precision", "near a named place (≈25 km)"),
        ("vostok-2022", "Type", "Military exercise"),
        ("vostok-2022", "Cited outlet", "TASS, Al Jazeera"),
        ("vostok-2022-pacific", "Cited outlet", ""),  # no outlet named
        ("vostok-2022", "Start", dt.date(2022, 8, 30)),
        ("vostok-2018", "End", dt.date(2018, 12, 31)),
    ],
)
def test_table_cells(events, event_id, column, expected):
    table = table_view(events).set_index("ID")
    assert table.loc[event_id, column] == expected


def test_table_shows_no_country_codes_and_plain_dates(events):
    table = table_view(events)
    assert not any(re.search(r"\b[A-Z]{3}\b", cell) for cell in table["Participants"])
    for column in ("Start", "End"):
        assert all(type(day) is dt.date for day in table[column])  # dates, not datetimes or timestamps


def test_table_of_no_events(events):
    table = table_view(events.iloc[0:0])
    assert table.empty and "Participants" in table.columns


# ---------------------------------------------------------------- data quoted in messages

# (data, the code span quoting it). Streamlit's Markdown would make links or icons of the first ones if they
# were only escaped; inside a code span they stay text (the browser tests check the page).
CODE_SPANS = [
    ("http://evil.example/login", "` http://evil.example/login `"),
    ("www.evil.example", "` www.evil.example `"),
    ("a@evil.example", "` a@evil.example `"),
    (":material/warning: :smile:", "` :\u2060material/warning: :smile: `"),  # see the browser test
    ("**bold** [x](y) <b>", "` **bold** [x](y) <b> `"),
    ("a `tick` b", "`` a `tick` b ``"),  # a fence longer than any run inside
    ("``", "``` `` ```"),  # nothing but backticks: the spaces keep them apart from the fence
    ("one\n\ntwo\r\nthree", "` one  two three `"),  # a blank line would end the span and the paragraph
    ("", "`  `"),
]


@pytest.mark.parametrize(("text", "span"), CODE_SPANS)
def test_code_span(text, span):
    assert code_span(text) == span


def test_code_span_cuts_long_data():
    span = code_span("x" * 5000)
    assert span == f"` {'x' * CODE_SPAN_MAX}… `"


def test_code_span_of_any_text_is_one_span():
    for text in ["`", "a`", "`a", "a ``` b ` c", "x\u2028y", 42]:
        span = code_span(text)
        fence = re.match(r"`+", span).group()
        assert span.startswith(fence + " ") and span.endswith(" " + fence)
        inner = span[len(fence) + 1:-len(fence) - 1]
        assert fence not in re.findall(r"`+", inner) and "\n" not in inner and "\u2028" not in inner
