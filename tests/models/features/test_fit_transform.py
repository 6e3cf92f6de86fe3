"""The featurisers' one-pass fit_transform gives what fit(X).transform(X) gives, and
TextClassifier.fit reads its training texts once through it."""

from __future__ import annotations

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
    WordCharTfidf,
)
from tests.conftest import fixture_pairs

FEATURISERS = {
    "word_char_tfidf": lambda: WordCharTfidf(),
    "pair_features": lambda: PairFeatures(WordCharTfidf(char_ngram_range=(2, 3))),
    "claim_evidence": lambda: ClaimEvidence(SentenceEmbeddings(max_chars=60, max_segments=None)),
    "embedding_pair_features": lambda: EmbeddingPairFeatures(
        parts=["cosine", "product"],
        lexical=PairFeatures(),
        evidence=ClaimEvidence(SentenceEmbeddings(max_chars=60, max_segments=None)),
    ),
}


def dense(matrix) -> np.ndarray:
    return matrix.toarray() if sp.issparse(matrix) else np.asarray(matrix)


@pytest.mark.parametrize("name", FEATURISERS)
def test_fit_transform_equals_fit_then_transform(name):
    frame = pd.DataFrame(fixture_pairs(12))
    X = frame["text"] if name == "word_char_tfidf" else frame[["claim", "text"]]
    one_pass = FEATURISERS[name]()
    together = dense(one_pass.fit_transform(X))
    apart = dense(FEATURISERS[name]().fit(X).transform(X))
    assert together.shape == apart.shape and together.shape[0] == len(frame)
    assert np.allclose(together, apart)
    assert np.allclose(dense(one_pass.transform(X)), together)  # fit_transform left a fitted state


def test_text_classifier_featurises_its_training_pairs_once():
    frame = pd.DataFrame(fixture_pairs(20))
    X, y = frame[["claim", "text"]], frame["stance"].to_numpy()
    calls = []

    class Counting(WordCharTfidf):
        def transform(self, X):
            calls.append("transform")
            return super().transform(X)

        def fit_transform(self, X, y=None):
            calls.append("fit_transform")
            return super().fit_transform(X, y)

    # for pairs the text features become PairFeatures' n-grams of what the text adds and drops
    model = TextClassifier(LogisticRegression(max_iter=1000), Counting()).fit(X, y)
    assert isinstance(model.featurizer_, PairFeatures)
    assert calls == ["fit_transform", "fit_transform"]
    reference = TextClassifier(LogisticRegression(max_iter=1000), WordCharTfidf()).fit(X, y)
    assert np.allclose(model.predict_scores(X), reference.predict_scores(X))
    assert calls[2:] == ["transform", "transform"]
