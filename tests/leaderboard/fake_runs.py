"""Runs with known predictions, logged the way `marsad-run` logs them (tags, metrics, parquet)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

from marsad.tracking.log_results import log_metrics, log_tags

LABELS = ["agree", "disagree", "other"]


def noisy_predictions(gold: np.ndarray, accuracy: float, rng: np.random.Generator) -> np.ndarray:
    """Gold labels (class indices), each replaced by a random other label with prob. 1 - accuracy."""
    wrong = rng.random(len(gold)) > accuracy
    shifted = (gold + rng.integers(1, len(LABELS), len(gold))) % len(LABELS)
    return np.where(wrong, shifted, gold)


def log_fake_run(
    client,
    experiment_id: str,
    model: str,
    seed: int,
    gold: np.ndarray,
    predicted: np.ndarray,
    dataset: str = "fake",
    fingerprint: str = "fp-test-1",
    task: str = "stance",
    labels: list[str] = LABELS,
    extra_tags: dict[str, str] | None = None,
) -> str:
    """One finished stance-like run whose test predictions are `predicted` (class indices)."""
    run = client.create_run(experiment_id, run_name=f"{model}-{seed}")
    run_id = run.info.run_id
    log_tags(run_id, client, {
        "task": task, "dataset": dataset, "model": model, "seed": str(seed), "preprocess": "normalize",
        "config_id": f"{model}-cfg", "primary_metric": "macro_f1", "label_set": ",".join(labels),
        "data_fingerprint.test": fingerprint, **(extra_tags or {}),
    })  # fmt: skip
    y_true, y_pred = [labels[i] for i in gold], [labels[i] for i in predicted]
    log_metrics(run_id, client, {
        "test_macro_f1": f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0),
        "test_accuracy": accuracy_score(y_true, y_pred),
        "fit_seconds": 1.0 + seed, "predict_examples_per_second": 1000.0, "model_size_bytes": 2e6,
    })  # fmt: skip
    frame = pd.DataFrame({
        "id": [f"ex{i:04d}" for i in range(len(gold))], "split": "test", "gold": y_true, "predicted": y_pred,
        "correct": gold == predicted, "scores": [[0.0] * len(labels)] * len(gold),
        "text": [f"نص رقم {i}" for i in range(len(gold))],
    })  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "predictions.parquet"
        frame.to_parquet(path, index=False)
        client.log_artifact(run_id, str(path))
    client.set_terminated(run_id, "FINISHED")
    return run_id
