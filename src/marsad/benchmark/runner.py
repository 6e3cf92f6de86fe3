"""`marsad bench run`: score one model on every task of a benchmark.

Each task is an ordinary `marsad-run` job (the task's overrides plus the model's), run in this
process under one parent MLflow run tagged with the benchmark's name and version. A task with a
valid result file is skipped (delete the file to run it again); a model restricted to other
tasks is reported as not serving the task, not as failed; a task that fails is reported, marked
FAILED in MLflow by the run itself, and the other tasks still run.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from marsad.benchmark import results as result_files
from marsad.benchmark.definition import Benchmark, BenchmarkError, BenchmarkTask
from marsad.errors import MarsadError, ModelNotForTask

log = logging.getLogger("marsad")


@dataclass
class TaskOutcome:
    task: str
    status: str  # done | skipped (result file) | not served | failed
    detail: str = ""
    path: Path | None = None


@dataclass
class BenchRun:
    """Where and how to run: the model's overrides, the user's config folder, the stores."""

    model_overrides: list[str]
    results: Path
    tracking_uri: str
    config_dir: str | None = None
    data_root: str | None = None
    seeds: list[int] | None = None
    extra_overrides: list[str] = field(default_factory=list)  # e.g. tracking.log_model=false
    jobs: int = 1  # tasks run at once, each in its own process
    tuned: int = 0  # >0: tune the model on each task's dev split with this many trials first

    @property
    def tuning(self) -> str:
        return f"tuned {self.tuned}" if self.tuned else "default"


def job_overrides(bench: Benchmark, task: BenchmarkTask, how: BenchRun, model: list[str]) -> list[str]:
    """The `marsad-run` overrides of one task's job (before the seed)."""
    tracking = [f"tracking.uri={how.tracking_uri}", f"tracking.experiment={bench.name}"]
    found = [*task.overrides(), *model, *tracking, *how.extra_overrides]
    return [*found, f"data_root={how.data_root}"] if how.data_root else found


def compose_job(overrides: list[str], seed: int):
    """Inside a `compose_session`: the job's config at `seed`."""
    from hydra import compose

    return compose(config_name="config", overrides=[*overrides, f"seed={seed}"])


def run_benchmark(
    bench: Benchmark, how: BenchRun, task_ids: list[str] | None = None,
    say: Callable[[str], None] = print,
) -> list[TaskOutcome]:  # fmt: skip
    from marsad.config_compose import compose_session
    from marsad.tracking.client import check_reachable, experiment_id, tracking_client
    from marsad.tracking.identity import config_id

    tasks = bench.select(task_ids)
    check_reachable(how.tracking_uri)
    seeds = how.seeds or bench.seeds
    with compose_session(how.config_dir):
        first = compose_job(job_overrides(bench, tasks[0], how, how.model_overrides), seeds[0])
    # A tuned model's configuration differs per task; its row is the model's, tuned N times.
    ident = config_id(first) + (f"+tuned{how.tuned}" if how.tuned else "")
    model_name = first.model.name
    if first.model.get("seeded", True) is False:
        seeds = seeds[:1]  # its fit ignores the seed: one run stands for all
    client = tracking_client(how.tracking_uri)
    parent_id = client.create_run(
        experiment_id(client.tracking_uri, bench.name),
        run_name=f"{bench.name} · {model_name}",
        tags={"marsad.role": "benchmark", "marsad.benchmark": bench.name,
              "marsad.benchmark_version": bench.version, "model": model_name, "config_id": ident,
              "marsad.tuning": how.tuning},
    ).info.run_id  # fmt: skip
    say(f"{bench.name} v{bench.version} · {model_name} ({ident}, {how.tuning}) · {len(tasks)} tasks · "
        f"seeds {seeds} · parent run {parent_id}")  # fmt: skip
    start = time.perf_counter()
    outcomes: list[TaskOutcome] = []

    def report(outcome: TaskOutcome) -> None:
        outcomes.append(outcome)
        say(f"[{len(outcomes)}/{len(tasks)}] {outcome.task:<16} {outcome.status}: {outcome.detail} "
            f"· {time.perf_counter() - start:.0f} s elapsed")  # fmt: skip

    pending = []
    for task in tasks:
        done = finished_result(bench, task, how.results, ident)
        if done is not None:
            report(done)
        else:
            pending.append(task)
    try:
        if how.jobs > 1 and len(pending) > 1:
            from joblib import Parallel, delayed

            # Each task in its own worker process (joblib's loky): Marsad schedules nothing.
            work = Parallel(n_jobs=how.jobs, return_as="generator_unordered")(
                delayed(_run_task_in_worker)(bench, task, how, seeds, ident, parent_id) for task in pending
            )
            for outcome in work:
                report(outcome)
        else:
            for task in pending:
                report(_run_task(bench, task, how, seeds, ident, parent_id))
    except BaseException:
        client.set_terminated(parent_id, "KILLED")
        raise
    outcomes.sort(key=lambda o: list(bench.tasks).index(o.task))
    failed = [o for o in outcomes if o.status == "failed"]
    client.set_tag(parent_id, "marsad.tasks", ",".join(f"{o.task}={o.status}" for o in outcomes))
    client.set_terminated(parent_id, "FAILED" if failed else "FINISHED")
    return outcomes


