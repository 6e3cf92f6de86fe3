"""Where a study lives: its Optuna storage (an RDB: `optuna.db` beside a sqlite tracking store)
and its MLflow parent run, whose id the study keeps, so every call of one study adds its
trials under the same parent."""

from __future__ import annotations

import logging

from marsad.errors import ConfigError
from marsad.tuning.search_space import SearchSpace
from marsad.tuning.trials import open_storage

log = logging.getLogger("marsad")


def storage_beside(uri: str) -> str:
    """`optuna.db` beside a sqlite tracking store; other stores need `storage=` (--storage)."""
    from pathlib import Path

    if not uri.startswith("sqlite:///"):
        raise ConfigError(
            f"tracking store {uri} is not a sqlite file, so there is no folder to keep the "
            "study in: give its Optuna storage with --storage (e.g. sqlite:///optuna.db or "
            "postgresql://user@host/optuna)"
        )
    path = Path(uri.removeprefix("sqlite:///"))
    return f"sqlite:///{path.with_name('optuna.db')}"


def open_study(storage: str, name: str, space: SearchSpace):
    """The study `name`, created if new; a study that searched another space is refused."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=name, storage=open_storage(storage), direction="maximize", load_if_exists=True
    )
    searched = study.user_attrs.get("search")
    if searched is None:
        study.set_user_attr("search", space.as_json())
    elif searched != space.as_json():
        raise ConfigError(
            f"study '{name}' in {storage} searched another space ({searched}); the model's "
            "`search:` block changed: pass --study NEW_NAME to start a new study"
        )
    return study


def parent_run(client, experiment: str, study, base, name: str, trained_on: str, space, trials: int) -> str:
    """The study's MLflow parent run (its id kept in the study), created on the first call."""
    from mlflow.exceptions import MlflowException

    from marsad.tracking.heartbeat import owner_tags

    known = study.user_attrs.get("mlflow_parent_run_id")
    now = {**owner_tags(), "marsad.trials_target": str(trials)}
    if known:
        try:
            client.get_run(known)
            client.update_run(known, status="RUNNING")
            for key, value in now.items():
                client.set_tag(known, key, value)
            return known
        except MlflowException:
            log.info("study %s: its parent run %s is not in this store: a new one is made", name, known)
    run = client.create_run(
        experiment,
        run_name=f"tune · {name}",
        tags={
            "marsad.role": "study",
            "marsad.study": name,
            "task": base.task.name,
            "dataset": trained_on,
            "model": base.model.name,
            "marsad.search": space.as_json()[:5000],
            **now,
        },
    )
    study.set_user_attr("mlflow_parent_run_id", run.info.run_id)
    return run.info.run_id


def complete(study) -> list:
    from optuna.trial import TrialState

    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
