"""Sweep throughput through local Ray against joblib, side by side in one run, on 2 CPUs each.

The same 24-job sweep (majority, tfidf_svm, tfidf_cnb, tfidf_logreg × topic, actor, stance ×
seeds 0-1 on the bundled marsad_mini; `++model.seeded=true`, so every seed really runs) through
`hydra/launcher=local_parallel` (joblib, n_jobs=2) and `hydra/launcher=ray` (a local Ray
instance of 2 CPUs, started by the sweep: its start-up is in the figure; once as the preset has
it, a fresh worker process per job, and once with workers reused as joblib reuses its two),
each into its own sqlite store. Prints wall seconds and finished runs per minute.

    python benchmarks/bench_ray_vs_joblib.py [--folder /tmp/marsad-bench-ray]

Needs the `ray` extra.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from marsad.tracking.client import tracking_client

BIN = Path(sys.executable).parent
GRID = ["dataset=marsad_mini", "task=topic,actor,stance", "model=majority,tfidf_svm,tfidf_cnb,tfidf_logreg",
        "seed=0,1", "++model.seeded=true"]  # fmt: skip
JOBS = 3 * 4 * 2
LAUNCHERS = {
    "joblib (local_parallel, n_jobs=2)": ["hydra/launcher=local_parallel", "hydra.launcher.n_jobs=2"],
    "Ray (local instance, 2 CPUs)": ["hydra/launcher=ray", "hydra.launcher.ray.init.num_cpus=2"],
    # What a fresh process per job (the preset's max_calls: 1) costs: workers reused, as joblib's.
    "Ray, workers reused (max_calls=0)": [
        "hydra/launcher=ray",
        "hydra.launcher.ray.init.num_cpus=2",
        "hydra.launcher.ray.remote.max_calls=0",
    ],
}


def sweep(folder: Path, name: str, launcher: list[str]) -> float:
    """Seconds for the sweep into `folder`'s own store; fails loudly unless every job finished."""
    folder.mkdir(parents=True)
    uri = f"sqlite:///{folder}/mlflow.db"
    ray_tmp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # Ray's session files, removed after
    # No usage report and no token written under ~/.ray: the machine keeps nothing of the run.
    env = {**os.environ, "RAY_TMPDIR": ray_tmp, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    command = [str(BIN / "marsad-run"), "--multirun", *launcher, *GRID, f"tracking.uri={uri}",
               "tracking.log_model=false", f"hydra.sweep.dir={folder}/sweep"]  # fmt: skip
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env)
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{name}: sweep failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    client = tracking_client(uri)
    experiment = client.get_experiment_by_name("marsad")
    finished = client.search_runs(
        [experiment.experiment_id], "attributes.status = 'FINISHED'", max_results=100
    )
    jobs = [r for r in finished if "task" in r.data.tags]
    if len(jobs) != JOBS:
        raise SystemExit(f"{name}: {len(jobs)} of {JOBS} runs finished")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/marsad-bench-ray"))
    args = parser.parse_args()
    shutil.rmtree(args.folder, ignore_errors=True)
    print(f"{JOBS}-job sweep on marsad_mini, 2 CPUs per launcher, one after the other")
    for index, (name, launcher) in enumerate(LAUNCHERS.items()):
        seconds = sweep(args.folder / str(index), name, launcher)
        print(f"  {name:36s} {seconds:6.1f} s   {JOBS / seconds * 60:5.1f} runs/min", flush=True)


if __name__ == "__main__":
    main()
