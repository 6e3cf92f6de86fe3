"""How long does the benchmark board take over 50 models x 7 tasks, from result files alone?

Writes 350 result files (the marsad-v1 schema, 1,000 bootstrap replicates each) into a temporary
results folder, then times, in fresh processes (what a user runs): `marsad bench board` to
Markdown, and with the JSON and HTML page (two figures) saved too. Target: under 10 s.

    python benchmarks/bench_benchmark_board.py [--models 50] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from marsad.benchmark import load_benchmark
from marsad.benchmark.results import SCHEMA, result_path, write_result


def write_results(folder: Path, n_models: int) -> None:
    bench = load_benchmark("marsad_v1")
    rng = np.random.default_rng(0)
    shared = {task: rng.normal(0, 0.03, bench.bootstrap.resamples) for task in bench.tasks}
    for m in range(n_models):
        skill = rng.uniform(0.3, 0.9)
        for task_id, task in bench.tasks.items():
            score = float(np.clip(skill + rng.normal(0, 0.05), 0, 1))
            replicates = score + shared[task_id] + rng.normal(0, 0.01, bench.bootstrap.resamples)
            write_result(result_path(folder, bench, f"model{m:02d}-0", task_id), {
                "schema": SCHEMA, "benchmark": {"name": bench.name, "version": bench.version},
                "task": {"id": task_id, "type": task.task, "metric": task.metric, "split": task.scored_split},
                "fingerprints": dict(task.fingerprints),
                "model": {"name": f"model{m:02d}", "config_id": f"model{m:02d}-0", "changes": "", "tuning": "default"},
                "seeds": [0], "score": score, "ci": [score - 0.05, score + 0.05], "scores": {},
                "bootstrap": {"resamples": bench.bootstrap.resamples, "seed": 0, "unit": "examples",
                              "examples": 200, "examples_sha": task_id, "replicates": replicates.round(5).tolist()},
                "runtime": {"fit_seconds": 1.0, "total_seconds": float(rng.uniform(5, 500)), "model_size_bytes": 0},
                "versions": {}, "git_commit": "bench", "mlflow": {}, "created": "2026-12-04T00:00:00+00:00",
            })  # fmt: skip


def timed(command: list[str], repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    marsad = str(Path(sys.executable).parent / "marsad")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_results(folder / "results", args.models)
        print(f"{args.models} models x 7 tasks = {7 * args.models} result files")
        base = [marsad, "bench", "board", "--from-results", str(folder / "results")]
        saves = [
            "--save",
            str(folder / "b.md"),
            "--save",
            str(folder / "b.json"),
            "--save",
            str(folder / "b.html"),
        ]
        for label, command in (("board (Markdown)", base), ("board + md/json/html", base + saves)):
            seconds = timed(command, args.repeats)
            print(f"{label:<22} min {min(seconds):.2f} s · median {statistics.median(seconds):.2f} s · "
                  f"max {max(seconds):.2f} s (target < 10 s)")  # fmt: skip


if __name__ == "__main__":
    main()
