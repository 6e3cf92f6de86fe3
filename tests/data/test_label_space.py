"""Cross-dataset evaluation maps gold labels and predictions into one common label space."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marsad.data.label_space import common_label_space
from marsad.errors import ConfigError
from marsad.evaluation import evaluate_split
from marsad.tasks import Task

STANCE = Task("stance", ["claim", "text"], "single", ["accuracy", "classification_f1"], "macro_f1")
FOUR = ["agree", "disagree", "discuss", "unrelated"]
FOUR_SPACES = {"stance3": {"discuss": "other", "unrelated": "other"}}


class FixedPredictions:
    """Predicts the class indices it was given, with one-hot scores."""

    def __init__(self, predictions: list[int], n_labels: int) -> None:
        self.predictions, self.n_labels = predictions, n_labels

    def predict(self, X):
        return np.array(self.predictions)

    def predict_scores(self, X):
        return np.eye(self.n_labels)[self.predictions]


def test_common_space_maps_both_sides():
    mapping = common_label_space(
        ("ufc", FOUR, FOUR_SPACES), ("ans", ["agree", "disagree", "other"], {"stance3": {}})
    )
    assert mapping.space == "stance3" and mapping.labels == ["agree", "disagree", "other"]
    assert mapping.train_map == {
        "agree": "agree",
        "disagree": "disagree",
        "discuss": "other",
        "unrelated": "other",
    }
    assert mapping.eval_map == {"agree": "agree", "disagree": "disagree", "other": "other"}


def test_four_way_model_scored_on_three_way_gold():
    mapping = common_label_space(
        ("ufc", FOUR, FOUR_SPACES), ("ans", ["agree", "disagree", "other"], {"stance3": {}})
    )
    frame = pd.DataFrame({"id": list("abcd"), "claim": ["c"] * 4, "text": ["t"] * 4,
                          "label": ["agree", "other", "other", "disagree"]})  # fmt: skip
    # predicted: agree, discuss (-> other, right), unrelated (-> other, right), agree (wrong)
    model = FixedPredictions([0, 2, 3, 0], 4)
    result = evaluate_split(model, STANCE, "ans.test", frame, FOUR, mapping)
    assert result.metrics["accuracy"] == pytest.approx(0.75)
    assert result.predictions["predicted"].tolist() == ["agree", "other", "other", "agree"]
    assert result.per_class["disagree"]["f1"] == 0 and result.per_class["other"]["f1"] == 1
    assert result.predictions["scores"].iloc[2] == [0.0, 0.0, 1.0]  # discuss + unrelated summed


def test_no_shared_space_is_a_config_error_naming_both():
    with pytest.raises(ConfigError, match="'b'.*'a'.*no common label space"):
        common_label_space(("a", FOUR, FOUR_SPACES), ("b", ["pro", "con"], {}))


def test_a_space_mapping_an_unknown_label_is_a_config_error():
    with pytest.raises(ConfigError, match="label_spaces.stance3 maps \\['discus'\\]"):
        common_label_space(("a", FOUR, {"stance3": {"discus": "other"}}), ("b", FOUR, FOUR_SPACES))
