"""The MLflow run around one experiment: created late, marked FAILED with its traceback early.

Per-process caches keep the one-off costs (importing mlflow, opening or creating the sqlite
store, looking up the experiment) off the per-run path of a sweep.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from marsad.tracking.sweep import read_sweep

log = logging.getLogger(__name__)


@cache
def client_for(uri: str, experiment: str):
    import mlflow
    from mlflow.tracking import MlflowClient

    mlflow.set_tracking_uri(uri)
    exp = mlflow.set_experiment(experiment)
    return MlflowClient(uri), exp.experiment_id


def current_sweep() -> dict | None:
    """The sweep this job belongs to, if it runs inside `--multirun`."""
    if not HydraConfig.initialized():
        return None
    hydra_cfg = HydraConfig.get()
    if str(hydra_cfg.mode) != "RunMode.MULTIRUN":
        return None
    return read_sweep(hydra_cfg.sweep.dir)


@contextmanager
def tracked_run(cfg: DictConfig, run_name: str, tags: dict[str, str]) -> Iterator[str]:
    """Start a run (nested under the sweep's parent run, if any) and yield its id.

    An exception inside the block marks the run FAILED, records the traceback as
    `error.txt` and an `error` tag, and propagates; whatever was logged before stays.
    """
    import mlflow

    client, experiment_id = client_for(cfg.tracking.uri, cfg.tracking.experiment)
    sweep = current_sweep()
    if sweep:
        tags = {
            **tags,
            "marsad.sweep_id": sweep["sweep_id"],
            "mlflow.parentRunId": sweep["parent_run_id"],
        }
    run = client.create_run(experiment_id, run_name=run_name, tags=tags)
    run_id = run.info.run_id
    mlflow.start_run(run_id=run_id)
    try:
        yield run_id
    except BaseException as err:
        trace = traceback.format_exc()
        try:
            client.set_tag(run_id, "error", f"{type(err).__name__}: {err}"[:5000])
            mlflow.log_text(trace, "error.txt")
        finally:
            mlflow.end_run(status="FAILED")
        log.error("run %s FAILED: %s", run_id, err)
        raise
    else:
        mlflow.end_run(status="FINISHED")
