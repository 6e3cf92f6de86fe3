"""Each job of a sweep as one Ray task: Ray places it on a local instance or on an existing
cluster (conf/hydra/launcher/ray.yaml: `hydra.launcher.ray.init` goes to `ray.init`,
`hydra.launcher.ray.remote` to `ray.remote`); Marsad schedules nothing.

Hydra's own `hydra-ray-launcher` (1.2.2) cannot be installed next to joblib 1.6: it requires
cloudpickle<3 (README). This one keeps its config layout and its way of running a job (Hydra's
`run_job` in the worker, so `hydra.job.env_set` and the callbacks reach the job), and differs
where a sweep needs it: it waits for every job, so a job whose worker dies (`kill -9`, a lost
node) is one FAILED job while the others run to their end, where 1.2.2's in-order `ray.get`
ends the driver, and with it the jobs still running, at the first lost worker.

Hydra's plugin scan imports this module at every start: Ray is imported only at launch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn, JobStatus
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict

log = logging.getLogger(__name__)


def _run_job(
    hydra_context: HydraContext, sweep_config: DictConfig, task_function: TaskFunction, singleton_state: dict
) -> JobReturn:
    """One job, in a Ray worker: Hydra's state as the launching process had it, then `run_job`."""
    import ray
    from hydra.core.hydra_config import HydraConfig
    from hydra.core.singleton import Singleton
    from hydra.core.utils import run_job, setup_globals

    setup_globals()
    Singleton.set_state(singleton_state)
    with open_dict(sweep_config):
        sweep_config.hydra.job.id = ray.get_runtime_context().get_task_id()
    HydraConfig.instance().set_config(sweep_config)
    return run_job(
        hydra_context=hydra_context,
        task_function=task_function,
        config=sweep_config,
        job_dir_key="hydra.sweep.dir",
        job_subdir_key="hydra.sweep.subdir",
    )


def _options(node: DictConfig) -> dict[str, Any]:
    """A config node as keyword arguments, unset (null) entries left to Ray's defaults: a null
    `num_cpus` must not reach `ray.init` when it joins a running cluster."""
    return {
        key: value for key, value in OmegaConf.to_container(node, resolve=True).items() if value is not None
    }


class RayLauncher(Launcher):
    def __init__(self, ray: DictConfig) -> None:
        self.ray_cfg = ray
        self.config: DictConfig | None = None
        self.hydra_context: HydraContext | None = None
        self.task_function: TaskFunction | None = None

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        self.config, self.hydra_context, self.task_function = config, hydra_context, task_function

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        from hydra.core.singleton import Singleton
        from hydra.core.utils import configure_log, filter_overrides, setup_globals

        ray = _import_ray()
        setup_globals()
        assert self.config is not None and self.hydra_context is not None and self.task_function is not None
        configure_log(self.config.hydra.hydra_logging, self.config.hydra.verbose)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        sweep_dir.mkdir(parents=True, exist_ok=True)
        if not ray.is_initialized():
            ray.init(**_options(self.ray_cfg.init))
        remote = _options(self.ray_cfg.remote)
        job = ray.remote(**remote)(_run_job) if remote else ray.remote(_run_job)
        log.info("Ray launcher: %d jobs (%s), sweep folder %s", len(job_overrides), remote, sweep_dir)

        launched, state = [], Singleton.get_state()
        for idx, overrides in enumerate(job_overrides, start=initial_job_idx):
            log.info("\t#%d : %s", idx, " ".join(filter_overrides(overrides)))
            sweep_config = self.hydra_context.config_loader.load_sweep_config(self.config, list(overrides))
            with open_dict(sweep_config):
                sweep_config.hydra.job.num = idx
            ref = job.remote(self.hydra_context, sweep_config, self.task_function, state)
            launched.append((idx, list(overrides), ref))
        return [_result(ray, idx, overrides, ref) for idx, overrides, ref in launched]


def _result(ray, idx: int, overrides: list[str], ref) -> JobReturn:
    """The job's JobReturn; a job Ray could not finish (its worker died) is a FAILED one, which
    Hydra's sweeper raises once every job has been waited for."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as err:
        log.error(
            "job #%d (%s) did not finish on Ray: %s", idx, " ".join(overrides), str(err).splitlines()[0]
        )
        return JobReturn(overrides=overrides, status=JobStatus.FAILED, _return_value=err)


def _import_ray():
    """Ray, or the one-line error naming the extra to install (Hydra prints it without a traceback)."""
    try:
        import ray
    except ModuleNotFoundError as err:
        from marsad.extras import missing_extra
        from marsad.run import ReportedError

        missing = missing_extra(err, "hydra/launcher=ray")
        if missing is None:
            raise
        raise ReportedError(f"marsad-run: {type(missing).__name__}: {missing}") from err
    return ray
