"""One result file per (model, task): what a benchmark run scored, with enough to rebuild the
board without a tracking server and to trace every number back to its MLflow runs.

Schema `marsad-benchmark-result/1` (JSON), in `<results>/<benchmark>/<config id>/<task>.json`:

- `benchmark` {name, version}; `task` {id, type, metric, split}: the scored split as the run
  logged it (`test`, or `marsad_real.test` for a dataset scored after training on another);
- `fingerprints` {"<dataset>.<split>": fingerprint}: the data trained and scored on;
- `model` {name, config_id, changes, tuning}: tuning is `default` or `tuned <n trials>`;
- `seeds`; `score` and `ci`: the primary metric on the scored split, mean over seeds, 95% CI;
- `scores` {split: {metric: {value, ci}}}: primary and secondary metrics of every scored split;
- `bootstrap` {resamples, seed, unit, examples, examples_sha, replicates}: the primary metric
  of each bootstrap resample of the scored split. Every model is resampled with the same seed
  over the same examples (sorted by id), claims drawn whole for stance, so two result files
  of one task make a paired test and the Marsad score's CI is the mean of the replicates;
- `runtime` {fit_seconds, total_seconds, model_size_bytes}; `versions`; `git_commit`;
- `mlflow` {tracking_uri, experiment, parent_run_id, run_ids}; `created` (UTC, ISO 8601).

`load_result` refuses a file of another schema, benchmark, version or data, naming both values.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from marsad.benchmark.definition import Benchmark, BenchmarkError, BenchmarkTask

SCHEMA = "marsad-benchmark-result/1"
ARTIFACT = "benchmark_result.json"
SECONDARY = {
    "single": ("macro_f1", "accuracy", "weighted_f1"),
    "multi": ("micro_f1", "macro_f1", "subset_accuracy"),
}
REQUIRED = ("schema", "benchmark", "task", "fingerprints", "model", "seeds", "score", "ci", "scores",
            "bootstrap", "runtime", "versions", "git_commit", "mlflow", "created")  # fmt: skip


def result_path(results: Path, bench: Benchmark, config_id: str, task_id: str) -> Path:
    return Path(results) / bench.name / config_id / f"{task_id}.json"


@dataclass
class SplitScores:
    """What `score_split` computes for one split."""

    scores: dict[str, dict[str, Any]]
    replicates: np.ndarray
    unit: str
    examples: int
    examples_sha: str


def score_split(examples: list, metric: str, bench: Benchmark) -> SplitScores:
    """Metrics with bootstrap CIs for one split scored by one or more seeds (`examples`: one
    ScoredExamples per seed, all of the same examples)."""
    from marsad.leaderboard import stats

    first = examples[0]
    n = len(first.ids)
    weights, unit = stats.bootstrap_weights(n, first.groups, bench.bootstrap.resamples, bench.bootstrap.seed)
    counts = [stats.example_counts(e.gold, e.predicted) for e in examples]
    scores, replicates = {}, None
    for name in dict.fromkeys([metric, *SECONDARY[first.label_kind]]):
        observed = float(np.mean([stats.metric_from_counts(c.sum(0), name, n) for c in counts]))
        boot = stats.bootstrap_means(counts, name, weights)
        low, high = stats.percentile_interval(boot, bench.bootstrap.level)
        scores[name] = {"value": round(observed, 6), "ci": [round(low, 6), round(high, 6)]}
        if name == metric:
            replicates = boot
    sha = hashlib.sha256("\x1f".join(map(str, first.ids)).encode()).hexdigest()[:16]
    return SplitScores(scores, replicates, unit, n, sha)


def build_result(
    bench: Benchmark, task: BenchmarkTask, *, model: dict[str, str], seeds: list[int],
    fingerprints: dict[str, str], splits: dict[str, SplitScores], runtime: dict[str, float],
    versions: dict[str, str], git_commit: str, mlflow: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    scored = splits[task.scored_split]
    main = scored.scores[task.metric]
    return {
        "schema": SCHEMA,
        "benchmark": {"name": bench.name, "version": bench.version},
        "task": {"id": task.id, "type": task.task, "metric": task.metric, "split": task.scored_split},
        "fingerprints": fingerprints,
        "model": model,
        "seeds": seeds,
        "score": main["value"],
        "ci": main["ci"],
        "scores": {split: s.scores for split, s in splits.items()},
        "bootstrap": {
            "resamples": bench.bootstrap.resamples,
            "seed": bench.bootstrap.seed,
            "unit": scored.unit,
            "examples": scored.examples,
            "examples_sha": scored.examples_sha,
            "replicates": [round(float(v), 5) for v in scored.replicates],
        },  # fmt: skip
        "runtime": runtime,
        "versions": versions,
        "git_commit": git_commit,
        "mlflow": mlflow,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_result(path: Path, result: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.part")  # never a half-written result beside whole ones
    partial.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.replace(path)
    return path


def check_result(result: dict[str, Any], bench: Benchmark, where: str) -> BenchmarkTask:
    """The task `result` belongs to; a BenchmarkError naming both values if it is of another
    schema, benchmark, version or data than `bench` defines."""
    if not isinstance(result, dict) or result.get("schema") != SCHEMA:
        found = result.get("schema") if isinstance(result, dict) else type(result).__name__
        raise BenchmarkError(f"{where}: schema {found!r}, expected {SCHEMA!r}")
    missing = [key for key in REQUIRED if key not in result]
    if missing:
        raise BenchmarkError(f"{where}: missing fields {missing} of schema {SCHEMA}")
    theirs = result["benchmark"]
    if theirs.get("name") != bench.name or str(theirs.get("version")) != bench.version:
        raise BenchmarkError(
            f"{where}: a result of {theirs.get('name')} version {theirs.get('version')}; this board is "
            f"{bench.name} version {bench.version}: results of two versions are never mixed"
        )
    task_id = result["task"].get("id")
    if task_id not in bench.tasks:
        raise BenchmarkError(
            f"{where}: task {task_id!r} is not in {bench.name}; its tasks: {list(bench.tasks)}"
        )
    task = bench.tasks[task_id]
    for key, expected in task.fingerprints.items():
        found = result["fingerprints"].get(key)
        if found != expected:
            raise BenchmarkError(
                f"{where}: data {key} has fingerprint {found}; {bench.name} v{bench.version} task "
                f"{task_id} is defined on {expected}: scores on other data are not comparable"
            )
    return task


def load_result(path: Path, bench: Benchmark) -> dict[str, Any]:
    try:
        result = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise BenchmarkError(f"{path}: not a readable result file ({err})") from err
    check_result(result, bench, str(path))
    return result


def load_results(folder: Path, bench: Benchmark) -> list[dict[str, Any]]:
    """Every result file of `bench` under `folder` (or `folder/<benchmark name>`)."""
    root = Path(folder)
    if (root / bench.name).is_dir():
        root = root / bench.name
    if not root.is_dir():
        raise BenchmarkError(f"{folder}: no such results folder")
    return [load_result(path, bench) for path in sorted(root.rglob("*.json"))]


def results_from_tracking(tracking_uri: str, bench: Benchmark) -> list[dict[str, Any]]:
    """The result documents logged with the runs of `bench` (experiment named like it)."""
    from marsad.tracking.client import store_errors, tracking_client

    client = tracking_client(tracking_uri)
    with store_errors(client.tracking_uri):
        experiment = client.get_experiment_by_name(bench.name)
        if experiment is None:
            raise BenchmarkError(
                f"{tracking_uri}: no experiment '{bench.name}'; run `marsad bench run` first"
            )
        runs = client.search_runs(
            [experiment.experiment_id],
            f"tags.`marsad.benchmark_version` = '{bench.version}' and attributes.status = 'FINISHED'",
            max_results=50000,
        )
    found = []
    for run in runs:
        if "marsad.benchmark_task" not in run.data.tags:
            continue
        try:
            text = Path(client.download_artifacts(run.info.run_id, ARTIFACT)).read_text(encoding="utf-8")
        except Exception:  # noqa: BLE001 - a run of a task's later seed carries no result file
            continue
        result = json.loads(text)
        check_result(result, bench, f"run {run.info.run_id} {ARTIFACT}")
        found.append(result)
    return found
