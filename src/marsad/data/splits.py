"""Deterministic train/dev/test splits for datasets that have no official one.

Splits are stratified by label and, when `group_by` is set (stance: the claim), keep each group
inside one split so that no claim is seen in training and again at test time. The split seed is
the dataset's, not the model's: every seed of a model is then scored on the same test examples.

Three more policies: `folds` maps official folds of groups to splits (a fixed assignment, or
cross-validation fold k: test k, dev k-1, train the rest); `held_out` tests on every row whose
column has one value (ANT: one outlet) and splits the rest into train and dev; `time` tests on
every row dated on or after a cut and splits the earlier rows into train and dev, so a model is
scored on news it could not have seen (dates are read as UTC instants: a cut of '2018-07-01' is
midnight UTC for every outlet, whatever offset its dates carry).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from marsad.data import validation
from marsad.data.readers import read_folds
from marsad.errors import ConfigError, DatasetError


def stratum(labels: pd.Series) -> np.ndarray:
    """One stratum per example: the label, or for multi-label rows their first label."""
    return np.array(
        [(sorted(v)[0] if len(v) else "<none>") if isinstance(v, list | tuple) else v for v in labels]
    )


def _one_fold(y: np.ndarray, groups: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of a held-out fold of about `fraction` of the rows."""
    n_splits = max(2, round(1 / fraction))
    # Without real groups, StratifiedGroupKFold's per-group search costs ~10 s on 30k rows.
    ungrouped = len(np.unique(groups)) == len(groups)
    kind = StratifiedKFold if ungrouped else StratifiedGroupKFold
    splitter = kind(n_splits=n_splits, shuffle=True, random_state=seed)
    _, held_out = next(splitter.split(np.zeros(len(y)), y, None if ungrouped else groups))
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


def cv_folds(test_fold: int, n_folds: int) -> dict[str, list[int]]:
    """Cross-validation fold `test_fold`: test on it, tune on the fold before it (the last fold
    for fold 1), train on the rest. Fold n is then the common fixed split (1..n-2 / n-1 / n)."""
    if not 1 <= test_fold <= n_folds:
        raise ConfigError(f"cv_fold must be between 1 and {n_folds}; got {test_fold}")
    dev = test_fold - 1 if test_fold > 1 else n_folds
    train = [k for k in range(1, n_folds + 1) if k not in (test_fold, dev)]
    return {"train": train, "dev": [dev], "test": [test_fold]}


def fold_split(groups: pd.Series, fold_of: Mapping[str, int], folds: Mapping[str, list[int]]) -> np.ndarray:
    """Split of each row from the fold of its group; `folds` maps split -> fold numbers."""
    split_of_fold = {int(k): split for split, ks in folds.items() for k in ks}
    assignment = np.empty(len(groups), dtype=object)
    for i, group in enumerate(groups.astype(str)):
        if group not in fold_of:
            raise ConfigError(f"group {group!r} is in no fold of the folds file")
        assignment[i] = split_of_fold.get(fold_of[group])
    return assignment


def held_out_split(
    labels: pd.Series, values: pd.Series, test_value: str, dev_fraction: float, seed: int
) -> np.ndarray:
    """Test = rows whose `values` equal `test_value`; the rest stratified into train and dev."""
    is_test = (values.astype(str) == str(test_value)).to_numpy()
    if not is_test.any() or is_test.all():
        raise ConfigError(
            f"held_out value {test_value!r} must select some but not all rows; values: {sorted(set(values))}"
        )
    return _test_and_rest(labels, is_test, dev_fraction, seed)


def _test_and_rest(labels: pd.Series, is_test: np.ndarray, dev_fraction: float, seed: int) -> np.ndarray:
    """'test' where `is_test`; the other rows stratified by label into train and dev."""
    assignment = np.full(len(labels), "test", dtype=object)
    rest = np.flatnonzero(~is_test)
    dev = _one_fold(stratum(labels.iloc[rest]), rest, dev_fraction, seed)
    assignment[rest] = np.where(dev, "dev", "train")
    return assignment


def parse_dates(
    values: pd.Series,
    column: str,
    file: str | None = None,
    rows: pd.Series | None = None,
    date_format: str = "mixed",
) -> pd.Series:
    """Each value as a UTC timestamp. `format='mixed'` reads each value on its own: ANT's RFC 2822
    dates end in 'GMT' for some outlets and '+0400' for others, which one inferred format misses.
    A missing or unreadable date is a DatasetError naming the value and its row (`rows`: the
    source row numbers), since silently dropping it would change the test set unnoticed."""
    when = pd.to_datetime(values, utc=True, errors="coerce", format=date_format)
    bad = np.flatnonzero(when.isna().to_numpy())
    if len(bad):
        first = bad[0]
        value = values.iloc[first]
        what = "no value" if pd.isna(value) or not str(value).strip() else repr(value)
        raise DatasetError(
            f"{what} is not a date (split.time.column '{column}', read by pandas with "
            f"utc=True, format={date_format!r}); {len(bad)} row(s) like it. Fix the value, or name "
            "the dates' strftime format in split.time.format",
            file=file,
            row=int(rows.iloc[first]) if rows is not None else int(first),
            field=column,
        )
    return when


