"""A rule-based actor baseline: match the inventory's names and aliases in the text.

It learns nothing, so the leaderboard shows what learned models add over string matching.
Names and text are normalised the same way (camel-tools utils), and Arabic proclitics are
allowed in front of a name: و/ف, then ب/ل/ك, and لل for a name that starts with ال.
With `state_rules`, country and capital names count only where the state acts, and a nisba
adjective on a state role names the state (see `marsad.models.classifiers.actor_mentions`).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import numpy as np
import yaml
from sklearn.base import BaseEstimator, ClassifierMixin

from marsad.models.classifiers.actor_mentions import ActorMentionFinder
from marsad.text.normalize import ArabicNormalizer

BUNDLED_ACTORS = "marsad/data/marsad_mini/actors.yaml"


def load_inventory(path: str | None) -> dict[str, dict]:
    source = Path(path) if path else Path(str(files("marsad").joinpath(BUNDLED_ACTORS[len("marsad/") :])))
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def build_finder(
    labels: list[str],
    actors_file: str | None,
    state_rules: bool,
    use_metonyms: bool,
    learned: dict[str, list[str]] | None = None,
) -> ActorMentionFinder:
    """The mention finder for `labels`, with `learned` aliases per label (kind "learned") added to
    the inventory's; a ValueError names labels the inventory lacks."""
    inventory = load_inventory(actors_file)
    unknown = sorted(set(labels) - set(inventory))
    if unknown:
        source = actors_file or BUNDLED_ACTORS
        raise ValueError(f"labels {unknown} have no entry in the actor inventory {source}")
    for label, aliases in (learned or {}).items():
        inventory[label] = {**inventory[label], "learned": list(aliases)}
    return ActorMentionFinder(inventory, labels, state_rules=state_rules, use_metonyms=use_metonyms)


class GazetteerActorMatcher(ClassifierMixin, BaseEstimator):
    """Multi-label estimator: 1 for every label with at least one mention kept in the text."""

    def __init__(
        self,
        labels: list[str],
        actors_file: str | None = None,
        use_metonyms: bool = False,
        state_rules: bool = False,
    ) -> None:
        self.labels = labels
        self.actors_file = actors_file
        self.use_metonyms = use_metonyms
        self.state_rules = state_rules

    def validate(self) -> None:
        build_finder(self.labels, self.actors_file, self.state_rules, self.use_metonyms)

    def fit(self, X, y=None) -> GazetteerActorMatcher:
        self.finder_ = build_finder(self.labels, self.actors_file, self.state_rules, self.use_metonyms)
        self.classes_ = np.arange(len(self.labels))
        return self

    def predict(self, X) -> np.ndarray:
        index = {label: i for i, label in enumerate(self.labels)}
        texts = ArabicNormalizer().transform([str(t) for t in X])
        predicted = np.zeros((len(texts), len(self.labels)), dtype=np.int64)
        for row, text in enumerate(texts):
            for mention in self.finder_.find(text):
                predicted[row, index[mention.label]] = 1
        return predicted

    def predict_scores(self, X) -> np.ndarray:
        return self.predict(X).astype(float)
