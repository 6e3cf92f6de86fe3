"""A rule-based actor baseline: match the inventory's names and aliases in the text.

It learns nothing, so the leaderboard shows what learned models add over string matching.
Names and text are normalised the same way (camel-tools utils), and Arabic proclitics are
allowed in front of a name: و/ف, then ب/ل/ك, and لل for a name that starts with ال.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import yaml
from sklearn.base import BaseEstimator, ClassifierMixin

from marsad.text.normalize import ArabicNormalizer

BUNDLED_ACTORS = "marsad/data/marsad_mini/actors.yaml"


def load_inventory(path: str | None) -> dict[str, dict]:
    source = Path(path) if path else Path(str(files("marsad").joinpath(BUNDLED_ACTORS[len("marsad/") :])))
    return yaml.safe_load(source.read_text(encoding="utf-8"))


class GazetteerActorMatcher(ClassifierMixin, BaseEstimator):
    """Multi-label estimator: 1 for every label whose name or alias occurs in the text."""

    def __init__(self, labels: list[str], actors_file: str | None = None, use_metonyms: bool = False) -> None:
        self.labels = labels
        self.actors_file = actors_file
        self.use_metonyms = use_metonyms

    def validate(self) -> None:
        inventory = load_inventory(self.actors_file)
        unknown = sorted(set(self.labels) - set(inventory))
        if unknown:
            raise ValueError(f"labels {unknown} have no entry in the actor inventory")

    def _pattern(self, names: list[str], normalizer: ArabicNormalizer) -> re.Pattern:
        alternatives = []
        for name in sorted({normalizer.normalize(n) for n in names}, key=len, reverse=True):
            escaped = re.escape(name).replace(r"\ ", r"\s+")
            alternatives.append(f"(?:[وف]?[بلك]?{escaped})")
            if name.startswith("ال"):
                alternatives.append(f"(?:[وف]?لل{re.escape(name[2:])})")
        return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")

    def fit(self, X, y=None) -> GazetteerActorMatcher:
        self.validate()
        normalizer = ArabicNormalizer()
        inventory = load_inventory(self.actors_file)
        self.patterns_ = []
        for label in self.labels:
            entry = inventory[label]
            names = [entry["name_ar"], *entry.get("aliases", [])]
            if self.use_metonyms:
                names += entry.get("metonyms", [])
            self.patterns_.append(self._pattern(names, normalizer))
        self.classes_ = np.arange(len(self.labels))
        return self

    def predict(self, X) -> np.ndarray:
        texts = ArabicNormalizer().transform([str(t) for t in X])
        return np.array([[int(bool(p.search(t))) for p in self.patterns_] for t in texts], dtype=np.int64)

    def predict_scores(self, X) -> np.ndarray:
        return self.predict(X).astype(float)
