"""Build the objects a run needs from its config and refuse impossible combinations early.

Everything here runs before an MLflow run is created: a config that cannot work never leaves a
half-made run behind, and the error names the valid choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from hydra.utils import instantiate
from omegaconf import DictConfig

from marsad.data import TableDataset
from marsad.data.label_space import common_label_space
from marsad.errors import ConfigError, ModelNotForTask
from marsad.models import TextClassifier
from marsad.tasks import Task

CONF_PACKAGE = "marsad.conf"  # the checkout's conf/, mapped into the package (pyproject.toml)
CONF_DIR = Path(str(files(CONF_PACKAGE)))


def choices(group: str) -> list[str]:
    """The option names of a config group, e.g. choices('model')."""
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


def dataset_spec(name: str) -> DictConfig:
    """The raw config of dataset `name` (conf/dataset/<name>.yaml), card and tasks included."""
    from omegaconf import OmegaConf

    if name not in choices("dataset"):
        raise ConfigError(f"unknown dataset '{name}'; choose from {choices('dataset')}")
    return OmegaConf.load(CONF_DIR / "dataset" / f"{name}.yaml")


def datasets_serving(task: str) -> list[str]:
    return [name for name in choices("dataset") if task in (dataset_spec(name).get("tasks") or {})]


@dataclass
class Experiment:
    task: Task
    dataset: TableDataset
    estimator: TextClassifier
    eval_datasets: list[TableDataset]


def load_dataset_config(name: str, data_root: str | None) -> TableDataset:
    return instantiate(dataset_spec(name), data_root=data_root, _convert_="all")


def effective_preprocess(cfg: DictConfig) -> str:
    """The preprocessing a run applies: the preprocess group's, unless the model config pins its
    own `estimator.normalizer` (null for the sentence-embedding models: USE was trained on text
    as written, and folding alef/teh marbuta/alef maqsura cost 3 points of ANS dev macro-F1)."""
    if "normalizer" not in cfg.model.estimator:
        return cfg.preprocess.name
    return "none" if cfg.model.estimator.normalizer is None else f"model:{cfg.model.name}"


def build_experiment(cfg: DictConfig) -> Experiment:
    task = instantiate(cfg.task)
    dataset = instantiate(cfg.dataset, data_root=cfg.data_root, _convert_="all")
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
    normalizer = instantiate(cfg.preprocess.normalizer) if cfg.preprocess.normalizer else None
    try:
        # Models that take no normaliser (the gazetteer normalises itself) get none.
        # Models that pin their own normaliser keep it (see effective_preprocess).
        takes_normalizer = "features" in cfg.model.estimator and "normalizer" not in cfg.model.estimator
        extra = {"normalizer": normalizer} if takes_normalizer else {}
        estimator = instantiate(cfg.model.estimator, **extra, _convert_="all")
        estimator.validate()
    except Exception as err:  # sklearn raises its own InvalidParameterError/TypeError
        raise ConfigError(f"model '{cfg.model.name}': invalid configuration: {err}") from err
    unknown = sorted(set(cfg.eval_splits) - {"train", "dev", "test"})
    if unknown:
        raise ConfigError(f"eval_splits {unknown} are not splits; choose from train, dev, test")
    eval_datasets = [load_dataset_config(name, cfg.data_root) for name in cfg.eval_datasets]
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
    return Experiment(task=task, dataset=dataset, estimator=estimator, eval_datasets=eval_datasets)
