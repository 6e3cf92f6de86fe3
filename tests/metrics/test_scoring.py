"""The local evaluate modules agree with independent computations."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score, hamming_loss

from marsad.metrics import score_predictions
from marsad.metrics.scoring import applicable_metrics

LABELS = ["agree", "disagree", "discuss", "unrelated"]


def test_single_label_scores_match_sklearn():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    scores, per_class = score_predictions(["accuracy", "classification_f1"], y_true, y_pred, LABELS)
    assert scores["accuracy"] == np.mean(y_true == y_pred)
    assert np.isclose(scores["macro_f1"], f1_score(y_true, y_pred, average="macro"))
    assert np.isclose(scores["weighted_f1"], f1_score(y_true, y_pred, average="weighted"))
    assert np.isclose(per_class["discuss"]["f1"], f1_score(y_true == 2, y_pred == 2))
    assert per_class["agree"]["support"] == int((y_true == 0).sum())


def test_fnc1_score_by_hand():
    # gold: agree, unrelated, discuss, disagree; best = 1 + .25 + 1 + 1 = 3.25
    y_true = np.array([0, 3, 2, 1])
    y_pred = np.array([0, 3, 0, 3])  # exact (1) + unrelated right (.25) + related-wrong label (.25) + 0
    scores, _ = score_predictions(["fnc1"], y_true, y_pred, LABELS)
    assert np.isclose(scores["fnc1_score"], 1.5 / 3.25)


def test_fnc1_only_for_the_four_way_label_set():
    assert applicable_metrics(["accuracy", "fnc1"], ["agree", "disagree", "other"]) == ("accuracy",)
    assert applicable_metrics(["fnc1"], LABELS) == ("fnc1",)


def test_multilabel_scores_match_sklearn():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 2, (50, 5)), rng.integers(0, 2, (50, 5))
    scores, per_class = score_predictions(["multilabel"], y_true, y_pred, list("abcde"))
    assert np.isclose(scores["micro_f1"], f1_score(y_true, y_pred, average="micro"))
    assert np.isclose(scores["macro_f1"], f1_score(y_true, y_pred, average="macro"))
    assert np.isclose(scores["hamming_loss"], hamming_loss(y_true, y_pred))
    assert scores["subset_accuracy"] == np.mean((y_true == y_pred).all(axis=1))
    assert per_class["c"]["support"] == int(y_true[:, 2].sum())
