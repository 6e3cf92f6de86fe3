"""A learned actor model: gazetteer evidence per (article, actor), weighed by logistic regression.

The gazetteer finds candidate mentions (`marsad.models.classifiers.actor_mentions`, state rules on, bare
place names kept); a single logistic regression, shared by all actors, learns from the
corpus how much each kind of evidence is worth: how many names, aliases, licensed or bare
place names and nisba phrases, whether one is in the title, how early the first one comes, and
the words around the mentions (قالت روسيا vs. مونديال روسيا). Sharing one model across actors
lets a context learnt for one state transfer to another. An actor without any candidate
mention is never predicted, so the model can only prune or keep what the gazetteer offers.

With `context` (a `SentenceEmbeddings`, e.g. e5), each candidate also gets the mean embedding of
the article's sentence windows that mention the actor (all windows where the mentions lie beyond
the kept ones), scaled by `context_weight`: the sense of the sentence around a name (a match
report, a summit, a shelling) where a few neighbouring words are too little to tell. The windows
are the embedder's own, so vectors cached by `e5_logreg` on the same texts are reused.

With `learn_aliases` (an `AliasLearner`), `fit` also learns aliases the inventory lacks from the
training articles (`learned_aliases_`: per label, each alias with its training counts). They are
matched as mentions of kind "learned", which the regression weighs apart from the inventory's
(its training candidates use aliases learned on the other folds, see `_learn_aliases`), and
travel with the fitted model to `marsad predict`; `predict` never learns.
"""

from __future__ import annotations

import logging
import re

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from marsad.models.classifiers.actor_mentions import KINDS, ActorMentionFinder, Mention
from marsad.models.classifiers.alias_learning import AliasLearner, LearnedAliases, describe
from marsad.models.classifiers.gazetteer import build_finder
from marsad.models.encoders.sentence_embeddings import SentenceEmbeddings, segments
from marsad.text.normalize import ArabicNormalizer

WORD = re.compile(r"\w+")
ALIAS_FOLDS = 5  # cross-fitting folds for learned aliases (`GazetteerLogReg._learn_aliases`); fixed,
# with a fixed shuffle, so the fit still ignores the seed (the model configs say `seeded: false`)
log = logging.getLogger("marsad")


def mention_features(text: str, mentions: list[Mention], window: int) -> dict[str, float]:
    """Evidence for one actor in one normalised text (`mentions` all belong to that actor)."""
    title_end = text.find("\n") if "\n" in text else len(text)
    features: dict[str, float] = {"bias": 1.0}
    for kind in KINDS:
        count = sum(m.kind == kind for m in mentions)
        if count:
            features[f"count={kind}"] = np.log1p(count)
    kept = [m for m in mentions if m.kind != "bare_place"]
    features["only_bare_places"] = float(not kept)
    features["in_title"] = float(any(m.start < title_end for m in kept))
    features["first_position"] = min(m.start for m in mentions) / max(1, len(text))
    for mention in mentions:
        before = WORD.findall(text[max(0, mention.start - 15 * window) : mention.start])[-window:]
        after = WORD.findall(text[mention.end : mention.end + 15 * window])[:window]
        for side, words in (("L", before), ("R", after)):
            for word in words:
                features[f"{side}:{word}"] = 1.0
    return features


