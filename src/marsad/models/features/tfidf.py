"""Text features: word and character TF-IDF."""

from __future__ import annotations

import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from marsad.models.features.char_tfidf import WordBoundaryCharTfidf


class WordCharTfidf(BaseEstimator, TransformerMixin):
    """Word n-grams (content) plus character n-grams within word boundaries (morphology:
    Arabic clitics and affixes glue onto words, so char n-grams catch shared stems)."""

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (2, 5),
        max_features: int | None = 200_000,
        min_df: int = 1,
        sublinear_tf: bool = True,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.max_features = max_features
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf

    def _union(self) -> FeatureUnion:
        common = dict(sublinear_tf=self.sublinear_tf, min_df=self.min_df, max_features=self.max_features)
        parts = []
        if self.word_ngram_range:
            parts.append(("word", TfidfVectorizer(ngram_range=tuple(self.word_ngram_range), **common)))
        if self.char_ngram_range:
            # TfidfVectorizer(analyzer="char_wb")'s features, cut once per distinct word.
            parts.append(("char", WordBoundaryCharTfidf(ngram_range=tuple(self.char_ngram_range), **common)))
        return FeatureUnion(parts)

    def fit(self, X, y=None) -> WordCharTfidf:
        self.union_ = self._union().fit(list(X))
        return self

    def fit_transform(self, X, y=None) -> sp.csr_matrix:
        self.union_ = self._union()
        return self.union_.fit_transform(list(X)).tocsr()

    def transform(self, X) -> sp.csr_matrix:
        return self.union_.transform(list(X)).tocsr()
