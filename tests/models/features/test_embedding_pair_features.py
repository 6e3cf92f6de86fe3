"""Stance features from claim and text embeddings, alone and with the lexical pair features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from marsad.models import (
    EmbeddingPairFeatures,
    PairFeatures,
    SentenceEmbeddings,
    TextClassifier,
    WordCharTfidf,
)
from marsad.models.features.embedding_pair_features import SENTENCE_PARTS
from tests.conftest import fixture_pairs

CLAIM = "الجيش يسيطر على البلدة بعد معارك عنيفة"
TEXT = "الجيش ينسحب من البلدة بعد معارك عنيفة"


@pytest.fixture(autouse=True)
def private_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))


def test_sentence_parts_are_u_v_absolute_difference_product_and_cosine():
    pairs = pd.DataFrame({"claim": [CLAIM, CLAIM], "text": [TEXT, CLAIM]})
    features = EmbeddingPairFeatures(parts=SENTENCE_PARTS).fit(pairs)
    matrix = features.transform(pairs)
    assert isinstance(matrix, np.ndarray) and matrix.shape == (2, 4 * 512 + 1)
    u, v = SentenceEmbeddings().transform([CLAIM]), SentenceEmbeddings().transform([TEXT])
    assert np.allclose(matrix[0, :512], u[0]) and np.allclose(matrix[0, 512:1024], v[0])
    assert np.allclose(matrix[0, 1024:1536], np.abs(u - v)[0]) and np.allclose(
        matrix[0, 1536:2048], (u * v)[0]
    )
    assert 0.3 < matrix[0, -1] < 0.99  # related, not identical
    assert matrix[1, -1] == pytest.approx(1.0, abs=1e-5) and not matrix[1, 1024:1536].any()  # same sentence

    only = EmbeddingPairFeatures(parts=["cosine"]).fit(pairs).transform(pairs)
    assert only.shape == (2, 1) and np.allclose(only[:, 0], matrix[:, -1])


def test_edit_parts_embed_the_words_the_text_adds_and_drops():
    pairs = pd.DataFrame({"claim": [CLAIM], "text": [TEXT]})
    matrix = EmbeddingPairFeatures().fit(pairs).transform(pairs)  # default: all parts
    assert matrix.shape == (1, 8 * 512 + 1)
    added, dropped = (
        SentenceEmbeddings().transform(["ينسحب من"]),
        SentenceEmbeddings().transform(["يسيطر على"]),
    )
    edit = matrix[0, 4 * 512 + 1 :].reshape(4, 512)
    assert np.allclose(edit[0], added[0]) and np.allclose(edit[1], dropped[0])
    assert np.allclose(edit[2], (added * dropped)[0]) and np.allclose(edit[3], np.abs(added - dropped)[0])


def test_lexical_pair_features_are_appended():
    pairs = pd.DataFrame(fixture_pairs(5))[["claim", "text"]]
    lexical = PairFeatures(ngram_features=WordCharTfidf())
    combined = EmbeddingPairFeatures(parts=SENTENCE_PARTS, lexical=lexical).fit(pairs).transform(pairs)
    lexical_only = lexical.fit(pairs).transform(pairs)
    assert sp.issparse(combined) and combined.shape == (15, 4 * 512 + 1 + lexical_only.shape[1])
    assert np.allclose(combined[:, 4 * 512 + 1 :].toarray(), lexical_only.toarray())


def test_invalid_parts_and_concat_pairing_are_refused():
    with pytest.raises(ValueError, match="parts must be a non-empty subset"):
        TextClassifier(LinearSVC(), EmbeddingPairFeatures(parts=["u", "sum"])).validate()
    with pytest.raises(ValueError, match="pairing='concat' needs text features"):
        TextClassifier(LinearSVC(), EmbeddingPairFeatures(), pairing="concat").validate()


def test_text_embeddings_given_pairs_become_pair_features_and_classify_stance():
    pairs = pd.DataFrame(fixture_pairs(40))
    X, y = pairs[["claim", "text"]], pairs["stance"].to_numpy()
    embeddings = SentenceEmbeddings(pooling="max")
    model = TextClassifier(LogisticRegression(C=10, max_iter=2000), embeddings).fit(X[:90], y[:90])
    assert isinstance(model.featurizer_, EmbeddingPairFeatures)
    assert model.featurizer_.embeddings.get_params() == embeddings.get_params()
    assert (model.predict(X[90:]) == y[90:]).mean() > 0.9
    assert model.predict_scores(X[90:]).shape == (30, 3)
