"""The `search:` block of a model's YAML: every built-in one is valid, none changes a run's
config id or reaches the estimator, and a bad one (or trials=0) stops `marsad tune` with one
line naming the model file and key before any run or store exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from omegaconf import OmegaConf, open_dict

from marsad.config_check import build_experiment, choices, compose_option
from marsad.errors import ConfigError
from marsad.tracking.identity import config_id, model_changes
from marsad.tuning import parse_search, tune
from marsad.tuning.search_space import hydra_value, model_file, overrides
from tests.conftest import compose_config

TUNED = {"tfidf_svm", "tfidf_logreg", "tfidf_cnb", "concat_tfidf_svm", "use_logreg", "e5_logreg",
         "use_pair_logreg", "gazetteer_logreg", "tiny_bert", "e5_finetune", "arabert_v2"}  # fmt: skip


def test_every_built_in_search_space_names_parameters_its_model_has():
    searched = set()
    for name in choices("model"):
        model = compose_option("model", name)
        space = parse_search(model, model_file(name))
        if space:
            searched.add(name)
            assert space.defaults(model) is not None, f"{name}: its configured values lie outside its space"
    assert searched >= TUNED
    assert not {"majority", "stratified", "gazetteer"} & searched  # nothing worth tuning


def test_the_search_block_is_not_part_of_the_config_id_nor_passed_to_the_estimator(tmp_path):
    cfg = compose_config(["task=topic", "dataset=marsad_mini", "model=tfidf_svm"], tmp_path)
    assert "search" in cfg.model
    before = config_id(cfg)
    with open_dict(cfg):
        cfg.model.search = {"estimator.classifier.C": {"type": "float", "low": 1.0, "high": 2.0}}
    assert config_id(cfg) == before and model_changes(cfg) == ""
    estimator = build_experiment(cfg).estimator
    assert "search" not in str(estimator.get_params(deep=True))


def test_tuned_runs_get_their_own_config_id_without_naming_it_a_change(tmp_path):
    base = ["task=topic", "dataset=marsad_mini", "model=tfidf_svm"]
    tuned = compose_config([*base, "++model.tuning=tuned"], tmp_path)
    assert config_id(tuned) != config_id(compose_config(base, tmp_path))
    assert model_changes(tuned) == ""


def test_sampled_values_compose_back_as_overrides(tmp_path):
    values = {"estimator.classifier.C": 0.0316, "estimator.classifier.class_weight": None,
              "estimator.features.word_ngram_range": [1, 3], "estimator.classifier.random_state": 3}  # fmt: skip
    cfg = compose_config(["model=tfidf_svm", *overrides(values)], tmp_path)
    model = OmegaConf.to_container(cfg.model)
    assert model["estimator"]["classifier"]["C"] == 0.0316
    assert model["estimator"]["classifier"]["class_weight"] is None
    assert model["estimator"]["features"]["word_ngram_range"] == [1, 3]
    assert hydra_value("it's") == "'it\\'s'" and hydra_value({"a": True}) == "{a:true}"


def _svm(search: dict) -> dict:
    return {"name": "my_svm", "description": "tfidf_svm with a search space under test",
            "estimator": {"_target_": "marsad.models.TextClassifier",
                          "features": {"_target_": "marsad.models.WordCharTfidf", "word_ngram_range": [1, 2]},
                          "classifier": {"_target_": "sklearn.svm.LinearSVC", "C": 0.5,
                                         "class_weight": "balanced"}},
            "search": search}  # fmt: skip


BAD = {
    "a path the model lacks": (
        {"estimator.classifier.Cx": {"type": "float", "low": 0.1, "high": 1}},
        "search.estimator.classifier.Cx: model 'my_svm' has no parameter 'estimator.classifier.Cx'; "
        "estimator.classifier has: C, class_weight",
    ),
    "an empty range": (
        {"estimator.classifier.C": {"type": "float", "low": 5, "high": 1, "log": True}},
        "search.estimator.classifier.C: empty range: low (5) must be below high (1)",
    ),
    "no choices": (
        {"estimator.classifier.class_weight": {"type": "categorical", "choices": []}},
        "search.estimator.classifier.class_weight: `choices` must be a non-empty list",
    ),
    "an unknown kind": (
        {"estimator.classifier.C": {"type": "loguniform", "low": 0.1, "high": 1}},
        "search.estimator.classifier.C: unknown type 'loguniform'; choose from ['float', 'int', 'categorical']",
    ),
    "a value the model refuses": (
        {"estimator.classifier.class_weight": {"type": "categorical", "choices": ["balanced", "balancd"]}},
        "search.estimator.classifier.class_weight: the model refuses 'balancd'",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_search_space_fails_before_any_run_naming_the_file_and_key(tmp_path, case):
    search, message = BAD[case]
    (tmp_path / "conf" / "model").mkdir(parents=True)
    path = tmp_path / "conf" / "model" / "my_svm.yaml"
    path.write_text(yaml.safe_dump(_svm(search)))
    with pytest.raises(ConfigError) as err:
        tune(["model=my_svm", "task=topic", "dataset=marsad_mini"], 4, f"sqlite:///{tmp_path}/mlflow.db",
             config_dir=str(tmp_path / "conf"), say=lambda line: None)  # fmt: skip
    assert str(err.value).startswith(f"{path}: {message}")
    assert "\n" not in str(err.value)
    assert not (tmp_path / "mlflow.db").exists() and not (tmp_path / "optuna.db").exists()


def test_trials_0_on_the_command_line_is_one_line_and_no_store(tmp_path):
    marsad = Path(sys.executable).with_name("marsad")
    done = subprocess.run(
        [str(marsad), "tune", "model=tfidf_svm", "task=topic", "dataset=marsad_mini", "trials=0",
         "--tracking-uri", f"sqlite:///{tmp_path}/mlflow.db"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "Error: ConfigError: conf/model/tfidf_svm.yaml: trials=0: a study of model 'tfidf_svm' needs at "
        "least 1 trial (trials=N: the finished trials it should have)"
    )
    assert not list(tmp_path.iterdir())