class GazetteerLogReg(ClassifierMixin, BaseEstimator):
    """Multi-label estimator over gazetteer candidates; one shared logistic regression."""

    def __init__(
        self,
        labels: list[str],
        actors_file: str | None = None,
        context_window: int = 1,
        C: float = 1.0,
        class_weight: str | None = None,
        threshold: float = 0.5,
        random_state: int | None = None,
        context: SentenceEmbeddings | None = None,
        context_weight: float = 1.0,
        learn_aliases: AliasLearner | None = None,
    ) -> None:
        self.labels = labels
        self.actors_file = actors_file
        self.context_window = context_window
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.random_state = random_state
        self.context = context
        self.context_weight = context_weight
        self.learn_aliases = learn_aliases

    def validate(self) -> None:
        build_finder(self.labels, self.actors_file, state_rules=True, use_metonyms=True)
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must be in (0, 1), got {self.threshold}")
        if self.context is not None:
            self.context.fit([])  # parameter and package checks of the embedder, before any run
        if self.learn_aliases is not None:
            self.learn_aliases.validate()

    def _finder(self, learned: dict | None = None) -> ActorMentionFinder:
        return build_finder(
            self.labels, self.actors_file, state_rules=True, use_metonyms=True, learned=learned
        )

    def _candidates(
        self, X, finder: ActorMentionFinder | None = None
    ) -> list[tuple[int, int, dict[str, float]]]:
        """(row, label index, features) for every actor with a candidate mention in a text, found
        by `finder` (default: the fitted one)."""
        finder = finder or self.finder_
        index = {label: i for i, label in enumerate(self.labels)}
        rows = []
        for row, text in enumerate(ArabicNormalizer().transform([str(t) for t in X])):
            by_label: dict[str, list[Mention]] = {}
            for mention in finder.find(text, keep_bare_places=True):
                by_label.setdefault(mention.label, []).append(mention)
            for label, mentions in by_label.items():
                rows.append((row, index[label], mention_features(text, mentions, self.context_window)))
        return rows

    def _context_vectors(self, X, candidates) -> np.ndarray:
        """Per candidate: mean vector of the windows of its text that mention its actor."""
        embedder: SentenceEmbeddings = self.context
        normalizer = ArabicNormalizer()
        windows = [segments(str(t), embedder.max_chars, embedder.max_segments) for t in X]
        vectors = embedder.embed_segments(list(dict.fromkeys(w for ws in windows for w in ws)))
        mentioned: dict[tuple[int, str], list[str]] = {}
        for row, ws in enumerate(windows):
            for window, normalised in zip(ws, normalizer.transform(ws)):
                for label in {m.label for m in self.finder_.find(normalised, keep_bare_places=True)}:
                    mentioned.setdefault((row, label), []).append(window)
        out = []
        for row, label, _ in candidates:
            chosen = mentioned.get((row, self.labels[label])) or windows[row]
            out.append(np.mean([vectors[w] for w in chosen], axis=0))
        return self.context_weight * np.asarray(out, dtype=np.float64)

    def _features(self, X, candidates):
        features = self.vectorizer_.transform([f for _, _, f in candidates])
        if self.context is None:
            return features
        return sparse.hstack([features, self._context_vectors(X, candidates)], format="csr")

    def fit(self, X, y) -> GazetteerLogReg:
        self.validate()
        y = np.asarray(y)
        if y.ndim != 2 or y.shape[1] != len(self.labels):
            raise ValueError(f"y must be a 0/1 matrix with {len(self.labels)} columns, got shape {y.shape}")
        self.finder_ = self._finder()
        self.learned_aliases_: LearnedAliases = {}
        if self.learn_aliases is None:
            candidates = self._candidates(X)
        else:
            candidates = self._learn_aliases([str(t) for t in X], y)
        self.vectorizer_ = DictVectorizer().fit([f for _, _, f in candidates])
        targets = np.array([y[row, label] for row, label, _ in candidates])
        self.classifier_ = LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=2000, random_state=self.random_state
        ).fit(self._features(X, candidates), targets)
        self.classes_ = np.arange(len(self.labels))
        return self

    def _learn_aliases(self, X: list[str], y: np.ndarray) -> list[tuple[int, int, dict[str, float]]]:
        """Learn aliases on all of `X` (`learned_aliases_`, matched by `finder_` from now on)
        and return the training candidates. Each article's candidates come from the aliases
        learned on the other folds (cross-fitting): aliases are picked for being precise on the
        articles they were learned from, so in-sample matches would teach the regression to
        trust a learned alias more than it deserves on new text."""
        learner: AliasLearner = self.learn_aliases
        inventory = self.finder_
        evidence = learner.evidence(ArabicNormalizer().transform(X), inventory)
        self.learned_aliases_ = learner.select(evidence, y, self.labels, inventory)
        self.finder_ = self._finder(self.learned_aliases_)
        log.info("learned %d aliases for %d actors\n%s", sum(map(len, self.learned_aliases_.values())),
                 len(self.learned_aliases_), describe(self.learned_aliases_))  # fmt: skip
        if len(X) < ALIAS_FOLDS:
            return self._candidates(X)
        candidates = []
        for learn_on, held_out in KFold(ALIAS_FOLDS, shuffle=True, random_state=0).split(X):
            learned = learner.select([evidence[i] for i in learn_on], y[learn_on], self.labels, inventory)
            found = self._candidates([X[i] for i in held_out], self._finder(learned))
            candidates += [(held_out[row], label, features) for row, label, features in found]
        return sorted(candidates, key=lambda c: c[:2])

    def predict_scores(self, X) -> np.ndarray:
        """P(actor involved) per label; 0 where the gazetteer found no candidate."""
        texts = list(X)
        scores = np.zeros((len(texts), len(self.labels)))
        candidates = self._candidates(texts)
        if candidates:
            probabilities = self.classifier_.predict_proba(self._features(texts, candidates))[:, 1]
            for (row, label, _), p in zip(candidates, probabilities):
                scores[row, label] = p
        return scores

    def predict(self, X) -> np.ndarray:
        return self.predict_with_scores(X)[0]

    def predict_with_scores(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Predictions and scores from one pass of the matcher (evaluation needs both)."""
        scores = self.predict_scores(X)
        return (scores >= self.threshold).astype(np.int64), scores
