"""Load benchmark of the Streamlit server: N simulated browser sessions at once, against the app and a minimal page.

Each session speaks Streamlit's own websocket protocol (``/_stcore/stream``, ``BackMsg``/``ForwardMsg``
protobufs), as the browser does:

- a **page load**: connect, send the ``rerun_script`` BackMsg a browser sends first (no widget state, the
  browser's context), and receive ForwardMsgs until ``script_finished``;
- then ``--filters`` **filters**: a rerun carrying every widget's current value (read from the deltas, as the
  browser's widget manager holds them), the page hash and the hashes of the cacheable messages received so far,
  with the Search box (key ``text``) set to "drills", then back to "" (alternating).

Meanwhile each session pings the server every ``--ping-interval`` s and gives up on the connection (a drop, as a
keep-alive client would) when a pong takes longer than ``--ping-timeout`` s. One more idle connection pings
every 0.5 s to measure how late the server's event loop answers (``pong`` columns).

The server is started fresh for each row (one warm-up session first, not counted), on 127.0.0.1 only; its
CPU-seconds (utime + stime from /proc) over the measured sessions are divided by the number of sessions, and
its resident memory is sampled (peak during the sessions; after they close). What a browser also does and this
does not: fetch the page's JavaScript and the map frame's own files (``--assets`` fetches the map frame's
HTML, script and Leaflet files once per session over HTTP), and run the component's JavaScript.

Usage: ``.venv/bin/python scripts/load_bench.py [--sessions 5 20 50] [--targets app minimal]`` — prints a
Markdown table. Every request loop is bounded (``--timeout`` per row); the servers are stopped on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import math
import os
import re
import sys
import tempfile
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.maps.assets import MAP_CSS, MAP_JS, asset_links  # noqa: E402
from dashboard.maps.basemap import served_urls  # noqa: E402
from tests.browser.conftest import TEST_ARGS, start_server, stop_server  # noqa: E402

APP_SCRIPT = "dashboard/ui/app.py"
DEFAULT_SESSIONS = (5, 20, 50)
DEFAULT_TARGETS = ("app", "minimal")
FILTER_KEY = "text"  # the Search box of the app and of the minimal page
FILTER_VALUES = ("drills", "")  # alternating: a narrowed view, then the whole dataset again
PING_INTERVAL_S = 20.0  # as the tester's keep-alive client
PING_TIMEOUT_S = 20.0
PROBE_INTERVAL_S = 0.5
RUN_TIMEOUT_S = 180.0  # one page load or filter; a row as a whole is bounded by --timeout
THINK_S = 0.5  # between a run's end and the next filter, as a reader would pause
HOLD_S = 2.0  # sessions stay connected this long after the last one finished
SETTLE_S = 5.0  # after the sessions close, before memory is read again
HEALTH_TIMEOUT_S = 90.0
# The browser's context, as headless Chromium sent it. Checked against Chromium's own frames (Playwright, Streamlit
# 1.67): a load is one rerun_script with no widget state and this context; a Search filter is one rerun_script with
# all six filter widgets' values, the page hash and the one cacheable hash (the map); nothing else is sent.
CONTEXT = ContextInfo(timezone="UTC", timezone_offset=0, locale="en-US", is_embedded=False, color_scheme="light")
# What a new map frame fetches: its page, the map's Leaflet files and the base map's outlines and names.
MAP_FRAME_FILES = ("component/streamlit_folium.st_folium/index.html",
                   *(url for _, url in asset_links(MAP_JS + MAP_CSS, "app/static/")),
                   *(url for key, url in served_urls("app/static/").items() if key != "fine_outlines"))

MINIMAL_PAGE = textwrap.dedent("""
    import streamlit as st

    st.title("Minimal page")
    n = st.slider("Events", 0, 100, 10, key="n")
    text = st.text_input("Search", key="text")
    st.write(f"{n} events matching {text!r}")
