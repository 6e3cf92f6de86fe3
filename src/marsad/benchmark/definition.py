"""The benchmark definition: one typed YAML per benchmark in `conf/benchmark/`.

Like a dataset card, the file is checked against a schema (unknown keys refused, fixed
vocabularies), so a typo fails when the benchmark is loaded, not after an hour of runs. Each
task is, underneath, a `marsad-run` configuration: `overrides()` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from marsad.errors import MarsadError

TASK_TYPES = ("topic", "actor", "stance")
SPLITS = ("train", "dev", "test")


class BenchmarkError(MarsadError):
    """A benchmark definition, run or result file that cannot be used as asked."""


@dataclass
class TrainSide:
    dataset: str
    split: str = "train"
    plus: list[str] = field(default_factory=list)  # other datasets whose train split is added


@dataclass
class EvalSide:
    dataset: str
    split: str = "test"


@dataclass
class BenchmarkTask:
    title: str
    task: str  # topic, actor or stance: the task type, and the per-type mean it counts in
    train: TrainSide
    evaluate: EvalSide
    metric: str
    description: str = ""
    fingerprints: dict[str, str] = field(default_factory=dict)  # "<dataset>.<split>" -> fingerprint
    id: str = ""  # filled from the key under `tasks:`

    def overrides(self) -> list[str]:
        """The `marsad-run` overrides that train and score this task."""
        found = [f"task={self.task}", f"dataset={self.train.dataset}"]
        if self.train.plus:
            found.append(f"train_with=[{','.join(self.train.plus)}]")
        if self.evaluate.dataset != self.train.dataset:
            found.append(f"eval_datasets=[{self.evaluate.dataset}]")
        return found

    @property
    def scored_split(self) -> str:
        """The split name the run logs the scored predictions and metrics under: the training
        dataset's own `test`, or `<eval dataset>.test` for a dataset scored elsewhere."""
        if self.evaluate.dataset == self.train.dataset:
            return self.evaluate.split
        return f"{self.evaluate.dataset}.{self.evaluate.split}"

    @property
    def data_keys(self) -> list[str]:
        """`<dataset>.<split>` of every split the task trains or scores on, in a fixed order."""
        train = [f"{name}.{self.train.split}" for name in (self.train.dataset, *self.train.plus)]
        return [*train, f"{self.evaluate.dataset}.{self.evaluate.split}"]


@dataclass
class Bootstrap:
    resamples: int = 1000
    seed: int = 0
    level: float = 0.95


@dataclass
class Benchmark:
    name: str
    version: str
    description: str
    tasks: dict[str, BenchmarkTask]
    seeds: list[int] = field(default_factory=lambda: [0])
    bootstrap: Bootstrap = field(default_factory=Bootstrap)
    source: str = ""  # the YAML it was read from

    def task_types(self) -> dict[str, list[str]]:
        """Task type -> ids of its tasks, for the per-type means."""
        return {kind: [i for i, t in self.tasks.items() if t.task == kind] for kind in TASK_TYPES}

    def select(self, ids: list[str] | None) -> list[BenchmarkTask]:
        if not ids:
            return list(self.tasks.values())
        unknown = [i for i in ids if i not in self.tasks]
        if unknown:
            raise BenchmarkError(f"{self.name}: no task {unknown}; its tasks: {list(self.tasks)}")
        return [self.tasks[i] for i in ids]


def benchmark_dir() -> Path:
    from marsad.config_compose import CONF_DIR

    return CONF_DIR / "benchmark"


def available() -> list[str]:
    return sorted(p.stem for p in benchmark_dir().glob("*.yaml"))


def load_benchmark(name_or_path: str) -> Benchmark:
    """A benchmark by config name (`marsad_v1`), by its own name (`marsad-v1`) or by file path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = benchmark_dir() / f"{name_or_path.replace('-', '_')}.yaml"
    if not path.exists():
        raise BenchmarkError(
            f"unknown benchmark '{name_or_path}'; choose from {available()} or give a YAML path"
        )
    try:
        raw = OmegaConf.load(path)
        tasks = raw.pop("tasks", None) or {}
        merged = OmegaConf.merge(
            OmegaConf.structured(Benchmark(name="", version="", description="", tasks={})), raw
        )
        parsed = {}
        for key, node in tasks.items():
            task = OmegaConf.merge(OmegaConf.structured(BenchmarkTask), node)
            parsed[str(key)] = OmegaConf.to_object(task)
    except OmegaConfBaseException as err:  # an unknown key, a wrong type, a missing field
        raise BenchmarkError(f"{path}: {err.msg if hasattr(err, 'msg') else err}".splitlines()[0]) from err
    bench: Benchmark = OmegaConf.to_object(merged)
    bench.tasks, bench.source, bench.version = parsed, str(path), str(bench.version)
    for key, task in parsed.items():
        task.id = key
        _check_task(path, task)
    if not parsed:
        raise BenchmarkError(f"{path}: `tasks` is empty; a benchmark needs at least one task")
    return bench


def _check_task(path: Path, task: BenchmarkTask) -> None:
    where = f"{path}: tasks.{task.id}"
    if task.task not in TASK_TYPES:
        raise BenchmarkError(f"{where}.task: '{task.task}' is not one of {TASK_TYPES}")
    for side, split in (("train", task.train.split), ("evaluate", task.evaluate.split)):
        if split not in SPLITS:
            raise BenchmarkError(f"{where}.{side}.split: '{split}' is not one of {SPLITS}")
    if task.train.split != "train":
        raise BenchmarkError(
            f"{where}.train.split: models train on the train split; got '{task.train.split}'"
        )
    unknown = sorted(set(task.fingerprints) - set(task.data_keys))
    if unknown:
        raise BenchmarkError(
            f"{where}.fingerprints: {unknown} are not data of this task; expected {task.data_keys}"
        )
