"""A benchmark task's data, loaded without running a model: for its fingerprints, its
generated page and the leakage check. Loaded exactly as `marsad-run` loads it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from marsad.benchmark.definition import Benchmark, BenchmarkTask
from marsad.tasks import Task


@cache
def task_type(name: str) -> Task:
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    from marsad.config_compose import CONF_DIR

    return instantiate(OmegaConf.load(CONF_DIR / "task" / f"{name}.yaml"), _convert_="none")


@dataclass
class TaskData:
    task: BenchmarkTask
    kind: Task
    train: dict[str, pd.DataFrame]  # dataset -> its train split
    dev: pd.DataFrame  # the training dataset's dev split (what tuning may read)
    test: pd.DataFrame  # the scored split
    label_names: list[str]
    fingerprints: dict[str, str]  # "<dataset>.<split>" -> fingerprint, as the runs tag them

    def train_frame(self) -> pd.DataFrame:
        return pd.concat(list(self.train.values()), ignore_index=True)


def load_task_data(task: BenchmarkTask, data_root: str | None = None) -> TaskData:
    from marsad.config_check import load_dataset_config

    kind = task_type(task.task)
    home = load_dataset_config(task.train.dataset, data_root).load(kind)
    train = {task.train.dataset: home.frames["train"]}
    prints = {f"{task.train.dataset}.train": home.split_fingerprints["train"]}
    for name in task.train.plus:
        other = load_dataset_config(name, data_root).load(kind)
        train[name] = other.frames["train"]
        prints[f"{name}.train"] = other.split_fingerprints["train"]
    if task.evaluate.dataset == task.train.dataset:
        scored = home
    else:
        scored = load_dataset_config(task.evaluate.dataset, data_root).load(kind, for_training=False)
    split = task.evaluate.split
    prints[f"{task.evaluate.dataset}.{split}"] = scored.split_fingerprints[split]
    return TaskData(task, kind, train, home.frames.get("dev", home.frames["train"].iloc[:0]),
                    scored.frames[split], scored.label_names, prints)  # fmt: skip


def check_data(bench: Benchmark, data_root: str | None = None) -> dict[str, dict[str, tuple[str, str]]]:
    """Task -> data key -> (defined, found) for every fingerprint that differs from today's data."""
    differ = {}
    for task in bench.tasks.values():
        found = load_task_data(task, data_root).fingerprints
        changed = {
            k: (task.fingerprints.get(k, ""), v) for k, v in found.items() if task.fingerprints.get(k) != v
        }
        if changed:
            differ[task.id] = changed
    return differ
