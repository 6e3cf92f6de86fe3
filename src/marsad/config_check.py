"""Build the objects a run needs from its config and refuse impossible combinations early.

Everything here runs before an MLflow run is created: a config that cannot work never leaves a
half-made run behind, and the error names the valid choices.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from hydra.errors import InstantiationException
from hydra.utils import instantiate
from omegaconf import DictConfig

from marsad.data import TableDataset
from marsad.data.combine import check_same_labels
from marsad.data.label_space import common_label_space
from marsad.errors import ConfigError, MarsadError, ModelNotForTask
from marsad.extras import missing_extra
from marsad.models import TextClassifier
from marsad.tasks import Task

CONF_PACKAGE = "marsad.conf"  # the checkout's conf/, mapped into the package (pyproject.toml)
CONF_DIR = Path(str(files(CONF_PACKAGE)))
# What a wrong value in a config raises: sklearn's InvalidParameterError (both), a keyword the
# target does not take (TypeError), a value a constructor or validate() refuses (ValueError).
CONFIG_MISTAKES = (TypeError, ValueError)


def _app_config_loader():
    """Hydra's config loader inside `marsad-run` (its search path holds --config-dir and
    hydra.searchpath), else None."""
    from hydra.core.global_hydra import GlobalHydra

    hydra = GlobalHydra.instance()
    return hydra.config_loader() if hydra.is_initialized() else None


def choices(group: str) -> list[str]:
    """The option names of a config group, e.g. choices('model'): inside `marsad-run` those of its
    search path (the user's config folders too), else the package's."""
    loader = _app_config_loader()
    if loader is not None:
        return sorted(loader.get_group_options(group))
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


@cache
def _packaged_option(group: str, name: str) -> DictConfig | None:
    from hydra import initialize_config_module

    with initialize_config_module(config_module=CONF_PACKAGE, version_base="1.3"):
        return _compose_option(group, name)


def _compose_option(group: str, name: str) -> DictConfig | None:
    from hydra import compose
    from hydra.errors import MissingConfigException

    try:
        return compose(config_name=None, overrides=[f"+{group}={name}"])[group]
    except MissingConfigException:
        return None


def compose_option(group: str, name: str) -> DictConfig | None:
    """Option `name` of `group` as Hydra composes it (its defaults list applied), or None when
    the search path has no such option. Inside `marsad-run` the app's search path is used."""
    if _app_config_loader() is not None:
        return _compose_option(group, name)
    option = _packaged_option(group, name)
    return copy.deepcopy(option)  # the cached one stays as composed


def dataset_spec(name: str) -> DictConfig:
    """The config of dataset `name` (conf/dataset/<name>.yaml or the user's), card and tasks included."""
    spec = compose_option("dataset", name)
    if spec is None:
        raise ConfigError(f"unknown dataset '{name}'; choose from {choices('dataset')}")
    return spec


def datasets_serving(task: str) -> list[str]:
    return [name for name in choices("dataset") if task in (dataset_spec(name).get("tasks") or {})]


def instantiate_checked(node: DictConfig, what: str, **kwargs):
    """`hydra.utils.instantiate`, with a config's mistakes as one ConfigError naming `what`: a
    MarsadError raised inside comes out as itself, a package of a missing extra as the pip
    install to run. Anything else is a bug and surfaces as raised."""
    kwargs.setdefault("_convert_", "all")
    try:
        return instantiate(node, **kwargs)
    except InstantiationException as err:
        cause = err.__cause__
        if isinstance(cause, MarsadError):
            raise cause from err
        needs_extra = missing_extra(err, what)
        if needs_extra is not None:
            raise needs_extra from err
        if isinstance(cause, CONFIG_MISTAKES):
            raise ConfigError(f"{what}: invalid configuration: {cause}") from err
        raise


@dataclass
class Experiment:
    task: Task
    dataset: TableDataset
    estimator: TextClassifier
    eval_datasets: list[TableDataset]
    train_with: list[TableDataset]


def load_dataset_config(name: str, data_root: str | None) -> TableDataset:
    return instantiate_checked(dataset_spec(name), f"dataset '{name}'", data_root=data_root)


def effective_preprocess(cfg: DictConfig) -> str:
    """The preprocessing a run applies: the preprocess group's, unless the model config pins its
    own `estimator.normalizer` (null for the sentence-embedding models: USE was trained on text
    as written, and folding alef/teh marbuta/alef maqsura cost 3 points of ANS dev macro-F1)."""
    if "normalizer" not in cfg.model.estimator:
        return cfg.preprocess.name
    return "none" if cfg.model.estimator.normalizer is None else f"model:{cfg.model.name}"


def build_experiment(cfg: DictConfig) -> Experiment:
    task = instantiate_checked(cfg.task, f"task '{cfg.task.name}'", _convert_="none")
    dataset = instantiate_checked(cfg.dataset, f"dataset '{cfg.dataset.name}'", data_root=cfg.data_root)
    if not dataset.serves(task.name):
        raise ConfigError(
            f"dataset '{dataset.name}' cannot serve task '{task.name}': it serves {sorted(dataset.tasks)}. "
            f"Datasets that serve '{task.name}': {datasets_serving(task.name)}"
        )
    model_tasks = cfg.model.get("tasks")
    if model_tasks and task.name not in model_tasks:
        raise ModelNotForTask(
            f"model '{cfg.model.name}' is only for tasks {list(model_tasks)}, not '{task.name}'"
        )
    normalizer = None
    if cfg.preprocess.normalizer:
        normalizer = instantiate_checked(cfg.preprocess.normalizer, f"preprocess '{cfg.preprocess.name}'")
    # Models that take no normaliser (the gazetteer normalises itself) get none.
    # Models that pin their own normaliser keep it (see effective_preprocess).
    takes_normalizer = "features" in cfg.model.estimator and "normalizer" not in cfg.model.estimator
    extra = {"normalizer": normalizer} if takes_normalizer else {}
    what = f"model '{cfg.model.name}'"
    estimator = instantiate_checked(cfg.model.estimator, what, **extra)
    try:
        estimator.validate()
    except CONFIG_MISTAKES as err:
        raise ConfigError(f"{what}: invalid configuration: {err}") from err
    except ModuleNotFoundError as err:  # validate() may import the model's packages
        raise missing_extra(err, what) or err from err
    unknown = sorted(set(cfg.eval_splits) - {"train", "dev", "test"})
    if unknown:
        raise ConfigError(f"eval_splits {unknown} are not splits; choose from train, dev, test")
    eval_datasets = [load_dataset_config(name, cfg.data_root) for name in cfg.eval_datasets]
    if cfg.get("eval_optional"):  # a suite over several tasks: score where it applies
        eval_datasets = [other for other in eval_datasets if other.serves(task.name)]
    own = dataset.tasks[task.name]
    for other in eval_datasets:
        if not other.serves(task.name):
            raise ConfigError(f"eval dataset '{other.name}' does not serve task '{task.name}'")
        theirs = other.tasks[task.name]
        if list(theirs["labels"]) != list(own["labels"]):
            if task.label_kind != "single":
                raise ConfigError(f"eval dataset '{other.name}' has other labels; mapping needs single-label")
            common_label_space(  # raises now, before a run exists, if there is none
                (dataset.name, list(own["labels"]), own.get("label_spaces") or {}),
                (other.name, list(theirs["labels"]), theirs.get("label_spaces") or {}),
            )
    train_with = [load_dataset_config(name, cfg.data_root) for name in cfg.get("train_with") or []]
    for other in train_with:
        if not other.serves(task.name):
            raise ConfigError(f"train_with dataset '{other.name}' does not serve task '{task.name}'")
        check_same_labels(
            dataset.name, list(own["labels"]), other.name, list(other.tasks[task.name]["labels"])
        )
    return Experiment(task, dataset, estimator, eval_datasets, train_with)
