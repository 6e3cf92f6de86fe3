"""No test text of a benchmark task may be an exact or near duplicate of one of its training
texts, by Marsad's one duplicate rule (`marsad.data.dedup`): else the task measures memory.
For stance the compared text is the pair (claim and text), since a sentence may recur with
another claim."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from marsad.benchmark.task_data import TaskData
from marsad.data.dedup import DedupSettings, duplicate_groups


@dataclass(frozen=True)
class Leak:
    test_id: str
    train_id: str
    train_dataset: str


def _compared(frame: pd.DataFrame, inputs: list[str]) -> list[str]:
    return frame[inputs].astype(str).agg("\n".join, axis=1).tolist()


def find_leaks(data: TaskData, settings: DedupSettings | None = None) -> list[Leak]:
    """Every (test text, training text) pair in one duplicate group."""
    inputs = list(data.kind.inputs)
    test_texts = _compared(data.test, inputs)
    train_texts, owners = [], []
    for name, frame in data.train.items():
        train_texts += _compared(frame, inputs)
        owners += [(name, str(i)) for i in frame["id"]]
    groups = duplicate_groups(test_texts + train_texts, settings or DedupSettings())
    n = len(test_texts)
    train_of_group: dict[int, tuple[str, str]] = {}
    for group, owner in zip(groups[n:], owners):
        train_of_group.setdefault(int(group), owner)
    leaks = []
    for test_id, group in zip(data.test["id"].astype(str), groups[:n]):
        if int(group) in train_of_group:
            dataset, train_id = train_of_group[int(group)]
            leaks.append(Leak(test_id, train_id, dataset))
    return leaks
