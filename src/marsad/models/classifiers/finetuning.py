"""The parts of fine-tuning that are not the estimator: finding a checkpoint, the dev slice,
the training dataset and collator, mixed precision, and per-epoch metrics for MLflow."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from transformers import TrainerCallback

from marsad.errors import ConfigError

log = logging.getLogger(__name__)


def _unavailable(name: str, reason: str) -> ConfigError:
    return ConfigError(
        f"checkpoint '{name}' is neither a local folder nor available offline ({reason}). "
        f"Download it on a machine with network access, e.g. `hf download {name} --local-dir <folder>`, "
        f"copy the folder here and pass its path: model.estimator.checkpoint=<folder>"
    )


def locate_checkpoint(name: str) -> str:
    """`name` if it is a checkpoint folder, in the Hugging Face cache, or may still be downloaded.

    Fails fast (before any run exists) for a missing folder, and for a hub id that is not cached
    while offline mode (HF_HUB_OFFLINE=1) is on. Online, a failed download surfaces from
    `checkpoint_errors` as the same ConfigError.
    """
    from huggingface_hub import is_offline_mode, try_to_load_from_cache

    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ConfigError(f"checkpoint folder {path} has no config.json: it is not a saved model")
        return str(path)
    if name.startswith((".", "/", "~")) or path.exists():
        raise ConfigError(f"checkpoint folder {path} does not exist")
    try:
        cached = try_to_load_from_cache(name, "config.json")
    except ValueError as err:  # not a valid repo id either
        raise ConfigError(f"checkpoint '{name}' is neither a folder nor a valid hub id: {err}") from err
    if not isinstance(cached, str) and is_offline_mode():
        raise _unavailable(name, "HF_HUB_OFFLINE is set and it is not in the Hugging Face cache")
    return name


@contextmanager
def checkpoint_errors(name: str) -> Iterator[None]:
    """Turn the hub client's OSError (no network, unknown repo, gated model) into a ConfigError."""
    try:
        yield
    except OSError as err:
        raise _unavailable(name, str(err).strip().splitlines()[0]) from err


def split_dev(n: int, fraction: float, seed: int, groups: list[str] | None, labels) -> tuple[list, list]:
    """Train and dev indices: by group (claims) for pairs, stratified for single labels if possible."""
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    indices = np.arange(n)
    if fraction <= 0 or n < 10:
        return indices.tolist(), []
    if groups is not None:
        train, dev = next(
            GroupShuffleSplit(1, test_size=fraction, random_state=seed).split(indices, groups=groups)
        )
        return train.tolist(), dev.tolist()
    stratify = labels if labels is not None and np.bincount(labels).min() >= 2 else None
    try:
        train, dev = train_test_split(indices, test_size=fraction, random_state=seed, stratify=stratify)
    except ValueError:  # a dev slice too small to hold every class
        train, dev = train_test_split(indices, test_size=fraction, random_state=seed)
    return train.tolist(), dev.tolist()


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run with `n` intra-op CPU threads (None: torch's default). On a CPU shared with other jobs,
    1 thread can be several times faster than torch's default, which then spin-waits."""
    previous = torch.get_num_threads()
    if n:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def dev_f1(prediction, multilabel: bool, threshold: float | None) -> dict[str, float]:
    """Trainer `compute_metrics`, the tasks' primary scores on the dev slice: macro-F1 over
    classes, or for multi-label micro-F1 at the given threshold (None: the tuned one)."""
    from sklearn.metrics import f1_score

    logits, labels = prediction.predictions, prediction.label_ids.astype(int)
    if not multilabel:
        return {"f1": f1_score(labels, logits.argmax(axis=1), average="macro", zero_division=0)}
    proba = 1 / (1 + np.exp(-logits))
    cut = tune_threshold(proba, labels) if threshold is None else threshold
    return {"f1": f1_score(labels, proba >= cut, average="micro", zero_division=0)}


def tune_threshold(proba: np.ndarray, y: np.ndarray) -> float:
    """The one sigmoid threshold with the best micro-F1 on the dev slice: a model that has not
    learned to push rare labels past 0.5 would otherwise predict no label at all."""
    from sklearn.metrics import f1_score

    grid = np.arange(0.05, 0.55, 0.05)
    scores = [f1_score(y, proba >= t, average="micro", zero_division=0) for t in grid]
    return float(grid[int(np.argmax(scores))]) if max(scores) > 0 else 0.5


def precision_flags(precision: str) -> dict[str, bool]:
    """TrainingArguments flags: bf16 where the GPU has it, else fp16 on GPU; fp32 on CPU."""
    if precision == "auto":
        if not torch.cuda.is_available():
            precision = "fp32"
        else:
            precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return {"bf16": precision == "bf16", "fp16": precision == "fp16"}


class EncodedDataset(torch.utils.data.Dataset):
    """Tokenised rows (unpadded) and their targets, seen through a list of indices."""

    def __init__(self, rows: list[dict], targets: np.ndarray, indices: list[int]) -> None:
        self.rows, self.targets, self.indices = rows, targets, indices

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> dict:
        index = self.indices[i]
        return {**self.rows[index], "labels": self.targets[index]}

    @staticmethod
    def collator(tokenizer, multilabel: bool):
        """Pad each batch to its longest row; float label rows for BCE, class indices for CE."""

        def collate(features: list[dict]) -> dict:
            inputs = [{k: v for k, v in f.items() if k != "labels"} for f in features]
            batch = tokenizer.pad(inputs, return_tensors="pt")
            labels = np.stack([f["labels"] for f in features])
            batch["labels"] = torch.tensor(labels, dtype=torch.float32 if multilabel else torch.long)
            return batch

        return collate


class MlflowEpochLogger(TrainerCallback):
    """Logs per-epoch train loss, dev loss and dev F1 (`dev_f1`), and streams them to the active MLflow
    run as `finetune.<name>` with the epoch as step. Without an active run it only logs."""

    NAMES = {"loss": "train_loss", "eval_loss": "dev_loss", "eval_f1": "dev_f1",
             "train_samples_per_second": "train_examples_per_second"}  # fmt: skip

    def on_log(self, args, state, control, logs=None, **kwargs) -> None:
        values = {f"finetune.{self.NAMES[k]}": float(v) for k, v in (logs or {}).items() if k in self.NAMES}
        if not values:
            return
        epoch = round(state.epoch or 0)
        log.info("finetune  epoch %d: %s", epoch, " · ".join(f"{k[9:]} {v:.4g}" for k, v in values.items()))
        mlflow = sys.modules.get("mlflow")  # never imported: no run can be active
        if mlflow is not None and mlflow.active_run() is not None:
            mlflow.log_metrics(values, step=epoch)
