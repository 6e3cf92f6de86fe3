"""How long does a leaderboard take over 10, 100 and 1,000 runs?

Logs synthetic runs (1,000 test examples each, with predictions) into a fresh sqlite store,
one experiment per size, then times building the leaderboard (query + predictions + bootstrap
with 1,000 resamples + paired tests) in this process: first read, then again with the
predictions already read. Target: under 10 s for 1,000 runs.

    python benchmarks/bench_leaderboard.py [--store /tmp/marsad-bench-lb]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np
from mlflow.tracking import MlflowClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.leaderboard.fake_runs

from marsad.leaderboard import build_leaderboard, find_runs  # noqa: E402
from tests.leaderboard.fake_runs import LABELS, log_fake_run, noisy_predictions  # noqa: E402

SIZES = {10: (5, 2), 100: (20, 5), 1000: (50, 20)}  # runs: (model configs, seeds)
EXAMPLES = 1000


def build_store(folder: Path) -> MlflowClient:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    client = MlflowClient(f"sqlite:///{folder}/mlflow.db")
    rng = np.random.default_rng(0)
    gold = rng.integers(0, len(LABELS), EXAMPLES)
    for size, (models, seeds) in SIZES.items():
        experiment_id = client.create_experiment(f"runs{size}", artifact_location=str(folder / f"art{size}"))
        start = time.perf_counter()
        for m in range(models):
            accuracy = 0.4 + 0.5 * m / models
            for seed in range(seeds):
                log_fake_run(
                    client, experiment_id, f"model{m:02d}", seed, gold, noisy_predictions(gold, accuracy, rng)
                )
        print(f"logged {size:>5} runs in {time.perf_counter() - start:6.1f} s")
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/marsad-bench-leaderboard"))
    parser.add_argument(
        "--reuse", action="store_true", help="Reuse an existing store instead of logging anew."
    )
    args = parser.parse_args()
    if args.reuse and (args.store / "mlflow.db").exists():
        client = MlflowClient(f"sqlite:///{args.store}/mlflow.db")
    else:
        client = build_store(args.store)
    print(f"\n{'runs':>6} {'rows':>5} {'query s':>8} {'first build s':>14} {'cached build s':>15}")
    for size in SIZES:
        start = time.perf_counter()
        runs = find_runs(client, [f"runs{size}"])
        query = time.perf_counter() - start
        timings = []
        for _ in range(2):  # the second pass reads predictions from the in-process cache
            start = time.perf_counter()
            board = build_leaderboard(runs, n_resamples=1000)
            timings.append(time.perf_counter() - start)
        print(f"{len(runs):>6} {len(board.rows):>5} {query:>8.2f} {timings[0]:>14.2f} {timings[1]:>15.2f}")


if __name__ == "__main__":
    main()
