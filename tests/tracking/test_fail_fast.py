"""A tracking store that is not there fails before any work, in seconds, in one line naming it;
a store failure while a failed run is being marked does not hide the run's own error."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from marsad.errors import DatasetError, TrackingError
from marsad.run import run_experiment
from marsad.tracking.client import check_reachable
from tests.conftest import FIXTURE_DATASET, compose_config
from tests.tracking.sweep_drills import BIN


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("multirun", [False, True], ids=["run", "sweep"])
def test_an_unreachable_uri_fails_in_seconds_naming_it(tmp_path, multirun):
    uri = f"http://127.0.0.1:{closed_port()}"
    args = [str(BIN / "marsad-run"), *(["--multirun", "seed=0,1"] if multirun else []),
            f"tracking.uri={uri}", "model=majority", f"hydra.sweep.dir={tmp_path}/sweep",
            f"hydra.run.dir={tmp_path}/run"]  # fmt: skip
    start = time.monotonic()
    done = subprocess.run(
        args, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )
    elapsed = time.monotonic() - start
    output = done.stdout + done.stderr
    assert done.returncode != 0
    # The 10 s contract covers the probe; the slack is for starting Python on a busy machine.
    assert elapsed < 20, f"took {elapsed:.1f} s"
    lines = [line for line in output.splitlines() if "TrackingError" in line]
    assert len(lines) == 1 and f"{uri} is unreachable" in lines[0], output
    assert "check that the MLflow server is running" in lines[0]
    assert "Traceback" not in output


def test_a_non_mlflow_server_and_a_missing_sqlite_folder_are_named(tmp_path):
    with socket.socket() as server:  # something listens, but never answers like MLflow
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        start = time.monotonic()
        with pytest.raises(TrackingError, match=rf"http://127.0.0.1:{port} is unreachable \(no answer"):
            check_reachable(f"http://127.0.0.1:{port}")
        assert time.monotonic() - start < 10
    with pytest.raises(
        TrackingError, match=r"sqlite:///.*/missing/mlflow.db: folder .*missing does not exist"
    ):
        check_reachable(f"sqlite:///{tmp_path}/missing/mlflow.db")


def test_a_failure_while_marking_the_run_failed_keeps_the_runs_own_error(tmp_path, corpus_dir, caplog):
    # An experiment whose artifact folder cannot be created: the error.txt upload fails too.
    (tmp_path / "not_a_folder").write_text("")
    client = MlflowClient(f"sqlite:///{tmp_path}/mlflow.db")
    client.create_experiment("marsad", artifact_location=str(tmp_path / "not_a_folder" / "artifacts"))
    (corpus_dir / "fixture" / "articles.jsonl").write_text('{"id": "x", "text": ""\n', encoding="utf-8")
    cfg = compose_config(
        ["task=topic", "model=majority", f"data_root={corpus_dir}"], tmp_path, FIXTURE_DATASET
    )
    with caplog.at_level(logging.ERROR), pytest.raises(DatasetError, match="malformed JSON"):
        run_experiment(cfg)
    (run,) = client.search_runs([client.get_experiment_by_name("marsad").experiment_id])
    assert run.info.status == "FAILED" and "malformed JSON" in run.data.tags["error"]
    assert "could not be marked ended" in caplog.text and "not_a_folder" in caplog.text
    assert not Path(tmp_path / "not_a_folder").is_dir()
