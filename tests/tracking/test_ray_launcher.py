"""Sweeps through `hydra/launcher=ray` on a local Ray instance of 2 CPUs, started by the sweep
(the launcher's `ray.init`) and ended with it: every job lands under the sweep's parent run,
and the kill drill of the submitit launcher holds here too (a job SIGKILLed mid-fit is one
FAILED job, `marsad runs reconcile` marks its run KILLED, the resumed sweep runs only it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.tracking.gated import gated_model_config, wait_for
from tests.tracking.sweep_drills import marsad, run_sweep, runs_of, start_sweep, store_uri

RAY = ["hydra/launcher=ray", "hydra.launcher.ray.init.num_cpus=2"]


def processes_under(folder: str) -> list[str]:
    """Command lines naming `folder`: a raylet, GCS server or worker of the test's Ray instance."""
    listing = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True).stdout
    return [line for line in listing.splitlines() if folder in line and "ps -eo" not in line]


@pytest.fixture
def ray_tmpdir(monkeypatch):
    """Ray's session files in a folder of this test's own (short: Ray's socket paths are limited
    to 107 characters), no token written under ~/.ray, no usage report; afterwards no process of
    that instance is left and the folder is removed."""
    folder = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    monkeypatch.setenv("RAY_TMPDIR", folder)
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    yield folder
    try:
        wait_for(lambda: not processes_under(folder), "the sweep's Ray instance to stop", timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_a_3_job_sweep_on_local_ray_lands_3_children_under_one_parent(
    tmp_path, corpus_dir, conf_dir, ray_tmpdir
):
    done = run_sweep(tmp_path, corpus_dir, conf_dir, *RAY, "task=topic", "model=majority,tfidf_svm,tfidf_cnb")
    assert done.returncode == 0, done.stdout[-3000:]
    assert "Started a local Ray instance" in done.stdout

    (parent,), jobs = runs_of(tmp_path)
    assert parent.info.status == "FINISHED" and parent.data.tags["marsad.failed_jobs"] == "0"
    assert sorted(j.data.tags["model"] for j in jobs) == ["majority", "tfidf_cnb", "tfidf_svm"]
    assert {j.info.status for j in jobs} == {"FINISHED"}
    # The sweep's ids reached the Ray workers through hydra.job.env_set.
    assert {j.data.tags["mlflow.parentRunId"] for j in jobs} == {parent.info.run_id}
    assert {j.data.tags["marsad.sweep_id"] for j in jobs} == {parent.data.tags["marsad.sweep_id"]}
    pids = {j.data.tags["marsad.pid"] for j in jobs}
    assert len(pids) == 3 and parent.data.tags["marsad.pid"] not in pids, "max_calls: 1, a process per job"
    for job in jobs:
        assert 0.0 <= job.data.metrics["test_macro_f1"] <= 1.0


@pytest.mark.slow
def test_a_ray_job_killed_mid_fit_is_reconciled_and_resumed_alone(tmp_path, corpus_dir, conf_dir, ray_tmpdir):
    gate = tmp_path / "gate"
    gated_model_config(conf_dir, gate)
    grid = [*RAY, "task=topic", "model=majority,tfidf_svm,gated", "seed=0", "resume=true"]
    sweep = start_sweep(tmp_path, corpus_dir, conf_dir, *grid)
    fitting = Path(f"{gate}.fitting")
    wait_for(fitting.exists, "the gated job to start fitting")

    def gated_running():
        return [
            j for j in runs_of(tmp_path)[1] if j.data.tags["model"] == "gated" and j.info.status == "RUNNING"
        ]

    (victim,) = wait_for(gated_running, "the gated job's RUNNING run")
    pid = int(victim.data.tags["marsad.pid"])  # the Ray worker running the job
    assert pid == int(fitting.read_text())
    os.kill(pid, signal.SIGKILL)
    output, _ = sweep.communicate(timeout=300)
    assert sweep.returncode != 0, output[-3000:]
    assert "did not finish on Ray" in output  # the launcher names the lost job; Ray did not retry it

    (parent,), jobs = runs_of(tmp_path)
    assert parent.info.status == "FAILED" and parent.data.tags["marsad.failed_jobs"] == "1"
    assert {j.data.tags["mlflow.parentRunId"] for j in jobs} == {parent.info.run_id}
    by_model = {j.data.tags["model"]: j for j in jobs}
    assert len(jobs) == 3 and by_model["gated"].info.status == "RUNNING"  # nothing could mark it
    intact = {name: by_model[name] for name in ("majority", "tfidf_svm")}
    for job in intact.values():
        assert job.info.status == "FINISHED" and 0.0 <= job.data.metrics["test_macro_f1"] <= 1.0
    assert len({j.data.tags["marsad.pid"] for j in jobs}) == 3, "each job ran in its own process"

    fixed = marsad("runs", "reconcile", "--tracking-uri", store_uri(tmp_path))
    assert fixed.returncode == 0, fixed.stderr
    assert victim.info.run_id in fixed.stdout and f"pid {pid}" in fixed.stdout
    assert parent.info.run_id not in fixed.stdout  # closed already: left alone
    statuses = {j.info.run_id: j.info.status for j in runs_of(tmp_path)[1]}
    assert statuses[victim.info.run_id] == "KILLED"
    assert all(statuses[job.info.run_id] == "FINISHED" for job in intact.values())

    gate.touch()  # the drill is over: the resumed job may fit
    resumed = run_sweep(tmp_path, corpus_dir, conf_dir, *grid)
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    latest = max((tmp_path / "sweeps").iterdir())
    skipped = [p.parent.name for p in latest.glob("*/run.log") if "skip " in p.read_text(encoding="utf-8")]
    assert sorted(skipped) == ["0", "1"]  # majority and tfidf_svm
    (parent_again,), jobs = runs_of(tmp_path)
    assert parent_again.info.run_id == parent.info.run_id
    assert parent_again.info.status == "FINISHED" and parent_again.data.tags["marsad.failed_jobs"] == "0"
    gated = sorted(j.info.status for j in jobs if j.data.tags["model"] == "gated")
    assert gated == ["FINISHED", "KILLED"]
    for name, job in intact.items():
        (same,) = [j for j in jobs if j.data.tags["model"] == name]
        assert same.info.run_id == job.info.run_id and same.data.metrics == job.data.metrics
