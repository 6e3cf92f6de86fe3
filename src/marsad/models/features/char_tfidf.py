"""Character n-grams within word boundaries, counted once per distinct word.

scikit-learn's `TfidfVectorizer(analyzer="char_wb")` slices every n-gram of every word of every
document in Python: on ANT's 17,000 training articles that is about 100 million slices. A
word's n-grams do not depend on the document it stands in, so here they are cut once per
distinct word (a few hundred thousand) and a document's counts are its word counts times the
word-by-n-gram matrix, one sparse product. The vocabulary, its pruning (`min_df`,
`max_features`) and the TF-IDF weights are scikit-learn's own, so the features are those of
`TfidfVectorizer(analyzer="char_wb", ...)` with the same settings (a test holds them equal).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer


class WordBoundaryCharTfidf(BaseEstimator, TransformerMixin):
    """Texts -> TF-IDF of character n-grams of " word " (as `analyzer="char_wb"`), sparse."""

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 5),
        min_df: int = 1,
        max_features: int | None = None,
        sublinear_tf: bool = False,
        lowercase: bool = True,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.lowercase = lowercase

    def _grams(self, vocabulary: dict[str, int] | None = None) -> CountVectorizer:
        # Each "document" below is one word: its char_wb n-grams are those it has in any text.
        return CountVectorizer(analyzer="char_wb", ngram_range=tuple(self.ngram_range), lowercase=False,
                               vocabulary=vocabulary, dtype=np.int64)  # fmt: skip

    def fit(self, X, y=None) -> WordBoundaryCharTfidf:
        self.fit_transform(X)
        return self

    def fit_transform(self, X, y=None) -> sp.csr_matrix:
        words, types = word_counts(X, self.lowercase)
        grams = self._grams()
        counts = canonical(words @ grams.fit_transform(types))
        counts, self.vocabulary_ = prune(counts, grams.vocabulary_, self.min_df, self.max_features)
        self.tfidf_ = TfidfTransformer(sublinear_tf=self.sublinear_tf)
        return self.tfidf_.fit_transform(counts)

    def transform(self, X) -> sp.csr_matrix:
        words, types = word_counts(X, self.lowercase)
        counts = words @ self._grams(self.vocabulary_).transform(types)
        return self.tfidf_.transform(canonical(counts))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object)


def word_counts(texts, lowercase: bool = True) -> tuple[sp.csr_matrix, list[str]]:
    """(texts x distinct words) counts and the words, split on whitespace as char_wb splits."""
    index: dict[str, int] = {}
    columns: list[int] = []
    pointers = [0]
    for text in texts:
        text = str(text)
        columns.extend(index.setdefault(w, len(index)) for w in (text.lower() if lowercase else text).split())
        pointers.append(len(columns))
    data = np.ones(len(columns), dtype=np.int64)
    counts = sp.csr_matrix((data, np.asarray(columns, dtype=np.int64), np.asarray(pointers)),
                           shape=(len(pointers) - 1, len(index)))  # fmt: skip
    counts.sum_duplicates()  # also sorts each row's columns
    return counts, list(index)


def canonical(matrix) -> sp.csr_matrix:
    """CSR with each row's columns in order, as CountVectorizer leaves its counts."""
    matrix = matrix.tocsr()
    matrix.sort_indices()
    return matrix


def prune(counts: sp.csr_matrix, vocabulary: dict[str, int], min_df: int, limit: int | None):
    """Keep the n-grams in at least `min_df` texts, then the `limit` most frequent: the rule
    (and the tie order) of CountVectorizer's own pruning. Returns the counts and vocabulary kept."""
    if min_df <= 1 and (limit is None or counts.shape[1] <= limit):
        return counts, vocabulary
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = document_frequency >= min_df
    if limit is not None and keep.sum() > limit:
        totals = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel()  # float, as CountVectorizer's
        chosen = np.where(keep)[0][(-totals[keep]).argsort()[:limit]]
        keep = np.zeros(counts.shape[1], dtype=bool)
        keep[chosen] = True
    if not keep.any():
        raise ValueError("After pruning, no terms remain. Try a lower min_df.")
    new_index = np.cumsum(keep) - 1
    kept = {term: int(new_index[i]) for term, i in vocabulary.items() if keep[i]}
    return counts[:, np.where(keep)[0]], kept
