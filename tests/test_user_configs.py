"""A user's own model and dataset configs, in their own folder, given to `marsad-run` with
--config-dir: used without touching the package, extending shipped options by defaults lists."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mlflow.tracking import MlflowClient

MY_MODEL = """\
# My variant of the shipped tfidf_svm: everything inherited, one value changed.
defaults:
  - tfidf_svm
  - _self_

name: my_svm
estimator:
  classifier:
    C: 0.25
"""
MY_DATASET = """\
defaults:
  - marsad_mini
  - _self_

name: my_mini
"""


def marsad_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "marsad-run"), *args],
        cwd=cwd,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def user_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my-configs"
    (folder / "model").mkdir(parents=True)
    (folder / "dataset").mkdir()
    (folder / "model" / "my_svm.yaml").write_text(MY_MODEL)
    (folder / "dataset" / "my_mini.yaml").write_text(MY_DATASET)
    return folder


def test_a_user_model_extending_a_shipped_one_runs_and_is_tagged(tmp_path):
    folder = user_folder(tmp_path)
    store = f"sqlite:///{tmp_path}/mlflow.db"
    args = ["--config-dir", str(folder), "task=topic", "dataset=my_mini", "model=my_svm",
            f"tracking.uri={store}", "tracking.log_model=false"]  # fmt: skip
    result = marsad_run(args, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    client = MlflowClient(store)
    (run,) = client.search_runs([client.get_experiment_by_name("marsad").experiment_id])
    tags, params = run.data.tags, run.data.params
    assert (tags["model"], tags["dataset"], tags["task"]) == ("my_svm", "my_mini", "topic")
    assert tags["model_changes"] == ""  # compared with my_svm as composed from the user's folder
    assert params["model.estimator.classifier.C"] == "0.25"
    assert params["model.estimator.classifier._target_"] == "sklearn.svm.LinearSVC"  # inherited
    assert run.data.metrics["dev_macro_f1"] > 0.5

    # The pre-run check lists the user's datasets among the valid choices.
    refused = marsad_run(["--config-dir", str(folder), "task=topic", "dataset=ans_stance"], tmp_path)
    assert refused.returncode == 1
    assert (
        "Datasets that serve 'topic': ['ant_topic', 'ant_topic_time', 'marsad_mini', 'marsad_real', 'my_mini']"
        in refused.stderr
    )
