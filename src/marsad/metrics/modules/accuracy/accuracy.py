"""Accuracy: the share of examples whose predicted class equals the gold class."""

import datasets
import evaluate
from sklearn.metrics import accuracy_score

_DESCRIPTION = "Accuracy of single-label predictions (class indices)."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list[int]): predicted class indices.
    references (list[int]): gold class indices.
Returns:
    accuracy (float): share of exact matches, in [0, 1].
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Accuracy(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {"predictions": datasets.Value("int32"), "references": datasets.Value("int32")}
            ),
        )

    def _compute(self, predictions, references, **_):
        return {"accuracy": float(accuracy_score(references, predictions))}
