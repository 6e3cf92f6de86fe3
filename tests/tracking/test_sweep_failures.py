"""A sweep with a failing job still closes its parent; resumed, it runs only what is missing."""

from __future__ import annotations

import json

import pytest

from tests.tracking.sweep_drills import marsad, run_sweep, runs_of, store_uri


@pytest.mark.slow
def test_a_failing_job_closes_the_parent_failed_and_resume_runs_only_that_job(tmp_path, corpus_dir, conf_dir):
    articles = corpus_dir / "fixture" / "articles.jsonl"
    good = articles.read_text(encoding="utf-8")
    pairs = corpus_dir / "fixture" / "pairs.csv"
    pairs_text = pairs.read_text(encoding="utf-8")
    pairs.write_text("claim,text\nonly a header and a row with no stance column,x\n", encoding="utf-8")
    grid = ["task=topic,stance", "model=majority", "seed=0", "resume=true"]

    first = run_sweep(tmp_path, corpus_dir, conf_dir, *grid)
    assert first.returncode != 0
    (parent,), jobs = runs_of(tmp_path)
    assert parent.info.status == "FAILED" and parent.data.tags["marsad.failed_jobs"] == "1"
    assert sorted((j.data.tags["task"], j.info.status) for j in jobs) == [
        ("stance", "FAILED"),
        ("topic", "FINISHED"),
    ]
    assert all(j.data.tags["mlflow.parentRunId"] == parent.info.run_id for j in jobs)

    board = marsad("leaderboard", "--tracking-uri", store_uri(tmp_path), "--sweep", "latest",
                   "--format", "json", "--no-summary-run")  # fmt: skip
    assert board.returncode == 0, board.stderr
    assert {row["task"] for row in json.loads(board.stdout)} == {"topic"}

    pairs.write_text(pairs_text, encoding="utf-8")  # the data is fixed: resume the same sweep
    assert articles.read_text(encoding="utf-8") == good
    second = run_sweep(tmp_path, corpus_dir, conf_dir, *grid)
    assert second.returncode == 0, second.stdout[-3000:]
    assert second.stdout.count("skip      topic/fixture/majority/seed=0: finished run") == 1
    (resumed,), jobs = runs_of(tmp_path)
    assert resumed.info.run_id == parent.info.run_id  # the same sweep, continued
    assert resumed.info.status == "FINISHED" and resumed.data.tags["marsad.failed_jobs"] == "0"
    assert sorted((j.data.tags["task"], j.info.status) for j in jobs) == [
        ("stance", "FAILED"), ("stance", "FINISHED"), ("topic", "FINISHED"),
    ]  # fmt: skip
    board = marsad("leaderboard", "--tracking-uri", store_uri(tmp_path), "--sweep", "latest",
                   "--format", "json", "--no-summary-run")  # fmt: skip
    assert board.returncode == 0, board.stderr
    assert {row["task"] for row in json.loads(board.stdout)} == {"topic", "stance"}
