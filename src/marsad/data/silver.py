"""Silver labels: a task whose labels a rule-based labeller assigns at load time.

A task config with a `silver_labels:` block names any estimator (`_target_`) whose `predict`
returns the task's label encoding (class indices, or a 0/1 matrix for multi-label); loading
fits it on the task's inputs and decodes its predictions into labels. The dataset card should
say `silver: true` so no one mistakes these labels for annotations.

    silver_labels:
      _target_: marsad.models.GazetteerActorMatcher
      labels: ${..labels}

Labelling thousands of real articles with rules takes minutes, so the labels are cached under
`marsad.cache.cache_dir("silver")`, keyed by the texts, the labeller's class and parameters,
the code of the labeller's module folder and the package's YAML files (an edited rule or
inventory is a miss).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from hydra.utils import instantiate

from marsad.cache import cache_dir
from marsad.errors import ConfigError
from marsad.tasks import Task

log = logging.getLogger(__name__)


def build_labeller(spec: dict[str, Any]) -> Any:
    """The task's labeller; Hydra may already have built it when it instantiated the dataset."""
    labeller = spec["silver_labels"]
    if isinstance(labeller, Mapping):
        if "_target_" not in labeller:
            raise ConfigError("`silver_labels` needs a `_target_` (an estimator with fit/predict)")
        labeller = instantiate(dict(labeller), _convert_="all")
    return labeller


def cache_key(labeller: Any, texts: list[str], label_names: list[str]) -> str:
    digest = hashlib.sha256()
    cls = type(labeller)
    params = labeller.get_params() if hasattr(labeller, "get_params") else vars(labeller)
    digest.update(json.dumps([cls.__module__, cls.__qualname__, repr(sorted(params.items())), label_names],
                             ensure_ascii=False).encode())  # fmt: skip
    # The code of the labeller's subpackage (e.g. marsad/models) and every YAML file of its
    # package (e.g. the bundled actor inventory) decide its output.
    package = Path(sys.modules[cls.__module__.split(".")[0]].__file__).parent
    code = Path(sys.modules[cls.__module__].__file__).parent
    for path in sorted({*code.glob("*.py"), *package.rglob("*.yaml")}):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    return digest.hexdigest()[:32]


def silver_labels(spec: dict[str, Any], task: Task, frame: pd.DataFrame) -> pd.Series:
    """Labels for the canonical rows of `frame` (its task input columns already built)."""
    labeller = build_labeller(spec)
    label_names = list(spec["labels"])
    features = task.features(frame)
    texts = [json.dumps(row, ensure_ascii=False) for row in features.astype(str).values.tolist()]
    cached = cache_dir("silver") / f"{cache_key(labeller, texts, label_names)}.json"
    if cached.exists():
        decoded = json.loads(cached.read_text(encoding="utf-8"))
    else:
        log.info("silver labels: labelling %d rows with %s", len(frame), type(labeller).__name__)
        labeller.fit(features)
        decoded = task.decode(labeller.predict(features), label_names)
        cached.write_text(json.dumps(decoded, ensure_ascii=False), encoding="utf-8")
    return pd.Series(decoded, index=frame.index)


def agreement(spec: dict[str, Any], task: Task, reference: pd.DataFrame, reference_labels: list[str]) -> dict:
    """How the silver labeller scores against careful labels (e.g. marsad_real dev), so users
    know how far silver is from them: micro-F1 over all labels, macro-F1 over the labels the
    reference uses (a label no reference example carries has no defined F1)."""
    from sklearn.metrics import f1_score

    labeller = build_labeller(spec)
    features = task.features(reference)
    labeller.fit(features)
    predicted = pd.Series(task.decode(labeller.predict(features), list(spec["labels"])))
    names = list(reference_labels)
    unknown = sorted({x for v in predicted for x in (v if isinstance(v, list) else [v])} - set(names))
    if unknown:
        raise ConfigError(f"silver labels {unknown} are not in the reference label set {names}")
    gold = task.encode(reference["label"].reset_index(drop=True), names)
    guess = task.encode(predicted, names)
    used = sorted({names.index(x) for v in reference["label"] for x in (v if isinstance(v, list) else [v])})
    return {
        "examples": len(reference),
        "micro_f1": round(float(f1_score(gold, guess, average="micro", zero_division=0)), 4),
        "macro_f1": round(float(f1_score(gold, guess, average="macro", labels=used, zero_division=0)), 4),
        "macro_over_labels": len(used),
    }