""")


# ---------------------------------------------------------------- protocol: requests and their answers


def rerun_message(url: str, *, widgets: Sequence[WidgetState] = (), page_script_hash: str = "",
                  cached_hashes: Iterable[str] = ()) -> bytes:
    """The ``rerun_script`` BackMsg a browser sends: on first load with no widget state and no page hash."""
    state = ClientState(widget_states=WidgetStates(widgets=list(widgets)), page_script_hash=page_script_hash,
                        cached_message_hashes=sorted(cached_hashes))
    state.context_info.CopyFrom(CONTEXT)
    state.context_info.url = url
    return BackMsg(rerun_script=state).SerializeToString()


def widget_state(element_type: str, proto: object) -> WidgetState | None:
    """The value a browser reports for a widget element on the next rerun (None: nothing, e.g. a button)."""
    widget_id = getattr(proto, "id", "")
    if not widget_id.startswith("$$ID"):
        return None
    if element_type == "text_input":
        return WidgetState(id=widget_id, string_value=proto.value if proto.set_value else proto.default)
    if element_type == "slider":
        values = proto.value if proto.set_value else proto.default
        return WidgetState(id=widget_id, double_array_value={"data": list(values)})
    if element_type == "multiselect":
        return WidgetState(id=widget_id, string_array_value={"data": list(proto.raw_values)})
    if element_type == "file_uploader":
        return WidgetState(id=widget_id, file_uploader_state_value={})
    return None


@dataclass
class RunReply:
    """What one script run sent back, read from its ForwardMsgs."""

    messages: int = 0
    bytes: int = 0
    finished: int | None = None  # the script_finished status; None until it came
    page_script_hash: str = ""
    widgets: dict[str, WidgetState] = field(default_factory=dict)  # by the widget's user key
    cacheable: set[str] = field(default_factory=set)
    exceptions: list[str] = field(default_factory=list)  # st.exception elements: the script failed

    def read(self, data: bytes) -> bool:
        """Take one ForwardMsg; True once the run is over."""
        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.messages += 1
        self.bytes += len(data)
        kind = msg.WhichOneof("type")
        if msg.metadata.cacheable:
            self.cacheable.add(msg.hash)
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "script_finished":
            self.finished = msg.script_finished
            return True
        return False

    def _element(self, element: object) -> None:
        element_type = element.WhichOneof("type")
        if element_type == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            return
        state = widget_state(element_type, getattr(element, element_type))
        if state is not None:
            self.widgets[widget_key(state.id)] = state


def widget_key(widget_id: str) -> str:
    """The user key in a widget id (``$$ID-<hash>-<key>``), or the id itself for a widget with none."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else widget_id


def with_value(widgets: dict[str, WidgetState], key: str, value: str) -> list[WidgetState]:
    """Every widget's state, the one with ``key`` set to the text ``value`` (as typing into it would)."""
    if key not in widgets:
        raise KeyError(f"no widget with key {key!r} among {sorted(widgets)}")
    changed = WidgetState(id=widgets[key].id, string_value=value)
    return [changed if k == key else state for k, state in widgets.items()]


# ---------------------------------------------------------------- one simulated session


@dataclass
class SessionResult:
    load_s: float | None = None
    filter_s: list[float] = field(default_factory=list)
    pings: int = 0
    pings_unanswered: int = 0
    pong_max_s: float = 0.0
    dropped: bool = False  # the connection was lost, or given up on after an unanswered ping
    error: str | None = None
    bytes: int = 0

    @property
    def completed(self) -> bool:
        return self.error is None and not self.dropped and self.load_s is not None


async def _receive_run(ws: ClientConnection, reply: RunReply, timeout: float) -> RunReply:
    async with asyncio.timeout(timeout):
        while not reply.read(await ws.recv(decode=False)):
            pass
    if reply.exceptions:
        raise RuntimeError(f"the script raised {reply.exceptions[0]}")
    if reply.finished != ForwardMsg.FINISHED_SUCCESSFULLY:
        raise RuntimeError(f"the script finished with status {reply.finished}")
    return reply


async def _keepalive(ws: ClientConnection, result: SessionResult, interval: float, timeout: float,
                     first: float) -> None:
    """Ping as a keep-alive client does; close the connection (a drop) on a pong later than ``timeout``."""
    await asyncio.sleep(first)
    while True:
        started = time.monotonic()
        result.pings += 1
        waiter = await ws.ping()
        try:
            async with asyncio.timeout(timeout):
                await waiter
        except TimeoutError:
            result.pings_unanswered += 1
            result.dropped = True
            await ws.close(code=1011, reason="keepalive ping timeout")
            return
        result.pong_max_s = max(result.pong_max_s, time.monotonic() - started)
        await asyncio.sleep(interval)