def finished_result(bench: Benchmark, task: BenchmarkTask, results: Path, ident: str) -> TaskOutcome | None:
    """The task's outcome if a valid result file of this model exists (resume), else None."""
    path = result_files.result_path(results, bench, ident, task.id)
    if not path.exists():
        return None
    try:
        result = result_files.load_result(path, bench)
    except BenchmarkError as err:
        log.info("rerun     %s: its result file is not this benchmark's (%s)", task.id, err)
        return None
    return TaskOutcome(task.id, "skipped", f"result file {path} ({task.metric} {result['score']:.3f})", path)


def _run_task_in_worker(*args) -> TaskOutcome:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("marsad").setLevel(logging.INFO)
    return _run_task(*args)


def _run_task(bench: Benchmark, task: BenchmarkTask, how: BenchRun, seeds: list[int], ident: str,
              parent_id: str) -> TaskOutcome:  # fmt: skip
    from marsad.config_compose import compose_session
    from marsad.run import run_experiment

    path = result_files.result_path(how.results, bench, ident, task.id)
    job = uuid.uuid4().hex
    tags = {"mlflow.parentRunId": parent_id, "marsad.benchmark": bench.name,
            "marsad.benchmark_version": bench.version, "marsad.benchmark_task": task.id,
            "marsad.benchmark_job": job}  # fmt: skip
    started = time.perf_counter()
    try:
        model = how.model_overrides
        if how.tuned:
            model, tuned_tags = _tuned_model(bench, task, how, parent_id)
            tags.update(tuned_tags)
        overrides = job_overrides(bench, task, how, model)
        for seed in seeds:
            with compose_session(how.config_dir):
                run_experiment(compose_job(overrides, seed), extra_tags=tags)
    except ModelNotForTask as err:
        return TaskOutcome(task.id, "not served", str(err))
    except MarsadError as err:
        return TaskOutcome(task.id, "failed", f"{type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - e.g. a user's estimator: its run is marked FAILED, others go on
        log.error("task %s failed", task.id, exc_info=True)
        return TaskOutcome(task.id, "failed", f"{type(err).__name__}: {err}")
    seconds = time.perf_counter() - started
    result = collect_result(bench, task, how.tracking_uri, job, seeds, seconds, parent_id, ident)
    try:  # data other than the benchmark's: the runs stay in MLflow, no result file is written
        result_files.check_result(result, bench, f"task {task.id}")
    except BenchmarkError as err:
        return TaskOutcome(task.id, "failed", str(err))
    result_files.write_result(path, result)
    _log_result(how.tracking_uri, result, parent_id)
    low, high = result["ci"]
    return TaskOutcome(task.id, "done", f"{task.metric} {result['score']:.3f} ({low:.3f}–{high:.3f}) "
                       f"in {seconds:.0f} s → {path}", path)  # fmt: skip


def _tuned_model(bench: Benchmark, task: BenchmarkTask, how: BenchRun, parent_id: str) -> tuple[list, dict]:
    """Tune the model on the task's dev split (`marsad.tuning`: trials never read test) and
    return its best overrides and the tags that say so; the study nests under the benchmark's
    parent run and resumes with the benchmark."""
    from marsad.tuning import tune

    found = tune(
        job_overrides(bench, task, how, how.model_overrides), how.tuned, how.tracking_uri,
        config_dir=how.config_dir, refit=False, say=lambda line: log.info("tune      %s", line),
        study_name=f"{bench.name}/{task.id}/{'/'.join(how.model_overrides)}",
    )  # fmt: skip
    from marsad.tracking.client import tracking_client

    tracking_client(how.tracking_uri).set_tag(found.parent_run_id, "mlflow.parentRunId", parent_id)
    return [*how.model_overrides, *found.best_overrides], dict(found.tags)


def collect_result(bench: Benchmark, task: BenchmarkTask, tracking_uri: str, job: str, seeds: list[int],
                   seconds: float, parent_id: str, ident: str) -> dict:  # fmt: skip
    """The result document of a finished task, from its runs in MLflow (tags, metrics and the
    predictions artifact): what the board needs, read the way the leaderboard reads runs."""
    from marsad.leaderboard.predictions import run_examples
    from marsad.leaderboard.runs import RunRecord
    from marsad.leaderboard.table import label_set
    from marsad.tracking.client import tracking_client

    client = tracking_client(tracking_uri)
    found = client.search_runs(
        [client.get_experiment_by_name(bench.name).experiment_id],
        f"tags.`marsad.benchmark_job` = '{job}' and attributes.status = 'FINISHED'",
    )
    if not found:
        raise BenchmarkError(f"task {task.id}: its runs are not in {tracking_uri}")
    records = [
        RunRecord(r.info.run_id, r.info.experiment_id, r.data.tags, r.data.metrics, r.info.artifact_uri,
                  r.info.start_time, r.info.run_name, client.tracking_uri)
        for r in found
    ]  # fmt: skip
    tags = records[0].tags
    splits = {}
    for split in _scored_splits(tags):
        labels = label_set(records[0], split).split(",")
        examples = [run_examples(r, split, labels) for r in records]
        splits[split] = result_files.score_split(examples, task.metric, bench)
    if task.scored_split not in splits:
        raise BenchmarkError(f"task {task.id}: the run scored {sorted(splits)}, not {task.scored_split}")
    fit = [r.metrics.get("fit_seconds", 0.0) for r in records]
    return result_files.build_result(
        bench, task,
        model={"name": tags["model"], "config_id": ident, "run_config_id": tags["config_id"],
               "changes": "" if tags.get("marsad.tuned") else tags.get("model_changes", ""),
               "tuning": f"tuned {tags['marsad.tuned']}" if tags.get("marsad.tuned") else "default",
               **({"tuned_params": tags["marsad.tuned_params"]} if "marsad.tuned_params" in tags else {})},
        seeds=sorted(int(r.tags["seed"]) for r in records),
        fingerprints=observed_fingerprints(task, tags),
        splits=splits,
        runtime={"fit_seconds": round(sum(fit) / len(fit), 3), "total_seconds": round(seconds, 3),
                 "model_size_bytes": records[0].metrics.get("model_size_bytes", 0.0)},
        versions={k.removeprefix("version."): v for k, v in tags.items() if k.startswith("version.")},
        git_commit=tags.get("git_commit", ""),
        mlflow={"tracking_uri": tracking_uri, "experiment": bench.name, "parent_run_id": parent_id,
                "run_ids": [r.run_id for r in records]},
    )  # fmt: skip


def _scored_splits(tags: dict[str, str]) -> list[str]:
    """Every split the run scored, from its fingerprint tags: dev, test, <eval>.dev, <eval>.test."""
    found = []
    for key in tags:
        name = key.removeprefix("data_fingerprint.")
        if key.startswith("data_fingerprint.") and not name.endswith("train"):
            found.append(name)
    return sorted(found)


def observed_fingerprints(task: BenchmarkTask, tags: dict[str, str]) -> dict[str, str]:
    """`<dataset>.<split>` -> fingerprint of the data the run used, from its tags."""
    home = task.train.dataset
    found = {}
    for key in task.data_keys:
        dataset, _, split = key.rpartition(".")
        if dataset == home:
            value = tags.get(f"data_fingerprint.{home}.{split}") or tags.get(f"data_fingerprint.{split}")
        else:
            value = tags.get(f"data_fingerprint.{key}")
        found[key] = value or ""
    return found


def _log_result(tracking_uri: str, result: dict, parent_id: str) -> None:
    import json

    from marsad.tracking.client import tracking_client

    client = tracking_client(tracking_uri)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    for run_id in result["mlflow"]["run_ids"][:1]:
        client.log_text(run_id, text, result_files.ARTIFACT)
    client.log_text(parent_id, text, f"results/{result['task']['id']}.json")
