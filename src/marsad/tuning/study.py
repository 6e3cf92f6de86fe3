"""`tune`: an Optuna study over a model's search space, chosen on dev, then one refit scored on
dev and test.

One study per (model config id, task, training data), kept in Optuna's RDB storage (`optuna.db`
beside a sqlite tracking store, else `storage=`), with one MLflow parent run holding its trials.
Asking again with more trials adds only the missing ones to the same study and parent; the
count is of COMPLETE trials, so a failed or killed trial is simply made up for. The sampler is
TPE, seeded by the call's seed and the number of trials already in the study (a resumed study
does not replay the draws it made before). A new study's first trial is the model's configured
values where they lie in the search space, so tuning never ends below the default on dev.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from marsad.errors import ConfigError
from marsad.extras import missing_extra
from marsad.tuning.refit import refit_best
from marsad.tuning.search_space import SearchSpace, model_file, parse_search
from marsad.tuning.search_space import overrides as value_overrides
from marsad.tuning.storage import complete, open_study, parent_run, storage_beside
from marsad.tuning.trials import StudySetup, compose, hydra_session, run_trials, with_values

log = logging.getLogger("marsad")
REFIT_MARK = "++model.tuning=tuned"


@dataclass
class TuneResult:
    """What a study found. `best_overrides` compose the tuned model on any task job (the
    benchmark's `--tuned` mode); `tags` are what a run of it carries (the board's tuning column)."""

    study_name: str
    best_overrides: list[str]
    best_values: dict
    best_value: float  # dev <primary metric> of the best trial
    n_trials: int  # COMPLETE trials in the study
    new_trials: int  # run by this call
    parent_run_id: str
    tags: dict[str, str] = field(default_factory=dict)
    refit_scores: dict[int, float] = field(default_factory=dict)  # seed -> dev <primary> of the refit


def tune(
    overrides: Sequence[str],
    trials: int,
    tracking_uri: str | None = None,
    *,
    seeds: Sequence[int] = (0,),
    jobs: int = 1,
    storage: str | None = None,
    study_name: str | None = None,
    config_dir: str | None = None,
    sampler_seed: int = 0,
    refit: bool = True,
    say: Callable[[str], None] = print,
) -> TuneResult:
    """Tune the model of `overrides` (marsad-run overrides: model, task, dataset, ...) on dev
    until the study has `trials` finished trials, then (with `refit`) fit the best
    configuration at each of `seeds` and score it on dev and test. Bad input raises ConfigError
    before any run exists."""
    from marsad.config_check import build_experiment
    from marsad.tracking.client import check_reachable, experiment_id, resolve_uri, tracking_client
    from marsad.tracking.identity import config_id

    if jobs < 1:
        raise ConfigError(f"--jobs {jobs}: give 1 or more worker processes")
    try:
        import optuna  # noqa: F401 - the `tune` extra
    except ModuleNotFoundError as err:
        raise missing_extra(err, "marsad tune") or err from err
    with hydra_session(config_dir):
        user = [*overrides, *([f"tracking.uri={tracking_uri}"] if tracking_uri else [])]
        base = compose(user)
        uri = resolve_uri(base.tracking.uri)
        user.append(f"tracking.uri={uri}")
        where = model_file(model_option(user), config_dir)
        if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
            raise ConfigError(
                f"{where}: trials={trials}: a study of model '{base.model.name}' needs at "
                "least 1 trial (trials=N: the finished trials it should have)"
            )
        space = checked_space(base, where)
        experiment = build_experiment(base)  # the task/dataset/model: ConfigError before any run
    trained_on = "+".join([experiment.dataset.name, *(d.name for d in experiment.train_with)])
    name = study_name or f"{config_id(base)}/{base.task.name}/{trained_on}"
    storage = storage or storage_beside(uri)
    check_reachable(uri)
    study = open_study(storage, name, space)
    client = tracking_client(uri)
    experiment_ = experiment_id(uri, base.tracking.experiment)
    parent = parent_run(client, experiment_, study, base, name, trained_on, space, trials)
    seeds = list(seeds)[:1] if base.model.get("seeded", True) is False else list(seeds)
    setup = StudySetup(
        tuple(user),
        config_dir,
        name,
        storage,
        parent,
        experiment_,
        seeds[0],
        experiment.task.primary_metric,
        space,
        trials,
    )
    try:
        new = run_missing(study, setup, base, trials, jobs, sampler_seed, say)
        result = finish(client, study, setup, new)
        if refit:
            result.refit_scores = refit_best(
                client, experiment_, setup, result.best_overrides, result.tags, result.best_value, seeds, say
            )
    except BaseException as err:
        client.set_terminated(parent, "KILLED" if isinstance(err, KeyboardInterrupt) else "FAILED")
        raise
    client.set_terminated(parent, "FINISHED")
    return result


def checked_space(base, where: str) -> SearchSpace:
    """The model's search space (`where`: its file), each bound and choice of it built once into
    the estimator, so a value the model refuses fails here, naming the key, not at some trial."""
    from marsad.config_check import build_experiment

    space = parse_search(base.model, where)
    if not space:
        raise ConfigError(
            f"{where}: model '{base.model.name}' has no `search:` block; add one, e.g. "
            "search: {estimator.classifier.C: {type: float, low: 0.01, high: 10, log: true}}"
        )
    for param in space.params:
        candidates = param.choices if param.kind == "categorical" else (param.low, param.high)
        for value in candidates:
            try:
                build_experiment(with_values(base, {param.path: value}))
            except Exception as err:  # noqa: BLE001 - any refusal of the value is the user's to fix
                detail = str(err).splitlines()[0] if str(err) else type(err).__name__
                raise ConfigError(
                    f"{where}: search.{param.path}: the model refuses {value!r}: {detail}"
                ) from err
    return space


def model_option(user: list[str]) -> str:
    """The model option (file name) the overrides choose, as Hydra resolves the defaults list."""
    return str(compose(user, return_hydra_config=True).hydra.runtime.choices.model)


def run_missing(
    study, setup: StudySetup, base, trials: int, jobs: int, sampler_seed: int, say: Callable[[str], None]
) -> int:
    """Run the trials the study lacks to reach `trials` COMPLETE ones; returns how many ran."""
    before = len(complete(study))
    missing = trials - before
    say(
        f"study {setup.study_name} · {before} trials done, {max(missing, 0)} to run · "
        f"parent run {setup.parent_run_id}"
    )
    for param in setup.space.params:
        say(f"  {param.path}: {param.describe()}")
    if missing <= 0:
        return 0
    if not study.trials:
        defaults = setup.space.defaults(base.model)
        if defaults is not None:  # the configured values first: the study starts at the default
            study.enqueue_trial(defaults)
    drawn = len(study.trials)
    if jobs == 1:
        run_trials(setup, missing, _sampler_seed(sampler_seed, drawn, 0), say)
    else:
        from joblib import Parallel, delayed

        from marsad.tuning.trials import run_trials_in_worker

        shares = [missing // jobs + (i < missing % jobs) for i in range(jobs)]
        Parallel(n_jobs=jobs)(
            delayed(run_trials_in_worker)(setup, n, _sampler_seed(sampler_seed, drawn, i))
            for i, n in enumerate(shares)
            if n
        )
    return len(complete(study)) - before


def _sampler_seed(seed: int, drawn: int, worker: int) -> int:
    """TPE's seed: the call's, moved on by the trials already drawn and by the worker."""
    return zlib.crc32(f"{seed}:{drawn}:{worker}".encode())


def finish(client, study, setup: StudySetup, new: int) -> TuneResult:
    """The best trial as a TuneResult; its figures on the parent run."""
    best = study.best_trial
    n = len(complete(study))
    values = best.user_attrs["values"]
    tags = {"marsad.tuned": str(n), "marsad.tuned_params": json.dumps(values, sort_keys=True)}
    for key, value in {**tags, "marsad.best_trial": str(best.number)}.items():
        client.set_tag(setup.parent_run_id, key, value)
    client.log_metric(setup.parent_run_id, f"best_dev_{setup.primary}", best.value)
    return TuneResult(
        setup.study_name,
        [*value_overrides(values), REFIT_MARK],
        values,
        best.value,
        n,
        new,
        setup.parent_run_id,
        tags,
    )
