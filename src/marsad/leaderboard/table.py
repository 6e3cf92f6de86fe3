"""Rank model configurations of one task and dataset: seed means, bootstrap CIs, paired tests.

Rows are model configurations; their runs differ only in seed (and, in cross-validation, in the
test fold). Means and standard deviations come from the metrics the runs logged; confidence
intervals and significance come from the logged per-example predictions, resampled by example.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from marsad.leaderboard import stats
from marsad.leaderboard.predictions import ScoredExamples, run_examples
from marsad.leaderboard.runs import LeaderboardError, RunRecord

log = logging.getLogger(__name__)
ALPHA = 0.05
COST_METRICS = {
    "fit_seconds": "fit_s",
    "predict_examples_per_second": "examples_per_s",
    "model_size_bytes": "size_mb",
}


@dataclass
class Leaderboard:
    task: str
    dataset: str
    split: str
    metric: str
    label_names: list[str]
    label_kind: str  # "single" or "multi"
    rows: pd.DataFrame
    per_class: pd.DataFrame  # model × label: F1 on the pooled predictions, mean over seeds
    best_confusion: tuple[np.ndarray, np.ndarray]  # gold and predicted indicators, best model's first run
    test_method: str
    notes: list[str] = field(default_factory=list)
    resampled: str = "examples"  # the bootstrap's unit: "claims" where pairs of a claim move together

    @property
    def title(self) -> str:
        return f"{self.task} · {self.dataset} · {self.split} · {self.metric}"


def sections(runs: list[RunRecord]) -> dict[tuple[str, str], list[RunRecord]]:
    """Runs grouped by (task, dataset): each group is one leaderboard."""
    grouped: dict[tuple[str, str], list[RunRecord]] = defaultdict(list)
    for run in runs:
        grouped[(run.tags["task"], run.tags.get("dataset", "?"))].append(run)
    return dict(sorted(grouped.items()))


def primary_metric_of(task: str) -> str:
    """The task's primary metric from its config (runs logged before the tag existed)."""
    from omegaconf import OmegaConf

    from marsad.config_check import CONF_DIR

    path = CONF_DIR / "task" / f"{task}.yaml"
    if not path.exists():
        raise LeaderboardError(f"unknown task '{task}': pass --metric")
    return str(OmegaConf.load(path).primary_metric)


def label_set(run: RunRecord, split: str) -> str:
    """The labels of `split`: the training labels, or for an eval dataset's split scored in a
    common label space (`ans_stance.test` of a UnifiedFC model), that space's labels."""
    dataset = split.rsplit(".", 1)[0] if "." in split else None
    return run.tags.get(f"label_set.{dataset}") or run.tags.get("label_set", "")


def check_label_sets(runs: list[RunRecord], split: str = "test") -> list[str]:
    """Refuse runs with different label sets (their scores mean different things)."""
    label_sets = defaultdict(list)
    for run in runs:
        label_sets[label_set(run, split)].append(run)
    if len(label_sets) > 1:
        detail = "; ".join(f"[{k}]: {len(v)} runs (e.g. {v[0].run_id})" for k, v in label_sets.items())
        raise LeaderboardError(
            f"{runs[0].tags['task']}/{runs[0].tags.get('dataset')}: runs have different label sets, "
            f"so their scores are not comparable: {detail}. Select one with --experiment/--sweep."
        )
    return next(iter(label_sets)).split(",")


