"""The MLflow run around one experiment: created late, marked FAILED with its traceback early.

A per-process cache (`tracking.client.experiment_id`) keeps the one-off costs (opening or
creating the store, looking up the experiment) off the per-run path of a sweep.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from marsad.tracking.client import experiment_id, tracking_client
from marsad.tracking.sweep import read_sweep

log = logging.getLogger(__name__)


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

    client = tracking_client(cfg.tracking.uri)
    sweep = current_sweep()
    if sweep:
        tags = {
            **tags,
            "marsad.sweep_id": sweep["sweep_id"],
            "mlflow.parentRunId": sweep["parent_run_id"],
        }
    run = client.create_run(
        experiment_id(client.tracking_uri, cfg.tracking.experiment), run_name=run_name, tags=tags
    )
    run_id = run.info.run_id
    # The fluent API (log_model) writes to the global URI: point it at this run's store each time.
    mlflow.set_tracking_uri(client.tracking_uri)
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
