"""GatedClassifier: a relatedness gate, then a classifier over the other classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from marsad.models import GatedClassifier, PairFeatures, TextClassifier, WordCharTfidf
from tests.conftest import fixture_pairs


def blobs(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three separable clusters and a large 'unrelated' one, as in retrieved-article stance."""
    rng = np.random.default_rng(seed)
    centres = {"agree": (4, 0), "disagree": (0, 4), "discuss": (4, 4), "unrelated": (-4, -4)}
    sizes = {"agree": 30, "disagree": 10, "discuss": 30, "unrelated": 130}
    X = np.vstack([rng.normal(centres[c], 0.7, size=(n, 2)) for c, n in sizes.items()])
    y = np.concatenate([[c] * n for c, n in sizes.items()])
    return X, y


def gated(**kwargs) -> GatedClassifier:
    return GatedClassifier(LogisticRegression(), LogisticRegression(), **kwargs)


def test_the_second_stage_is_fitted_on_the_related_examples_only():
    X, y = blobs()
    model = gated().fit(X, y)
    assert model.classes_.tolist() == ["agree", "disagree", "discuss", "unrelated"]
    assert model.gate_.classes_.tolist() == [False, True]
    assert model.classifier_.classes_.tolist() == ["agree", "disagree", "discuss"]
    X_new, y_new = blobs(seed=1)
    assert (model.predict(X_new) == y_new).mean() > 0.97


def test_probabilities_are_the_gate_times_the_second_stage_in_class_order():
    X, y = blobs()
    model = gated().fit(X, y)
    proba = model.predict_proba(X[:50])
    passed = model.gate_.predict_proba(X[:50])[:, 1]
    inner = model.classifier_.predict_proba(X[:50])
    assert np.allclose(proba.sum(axis=1), 1)
    assert np.allclose(proba[:, 3], 1 - passed) and np.allclose(proba[:, :3], passed[:, None] * inner)


def test_predict_follows_the_gate_threshold_not_the_product_argmax():
    X, y = blobs()
    strict, lenient = gated(threshold=0.99).fit(X, y), gated(threshold=0.01).fit(X, y)
    between = np.array([[0.0, 0.0], [-1.0, -1.0]])  # halfway to the unrelated cluster
    passed = strict.gate_.predict_proba(between)[:, 1]
    assert ((passed > 0.01) & (passed < 0.99)).all()
    assert (strict.predict(between) == "unrelated").all()
    assert (lenient.predict(between) != "unrelated").all()


def test_label_indices_with_the_dataset_labels_give_the_same_model_as_names():
    X, y = blobs()
    names = ["agree", "disagree", "discuss", "unrelated"]
    by_index = gated(labels=names).fit(X, np.array([names.index(c) for c in y]))
    by_name = gated().fit(X, y)
    assert by_index.gate_class_ == 3 and by_index.classes_.tolist() == [0, 1, 2, 3]
    assert np.allclose(by_index.predict_proba(X), by_name.predict_proba(X))
    assert [names[i] for i in by_index.predict(X)] == by_name.predict(X).tolist()
    with pytest.raises(
        ValueError, match=r"gate_label 'unrelated' is not one of the dataset's labels \['agree', 'other'\]"
    ):
        gated(labels=["agree", "other"]).fit(X, np.zeros(len(X), dtype=int))


def test_missing_gate_label_or_bad_threshold_is_a_clear_error():
    X, y = blobs()
    with pytest.raises(
        ValueError, match=r"gate_label 'other'.*\['agree', 'disagree', 'discuss', 'unrelated'\]"
    ):
        gated(gate_label="other").fit(X, y)
    with pytest.raises(ValueError, match="at least two other classes"):
        gated().fit(X[y != "agree"][:150], np.where(y[y != "agree"][:150] == "unrelated", "unrelated", "x"))
    with pytest.raises(ValueError, match="threshold"):
        gated(threshold=1.0).fit(X, y)
    # the data-free checks also run alone, before a Marsad run reads any data
    with pytest.raises(ValueError, match=r"gate_label 'unrelated' .*\['agree', 'other'\]"):
        TextClassifier(gated(labels=["agree", "other"]), WordCharTfidf()).validate()


def test_inside_a_text_classifier_on_sparse_pair_features():
    frame = pd.DataFrame(fixture_pairs(30))
    X, y = frame[["claim", "text"]], frame["stance"].to_numpy()
    # text features become PairFeatures for pairs; the off-topic text is the gated class here
    model = TextClassifier(gated(gate_label="other"), WordCharTfidf()).fit(X[:60], y[:60])
    assert isinstance(model.featurizer_, PairFeatures)
    assert sp.issparse(model.featurizer_.transform(model._prepare(X[:5])))
    assert (model.predict(X[60:]) == y[60:]).mean() > 0.9
    assert np.allclose(model.predict_scores(X[60:]).sum(axis=1), 1)
