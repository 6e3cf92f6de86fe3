"""The shared tracking server, real: Debian's PostgreSQL in a temporary folder on 127.0.0.1 and
`mlflow server` on top of it, started once per test session through Marsad's own server code
(what `marsad server db|tracking start` runs) and stopped at the end.

PostgreSQL is installed from Debian when missing (CI runs as root on a fresh image)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.errors import ServerError
from marsad.server.postgres import PostgresServer, pg_bin
from marsad.server.processes import free_port
from marsad.server.tracking_server import TrackingServer


def ensure_postgresql() -> None:
    """Install Debian's `postgresql` package when its programs are missing."""
    try:
        pg_bin()
        return
    except ServerError:
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            raise
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "postgresql"]):
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, timeout=600)
    pg_bin()


@pytest.fixture(scope="session")
def server_root() -> Iterator[Path]:
    """Not under pytest's tmp folder: that one is mode 0700, and the `postgres` user must reach
    its data directory."""
    folder = Path(tempfile.mkdtemp(prefix="marsad-server-"))
    folder.chmod(0o711)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres(server_root: Path) -> Iterator[PostgresServer]:
    ensure_postgresql()
    pg = PostgresServer(server_root / "postgres", port=free_port())
    pg.start()
    yield pg
    pg.stop()


@pytest.fixture(scope="session")
def tracking_server(server_root: Path, postgres: PostgresServer) -> Iterator[TrackingServer]:
    server = TrackingServer(server_root / "tracking", postgres.uri, port=free_port())
    server.start()
    yield server
    server.stop()
