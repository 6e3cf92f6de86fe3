"""Two worker processes writing one local sqlite file: every run of the sweep lands."""

from __future__ import annotations

import pytest

from tests.tracking.sweep_drills import run_sweep, runs_of


@pytest.mark.slow
def test_an_8_job_sweep_on_2_workers_loses_no_run_to_sqlite_locks(tmp_path, corpus_dir, conf_dir):
    # ++model.seeded=true: both seeds of the seed-free models run too, so the sweep has 8 real jobs.
    grid = ["hydra/launcher=local_parallel", "task=topic,actor", "model=majority,tfidf_svm", "seed=0,1",
            "++model.seeded=true"]  # fmt: skip
    done = run_sweep(tmp_path, corpus_dir, conf_dir, *grid)
    assert done.returncode == 0, done.stdout[-3000:]

    (parent,), jobs = runs_of(tmp_path)
    assert parent.info.status == "FINISHED" and parent.data.tags["marsad.failed_jobs"] == "0"
    assert sorted((j.data.tags["task"], j.data.tags["model"], j.data.tags["seed"]) for j in jobs) == sorted(
        (task, model, seed)
        for task in ("topic", "actor")
        for model in ("majority", "tfidf_svm")
        for seed in "01"
    )
    assert {j.info.status for j in jobs} == {"FINISHED"}
    assert {j.data.tags["mlflow.parentRunId"] for j in jobs} == {parent.info.run_id}
    assert len({j.data.tags["marsad.pid"] for j in jobs}) == 2, "two worker processes wrote the file"
    for job in jobs:
        assert job.data.metrics, f"run {job.info.run_id} has no metrics"
    # Each job, whichever worker ran it, said where the sweep was when it ended.
    (sweep_dir,) = (tmp_path / "sweeps").iterdir()
    said = [line for log in sweep_dir.glob("*/run.log") for line in log.read_text(encoding="utf-8").splitlines()
            if "sweep     job " in line]  # fmt: skip
    assert sorted(int(line.split("job ")[1].split("/")[0]) for line in said) == list(range(1, 9))
    assert all("/8 done" in line for line in said)
    assert sum("left" in line for line in said) == 7  # every job but the last has an estimate
