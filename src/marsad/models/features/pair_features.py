"""Stance features of a (claim, text) pair: how the text relates to the claim.

Concatenating claim and text throws away which words came from where; stance lives in the
difference. These features keep it: similarity of the two sides, what the text shares with the
claim and what it adds, negation and number-mismatch cues, and n-grams of the added and the
dropped words (antonyms and corrections such as "ارتفاع" -> "انخفاض" show up there).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer

from marsad.models.features.char_tfidf import WordBoundaryCharTfidf
from marsad.models.features.tfidf import WordCharTfidf
from marsad.text.tokens import NEGATION_CUES, numbers, tokenize

CUE_NAMES = (
    "cosine_word", "cosine_char", "shared_ratio", "novel_ratio", "jaccard",
    "negation_text_only", "negation_claim_only", "negation_mismatch",
    "claim_numbers_missing", "text_numbers_new", "number_mismatch", "text_longer", "claim_longer",
)  # fmt: skip


def _rowwise_cosine(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """Cosine of matching rows; TF-IDF rows are L2-normalised, so it is their dot product."""
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


def _difference(source: list[str], reference: set[str]) -> str:
    """The words of `source` not in `reference`, in their original order."""
    return " ".join(w for w in source if w not in reference) or "<none>"


class PairFeatures(BaseEstimator, TransformerMixin):
    """Transformer over a two-column frame (claim, text) -> sparse feature matrix."""

    def __init__(self, ngram_features=None, cue_weight: float = 1.0) -> None:
        self.ngram_features = ngram_features
        self.cue_weight = cue_weight

    def fit(self, X, y=None) -> PairFeatures:
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None) -> sp.csr_matrix:
        """fit(X).transform(X) in one pass: each vectoriser reads the training texts once."""
        claims, texts = pair_sides(X)
        self.word_sim_ = TfidfVectorizer(sublinear_tf=True)
        self.char_sim_ = WordBoundaryCharTfidf(ngram_range=(2, 4), sublinear_tf=True)
        sides = [vectorizer.fit_transform(claims + texts) for vectorizer in (self.word_sim_, self.char_sim_)]
        added, dropped = edit_parts(claims, texts)
        base = self.ngram_features if self.ngram_features is not None else WordCharTfidf()
        self.added_, self.dropped_ = clone(base), clone(base)
        return self._stack(
            self.cues(claims, texts, sides),
            self.added_.fit_transform(added),
            self.dropped_.fit_transform(dropped),
        )

    def cues(self, claims: list[str], texts: list[str], sides=None) -> np.ndarray:
        """Dense pair cues, one row per pair, columns named by CUE_NAMES. `sides`: the word and
        char TF-IDF matrices of claims + texts, when fit_transform has them already."""
        if sides is None:
            sides = [vectorizer.transform(claims + texts) for vectorizer in (self.word_sim_, self.char_sim_)]
        n = len(claims)
        rows = []
        for claim, text in zip(claims, texts):
            c, t = set(tokenize(claim)), set(tokenize(text))
            shared = c & t
            neg_c, neg_t = c & NEGATION_CUES, t & NEGATION_CUES
            num_c, num_t = numbers(claim), numbers(text)
            rows.append([
                len(shared) / max(1, len(c)),
                len(t - c) / max(1, len(t)),
                len(shared) / max(1, len(c | t)),
                len(neg_t - neg_c),
                len(neg_c - neg_t),
                float(bool(neg_t) != bool(neg_c)),
                len(num_c - num_t),
                len(num_t - num_c),
                float(bool(num_c) and bool(num_t) and not (num_c & num_t)),
                # Non-negative halves of the log length ratio: ComplementNB needs counts >= 0.
                max(0.0, np.log1p(len(t)) - np.log1p(len(c))),
                max(0.0, np.log1p(len(c)) - np.log1p(len(t))),
            ])  # fmt: skip
        cosines = np.column_stack([_rowwise_cosine(m[:n], m[n:]) for m in sides])
        return np.hstack([cosines, np.asarray(rows, dtype=float).reshape(len(claims), -1)])

    def transform(self, X) -> sp.csr_matrix:
        claims, texts = pair_sides(X)
        added, dropped = edit_parts(claims, texts)
        return self._stack(
            self.cues(claims, texts), self.added_.transform(added), self.dropped_.transform(dropped)
        )

    def _stack(self, cues: np.ndarray, added, dropped) -> sp.csr_matrix:
        return sp.hstack([sp.csr_matrix(cues * self.cue_weight), added, dropped]).tocsr()


def pair_sides(X) -> tuple[list[str], list[str]]:
    """The claims and the texts of a two-column pair frame (or array), as strings."""
    frame = pd.DataFrame(X)
    return frame.iloc[:, 0].astype(str).tolist(), frame.iloc[:, 1].astype(str).tolist()


def edit_parts(claims: list[str], texts: list[str]) -> tuple[list[str], list[str]]:
    """Per pair, the words the text adds to its claim and the claim words it drops."""
    added, dropped = [], []
    for claim, text in zip(claims, texts):
        c, t = tokenize(claim), tokenize(text)
        added.append(_difference(t, set(c)))
        dropped.append(_difference(c, set(t)))
    return added, dropped
