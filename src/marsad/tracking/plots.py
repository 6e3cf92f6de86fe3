"""Figures a person opens from a run: the confusion matrix (per-label counts for multi-label)."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np


def save_confusion_matrix(
    y_true: np.ndarray, y_pred: np.ndarray, label_names: list[str], path: Path | BinaryIO, title: str
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix, multilabel_confusion_matrix

    if y_true.ndim == 2:  # multi-label: one row per label with TP / FN / FP counts
        per_label = multilabel_confusion_matrix(y_true, y_pred)
        matrix = np.array([[m[1, 1], m[1, 0], m[0, 1]] for m in per_label])
        columns, xlabel = ["true pos.", "false neg.", "false pos."], "outcome"
    else:
        matrix = confusion_matrix(y_true, y_pred, labels=range(len(label_names)))
        columns, xlabel = label_names, "predicted"
    height = 1.2 + 0.35 * len(label_names)
    fig, ax = plt.subplots(figsize=(max(4.5, 0.7 * len(columns) + 3), height))
    ax.imshow(matrix, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(columns)), columns, rotation=45, ha="right")
    ax.set_yticks(range(len(label_names)), label_names)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=9)
    threshold = matrix.max() / 2 if matrix.size else 0
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(
            j,
            i,
            str(value),
            ha="center",
            va="center",
            fontsize=7,
            color="white" if value > threshold else "black",
        )
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
