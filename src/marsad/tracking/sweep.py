"""Group the jobs of a `--multirun` sweep: one sweep id and one parent MLflow run.

The Hydra callback runs in the process that launches the sweep. It first composes every job's
config and checks it (so one bad combination stops the sweep before any run exists), then
creates the parent run and writes `sweep.json` into the sweep folder. Jobs, in this process or
in launcher workers on the same file system, read that file to tag and nest their runs.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

log = logging.getLogger(__name__)
SWEEP_FILE = "sweep.json"


def job_overrides(config: DictConfig) -> list[list[str]]:
    """The override list of every job of the sweep, expanded as Hydra's basic sweeper does."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    # Like the basic sweeper: `hydra.sweeper.params` from the config, then the command line.
    swept = [f"{key}={value}" for key, value in (config.hydra.sweeper.get("params") or {}).items()]
    parsed = OverridesParser.create().parse_overrides(swept + list(config.hydra.overrides.task))
    batches = BasicSweeper.split_arguments(parsed, None)
    return [list(job) for batch in batches for job in batch]


def check_all_jobs(config: DictConfig) -> int:
    """Compose and check every job; the first impossible one ends the sweep.

    Hydra turns exceptions raised in callbacks into warnings, so the refusal is a SystemExit
    with the error printed: no job has started and no run exists yet. Jobs pairing a model
    with a task it is not for (models × tasks grids) are skipped, not refused. Returns the
    number of jobs that will create a run.
    """
    from hydra import compose

    from marsad.config_check import build_experiment
    from marsad.errors import ConfigError, ModelNotForTask

    jobs = job_overrides(config)
    skipped = 0
    for overrides in jobs:
        try:
            build_experiment(compose(config_name=config.hydra.job.config_name, overrides=overrides))
        except ModelNotForTask:
            skipped += 1
        except ConfigError as err:
            log.error("sweep refused, job %s: %s", " ".join(overrides), err)
            raise SystemExit(f"marsad-run: sweep refused before any run was created: {err}") from err
    if skipped:
        log.info("sweep: %d of %d jobs pair a model with a task it is not for: skipped", skipped, len(jobs))
    return len(jobs) - skipped


def read_sweep(sweep_dir: str | Path) -> dict[str, Any] | None:
    path = Path(sweep_dir) / SWEEP_FILE
    return json.loads(path.read_text()) if path.exists() else None


class MlflowSweepCallback(Callback):
    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        from marsad.tracking.client import experiment_id, tracking_client

        n_jobs = check_all_jobs(config)
        sweep_id = uuid.uuid4().hex[:12]
        client = tracking_client(config.tracking.uri)
        parent = client.create_run(
            experiment_id(client.tracking_uri, config.tracking.experiment),
            run_name=f"sweep-{sweep_id}",
            tags={"marsad.sweep_id": sweep_id, "marsad.role": "sweep", "marsad.jobs": str(n_jobs)},
        )
        sweep_dir = Path(config.hydra.sweep.dir)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        (sweep_dir / SWEEP_FILE).write_text(
            json.dumps({"sweep_id": sweep_id, "parent_run_id": parent.info.run_id, "jobs": n_jobs})
        )
        self.parent_run_id = parent.info.run_id
        self.client = client
        log.info("sweep %s: %d jobs checked, parent run %s", sweep_id, n_jobs, parent.info.run_id)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        if getattr(self, "parent_run_id", None):
            self.client.set_terminated(self.parent_run_id, status="FINISHED")
