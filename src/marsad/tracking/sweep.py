"""Group the jobs of a `--multirun` sweep: one sweep id and one parent MLflow run.

The Hydra callback runs in the process that launches the sweep. It first composes every job's
config and checks it (so one bad combination stops the sweep before any run exists), checks the
tracking store answers, creates the database and experiment once (parallel workers then never
race to create them), then creates the parent run. Jobs learn the parent two ways: from their
environment (`hydra.job.env_set`, carried in each job's config by every launcher, to any
machine) and from `sweep.json` in the sweep folder (a shared file system).

Closing the parent: Hydra calls `on_multirun_end` only when every job succeeded; when one
raises (basic, joblib and submitit launchers return it as a FAILED JobReturn, the sweeper
re-raises it; a killed joblib worker or submitit job raises from the launcher) the end hook
never runs. So the callback also closes the parent at interpreter exit: FAILED, tagged with the
number of jobs that have no finished run under it. A launching process killed outright leaves
it RUNNING: `marsad runs reconcile` finds it by its pid or heartbeat.

With `resume=true` a sweep with the same jobs as an earlier one continues that sweep (same
parent and sweep id), so `--sweep latest` shows the finished jobs and the newly run ones.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import time
import uuid
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, open_dict

log = logging.getLogger(__name__)
SWEEP_FILE = "sweep.json"
SWEEP_ENV, PARENT_ENV = "MARSAD_SWEEP_ID", "MARSAD_PARENT_RUN_ID"
SEED_FREE_SKIP_ENV = "MARSAD_SEED_FREE_SKIP"  # job numbers that repeat a seed-free job at another seed
JOB_KEY_TAGS = ("task", "dataset", "config_id", "seed", "cv_fold")


def job_overrides(config: DictConfig) -> list[list[str]]:
    """The override list of every job of the sweep, expanded as Hydra's basic sweeper does."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    # Like the basic sweeper: `hydra.sweeper.params` from the config, then the command line.
    swept = [f"{key}={value}" for key, value in (config.hydra.sweeper.get("params") or {}).items()]
    parsed = OverridesParser.create().parse_overrides(swept + list(config.hydra.overrides.task))
    batches = BasicSweeper.split_arguments(parsed, None)
    return [list(job) for batch in batches for job in batch]


def check_all_jobs(config: DictConfig) -> tuple[int, list[int]]:
    """Compose and check every job; the first impossible one ends the sweep.

    Hydra turns exceptions raised in callbacks into warnings, so the refusal is a SystemExit
    with the error printed: no job has started and no run exists yet. Jobs pairing a model
    with a task it is not for (models × tasks grids) are skipped, not refused; so are the
    repeats, at other seeds, of a model whose fit ignores the seed (`seeded: false`): its job at
    the sweep's first seed runs. Returns the number of jobs that will create a run and the job
    numbers of those repeats.
    """
    from hydra import compose

    from marsad.config_check import build_experiment
    from marsad.errors import ConfigError, ModelNotForTask

    jobs = job_overrides(config)
    not_for_task, repeats, seed_free = 0, [], set()
    for number, overrides in enumerate(jobs):
        try:
            cfg = compose(config_name=config.hydra.job.config_name, overrides=overrides)
            build_experiment(cfg)
        except ModelNotForTask:
            not_for_task += 1
            continue
        except ConfigError as err:
            log.error("sweep refused, job %s: %s", " ".join(overrides), err)
            raise SystemExit(f"marsad-run: sweep refused before any run was created: {err}") from err
        if cfg.model.get("seeded", True) is False:
            without_seed = tuple(sorted(o for o in overrides if not o.lstrip("+~").startswith("seed=")))
            if without_seed in seed_free:
                repeats.append(number)
            seed_free.add(without_seed)
    if not_for_task:
        log.info(
            "sweep: %d of %d jobs pair a model with a task it is not for: skipped", not_for_task, len(jobs)
        )
    if repeats:
        log.info(
            "sweep: %d of %d jobs repeat a seed-free model at another seed: skipped", len(repeats), len(jobs)
        )
    return len(jobs) - not_for_task - len(repeats), repeats


def read_sweep(sweep_dir: str | Path) -> dict[str, Any] | None:
    path = Path(sweep_dir) / SWEEP_FILE
    return json.loads(path.read_text()) if path.exists() else None


def sweep_signature(config: DictConfig) -> str:
    """What makes two launches the same sweep: the suite, the experiment and every job's
    overrides (`resume=` left out, so resuming is the same sweep)."""
    jobs = sorted(
        sorted(o for o in overrides if not o.lstrip("+~").startswith("resume="))
        for overrides in job_overrides(config)
    )
    text = json.dumps([config.hydra.job.config_name, config.tracking.experiment, jobs])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def unfinished_jobs(client, experiment: str, parent_run_id: str, n_jobs: int) -> int:
    """Jobs of the sweep without a FINISHED run under the parent (a job's runs share its tags)."""
    runs = client.search_runs(
        [experiment], filter_string=f"tags.`mlflow.parentRunId` = '{parent_run_id}'", max_results=50000
    )
    finished = {
        tuple(r.data.tags.get(tag, "") for tag in JOB_KEY_TAGS) for r in runs if r.info.status == "FINISHED"
    }
    return max(n_jobs - len(finished), 0)


