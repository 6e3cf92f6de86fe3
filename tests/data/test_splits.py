"""Cross-validation folds and the held-out-group split."""

from __future__ import annotations

import pandas as pd
import pytest

from marsad.data.splits import cv_folds, fold_split, held_out_split
from marsad.errors import ConfigError


def test_cv_folds_rotate_test_and_dev_and_fold_5_is_the_fixed_split():
    assert cv_folds(5, 5) == {"train": [1, 2, 3], "dev": [4], "test": [5]}
    assert cv_folds(1, 5) == {"train": [2, 3, 4], "dev": [5], "test": [1]}
    tests = [cv_folds(k, 5)["test"][0] for k in range(1, 6)]
    devs = [cv_folds(k, 5)["dev"][0] for k in range(1, 6)]
    assert sorted(tests) == sorted(devs) == [1, 2, 3, 4, 5]
    with pytest.raises(ConfigError, match="cv_fold must be between 1 and 5; got 6"):
        cv_folds(6, 5)


def test_fold_split_follows_each_rows_group():
    groups = pd.Series(["a", "b", "a", "c"])
    folds = {"train": [1], "dev": [2], "test": [3]}
    assert fold_split(groups, {"a": 1, "b": 2, "c": 3}, folds).tolist() == ["train", "dev", "train", "test"]
    with pytest.raises(ConfigError, match="'c' is in no fold"):
        fold_split(groups, {"a": 1, "b": 2}, folds)


def test_held_out_split_tests_on_one_value_only():
    labels = pd.Series(["x", "y"] * 50)
    outlet = pd.Series(["bbc"] * 20 + ["cnn"] * 80)
    split = held_out_split(labels, outlet, "bbc", dev_fraction=0.25, seed=0)
    assert (split[:20] == "test").all() and "test" not in set(split[20:])
    assert (split[20:] == "dev").sum() == 20
    with pytest.raises(ConfigError, match="'fox' must select some but not all rows"):
        held_out_split(labels, outlet, "fox", 0.25, 0)
