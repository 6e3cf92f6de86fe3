"""Fine-tuning helpers: the dev slice, the multi-label threshold and precision on this machine."""

from __future__ import annotations

import numpy as np
import torch

from marsad.models.classifiers.finetuning import precision_flags, split_dev, tune_threshold


def test_the_dev_slice_of_pairs_never_shares_a_claim_with_training():
    claims = [f"claim {i // 3}" for i in range(90)]
    train, dev = split_dev(90, 0.2, seed=0, groups=claims, labels=None)
    assert sorted(train + dev) == list(range(90)) and 9 <= len(dev) <= 27
    assert not {claims[i] for i in train} & {claims[i] for i in dev}
    assert split_dev(90, 0.2, seed=0, groups=claims, labels=None) == (train, dev)  # seeded
    assert split_dev(90, 0.2, seed=1, groups=claims, labels=None) != (train, dev)


def test_single_label_dev_slice_is_stratified_and_zero_fraction_means_none():
    labels = np.array([0] * 80 + [1] * 20)
    train, dev = split_dev(100, 0.1, seed=0, groups=None, labels=labels)
    assert labels[dev].tolist().count(1) == 2
    assert split_dev(100, 0.0, seed=0, groups=None, labels=labels) == (list(range(100)), [])


def test_threshold_is_tuned_below_one_half_when_scores_are_low():
    y = np.array([[1, 0], [0, 1], [0, 0], [1, 0]])
    proba = np.array([[0.3, 0.05], [0.1, 0.25], [0.05, 0.1], [0.35, 0.1]])
    threshold = tune_threshold(proba, y)
    assert 0.1 < threshold <= 0.25 and ((proba >= threshold) == y).all()
    assert tune_threshold(np.zeros((4, 2)), y) == 0.5  # nothing to learn from: keep the default


def test_precision_auto_is_fp32_without_a_gpu():
    flags = precision_flags("auto")
    if torch.cuda.is_available():
        assert flags["bf16"] or flags["fp16"]
    else:
        assert flags == {"bf16": False, "fp16": False}
    assert precision_flags("bf16") == {"bf16": True, "fp16": False}
