"""Macro, micro and weighted F1 with per-class precision, recall and F1 for single-label tasks."""

import datasets
import evaluate
from sklearn.metrics import f1_score, precision_recall_fscore_support

_DESCRIPTION = "F1 averages and a per-class report for single-label multiclass predictions."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list[int]): predicted class indices.
    references (list[int]): gold class indices.
    label_names (list[str]): name of each class index; every class is reported, even when absent.
Returns:
    macro_f1, micro_f1, weighted_f1 (float), and per_class: {name: {precision, recall, f1, support}}.
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class ClassificationF1(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}
            ),
        )

    def _compute(self, predictions, references, label_names, **_):
        labels = list(range(len(label_names)))
        scores = {
            f"{average}_f1": float(
                f1_score(references, predictions, labels=labels, average=average, zero_division=0)
            )
            for average in ("macro", "micro", "weighted")
        }
        p, r, f, s = precision_recall_fscore_support(references, predictions, labels=labels, zero_division=0)
        scores["per_class"] = {
            name: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i, name in enumerate(label_names)
        }
        return scores
