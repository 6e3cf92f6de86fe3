"""The one way Marsad opens an MLflow tracking store: which URI, a client bound to it, and what
happens when the store is not there.

Every command that reads or writes runs goes through here, with the URI it was given: nothing
relies on MLflow's process-global tracking URI, so one process can use several stores.

Failing fast: MLflow's own HTTP defaults (7 retries, backoff factor 2, 120 s timeout) keep a
client against a dead server busy for minutes. Importing this module lowers them, as defaults a
user can still override in the environment (workers inherit them), and `check_reachable` asks
the store once, without retries, before any work. A store that goes away later raises
`TrackingError` naming its URI from every call made through `tracking_client`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from marsad.errors import TrackingError

log = logging.getLogger(__name__)
DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
# About 6-9 s of retries (0, 2, 4 s + jitter) ride out a restarting server without hiding a dead one.
HTTP_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}
PROBE_TIMEOUT_SECONDS = 5
LOCKED_RETRIES = 8  # sqlite "database is locked" past MLflow's 20 s busy_timeout: back off, retry
for _name, _value in HTTP_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
# Each retry would print a warning; the outcome is said once, as a TrackingError naming the URI.
logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)


def resolve_uri(uri: str | None) -> str:
    """The URI given, else `$MLFLOW_TRACKING_URI`, else the local sqlite file."""
    return uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def _unreachable_reason(err: BaseException) -> str | None:
    """Why `err` means the store cannot be reached (a connection/timeout/retry failure anywhere in
    its chain), or None for an ordinary MLflow error (bad request, missing run, ...)."""
    import requests

    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, requests.exceptions.RetryError):
            return "it kept answering with server errors"
        timed_out = isinstance(seen, requests.exceptions.Timeout) or "timed out" in str(seen)
        if isinstance(seen, requests.exceptions.RequestException) and timed_out:
            return "no answer within the timeout"
        if isinstance(seen, requests.exceptions.ConnectionError):
            return "connection failed"
        seen = seen.__cause__ or seen.__context__
    return None


def unreachable_error(uri: str, reason: str) -> TrackingError:
    return TrackingError(
        f"tracking store {uri} is unreachable ({reason}): check that the MLflow server is running "
        f"and the URI is right (tracking.uri=... or $MLFLOW_TRACKING_URI)"
    )


def _is_locked(err: BaseException) -> bool:
    return "database is locked" in str(err)


@contextmanager
def store_errors(uri: str) -> Iterator[None]:
    """Turn a lost connection to the store into the one-line `TrackingError` naming `uri`."""
    from mlflow.exceptions import MlflowException
    from requests.exceptions import RequestException

    try:
        yield
    except (MlflowException, RequestException) as err:
        reason = _unreachable_reason(err)
        if reason is None:
            raise
        raise unreachable_error(uri, reason) from err


def _retrying(uri: str, method: Callable) -> Callable:
    """`method` with sqlite lock retries and store errors named after `uri`."""
    from mlflow.exceptions import MlflowException

    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(LOCKED_RETRIES + 1):
            try:
                with store_errors(uri):
                    return method(*args, **kwargs)
            except MlflowException as err:
                if not _is_locked(err) or attempt == LOCKED_RETRIES:
                    raise
                delay = min(2**attempt, 10) * (0.5 + random.random())
                log.warning("%s: database is locked, retry %d in %.1f s", uri, attempt + 1, delay)
                time.sleep(delay)

    return call


SQLITE_HEADER = b"SQLite format 3\x00"


@cache
def check_sqlite_store(uri: str) -> None:
    """Refuse a `sqlite:///` file that is not an MLflow tracking database before MLflow opens it:
    a text file would surface as SQLAlchemy's traceback, and another program's database would
    silently get MLflow's tables added. A missing or empty file is a new store; MLflow creates it."""
    import sqlite3

    if not uri.startswith("sqlite:///"):
        return
    path = Path(uri.removeprefix("sqlite:///"))
    if not path.is_file() or path.stat().st_size == 0:
        return
    fix = (
        "expected an MLflow tracking database (one marsad-run wrote), or a new file for marsad-run to create"
    )
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise TrackingError(f"tracking store {uri}: {path} is not a SQLite file; {fix}")
    try:
        with contextlib.closing(
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        ) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        raise TrackingError(
            f"tracking store {uri}: {path} is not a readable SQLite database ({err}); {fix}"
        ) from err
    if tables and not {"experiments", "runs", "alembic_version"} <= tables:
        found = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise TrackingError(f"tracking store {uri}: {path} is a SQLite database without MLflow's tables "
                            f"(it has {found}); {fix}")  # fmt: skip


