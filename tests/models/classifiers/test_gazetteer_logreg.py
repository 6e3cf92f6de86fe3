"""The learned actor model over gazetteer evidence, trained on the bundled corpus."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from marsad.data.corpus_check import bundled_dir, read_jsonl
from marsad.models.classifiers.gazetteer import load_inventory
from marsad.models.classifiers.gazetteer_logreg import GazetteerLogReg

LABELS = list(load_inventory(None))


@pytest.fixture(scope="module")
def fitted() -> GazetteerLogReg:
    articles = [a for a in read_jsonl(bundled_dir() / "articles.jsonl") if a["split"] == "train"]
    texts = [a["title"] + "\n" + a["text"] for a in articles]
    y = np.array([[int(label in a["actors"]) for label in LABELS] for a in articles])
    return GazetteerLogReg(LABELS, random_state=0).fit(texts, y)


def predicted(model: GazetteerLogReg, sentence: str) -> set[str]:
    return {label for label, hit in zip(LABELS, model.predict([sentence])[0]) if hit}


def test_learned_model_keeps_actors_and_drops_places(fitted):
    assert predicted(fitted, "أعلنت وزارة الدفاع الروسية أن قواتها أسقطت طائرتين مسيرتين.") == {"russia"}
    assert predicted(fitted, "أكدت الخارجية التركية أن أنقرة ترفض أي هجوم على إدلب.") == {"turkey"}
    assert predicted(fitted, "وصل فريق كرة القدم إلى تركيا للمشاركة في بطولة ودية.") == set()
    assert predicted(fitted, "قتل ثلاثة من عناصر داعش في كمين نصبته قوات سوريا الديمقراطية.") == {
        "isis",
        "sdf",
    }


def test_scores_are_probabilities_and_zero_without_a_candidate(fitted):
    scores = fitted.predict_scores(
        ["انخفضت أسعار الذهب في الأسواق المحلية.", "هاجم تنظيم داعش حاجزا للجيش العراقي."]
    )
    assert scores.shape == (2, len(LABELS))
    assert (scores[0] == 0).all()
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[1, LABELS.index("isis")] > 0.5 and scores[1, LABELS.index("iraq_government")] > 0.5
    labels, same = fitted.predict_with_scores(["هاجم تنظيم داعش حاجزا للجيش العراقي."])
    assert np.array_equal(same[0], scores[1]) and np.array_equal(labels[0], scores[1] >= fitted.threshold)


def test_estimator_contract():
    model = GazetteerLogReg(LABELS, C=0.5, threshold=0.6)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(ValueError, match="threshold"):
        GazetteerLogReg(LABELS, threshold=1.5).fit(["نص"], np.zeros((1, len(LABELS)), dtype=int))
    with pytest.raises(ValueError, match="columns"):
        GazetteerLogReg(LABELS).fit(["نص"], np.zeros((1, 3), dtype=int))
