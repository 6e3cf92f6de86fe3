"""`marsad tune` end to end on the bundled corpus: trials nested under one parent run and scored
on dev only, a resumed study that adds only the missing trials, the refit scored on test once,
and the board telling the tuned row from the default one."""

from __future__ import annotations

import json

import optuna
import pytest
from mlflow.tracking import MlflowClient

from marsad.leaderboard import render
from marsad.leaderboard.runs import find_runs
from marsad.leaderboard.table import build_leaderboard
from marsad.tracking.identity import config_id
from marsad.tuning import tune
from tests.conftest import compose_config

OVERRIDES = ["model=tfidf_svm", "task=topic", "dataset=marsad_mini", "tracking.log_model=false"]


def _runs(uri: str) -> list:
    client = MlflowClient(uri)
    return client.search_runs([e.experiment_id for e in client.search_experiments()], max_results=1000)


def _role(runs: list, role: str) -> list:
    return [r for r in runs if r.data.tags.get("marsad.role") == role]


def _refits(runs: list) -> list:
    return [r for r in runs if "marsad.tuned" in r.data.tags and "marsad.role" not in r.data.tags]


def test_a_study_nests_its_trials_refits_the_best_on_test_and_resumes_with_the_missing_trials(
    tmp_path, tracking_uri
):
    uri = tracking_uri
    lines: list[str] = []
    first = tune(OVERRIDES, 4, uri, say=lines.append)

    runs = _runs(uri)
    (parent,) = _role(runs, "study")
    trials = _role(runs, "trial")
    assert first.parent_run_id == parent.info.run_id and first.n_trials == 4 and first.new_trials == 4
    assert len(trials) == 4
    for run in trials:
        assert run.data.tags["mlflow.parentRunId"] == parent.info.run_id
        assert "dev_macro_f1" in run.data.metrics
        assert not [m for m in run.data.metrics if m.startswith("test_")]  # dev only
        assert {"tune.estimator.classifier.C", "tune.estimator.features.word_ngram_range"} <= set(
            run.data.params
        )
    assert first.best_value == max(r.data.metrics["dev_macro_f1"] for r in trials)
    # trial 0 is the configured model: tuning never ends below the default on dev
    trial_0 = next(r for r in trials if r.data.tags["marsad.trial"] == "0")
    assert trial_0.data.params["tune.estimator.classifier.C"] == "0.5"

    (refit,) = _refits(runs)
    assert refit.data.tags["marsad.tuned"] == "4"
    assert refit.data.tags["mlflow.parentRunId"] == parent.info.run_id
    assert json.loads(refit.data.tags["marsad.tuned_params"]) == first.best_values
    assert {"dev_macro_f1", "test_macro_f1"} <= set(refit.data.metrics)
    default_id = config_id(compose_config(OVERRIDES, tmp_path))
    assert refit.data.tags["config_id"] != default_id  # its own board row, whatever values won
    assert parent.data.tags["marsad.tuned"] == "4" and parent.info.status == "FINISHED"

    second = tune(OVERRIDES, 6, uri, say=lines.append)
    assert (second.study_name, second.parent_run_id) == (first.study_name, first.parent_run_id)
    assert (second.n_trials, second.new_trials) == (6, 2)
    runs = _runs(uri)
    assert len(_role(runs, "study")) == 1
    assert len(_role(runs, "trial")) == 6
    assert {r.data.tags["mlflow.parentRunId"] for r in _role(runs, "trial")} == {first.parent_run_id}
    study = optuna.load_study(study_name=first.study_name, storage=f"sqlite:///{tmp_path}/optuna.db")
    assert len(study.trials) == 6
    assert sorted(r.data.tags["marsad.tuned"] for r in _refits(runs)) == ["4", "6"]
    assert any("0 trials done, 4 to run" in line for line in lines)
    assert any("4 trials done, 2 to run" in line for line in lines)


