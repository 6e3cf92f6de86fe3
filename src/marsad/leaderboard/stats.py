"""Bootstrap confidence intervals and paired significance tests over per-example predictions.

Every metric we rank by (accuracy, micro/macro/weighted F1) is a function of per-label counts of
true positives, false positives and false negatives. So each run becomes an (examples × counts)
matrix, a bootstrap resample becomes a row of example weights, and a thousand resamples of many
runs are one matrix product instead of a Python loop over resamples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RANKABLE_METRICS = ("accuracy", "subset_accuracy", "micro_f1", "macro_f1", "weighted_f1")


def example_counts(gold: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Per-example [tp per label | fp per label | fn per label | exact match] from boolean indicators."""
    tp, fp, fn = gold & predicted, predicted & ~gold, gold & ~predicted
    exact = (gold == predicted).all(axis=1, keepdims=True)
    # float32 holds these counts exactly and halves the cost of the bootstrap's matrix product.
    return np.hstack([tp, fp, fn, exact]).astype(np.float32)


def metric_from_counts(counts: np.ndarray, metric: str, n_examples: float | np.ndarray) -> np.ndarray:
    """The metric from summed counts (last axis = tp|fp|fn|exact); any leading axes broadcast.

    Labels absent from gold and predictions get F1 = 0 and count in the macro mean, as with
    scikit-learn's `zero_division=0` over the declared label set.
    """
    n_labels = (counts.shape[-1] - 1) // 3
    tp, fp, fn = (counts[..., i * n_labels : (i + 1) * n_labels] for i in range(3))
    if metric in ("accuracy", "subset_accuracy"):
        return counts[..., -1] / n_examples
    if metric == "micro_f1":
        return _f1(tp.sum(-1), fp.sum(-1), fn.sum(-1))
    per_label = _f1(tp, fp, fn)
    if metric == "macro_f1":
        return per_label.mean(-1)
    if metric == "weighted_f1":
        support = tp + fn
        return (per_label * support).sum(-1) / np.maximum(support.sum(-1), 1)
    raise ValueError(f"cannot bootstrap metric '{metric}'; choose from {RANKABLE_METRICS}")


def per_label_f1(counts: np.ndarray) -> np.ndarray:
    n_labels = (counts.shape[-1] - 1) // 3
    return _f1(*(counts[..., i * n_labels : (i + 1) * n_labels] for i in range(3)))


def _f1(tp, fp, fn):
    denominator = 2 * tp + fp + fn
    return np.divide(2 * tp, denominator, out=np.zeros_like(denominator, dtype=float), where=denominator > 0)


def resample_weights(n_examples: int, n_resamples: int, seed: int) -> np.ndarray:
    """How often each example is drawn in each resample (resamples × examples)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_examples, size=(n_resamples, n_examples))
    offsets = np.arange(n_resamples)[:, None] * n_examples
    flat = np.bincount((draws + offsets).ravel(), minlength=n_resamples * n_examples)
    return flat.reshape(n_resamples, n_examples).astype(np.float32)


def cluster_resample_weights(groups, n_resamples: int, seed: int) -> np.ndarray:
    """Like `resample_weights`, but whole groups (e.g. a claim with all its pairs) are drawn:
    each example weighs as often as its group is drawn. Pairs of one claim are not independent,
    so resampling them one by one understates the spread. With one example per group this is
    the ordinary bootstrap."""
    _, group_of = np.unique(np.asarray(groups), return_inverse=True)
    per_group = resample_weights(int(group_of.max()) + 1, n_resamples, seed)
    return per_group[:, group_of]


def bootstrap_weights(n_examples: int, groups, n_resamples: int, seed: int) -> tuple[np.ndarray, str]:
    """Resample weights and their unit: whole claims where `groups` (one id per example) has
    fewer groups than examples, else single examples."""
    if groups is not None and len(np.unique(groups)) < n_examples:
        return cluster_resample_weights(groups, n_resamples, seed), "claims"
    return resample_weights(n_examples, n_resamples, seed), "examples"


def bootstrap_means(per_run_counts: list[np.ndarray], metric: str, weights: np.ndarray) -> np.ndarray:
    """The metric averaged over runs (seeds), for each resample of examples: shape (resamples,).

    All runs are scored on the same resampled examples, so the spread is what resampling the
    test set does to the seed mean.
    """
    stacked = np.stack(per_run_counts, axis=1)  # examples × runs × counts
    n_examples, n_runs, width = stacked.shape
    summed = (weights @ stacked.reshape(n_examples, n_runs * width)).reshape(-1, n_runs, width)
    return metric_from_counts(summed, metric, n_examples).mean(axis=1)


@dataclass(frozen=True)
class PairedTest:
    difference: float  # observed metric of A minus metric of B
    p_value: float
    method: str


def paired_bootstrap(
    boot_a: np.ndarray, boot_b: np.ndarray, observed_a: float, observed_b: float
) -> PairedTest:
    """Two-sided paired bootstrap test of H0: no difference (both scored on the same resamples).

    The bootstrap differences are centred on the observed one to simulate the null
    (Berg-Kirkpatrick et al. 2012; Koehn 2004).
    """
    observed = observed_a - observed_b
    differences = boot_a - boot_b
    extreme = np.abs(differences - observed) >= abs(observed) - 1e-12
    return PairedTest(observed, float(extreme.mean()), "paired bootstrap")


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> PairedTest:
    """Exact McNemar test on the examples one classifier gets right and the other wrong."""
    from scipy.stats import binomtest  # 1.8 s to import: only boards ranked by accuracy need it

    only_a = int((correct_a & ~correct_b).sum())
    only_b = int((correct_b & ~correct_a).sum())
    difference = (only_a - only_b) / len(correct_a)
    if only_a + only_b == 0:
        return PairedTest(difference, 1.0, "McNemar (exact)")
    p_value = binomtest(only_a, only_a + only_b, 0.5).pvalue
    return PairedTest(difference, float(p_value), "McNemar (exact)")


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)
