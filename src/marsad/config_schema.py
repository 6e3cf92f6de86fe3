"""Typed schema of the top-level config keys, so `seed=abc` fails when Hydra composes the
config, before any run exists. Config groups keep their own YAML shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore


@dataclass
class RunSchema:
    task: Any = None
    dataset: Any = None
    model: Any = None
    preprocess: Any = None
    tracking: Any = None
    seed: int = 0
    data_root: str | None = None
    train_with: list[str] = field(default_factory=list)
    eval_splits: list[str] = field(default_factory=lambda: ["dev", "test"])
    eval_datasets: list[str] = field(default_factory=list)
    eval_optional: bool = False
    resume: bool = False


def register() -> None:
    ConfigStore.instance().store(name="marsad_schema", node=RunSchema)
