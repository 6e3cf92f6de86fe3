"""Aliases learned from training articles (AliasLearner inside GazetteerLogReg.fit), on a tiny
corpus written here: the US is named by a name the inventory lacks (ترامب) in several articles,
and a day name follows mentions of three actors."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from sklearn.base import clone

from marsad.models.classifiers.alias_learning import AliasLearner
from marsad.models.classifiers.gazetteer_logreg import GazetteerLogReg

LABELS = ["united_states", "russia", "iran"]
US, RUSSIA, IRAN = ({label} for label in LABELS)

TRAIN = [
    # the new name beside an inventory mention (apposition) and on its own further on
    ("الرئيس الأمريكي دونالد ترامب يستقبل ضيفه\nوأكد ترامب أن اللقاء كان مثمرا.", US),
    ("قال الرئيس الأمريكي دونالد ترامب إن العقوبات ستستمر\nوهدد ترامب بخطوات أخرى.", US),
    ("انتقد الرئيس الأمريكي دونالد ترامب الاتفاق\nووصف ترامب الاتفاق بأنه سيئ.", US),
    ("زار الرئيس الأمريكي دونالد ترامب القاعدة\nوتحدث ترامب إلى الجنود هناك.", US),
    # the new name alone: the inventory finds no US mention here
    ("ترامب يتوعد بالرد\nقال ترامب في تغريدة إن بلاده سترد بقوة.", US),
    ("ترامب يلغي زيارته\nألغى ترامب زيارة كانت مقررة الأسبوع المقبل.", US),
    ("ترامب يهاجم الصحافة\nهاجم ترامب وسائل الإعلام مجددا.", US),
    ("ترامب يوقع قرارا جديدا\nوقع ترامب قرارا يخص الهجرة.", US),
    # a day name next to mentions of three actors, and alone in articles of each
    ("أعلن البنتاغون الثلاثاء إرسال قوات إضافية\nوقال البنتاغون إن القوات ستصل قريبا.", US),
    ("أعلن الكرملين الثلاثاء رفضه للعقوبات\nوقال الكرملين إن العقوبات غير قانونية.", RUSSIA),
    ("أعلن الحرس الثوري الثلاثاء إجراء مناورات\nوقال الحرس الثوري إن المناورات دفاعية.", IRAN),
    ("أعلن الكرملين الثلاثاء استعداده للحوار\nوفي الثلاثاء الماضي التقى الوفدان.", RUSSIA),
    ("أعلن الحرس الثوري الثلاثاء إسقاط طائرة\nوجرى ذلك صباح الثلاثاء الباكر.", IRAN),
    ("أكدت الخارجية الأمريكية الثلاثاء موقفها\nوفي الثلاثاء المقبل يجتمع المسؤولون.", US),
    # other evidence the regression learns from: names of each actor, and places that are not actors
    ("قالت وزارة الدفاع الروسية إن قواتها أسقطت طائرتين\nوأكد الكرملين الخبر.", RUSSIA),
    ("أعلنت الخارجية الإيرانية رفضها للاتهامات\nوقال الحرس الثوري إنه مستعد.", IRAN),
    ("وصل المنتخب إلى روسيا للمشاركة في البطولة\nوسيلعب مباراتين هناك.", set()),
    ("انخفضت أسعار النفط في إيران\nوتراجعت الصادرات خلال الشهر.", set()),
    ("افتتح معرض للكتاب في أمريكا\nوشارك فيه ناشرون كثيرون.", set()),
    ("هطلت أمطار غزيرة يوم الثلاثاء\nوتضررت طرق عدة في المدينة.", set()),
]
NEW_ALIAS_ONLY = "ترامب يعلن انسحاب بلاده من الاتفاق النووي\nوقال ترامب إن القرار نهائي."


def matrix(rows: list[set[str]]) -> np.ndarray:
    return np.array([[int(label in row) for label in LABELS] for row in rows])


def fit(min_docs: int = 3) -> GazetteerLogReg:
    learner = AliasLearner(min_docs=min_docs, min_precision=0.8, min_beside=2)
    model = GazetteerLogReg(LABELS, random_state=0, learn_aliases=learner)
    return model.fit([text for text, _ in TRAIN], matrix([labels for _, labels in TRAIN]))


@pytest.fixture(scope="module")
def fitted() -> GazetteerLogReg:
    return fit()


def test_a_name_the_inventory_lacks_is_learned_and_matched(fitted):
    assert "ترامب" in fitted.learned_aliases_["united_states"]
    count, articles = fitted.learned_aliases_["united_states"]["ترامب"]
    assert count == articles == 8  # every article where it stands alone is labelled with the US
    labels, scores = fitted.predict_with_scores([NEW_ALIAS_ONLY])
    assert scores[0, LABELS.index("united_states")] > fitted.threshold
    assert labels[0].tolist() == [1, 0, 0]


def test_the_inventory_alone_misses_that_article():
    plain = GazetteerLogReg(LABELS, random_state=0).fit(
        [text for text, _ in TRAIN], matrix([labels for _, labels in TRAIN])
    )
    assert plain.learned_aliases_ == {}
    assert plain.predict_scores([NEW_ALIAS_ONLY]).sum() == 0  # no candidate at all


def test_a_word_seen_with_many_actors_is_not_learned():
    """The day name stands beside mentions of all three actors, as a name would; alone, it is
    in articles of each of them, so it is precise for none, however few articles are asked."""
    model = fit(min_docs=1)
    assert model.learned_aliases_ == {"united_states": {"ترامب": (8, 8)}}
    assert model.predict_scores(["تأجل الاجتماع إلى الثلاثاء المقبل."]).sum() == 0


def test_aliases_are_never_learned_from_texts_passed_to_predict(fitted):
    before = copy.deepcopy(fitted.learned_aliases_)
    unseen = "نتنياهو يزور العاصمة\nقال نتنياهو إن الزيارة مهمة."
    for _ in range(3):
        assert fitted.predict([unseen] * 10).sum() == 0
    assert fitted.learned_aliases_ == before
    assert not any("نتنياهو" in pattern.pattern for _, _, pattern in fitted.finder_.patterns)


def test_fitted_model_pickles_and_predicts_the_same(fitted):
    texts = [NEW_ALIAS_ONLY, "أعلن الكرملين رفضه للعقوبات.", "وصل المنتخب إلى روسيا."]
    restored = pickle.loads(pickle.dumps(fitted))
    assert restored.learned_aliases_ == fitted.learned_aliases_
    assert np.array_equal(restored.predict_scores(texts), fitted.predict_scores(texts))


def test_learner_is_a_parameter_of_the_estimator():
    model = GazetteerLogReg(LABELS, learn_aliases=AliasLearner(min_docs=5))
    assert clone(model).get_params()["learn_aliases__min_docs"] == 5
    with pytest.raises(ValueError, match="min_precision"):
        GazetteerLogReg(LABELS, learn_aliases=AliasLearner(min_precision=0.3)).validate()


def test_a_city_precise_for_an_actor_is_not_a_name():
    """Precision alone would make the Houthis' city one of their names; it is never written in
    apposition to them, only after a preposition."""
    from marsad.models.classifiers.gazetteer import build_finder
    from marsad.text.normalize import ArabicNormalizer

    texts = ArabicNormalizer().transform(
        [
            f"{verb} الحوثيون مواقع في الحديدة\nوتواصلت المعارك في الحديدة."
            for verb in ("قصف", "هاجم", "دخل", "ترك")
        ]
        + ["ارتفعت الأسعار في صنعاء", "وصل وفد إلى عدن"]
    )
    y = np.array([[1]] * 4 + [[0]] * 2)
    finder = build_finder(["houthis"], None, state_rules=True, use_metonyms=True)
    assert "الحديده" in AliasLearner(min_beside=0).learn(texts, y, ["houthis"], finder)["houthis"]
    assert AliasLearner(min_beside=2).learn(texts, y, ["houthis"], finder) == {}
