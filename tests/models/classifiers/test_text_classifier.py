"""The estimator contract and the pair-aware stance features."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.svm import LinearSVC

from marsad.models import PairFeatures, TextClassifier, WordCharTfidf
from marsad.models.features.pair_features import CUE_NAMES
from marsad.text.normalize import ArabicNormalizer
from tests.conftest import fixture_articles


def test_pair_cues_on_a_hand_made_pair():
    claims = ["الجيش يسيطر على 3 قرى"]
    texts = ["نفى الجيش أنه سيطر على 5 قرى"]
    features = PairFeatures().fit(pd.DataFrame({"claim": claims, "text": texts}))
    cues = dict(zip(CUE_NAMES, features.cues(claims, texts)[0]))
    assert cues["negation_text_only"] == 1  # نفى
    assert cues["negation_claim_only"] == 0
    assert cues["claim_numbers_missing"] == 1 and cues["text_numbers_new"] == 1
    assert cues["number_mismatch"] == 1
    assert 0 < cues["cosine_word"] < 1
    assert np.isclose(cues["shared_ratio"], 3 / 5)  # الجيش، على، قرى of 5 claim tokens


def test_text_classifier_serves_all_label_kinds_and_clones():
    articles = pd.DataFrame(fixture_articles())
    topics = articles["topic"].astype("category").cat.codes.to_numpy()
    model = TextClassifier(LinearSVC(), WordCharTfidf(), normalizer=ArabicNormalizer())
    assert clone(model).get_params()["classifier"].get_params() == LinearSVC().get_params()
    model.fit(articles["text"][:60], topics[:60])
    assert (model.predict(articles["text"][60:]) == topics[60:]).mean() > 0.8
    assert model.predict_scores(articles["text"][60:]).shape == (30, 3)

    # evaluation asks for both: one featurisation (the embedding models' costly part) gives them
    calls = []
    transform = model.featurizer_.transform
    model.featurizer_.transform = lambda texts: calls.append(len(texts)) or transform(texts)
    predicted, scores = model.predict_with_scores(articles["text"][60:])
    assert calls == [30]
    assert (predicted == model.predict(articles["text"][60:])).all()
    assert np.allclose(scores, model.predict_scores(articles["text"][60:]))

    actors = np.array(
        [[int(a in row) for a in ("isis", "sdf", "united_nations")] for row in articles["actors"]]
    )
    multi = clone(model).fit(articles["text"][:60], actors[:60])
    assert multi.predict(articles["text"][60:]).shape == (30, 3)
    assert (multi.predict(articles["text"][60:]) == actors[60:]).mean() > 0.9


def test_pair_features_beat_concatenation_where_the_relation_between_claim_and_text_decides():
    # Agree and disagree texts use the same words; only whether the text's town number is the
    # claim's tells them apart. One bag of claim+text n-grams cannot see that; pair features can.
    rows = []
    for c in range(100):
        claim = f"الجيش يعلن السيطرة على البلدة رقم {c}"
        rows += [{"claim": claim, "text": f"أكد مصدر أن الجيش سيطر على البلدة رقم {c}", "stance": "agree"},
                 {"claim": claim, "text": f"أكد مصدر أن الجيش سيطر على البلدة رقم {c + 7}", "stance": "disagree"}]  # fmt: skip
    pairs = pd.DataFrame(rows)
    X, y = pairs[["claim", "text"]], pairs["stance"].to_numpy()
    train, test = slice(0, 140), slice(140, None)
    pair = TextClassifier(LinearSVC(), WordCharTfidf()).fit(X[train], y[train])
    concat = TextClassifier(LinearSVC(), WordCharTfidf(), pairing="concat").fit(X[train], y[train])
    pair_accuracy = (pair.predict(X[test]) == y[test]).mean()
    concat_accuracy = (concat.predict(X[test]) == y[test]).mean()
    assert pair_accuracy > 0.95 and concat_accuracy < 0.75, (pair_accuracy, concat_accuracy)


def test_dummy_multilabel_scores_have_one_column_per_label():
    y = np.array([[1, 0], [1, 1], [1, 0], [1, 0]])
    model = TextClassifier(DummyClassifier(strategy="most_frequent")).fit(pd.Series(list("abcd")), y)
    assert model.predict(pd.Series(["x"])).tolist() == [[1, 0]]
    assert model.predict_scores(pd.Series(["x", "y"])).shape == (2, 2)


def test_invalid_arguments_are_refused_by_validate():
    with pytest.raises(ValueError, match="pairing"):
        TextClassifier(LinearSVC(), pairing="zip").validate()
    with pytest.raises(ValueError, match="'C' parameter"):
        TextClassifier(LinearSVC(C=-1)).validate()
