"""Team scale, side by side in one run: sweep throughput against sqlite and the shared server,
and the leaderboard over 5,000 runs read through the server.

1. A 24-job classical sweep (topic, actor × majority, tfidf_logreg, tfidf_svm × 4 seeds on the
   bundled marsad_mini) with 1 and 2 joblib workers, into a local sqlite file and into
   `mlflow server` on PostgreSQL (both started here, as `marsad server` starts them): runs/min.
2. 5,000 finished runs (200 test predictions each, logged by 8 threads through the server),
   then `marsad leaderboard` over them in a fresh process: cold (empty predictions cache: every
   predictions.parquet is downloaded through the server) and again with the cache filled.
   Goal: cached under 15 s.

    python benchmarks/bench_team_scale.py [--folder /tmp/marsad-bench-team] [--runs 5000]

Needs the `server` extra and Debian's postgresql package (`marsad server db start` says how).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.leaderboard.fake_runs

from marsad.server.postgres import PostgresServer  # noqa: E402
from marsad.server.processes import free_port  # noqa: E402
from marsad.server.tracking_server import TrackingServer  # noqa: E402
from marsad.tracking.client import tracking_client  # noqa: E402
from tests.leaderboard.fake_runs import LABELS, log_fake_run, noisy_predictions  # noqa: E402

BIN = Path(sys.executable).parent
GRID = ["dataset=marsad_mini", "task=topic,actor", "model=majority,tfidf_logreg,tfidf_svm", "seed=0,1,2,3"]
JOBS = 2 * 3 * 4
EXAMPLES = 200


def sweep(folder: Path, uri: str, workers: int, experiment: str, sweep_dir: str) -> float:
    """Seconds for the 24-job sweep; fails loudly if any job did not finish."""
    command = [
        str(BIN / "marsad-run"), "--multirun", "hydra/launcher=local_parallel",
        f"hydra.launcher.n_jobs={workers}", *GRID, f"tracking.uri={uri}", f"tracking.experiment={experiment}",
        "tracking.log_model=true", f"hydra.sweep.dir={folder}/sweeps/{sweep_dir}",
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"sweep {experiment} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    client = tracking_client(uri)
    found = client.get_experiment_by_name(experiment)
    finished = client.search_runs([found.experiment_id], "attributes.status = 'FINISHED'", max_results=1000)
    jobs = [r for r in finished if "task" in r.data.tags]
    if len(jobs) != JOBS:
        raise SystemExit(f"sweep {experiment}: {len(jobs)} of {JOBS} runs finished")
    return seconds


def log_many(url: str, experiment: str, n_runs: int) -> float:
    """Log `n_runs` finished stance-like runs through the server (8 threads); seconds taken."""
    client = tracking_client(url)
    experiment_id = client.create_experiment(experiment)
    rng = np.random.default_rng(0)
    gold = rng.integers(0, len(LABELS), EXAMPLES)
    models, seeds = 250, n_runs // 250  # a board of 250 configurations
    predictions = [noisy_predictions(gold, 0.4 + 0.5 * m / models, rng) for m in range(models)]

    def one(index: int) -> str:
        model, seed = divmod(index, seeds)
        return log_fake_run(client, experiment_id, f"model{model:03d}", seed, gold, predictions[model])

    start = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        for done, _ in enumerate(pool.map(one, range(models * seeds)), 1):
            if done % 500 == 0:
                print(
                    f"  logged {done}/{models * seeds} runs ({time.perf_counter() - start:.0f} s)", flush=True
                )
    return time.perf_counter() - start


def leaderboard(url: str, experiment: str, cache: Path) -> float:
    env = {**os.environ, "MARSAD_CACHE_DIR": str(cache)}
    command = [str(BIN / "marsad"), "leaderboard", "--tracking-uri", url, "--experiment", experiment,
               "--format", "csv", "--no-summary-run"]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"leaderboard failed: {done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/marsad-bench-team"))
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--leaderboard-only", action="store_true",
                        help="Reuse the folder of an earlier run: restart its servers, time the leaderboard only.")  # fmt: skip
    args = parser.parse_args()
    if not args.leaderboard_only:
        shutil.rmtree(args.folder, ignore_errors=True)
        args.folder.mkdir(parents=True)
        args.folder.chmod(0o711)  # the postgres user must reach its data directory
    postgres = PostgresServer(args.folder / "postgres", port=free_port())
    server = TrackingServer(args.folder / "tracking", "", port=free_port())
    try:
        start = time.perf_counter()
        postgres.start()
        server.backend_uri = postgres.uri
        server.start()
        print(f"PostgreSQL + mlflow server up in {time.perf_counter() - start:.1f} s ({server.url})")
        if not args.leaderboard_only:
            sweeps_and_runs(args.folder, server.url, args.runs)
        cache = args.folder / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        cold = leaderboard(server.url, "board", cache)
        cached = leaderboard(server.url, "board", cache)
        print(f"\nmarsad leaderboard over {args.runs} runs through the server")
        print(f"  cold (downloads every predictions.parquet): {cold:6.1f} s")
        print(f"  cached (predictions cache filled):          {cached:6.1f} s   goal < 15 s")
    finally:
        server.stop()
        postgres.stop()


def sweeps_and_runs(folder: Path, url: str, n_runs: int) -> None:
    print(f"\n{JOBS}-job classical sweep on marsad_mini ({os.cpu_count()} cores)")
    print(f"{'store':<22} {'workers':>7} {'seconds':>8} {'runs/min':>9}")
    stores = {"sqlite file": f"sqlite:///{folder}/mlflow.db", "server on PostgreSQL": url}
    for name, uri in stores.items():
        for workers in (1, 2):
            seconds = sweep(folder, uri, workers, f"sweep-{workers}w", f"{name.split()[0]}-{workers}w")
            print(f"{name:<22} {workers:>7} {seconds:>8.1f} {JOBS / seconds * 60:>9.1f}", flush=True)

    print(f"\nlogging {n_runs} runs through the server ({EXAMPLES} test predictions each)")
    seconds = log_many(url, "board", n_runs)
    print(f"  {n_runs} runs in {seconds:.0f} s ({n_runs / seconds:.0f} runs/s)")


if __name__ == "__main__":
    main()
