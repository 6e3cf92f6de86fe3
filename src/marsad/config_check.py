"""Build the objects a run needs from its config and refuse impossible combinations early.

Everything here runs before an MLflow run is created: a config that cannot work never leaves a
half-made run behind, and the error names the valid choices.
"""

from __future__ import annotations

from dataclasses import dataclass

from hydra.errors import InstantiationException
from hydra.utils import instantiate
from omegaconf import DictConfig

# Composition lives in config_compose (the data layer needs it and must not import this module);
# these names stay importable from here for the run and the commands.
from marsad.config_compose import CONF_DIR, CONF_PACKAGE, choices, compose_option, dataset_spec  # noqa: F401
from marsad.data import TableDataset
from marsad.data.combine import check_same_labels
from marsad.data.label_space import common_label_space
from marsad.errors import ConfigError, MarsadError, ModelNotForTask
from marsad.extras import missing_extra
from marsad.models import TextClassifier
from marsad.tasks import Task

# What a wrong value in a config raises: sklearn's InvalidParameterError (both), a keyword the
# target does not take (TypeError), a value a constructor or validate() refuses (ValueError).
CONFIG_MISTAKES = (TypeError, ValueError)


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
