"""FNC-1 weighted score for four-way stance (agree, disagree, discuss, unrelated).

The Fake News Challenge score gives 0.25 for telling related from unrelated correctly, and a
further 0.75 for the exact label of a related pair; it is reported relative to the best
possible score on the same references.
"""

import datasets
import evaluate

_DESCRIPTION = "FNC-1 relative weighted score (Pomerleau and Rao, 2017)."
_KWARGS_DESCRIPTION = """
Args:
    predictions (list[int]): predicted class indices.
    references (list[int]): gold class indices.
    label_names (list[str]): class names; must include agree, disagree, discuss and unrelated.
Returns:
    fnc1_score (float): achieved / best achievable weighted score, in [0, 1].
"""
RELATED = ("agree", "disagree", "discuss")


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class FNC1(evaluate.Metric):
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
        missing = set(RELATED + ("unrelated",)) - set(label_names)
        if missing:
            raise ValueError(f"FNC-1 needs the labels {sorted(missing)} in label_names={label_names}")
        names = [label_names[i] for i in predictions], [label_names[i] for i in references]
        score = best = 0.0
        for pred, gold in zip(*names):
            best += 0.25 + (0.75 if gold in RELATED else 0.0)
            if (pred in RELATED) == (gold in RELATED):
                score += 0.25
                if gold in RELATED and pred == gold:
                    score += 0.75
        return {"fnc1_score": score / best if best else 0.0}
