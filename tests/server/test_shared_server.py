"""One shared server for a team: a sweep on two workers logs into `mlflow server` on PostgreSQL,
and the leaderboard and `marsad predict` read runs and artifacts back through it; basic-auth
keeps strangers out; and the drills: the server stopped mid-sweep, PostgreSQL restarted under
it. No finished run is ever lost."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
from mlflow.tracking import MlflowClient

from marsad.server.processes import free_port
from marsad.server.tracking_server import AUTH_PASSWORD_ENV, AUTH_SECRET_ENV, TrackingServer
from tests.tracking.gated import gated_model_config, wait_for
from tests.tracking.sweep_drills import BIN, marsad, run_sweep, runs_of, start_sweep


@pytest.mark.slow
def test_an_8_job_sweep_on_2_workers_reads_back_through_the_server(
    tracking_server, tmp_path, corpus_dir, conf_dir
):
    url, experiment = tracking_server.url, f"team-{tmp_path.name}"
    # ++model.seeded=true: both seeds of the seed-free models run too, so the sweep has 8 real jobs.
    grid = ["task=topic,actor", "model=majority,tfidf_svm", "seed=0,1", "++model.seeded=true"]
    done = run_sweep(tmp_path, corpus_dir, conf_dir, "hydra/launcher=local_parallel", *grid,
                     f"tracking.experiment={experiment}", "tracking.log_model=true", uri=url)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    # MLflow's pickle caution, once per worker process rather than once per model.
    assert done.stdout.count("Saving scikit-learn models in the pickle or cloudpickle format") <= 2

    (parent,), jobs = runs_of(tmp_path, experiment, uri=url)
    assert parent.info.status == "FINISHED" and parent.data.tags["marsad.failed_jobs"] == "0"
    assert len(jobs) == 8 and {j.info.status for j in jobs} == {"FINISHED"}
    assert {j.data.tags["mlflow.parentRunId"] for j in jobs} == {parent.info.run_id}
    assert len({j.data.tags["marsad.pid"] for j in jobs}) == 2, "two worker processes ran the jobs"
    client = MlflowClient(url)
    for job in jobs:
        primary = "macro_f1" if job.data.tags["task"] == "topic" else "micro_f1"
        assert 0.0 <= job.data.metrics[f"test_{primary}"] <= 1.0
        assert job.info.artifact_uri.startswith("mlflow-artifacts:")
        logged = {a.path for a in client.list_artifacts(job.info.run_id)}
        assert {"predictions.parquet", "config.yaml"} <= logged
    models = client.search_logged_models(experiment_ids=[parent.info.experiment_id])
    assert sorted(m.source_run_id for m in models) == sorted(j.info.run_id for j in jobs)
    assert all(m.artifact_location.startswith("mlflow-artifacts:") for m in models)
    # The artifacts live in the server's store, not in any folder the clients share.
    assert len(list(tracking_server.artifacts_dir.rglob("predictions.parquet"))) == 8
    assert not (tmp_path / "mlruns").exists()

    board = marsad("leaderboard", "--tracking-uri", url, "--experiment", experiment,
                   "--sweep", "latest", "--format", "json", "--no-summary-run")  # fmt: skip
    assert board.returncode == 0, board.stderr
    tables = {t["task"]: t for t in json.loads(board.stdout)}
    assert set(tables) == {"topic", "actor"}
    for table in tables.values():
        assert [r["model"] for r in table["rows"]][0] == "tfidf_svm"
        for row in table["rows"]:
            assert row["seeds"] == 2
            # CIs and pooled scores come from predictions.parquet, downloaded through the server.
            assert row["ci_low"] <= row["pooled"] <= row["ci_high"]
        assert table["rows"][0]["ci_low"] > table["rows"][1]["ci_high"]

    (topic_svm,) = [j for j in jobs if j.data.tags["task"] == "topic" and j.data.tags["model"] == "tfidf_svm"
                    and j.data.tags["seed"] == "0"]  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    for text, label in (("غارة وقصف وانفجار في المدينة", "attack"), ("مفاوضات واتفاق ووزير", "political")):
        out = subprocess.run(
            [str(BIN / "marsad"), "predict", topic_svm.info.run_id, "-", "--tracking-uri", url, "--format", "json"],
            input=text, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["results"][0]["label"] == label
    assert list(elsewhere.iterdir()) == []


@pytest.mark.slow
def test_basic_auth_refuses_strangers_and_serves_the_team(postgres, server_root, monkeypatch):
    password = "a-long-admin-password"
    monkeypatch.setenv(AUTH_PASSWORD_ENV, password)
    monkeypatch.setenv(AUTH_SECRET_ENV, "a-random-secret-for-the-test")
    server = TrackingServer(server_root / "auth", postgres.uri, port=free_port(), auth=True)
    server.start()
    try:
        search = f"{server.url}/api/2.0/mlflow/experiments/search?max_results=1"
        assert requests.get(search, timeout=10).status_code == 401
        assert requests.get(search, auth=("admin", "wrong-password"), timeout=10).status_code == 401

        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "admin")
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)
        client = MlflowClient(server.url)
        experiment = client.create_experiment("auth-check")
        run = client.create_run(experiment)
        client.log_metric(run.info.run_id, "test_macro_f1", 0.5)
        client.set_terminated(run.info.run_id)
        read = client.get_run(run.info.run_id)
        assert read.data.metrics["test_macro_f1"] == 0.5 and read.info.status == "FINISHED"
    finally:
        server.stop()


def finished_runs(url: str, experiment: str) -> dict[str, tuple]:
    """run id -> (status, metrics, end time) of every FINISHED run: what must survive a fault."""
    _, jobs = runs_of(Path("."), experiment, uri=url)
    return {j.info.run_id: (j.info.status, j.data.metrics, j.info.end_time) for j in jobs
            if j.info.status == "FINISHED"}  # fmt: skip


@pytest.mark.slow
def test_server_stopped_mid_sweep_fails_jobs_clearly_and_the_resumed_sweep_completes(
    postgres, server_root, tmp_path, corpus_dir, conf_dir
):
    server = TrackingServer(server_root / f"outage-{tmp_path.name}", postgres.uri, port=free_port())
    server.start()
    try:
        url, experiment = server.url, f"outage-{tmp_path.name}"
        gate = tmp_path / "gate"
        gated_model_config(conf_dir, gate)
        # The basic launcher runs the jobs in order: majority ends before gated starts fitting.
        grid = ["task=topic", "model=majority,gated,tfidf_svm", "seed=0", "resume=true",
                f"tracking.experiment={experiment}", "tracking.log_model=true"]  # fmt: skip
        sweep = start_sweep(tmp_path, corpus_dir, conf_dir, *grid, uri=url)
        wait_for(Path(f"{gate}.fitting").exists, "the gated job to start fitting")
        before = finished_runs(url, experiment)
        assert len(before) == 1  # majority

        server.stop()  # mid-fit of the second job
        gate.touch()
        output, _ = sweep.communicate(timeout=300)
        assert sweep.returncode != 0
        clear = f"TrackingError: tracking store {url} is unreachable (connection failed)"
        assert clear in output, output[-3000:]
        assert "Traceback" not in output

        server.start()  # same database, same artifact folder
        assert finished_runs(url, experiment) == before
        (majority,) = before
        client = MlflowClient(url)
        assert {"predictions.parquet", "config.yaml"} <= {a.path for a in client.list_artifacts(majority)}

        resumed = run_sweep(tmp_path, corpus_dir, conf_dir, *grid, uri=url)
        assert resumed.returncode == 0, resumed.stdout[-3000:]
        assert resumed.stdout.count("skip      topic/fixture/majority/seed=0: finished run") == 1
        (parent,), jobs = runs_of(tmp_path, experiment, uri=url)
        assert parent.info.status == "FINISHED" and parent.data.tags["marsad.failed_jobs"] == "0"
        assert sorted(j.data.tags["model"] for j in jobs if j.info.status == "FINISHED") == [
            "gated", "majority", "tfidf_svm"
        ]  # fmt: skip
        assert {j.data.tags["mlflow.parentRunId"] for j in jobs} == {parent.info.run_id}
        after = finished_runs(url, experiment)
        assert after[majority] == before[majority]

        # The job cut off mid-fit could not be marked: reconcile closes it, touching nothing else.
        stranded = [j.info.run_id for j in jobs if j.info.status == "RUNNING"]
        fixed = marsad("runs", "reconcile", "--tracking-uri", url, "--experiment", experiment)
        assert fixed.returncode == 0, fixed.stderr
        assert all(run_id in fixed.stdout for run_id in stranded)
        _, jobs = runs_of(tmp_path, experiment, uri=url)
        assert not [j for j in jobs if j.info.status == "RUNNING"]
        assert finished_runs(url, experiment) == after
    finally:
        server.stop()


@pytest.mark.slow
def test_postgres_restarted_under_a_running_server_loses_no_finished_run(
    tracking_server, postgres, tmp_path, corpus_dir, conf_dir
):
    url, experiment = tracking_server.url, f"pg-restart-{tmp_path.name}"
    grid = ["task=topic", "model=majority,tfidf_svm", f"tracking.experiment={experiment}"]
    first = run_sweep(tmp_path, corpus_dir, conf_dir, *grid, "seed=0", uri=url)
    assert first.returncode == 0, first.stdout[-3000:]
    before = finished_runs(url, experiment)
    assert len(before) == 2

    postgres.restart()  # the server's pooled connections all break
    assert finished_runs(url, experiment) == before  # the client's retries ride over the reconnect
    again = run_sweep(tmp_path, corpus_dir, conf_dir, *grid, "seed=1", uri=url)
    assert again.returncode == 0, again.stdout[-3000:]
    after = finished_runs(url, experiment)
    assert len(after) == 4 and {k: after[k] for k in before} == before
