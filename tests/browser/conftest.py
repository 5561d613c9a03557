"""Real-browser fixtures: the app served on a free local port, and Debian's Chromium driven by Playwright.

Every request that would leave localhost is aborted and recorded, so a test can assert that none was made.
The browser is the system Chromium (``apt-get install chromium``), never Playwright's own download. In CI
(``CI`` set) a missing browser is an error; elsewhere the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_ARGS = ["--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"]


def chromium_path() -> str | None:
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    return next((path for name in CHROMIUM_CANDIDATES if (path := shutil.which(name))), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


# What the tests and benchmarks add to ``streamlit run``: loopback only, no browser, no statistics.
TEST_ARGS = ("--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false")


def start_server(log_dir: Path, *, env: dict[str, str] | None = None, script: str = "dashboard/ui/app.py",
                 cwd: Path = ROOT, args: Sequence[str] = TEST_ARGS, launcher: Sequence[str] = ("streamlit",),
                 timeout: float = 60.0) -> Server:
    """``python -m <launcher> run <script> --server.port P <args>`` (the app, unless told) from ``cwd`` (the project
    folder by default, so that its ``.streamlit/config.toml`` applies) on a free port; returns once its health check
    answers. The log is ``log_dir/streamlit-P.log``."""
    port = free_port()
    log = log_dir / f"streamlit-{port}.log"
    with log.open("w") as handle:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", *launcher, "run", script, "--server.port", str(port), *args],
            cwd=cwd, stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return Server(url, process, log)
        except OSError:
            time.sleep(0.1)
    stop_server(Server(url, process, log))
    raise RuntimeError(f"streamlit did not answer within {timeout:g} s: {log.read_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install chromium")
        pytest.skip("no Chromium found (apt-get install chromium, or set CHROMIUM=/path/to/chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable: str):
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, args=args, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("server"))
    yield running
    stop_server(running)


@dataclass
class Traffic:
    """What the page asked for: requests sent to localhost, and those blocked because they were not."""

    local: list[tuple[str, str]] = field(default_factory=list)  # (resource type, url)
    blocked: list[tuple[str, str]] = field(default_factory=list)


def open_offline_page(browser, *, width: int = 1400, height: int = 1000, **options):
    """A fresh page (in a context of its own, ``page.context``) whose network ends at localhost: every other
    request is aborted and recorded in ``page.traffic``."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    traffic = Traffic()

    def route(route, request):
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            traffic.local.append((request.resource_type, request.url))
            route.continue_()
        else:
            traffic.blocked.append((request.resource_type, request.url))
            route.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.traffic = traffic
    return page


@pytest.fixture
def offline_page(browser):
    """A fresh page whose network ends at localhost: every other request is aborted and recorded."""
    page = open_offline_page(browser, accept_downloads=True)
    yield page
    page.context.close()
