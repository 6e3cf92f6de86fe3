"""End to end: composed configs run, and MLflow holds a complete, comparable run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from marsad.errors import ConfigError
from marsad.run import run_experiment
from tests.conftest import FIXTURE_DATASET, compose_config


def only_run(tmp_path: Path, experiment: str = "marsad"):
    client = MlflowClient(f"sqlite:///{tmp_path}/mlflow.db")
    runs = client.search_runs([client.get_experiment_by_name(experiment).experiment_id])
    return client, runs


@pytest.mark.parametrize("task", ["topic", "actor", "stance"])
def test_each_task_logs_a_complete_run(task, tmp_path, corpus_dir):
    cfg = compose_config(
        [f"task={task}", "model=tfidf_logreg", f"data_root={corpus_dir}"], tmp_path, FIXTURE_DATASET
    )
    primary = run_experiment(cfg)
    client, runs = only_run(tmp_path)
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    primary_name = {"topic": "macro_f1", "actor": "micro_f1", "stance": "macro_f1"}[task]
    assert run.data.metrics[f"dev_{primary_name}"] == pytest.approx(primary)
    assert run.data.metrics[f"test_{primary_name}"] > 0.6  # the fixture is learnable
    assert {"fit_seconds", "predict_examples_per_second"} <= set(run.data.metrics)
    tags = run.data.tags
    assert tags["task"] == task and tags["dataset"] == "fixture" and tags["model"] == "tfidf_logreg"
    assert tags["seed"] == "0" and len(tags["data_fingerprint"]) == 16 and tags["git_commit"]
    assert tags["version.scikit-learn"]
    assert run.data.params["model.estimator.classifier.C"] == "10.0"
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {
        "config.yaml",
        "report_dev.json",
        "report_test.json",
        "confusion_test.png",
        "predictions.parquet",
    } <= artifacts
    local = Path(client.download_artifacts(run.info.run_id, "predictions.parquet", str(tmp_path)))
    predictions = pd.read_parquet(local)
    assert set(predictions["split"]) == {"dev", "test"}
    assert len(predictions["scores"].iloc[0]) == len(tags["label_set"].split(","))
    if task == "actor":  # gold and predicted are lists of actor ids
        assert set(predictions["gold"].explode().dropna()) <= set(tags["label_set"].split(","))


def test_a_failing_run_is_marked_failed_and_earlier_runs_stay(tmp_path, corpus_dir):
    good = compose_config(
        ["task=topic", "model=majority", f"data_root={corpus_dir}"], tmp_path, FIXTURE_DATASET
    )
    run_experiment(good)
    (corpus_dir / "fixture" / "articles.jsonl").write_text('{"id": "x", "text": ""\n', encoding="utf-8")
    with pytest.raises(Exception, match="malformed JSON"):
        run_experiment(good)
    client, runs = only_run(tmp_path)
    by_status = {r.info.status: r for r in runs}
    assert set(by_status) == {"FINISHED", "FAILED"}
    kept_score = by_status["FINISHED"].data.metrics["test_macro_f1"]
    failed = by_status["FAILED"]
    assert "malformed JSON" in failed.data.tags["error"]
    trace = Path(client.download_artifacts(failed.info.run_id, "error.txt", str(tmp_path))).read_text()
    assert "DatasetError" in trace and "articles.jsonl, row 1" in trace
    assert failed.data.params["task.name"] == "topic"  # logged before the failure, kept
    # The finished run is untouched: majority on the fixture's three balanced topics scores the
    # macro-F1 of predicting one class for all (F1 of that class over 3).
    assert 0.1 < kept_score < 0.34


def cli(args: list[str], cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    bin_dir = Path(sys.executable).parent
    return subprocess.run(
        [str(bin_dir / "marsad-run"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_multirun_sweep_nests_jobs_and_refuses_bad_sweeps(tmp_path, corpus_dir, conf_dir):
    common = [
        "--config-dir",
        str(conf_dir),
        "dataset=fixture",
        f"data_root={corpus_dir}",
        "tracking.log_model=false",
    ]
    bad = cli(
        ["--multirun", *common, "task=topic", "model=tfidf_svm", "model.estimator.classifier.C=1,-1"],
        tmp_path,
    )
    assert bad.returncode != 0
    assert "sweep refused before any run was created" in bad.stderr + bad.stdout
    assert "invalid configuration" in bad.stderr + bad.stdout
    assert not (tmp_path / "mlflow.db").exists() or not only_run(tmp_path)[1]

    # A models × tasks grid: the stance-only model is skipped on topic and actor, not refused.
    ok = cli(
        [
            "--multirun",
            *common,
            "task=topic,actor,stance",
            "model=majority,tfidf_svm,concat_tfidf_svm",
            "seed=0",
        ],
        tmp_path,
    )
    assert ok.returncode == 0, ok.stderr[-3000:]
    assert (ok.stdout + ok.stderr).count("skip      model 'concat_tfidf_svm' is only for tasks") == 2
    client, runs = only_run(tmp_path)
    parents = [r for r in runs if r.data.tags.get("marsad.role") == "sweep"]
    jobs = [r for r in runs if r.data.tags.get("marsad.role") != "sweep"]
    assert len(parents) == 1 and len(jobs) == 7 and parents[0].data.tags["marsad.jobs"] == "7"
    assert {
        (r.data.tags["task"], r.data.tags["model"])
        for r in jobs
        if r.data.tags["model"] == "concat_tfidf_svm"
    } == {("stance", "concat_tfidf_svm")}
    sweep_id = parents[0].data.tags["marsad.sweep_id"]
    assert all(r.data.tags["marsad.sweep_id"] == sweep_id for r in jobs)
    assert all(r.data.tags["mlflow.parentRunId"] == parents[0].info.run_id for r in jobs)
    assert "fit " in ok.stderr + ok.stdout and "log " in ok.stderr + ok.stdout


@pytest.mark.slow
def test_ans_stance_real_corpus_pair_features_beat_concatenation(tmp_path, real_data_root):
    env = {"MARSAD_DATA_DIR": str(real_data_root)}
    result = cli(["--multirun", "task=stance", "dataset=ans_stance", "model=tfidf_svm,concat_tfidf_svm",
                  "tracking.log_model=false"], tmp_path, env)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    _, runs = only_run(tmp_path)
    scores = {r.data.tags["model"]: r.data.metrics for r in runs if "model" in r.data.tags}
    for metrics in scores.values():
        assert {"dev_macro_f1", "test_macro_f1", "test_accuracy"} <= set(metrics)
    assert len({r.data.tags["data_fingerprint.test"] for r in runs if "model" in r.data.tags}) == 1
    assert scores["tfidf_svm"]["test_macro_f1"] > scores["concat_tfidf_svm"]["test_macro_f1"] + 0.1


@pytest.mark.slow
def test_logged_model_loads_back_and_predicts(tmp_path, corpus_dir):
    cfg = compose_config(
        ["task=topic", "model=tfidf_svm", f"data_root={corpus_dir}", "tracking.log_model=true"],
        tmp_path,
        FIXTURE_DATASET,
    )
    run_experiment(cfg)
    _, runs = only_run(tmp_path)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    model = mlflow.sklearn.load_model(f"runs:/{runs[0].info.run_id}/model")
    assert model.predict(pd.Series(["غارة قصف انفجار في المدينة"])).shape == (1,)
    assert runs[0].data.metrics["model_size_bytes"] > 0


def test_a_gated_stance_model_names_its_gate_class_through_the_dataset_labels(tmp_path, corpus_dir):
    # Runs fit on label indices: `labels: ${dataset.tasks.stance.labels}` maps the gate's name.
    overrides = ["task=stance", "model=use_evidence_gated", f"data_root={corpus_dir}"]
    cfg = compose_config(
        [*overrides, "model.estimator.classifier.gate_label=other"], tmp_path, FIXTURE_DATASET
    )
    assert run_experiment(cfg) > 0.6
    _, runs = only_run(tmp_path)
    assert runs[0].info.status == "FINISHED" and runs[0].data.metrics["test_macro_f1"] > 0.6
    assert runs[0].data.tags["model_changes"] == "classifier.gate_label=other"  # the leaderboard shows it

    wrong = compose_config(overrides, tmp_path, FIXTURE_DATASET)  # the fixture has no 'unrelated'
    with pytest.raises(
        ConfigError, match=r"use_evidence_gated.*gate_label 'unrelated' is not one of the dataset's labels"
    ):
        run_experiment(wrong)
    _, runs = only_run(tmp_path)  # refused before a run was created: still the one finished run
    assert [r.info.status for r in runs] == ["FINISHED"]