async def run_session(ws_url: str, page_url: str, *, filters: int, start: asyncio.Event, done: asyncio.Event,
                      ran: asyncio.Queue[None], ping_interval: float, ping_timeout: float, first_ping: float,
                      assets: str | None = None, values: tuple[str, ...] = FILTER_VALUES) -> SessionResult:
    """One browser tab: a page load, then ``filters`` filter changes; puts into ``ran`` when its runs are over
    (or failed), then stays connected until ``done``."""
    result = SessionResult()
    await start.wait()
    try:
        async with connect(ws_url, subprotocols=["streamlit"], compression=None, max_size=None,
                           ping_interval=None, proxy=None, open_timeout=RUN_TIMEOUT_S) as ws:
            pinger = asyncio.create_task(_keepalive(ws, result, ping_interval, ping_timeout, first_ping))
            try:
                await _session_runs(ws, page_url, result, filters, assets, values)
                ran.put_nowait(None)
                await done.wait()
            finally:
                pinger.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pinger
    except ConnectionClosed as exc:
        result.dropped = True
        result.error = result.error or f"connection closed: {exc}"
    except Exception as exc:  # every failure is counted, never raised
        result.error = f"{type(exc).__name__}: {exc}"
    if result.error:
        ran.put_nowait(None)
    return result


async def _session_runs(ws: ClientConnection, page_url: str, result: SessionResult, filters: int,
                        assets: str | None, values: tuple[str, ...] = FILTER_VALUES) -> None:
    started = time.monotonic()
    await ws.send(rerun_message(page_url))
    if assets:
        await asyncio.to_thread(fetch_files, assets, MAP_FRAME_FILES)
    reply = await _receive_run(ws, RunReply(), RUN_TIMEOUT_S)
    result.load_s, result.bytes = time.monotonic() - started, reply.bytes
    cached, page_hash, widgets = set(reply.cacheable), reply.page_script_hash, reply.widgets
    for index in range(filters):
        await asyncio.sleep(THINK_S)
        value = values[index % len(values)]
        started = time.monotonic()
        await ws.send(rerun_message(page_url, widgets=with_value(widgets, FILTER_KEY, value),
                                    page_script_hash=page_hash, cached_hashes=cached))
        reply = await _receive_run(ws, RunReply(), RUN_TIMEOUT_S)
        result.filter_s.append(time.monotonic() - started)
        result.bytes += reply.bytes
        cached |= reply.cacheable
        widgets = {**widgets, **reply.widgets}


def fetch_files(base: str, paths: Iterable[str]) -> int:
    """GET each file (as the map frame does on mount); the bytes read."""
    total = 0
    for path in paths:
        with urllib.request.urlopen(f"{base}/{path}", timeout=RUN_TIMEOUT_S) as answer:
            total += len(answer.read())
    return total


async def probe(ws_url: str, stop: asyncio.Event, interval: float = PROBE_INTERVAL_S) -> list[float]:
    """Pong latencies of an idle connection pinging every ``interval`` s: how late the event loop answers.
    A ping left unanswered until ``stop`` counts as the time it waited."""
    latencies: list[float] = []
    async with connect(ws_url, subprotocols=["streamlit"], compression=None, ping_interval=None,
                       proxy=None) as ws:
        while not stop.is_set():
            started = time.monotonic()
            waiter = await ws.ping()
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait([waiter, stopped], return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            latencies.append(time.monotonic() - started)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval):
                    await stop.wait()
    return latencies


# ---------------------------------------------------------------- the server process, measured from /proc


def cpu_seconds_from_stat(stat: str, ticks_per_second: int) -> float:
    """utime + stime from the text of ``/proc/<pid>/stat`` (fields 14 and 15, after the command's ``)``)."""
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks_per_second


def rss_mb_from_status(status: str) -> float:
    """VmRSS from the text of ``/proc/<pid>/status``, in MB."""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise ValueError("no VmRSS line")


def cpu_seconds(pid: int) -> float:
    return cpu_seconds_from_stat(Path(f"/proc/{pid}/stat").read_text(), os.sysconf("SC_CLK_TCK"))


def rss_mb(pid: int) -> float:
    return rss_mb_from_status(Path(f"/proc/{pid}/status").read_text())


