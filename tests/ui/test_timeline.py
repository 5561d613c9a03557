"""The timeline: a spec that reads at any width, honest about vague dates, on an axis of the filtered dates with
labels that never repeat; and decoders that trust nothing the browser sends back."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.dataset.filters import filter_events
from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import MAX_DATE, MIN_DATE, event_type_label
from dashboard.maps.mapping import EVENT_COLORS
from dashboard.ui.timeline import (
    MAX_TICKS,
    ROW_PX,
    TIMELINE_BRUSH,
    TIMELINE_MAX_BARS,
    TIMELINE_PICK,
    TIMELINE_VIEWPORT_PX,
    brushed_dates,
    picked_event,
    timeline_chart,
    timeline_height,
    timeline_ticks,
)

AUGUST = (dt.date(2022, 8, 1), dt.date(2022, 8, 31))
ALL = (dt.date(2018, 1, 1), dt.date(2022, 9, 5))
DAY_MS = 86_400_000


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def chart(events: pd.DataFrame, span: tuple[dt.date, dt.date]) -> dict:
    start, end = span
    return timeline_chart(filter_events(events, start=start, end=end), start=start, end=end)


def ms(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * DAY_MS


def records(spec: dict) -> list[dict]:
    (rows,) = spec["datasets"].values()
    return rows


def layer(spec: dict, mark: str, *, filtered: str | None = None) -> dict:
    (found,) = [lay for lay in spec["layer"] if lay["mark"]["type"] == mark
                and (filtered is None or filtered in json.dumps(lay.get("transform", [])))]
    return found


def x_encodings(spec: dict) -> list[dict]:
    return [lay["encoding"]["x"] for lay in spec["layer"] if "field" in lay["encoding"].get("x", {})]


def many(events: pd.DataFrame, n: int) -> pd.DataFrame:
    big = pd.concat([events] * (n // len(events) + 1), ignore_index=True).head(n)
    return big.assign(event_id=[f"e{i}" for i in range(n)], title=[f"Event {i}" for i in range(n)])


# ---------------------------------------------------------------- rows: one per event, titled


def test_every_event_has_a_row_with_its_title(events):
    spec = chart(events, AUGUST)
    rows = records(spec)
    august = filter_events(events, start=AUGUST[0], end=AUGUST[1])
    assert sorted(r["id"] for r in rows) == sorted(august["event_id"]) and len(rows) == 7
    assert [r["row"] for r in rows] == list(range(7))  # a row each: no two titles share a line
    assert {r["title"] for r in rows} == set(august["title"])
    titles = layer(spec, "text")
    assert titles["encoding"]["text"] == {"field": "title"} and titles["encoding"]["x"] == {"value": 0}
    assert titles["mark"]["limit"] == {"expr": "max(width - 4, 20)"}  # cut to the chart's width, never dropped
    assert spec["height"] == ROW_PX * 7 and spec["encoding"]["y"]["axis"] is None  # no y labels to drop


def test_rows_go_in_order_of_start(events):
    starts = [r["start"] for r in records(chart(events, ALL))]
    assert starts == sorted(starts)


def test_the_tooltip_has_the_full_title_and_how_the_date_is_known(events):
    spec = chart(events, ALL)
    assert {"field": "full", "title": "Event"} in spec["encoding"]["tooltip"]
    row = {r["id"]: r for r in records(spec)}
    assert row["vostok-2018"]["when"] == "somewhere in 1 Jan 2018 – 31 Dec 2018 (known to the year)"
    assert row["pelosi-taipei-visit"]["when"] == "2 Aug 2022 – 3 Aug 2022"
    assert row["china-mod-statement-2022"]["when"] == "17 Aug 2022"


def test_spans_run_to_the_end_of_the_last_day(events):
    rows = {r["id"]: r for r in records(chart(events, ALL))}
    for event in events.itertuples(index=False):
        row = rows[event.event_id]
        assert row["start"] == ms(event.start_date.date())
        assert row["end"] == ms(event.end_date.date()) + DAY_MS  # a one-day event has width
        assert row["start"] < row["dot"] < row["start"] + DAY_MS and row["start"] < row["mid"] < row["end"]


def test_events_with_the_same_title_keep_their_ids_in_the_text(events):
    twins = events.head(3).assign(title="Drills")
    rows = records(timeline_chart(twins, start=ALL[0], end=ALL[1]))
    assert {r["title"] for r in rows} == {f"Drills [{event_id}]" for event_id in twins["event_id"]}


def test_timeline_of_no_events(events):
    spec = timeline_chart(events.iloc[0:0], start=AUGUST[0], end=AUGUST[1])
    assert records(spec) == [] and spec["height"] == ROW_PX


def test_the_spec_is_plain_json(events):
    for spec in (chart(events, ALL), timeline_chart(many(events, 400), start=ALL[0], end=ALL[1])):
        assert json.loads(json.dumps(spec, allow_nan=False)) == spec  # what Streamlit sends, as built


def test_the_plot_keeps_its_height_and_fits_the_width(events):
    # Streamlit's default autosize ("fit") squeezes the rows to make room for the axis and legend.
    assert chart(events, AUGUST)["autosize"] == {"type": "fit-x", "contains": "padding"}


# ---------------------------------------------------------------- vague dates, colours


def test_dates_known_only_to_the_week_month_or_year_are_drawn_faded_and_dashed(events):
    spec = chart(events, ALL)
    vague = "datum.precision != 'day'"
    spans = layer(spec, "bar")["encoding"]
    assert spans["fillOpacity"] == {"condition": {"test": vague, "value": 0.2}, "value": 0.9}
    assert spans["strokeDash"] == {"condition": {"test": vague, "value": [3, 2]}, "value": [1, 0]}
    assert layer(spec, "point", filtered=f"!({vague})")["mark"]["filled"] is True  # a dot: known to the day
    assert layer(spec, "point", filtered=f'"{vague}"')["mark"]["filled"] is False  # a ring: somewhere in there
    precision = {r["id"]: r["precision"] for r in records(spec)}
    assert precision["vostok-2018"] == "year" and precision["us-state-department-remarks"] == "month"
    assert precision["vostok-2022-sea-of-japan"] == "week" and precision["vostok-2022"] == "day"


def test_the_colours_are_the_maps(events):
    spec = chart(events, ALL)
    scale = {"domain": [event_type_label(k) for k in EVENT_COLORS], "range": list(EVENT_COLORS.values())}
    for lay in spec["layer"]:
        for channel in ("color", "stroke"):
            if channel in lay["encoding"]:
                assert lay["encoding"][channel]["scale"] == scale


def test_the_legend_lists_the_types_shown(events):
    legend = layer(chart(events, AUGUST), "bar")["encoding"]["color"]["legend"]
    assert legend == {"values": ["Military exercise", "Diplomatic visit", "Official statement"]}


# ---------------------------------------------------------------- the x axis


@pytest.mark.parametrize("span", [AUGUST, ALL, (dt.date(2022, 8, 17), dt.date(2022, 8, 17))])
def test_the_x_domain_is_the_filter_not_the_data(events, span):
    spec = chart(events, span)
    for x in x_encodings(spec):
        assert x["scale"] == {"domain": [ms(span[0]), ms(span[1]) + DAY_MS], "nice": False, "zero": False}
    assert layer(spec, "bar")["mark"]["clip"] is True  # events reaching beyond are cut at the edges


def test_the_axis_is_on_top_with_our_ticks(events):
    axis = layer(chart(events, AUGUST), "bar")["encoding"]["x"]["axis"]
    ticks = timeline_ticks(*AUGUST)
    assert axis["orient"] == "top"  # seen first when the chart scrolls
    assert axis["values"] == [ms(day) for day, _ in ticks]
    assert json.dumps([label for _, label in ticks]) in axis["labelExpr"]


@pytest.mark.parametrize(
    ("span", "labels"),
    [
        (AUGUST, ["1 Aug 2022", "8 Aug", "15 Aug", "22 Aug"]),  # the user's case: "Aug 2022" four times before
        (ALL, ["2018", "2019", "2020", "2021", "2022"]),
        ((dt.date(2022, 1, 1), dt.date(2022, 12, 31)), ["Jan 2022", "Mar 2022", "May 2022", "Jul 2022", "Sep 2022",
                                                        "Nov 2022"]),
        ((dt.date(2021, 11, 20), dt.date(2022, 2, 10)), ["1 Dec 2021", "15 Dec", "1 Jan 2022", "15 Jan", "1 Feb"]),
        ((dt.date(2022, 8, 2), dt.date(2022, 8, 4)), ["2 Aug 2022", "3 Aug", "4 Aug"]),
        ((dt.date(2022, 8, 17), dt.date(2022, 8, 17)), ["17 Aug 2022"]),  # one day: one tick
        ((MIN_DATE, MAX_DATE), ["1700", "1800", "1900", "2000", "2100", "2200"]),
    ],
)
def test_tick_labels(span, labels):
    assert [label for _, label in timeline_ticks(*span)] == labels


@given(st.dates(MIN_DATE, MAX_DATE), st.dates(MIN_DATE, MAX_DATE))
def test_ticks_never_repeat_and_stay_inside(a, b):
    start, end = min(a, b), max(a, b)
    ticks = timeline_ticks(start, end)
    days = [day for day, _ in ticks]
    labels = [label for _, label in ticks]
    assert 1 <= len(ticks) <= MAX_TICKS
    assert len(set(labels)) == len(labels)
    assert days == sorted(days) and start <= days[0] and days[-1] <= end


# ---------------------------------------------------------------- selections


def test_the_rows_chart_has_a_brush_on_x_and_a_pick_on_the_id(events):
    params = layer(chart(events, AUGUST), "bar")["params"]
    assert params == [
        {"name": TIMELINE_BRUSH, "select": {"type": "interval", "encodings": ["x"]}},
        {"name": TIMELINE_PICK, "select": {"type": "point", "fields": ["id"], "on": "click", "clear": "dblclick"}},
    ]
    assert layer(chart(events, AUGUST), "bar")["encoding"]["x"]["field"] == "start"  # the brush's key


def test_streamlit_sees_both_selections(events):
    # What on_select="rerun" reports: Streamlit's own reading of the spec (a private function, so pinned here).
    from streamlit.elements.vega_charts import _extract_selection_parameters

    assert _extract_selection_parameters(chart(events, AUGUST)) == {TIMELINE_BRUSH, TIMELINE_PICK}
    monthly = timeline_chart(many(events, 400), start=ALL[0], end=ALL[1])
    assert _extract_selection_parameters(monthly) == {TIMELINE_BRUSH}


# ---------------------------------------------------------------- many events: the monthly chart


def test_many_events_are_counted_by_month_with_the_brush(events):
    big = many(events, TIMELINE_MAX_BARS + 1)
    spec = timeline_chart(big, start=ALL[0], end=ALL[1])
    assert spec["title"]["text"] == f"{TIMELINE_MAX_BARS + 1} events by the month they start"
    (bars,) = spec["layer"]
    assert bars["params"] == [{"name": TIMELINE_BRUSH, "select": {"type": "interval", "encodings": ["x"]}}]
    assert bars["encoding"]["x"]["scale"]["domain"] == [ms(ALL[0]), ms(ALL[1]) + DAY_MS]
    assert bars["encoding"]["x"]["axis"]["values"] == [ms(day) for day, _ in timeline_ticks(*ALL)]
    rows = records(spec)
    assert sum(r["events"] for r in rows) == len(big)
    for month in {r["start"] for r in rows}:  # stacked without gaps, from zero
        stack = sorted((r["bottom"], r["top"]) for r in rows if r["start"] == month)
        assert stack[0][0] == 0 and all(a[1] == b[0] for a, b in itertools.pairwise(stack))


def test_events_starting_before_the_filter_count_in_its_first_month(events):
    start, end = dt.date(2018, 6, 15), dt.date(2022, 12, 31)
    rows = records(timeline_chart(many(events, 400), start=start, end=end))
    assert min(r["start"] for r in rows) == ms(dt.date(2018, 6, 1))  # vostok-2018 started in January
    assert sum(r["events"] for r in rows) == 400


def test_height_for_the_scrolling_container(events):
    assert timeline_height(7) < timeline_height(12) <= TIMELINE_VIEWPORT_PX  # the bundled data needs no scroll
    assert timeline_height(TIMELINE_MAX_BARS) > 10 * TIMELINE_VIEWPORT_PX  # scrolls
    assert timeline_height(TIMELINE_MAX_BARS + 1) < TIMELINE_VIEWPORT_PX  # the monthly chart
    assert timeline_height(0) == timeline_height(1)


# ---------------------------------------------------------------- decoding the brush

# The shape Streamlit returned in Chromium for a drag from 10 Aug to 19 Aug 2022 on the August chart.
DRAGGED = {"dates": {"start": [1660114006779.661, 1660918175302.6636]}}


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (DRAGGED, (dt.date(2022, 8, 10), dt.date(2022, 8, 19))),
        ({"selection": DRAGGED}, (dt.date(2022, 8, 10), dt.date(2022, 8, 19))),  # the whole event state
        ({"dates": {"start": [ms(dt.date(2022, 8, 1)), ms(dt.date(2022, 8, 3))]}},
         (dt.date(2022, 8, 1), dt.date(2022, 8, 2))),  # ending at midnight: the 3rd is not touched
        ({"dates": {"start": [ms(dt.date(2022, 8, 3)) + 5, ms(dt.date(2022, 8, 3)) + 5]}},
         (dt.date(2022, 8, 3), dt.date(2022, 8, 3))),  # no width: the day it is in
        ({"dates": {"start": [1660918175302.6636, 1660114006779.661]}},
         (dt.date(2022, 8, 10), dt.date(2022, 8, 19))),  # dragged right to left
        ({"dates": {"start": (ms(dt.date(2022, 8, 1)), ms(dt.date(2022, 8, 2)))}},
         (dt.date(2022, 8, 1), dt.date(2022, 8, 1))),  # a tuple will do; integers too
        ({"dates": {"start": [-1e300, 1e300]}}, (MIN_DATE, MAX_DATE)),  # clamped to the dates the app shows
        ({"dates": {"start": [-(10**400), ms(dt.date(1700, 1, 5))]}}, None),  # an int no float can hold
        ({"dates": {"start": [1e300, 2e300]}}, None),  # wholly after
        ({"dates": {"start": [-2e300, -1e300]}}, None),  # wholly before
        ({"dates": {"start": [float("nan"), 1.0]}}, None),
        ({"dates": {"start": [float("inf"), 1.0]}}, None),
        ({"dates": {"start": [True, 1.0]}}, None),  # booleans are not numbers here
        ({"dates": {"start": ["2022-08-01", "2022-08-02"]}}, None),
        ({"dates": {"start": [None, 1.0]}}, None),
        ({"dates": {"start": [1.0]}}, None),
        ({"dates": {"start": [1.0, 2.0, 3.0]}}, None),
        ({"dates": {"start": "1,2"}}, None),
        ({"dates": {"end": [1.0, 2.0]}}, None),  # another field: not our brush
        ({"dates": {}}, None),  # what Streamlit sends when nothing is brushed
        ({"dates": [1.0, 2.0]}, None),
        ({"pick": [{"id": "vostok-2022"}]}, None),
        ({}, None),
        ({"selection": "x"}, None),
        ([DRAGGED], None),
        (None, None),
    ],
)
def test_brushed_dates(selection, expected):
    assert brushed_dates(selection) == expected


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8)


@given(st.one_of(JSON, st.lists(st.one_of(st.floats(), st.integers()), min_size=2, max_size=2)))
def test_brushed_dates_of_anything_is_none_or_a_valid_range(value):
    for selection in (value, {"dates": value}, {"dates": {"start": value}}):
        days = brushed_dates(selection)
        assert days is None or MIN_DATE <= days[0] <= days[1] <= MAX_DATE


# ---------------------------------------------------------------- decoding the pick

KNOWN = {"vostok-2022", "vostok-2018"}


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ({"pick": [{"id": "vostok-2022"}]}, "vostok-2022"),  # the shape Streamlit returned for a click
        ({"selection": {"pick": [{"id": "vostok-2022"}]}}, "vostok-2022"),
        ({"pick": [{"id": "nope"}, {"id": "vostok-2018"}]}, "vostok-2018"),  # shift-click adds: the first known
        ({"pick": [{"id": "nope"}]}, None),  # not among the events shown
        ({"pick": [{"id": None}]}, None),  # a click on the brush or an axis
        ({"pick": [{"id": ["vostok-2022"]}]}, None),
        ({"pick": [{"id": {"a": 1}}]}, None),  # unhashable: no TypeError from `in`
        ({"pick": [{"id": 3}]}, None),
        ({"pick": ["vostok-2022"]}, None),
        ({"pick": {"id": "vostok-2022"}}, None),
        ({"pick": {}}, None),  # what Streamlit sends when nothing is picked
        ({}, None),
        (None, None),
    ],
)
def test_picked_event(selection, expected):
    assert picked_event(selection, KNOWN) == expected


def test_picked_event_among_a_series_of_ids(events):
    # `in` on a Series looks in its index: the ids must be found among its values.
    assert picked_event({"pick": [{"id": "vostok-2022"}]}, events["event_id"]) == "vostok-2022"
    assert picked_event({"pick": [{"id": 0}]}, events["event_id"]) is None


@given(JSON)
def test_picked_event_of_anything_is_none_or_known(value):
    for selection in (value, {"pick": value}, {"pick": [value]}, {"pick": [{"id": value}]}):
        assert picked_event(selection, KNOWN) in KNOWN | {None}

