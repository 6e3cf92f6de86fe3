"""The MLflow run around one experiment: created late, marked FAILED with its traceback early.

A per-process cache (`tracking.client.experiment_id`) keeps the one-off costs (opening or
creating the store, looking up the experiment) off the per-run path of a sweep.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from marsad.tracking.client import experiment_id, store_errors, tracking_client
from marsad.tracking.heartbeat import DEFAULT_INTERVAL_SECONDS, Heartbeat, owner_tags
from marsad.tracking.sweep import PARENT_ENV, SWEEP_ENV, read_sweep

log = logging.getLogger(__name__)


def current_sweep() -> dict | None:
    """The sweep this job belongs to, if it runs inside `--multirun`: from the job's environment
    (set by the launching process through `hydra.job.env_set`, so it reaches jobs on any machine),
    else from `sweep.json` in the sweep folder (a shared file system)."""
    if not HydraConfig.initialized():
        return None
    hydra_cfg = HydraConfig.get()
    if str(hydra_cfg.mode) != "RunMode.MULTIRUN":
        return None
    if os.environ.get(PARENT_ENV) and os.environ.get(SWEEP_ENV):
        return {"sweep_id": os.environ[SWEEP_ENV], "parent_run_id": os.environ[PARENT_ENV]}
    return read_sweep(hydra_cfg.sweep.dir)


def _mark_ended(client, run_id: str, err: BaseException, trace: str) -> None:
    """Record why the run ended, then end it: KILLED on Ctrl-C or a launcher's cancel, else FAILED."""
    import mlflow

    status = "KILLED" if isinstance(err, KeyboardInterrupt) else "FAILED"
    try:
        client.set_tag(run_id, "error", f"{type(err).__name__}: {err}"[:5000])
        client.log_text(run_id, trace, "error.txt")
    finally:
        active = mlflow.active_run()
        with store_errors(client.tracking_uri):
            if active is not None and active.info.run_id == run_id:
                mlflow.end_run(status=status)  # pops the fluent run first, even if the store is away
            else:  # the fluent run never started
                client.set_terminated(run_id, status=status)


@contextmanager
def tracked_run(cfg: DictConfig, run_name: str, tags: dict[str, str]) -> Iterator[str]:
    """Start a run (nested under the sweep's parent run, if any) and yield its id.

    An exception inside the block marks the run FAILED, records the traceback as
    `error.txt` and an `error` tag, and propagates; whatever was logged before stays. If marking
    it fails too (the store went away), that is logged and the run's own error still propagates.
    While the block runs, a heartbeat thread keeps `marsad.heartbeat` fresh for reconcile.
    """
    import mlflow

    client = tracking_client(cfg.tracking.uri)
    tags = {**tags, **owner_tags()}
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
    interval = float(cfg.tracking.get("heartbeat_seconds", DEFAULT_INTERVAL_SECONDS))
    heartbeat = Heartbeat(client, run_id, interval).start()
    # The fluent API (log_model) writes to the global URI: point it at this run's store each time.
    mlflow.set_tracking_uri(client.tracking_uri)
    try:
        with store_errors(client.tracking_uri):
            mlflow.start_run(run_id=run_id)
            yield run_id
    except BaseException as err:
        heartbeat.stop()
        log.error("run %s FAILED: %s", run_id, err)
        try:
            _mark_ended(client, run_id, err, traceback.format_exc())
        except Exception as secondary:  # noqa: BLE001 - the run's own error wins
            # A store that went away is said in one line (reconcile closes the run later);
            # anything else is unexpected and logged in full.
            from marsad.errors import TrackingError

            full = None if isinstance(secondary, TrackingError) else secondary
            log.error("run %s could not be marked ended: %s", run_id, secondary, exc_info=full)
        raise
    else:
        heartbeat.stop()
        with store_errors(client.tracking_uri):
            mlflow.end_run(status="FINISHED")