class RssSampler:
    """The peak resident memory of a process, sampled in a thread every ``interval`` s while in use."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(self.interval)


@contextlib.contextmanager
def serve(script: str, cwd: Path, log_dir: Path, extra: Sequence[str] = ()) -> Iterator[tuple[str, int]]:
    """``streamlit run script`` on 127.0.0.1 and a free port; yields (base URL, pid); always stopped after."""
    server = start_server(log_dir, script=script, cwd=cwd, args=(*TEST_ARGS, *extra), timeout=HEALTH_TIMEOUT_S)
    try:
        yield server.url, server.process.pid
    finally:
        stop_server(server)


# ---------------------------------------------------------------- one row: N sessions against one server


@dataclass
class RowResult:
    target: str
    sessions: int
    results: list[SessionResult]
    cpu_s: float  # the server's, over the measured sessions
    rss_peak_mb: float
    rss_after_mb: float
    probe_s: list[float]
    warmup_cpu_s: float
    wall_s: float


@dataclass(frozen=True)
class Options:
    filters: int = 2
    ping_interval: float = PING_INTERVAL_S
    ping_timeout: float = PING_TIMEOUT_S
    timeout: float = 600.0
    assets: bool = False
    server_args: tuple[str, ...] = ()
    distinct: bool = False  # each session searches its own word: no two share a filtered view (and its caches)


def distinct_values(session: int) -> tuple[str, ...]:
    """Session ``session``'s filter values when no two sessions may share a view: a word of the bundled titles
    of its own (each still matches events), then the whole dataset again."""
    words = _title_words()
    return (words[session % len(words)], "")


@functools.cache
def _title_words() -> list[str]:
    from dashboard.dataset.loading import load_events

    titles = " ".join(load_events()["title"]).lower()
    return sorted({word for word in re.findall(r"[a-z]{4,}", titles)})


async def _sessions(base: str, n: int, options: Options) -> tuple[list[SessionResult], list[float]]:
    ws_url = base.replace("http://", "ws://") + "/_stcore/stream"
    start, done, stop_probe, ran = asyncio.Event(), asyncio.Event(), asyncio.Event(), asyncio.Queue()
    probe_task = asyncio.create_task(probe(ws_url, stop_probe))
    tasks = [asyncio.create_task(run_session(
        ws_url, base + "/", filters=options.filters, start=start, done=done, ran=ran,
        ping_interval=options.ping_interval, ping_timeout=options.ping_timeout,
        first_ping=options.ping_interval * (i + 1) / n, assets=base if options.assets else None,
        values=distinct_values(i) if options.distinct else FILTER_VALUES))
        for i in range(n)]
    start.set()
    try:
        async with asyncio.timeout(options.timeout):
            for _ in range(n):  # every session's runs over (or failed): all were connected together till now
                await ran.get()
            await asyncio.sleep(HOLD_S)
            done.set()
            await asyncio.gather(*tasks, return_exceptions=True)
    except TimeoutError:
        pass
    done.set()
    stop_probe.set()
    results = [t.result() if t.done() and not t.cancelled() else _timed_out(t) for t in tasks]
    latencies = await probe_task
    return results, latencies


def _timed_out(task: asyncio.Task) -> SessionResult:
    task.cancel()
    return SessionResult(error="did not finish within --timeout")


def measure_row(target: str, n: int, options: Options, workdir: Path) -> RowResult:
    script, cwd = (APP_SCRIPT, ROOT) if target == "app" else (_write_minimal(workdir), workdir)
    with serve(script, cwd, workdir, options.server_args) as (base, pid):
        before = cpu_seconds(pid)
        warmup, _ = asyncio.run(_sessions(base, 1, Options(filters=1, timeout=options.timeout)))
        if not warmup[0].completed:
            raise RuntimeError(f"the warm-up session failed: {warmup[0].error}")
        start_cpu, started = cpu_seconds(pid), time.monotonic()
        with RssSampler(pid) as sampler:
            results, latencies = asyncio.run(_sessions(base, n, options))
        cpu, wall = cpu_seconds(pid) - start_cpu, time.monotonic() - started
        time.sleep(SETTLE_S)
        return RowResult(target, n, results, cpu, sampler.peak, rss_mb(pid), latencies, start_cpu - before, wall)


def _write_minimal(workdir: Path) -> str:
    """The minimal page, served with the app's own server options (its .streamlit/config.toml)."""
    path = workdir / "minimal_page.py"
    path.write_text(MINIMAL_PAGE, encoding="utf-8")
    (workdir / ".streamlit").mkdir(exist_ok=True)
    (workdir / ".streamlit" / "config.toml").write_bytes((ROOT / ".streamlit" / "config.toml").read_bytes())
    return str(path)


