"""`TextClassifier`: the one estimator shape every Marsad model takes.

A model config names text features and a scikit-learn classifier; this estimator adapts them
to the task it is fitted on, so one YAML file serves topic, actor and stance:
- pair input (a claim/text frame): the pair form of the text features (`pair_featurizer`:
  `PairFeatures` around them, `EmbeddingPairFeatures` around `SentenceEmbeddings`, features
  that read pairs themselves as they are), or plain concatenation when `pairing="concat"` (the
  baseline pair-aware features must beat);
- multi-label targets (a 0/1 matrix): the classifier is wrapped one-vs-rest, unless it fits
  a label matrix itself (e.g. an MLP);
- an optional normaliser (a transformer over strings) runs first, so the logged model
  normalises new text exactly as in training.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.dummy import DummyClassifier
from sklearn.multiclass import OneVsRestClassifier

from marsad.models.features.constant import ConstantFeatures
from marsad.models.features.pairing import pair_featurizer

PAIRINGS = ("features", "concat")
SEPARATOR = " | "


class TextClassifier(ClassifierMixin, BaseEstimator):
    def __init__(self, classifier, features=None, normalizer=None, pairing: str = "features") -> None:
        self.classifier = classifier
        self.features = features
        self.normalizer = normalizer
        self.pairing = pairing

    def validate(self) -> None:
        """Check argument types and values before any data is read or any run is created."""
        if self.pairing not in PAIRINGS:
            raise ValueError(f"pairing must be one of {PAIRINGS}, got {self.pairing!r}")
        if self.pairing == "concat" and getattr(self.features, "handles_pairs", False):
            raise ValueError("pairing='concat' needs text features, not pair features")
        for part in (self.classifier, self.features, self.normalizer):
            if part is not None and hasattr(part, "_parameter_constraints"):
                part._validate_params()
            if callable(getattr(part, "validate", None)):  # Marsad parts' own checks (GatedClassifier)
                part.validate()

    # -- input preparation ------------------------------------------------------------------
    def _normalize(self, texts) -> list[str]:
        texts = [str(t) for t in texts]
        return self.normalizer.transform(texts) if self.normalizer is not None else texts

    def _prepare(self, X):
        """Normalised texts, or for pairs a normalised two-column frame / concatenation."""
        if isinstance(X, pd.DataFrame) and X.shape[1] == 2:
            claims, texts = self._normalize(X.iloc[:, 0]), self._normalize(X.iloc[:, 1])
            if self.pairing == "concat":
                return [f"{c}{SEPARATOR}{t}" for c, t in zip(claims, texts)]
            return pd.DataFrame({"claim": claims, "text": texts})
        return self._normalize(X)

    def _make_featurizer(self, prepared):
        base = ConstantFeatures() if self.features is None else clone(self.features)
        if isinstance(prepared, pd.DataFrame) and self.features is not None:
            return pair_featurizer(base)
        return base

    # -- estimator API ----------------------------------------------------------------------
    def fit(self, X, y) -> TextClassifier:
        self.validate()
        prepared = self._prepare(X)
        y = np.asarray(y)
        self.multilabel_ = y.ndim == 2
        self.featurizer_ = self._make_featurizer(prepared)
        features = self.featurizer_.fit_transform(prepared, y)  # one pass over the training texts
        classifier = clone(self.classifier)
        # Classifiers that fit a label matrix themselves (MLP: one net, a shared hidden layer)
        # keep it; the others are fitted one-vs-rest.
        native = (
            isinstance(classifier, DummyClassifier)
            or classifier.__sklearn_tags__().classifier_tags.multi_label
        )
        if self.multilabel_ and not native:
            classifier = OneVsRestClassifier(classifier)
        self.classifier_ = classifier.fit(features, y)
        self.classes_ = np.arange(y.shape[1]) if self.multilabel_ else np.unique(y)
        return self

    def _features(self, X):
        return self.featurizer_.transform(self._prepare(X))

    def predict(self, X) -> np.ndarray:
        return np.asarray(self.classifier_.predict(self._features(X)))

    def predict_scores(self, X) -> np.ndarray:
        """A score per class (per label for multi-label): probabilities where the classifier
        has them, decision values otherwise. Shape (n_examples, n_classes)."""
        return self._scores(self._features(X))

    def predict_with_scores(self, X) -> tuple[np.ndarray, np.ndarray]:
        """predict(X) and predict_scores(X) from one featurisation, the costly part for the
        embedding models (evaluation and `marsad predict` need both)."""
        features = self._features(X)
        return np.asarray(self.classifier_.predict(features)), self._scores(features)

    def _scores(self, features) -> np.ndarray:
        if hasattr(self.classifier_, "predict_proba"):
            scores = self.classifier_.predict_proba(features)
            if isinstance(scores, list):  # multi-output dummy: one (n, 2) array per label
                scores = np.column_stack([s[:, -1] if s.shape[1] > 1 else s[:, 0] for s in scores])
        else:
            scores = self.classifier_.decision_function(features)
        scores = np.asarray(scores, dtype=float)
        if scores.ndim == 1:  # binary decision function -> one column per class
            scores = np.column_stack([-scores, scores])
        return scores
