"""Claim evidence: how the claim matches an article's best sentence windows."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from marsad.models import (
    ClaimEvidence,
    EmbeddingPairFeatures,
    PairFeatures,
    SentenceEmbeddings,
    TextClassifier,
)
from marsad.models.features.claim_evidence import FEATURE_NAMES
from tests.conftest import fixture_pairs

CLAIM = "قصفت طائرات روسية مستشفى في مدينة إدلب"
FILLER = [
    "ارتفعت أسعار النفط في الأسواق العالمية اليوم.",
    "افتتح معرض الكتاب أبوابه أمام الزوار في العاصمة.",
    "فاز الفريق المحلي بالمباراة النهائية للبطولة.",
    "أعلنت شركة الطيران عن رحلات جديدة إلى أوروبا.",
]
AGREES = " ".join(FILLER[:2] + [CLAIM + "."] + FILLER[2:])
DENIES = " ".join(FILLER[:3] + ["نفت روسيا قصف مستشفى إدلب ووصفته بأنه شائعة مفبركة."])
UNRELATED = " ".join(FILLER)
COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))


def evidence(top_k: int = 1) -> ClaimEvidence:
    # 60-character windows: one sentence each, so positions and top-k are easy to read
    return ClaimEvidence(SentenceEmbeddings(max_chars=60, max_segments=None), top_k=top_k)


def pairs(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"claim": [CLAIM] * len(texts), "text": list(texts)})


def test_the_restating_sentence_is_found_wherever_it_sits():
    X = pairs(AGREES, DENIES, UNRELATED)
    stats = evidence().fit(X).statistics(X)
    assert stats.shape == (3, len(FEATURE_NAMES))
    sim_max, position, coverage = (stats[:, COLUMN[c]] for c in ("sim_max", "best_position", "coverage_max"))
    assert sim_max[0] > 0.9 > sim_max[1] > sim_max[2]  # restated > denied (same event) > unrelated
    assert position[0] == pytest.approx(2 / 5) and position[1] == pytest.approx(3 / 4)
    assert coverage[0] == 1.0 and coverage[2] < 0.2  # only "في" in common
    assert stats[:, COLUMN["log_n_windows"]] == pytest.approx(np.log1p([5, 4, 4]))


def test_denial_words_are_counted_in_the_evidence_window_only_when_they_are_there():
    X = pairs(DENIES, AGREES)
    stats = evidence(top_k=1).fit(X).statistics(X)
    # "نفت", "شائعة", "مفبركة" in the best window; "أن"/"لا" are not denial words
    assert stats[0, COLUMN["log_denial_top_k"]] == pytest.approx(np.log1p(3))
    assert stats[0, COLUMN["log_denial_article"]] == pytest.approx(np.log1p(3))
    assert stats[1, COLUMN["log_denial_top_k"]] == 0 and stats[1, COLUMN["log_negation_top_k"]] == 0


def test_transform_is_standardised_on_the_training_pairs_and_named():
    X = pairs(AGREES, DENIES, UNRELATED, AGREES[::-1])
    fitted = evidence(top_k=2).fit(X)
    out = fitted.transform(X)
    varying = fitted.statistics(X).std(axis=0) > 0
    assert np.allclose(out.mean(axis=0), 0, atol=1e-9) and np.allclose(out[:, varying].std(axis=0), 1)
    assert list(fitted.get_feature_names_out()) == [f"evidence_{n}" for n in FEATURE_NAMES]


def test_embedding_pair_features_append_the_evidence_block():
    X = pairs(AGREES, DENIES, UNRELATED)
    plain = EmbeddingPairFeatures(parts=["cosine"]).fit(X).transform(X)
    with_evidence = EmbeddingPairFeatures(parts=["cosine"], evidence=evidence()).fit(X).transform(X)
    assert with_evidence.shape == (3, 1 + len(FEATURE_NAMES))
    assert np.allclose(with_evidence[:, :1], plain)
    assert np.allclose(with_evidence[:, 1:], evidence().fit(X).transform(X))
    lexical = EmbeddingPairFeatures(parts=["cosine"], evidence=evidence(), lexical=PairFeatures()).fit(X)
    assert sp.issparse(lexical.transform(X)) and np.allclose(
        lexical.transform(X)[:, 1:17].toarray(), with_evidence[:, 1:]
    )


def test_top_k_must_be_positive():
    with pytest.raises(ValueError, match="top_k"):
        ClaimEvidence(top_k=0).fit(pairs(AGREES))


def test_a_stance_classifier_with_evidence_learns_survives_pickling_and_predicts():
    frame = pd.DataFrame(fixture_pairs(30))
    X, y = frame[["claim", "text"]], frame["stance"].to_numpy()
    features = EmbeddingPairFeatures(parts=["cosine"], evidence=evidence(), lexical=PairFeatures())
    model = TextClassifier(LogisticRegression(C=10, max_iter=2000), features).fit(X[:60], y[:60])
    restored = pickle.loads(pickle.dumps(model))  # as logged to MLflow: no encoder inside
    assert "_encode" not in vars(restored.featurizer_.evidence_.embeddings_)
    assert (restored.predict(X[60:]) == model.predict(X[60:])).all()
    assert (model.predict(X[60:]) == y[60:]).mean() > 0.9