# ---------------------------------------------------------------- figures


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between ranks; nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def row_figures(row: RowResult) -> dict[str, str]:
    """One table row: times in seconds (p50 / p95 / max), counts, CPU-seconds per session, memory in MB."""
    loads = [r.load_s for r in row.results if r.load_s is not None]
    filters = [s for r in row.results for s in r.filter_s]
    completed = sum(r.completed for r in row.results)
    return {
        "target": row.target,
        "sessions": str(row.sessions),
        "completed": f"{completed}/{row.sessions}",
        "load s p50 / p95 / max": _spread(loads),
        "filter s p50 / p95 / max": _spread(filters),
        "dropped": str(sum(r.dropped for r in row.results)),
        "errors": str(sum(r.error is not None and not r.dropped for r in row.results)),
        "pings unanswered": f"{sum(r.pings_unanswered for r in row.results)}/{sum(r.pings for r in row.results)}",
        "pong s p95 / max": f"{percentile(row.probe_s, 95):.2f} / {max(row.probe_s, default=math.nan):.2f}",
        "server CPU-s / session": f"{row.cpu_s / row.sessions:.2f}",
        "RSS MB peak / after": f"{row.rss_peak_mb:.0f} / {row.rss_after_mb:.0f}",
    }


def _spread(values: Sequence[float]) -> str:
    if not values:
        return "–"
    return f"{percentile(values, 50):.2f} / {percentile(values, 95):.2f} / {max(values):.2f}"


def markdown_table(rows: Sequence[dict[str, str]]) -> str:
    if not rows:
        return ""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row[h] for h in head) + " |" for row in rows]
    return "\n".join(lines)


def first_errors(row: RowResult, limit: int = 3) -> list[str]:
    return sorted({r.error for r in row.results if r.error})[:limit]


# ---------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=list(DEFAULT_SESSIONS))
    parser.add_argument("--targets", nargs="+", choices=DEFAULT_TARGETS, default=list(DEFAULT_TARGETS))
    parser.add_argument("--filters", type=int, default=2, help="filter changes per session after its page load")
    parser.add_argument("--ping-interval", type=float, default=PING_INTERVAL_S)
    parser.add_argument("--ping-timeout", type=float, default=PING_TIMEOUT_S)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed for one row's sessions")
    parser.add_argument("--assets", action="store_true", help="also fetch the map frame's files per session")
    parser.add_argument("--distinct", action="store_true",
                        help="each session searches a word of its own, so no two share a filtered view")
    parser.add_argument("--server-arg", action="append", default=[], metavar="ARG",
                        help="passed to streamlit run, e.g. --server-arg=--server.websocketPingInterval=20")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    options = Options(filters=args.filters, ping_interval=args.ping_interval, ping_timeout=args.ping_timeout,
                      timeout=args.timeout, assets=args.assets, server_args=tuple(args.server_arg),
                      distinct=args.distinct)
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        for target in args.targets:
            for n in args.sessions:
                row = measure_row(target, n, options, Path(tmp))
                rows.append(row_figures(row))
                notes += [f"{target} × {n}: {error}" for error in first_errors(row)]
                notes.append(f"{target} × {n}: first (warm-up) session {row.warmup_cpu_s:.2f} CPU-s, not counted, "
                             f"{row.wall_s:.0f} s wall")
                print(f"done: {target} × {n}", file=sys.stderr, flush=True)
    print(markdown_table(rows))
    print()
    views = "each session its own search word" if args.distinct else f"every session searching {FILTER_VALUES}"
    print(f"{os.cpu_count()} CPUs; {args.filters} filter(s) per session, {views}; keep-alive ping every "
          f"{args.ping_interval:g} s, {args.ping_timeout:g} s timeout; pong: an idle connection pinging every "
          f"{PROBE_INTERVAL_S:g} s.")
    for note in notes:
        print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