class TrackingClient:
    """An `MlflowClient` whose every method retries a locked sqlite file and raises
    `TrackingError` (naming the URI) when the store is unreachable. Attributes pass through."""

    def __init__(self, uri: str) -> None:
        from mlflow.tracking import MlflowClient

        check_sqlite_store(uri)
        self._client = MlflowClient(uri)
        self.tracking_uri = uri

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_client":  # pickling probes these before __init__ ran
            raise AttributeError(name)
        value = getattr(self._client, name)
        return _retrying(self.tracking_uri, value) if callable(value) else value


def tracking_client(uri: str | None = None) -> TrackingClient:
    """A client bound to `uri` (resolved as `resolve_uri` does)."""
    return TrackingClient(resolve_uri(uri))


def _probe_http(uri: str) -> None:
    from mlflow.exceptions import MlflowException
    from mlflow.utils.credentials import get_default_host_creds
    from mlflow.utils.rest_utils import http_request

    try:
        response = http_request(
            get_default_host_creds(uri),
            "/api/2.0/mlflow/experiments/get-by-name",
            "GET",
            max_retries=0,
            timeout=PROBE_TIMEOUT_SECONDS,
            raise_on_status=False,
            params={"experiment_name": "marsad-probe"},
        )
    except MlflowException as err:
        raise unreachable_error(uri, _unreachable_reason(err) or str(err).splitlines()[0]) from err
    if response.status_code == 401:
        raise TrackingError(
            f"tracking server {uri} refused the request (HTTP 401, not authenticated): set "
            "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD"
        )
    if response.status_code == 403:
        raise TrackingError(
            f"tracking server {uri} refused the request (HTTP 403): the user in "
            "MLFLOW_TRACKING_USERNAME lacks permission"
        )
    answered = response.status_code == 200 or "RESOURCE_DOES_NOT_EXIST" in response.text
    if not answered:
        raise TrackingError(
            f"tracking URI {uri} does not answer as an MLflow server (HTTP {response.status_code} on "
            "/api/2.0/mlflow/experiments/get-by-name): check the host, port and path"
        )


@cache
def check_reachable(uri: str) -> None:
    """One cheap request (no retries, 5 s timeout) before any work; cached per process.

    A refused, silent or non-MLflow http(s) URI, or a sqlite file in a missing folder, raises
    `TrackingError` naming the URI and what to check.
    """
    if uri.startswith(("http://", "https://")):
        _probe_http(uri)
    elif uri.startswith("sqlite:///"):
        folder = Path(uri.removeprefix("sqlite:///")).parent
        if not folder.is_dir():
            raise TrackingError(f"tracking store {uri}: folder {folder} does not exist; create it first")


def artifact_location(uri: str, name: str) -> str | None:
    """Where a new experiment keeps its artifacts: for a sqlite file, `mlruns/` beside it (MLflow's
    default is `./mlruns` in whatever folder the first run started from); a server decides itself."""
    if not uri.startswith("sqlite:///"):
        return None
    folder = Path(uri.removeprefix("sqlite:///")).resolve().parent / "mlruns"
    return (folder / re.sub(r"[^\w.-]+", "_", name)).as_uri()


@cache
def experiment_id(uri: str, name: str) -> str:
    """The id of experiment `name` at `uri`, created if missing; cached per process."""
    from mlflow.exceptions import MlflowException

    client = tracking_client(uri)
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    try:
        return client.create_experiment(name, artifact_location=artifact_location(uri, name))
    except MlflowException:  # another worker created it first
        found = client.get_experiment_by_name(name)
        if found is None:
            raise
        return found.experiment_id
