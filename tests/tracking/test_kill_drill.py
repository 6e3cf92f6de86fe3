"""Drill: one job of a sweep is SIGKILLed mid-fit (each job in its own process, through
submitit's local executor). The other jobs finish intact, `marsad runs reconcile` marks the
killed run KILLED, and the resumed sweep runs only the missing job."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.tracking.gated import gated_model_config, wait_for
from tests.tracking.sweep_drills import marsad, run_sweep, runs_of, start_sweep, store_uri


def by_model(jobs) -> dict[str, list]:
    found: dict[str, list] = {}
    for job in jobs:
        found.setdefault(job.data.tags["model"], []).append(job)
    return found


@pytest.mark.slow
def test_a_job_killed_mid_fit_is_reconciled_and_resumed_alone(tmp_path, corpus_dir, conf_dir):
    gate = tmp_path / "gate"
    gated_model_config(conf_dir, gate)
    grid = ["hydra/launcher=local_submitit", "task=topic", "model=majority,tfidf_svm,gated", "seed=0",
            "resume=true"]  # fmt: skip
    sweep = start_sweep(tmp_path, corpus_dir, conf_dir, *grid)
    fitting = Path(f"{gate}.fitting")
    wait_for(fitting.exists, "the gated job to start fitting")

    def gated_running():
        return [
            j for j in runs_of(tmp_path)[1] if j.data.tags["model"] == "gated" and j.info.status == "RUNNING"
        ]

    (victim,) = wait_for(gated_running, "the gated job's RUNNING run")
    pid = int(victim.data.tags["marsad.pid"])  # what a user reads off the run to find its process
    assert pid == int(fitting.read_text())
    os.kill(pid, signal.SIGKILL)
    output, _ = sweep.communicate(timeout=300)
    assert sweep.returncode != 0, output[-3000:]

    (parent,), jobs = runs_of(tmp_path)
    assert parent.info.status == "FAILED" and parent.data.tags["marsad.failed_jobs"] == "1"
    assert {j.data.tags["mlflow.parentRunId"] for j in jobs} == {parent.info.run_id}
    models = by_model(jobs)
    assert [j.info.status for j in models["gated"]] == ["RUNNING"]  # nothing could mark it
    intact = {name: models[name][0] for name in ("majority", "tfidf_svm")}
    for job in intact.values():
        assert job.info.status == "FINISHED" and 0.0 <= job.data.metrics["test_macro_f1"] <= 1.0
    assert len({j.data.tags["marsad.pid"] for j in jobs}) == 3, "each job ran in its own process"

    fixed = marsad("runs", "reconcile", "--tracking-uri", store_uri(tmp_path))
    assert fixed.returncode == 0, fixed.stderr
    assert victim.info.run_id in fixed.stdout and f"pid {pid}" in fixed.stdout
    assert parent.info.run_id not in fixed.stdout  # closed already: left alone
    (_, jobs) = runs_of(tmp_path)
    statuses = {j.info.run_id: j.info.status for j in jobs}
    assert statuses[victim.info.run_id] == "KILLED"
    assert all(statuses[job.info.run_id] == "FINISHED" for job in intact.values())

    gate.touch()  # the drill is over: the resumed job may fit
    resumed = run_sweep(tmp_path, corpus_dir, conf_dir, *grid)
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    latest = max((tmp_path / "sweeps").iterdir())  # submitit jobs log to their own folders
    skipped = [p.parent.name for p in latest.glob("*/run.log") if "skip " in p.read_text(encoding="utf-8")]
    assert sorted(skipped) == ["0", "1"]  # majority and tfidf_svm
    (parent_again,), jobs = runs_of(tmp_path)
    assert parent_again.info.run_id == parent.info.run_id
    assert parent_again.info.status == "FINISHED" and parent_again.data.tags["marsad.failed_jobs"] == "0"
    models = by_model(jobs)
    assert sorted(j.info.status for j in models["gated"]) == ["FINISHED", "KILLED"]
    for name, job in intact.items():
        (same,) = models[name]
        assert same.info.run_id == job.info.run_id and same.data.metrics == job.data.metrics
