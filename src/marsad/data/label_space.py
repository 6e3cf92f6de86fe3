"""Common label spaces, so a model trained on one dataset can be scored on another.

Stance corpora disagree on labels (ANS: agree/disagree/other; UnifiedFC and marsad_mini:
agree/disagree/discuss/unrelated). Each dataset declares, per task, how its labels map into
named common spaces:

    label_spaces:
      stance3: {discuss: other, unrelated: other}   # labels not listed map to themselves

When the training and evaluation label sets differ, gold labels of the evaluation set and the
model's predictions are both mapped into a space the two datasets share; scores for the model's
labels are summed per common label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.errors import ConfigError


@dataclass(frozen=True)
class LabelMapping:
    space: str
    labels: list[str]
    train_map: dict[str, str]
    eval_map: dict[str, str]

    def map_predictions(
        self, y_pred: np.ndarray, scores: np.ndarray, train_labels: list[str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Predicted class indices and per-class scores, from the model's labels to the space's."""
        index = {name: i for i, name in enumerate(self.labels)}
        to_common = np.array([index[self.train_map[name]] for name in train_labels])
        common_scores = np.zeros((scores.shape[0], len(self.labels)))
        for own, common in enumerate(to_common):
            common_scores[:, common] += np.nan_to_num(scores[:, own])
        return to_common[np.asarray(y_pred)], common_scores


def complete(dataset: str, labels: list[str], spaces: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Every declared space as a full label -> common label map (unlisted labels map to themselves)."""
    full = {}
    for space, mapping in (spaces or {}).items():
        unknown = sorted(set(mapping or {}) - set(labels))
        if unknown:
            raise ConfigError(
                f"dataset '{dataset}': label_spaces.{space} maps {unknown}, which are not labels {labels}"
            )
        full[space] = {label: (mapping or {}).get(label, label) for label in labels}
    return full


def common_label_space(
    train: tuple[str, list[str], dict], evaluated: tuple[str, list[str], dict]
) -> LabelMapping:
    """The first (alphabetically) space both datasets declare; each argument is
    (dataset name, its labels, its `label_spaces`)."""
    (train_name, train_labels, train_spaces), (eval_name, eval_labels, eval_spaces) = train, evaluated
    own, other = (
        complete(train_name, train_labels, train_spaces),
        complete(eval_name, eval_labels, eval_spaces),
    )
    shared = sorted(set(own) & set(other))
    if not shared:
        raise ConfigError(
            f"eval dataset '{eval_name}' has labels {eval_labels}, the training dataset '{train_name}' "
            f"{train_labels}, and they declare no common label space (label_spaces: "
            f"{sorted(own) or 'none'} vs {sorted(other) or 'none'}); add one to both dataset configs"
        )
    space = shared[0]
    labels = sorted(set(own[space].values()) | set(other[space].values()))
    return LabelMapping(space=space, labels=labels, train_map=own[space], eval_map=other[space])