def time_split(labels: pd.Series, dates: pd.Series, cut: str, dev_fraction: float, seed: int) -> np.ndarray:
    """Test = rows dated on or after `cut` (`dates` from `parse_dates`); the earlier rows
    stratified into train and dev, so dev is as old as train and tuning never peeks at test."""
    try:
        cut_at = pd.to_datetime(str(cut), utc=True, format="ISO8601")  # '01/07/2018' is ambiguous
    except (ValueError, TypeError) as err:
        raise ConfigError(
            f"split.time.cut {cut!r} is not an ISO 8601 date such as '2018-07-01' "
            "(a time and offset may follow: '2018-07-01T12:00+04:00'; without one it is UTC)"
        ) from err
    is_test = (dates >= cut_at).to_numpy()
    if not is_test.any() or is_test.all():
        empty = "test (on or after it)" if not is_test.any() else "train/dev (before it)"
        raise ConfigError(
            f"split.time.cut {cut!r} leaves {empty} empty; the dates run from "
            f"{dates.min():%Y-%m-%d %H:%M} to {dates.max():%Y-%m-%d %H:%M} UTC: choose a cut inside"
        )
    return _test_and_rest(labels, is_test, dev_fraction, seed)


def assign_splits(
    dataset: str, frame: pd.DataFrame, raw: pd.DataFrame, split_spec: Mapping[str, Any], folder: Path
) -> pd.Series:
    """The split of each row under `split.policy`. `frame` holds the canonical fields; `raw` the
    source columns (e.g. claim id, outlet); `folder` the dataset's folder (the folds file)."""
    policy = split_spec["policy"]
    if policy == "folds":
        folds = split_spec["folds"]
        fold_of = read_folds(folder / folds["file"])
        cv_fold = split_spec.get("cv_fold")
        n_folds = len(set(fold_of.values()))
        assignment = fold_split(
            raw[folds["column"]],
            fold_of,
            cv_folds(int(cv_fold), n_folds) if cv_fold is not None else dict(folds["fixed"]),
        )
        return pd.Series(assignment, index=frame.index)
    if policy == "held_out":
        held_out = split_spec["held_out"]
        assignment = held_out_split(
            frame["label"], raw[held_out["column"]], held_out["value"],
            float(held_out.get("dev_fraction", 0.15)), int(split_spec.get("seed", 0)),
        )  # fmt: skip
        return pd.Series(assignment, index=frame.index)
    if policy == "time":
        time_spec = split_spec["time"]
        file = str(frame["_file"].iloc[0]) if len(frame) else str(folder)
        validation.require_columns(raw, {"split.time.column": time_spec["column"]}, file)
        dates = parse_dates(
            raw[time_spec["column"]],
            time_spec["column"],
            file,
            frame["_row"],
            time_spec.get("format", "mixed"),
        )
        assignment = time_split(
            frame["label"], dates, time_spec["cut"],
            float(time_spec.get("dev_fraction", 0.15)), int(split_spec.get("seed", 0)),
        )  # fmt: skip
        return pd.Series(assignment, index=frame.index)
    if policy != "stratified":
        raise ConfigError(
            f"dataset '{dataset}': split policy '{policy}' is unknown; "
            "expected 'stratified', 'folds', 'held_out' or 'time'"
        )
    group_by = split_spec.get("group_by")
    assignment = stratified_split(
        frame["label"],
        dict(split_spec.get("fractions", {"train": 0.7, "dev": 0.15, "test": 0.15})),
        seed=int(split_spec.get("seed", 0)),
        groups=frame[group_by] if group_by else None,
    )
    return pd.Series(assignment, index=frame.index)


def split_tags(split_spec: Mapping[str, Any]) -> dict[str, str]:
    """Run tags that say which variant of the split a run used."""
    tags = {}
    if split_spec.get("policy") == "folds" and split_spec.get("cv_fold") is not None:
        tags["cv_fold"] = str(split_spec["cv_fold"])
    if split_spec.get("policy") == "held_out":
        tags["held_out"] = f"{split_spec['held_out']['column']}={split_spec['held_out']['value']}"
    if split_spec.get("policy") == "time":
        tags["time_cut"] = str(split_spec["time"]["cut"])
    return tags
