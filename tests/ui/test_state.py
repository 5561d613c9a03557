"""The filter state in the URL: what the dataset offers, a lossless round trip that omits defaults, and a notice
plus a safe state for every kind of bad parameter, all said in one message; the map's view (``at=``) from the URL
and from the frame's report; a selection the filters exclude; and the state read back from the widgets, whatever
they hold."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import EventType
from dashboard.geography.countries import country_name
from dashboard.maps.mapping import MAX_ZOOM, MIN_ZOOM
from dashboard.ui.state import (
    MAX_TEXT_LENGTH,
    NOTICE_MAX_ITEMS,
    FilterOptions,
    FilterState,
    UrlNotice,
    hidden_from_params,
    hidden_from_report,
    hidden_to_params,
    notice_text,
    selection_after_filter,
    state_from_params,
    state_from_widgets,
    state_to_params,
    view_from_params,
    view_from_report,
    view_to_params,
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
    # the schema's order, every type the curated data has (all but "other")
    assert options.event_types == tuple(t for t in EventType if t != EventType.OTHER)
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

# (query, what the state keeps, the one notice: parameter, verb, values; a fragment of the old one-line wording,
# kept to say what each case is)
BAD = [
    ({"from": ["2022-13-01"]}, {}, ("from", "ignored", ("2022-13-01",)),  # no month 13
     "'from' is not a date (YYYY-MM-DD): '2022-13-01' ignored"),
    ({"to": ["yesterday"]}, {}, ("to", "ignored", ("yesterday",)), "'to' is not a date"),
    ({"from": [""]}, {}, ("from", "ignored", ("",)), "'from' is not a date"),  # ?from= with nothing after it
    # a date outside the data is used, clamped: said so, not "ignored"
    ({"to": ["2030-01-01"]}, {}, ("to", "clamped to 2022-09-05", ("2030-01-01",)),
     "'to' 2030-01-01 is outside the data (2018-01-01 to 2022-09-05): 2022-09-05"),
    ({"from": ["1999-05-01"], "to": ["2022-03-01"]}, {"end": D(2022, 3, 1)},
     ("from", "clamped to 2018-01-01", ("1999-05-01",)), "'from' 1999-05-01 is outside"),
    ({"country": ["RUS", "XXX"]}, {"countries": ("RUS",)}, ("country", "ignored", ("XXX",)),
     "unknown 'country' value(s) ignored: 'XXX'"),
    ({"country": ["FRA"]}, {}, ("country", "ignored", ("FRA",)), "unknown 'country'"),  # real, but not in the data
    ({"type": ["parade"]}, {}, ("type", "ignored", ("parade",)), "unknown 'type' value(s) ignored: 'parade'"),
    ({"source": ["Pravda", "TASS"]}, {"sources": ("TASS",)}, ("source", "ignored", ("Pravda",)),
     "unknown 'source' value(s) ignored: 'Pravda'"),
    ({"event": ["no-such-event"]}, {}, ("event", "ignored", ("no-such-event",)),
     "unknown event 'no-such-event' ignored"),
    ({"q": ["x" * 500]}, {"text": "x" * MAX_TEXT_LENGTH}, ("q", "cut to 200 characters", ()),
     "longer than 200 characters was cut"),
    ({"utm_source": ["feed"]}, {}, ("utm_source", "ignored", ()), "unknown URL parameter(s) ignored: utm_source"),
    ({"country": "XXX"}, {}, ("country", "ignored", ("XXX",)),  # one string, not a list
     "unknown 'country' value(s) ignored: 'XXX'"),
    ({"type": "military"}, {}, ("type", "ignored", ("military",)),  # not split into letters
     "unknown 'type' value(s) ignored: 'military'"),
]


@pytest.mark.parametrize(("query", "changes", "notice", "legacy"), BAD)
def test_each_bad_parameter_gives_a_notice_and_a_safe_state(options, query, changes, notice, legacy):
    state, notices = state_from_params(query, options)
    assert state == replace(FilterState.default(options), **changes)
    assert len(notices) == 1 and (notices[0].param, notices[0].verb, notices[0].values) == notice, notices
    text = notice_text(notices)  # the one message the app shows
    assert notice[1] in text and all(v[:20] in text for v in notice[2]), text
    assert_safe(state, options)


def test_a_start_after_the_end_ignores_both(options):
    state, notices = state_from_params({"from": ["2022-09-01"], "to": ["2022-01-01"]}, options)
    assert state == FilterState.default(options)
    assert [(n.param, n.verb) for n in notices] == [("from", "ignored"), ("to", "ignored")]


def test_a_single_string_is_one_value():
    options = FilterOptions(D(2022, 1, 1), D(2022, 12, 31), ("RUS", "R"), (), ())
    state, notices = state_from_params({"country": "RUS"}, options)
    assert (state.countries, notices) == (("RUS",), [])  # not ("R",) from iterating the string


def test_every_bad_parameter_is_reported(options):
    query = {"from": ["soon"], "country": ["XXX"], "type": ["parade"], "source": ["Pravda"], "event": ["nope"],
             "q": ["y" * 300], "page": ["2"], "utm_source": ["feed"]}
    state, notices = state_from_params(query, options)
    assert sorted(n.param for n in notices) == ["country", "event", "from", "page", "q", "source", "type",
                                                "utm_source"]
    assert_safe(state, options)


def test_notices_do_not_echo_long_input(options):
    junk = "<script>" + "a" * 5000
    _, notices = state_from_params({"from": [junk], "event": [junk], "country": [junk], junk: ["1"]}, options)
    assert len(notices) == 4 and all(len(str(notice)) < 200 for notice in notices)
    assert len(notice_text(notices)) < 800


# ---------------------------------------------------------------- one message for all notices


def test_one_message_names_every_parameter_with_what_was_done(options):
    query = {"from": ["1999-05-01"], "to": ["soon"], "country": ["RUS", "XXX", "![x](//evil.example/p.png)"],
             "q": ["y" * 300], "hide": ["nonsense"], "at": ["12,34"], "page": ["2"]}
    _, notices = state_from_params(query, options)
    notices += hidden_from_params(query, LAYERS)[1] + view_from_params(query)[1]
    text = notice_text(notices)
    assert text.startswith("Adjusted in the URL: ") and text.endswith(".") and "\n" not in text
    for part in ("` from=1999-05-01 ` clamped to 2018-01-01", "` to=soon ` ignored",
                 "` country=XXX `, ` country=![x](//evil.example/p.png) ` ignored", "` q ` cut to 200 characters",
                 "` hide=nonsense ` ignored", "` at=12,34 ` ignored", "` page ` ignored"):
        assert part in text, (part, text)


@pytest.mark.parametrize(
    ("notice", "part"),
    [
        (UrlNotice("q", "cut to 200 characters"), "` q ` cut to 200 characters"),  # no value, no reason
        (UrlNotice("x`y", "ignored", "unknown parameter"), "`` x`y `` ignored (unknown parameter)"),  # a backtick
        (UrlNotice("country", "ignored", "not in the data", (":smile:", "a\nb")),
         "` country=:smile: `, ` country=a b ` ignored (not in the data)"),  # one line
    ],
)
def test_each_notice_quotes_the_url_as_data(notice, part):
    assert notice_text([notice]) == f"Adjusted in the URL: {part}."


def test_a_hostile_url_gives_a_bounded_message():
    notices = [UrlNotice(f"p{i}", "ignored", "unknown parameter") for i in range(500)]
    text = notice_text(notices)
    assert text.count("` ignored") == NOTICE_MAX_ITEMS and text.endswith(f"and {500 - NOTICE_MAX_ITEMS} more.")
    assert notice_text([]) == ""


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
    ({"hide": ["osm"]}, (), "` hide=osm ` ignored"),  # online tiles are never in a URL
    ({"hide": ["lines", "x" * 500]}, ("lines",), "` hide=xxx"),
]


@pytest.mark.parametrize(("query", "hidden", "notice"), HIDE_CASES)
def test_hidden_layers_from_the_url(query, hidden, notice):
    got, notices = hidden_from_params(query, LAYERS)
    assert got == hidden
    assert (notices == []) if notice is None else (len(notices) == 1 and notice in str(notices[0])
                                                  and notices[0].param == "hide" and len(str(notices[0])) < 100)


@pytest.mark.parametrize("hidden", [(), ("lines",), ("extent", "lines"), LAYERS])
def test_hidden_layers_round_trip_and_defaults_are_omitted(hidden):
    params = hidden_to_params(hidden, LAYERS)
    assert params == ({"hide": list(hidden)} if hidden else {})
    assert hidden_from_params(as_query(params), LAYERS) == (hidden, [])


def test_hide_and_at_are_known_parameters(options):
    assert state_from_params({"hide": ["lines"], "at": ["1,2,3"]}, options) == (FilterState.default(options), [])


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


# ---------------------------------------------------------------- the map's view (at=)

# (at=, the view, the notice's verb or None)
AT_CASES = [
    ("43.1,131.9,6", ((43.1, 131.9), 6), None),
    ("-33.8688,151.2093,12", ((-33.8688, 151.2093), 12), None),
    ("0,0,2", ((0.0, 0.0), 2), None),
    (" 43.1 , 131.9 , 6 ", ((43.1, 131.9), 6), None),  # spaces, as a hand-edited URL may have
    ("43.123456,131.98765,6", ((43.1235, 131.9877), 6), None),  # four decimals are about 10 m
    ("-0.00001,-0.00001,3", ((0.0, 0.0), 3), None),  # no "-0" in the URL after
    ("43.1,131.9,15", ((43.1, 131.9), MAX_ZOOM), f"clamped to 43.1,131.9,{MAX_ZOOM}"),  # a zoom the map lacks
    ("43.1,131.9,0", ((43.1, 131.9), MIN_ZOOM), f"clamped to 43.1,131.9,{MIN_ZOOM}"),
    ("43.1,131.9", None, "ignored"),  # no zoom
    ("43.1,131.9,6,1", None, "ignored"),
    ("43.1,131.9,6.5", None, "ignored"),  # zooms are whole
    ("91,0,3", None, "ignored"),  # off the globe
    ("0,181,3", None, "ignored"),
    ("nan,0,3", None, "ignored"),  # floats, but not numbers
    ("0,inf,3", None, "ignored"),
    ("1e400,0,3", None, "ignored"),
    ("0,0,1e9", None, "ignored"),
    ("Kyiv", None, "ignored"),
    ("", None, "ignored"),
]


@pytest.mark.parametrize(("value", "view", "verb"), AT_CASES)
def test_the_view_from_the_url(value, view, verb):
    got, notices = view_from_params({"at": [value]})
    assert got == view
    assert [n.verb for n in notices] == ([] if verb is None else [verb])
    assert all(n.param == "at" and len(str(n)) < 120 for n in notices)


def test_no_view_in_the_url():
    assert view_from_params({}) == (None, []) and view_to_params(None) == {}


@pytest.mark.parametrize(
    ("view", "param"),
    [
        (((43.1, 131.9), 6), "43.1,131.9,6"),
        (((50.45001, 30.52349), 7), "50.45,30.5235,7"),  # four decimals, no trailing zeros
        (((0.0, -180.0), 2), "0,-180,2"),
        (((-0.0, 0.0), 3), "0,0,3"),
    ],
)
def test_the_view_round_trips_through_the_url(view, param):
    assert view_to_params(view) == {"at": param}
    (lat, lon), zoom = view
    assert view_from_params({"at": param}) == (((round(lat, 4) + 0.0, round(lon, 4) + 0.0), zoom), [])


@pytest.mark.parametrize(
    ("value", "view"),
    [
        ([43.1, 131.9, 6], ((43.1, 131.9), 6)),
        ((43.1, 131.9, 6.0), ((43.1, 131.9), 6)),  # a whole float is a zoom
        ([43.123456, 131.9, 6], ((43.1235, 131.9), 6)),
        (None, None),  # no report (the value is a click's, or a layer's)
        ([43.1, 131.9], None),
        ([43.1, 131.9, 6, 0], None),
        (["43.1", "131.9", "6"], None),  # strings are not numbers here
        ([True, 131.9, 6], None),
        ([float("nan"), 0, 3], None),
        ([0, float("inf"), 3], None),
        ([95, 0, 3], None),
        ([0, 200, 3], None),  # the frame wraps its centre: a longitude past 180 is not one it sends
        ([0, 0, 5.5], None),
        ([0, 0, MAX_ZOOM + 1], None),
        ({"lat": 1, "lon": 2, "zoom": 3}, None),
    ],
)
def test_the_view_reported_by_the_map(value, view):
    assert view_from_report(value) == view


# ---------------------------------------------------------------- a selection the filters exclude


@pytest.mark.parametrize(
    ("event", "ids", "kept", "said"),
    [
        (None, {"a"}, None, False),  # nothing selected: nothing to say
        ("a", {"a", "b"}, "a", False),
        ("a", {"b"}, None, True),
        ("a", set(), None, True),  # the filters leave no event at all
        ("a", pd.Series(["b", "a"], index=["a", "x"]), "a", False),  # a Series: its values, not its index
        ("a", pd.Series(["b"], index=["a"]), None, True),
    ],
)
def test_a_selection_the_filters_exclude_is_cleared(event, ids, kept, said):
    got, message = selection_after_filter(event, ids)
    assert got == kept and (message is not None) is said
    if said:
        assert "` a `" in message and "no longer selected" in message


def test_a_hostile_selection_is_quoted_as_data():
    _, message = selection_after_filter("[x](http://evil.example)", set())
    assert "` [x](http://evil.example) `" in message
