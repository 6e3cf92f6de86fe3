"""`mlflow server` on a SQL backend store, serving artifacts itself (`mlflow-artifacts:` URIs), so
clients on other machines need no shared file system.

It binds 127.0.0.1 unless told otherwise; any other host requires MLflow's basic-auth app. The
process runs detached (its own session) with its pid and log under the folder, so `stop` and
`status` work from another shell.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import ServerError
from marsad.server.processes import LOOPBACK, port_open, read_pid, wait_until

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
ADMIN_USER = "admin"
AUTH_PASSWORD_ENV = "MLFLOW_AUTH_ADMIN_PASSWORD"
AUTH_SECRET_ENV = "MLFLOW_FLASK_SERVER_SECRET_KEY"
MIN_PASSWORD = 12  # MLflow's basic-auth app refuses shorter passwords


@dataclass
class TrackingServer:
    """`mlflow server` with its artifacts, log, pid (and auth database) under `folder`."""

    folder: Path
    backend_uri: str
    port: int = 5000
    host: str = LOOPBACK
    auth: bool = False
    workers: int = 2

    def __post_init__(self) -> None:
        self.folder = Path(self.folder).resolve()
        if self.host not in LOOPBACK_HOSTS and not self.auth:
            raise ServerError(
                f"refusing to expose the tracking server on {self.host} without authentication: add --auth "
                f"(MLflow's basic-auth app; set ${AUTH_PASSWORD_ENV} and ${AUTH_SECRET_ENV})"
            )

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK if self.host == '0.0.0.0' else self.host}:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.folder / "mlflow-server.pid"

    @property
    def log_file(self) -> Path:
        return self.folder / "mlflow-server.log"

    @property
    def artifacts_dir(self) -> Path:
        return self.folder / "artifacts"

    def command(self) -> list[str]:
        args = [
            sys.executable, "-m", "mlflow", "server", "--host", self.host, "--port", str(self.port),
            "--workers", str(self.workers),
            "--serve-artifacts", "--artifacts-destination", str(self.artifacts_dir),
        ]  # fmt: skip
        return [*args, "--app-name", "basic-auth"] if self.auth else args

    def _environment(self) -> dict[str, str]:
        """The backend URI (holding the database password) goes by environment, not argv, so
        `ps` does not show it; auth settings live in an ini under the folder."""
        env = {**os.environ, "MLFLOW_BACKEND_STORE_URI": self.backend_uri}
        if self.auth:
            password = os.environ.get(AUTH_PASSWORD_ENV, "")
            if len(password) < MIN_PASSWORD or not os.environ.get(AUTH_SECRET_ENV):
                raise ServerError(
                    f"--auth needs ${AUTH_PASSWORD_ENV} (the admin password, at least {MIN_PASSWORD} "
                    f"characters) and ${AUTH_SECRET_ENV} (a random secret) in the environment"
                )
            ini = self.folder / "basic_auth.ini"
            ini.write_text(
                "[mlflow]\ndefault_permission = READ\n"
                f"database_uri = sqlite:///{self.folder / 'basic_auth.db'}\nadmin_username = {ADMIN_USER}\n"
                "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
            )
            env["MLFLOW_AUTH_CONFIG_PATH"] = str(ini)
        return env

    def running(self) -> bool:
        return read_pid(self.pid_file) is not None

    def start(self, timeout: float = 90) -> None:
        """Start detached and wait until it answers on /health."""
        if self.running():
            return
        if port_open(self.host, self.port):
            raise ServerError(f"port {self.port} on {self.host} is taken by another program: choose --port")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.artifacts_dir.mkdir(exist_ok=True)
        env = self._environment()
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(
                self.command(), cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.pid_file.write_text(f"{proc.pid}\n")

        def ready() -> bool:
            if proc.poll() is not None:
                raise ServerError(f"mlflow server exited with status {proc.returncode}: see {self.log_file}")
            return self._healthy()

        wait_until(ready, timeout, f"mlflow server on {self.url}", self.log_file)

    def _healthy(self) -> bool:
        import requests

        try:
            return requests.get(f"{self.url}/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to the server's process group (uvicorn and its workers), SIGKILL if it lingers."""
        pid = read_pid(self.pid_file)
        if pid is None:
            return
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while read_pid(self.pid_file) is not None and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.2)
        if read_pid(self.pid_file) is not None:
            os.killpg(pid, signal.SIGKILL)
        _reap(pid)
        self.pid_file.unlink(missing_ok=True)

    def status(self) -> str:
        if not self.running():
            return f"mlflow server stopped ({self.folder})"
        health = "answering" if self._healthy() else "not answering"
        return f"mlflow server running on {self.url} ({health}), artifacts in {self.artifacts_dir}"


def _reap(pid: int) -> None:
    """Collect the exit status when we are the parent (a test's fixture), so the pid disappears."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
