"""Tests for scripts/load_bench.py: its protocol messages, parsing and statistics on plain values, and one tiny run
(2 sessions) against the real app on 127.0.0.1. No timed assertions: the figures depend on the machine."""

from __future__ import annotations

import concurrent.futures
import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "load_bench.py"
URL = "http://127.0.0.1:8501/"


@pytest.fixture(scope="module")
def lb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_bench", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_bench"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("values", "q", "expected"), [
    ([3.0], 95, 3.0),  # one value is every percentile
    ([1.0, 2.0, 3.0, 4.0], 50, 2.5),  # between the two middle ranks
    ([4.0, 1.0, 3.0, 2.0], 100, 4.0),  # unsorted input; the 100th is the maximum
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], 95, 10.5),
    ([0.0, 10.0], 0, 0.0),
])
def test_percentile(lb, values, q, expected):
    assert lb.percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan(lb):
    assert math.isnan(lb.percentile([], 50))


def test_cpu_seconds_from_stat_survives_a_command_with_spaces_and_parentheses(lb):
    # pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    stat = "1234 (python (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0"
    assert lb.cpu_seconds_from_stat(stat, 100) == pytest.approx(3.0)


def test_rss_from_status(lb):
    assert lb.rss_mb_from_status("Name:\tpython\nVmPeak:\t 9 kB\nVmRSS:\t  2048 kB\n") == pytest.approx(2.0)
    with pytest.raises(ValueError):
        lb.rss_mb_from_status("Name:\tpython\n")


@pytest.mark.parametrize(("widget_id", "key"), [
    ("$$ID-723918e25556921555c65a561d11e8fd-text", "text"),
    ("$$ID-a95b65a7f96c473af89ee9d1616e924c-upload-0", "upload-0"),  # a key with a dash keeps it
    ("$$ID-0123456789abcdef0123456789abcdef-None", "$$ID-0123456789abcdef0123456789abcdef-None"),  # no key
])
def test_widget_key(lb, widget_id, key):
    assert lb.widget_key(widget_id) == key


def test_the_first_rerun_is_what_a_browser_sends_on_load(lb):
    msg = BackMsg()
    msg.ParseFromString(lb.rerun_message(URL))
    state = msg.rerun_script
    assert msg.WhichOneof("type") == "rerun_script"
    assert not state.widget_states.widgets and not state.page_script_hash and not state.cached_message_hashes
    assert state.context_info.url == URL and state.context_info.locale == "en-US"


def _forward(**fields) -> bytes:
    return ForwardMsg(**fields).SerializeToString()


def _element(kind: str, **fields) -> bytes:
    msg = ForwardMsg()
    getattr(msg.delta.new_element, kind).MergeFrom(type(getattr(msg.delta.new_element, kind))(**fields))
    return msg.SerializeToString()


def test_a_run_is_read_until_script_finished_and_a_filter_carries_every_widget(lb):
    reply = lb.RunReply()
    messages = [
        _forward(new_session={"page_script_hash": "abc"}),
        _element("text_input", id="$$ID-1-text", default="", value="", set_value=True),
        _element("slider", id="$$ID-2-dates", default=[1.0, 2.0], value=[1.5, 2.0], set_value=True),
        _element("multiselect", id="$$ID-3-types", raw_values=["armed_conflict"]),
        _element("button", id="$$ID-4-reset"),  # a trigger: no state to report
        _element("markdown", body="text"),
    ]
    assert not any(reply.read(data) for data in messages)
    assert reply.read(_forward(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY))
    assert reply.page_script_hash == "abc" and reply.messages == 7
    assert sorted(reply.widgets) == ["dates", "text", "types"]
    widgets = lb.with_value(reply.widgets, "text", "drills")
    assert [w.string_value for w in widgets if w.id == "$$ID-1-text"] == ["drills"]
    assert [list(w.double_array_value.data) for w in widgets if w.id == "$$ID-2-dates"] == [[1.5, 2.0]]
    msg = BackMsg()
    msg.ParseFromString(lb.rerun_message(URL, widgets=widgets, page_script_hash="abc", cached_hashes={"h2", "h1"}))
    assert msg.rerun_script.page_script_hash == "abc"
    assert list(msg.rerun_script.cached_message_hashes) == ["h1", "h2"]
    assert len(msg.rerun_script.widget_states.widgets) == 3


def test_a_missing_filter_widget_is_an_error(lb):
    with pytest.raises(KeyError, match="text"):
        lb.with_value({"n": WidgetState(id="$$ID-1-n")}, "text", "drills")


def test_markdown_table(lb):
    table = lb.markdown_table([{"target": "app", "sessions": "5"}, {"target": "minimal", "sessions": "5"}])
    assert table.splitlines() == ["| target | sessions |", "|---|---|", "| app | 5 |", "| minimal | 5 |"]


def test_two_sessions_against_the_app(lb, tmp_path):
    """A tiny real run: the server starts, both sessions load the page and filter, and the figures are read."""
    options = lb.Options(filters=1, timeout=240.0)
    # In a thread of its own: the script calls asyncio.run, which refuses to run in a thread whose event loop is
    # already running (Playwright's sync API leaves one in the main thread after the browser tests).
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        row = pool.submit(lb.measure_row, "app", 2, options, tmp_path).result()
    assert [r.error for r in row.results] == [None, None]
    assert all(r.completed and r.load_s is not None and len(r.filter_s) == 1 for r in row.results)
    assert not any(r.dropped for r in row.results)
    assert row.cpu_s > 0 and row.rss_peak_mb > 0 and row.rss_after_mb > 0 and row.probe_s
    figures = lb.row_figures(row)
    assert figures["completed"] == "2/2" and figures["dropped"] == "0" and figures["errors"] == "0"
    assert "| app | 2 | 2/2 |" in lb.markdown_table([figures])
