"""Two-stage classification: first "is it `gate_label` or not?", then which of the other classes.

Stance datasets built by retrieval (UnifiedFC, FNC-1) are two thirds `unrelated`; one
multinomial model spends its capacity there, and the rare stances (disagree: 3% of pairs) lose.
The usual remedy of FNC-1 systems is a relatedness gate and a stance classifier trained on the
related pairs only. On UnifiedFC dev (fold 4), use_evidence_logreg's features: one logistic
regression 0.490 macro-F1, gate + stance 0.514 (disagree F1 0.30 -> 0.35).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone


class GatedClassifier(ClassifierMixin, BaseEstimator):
    """`gate` (binary, with predict_proba) separates `gate_label` from the rest; `classifier`,
    fitted on the rest only, picks among them. predict: the rest's best class where the gate's
    probability of "not gate_label" exceeds `threshold`. predict_proba: P(gate_label) = 1 - g,
    P(c) = g * P(c | not gate_label), columns in `classes_` order.

    `labels`: the dataset's label names when y holds their indices (as Marsad runs fit models:
    the config passes `${dataset.tasks.stance.labels}`); None when y holds the names."""

    def __init__(
        self, gate, classifier, gate_label: str = "unrelated", labels=None, threshold: float = 0.5
    ) -> None:
        self.gate = gate
        self.classifier = classifier
        self.gate_label = gate_label
        self.labels = labels
        self.threshold = threshold

    def validate(self) -> None:
        """Checks that need no data; a Marsad run calls this before it creates its MLflow run."""
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")
        if self.labels is not None and self.gate_label not in list(self.labels):
            raise ValueError(
                f"gate_label {self.gate_label!r} is not one of the dataset's labels {list(self.labels)}; "
                "set the model's classifier.gate_label"
            )

    def fit(self, X, y) -> GatedClassifier:
        self.validate()
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError("GatedClassifier is for single-label tasks (one class per example)")
        names = None if self.labels is None else list(self.labels)
        self.gate_class_ = self.gate_label if names is None else names.index(self.gate_label)
        classes = np.unique(y)
        rest = y != self.gate_class_
        if self.gate_class_ not in classes or len(np.unique(y[rest])) < 2:
            shown = classes.tolist() if names is None else [names[i] for i in classes]
            raise ValueError(
                f"GatedClassifier needs gate_label {self.gate_label!r} and at least two other classes "
                f"among the training labels {shown}; set the model's classifier.gate_label"
            )
        self.gate_ = clone(self.gate).fit(X, rest)
        self.classifier_ = clone(self.classifier).fit(X[rest], y[rest])
        self.classes_ = classes
        return self

    def _stages(self, X) -> tuple[np.ndarray, np.ndarray]:
        """P(not gate_label) per example, and the second stage's class probabilities."""
        passed = self.gate_.predict_proba(X)[:, list(self.gate_.classes_).index(True)]
        return passed, self.classifier_.predict_proba(X)

    def predict_proba(self, X) -> np.ndarray:
        passed, inner = self._stages(X)
        column = {c: i for i, c in enumerate(self.classes_)}
        out = np.zeros((len(passed), len(self.classes_)))
        out[:, column[self.gate_class_]] = 1 - passed
        for j, label in enumerate(self.classifier_.classes_):
            out[:, column[label]] = passed * inner[:, j]
        return out

    def predict(self, X) -> np.ndarray:
        passed, inner = self._stages(X)
        best = self.classifier_.classes_[inner.argmax(axis=1)]
        return np.where(passed > self.threshold, best, self.gate_class_)
