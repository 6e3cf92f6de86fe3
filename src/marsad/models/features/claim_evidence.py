"""How strongly and where a long article speaks to its claim: evidence statistics per pair.

A whole-article vector answers "is this article about the same war?"; stance on retrieved web
pages (UnifiedFC: median 810 words) turns on the few sentences that restate or deny the claim,
often deep in the page. This transformer reads the article as sentence windows, embeds each one
with the same cached encoder as `SentenceEmbeddings`, and summarises how the claim matches them:

- similarity: max, mean of the top k, mean of the top 10, mean over all windows, how many
  windows pass 0.5/0.6/0.7 cosine, where the best one sits, how many windows there are;
- lexical coverage: the share of claim words in the best-covering window, in the top k, on average,
  and anywhere in the article;
- cues in the top-k windows (the likely evidence): negation words and denial words
  ("نفى", "شائعة", "مفبرك"), and denial words anywhere.

The output is a small dense block, standardised on the training pairs so it sits beside sparse
n-gram features in one linear model. UnifiedFC dev (fold 4), logistic regression C=0.03, text
window 3,000 tokens: use_pair_logreg's features 0.478 macro-F1, with this block 0.490 (disagree
F1 0.23 -> 0.30). With the window cut to 400 tokens the block is worth less: the evidence is
often past the lead.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval

from marsad.models.encoders.sentence_embeddings import SentenceEmbeddings, segments
from marsad.models.features.pair_features import pair_sides
from marsad.text.tokens import DENIAL_CUES, NEGATION_CUES, tokenize

FEATURE_NAMES = (
    "sim_max", "sim_top_k", "sim_top_10", "sim_mean", "share_sim_over_0.5", "log_n_sim_over_0.6",
    "log_n_sim_over_0.7", "best_position", "log_n_windows",
    "coverage_max", "coverage_top_k", "coverage_mean", "coverage_article",
    "log_negation_top_k", "log_denial_top_k", "log_denial_article",
)  # fmt: skip


def _coverage(claim: set[str], window: set[str]) -> float:
    return len(claim & window) / max(1, len(claim))


class ClaimEvidence(BaseEstimator, TransformerMixin):
    """Two-column frame (claim, text) -> (n, len(FEATURE_NAMES)) standardised evidence statistics.

    `embeddings` sets the encoder and the window size (`max_chars`); its `max_segments` caps how
    many windows of the article are read (None: all). `top_k`: how many best-matching windows
    count as the evidence. With an e5 encoder the windows take its `prefix` (set `passage`) and
    the claim is always a `query`: e5's retrieval setting, a query against passages."""

    _parameter_constraints = {"top_k": [Interval(Integral, 1, None, closed="left")]}

    def __init__(self, embeddings: SentenceEmbeddings | None = None, top_k: int = 3) -> None:
        self.embeddings = embeddings
        self.top_k = top_k

    def _embeddings(self) -> SentenceEmbeddings:
        if self.embeddings is None:
            return SentenceEmbeddings(max_chars=300, max_segments=None)
        return self.embeddings

    def fit(self, X, y=None) -> ClaimEvidence:
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        """fit(X).transform(X), computing the statistics of X once."""
        self._validate_params()
        self.embeddings_ = clone(self._embeddings()).fit(X)
        self.scaler_ = StandardScaler()
        return self.scaler_.fit_transform(self.statistics(X))

    def transform(self, X) -> np.ndarray:
        return self.scaler_.transform(self.statistics(X))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray([f"evidence_{name}" for name in FEATURE_NAMES], dtype=object)

    def statistics(self, X) -> np.ndarray:
        """The raw (unscaled) statistics, one row per pair, columns named by FEATURE_NAMES."""
        claims, texts = pair_sides(X)
        encoder = self.embeddings_
        windows = [segments(t, encoder.max_chars, encoder.max_segments) for t in texts]
        # Two lookups (claims as queries, windows as passages for e5): each distinct string once.
        claim_vectors = encoder.embed_segments(list(dict.fromkeys(claims)), prefix="query")
        vectors = encoder.embed_segments(list(dict.fromkeys(w for ws in windows for w in ws)))
        rows = [self._pair(claim, claim_vectors[claim], ws, vectors) for claim, ws in zip(claims, windows)]
        return np.array(rows, dtype=np.float64).reshape(len(claims), len(FEATURE_NAMES))

    def _pair(
        self, claim: str, u: np.ndarray, windows: list[str], vectors: dict[str, np.ndarray]
    ) -> list[float]:
        matrix = np.stack([vectors[w] for w in windows])
        sims = matrix @ u / np.maximum(np.linalg.norm(matrix, axis=1) * np.linalg.norm(u), 1e-12)
        order = np.argsort(-sims, kind="stable")
        top = order[: self.top_k]
        claim_words = set(tokenize(claim))
        words = [set(tokenize(w)) for w in windows]
        coverage = np.array([_coverage(claim_words, w) for w in words])
        evidence = set().union(*(words[i] for i in top))
        article = set().union(*words)
        return [
            sims.max(), sims[top].mean(), sims[order[:10]].mean(), sims.mean(), (sims > 0.5).mean(),
            np.log1p((sims > 0.6).sum()), np.log1p((sims > 0.7).sum()), top[0] / len(windows),
            np.log1p(len(windows)),
            coverage.max(), coverage[top].mean(), coverage.mean(), _coverage(claim_words, article),
            np.log1p(len(evidence & NEGATION_CUES)), np.log1p(len(evidence & DENIAL_CUES)),
            np.log1p(len(article & DENIAL_CUES)),
        ]  # fmt: skip
