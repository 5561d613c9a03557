"""No outbound connection from the server, ever: ``make run``'s command with the shipped configuration, under an
audit hook (tests/browser/no_outbound.py) that records every network destination and refuses those off this
machine, through start-up, a page load and a filter change in Chromium (itself cut off at localhost).

Without ``server.address`` in .streamlit/config.toml, a headless start looks up the machine's public address
(checkip.amazonaws.com) and its network address (a UDP socket "connected" to 8.8.8.8) only to print them: the
negative controls below show the hook catching exactly that, refused before anything leaves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, Server, start_server, stop_server

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 20_000


def records(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def guarded(log: Path, code: str, cwd: Path = ROOT) -> str:
    """Run ``code`` in a fresh Python under the hook, in ``cwd`` (whose .streamlit/config.toml Streamlit reads);
    its standard output."""
    script = f"from tests.browser.no_outbound import install\ninstall({str(log)!r})\n" + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=60,
                          check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return done.stdout.strip()


def start_guarded(log: Path, log_dir: Path) -> Server:
    """``make run``'s Streamlit command (after ``python -m dashboard assets``, which the tests' static folder has
    had) under the hook, nothing added but the port: address, headless mode and usage statistics come from the
    shipped config."""
    return start_server(log_dir, launcher=("tests.browser.no_outbound", str(log)), args=(),
                        env={"PYTHONPATH": str(ROOT)}, timeout=30)


@pytest.mark.browser
def test_the_shipped_server_never_connects_outside(offline_page, tmp_path):
    log = tmp_path / "destinations.jsonl"
    server = start_guarded(log, tmp_path)
    url = server.url
    try:
        offline_page.goto(url, timeout=TIMEOUT_MS)
        frame = offline_page.wait_for_selector(MAP_FRAME, timeout=TIMEOUT_MS).content_frame()
        frame.wait_for_function("() => window.map && document.querySelectorAll('path.leaflet-interactive').length",
                                timeout=TIMEOUT_MS)
        offline_page.locator('[data-testid="stMultiSelect"]', has_text="Countries").locator("input").click()
        offline_page.keyboard.type("Taiwan")
        offline_page.keyboard.press("Enter")
        offline_page.wait_for_url("**country=TWN*", timeout=TIMEOUT_MS)  # the run after the filter has ended
    finally:
        stop_server(server)
    seen = records(log)
    port = int(url.rsplit(":", 1)[1])
    # The hook was live in the server: it saw the server take its port, on loopback.
    assert {"event": "socket.bind", "host": "127.0.0.1", "port": str(port), "outbound": False} in seen
    assert [r for r in seen if r["outbound"]] == []
    assert "Did not auto detect external IP" not in server.log.read_text()
    assert f"URL: http://127.0.0.1:{port}" in server.log.read_text()
    assert offline_page.traffic.blocked == []


def test_the_hook_catches_and_refuses_the_address_lookups(tmp_path):
    """A negative control: Streamlit's two look-ups, called directly, are recorded as outbound and refused, so
    they fail as they would offline (nothing was sent)."""
    log = tmp_path / "destinations.jsonl"
    out = guarded(log, """
        from streamlit import net_util
        print(net_util.get_external_ip(), net_util.get_internal_ip())
    """)
    assert out.splitlines()[-1] == "None 127.0.0.1"
    outbound = {(r["event"], r["host"]) for r in records(log) if r["outbound"]}
    assert ("socket.getaddrinfo", "checkip.amazonaws.com") in outbound
    assert ("socket.connect", "8.8.8.8") in outbound


# How Streamlit prints its URLs at start-up, for an address setting: (options set, whether it looks up the
# machine's addresses).
PRINT_URL_CASES = [
    ({}, True),  # no address (Streamlit's default): the public address is fetched just to print it
    ({"server.address": "127.0.0.1"}, False),  # the shipped config
    ({"server.address": "0.0.0.0"}, True),  # without the shipped browser.serverAddress: the look-up is back
    ({"server.address": "0.0.0.0", "browser.serverAddress": "dashboard.example.org"}, False),  # the README's way
    ({"server.address": "0.0.0.0", "browser.serverAddress": "127.0.0.1"}, False),  # shipped config + a bare 0.0.0.0
    ({"server.address": "0.0.0.0", "logger.hideWelcomeMessage": True}, False),  # or no URL printed at all
]


@pytest.mark.parametrize(("options", "looks_up"), PRINT_URL_CASES)
def test_which_address_settings_look_up_the_machines_address(tmp_path, options, looks_up):
    log = tmp_path / "destinations.jsonl"
    guarded(log, f"""
        from streamlit import config
        from streamlit.web import bootstrap
        config.get_config_options(force_reparse=True)  # in an empty folder: no config file but the user's
        config.set_option("server.headless", True, "command-line")
        for key, value in {options!r}.items():
            config.set_option(key, value, "command-line")
        bootstrap._print_url(False)
    """, cwd=tmp_path)
    assert any(r["outbound"] for r in records(log)) is looks_up
