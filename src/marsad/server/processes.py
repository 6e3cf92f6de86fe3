"""Small helpers for the server programs: a free loopback port, waiting for a port to answer,
and whether a recorded pid is still alive."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from marsad.errors import ServerError

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((LOOPBACK if host == "0.0.0.0" else host, port)) == 0


def read_pid(pid_file: Path) -> int | None:
    """The pid recorded in `pid_file` when that process is still alive, else None."""
    if not pid_file.is_file():
        return None
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def wait_until(check, timeout: float, what: str, log_file: Path) -> None:
    """Poll `check()` until true; past `timeout` seconds raise ServerError pointing at the log."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise ServerError(f"{what} did not come up within {timeout:.0f} s: see {log_file}")
        time.sleep(0.2)
