"""Deterministic train/dev/test splits for datasets that have no official one.

Splits are stratified by label and, when `group_by` is set (stance: the claim), keep each group
inside one split so that no claim is seen in training and again at test time. The split seed is
the dataset's, not the model's: every seed of a model is then scored on the same test examples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold

from marsad.errors import ConfigError


def stratum(labels: pd.Series) -> np.ndarray:
    """One stratum per example: the label, or for multi-label rows their first label."""
    return np.array(
        [(sorted(v)[0] if len(v) else "<none>") if isinstance(v, list | tuple) else v for v in labels]
    )


def _one_fold(y: np.ndarray, groups: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of a held-out fold of about `fraction` of the rows."""
    n_splits = max(2, round(1 / fraction))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    _, held_out = next(splitter.split(np.zeros(len(y)), y, groups))
    mask = np.zeros(len(y), dtype=bool)
    mask[held_out] = True
    return mask


def stratified_split(
    labels: pd.Series,
    fractions: dict[str, float],
    seed: int = 0,
    groups: pd.Series | None = None,
) -> np.ndarray:
    """Assign 'train', 'dev' or 'test' to each row, stratified and optionally grouped."""
    if set(fractions) != {"train", "dev", "test"} or abs(sum(fractions.values()) - 1) > 1e-6:
        raise ConfigError(
            f"split fractions must give train, dev and test summing to 1; got {dict(fractions)}"
        )
    y = stratum(labels)
    group_ids = np.asarray(groups) if groups is not None else np.arange(len(y))
    assignment = np.full(len(y), "train", dtype=object)
    test = _one_fold(y, group_ids, fractions["test"], seed)
    assignment[test] = "test"
    rest = np.flatnonzero(~test)
    dev_share = fractions["dev"] / (fractions["train"] + fractions["dev"])
    dev = _one_fold(y[rest], group_ids[rest], dev_share, seed + 1)
    assignment[rest[dev]] = "dev"
    return assignment
