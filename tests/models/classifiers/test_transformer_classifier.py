"""Fine-tuning estimator on the locally built tiny BERT: the three label shapes, the estimator
contract, pickling for `log_model`, the missing-checkpoint error and per-epoch MLflow metrics."""

from __future__ import annotations

import cloudpickle
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from marsad.config_check import build_experiment
from marsad.errors import ConfigError
from marsad.models.classifiers.transformer_classifier import TransformerClassifier
from marsad.models.encoders.tiny_bert import TinyBert
from tests.conftest import (
    ACTOR_WORDS,
    FIXTURE_DATASET,
    TOPIC_WORDS,
    compose_config,
    fixture_articles,
    fixture_pairs,
)

ARTICLES = pd.DataFrame(fixture_articles(60))
TEXTS = ARTICLES["text"]
TOPICS = ARTICLES["topic"].map(sorted(TOPIC_WORDS).index).to_numpy()
ACTORS = np.array([[int(a in row) for a in sorted(ACTOR_WORDS)] for row in ARTICLES["actors"]])


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MARSAD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def tiny(**overrides) -> TransformerClassifier:
    params = dict(checkpoint=TinyBert(vocab_size=400, max_position_embeddings=64), max_length=48,
                  epochs=1, batch_size=16, learning_rate=1e-3, dev_fraction=0.2, torch_threads=1)  # fmt: skip
    return TransformerClassifier(**{**params, **overrides})


@pytest.fixture(scope="module")
def topic_model() -> TransformerClassifier:
    return tiny(epochs=2).fit(TEXTS, TOPICS)


def test_single_label_probabilities_have_one_column_per_class(topic_model):
    proba = topic_model.predict_proba(TEXTS[:7])
    assert proba.shape == (7, 3)
    assert np.allclose(proba.sum(axis=1), 1, atol=1e-5) and (proba >= 0).all()
    assert np.array_equal(topic_model.predict(TEXTS[:7]), topic_model.classes_[proba.argmax(axis=1)])
    assert np.array_equal(topic_model.predict_scores(TEXTS[:7]), proba)
    assert topic_model.epochs_trained_ == 2 and 0 <= topic_model.best_dev_score_ <= 1  # dev macro-F1


def test_classes_missing_from_training_keep_the_declared_indices():
    model = tiny(dev_fraction=0).fit(TEXTS[:20], np.where(TOPICS[:20] == 0, 0, 2))
    assert model.classes_.tolist() == [0, 2]
    assert set(model.predict(TEXTS[:20])) <= {0, 2}


def test_multi_label_uses_independent_sigmoids():
    model = tiny(threshold=None).fit(TEXTS, ACTORS)  # None: threshold tuned on the dev slice
    assert model.model_.config.problem_type == "multi_label_classification"
    proba = model.predict_proba(TEXTS[:9])
    assert proba.shape == (9, 3) and ((proba > 0) & (proba < 1)).all()
    assert not np.allclose(proba.sum(axis=1), 1)
    assert 0.05 <= model.threshold_ <= 0.5
    assert np.array_equal(model.predict(TEXTS[:9]), (proba >= model.threshold_).astype(int))


def test_pairs_are_encoded_as_sentence_pairs():
    pairs = pd.DataFrame(fixture_pairs(12))
    X, y = pairs[["claim", "text"]], pairs["stance"].map({"agree": 0, "disagree": 1, "other": 2}).to_numpy()
    model = tiny().fit(X, y)
    encoded = model.tokenizer_(X["claim"][:1].tolist(), X["text"][:1].tolist())
    assert set(encoded["token_type_ids"][0]) == {0, 1}  # claim segment 0, text segment 1
    assert model.predict_proba(X[:5]).shape == (5, 3)
    swapped = model.predict_proba(X[["text", "claim"]][:5])  # order matters to the model
    assert not np.allclose(swapped, model.predict_proba(X[:5]))


def test_clone_keeps_params_and_drops_fitted_state(topic_model):
    copy = clone(topic_model)
    assert not hasattr(copy, "model_")
    assert copy.get_params()["checkpoint"].get_params() == topic_model.checkpoint.get_params()
    assert {k: v for k, v in copy.get_params().items() if "checkpoint" not in k} == {
        k: v for k, v in topic_model.get_params().items() if "checkpoint" not in k
    }


def test_same_seed_same_model_and_pickle_round_trip_predicts_the_same(topic_model):
    again = tiny(epochs=2).fit(TEXTS, TOPICS)
    assert np.allclose(again.predict_proba(TEXTS), topic_model.predict_proba(TEXTS), atol=1e-5)
    restored = cloudpickle.loads(cloudpickle.dumps(topic_model))  # what log_model writes
    assert not any("trainer" in k.lower() for k in vars(restored))
    assert np.allclose(restored.predict_proba(TEXTS), topic_model.predict_proba(TEXTS), atol=1e-6)


def test_a_missing_local_checkpoint_is_a_config_error_naming_it(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ConfigError, match="no-such-model.*does not exist"):
        TransformerClassifier(checkpoint=str(missing)).fit(TEXTS, TOPICS)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="empty has no config.json"):
        TransformerClassifier(checkpoint=str(tmp_path / "empty")).validate()


def test_an_unavailable_hub_checkpoint_fails_before_the_run_with_how_to_get_it(tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    cfg = compose_config(["task=topic", "model=marbert_v2"], tmp_path, FIXTURE_DATASET)
    with pytest.raises(ConfigError) as err:
        build_experiment(cfg)
    message = str(err.value)
    assert "UBC-NLP/MARBERTv2" in message and "HF_HUB_OFFLINE" in message
    assert "hf download UBC-NLP/MARBERTv2" in message and "model.estimator.checkpoint=" in message


@pytest.mark.slow
def test_a_tracked_run_streams_epoch_metrics_and_logs_a_loadable_model(tmp_path, corpus_dir):
    import mlflow
    from mlflow.tracking import MlflowClient

    from marsad.run import run_experiment

    overrides = ["task=topic", "model=tiny_bert", f"data_root={corpus_dir}", "tracking.log_model=true",
                 "model.estimator.epochs=2", "model.estimator.patience=5", "model.estimator.max_length=48",
                 "model.estimator.checkpoint.vocab_size=400", "model.estimator.torch_threads=1"]  # fmt: skip
    run_experiment(compose_config(overrides, tmp_path, FIXTURE_DATASET))
    client = MlflowClient(f"sqlite:///{tmp_path}/mlflow.db")
    run = client.search_runs([client.get_experiment_by_name("marsad").experiment_id])[0]
    assert run.info.status == "FINISHED"
    for name in ("finetune.train_loss", "finetune.dev_loss", "finetune.dev_f1"):
        assert [m.step for m in client.get_metric_history(run.info.run_id, name)] == [1, 2], name
    assert 0 <= run.data.metrics["test_macro_f1"] <= 1
    model = mlflow.sklearn.load_model(f"runs:/{run.info.run_id}/model")
    assert model.predict_proba(TEXTS[:4]).shape == (4, 3)