def test_trials_never_score_the_test_split_only_the_refit_does(tracking_uri, monkeypatch):
    import marsad.evaluation
    from marsad.tuning import study as study_module

    phase, scored = ["trials"], []
    evaluate_split = marsad.evaluation.evaluate_split

    def guarded(estimator, task, split, *args, **kwargs):
        scored.append((phase[0], split))
        if phase[0] == "trials" and split.split(".")[-1] == "test":
            raise AssertionError(f"a trial scored the test split '{split}'")
        return evaluate_split(estimator, task, split, *args, **kwargs)

    refit_best = study_module.refit_best

    def refit(*args, **kwargs):
        phase[0] = "refit"
        return refit_best(*args, **kwargs)

    monkeypatch.setattr(marsad.evaluation, "evaluate_split", guarded)
    monkeypatch.setattr(study_module, "refit_best", refit)
    tune(OVERRIDES, 2, tracking_uri, say=lambda line: None)
    assert scored == [("trials", "dev")] * 2 + [("refit", "dev"), ("refit", "test")]


def test_the_board_shows_the_tuned_and_the_default_row_of_one_model(tmp_path, tracking_uri):
    from marsad.run import run_experiment
    from marsad.tracking.client import tracking_client

    uri = tracking_uri
    tune(OVERRIDES, 4, uri, say=lambda line: None)
    run_experiment(compose_config(OVERRIDES, tmp_path))  # the same model, untuned, same store

    board = build_leaderboard(find_runs(tracking_client(uri), task="topic"), n_resamples=50)
    assert sorted(board.rows["tuning"]) == ["default", "tuned 4"]
    assert board.rows["model"].str.startswith("tfidf_svm").all()
    frame = render.display_frame(board)
    assert sorted(frame["tuning"]) == ["default", "tuned 4"]
    markdown = render.to_markdown([board])
    assert "| tuning |" in markdown and "| tuned 4 |" in markdown and "| default |" in markdown


@pytest.mark.parametrize("uri", ["http://127.0.0.1:9/", "postgresql://u@h/db"])
def test_a_store_that_is_not_a_sqlite_file_needs_a_storage(uri):
    from marsad.errors import ConfigError
    from marsad.tuning.storage import storage_beside

    with pytest.raises(ConfigError, match="--storage"):
        storage_beside(uri)
    assert storage_beside("sqlite:////srv/runs/mlflow.db") == "sqlite:////srv/runs/optuna.db"


def test_a_model_of_the_users_config_folder_is_tuned_and_its_trials_named_by_their_changes(
    tmp_path, tracking_uri
):
    import yaml

    (tmp_path / "conf" / "model").mkdir(parents=True)
    (tmp_path / "conf" / "model" / "my_svm.yaml").write_text(yaml.safe_dump({
        "name": "my_svm", "description": "a user's linear SVM",
        "estimator": {"_target_": "marsad.models.TextClassifier",
                      "features": {"_target_": "marsad.models.WordCharTfidf", "char_ngram_range": None},
                      "classifier": {"_target_": "sklearn.svm.LinearSVC", "C": 0.5}},
        "search": {"estimator.classifier.C": {"type": "float", "low": 0.01, "high": 10, "log": True}},
    }))  # fmt: skip
    result = tune(["model=my_svm", "task=topic", "dataset=marsad_mini"], 2, tracking_uri,
                  config_dir=str(tmp_path / "conf"), refit=False, say=lambda line: None)  # fmt: skip
    trials = sorted(_role(_runs(tracking_uri), "trial"), key=lambda r: r.data.tags["marsad.trial"])
    assert [r.data.tags["model"] for r in trials] == ["my_svm", "my_svm"]
    assert trials[0].data.tags["model_changes"] == ""  # trial 0: the configured values
    assert trials[1].data.tags["model_changes"].startswith("classifier.C=")
    assert result.best_overrides[-1] == "++model.tuning=tuned" and not _refits(_runs(tracking_uri))
