"""A model whose fit ignores the seed (`seeded: false`) runs once per sweep; the board says so."""

from __future__ import annotations

import json

import pytest

from tests.tracking.sweep_drills import marsad, run_sweep, runs_of, store_uri


@pytest.mark.slow
def test_a_seed_free_model_runs_at_the_first_seed_only_and_the_board_says_so(tmp_path, corpus_dir, conf_dir):
    done = run_sweep(tmp_path, corpus_dir, conf_dir, "task=topic", "model=majority,stratified", "seed=0,1,2")
    assert done.returncode == 0, done.stdout[-3000:]
    assert done.stdout.count("its fit ignores the seed (seeded: false)") == 2
    assert "sweep: 2 of 6 jobs repeat a seed-free model at another seed: skipped" in done.stdout

    (parent,), jobs = runs_of(tmp_path)
    assert parent.info.status == "FINISHED" and parent.data.tags["marsad.failed_jobs"] == "0"
    ran = sorted((j.data.tags["model"], j.data.tags["seed"], j.data.tags.get("seeded")) for j in jobs)
    assert ran == [("majority", "0", "false"), ("stratified", "0", None), ("stratified", "1", None),
                   ("stratified", "2", None)]  # fmt: skip

    board = marsad(
        "leaderboard", "--tracking-uri", store_uri(tmp_path), "--format", "json", "--no-summary-run"
    )
    assert board.returncode == 0, board.stderr
    rows = {r["model"]: r for r in json.loads(board.stdout)[0]["rows"]}
    assert (rows["majority"]["seeds"], rows["majority"]["seed_free"]) == (1, True)
    assert (rows["stratified"]["seeds"], rows["stratified"]["seed_free"]) == (3, False)
    page = marsad(
        "leaderboard", "--tracking-uri", store_uri(tmp_path), "--format", "markdown", "--no-summary-run"
    )
    assert "| majority | 1 (fixed) |" in page.stdout
    assert "the model's fit ignores the seed" in page.stdout
    table = marsad(
        "leaderboard", "--tracking-uri", store_uri(tmp_path), "--no-summary-run"
    )  # the default format
    assert table.returncode == 0, table.stderr
    assert "1 (fixed)" in table.stdout