def check_same_data(runs: list[RunRecord], split: str, examples: dict[str, ScoredExamples]) -> None:
    """Refuse runs scored on different data: their fingerprints (per CV fold) must agree.

    The fingerprint is the run's `data_fingerprint.<split>` tag, else one computed from what the
    run's predictions scored (older runs, eval splits logged without a tag).
    """
    by_fold: dict[str, dict[str, list[RunRecord]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        fingerprint = run.tags.get(f"data_fingerprint.{split}") or examples[run.run_id].fingerprint
        by_fold[run.tags.get("cv_fold", "")][fingerprint].append(run)
    for fold, fingerprints in by_fold.items():
        if len(fingerprints) > 1:
            detail = "; ".join(
                f"{fp}: {len(rs)} runs ({', '.join(sorted({r.config_label for r in rs}))}, "
                f"e.g. run {rs[0].run_id})"
                for fp, rs in fingerprints.items()
            )
            where = f" fold {fold}" if fold else ""
            raise LeaderboardError(
                f"{runs[0].tags['task']}/{runs[0].tags.get('dataset')}{where}: runs were scored on different "
                f"'{split}' data (fingerprints differ), refusing to rank them together: {detail}. "
                "Select runs on the same data with --experiment, --sweep or --model."
            )


def build_leaderboard(
    runs: list[RunRecord],
    split: str = "test",
    metric: str | None = None,
    n_resamples: int = 1000,
    seed: int = 0,
) -> Leaderboard:
    task, dataset = runs[0].tags["task"], runs[0].tags.get("dataset", "?")
    metric = metric or runs[0].tags.get("primary_metric") or primary_metric_of(task)
    if metric not in stats.RANKABLE_METRICS:
        raise LeaderboardError(f"cannot rank by '{metric}': choose from {list(stats.RANKABLE_METRICS)}")
    runs, repeated = latest_per_replicate(runs)
    label_names = check_label_sets(runs, split)
    examples = {run.run_id: run_examples(run, split, label_names) for run in runs}
    check_same_data(runs, split, examples)

    # One unit per (config, seed); in cross-validation a unit pools its folds' test predictions.
    units: dict[str, dict[str, list[RunRecord]]] = defaultdict(lambda: defaultdict(list))
    for run in sorted(runs, key=lambda r: (r.tags.get("cv_fold", ""), r.start_time)):
        units[run.config_key][run.tags.get("seed", run.run_id)].append(run)
    counts: dict[str, list[np.ndarray]] = {}
    reference_ids = groups = None
    first_unit: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, seeds in units.items():
        counts[key] = []
        for seed_runs in seeds.values():
            parts = [examples[r.run_id] for r in seed_runs]
            ids = np.concatenate([p.ids for p in parts])
            gold = np.concatenate([p.gold for p in parts])
            predicted = np.concatenate([p.predicted for p in parts])
            if reference_ids is None:
                reference_ids = ids
                if all(p.groups is not None for p in parts):
                    groups = np.concatenate([p.groups for p in parts])
            elif not np.array_equal(ids, reference_ids):
                raise LeaderboardError(
                    f"run {seed_runs[0].run_id} ({split}): its examples differ from the other runs' "
                    "(same fingerprint, different ids): were the folds or splits changed?"
                )
            counts[key].append(stats.example_counts(gold, predicted))
            first_unit.setdefault(key, (gold, predicted))

    n_examples = len(reference_ids)
    # Pairs of one claim move together: resample claims where the runs logged them.
    weights, resampled = stats.bootstrap_weights(n_examples, groups, n_resamples, seed)
    label_kind = examples[runs[0].run_id].label_kind
    single_accuracy = metric == "accuracy" and label_kind == "single"
    # Per seed: counts summed over the examples, and the metric they give (pooled over folds).
    totals = {key: [m.sum(0) for m in matrices] for key, matrices in counts.items()}
    records = []
    boots = {}
    for key, seeds in units.items():
        members = [r for rs in seeds.values() for r in rs]
        scored = [float(stats.metric_from_counts(t, metric, n_examples)) for t in totals[key]]
        logged = [r.metrics.get(f"{split}_{metric}") for r in members]
        # Not logged for this split (e.g. an eval dataset's dev): use the scored predictions.
        values = scored if any(v is None for v in logged) else logged
        boots[key] = stats.bootstrap_means(counts[key], metric, weights)
        low, high = stats.percentile_interval(boots[key])
        row = {
            "model": members[0].config_label,
            "config_key": key,
            "runs": len(members),
            "seeds": len(seeds),
            "seed_free": all(r.tags.get("seeded") == "false" for r in members),
            "tuning": tuning_label(members),
            "mean": float(np.mean(values)),
            "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
            "ci_low": low,
            "ci_high": high,
            "pooled": float(np.mean(scored)),
        }
        folds = {r.tags.get("cv_fold") for r in members} - {None}
        if folds:
            row["folds"] = len(folds)
        for name, value in _other_metrics(members, split, metric).items():
            row[name] = value
        for source, column in COST_METRICS.items():
            values_ = [r.metrics[source] for r in members if source in r.metrics]
            row[column] = float(np.mean(values_)) if values_ else np.nan
        if not np.isnan(row["size_mb"]):
            row["size_mb"] /= 1e6
        row["run_ids"] = ",".join(r.run_id for r in members)
        records.append(row)

    rows = pd.DataFrame(records).sort_values("mean", ascending=False, kind="stable").reset_index(drop=True)
    rows.insert(0, "rank", rows["mean"].rank(ascending=False, method="min").astype(int))
    best = rows.loc[0, "config_key"]
    method = "McNemar (exact)" if single_accuracy else "paired bootstrap"
    p_values, differences = [], []
    for key, pooled in zip(rows["config_key"], rows["pooled"]):
        if key == best:
            p_values.append(np.nan)
            differences.append(0.0)
            continue
        if single_accuracy:
            test = stats.mcnemar(_majority_correct(counts[key]), _majority_correct(counts[best]))
        else:
            test = stats.paired_bootstrap(boots[key], boots[best], pooled, rows.loc[0, "pooled"])
        p_values.append(test.p_value)
        differences.append(test.difference)
    rows["diff_vs_best"] = differences
    rows["p_vs_best"] = p_values
    # Rows whose difference from the best is not significant are tied with it.
    rows["tied_with_best"] = [key == best or p >= ALPHA for key, p in zip(rows["config_key"], p_values)]

    per_class = pd.DataFrame(
        {
            rows.loc[rows["config_key"] == key, "model"].iloc[0]: np.mean(
                [stats.per_label_f1(t) for t in totals[key]], axis=0
            )
            for key in rows["config_key"]
        },
        index=label_names,
    ).T
    notes = []
    if repeated:
        notes.append(
            f"{repeated} earlier runs of the same config, seed and fold were left out (latest kept)."
        )
    if any(r["seed_free"] for r in records):
        notes.append("seeds '(fixed)': the model's fit ignores the seed, so a sweep runs it once.")
    if any("folds" in r for r in records):
        notes.append("cross-validation: mean ± std over folds and seeds; CI and tests on the pooled folds.")
    return Leaderboard(
        task=task,
        dataset=dataset,
        split=split,
        metric=metric,
        label_names=label_names,
        label_kind=label_kind,
        rows=rows,
        per_class=per_class,
        best_confusion=first_unit[best],
        test_method=method,
        notes=notes,
        resampled=resampled,
    )


def tuning_label(members: list[RunRecord]) -> str:
    """`tuned N` for a row of runs `marsad tune` refitted (tag marsad.tuned=N: its study's
    trials, the most where reruns differ), else `default`."""
    trials = [int(r.tags["marsad.tuned"]) for r in members if r.tags.get("marsad.tuned", "").isdigit()]
    return f"tuned {max(trials)}" if trials else "default"


def latest_per_replicate(runs: list[RunRecord]) -> tuple[list[RunRecord], int]:
    """Keep the latest run per (task, dataset, config, seed, fold): a rerun replaces, it does not
    add a seed."""
    latest: dict[tuple, RunRecord] = {}
    for run in sorted(runs, key=lambda r: r.start_time):
        tags = run.tags
        key = (
            tags.get("task"),
            tags.get("dataset"),
            run.config_key,
            tags.get("seed", run.run_id),
            tags.get("cv_fold", ""),
        )
        latest[key] = run
    return list(latest.values()), len(runs) - len(latest)


def _majority_correct(unit_counts: list[np.ndarray]) -> np.ndarray:
    """Per example: right in at least half of the seeds (the exact-match column)."""
    return np.mean([m[:, -1] for m in unit_counts], axis=0) >= 0.5


def _other_metrics(members: list[RunRecord], split: str, metric: str) -> dict[str, float]:
    prefix = f"{split}_"
    names = {
        k[len(prefix) :]
        for r in members
        for k in r.metrics
        if k.startswith(prefix) and not k.startswith(f"{prefix}f1.") and k != f"{prefix}{metric}"
    }
    return {
        name: float(np.mean([r.metrics[prefix + name] for r in members if prefix + name in r.metrics]))
        for name in sorted(names)
    }


def _board_code_digest() -> str:
    """What builds a board (this module, the statistics, the predictions reader): part of the
    board cache key, so an upgraded Marsad never reads a board an older one built."""
    from pathlib import Path

    from marsad.leaderboard import predictions

    digest = hashlib.sha256()
    for module in (Path(__file__), Path(stats.__file__), Path(predictions.__file__)):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def build_leaderboards(
    runs: list[RunRecord], split: str = "test", metric: str | None = None, n_resamples: int = 1000,
    seed: int = 0,
) -> list[Leaderboard]:  # fmt: skip
    """One board per (task, dataset) section. The same finished runs with the same settings give
    the same boards, so they are kept on disk (`cache_dir("boards")`) and read back next time."""
    import pickle

    from marsad.cache import cache_dir

    key = repr((_board_code_digest(), sorted(r.run_id for r in runs), split, metric, n_resamples, seed))
    path = cache_dir("boards") / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    boards = [
        build_leaderboard(group, split=split, metric=metric, n_resamples=n_resamples, seed=seed)
        for group in sections(runs).values()
    ]
    partial = path.with_suffix(f".{os.getpid()}.part")  # two boards at once never share one
    partial.write_bytes(pickle.dumps(boards))
    partial.replace(path)
    return boards
