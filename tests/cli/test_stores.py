"""Every command reads and writes the store it was given, never MLflow's process-global URI:
one process alternating stores logs each run where it was told, and `marsad predict` in a fresh
process, from a folder with no store of its own, loads a model from the store named by
`--tracking-uri` or `$MLFLOW_TRACKING_URI`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mlflow.tracking import MlflowClient
from omegaconf import open_dict

from marsad.run import run_experiment
from tests.conftest import FIXTURE_DATASET, compose_config

MARSAD = str(Path(sys.executable).parent / "marsad")


def run_into(store: Path, corpus_dir: Path, task: str, *, log_model: bool = False) -> str:
    cfg = compose_config(
        [f"task={task}", "model=tfidf_logreg", f"data_root={corpus_dir}"], store.parent, FIXTURE_DATASET
    )
    with open_dict(cfg):
        cfg.tracking.uri = f"sqlite:///{store}"
        cfg.tracking.log_model = log_model
    run_experiment(cfg)
    return finished_runs(store)[-1]


def finished_runs(store: Path) -> list[str]:
    client = MlflowClient(f"sqlite:///{store}")
    experiment = client.get_experiment_by_name("marsad")
    if experiment is None:
        return []
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    return [r.info.run_id for r in runs if r.info.status == "FINISHED"]


def test_one_process_alternating_stores_logs_each_run_where_it_was_told(tmp_path, corpus_dir):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    first = run_into(a, corpus_dir, "topic")
    second = run_into(b, corpus_dir, "actor")
    third = run_into(a, corpus_dir, "topic")
    assert finished_runs(a) == [first, third]
    assert finished_runs(b) == [second]


def test_predict_in_a_fresh_process_reads_the_store_it_is_given(tmp_path, corpus_dir):
    store = tmp_path / "stores" / "team.db"
    store.parent.mkdir()
    run_id = run_into(store, corpus_dir, "topic", log_model=True)
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    (empty / "article.txt").write_text("غارة وقصف على المدينة أمس", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    uri = f"sqlite:///{store}"

    def predict(extra_args: list[str], extra_env: dict[str, str]) -> dict:
        done = subprocess.run(
            [MARSAD, "predict", run_id, "article.txt", "--format", "json", *extra_args],
            cwd=empty, env={**env, **extra_env}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    by_flag = predict(["--tracking-uri", uri], {})
    by_env = predict([], {"MLFLOW_TRACKING_URI": uri})
    for out in (by_flag, by_env):
        assert out["run_id"] == run_id
        assert out["results"][0]["label"] == "attack"
    assert list(empty.iterdir()) == [empty / "article.txt"], "predict created a store of its own"
