"""Run Streamlit's command line with every network destination recorded, and every one off this machine refused.

``python -m tests.browser.no_outbound LOG run dashboard/ui/app.py --server.port 8501`` is ``python -m streamlit
run ...`` (what ``make run`` does) under a :func:`sys.addaudithook` hook installed before Streamlit is imported. Each
``socket.connect``, ``socket.sendto``, ``socket.bind``, name look-up (``socket.getaddrinfo``,
``socket.gethostbyname``...) and ``urllib.Request`` becomes one JSON line in ``LOG``: ``{"event", "host",
"port", "outbound"}``. An outbound one (a name that is not localhost, or an address that is not loopback) is
refused by raising ``PermissionError`` in the hook, before the system call: nothing leaves the machine, and the
caller sees an ordinary network error.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
from typing import Any
from urllib.parse import urlsplit

__all__ = ["install", "is_local"]

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
# Audit events that name a destination, and where their host and port are.
SOCKET_EVENTS = {"socket.connect", "socket.sendto", "socket.bind"}
LOOKUP_EVENTS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
                 "socket.getnameinfo"}


def is_local(host: object) -> bool:
    """Whether ``host`` (a name or an address) means this machine: loopback, a wildcard (a bind), or none."""
    if host in (None, "", b""):
        return True
    text = host.decode() if isinstance(host, bytes) else str(host)
    text = text.strip("[]").split("%", 1)[0].lower()
    if text in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False  # a name: looking it up asks a DNS server
    return address.is_loopback or address.is_unspecified


def _destination(event: str, args: tuple[Any, ...]) -> tuple[object, object] | None:
    """(host, port) of an event that names a destination; None for every other event (most of them)."""
    if event in SOCKET_EVENTS:
        sock, address = args[0], args[-1]
        if getattr(sock, "family", None) == getattr(socket, "AF_UNIX", None) or not isinstance(address, tuple):
            return "", str(address)  # a Unix socket: a file on this machine
        return address[0], address[1]
    if event in LOOKUP_EVENTS:
        first = args[0]
        return (first[0], first[1]) if isinstance(first, tuple) else (first, args[1] if len(args) > 1 else None)
    if event == "urllib.Request":
        url = urlsplit(str(args[0]))
        return url.hostname, url.port
    return None


def install(log_path: str) -> None:
    """Record every destination to ``log_path`` (JSON lines, appended) and refuse the outbound ones."""
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if not event.startswith(("socket.", "urllib.")):
            return
        where = _destination(event, args)
        if where is None:
            return
        host, port = where
        outbound = not is_local(host)
        record = {"event": event, "host": _text(host), "port": _text(port), "outbound": outbound}
        os.write(fd, (json.dumps(record) + "\n").encode())
        if outbound:
            raise PermissionError(f"no outbound connection from this server ({event} {host!r})")

    sys.addaudithook(hook)


def _text(value: object) -> object:
    return value.decode(errors="replace") if isinstance(value, bytes) else value if value is None else str(value)


def main() -> None:
    log_path, *args = sys.argv[1:]
    install(log_path)
    sys.argv = ["streamlit", *args]
    from streamlit.web.cli import main as streamlit_main

    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
