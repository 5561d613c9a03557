"""The filter state in the URL: what the dataset offers, a lossless round trip that omits defaults, and a notice
plus a safe state for every kind of bad parameter; and the state read back from the widgets, whatever they hold."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import EventType
from dashboard.geography.countries import country_name
from dashboard.ui.state import (
    MAX_TEXT_LENGTH,
    FilterOptions,
    FilterState,
    hidden_from_params,
    hidden_from_report,
    hidden_to_params,
    state_from_params,
    state_from_widgets,
    state_to_params,
)

D = dt.date


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


@pytest.fixture(scope="module")
def options(events) -> FilterOptions:
    return FilterOptions.of(events)


def as_query(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    """Parameters as the app reads them from the URL: every value a list (``st.query_params.get_all``)."""
    return {key: value if isinstance(value, list) else [value] for key, value in params.items()}


def assert_safe(state: FilterState, options: FilterOptions) -> None:
    """Whatever the URL said, the state only holds what the dataset offers."""
    assert options.date_min <= state.start <= state.end <= options.date_max
    assert set(state.countries) <= set(options.countries)
    assert set(state.event_types) <= set(options.event_types)
    assert set(state.sources) <= set(options.sources)
    assert len(state.text) <= MAX_TEXT_LENGTH
    assert state.event is None or state.event in options.event_ids


# ---------------------------------------------------------------- options


def test_options_of_the_dataset(events, options):
    assert (options.date_min, options.date_max) == (D(2018, 1, 1), D(2022, 9, 5))
    participants = {code for codes in events["participants"] for code in codes}
    assert set(options.countries) == participants | set(events["place_country"]) - {""}
    assert list(options.countries) == sorted(options.countries, key=country_name)  # by name: Taiwan after Russia
    assert options.event_types == tuple(EventType)  # the schema's order, all six present
    assert options.sources == ("Al Jazeera", "NBC News", "Reuters", "TASS", "The Guardian")
    assert options.event_ids == frozenset(events["event_id"])


def test_options_of_an_empty_frame_offer_nothing(events):
    options = FilterOptions.of(events.iloc[0:0])
    assert options.date_min == options.date_max
    assert (options.countries, options.event_types, options.sources, options.event_ids) == ((), (), (), frozenset())


# ---------------------------------------------------------------- round trip


STATES = [
    {},  # the default: an empty URL
    {"start": D(2022, 1, 1)},  # only one end moved
    {"end": D(2022, 8, 31)},
    {"start": D(2022, 8, 30), "end": D(2022, 8, 30)},  # a single day
    {"countries": ("RUS", "CHN")},  # order kept as chosen
    {"event_types": ("armed_conflict",), "sources": ("TASS", "Reuters")},
    {"text": "Russia’s drills & 50,000 troops?"},  # typographic and URL-special characters
    {"text": "x" * MAX_TEXT_LENGTH},  # the longest search allowed
    {"event": "vostok-2022"},
    {"start": D(2022, 2, 1), "end": D(2022, 3, 1), "countries": ("UKR",), "event_types": ("armed_conflict",),
     "sources": ("Reuters",), "text": "Kyiv", "event": "kyiv-offensive-2022"},  # everything at once
]


@pytest.mark.parametrize("changes", STATES)
def test_state_round_trips_through_the_url(options, changes):
    state = replace(FilterState.default(options), **changes)
    params = state_to_params(state, options)
    assert all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v))
               for v in params.values())
    assert state_from_params(as_query(params), options) == (state, [])
    assert state_from_params(params, options) == (state, [])  # single values as plain strings work too


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, {}),  # defaults are left out entirely
        ({"start": D(2018, 1, 1), "end": D(2022, 1, 31)}, {"to": "2022-01-31"}),  # start at its default
        ({"text": "", "event": None, "countries": ()}, {}),
        ({"countries": ("RUS",), "text": "drills"}, {"country": ["RUS"], "q": "drills"}),
    ],
)
def test_only_non_default_values_become_parameters(options, changes, expected):
    assert state_to_params(replace(FilterState.default(options), **changes), options) == expected


# ---------------------------------------------------------------- bad parameters

# (query, what the state keeps, fragment of the one notice)
BAD = [
    ({"from": ["2022-13-01"]}, {}, "'from' is not a date (YYYY-MM-DD): '2022-13-01' ignored"),  # no month 13
    ({"to": ["yesterday"]}, {}, "'to' is not a date"),
    ({"from": [""]}, {}, "'from' is not a date"),  # ?from= with nothing after it
    ({"to": ["2030-01-01"]}, {}, "'to' 2030-01-01 is outside the data (2018-01-01 to 2022-09-05): 2022-09-05"),
    ({"from": ["1999-05-01"], "to": ["2022-03-01"]}, {"end": D(2022, 3, 1)}, "'from' 1999-05-01 is outside"),
    ({"from": ["2022-09-01"], "to": ["2022-01-01"]}, {}, "'from' 2022-09-01 is after 'to' 2022-01-01"),
    ({"country": ["RUS", "XXX"]}, {"countries": ("RUS",)}, "unknown 'country' value(s) ignored: 'XXX'"),
    ({"country": ["FRA"]}, {}, "unknown 'country'"),  # a real country, but not in the data
    ({"type": ["parade"]}, {}, "unknown 'type' value(s) ignored: 'parade'"),
    ({"source": ["Pravda", "TASS"]}, {"sources": ("TASS",)}, "unknown 'source' value(s) ignored: 'Pravda'"),
    ({"event": ["no-such-event"]}, {}, "unknown event 'no-such-event' ignored"),
    ({"q": ["x" * 500]}, {"text": "x" * MAX_TEXT_LENGTH}, "longer than 200 characters was cut"),
    ({"utm_source": ["feed"], "zoom": ["3"]}, {}, "unknown URL parameter(s) ignored: utm_source, zoom"),
    ({"country": "XXX"}, {}, "unknown 'country' value(s) ignored: 'XXX'"),  # one string, not a list
    ({"type": "military"}, {}, "unknown 'type' value(s) ignored: 'military'"),  # not split into letters
]


@pytest.mark.parametrize(("query", "changes", "notice"), BAD)
def test_each_bad_parameter_gives_a_notice_and_a_safe_state(options, query, changes, notice):
    state, notices = state_from_params(query, options)
    assert state == replace(FilterState.default(options), **changes)
    assert len(notices) == 1 and notice in notices[0], notices
    assert_safe(state, options)


def test_a_single_string_is_one_value():
    options = FilterOptions(D(2022, 1, 1), D(2022, 12, 31), ("RUS", "R"), (), ())
    state, notices = state_from_params({"country": "RUS"}, options)
    assert (state.countries, notices) == (("RUS",), [])  # not ("R",) from iterating the string


def test_every_bad_parameter_is_reported(options):
    query = {"from": ["soon"], "country": ["XXX"], "type": ["parade"], "source": ["Pravda"], "event": ["nope"],
             "q": ["y" * 300], "page": ["2"]}
    state, notices = state_from_params(query, options)
    assert len(notices) == 7
    assert_safe(state, options)


def test_notices_do_not_echo_long_input(options):
    junk = "<script>" + "a" * 5000
    _, notices = state_from_params({"from": [junk], "event": [junk], "country": [junk], junk: ["1"]}, options)
    assert len(notices) == 4 and all(len(notice) < 200 for notice in notices)


def test_repeated_values(options):
    query = {"from": ["2022-01-01", "2022-02-01"], "q": ["first", "second"], "country": ["RUS", "CHN", "RUS"]}
    state, notices = state_from_params(query, options)
    assert (state.start, state.text, state.countries, notices) == (D(2022, 2, 1), "second", ("RUS", "CHN"), [])


# ---------------------------------------------------------------- applying the state


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"start": D(2022, 8, 1), "end": D(2022, 8, 31)},
        {"countries": ("TWN",)},  # a place country as well as a participant
        {"event_types": ("military_exercise", "official_statement"), "sources": ("TASS", "NBC News")},
        {"text": "kyiv"},
        {"start": D(2019, 1, 1), "end": D(2021, 12, 31)},  # between the events: nothing
        {"event": "vostok-2022"},  # the selected event highlights, it does not filter
    ],
)
def test_apply_is_filter_events_with_the_same_arguments(events, options, changes):
    state = replace(FilterState.default(options), **changes)
    expected = filter_events(events, start=state.start, end=state.end, countries=state.countries,
                             event_types=state.event_types, sources=state.sources, text=state.text)
    pd.testing.assert_frame_equal(state.apply(events), expected)


# ---------------------------------------------------------------- the state the widgets hold

# (session values, what the state keeps)
WIDGETS = [
    ({}, {}),  # every key gone: the defaults, not a KeyError
    ({"dates": (D(2022, 8, 1), D(2022, 8, 31))}, {"start": D(2022, 8, 1), "end": D(2022, 8, 31)}),
    ({"dates": [D(2022, 8, 1), D(2022, 8, 31)]}, {"start": D(2022, 8, 1), "end": D(2022, 8, 31)}),
    ({"dates": D(2022, 8, 1)}, {}),  # a slider drawn without a value starts as one date, not a range
    ({"dates": (D(2022, 8, 31), D(2022, 8, 1))}, {}),  # reversed
    ({"dates": (D(1999, 1, 1), D(2030, 1, 1))}, {}),  # another dataset's span: clamped to this one
    ({"dates": (D(2022, 8, 1), D(2030, 1, 1))}, {"start": D(2022, 8, 1)}),
    ({"dates": (dt.datetime(2022, 8, 1), D(2022, 8, 31))}, {}),  # a datetime cannot be compared with a date
    ({"dates": None}, {}),
    ({"countries": ["RUS", "XXX", "RUS"]}, {"countries": ("RUS",)}),  # stale and repeated values go
    ({"countries": "RUS", "types": None, "sources": 3}, {}),  # not a list: nothing chosen, not letters
    ({"types": ("armed_conflict",), "sources": ["TASS"]}, {"event_types": ("armed_conflict",), "sources": ("TASS",)}),
    ({"text": "  kyiv "}, {"text": "kyiv"}),
    ({"text": None}, {}),
    ({"text": "x" * 500}, {"text": "x" * MAX_TEXT_LENGTH}),
    ({"event": "vostok-2022"}, {"event": "vostok-2022"}),
    ({"event": "http://evil.example/login"}, {}),  # not an event of this dataset
]


@pytest.mark.parametrize(("values", "changes"), WIDGETS)
def test_state_from_widgets_never_fails(options, values, changes):
    state = state_from_widgets(values, options)
    assert state == replace(FilterState.default(options), **changes)
    assert_safe(state, options)


def test_state_from_widgets_of_a_one_day_dataset(events):
    options = FilterOptions.of(events[events["event_id"] == "russia-invades-ukraine-2022"])
    assert (options.date_min, options.date_max) == (D(2022, 2, 24), D(2022, 2, 24))
    assert state_from_widgets({"text": "kyiv"}, options) == FilterState(D(2022, 2, 24), D(2022, 2, 24), text="kyiv")


def test_state_from_widgets_of_no_events(events):
    options = FilterOptions.of(events.iloc[:0])
    state = state_from_widgets({"dates": (D(2022, 1, 1), D(2022, 2, 1)), "countries": ["RUS"]}, options)
    assert state == FilterState.default(options)


LAYERS = ("extent", "lines", "events", "places")  # the map's remembered layers, in the order the URL lists them

# (query, hidden layers, notice or None)
HIDE_CASES = [
    ({}, (), None),  # every layer shown: the default
    ({"hide": ["lines"]}, ("lines",), None),
    ({"hide": ["events", "extent"]}, ("extent", "events"), None),  # the layers' order, not the URL's
    ({"hide": ["lines", "lines"]}, ("lines",), None),  # repeated: once
    ({"hide": "lines"}, ("lines",), None),  # one string, not a list
    ({"hide": ["osm"]}, (), "unknown 'hide' value(s) ignored: 'osm'"),  # online tiles are never in a URL
    ({"hide": ["lines", "x" * 500]}, ("lines",), "unknown 'hide'"),
]


@pytest.mark.parametrize(("query", "hidden", "notice"), HIDE_CASES)
def test_hidden_layers_from_the_url(query, hidden, notice):
    got, notices = hidden_from_params(query, LAYERS)
    assert got == hidden
    assert (notices == []) if notice is None else (len(notices) == 1 and notice in notices[0]
                                                  and len(notices[0]) < 100)


@pytest.mark.parametrize("hidden", [(), ("lines",), ("extent", "lines"), LAYERS])
def test_hidden_layers_round_trip_and_defaults_are_omitted(hidden):
    params = hidden_to_params(hidden, LAYERS)
    assert params == ({"hide": list(hidden)} if hidden else {})
    assert hidden_from_params(as_query(params), LAYERS) == (hidden, [])


def test_hide_is_a_known_parameter(options):
    assert state_from_params({"hide": ["lines"]}, options) == (FilterState.default(options), [])


@pytest.mark.parametrize(
    ("value", "hidden"),
    [
        (["lines"], ("lines",)),
        ([], ()),  # the reader turned every layer back on
        (["events", "extent", "osm"], ("extent", "events")),  # only ids the frame may name
        (None, None),  # no report (the component's value is a click's, or there is none yet)
        ("lines", None),  # not a list: not a report
        ([{"x": 1}, 3], ()),
    ],
)
def test_hidden_layers_reported_by_the_map(value, hidden):
    assert hidden_from_report(value, LAYERS) == hidden
