"""Predict one split and score it: metrics, per-class report and per-example predictions."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from marsad.data.label_space import LabelMapping
from marsad.metrics import score_predictions
from marsad.tasks import Task


@dataclass
class SplitResult:
    split: str
    metrics: dict[str, float]
    per_class: dict[str, dict[str, float]]
    predictions: pd.DataFrame
    y_true: np.ndarray
    y_pred: np.ndarray
    seconds: float


def predict_with_scores(estimator, X, n_labels: int) -> tuple[np.ndarray, np.ndarray]:
    """Predictions and scores, the scores with one column per declared label (also when training
    lacked some class). Estimators with `predict_with_scores` featurise X once for both."""
    if hasattr(estimator, "predict_with_scores"):
        predicted, scores = estimator.predict_with_scores(X)
    else:
        predicted, scores = estimator.predict(X), estimator.predict_scores(X)
    predicted = np.asarray(predicted)
    if scores.shape[1] == n_labels:
        return predicted, scores
    full = np.full((scores.shape[0], n_labels), np.nan)
    full[:, estimator.classes_] = scores
    return predicted, full


PREVIEW_CHARS = 240


def preview(frame: pd.DataFrame, task: Task) -> list[str]:
    """The start of each input, so `marsad compare` can show examples without the dataset."""
    columns = [frame[name].astype(str).str.slice(0, PREVIEW_CHARS) for name in task.inputs]
    return [" ⟂ ".join(parts) for parts in zip(*columns)]


def resampling_groups(frame: pd.DataFrame, task: Task) -> list[str]:
    """The unit a bootstrap resamples: for pair tasks the claim (all its pairs move together,
    so they are not independent examples), otherwise the example itself."""
    if not task.is_pair:
        return frame["id"].astype(str).tolist()
    claims = frame[task.inputs[0]].astype(str)
    return [hashlib.sha1(c.encode("utf-8")).hexdigest()[:12] for c in claims]


def evaluate_split(
    estimator,
    task: Task,
    split: str,
    frame: pd.DataFrame,
    label_names: list[str],
    mapping: LabelMapping | None = None,
) -> SplitResult:
    """Score `frame`; with a `mapping` (another dataset's labels), gold labels and predictions
    are both mapped into the common label space first and scored there."""
    X = task.features(frame)
    start = time.perf_counter()
    y_pred, scores = predict_with_scores(estimator, X, len(label_names))
    seconds = time.perf_counter() - start
    if mapping is not None:
        y_pred, scores = mapping.map_predictions(y_pred, scores, label_names)
        frame = frame.assign(label=frame["label"].map(mapping.eval_map))
        label_names = mapping.labels
    y_true = task.encode(frame["label"], label_names)
    metrics, per_class = score_predictions(task.metrics, y_true, y_pred, label_names)
    correct = (y_true == y_pred).all(axis=1) if y_true.ndim == 2 else y_true == y_pred
    predictions = pd.DataFrame(
        {
            "id": frame["id"].astype(str).to_numpy(),
            "split": split,
            "gold": task.decode(y_true, label_names),
            "predicted": task.decode(np.asarray(y_pred), label_names),
            "correct": correct,
            "scores": [row.tolist() for row in scores],
            "group": resampling_groups(frame, task),
            "text": preview(frame, task),
        }
    )
    return SplitResult(split, metrics, per_class, predictions, y_true, y_pred, seconds)
