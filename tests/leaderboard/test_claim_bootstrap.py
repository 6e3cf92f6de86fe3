"""Stance CIs resample claims, not pairs: the pairs of one claim are not independent."""

from __future__ import annotations

import numpy as np

from marsad.leaderboard import stats


def _interval(correct: np.ndarray, weights: np.ndarray) -> float:
    """Width of the 95% interval of accuracy under the given resample weights."""
    gold = np.ones((len(correct), 1), dtype=bool)
    counts = stats.example_counts(gold, correct[:, None])
    boot = stats.bootstrap_means([counts], "accuracy", weights)
    low, high = stats.percentile_interval(boot)
    return high - low


def test_claims_whose_pairs_move_together_widen_the_interval():
    rng = np.random.default_rng(0)
    claims = np.repeat(np.arange(40), 10)  # 40 claims, 10 pairs each
    right_claims = rng.random(40) < 0.6
    correct = right_claims[claims]  # every pair of a claim right or wrong together
    by_pair = _interval(correct, stats.resample_weights(len(correct), 1000, 0))
    weights, unit = stats.bootstrap_weights(len(correct), claims, 1000, 0)
    by_claim = _interval(correct, weights)
    assert unit == "claims"
    assert by_claim > 2.5 * by_pair  # ~sqrt(10) wider: 40 independent units, not 400


def test_independent_pairs_give_the_same_interval_either_way():
    rng = np.random.default_rng(1)
    claims = np.repeat(np.arange(200), 5)
    correct = rng.random(len(claims)) < 0.6  # pairs independent of their claim
    by_pair = _interval(correct, stats.resample_weights(len(correct), 2000, 0))
    by_claim = _interval(correct, stats.cluster_resample_weights(claims, 2000, 0))
    assert abs(by_claim - by_pair) < 0.2 * by_pair


def test_one_pair_per_claim_is_the_ordinary_bootstrap():
    weights, unit = stats.bootstrap_weights(50, np.arange(50).astype(str), 100, 0)
    assert unit == "examples" and weights.shape == (100, 50)
    assert (weights.sum(axis=1) == 50).all()
    clustered = stats.cluster_resample_weights(np.repeat(["a", "b", "c"], [2, 3, 5]), 100, 0)
    # a group's pairs always weigh alike; a resample draws 3 groups
    assert (clustered[:, 0] == clustered[:, 1]).all() and (clustered[:, 5:] == clustered[:, [5]]).all()
    assert ((clustered[:, [0, 2, 5]]).sum(axis=1) == 3).all()
