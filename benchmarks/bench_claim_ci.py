"""How much wider are stance CIs when claims, not pairs, are resampled?

For every stance run of a benchmark in a tracking store (default: the marsad-v1 reference
runs), the 95% bootstrap CI of macro-F1 on the scored split, resampling single pairs (what
boards did before) and whole claims with all their pairs (what they do now).

    python benchmarks/bench_claim_ci.py --tracking-uri sqlite:////tmp/ref/mlflow.db
"""

from __future__ import annotations

import argparse

import numpy as np
from mlflow.tracking import MlflowClient

from marsad.leaderboard import stats
from marsad.leaderboard.predictions import run_examples
from marsad.leaderboard.runs import RunRecord

STANCE_TASKS = {"stance_sentence": "ANS", "stance_article": "UnifiedFC"}


def widths(examples, resamples: int = 1000) -> tuple[float, float, int]:
    counts = [stats.example_counts(examples.gold, examples.predicted)]
    n = len(examples.ids)
    by_pair = stats.bootstrap_means(counts, "macro_f1", stats.resample_weights(n, resamples, 0))
    by_claim = stats.bootstrap_means(
        counts, "macro_f1", stats.cluster_resample_weights(examples.groups, resamples, 0)
    )
    width = lambda boot: float(np.subtract(*stats.percentile_interval(boot)[::-1]))  # noqa: E731
    return width(by_pair), width(by_claim), len(np.unique(examples.groups))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracking-uri", default="sqlite:////tmp/ref/mlflow.db")
    parser.add_argument("--experiment", default="marsad-v1")
    args = parser.parse_args()
    client = MlflowClient(args.tracking_uri)
    experiment = client.get_experiment_by_name(args.experiment)
    print(
        f"{'corpus':<10} {'model':<22} {'pairs':>6} {'claims':>6} {'CI width, pairs':>16} {'claims':>8} {'ratio':>6}"
    )
    ratios = {name: [] for name in STANCE_TASKS.values()}
    for task, corpus in STANCE_TASKS.items():
        runs = client.search_runs([experiment.experiment_id], f"tags.`marsad.benchmark_task` = '{task}'")
        latest = {}
        for run in sorted(runs, key=lambda r: r.info.start_time):
            latest[run.data.tags["config_id"]] = run
        for run in sorted(latest.values(), key=lambda r: r.data.tags["model"]):
            record = RunRecord(run.info.run_id, run.info.experiment_id, run.data.tags, run.data.metrics,
                               run.info.artifact_uri, tracking_uri=args.tracking_uri)  # fmt: skip
            examples = run_examples(record, "test", run.data.tags["label_set"].split(","))
            pair, claim, n_claims = widths(examples)
            ratios[corpus].append(claim / pair)
            print(f"{corpus:<10} {run.data.tags['model']:<22} {len(examples.ids):>6} {n_claims:>6} "
                  f"{pair:>16.3f} {claim:>8.3f} {claim / pair:>6.2f}")  # fmt: skip
    for corpus, found in ratios.items():
        if found:
            print(
                f"{corpus}: claim-resampled CIs are {np.median(found):.2f}x as wide as pair-resampled (median)"
            )


if __name__ == "__main__":
    main()