def _previous_sweep(client, experiment: str, signature: str):
    """The latest earlier launch of this sweep that is not still running somewhere, or None."""
    from marsad.tracking.reconcile import is_gone

    found = client.search_runs(
        [experiment],
        filter_string=f"tags.`marsad.sweep_signature` = '{signature}'",
        order_by=["attributes.start_time DESC"],
        max_results=1,
    )
    if not found:
        return None
    run = found[0]
    if run.info.status == "RUNNING" and not is_gone(run):
        log.warning("sweep %s is still running (run %s): starting a new one", signature, run.info.run_id)
        return None
    return run


class MlflowSweepCallback(Callback):
    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from marsad.errors import TrackingError
        from marsad.tracking.client import check_reachable, experiment_id, resolve_uri, tracking_client
        from marsad.tracking.heartbeat import DEFAULT_INTERVAL_SECONDS, Heartbeat, owner_tags

        uri = resolve_uri(config.tracking.uri)
        try:  # Hydra turns a callback's exception into a warning: exit to stop the sweep
            check_reachable(uri)  # first: a dead store fails in seconds, before composing all jobs
        except TrackingError as err:
            raise SystemExit(f"marsad-run: {type(err).__name__}: {err}") from err
        n_jobs, repeats = check_all_jobs(config)
        try:
            client = tracking_client(uri)
            experiment = experiment_id(uri, config.tracking.experiment)
            signature = sweep_signature(config)
            previous = _previous_sweep(client, experiment, signature) if config.get("resume") else None
            now = {**owner_tags(), "marsad.jobs": str(n_jobs), "marsad.launched_at": str(int(time.time()))}
            if previous is not None:
                parent_run_id = previous.info.run_id
                sweep_id = previous.data.tags["marsad.sweep_id"]
                client.update_run(parent_run_id, status="RUNNING")
                for key, value in now.items():
                    client.set_tag(parent_run_id, key, value)
                log.info("sweep %s: resumed (parent run %s)", sweep_id, parent_run_id)
            else:
                sweep_id = uuid.uuid4().hex[:12]
                parent_run_id = client.create_run(
                    experiment,
                    run_name=f"sweep-{sweep_id}",
                    tags={
                        "marsad.sweep_id": sweep_id, "marsad.role": "sweep",
                        "marsad.sweep_signature": signature, **now,
                    },
                ).info.run_id  # fmt: skip
        except TrackingError as err:
            raise SystemExit(f"marsad-run: {type(err).__name__}: {err}") from err
        sweep_dir = Path(config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        (sweep_dir / SWEEP_FILE).write_text(
            json.dumps(
                {"sweep_id": sweep_id, "parent_run_id": parent_run_id, "jobs": n_jobs, "started": time.time()}
            )
        )
        # Every launcher composes each job from these overrides: the ids reach jobs anywhere.
        with open_dict(config):
            config.hydra.overrides.hydra.extend(
                [
                    f"++hydra.job.env_set.{SWEEP_ENV}={sweep_id}",
                    f"++hydra.job.env_set.{PARENT_ENV}={parent_run_id}",
                    f"++hydra.job.env_set.{SEED_FREE_SKIP_ENV}='{','.join(map(str, repeats))}'",
                ]
            )
        self.uri, self.experiment, self.parent_run_id, self.n_jobs = uri, experiment, parent_run_id, n_jobs
        interval = float(config.tracking.get("heartbeat_seconds", DEFAULT_INTERVAL_SECONDS))
        self.heartbeat = Heartbeat(client, parent_run_id, interval).start()
        atexit.register(self._close, failed_sweep=True)
        log.info("sweep %s: %d jobs checked, parent run %s", sweep_id, n_jobs, parent_run_id)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self._close(failed_sweep=False)

    def __getstate__(self) -> dict[str, Any]:
        """The joblib launcher pickles Hydra's context (callbacks included) to its workers: the
        heartbeat thread belongs to the launching process only."""
        return {key: value for key, value in self.__dict__.items() if key != "heartbeat"}

    def _close(self, failed_sweep: bool) -> None:
        """End the parent run once: FINISHED when Hydra reached the end hook, else FAILED with
        `marsad.failed_jobs`. Runs again at exit as a no-op."""
        from marsad.errors import TrackingError
        from marsad.tracking.client import tracking_client

        if getattr(self, "parent_run_id", None) is None:
            return
        parent_run_id, self.parent_run_id = self.parent_run_id, None
        self.heartbeat.stop()
        client = tracking_client(self.uri)
        try:
            failed = 0
            if failed_sweep:
                failed = unfinished_jobs(client, self.experiment, parent_run_id, self.n_jobs)
            client.set_tag(parent_run_id, "marsad.failed_jobs", str(failed))
            client.set_terminated(parent_run_id, status="FAILED" if failed_sweep else "FINISHED")
        except TrackingError as err:  # at exit: reconcile can close it later
            log.error("sweep parent run %s not closed: %s", parent_run_id, err)
            return
        if failed_sweep:
            log.error("sweep parent run %s FAILED: %d of %d jobs have no finished run", parent_run_id,
                      failed, self.n_jobs)  # fmt: skip
