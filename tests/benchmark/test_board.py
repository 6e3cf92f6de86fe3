"""The board from result files: the Marsad score is the mean of task scores, its CI and rank
groups come from the paired replicates, and results of other versions or data are refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from marsad.benchmark import BenchmarkError, load_benchmark
from marsad.benchmark.board import build_board
from marsad.benchmark.render import to_html, to_json, to_markdown
from marsad.benchmark.results import SCHEMA, check_result, load_results, result_path, write_result

BENCH_YAML = """
name: mini-bench
version: "2"
description: two tasks
tasks:
  topic_a:
    title: Topic A
    task: topic
    train: {dataset: marsad_mini}
    evaluate: {dataset: marsad_mini}
    metric: macro_f1
    fingerprints: {marsad_mini.train: aaaa, marsad_mini.test: bbbb}
  stance_b:
    title: Stance B
    task: stance
    train: {dataset: ans_stance}
    evaluate: {dataset: ans_stance}
    metric: macro_f1
"""


@pytest.fixture
def bench(tmp_path):
    path = tmp_path / "mini_bench.yaml"
    path.write_text(BENCH_YAML)
    return load_benchmark(str(path))


def fake_result(bench, task_id: str, model: str, score: float, noise: np.ndarray) -> dict:
    task = bench.tasks[task_id]
    replicates = (score + noise).round(5).tolist()
    return {
        "schema": SCHEMA, "benchmark": {"name": bench.name, "version": bench.version},
        "task": {"id": task_id, "type": task.task, "metric": task.metric, "split": "test"},
        "fingerprints": dict(task.fingerprints), "model": {"name": model, "config_id": f"{model}-0", "changes": "",
        "tuning": "default"}, "seeds": [0], "score": score, "ci": list(np.percentile(replicates, [2.5, 97.5])),
        "scores": {}, "bootstrap": {"resamples": len(noise), "seed": 0, "unit": "examples", "examples": 100,
        "examples_sha": f"sha-{task_id}", "replicates": replicates}, "runtime": {"fit_seconds": 1.0,
        "total_seconds": 2.0, "model_size_bytes": 0}, "versions": {}, "git_commit": "x", "mlflow": {},
        "created": "2026-12-04T00:00:00+00:00",
    }  # fmt: skip


def test_marsad_score_is_the_mean_of_task_scores_with_paired_rank_groups(bench, tmp_path):
    rng = np.random.default_rng(0)
    shared = {t: rng.normal(0, 0.02, 1000) for t in bench.tasks}  # the same resamples for every model
    scores = {"strong": (0.80, 0.70), "close": (0.79, 0.70), "weak": (0.50, 0.40)}
    for model, (a, b) in scores.items():
        for task, score in zip(bench.tasks, (a, b)):
            jitter = rng.normal(0, 0.02, 1000)  # each model's own part of the spread
            write_result(
                result_path(tmp_path, bench, f"{model}-0", task),
                fake_result(bench, task, model, score, shared[task] + jitter),
            )
    write_result(result_path(tmp_path, bench, "partial-0", "topic_a"),
                 fake_result(bench, "topic_a", "partial", 0.9, shared["topic_a"]))  # fmt: skip
    board = build_board(bench, load_results(tmp_path, bench))
    rows = board.rows.set_index("model")
    assert rows.loc["strong", "marsad_score"] == pytest.approx((0.80 + 0.70) / 2)
    assert rows.loc["weak", "marsad_score"] == pytest.approx((0.50 + 0.40) / 2)
    assert rows.loc["strong", "ci_low"] < 0.75 < rows.loc["strong", "ci_high"]
    assert list(board.rows["model"]) == ["strong", "close", "weak", "partial"]
    assert rows.loc["strong", "group"] == 1 and rows.loc["close", "group"] == 1  # not separable
    assert rows.loc["weak", "group"] == 2 and rows.loc["weak", "p_vs_best"] < 0.05
    assert rows.loc["partial", "group"] is None and np.isnan(rows.loc["partial", "marsad_score"])
    assert rows.loc["partial", "topic_a"] == 0.9  # its task score is still shown
    assert rows.loc["strong", "topic"] == 0.80 and rows.loc["strong", "stance"] == 0.70
    markdown = to_markdown(board)
    assert "| 1 | strong | 0.750 |" in markdown and "| – | partial | – |" in markdown
    assert json.loads(to_json(board))["rows"][0]["model"] == "strong"
    page = to_html(board)
    assert page.count("data:image/png;base64,") == 2 and "mini-bench v2 board" in page


def test_results_of_another_version_or_other_data_are_refused_naming_both(bench):
    noise = np.zeros(10)
    other_version = fake_result(bench, "topic_a", "m", 0.5, noise)
    other_version["benchmark"]["version"] = "1"
    with pytest.raises(
        BenchmarkError, match="a result of mini-bench version 1; this board is mini-bench version 2"
    ):
        check_result(other_version, bench, "x.json")
    other_data = fake_result(bench, "topic_a", "m", 0.5, noise)
    other_data["fingerprints"]["marsad_mini.test"] = "cccc"
    with pytest.raises(BenchmarkError, match="marsad_mini.test has fingerprint cccc; .* defined on bbbb"):
        check_result(other_data, bench, "x.json")
    with pytest.raises(BenchmarkError, match="schema 'something/9', expected 'marsad-benchmark-result/1'"):
        check_result({"schema": "something/9"}, bench, "x.json")


def test_replicates_of_different_resamples_are_not_paired(bench, tmp_path):
    noise = np.zeros(10)
    first = fake_result(bench, "topic_a", "a", 0.5, noise)
    second = fake_result(bench, "topic_a", "b", 0.6, noise)
    second["bootstrap"]["examples_sha"] = "other"
    with pytest.raises(BenchmarkError, match="topic_a: result files were resampled differently"):
        build_board(bench, [first, second])
