"""Rank model configurations of one task and dataset: seed means, bootstrap CIs, paired tests.

Rows are model configurations; their runs differ only in seed (and, in cross-validation, in the
test fold). Means and standard deviations come from the metrics the runs logged; confidence
intervals and significance come from the logged per-example predictions, resampled by example.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from marsad.leaderboard import stats
from marsad.leaderboard.predictions import run_predictions
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
    best_confusion: tuple[list, list]  # gold and predicted labels of the best model's first run
    test_method: str
    notes: list[str] = field(default_factory=list)

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


def _fingerprint(run: RunRecord, split: str, frame: pd.DataFrame | None) -> str:
    tagged = run.tags.get(f"data_fingerprint.{split}")
    if tagged:
        return tagged
    # Older runs, or eval splits logged without a tag: fingerprint what was scored.
    assert frame is not None
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame[["id", "gold"]].astype(str)).values.tobytes())
    return "p" + digest.hexdigest()[:15]


def check_comparable(runs: list[RunRecord], split: str, frames: dict[str, pd.DataFrame]) -> list[str]:
    """Refuse runs scored on different test data or label sets; return the label set."""
    label_sets = defaultdict(list)
    for run in runs:
        label_sets[run.tags.get("label_set", "")].append(run)
    if len(label_sets) > 1:
        detail = "; ".join(f"[{k}]: {len(v)} runs (e.g. {v[0].run_id})" for k, v in label_sets.items())
        raise LeaderboardError(
            f"{runs[0].tags['task']}/{runs[0].tags.get('dataset')}: runs have different label sets, "
            f"so their scores are not comparable: {detail}. Select one with --experiment/--sweep."
        )
    by_fold: dict[str, dict[str, list[RunRecord]]] = defaultdict(lambda: defaultdict(list))
    for run in runs:
        by_fold[run.tags.get("cv_fold", "")][_fingerprint(run, split, frames.get(run.run_id))].append(run)
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
    return next(iter(label_sets)).split(",")


def label_indicators(labels: pd.Series, label_names: list[str], where: str) -> np.ndarray:
    first = labels.iloc[0] if len(labels) else ""
    if isinstance(first, str):  # single-label: vectorised through categorical codes
        codes = pd.Categorical(labels, categories=label_names).codes
        if (codes < 0).any():
            unknown = sorted(set(labels[codes < 0]))
            raise LeaderboardError(f"{where}: labels {unknown} are not in the run's label set {label_names}")
        return np.eye(len(label_names), dtype=bool)[codes]
    try:
        return stats.indicator(list(labels), label_names)
    except KeyError as err:
        raise LeaderboardError(f"{where}: label {err} is not in the run's label set {label_names}") from err


def _unit_counts(frames: list[pd.DataFrame], label_names: list[str], where: str):
    """Counts matrix and correctness of one seed, its CV folds concatenated in fold order."""
    frame = pd.concat(frames, ignore_index=True)
    gold = label_indicators(frame["gold"], label_names, where)
    predicted = label_indicators(frame["predicted"], label_names, where)
    return frame, stats.example_counts(gold, predicted)


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
    frames = {run.run_id: run_predictions(run, split) for run in runs}
    label_names = check_comparable(runs, split, frames)

    # One unit per (config, seed); in cross-validation a unit pools its folds' test predictions.
    units: dict[str, dict[str, list[RunRecord]]] = defaultdict(lambda: defaultdict(list))
    for run in sorted(runs, key=lambda r: (r.tags.get("cv_fold", ""), r.start_time)):
        units[run.config_key][run.tags.get("seed", run.run_id)].append(run)
    counts: dict[str, list[np.ndarray]] = {}
    reference_ids = None
    first_frame: dict[str, pd.DataFrame] = {}
    for key, seeds in units.items():
        counts[key] = []
        for seed_runs in seeds.values():
            where = f"run {seed_runs[0].run_id} predictions ({split})"
            frame, matrix = _unit_counts([frames[r.run_id] for r in seed_runs], label_names, where)
            ids = tuple(frame["id"])
            if reference_ids is None:
                reference_ids = ids
            elif ids != reference_ids:
                raise LeaderboardError(
                    f"{where}: its examples differ from the other runs' (same fingerprint, different ids): "
                    "were the folds or splits changed?"
                )
            counts[key].append(matrix)
            first_frame.setdefault(key, frame)

    n_examples = len(reference_ids)
    weights = stats.resample_weights(n_examples, n_resamples, seed)
    label_kind = "single" if isinstance(frames[runs[0].run_id]["gold"].iloc[0], str) else "multi"
    single_accuracy = metric == "accuracy" and label_kind == "single"
    records = []
    boots = {}
    for key, seeds in units.items():
        members = [r for rs in seeds.values() for r in rs]
        logged = [r.metrics.get(f"{split}_{metric}") for r in members]
        if any(v is None for v in logged):  # not logged for this split: score the predictions
            values = [float(stats.metric_from_counts(m.sum(0), metric, n_examples)) for m in counts[key]]
        else:
            values = logged
        boots[key] = stats.bootstrap_means(counts[key], metric, weights)
        low, high = stats.percentile_interval(boots[key])
        row = {
            "model": members[0].config_label,
            "config_key": key,
            "runs": len(members),
            "seeds": len(seeds),
            "mean": float(np.mean(values)),
            "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
            "ci_low": low,
            "ci_high": high,
            "pooled": float(
                np.mean([stats.metric_from_counts(m.sum(0), metric, n_examples) for m in counts[key]])
            ),
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
                [stats.per_label_f1(m.sum(0)) for m in counts[key]], axis=0
            )
            for key in rows["config_key"]
        },
        index=label_names,
    ).T
    best_frame = first_frame[best]
    notes = []
    if any("folds" in r for r in records):
        notes.append("cross-validation: mean ± std over folds and seeds; CI and tests on the pooled folds")
    return Leaderboard(
        task=task,
        dataset=dataset,
        split=split,
        metric=metric,
        label_names=label_names,
        label_kind=label_kind,
        rows=rows,
        per_class=per_class,
        best_confusion=(list(best_frame["gold"]), list(best_frame["predicted"])),
        test_method=method,
        notes=notes,
    )


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
