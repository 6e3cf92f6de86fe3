"""`ExternalEstimator`: a user's own scikit-learn-style estimator, scored like every Marsad model.

The user's class (any importable `_target_`) sees what Marsad estimators see: a Series of texts,
or for stance a claim/text frame (or, with `join_pairs`, one 'claim | text' string per pair);
labels as class indices, or for actors a 0/1 matrix (wrapped one-vs-rest unless
`one_vs_rest=False`). This adapter adds only what evaluation needs: scores per class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.multiclass import OneVsRestClassifier

SEPARATOR = " | "


class ExternalEstimator(ClassifierMixin, BaseEstimator):
    def __init__(self, estimator, join_pairs: bool = False, one_vs_rest: bool = True) -> None:
        self.estimator = estimator
        self.join_pairs = join_pairs
        self.one_vs_rest = one_vs_rest

    def validate(self) -> None:
        for method in ("fit", "predict"):
            if not callable(getattr(self.estimator, method, None)):
                raise TypeError(
                    f"{type(self.estimator).__name__} has no {method}(); "
                    "expected a scikit-learn-style estimator"
                )

    def _inputs(self, X):
        if self.join_pairs and isinstance(X, pd.DataFrame):
            return [f"{c}{SEPARATOR}{t}" for c, t in zip(X.iloc[:, 0].astype(str), X.iloc[:, 1].astype(str))]
        return X

    def fit(self, X, y) -> ExternalEstimator:
        y = np.asarray(y)
        model = clone(self.estimator)
        if y.ndim == 2 and self.one_vs_rest:
            model = OneVsRestClassifier(model)
        self.estimator_ = model.fit(self._inputs(X), y)
        self.classes_ = getattr(
            self.estimator_, "classes_", np.arange(y.shape[1]) if y.ndim == 2 else np.unique(y)
        )
        return self

    def predict(self, X) -> np.ndarray:
        return np.asarray(self.estimator_.predict(self._inputs(X)))

    def predict_scores(self, X) -> np.ndarray:
        """Class probabilities, else decision values, else the prediction as one-hot scores."""
        inputs = self._inputs(X)
        for method in ("predict_proba", "decision_function"):
            if hasattr(self.estimator_, method):
                scores = np.asarray(getattr(self.estimator_, method)(inputs), dtype=float)
                return scores[:, None] if scores.ndim == 1 else scores
        predicted = self.predict(X)
        if predicted.ndim == 2:
            return predicted.astype(float)
        return (predicted[:, None] == np.asarray(self.classes_)[None, :]).astype(float)
