"""Two runs on the same test data, example by example: who gets what right, and is it real?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from marsad.leaderboard import stats
from marsad.leaderboard.predictions import run_examples, run_predictions
from marsad.leaderboard.runs import LeaderboardError, RunRecord
from marsad.leaderboard.table import check_label_sets, check_same_data, primary_metric_of


@dataclass
class Comparison:
    run_a: RunRecord
    run_b: RunRecord
    split: str
    metric: str
    n_examples: int
    both_right: int
    only_a: int
    only_b: int
    both_wrong: int
    score_a: float
    score_b: float
    ci_difference: tuple[float, float]
    bootstrap: stats.PairedTest
    mcnemar: stats.PairedTest
    per_class: pd.DataFrame  # label × (f1_a, f1_b, delta)
    disagreements: pd.DataFrame  # id, text preview, gold, a, b

    def to_dict(self) -> dict:
        return {
            "run_a": {
                "run_id": self.run_a.run_id,
                "model": self.run_a.config_label,
                self.metric: self.score_a,
            },
            "run_b": {
                "run_id": self.run_b.run_id,
                "model": self.run_b.config_label,
                self.metric: self.score_b,
            },
            "split": self.split,
            "metric": self.metric,
            "examples": self.n_examples,
            "both_right": self.both_right,
            "only_a_right": self.only_a,
            "only_b_right": self.only_b,
            "both_wrong": self.both_wrong,
            "difference": self.score_a - self.score_b,
            "difference_ci95": list(self.ci_difference),
            "paired_bootstrap_p": self.bootstrap.p_value,
            "mcnemar_p": self.mcnemar.p_value,
            "per_class": self.per_class.round(4).to_dict(orient="index"),
            "disagreements": self.disagreements.to_dict(orient="records"),
        }


def compare_runs(
    run_a: RunRecord, run_b: RunRecord, split: str = "test", metric: str | None = None,
    n_resamples: int = 1000, sample: int = 10, seed: int = 0,
) -> Comparison:  # fmt: skip
    if run_a.tags.get("task") != run_b.tags.get("task"):
        raise LeaderboardError(
            f"run {run_a.run_id} is a {run_a.tags.get('task')} run and "
            f"run {run_b.run_id} a {run_b.tags.get('task')} run: compare runs of one task"
        )
    metric = metric or run_a.tags.get("primary_metric") or primary_metric_of(run_a.tags["task"])
    label_names = check_label_sets([run_a, run_b], split)
    scored = {r.run_id: run_examples(r, split, label_names) for r in (run_a, run_b)}
    check_same_data([run_a, run_b], split, scored)
    scored_a, scored_b = scored[run_a.run_id], scored[run_b.run_id]
    if not np.array_equal(scored_a.ids, scored_b.ids):
        raise LeaderboardError(
            f"runs {run_a.run_id} and {run_b.run_id} scored different examples on '{split}'"
        )
    counts_a = stats.example_counts(scored_a.gold, scored_a.predicted)
    counts_b = stats.example_counts(scored_a.gold, scored_b.predicted)
    right_a, right_b = counts_a[:, -1].astype(bool), counts_b[:, -1].astype(bool)
    n = len(scored_a.ids)
    score_a = float(stats.metric_from_counts(counts_a.sum(0), metric, n))
    score_b = float(stats.metric_from_counts(counts_b.sum(0), metric, n))
    weights, _ = stats.bootstrap_weights(n, scored_a.groups, n_resamples, seed)  # claims for stance
    boot_a = stats.bootstrap_means([counts_a], metric, weights)
    boot_b = stats.bootstrap_means([counts_b], metric, weights)
    f1_a, f1_b = stats.per_label_f1(counts_a.sum(0)), stats.per_label_f1(counts_b.sum(0))
    per_class = pd.DataFrame({"f1_a": f1_a, "f1_b": f1_b, "delta": f1_a - f1_b}, index=label_names)
    differ = np.flatnonzero(right_a != right_b)
    chosen = np.random.default_rng(seed).choice(differ, size=min(sample, len(differ)), replace=False)
    a, b = run_predictions(run_a, split), run_predictions(run_b, split)  # sorted by id, as above
    disagreements = pd.DataFrame(
        {
            "id": a["id"].iloc[chosen].to_numpy(),
            "text": (a["text"].iloc[chosen].to_numpy() if "text" in a else [""] * len(chosen)),
            "gold": [_show(v) for v in a["gold"].iloc[chosen]],
            "a": [_show(v) for v in a["predicted"].iloc[chosen]],
            "b": [_show(v) for v in b["predicted"].iloc[chosen]],
        }
    )
    return Comparison(
        run_a=run_a, run_b=run_b, split=split, metric=metric, n_examples=n,
        both_right=int((right_a & right_b).sum()), only_a=int((right_a & ~right_b).sum()),
        only_b=int((right_b & ~right_a).sum()), both_wrong=int((~right_a & ~right_b).sum()),
        score_a=score_a, score_b=score_b,
        ci_difference=stats.percentile_interval(boot_a - boot_b),
        bootstrap=stats.paired_bootstrap(boot_a, boot_b, score_a, score_b),
        mcnemar=stats.mcnemar(right_a, right_b),
        per_class=per_class, disagreements=disagreements,
    )  # fmt: skip


def _show(value) -> str:
    return value if isinstance(value, str) else ", ".join(value) or "(none)"
