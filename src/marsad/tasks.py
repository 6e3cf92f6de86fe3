"""What the three tasks mean: their inputs, label kind, metrics and primary metric.

A task is declared in `conf/task/<name>.yaml` and built with `hydra.utils.instantiate`.
Datasets deliver canonical columns (`id`, the task's inputs, `label`); the task turns them into
the `X` and `y` that every estimator sees, and back from `y` to label names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from marsad.errors import ConfigError

LABEL_KINDS = ("single", "multi")


@dataclass(frozen=True)
class Task:
    name: str
    inputs: list[str]
    label_kind: str
    metrics: list[str]
    primary_metric: str
    description: str = ""

    def __post_init__(self) -> None:
        if self.label_kind not in LABEL_KINDS:
            raise ConfigError(f"task {self.name}: label_kind '{self.label_kind}' is not one of {LABEL_KINDS}")

    @property
    def is_pair(self) -> bool:
        """Stance-like tasks classify a (claim, text) pair rather than a text."""
        return len(self.inputs) == 2

    def features(self, frame: pd.DataFrame) -> pd.Series | pd.DataFrame:
        """The estimator input: a Series of texts, or a two-column frame for pair tasks."""
        if self.is_pair:
            return frame[list(self.inputs)].reset_index(drop=True)
        return frame[self.inputs[0]].reset_index(drop=True)

    def encode(self, labels: pd.Series, label_names: list[str]) -> np.ndarray:
        """Class indices (single) or a 0/1 indicator matrix (multi) in `label_names` order."""
        index = {name: i for i, name in enumerate(label_names)}
        if self.label_kind == "single":
            return labels.map(index).to_numpy(dtype=np.int64)
        matrix = np.zeros((len(labels), len(label_names)), dtype=np.int64)
        for row, names in enumerate(labels):
            for name in names:
                matrix[row, index[name]] = 1
        return matrix

    def decode(self, y: np.ndarray, label_names: list[str]) -> list:
        """Label names back from `encode`'s output (a list of names per example for multi)."""
        if self.label_kind == "single":
            return [label_names[i] for i in y]
        return [[label_names[j] for j in np.flatnonzero(row)] for row in y]
