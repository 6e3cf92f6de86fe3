"""Score a task's predictions with the package's local `evaluate` modules.

`evaluate` is imported lazily (it costs seconds) and each combination of modules is loaded once
per process, so the runs of a multirun sweep pay for it only once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

MODULES_DIR = Path(__file__).parent / "modules"
FNC1_LABELS = {"agree", "disagree", "discuss", "unrelated"}


def module_path(name: str) -> str:
    path = MODULES_DIR / name
    if not (path / f"{name}.py").exists():
        known = sorted(p.name for p in MODULES_DIR.iterdir() if (p / f"{p.name}.py").exists())
        raise ValueError(f"unknown metric module '{name}'; local modules: {known}")
    return str(path)


@cache
def _combined(names: tuple[str, ...]):
    import evaluate  # lazy: ~5-10 s

    return evaluate.combine([evaluate.load(module_path(n)) for n in names])


def applicable_metrics(metrics: list[str], label_names: list[str]) -> tuple[str, ...]:
    """The FNC-1 score only means something for the four-way stance label set."""
    return tuple(m for m in metrics if m != "fnc1" or set(label_names) >= FNC1_LABELS)


def score_predictions(
    metrics: list[str], y_true: np.ndarray, y_pred: np.ndarray, label_names: list[str]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Return (scalar scores, per-class report) for class indices or 0/1 indicator matrices."""
    combined = _combined(applicable_metrics(metrics, label_names))
    results = combined.compute(
        predictions=np.asarray(y_pred).tolist(),
        references=np.asarray(y_true).tolist(),
        label_names=list(label_names),
    )
    per_class = results.pop("per_class", {})
    return {k: float(v) for k, v in results.items()}, per_class
