"""Multi-label scores: micro/macro F1, subset accuracy, Hamming loss, per-label report."""

import datasets
import evaluate
import numpy as np
from sklearn.metrics import accuracy_score, f1_score, hamming_loss, precision_recall_fscore_support

_DESCRIPTION = "Scores for multi-label predictions given as binary indicator vectors."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list[list[int]]): one 0/1 vector per example, one position per label.
    references (list[list[int]]): gold 0/1 vectors of the same shape.
    label_names (list[str]): the name of each position.
Returns:
    micro_f1, macro_f1, subset_accuracy, hamming_loss (float), and per_class:
    {name: {precision, recall, f1, support}}.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class MultiLabel(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "predictions": datasets.Sequence(datasets.Value("int32")),
                    "references": datasets.Sequence(datasets.Value("int32")),
                }
            ),
        )

    def _compute(self, predictions, references, label_names, **_):
        y_pred, y_true = np.asarray(predictions), np.asarray(references)
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=0)
        return {
            "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
            "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
            "subset_accuracy": float(accuracy_score(y_true, y_pred)),
            "hamming_loss": float(hamming_loss(y_true, y_pred)),
            "per_class": {
                name: {
                    "precision": float(p[i]),
                    "recall": float(r[i]),
                    "f1": float(f[i]),
                    "support": int(s[i]),
                }
                for i, name in enumerate(label_names)
            },
        }
