"""WordBoundaryCharTfidf gives scikit-learn's char_wb TF-IDF features: the same vocabulary,
pruning and weights, on the bundled corpus and on texts it never saw."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from marsad.benchmark.task_data import task_type
from marsad.config_check import load_dataset_config
from marsad.models.features.char_tfidf import WordBoundaryCharTfidf

ODD = ["", "   ", "UN Security Council\tvote\nتصويت", "a", "x\u00a0y  مجلس-الأمن", "ABC abc Abc"]


@pytest.fixture(scope="module")
def texts() -> tuple[list[str], list[str]]:
    """The bundled corpus' topic articles: train, and dev plus odd strings as unseen text."""
    frames = load_dataset_config("marsad_mini", None).load(task_type("topic")).frames
    return frames["train"]["text"].tolist() + ODD[2:], frames["dev"]["text"].tolist() + ODD


@pytest.mark.parametrize(
    "settings",
    [
        {"ngram_range": (2, 5), "sublinear_tf": True, "max_features": 200_000},
        {"ngram_range": (2, 4), "sublinear_tf": True},
        {"ngram_range": (1, 3), "min_df": 2, "max_features": 3000},  # pruning by df, then by frequency
        {"ngram_range": (2, 5), "max_features": 20_000},  # many n-grams tie at the cut: same ones kept
        {"ngram_range": (3, 6), "lowercase": False},
    ],
)
def test_features_equal_scikit_learns_char_wb_tfidf(texts, settings):
    train, unseen = texts
    reference = TfidfVectorizer(analyzer="char_wb", **settings)
    expected_fit, expected_unseen = reference.fit_transform(train), reference.transform(unseen)
    ours = WordBoundaryCharTfidf(**settings)
    fitted = ours.fit_transform(train)
    assert ours.vocabulary_ == reference.vocabulary_
    assert fitted.shape == expected_fit.shape and fitted.nnz == expected_fit.nnz
    assert abs(fitted - expected_fit).max() < 1e-12
    assert abs(ours.transform(unseen) - expected_unseen).max() < 1e-12
    assert list(ours.get_feature_names_out()) == list(reference.get_feature_names_out())
    again = pickle.loads(pickle.dumps(ours))  # the logged model carries it
    assert abs(again.transform(unseen) - expected_unseen).max() < 1e-12


def test_texts_without_a_word_give_zero_rows_and_an_empty_corpus_is_refused():
    fitted = WordBoundaryCharTfidf().fit(["مجلس الأمن", "وقف إطلاق النار"])
    blank = fitted.transform(["", "  \n"])
    assert blank.shape == (2, len(fitted.vocabulary_)) and blank.nnz == 0
    with pytest.raises(ValueError, match="empty vocabulary"):
        WordBoundaryCharTfidf().fit(["", " "])
    assert np.isclose(fitted.transform(["مجلس"]).power(2).sum(), 1.0)  # rows are L2-normalised
