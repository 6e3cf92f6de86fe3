"""Optuna trials as Marsad runs: each trial is an ordinary `run_experiment` on the dev split only,
nested under the study's parent MLflow run.

A trial composes the user's overrides plus the sampled values, with `eval_splits=[dev]` and no
`eval_datasets`: nothing a trial scores can come from a test split, so the choice of values
never sees test data. Its run is tagged `marsad.role=trial` (leaderboards skip it) and its
model node `tuning: trial` (its config id is never a finished job's). The same functions run in
this process or in worker processes (`--jobs`): everything they need travels in a `StudySetup`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from marsad.errors import ConfigError
from marsad.tuning.search_space import SearchSpace, hydra_value

log = logging.getLogger("marsad")
# What makes a run a trial: dev only, no other dataset scored, no model or figure logged, never
# skipped (`++`: a user's own tracking config may lack log_figures).
TRIAL_SETTINGS = [
    "eval_splits=[dev]",
    "eval_datasets=[]",
    "tracking.log_model=false",
    "++tracking.log_figures=false",
    "resume=false",
]
TRIAL_MARK = "++model.tuning=trial"  # its config id is never a finished job's (identity.TUNING_KEY)


@dataclass(frozen=True)
class StudySetup:
    """What a process needs to run trials of one study (picklable, for worker processes)."""

    overrides: tuple[str, ...]  # the user's, tracking.uri included
    config_dir: str | None
    study_name: str
    storage: str
    parent_run_id: str
    experiment_id: str  # the MLflow experiment of the parent and its trials
    seed: int  # the model seed of every trial
    primary: str  # the task's primary metric: trials maximise dev_<primary>
    space: SearchSpace
    trials: int  # the study's target, for progress lines


def hydra_session(config_dir: str | None = None):
    """Compose as `marsad-run [--config-dir DIR]` would: the package's configs, the user's first."""
    from marsad.config_compose import compose_session

    return compose_session(config_dir)


def run_session(config_dir: str | None):
    """Where runs go: outside a Hydra session for the package's configs, since inside one every
    run recomposes its model option to name its changes (0.3 s a trial) while outside the
    option is composed once per process; in a session where the user's --config-dir must be
    searched for the model."""
    return hydra_session(config_dir) if config_dir else nullcontext()


def compose(overrides: list[str], return_hydra_config: bool = False):
    from hydra import compose as hydra_compose

    return hydra_compose(
        config_name="config", overrides=list(overrides), return_hydra_config=return_hydra_config
    )


def open_storage(url: str):
    """Optuna's RDB storage; sqlite waits for a lock (workers share the file) instead of failing."""
    import optuna

    engine = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    return optuna.storages.RDBStorage(url, engine_kwargs=engine)


def run_trials(setup: StudySetup, n_trials: int, sampler_seed: int, say: Callable[[str], None]) -> None:
    """Run `n_trials` more trials of the study. The trial config is composed once; each trial
    sets its sampled values on a copy (Hydra's compose costs more than a small model's fit).
    The runs go in `run_session`."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(
        study_name=setup.study_name,
        storage=open_storage(setup.storage),
        sampler=optuna.samplers.TPESampler(seed=sampler_seed),
    )
    with hydra_session(setup.config_dir):
        base = compose([*setup.overrides, *TRIAL_SETTINGS, f"seed={setup.seed}", TRIAL_MARK])
    with run_session(setup.config_dir), quiet_runs():
        study.optimize(
            lambda trial: run_trial(setup, base, trial),
            n_trials=n_trials,
            callbacks=[lambda s, t: say(progress_line(setup, s, t))],
        )


def run_trials_in_worker(setup: StudySetup, n_trials: int, sampler_seed: int) -> None:
    """`run_trials` in a joblib worker process, with its own logging."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    run_trials(setup, n_trials, sampler_seed, say=lambda line: print(line, flush=True))


def run_trial(setup: StudySetup, base, trial) -> float:
    """One trial: sample, run on dev, log the sampled values on its run, return dev_<primary>."""
    from marsad.run import run_experiment
    from marsad.tracking.client import tracking_client

    started = time.perf_counter()
    values = setup.space.suggest(trial)
    trial.set_user_attr("values", values)  # the values as the run used them (floats rounded)
    cfg = with_values(base, values)
    tags = {
        "mlflow.parentRunId": setup.parent_run_id,
        "marsad.role": "trial",
        "marsad.study": setup.study_name,
        "marsad.trial": str(trial.number),
    }
    value = run_experiment(cfg, extra_tags=tags)
    if math.isnan(value):
        raise ConfigError(
            f"dataset '{cfg.dataset.name}' has no dev split for task '{cfg.task.name}': "
            "tuning chooses on dev only; choose a dataset with a dev split"
        )
    client = tracking_client(cfg.tracking.uri)
    found = client.search_runs(
        [setup.experiment_id],
        f"tags.`mlflow.parentRunId` = '{setup.parent_run_id}' and tags.`marsad.trial` = '{trial.number}'",
    )
    from mlflow.entities import Metric, Param

    stamp = int(time.time() * 1000)
    params = [Param(f"tune.{path}", hydra_value(v)) for path, v in values.items()]
    for run in found:
        client.log_batch(run.info.run_id, params=params)
    client.log_batch(
        setup.parent_run_id,
        metrics=[
            Metric(f"trial_dev_{setup.primary}", value, stamp, trial.number),
            Metric("trial_seconds", time.perf_counter() - started, stamp, trial.number),
        ],
    )
    return value


def with_values(cfg, values: dict):
    """A copy of `cfg` with `model.<path>` set to each value (as the overrides would compose)."""
    import copy

    from omegaconf import OmegaConf

    cfg = copy.deepcopy(cfg)
    for path, value in values.items():
        OmegaConf.update(cfg, f"model.{path}", value, merge=False)
    return cfg


def progress_line(setup: StudySetup, study, trial) -> str:
    from optuna.trial import TrialState

    done = sum(t.state == TrialState.COMPLETE for t in study.get_trials(deepcopy=False))
    values = " ".join(
        f"{path.rsplit('.', 1)[-1]}={hydra_value(v)}"
        for path, v in trial.user_attrs.get("values", {}).items()
    )
    score = "failed" if trial.value is None else f"dev {setup.primary} {trial.value:.4f}"
    best = study.best_trial
    return (
        f"trial {trial.number:>3} ({done}/{setup.trials}) · {score} · best {best.value:.4f} "
        f"(trial {best.number}) · {values}"
    )


@contextmanager
def quiet_runs() -> Iterator[None]:
    """Trial runs log their stages at WARNING only: one progress line per trial says enough."""
    logger = logging.getLogger("marsad")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)
