"""`TransformerClassifier`: fine-tune a Hugging Face checkpoint as a scikit-learn estimator.

One estimator for the three tasks: a Series of texts (topic), a 0/1 label matrix (actor:
multi-label, sigmoid + BCE) and a (claim, text) frame (stance: a tokenizer sentence pair).
Training uses the `transformers` Trainer with early stopping on a dev slice carved from the
training data with the estimator's seed (grouped by claim for pairs, so no claim is in both).
After `fit` only the model and tokenizer are kept: the estimator pickles (`log_model`) without
Trainer, optimizer or dataloader state.
"""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from marsad.models.classifiers.finetuning import (
    EncodedDataset,
    MlflowEpochLogger,
    checkpoint_errors,
    dev_f1,
    locate_checkpoint,
    precision_flags,
    split_dev,
    torch_threads,
    tune_threshold,
)
from marsad.models.encoders.transformers_logging import quiet_transformers

PRECISIONS = ("auto", "fp32", "bf16", "fp16")
STOP_ON = ("f1", "loss")


class TransformerClassifier(ClassifierMixin, BaseEstimator):
    """`checkpoint`: a hub id, a local folder, or a builder with `.build(texts) -> folder`
    (`marsad.models.TinyBert`). `dev_fraction=0` trains `epochs` without early stopping.
    `stop_on`: what early stopping and the kept epoch follow on the dev slice: "f1" (the task's
    primary F1) or "loss" (smoother, but it can keep an early, under-confident epoch).
    `threshold` (multi-label): None tunes one threshold on the dev slice for micro-F1.
    `torch_threads`: CPU threads for training and prediction (None: torch's default)."""

    def __init__(
        self,
        checkpoint="aubmindlab/bert-base-arabertv02",
        max_length: int = 128,
        epochs: int = 3,
        learning_rate: float = 3e-5,
        batch_size: int = 16,
        weight_decay: float = 0.01,
        warmup: float = 0.1,
        dev_fraction: float = 0.1,
        patience: int = 1,
        stop_on: str = "f1",
        threshold: float | None = 0.5,
        precision: str = "auto",
        torch_threads: int | None = None,
        seed: int = 0,
    ) -> None:
        self.checkpoint = checkpoint
        self.max_length = max_length
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.dev_fraction = dev_fraction
        self.patience = patience
        self.stop_on = stop_on
        self.threshold = threshold
        self.precision = precision
        self.torch_threads = torch_threads
        self.seed = seed

    def validate(self) -> None:
        """Check values, and that a named checkpoint can be had, before any run is created."""
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, got {self.precision!r}")
        if self.stop_on not in STOP_ON:
            raise ValueError(f"stop_on must be one of {STOP_ON}, got {self.stop_on!r}")
        if not 0 <= self.dev_fraction < 1:
            raise ValueError(f"dev_fraction must be in [0, 1), got {self.dev_fraction}")
        if isinstance(self.checkpoint, str | Path):
            locate_checkpoint(str(self.checkpoint))
        elif hasattr(self.checkpoint, "validate"):  # a builder: what it builds from (E5SmallCheckpoint)
            self.checkpoint.validate()

    # -- inputs ------------------------------------------------------------------------------
    @staticmethod
    def _sides(X) -> tuple[list[str], list[str] | None]:
        """(texts, None), or (claims, texts) for a two-column pair frame."""
        if isinstance(X, pd.DataFrame) and X.shape[1] == 2:
            return X.iloc[:, 0].astype(str).tolist(), X.iloc[:, 1].astype(str).tolist()
        return [str(t) for t in X], None

    def _encode(self, first: list[str], second: list[str] | None, **kwargs):
        return self.tokenizer_(first, second, truncation=True, max_length=self.max_length, **kwargs)

    def _checkpoint_folder(self, first: list[str], second: list[str] | None) -> str:
        if hasattr(self.checkpoint, "build"):
            return str(self.checkpoint.build(first + (second or [])))
        return locate_checkpoint(str(self.checkpoint))

    # -- estimator API -----------------------------------------------------------------------
    def fit(self, X, y) -> TransformerClassifier:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer, set_seed

        self.validate()
        first, second = self._sides(X)
        y = np.asarray(y)
        self.multilabel_ = y.ndim == 2
        self.classes_ = np.arange(y.shape[1]) if self.multilabel_ else np.unique(y)
        targets = y.astype(np.float32) if self.multilabel_ else np.searchsorted(self.classes_, y)
        with quiet_transformers():
            source = self._checkpoint_folder(first, second)
        set_seed(self.seed)
        name = str(self.checkpoint) if isinstance(self.checkpoint, str | Path) else source
        with checkpoint_errors(name), quiet_transformers():
            self.tokenizer_ = AutoTokenizer.from_pretrained(source)
            kind = "multi_label_classification" if self.multilabel_ else "single_label_classification"
            model = AutoModelForSequenceClassification.from_pretrained(
                source, num_labels=len(self.classes_), problem_type=kind
            )
        encoded = self._encode(first, second)
        rows = [{k: encoded[k][i] for k in encoded} for i in range(len(first))]
        train_idx, dev_idx = split_dev(len(rows), self.dev_fraction, self.seed, first if second else None,
                                       None if self.multilabel_ else targets)  # fmt: skip
        with quiet_transformers(), torch_threads(self.torch_threads):
            self.model_ = self._train(model, rows, targets, train_idx, dev_idx)
        self.threshold_ = self.threshold or 0.5
        if self.multilabel_ and self.threshold is None and dev_idx and second is None:
            dev_proba = self.predict_proba([first[i] for i in dev_idx])
            self.threshold_ = tune_threshold(dev_proba, targets[dev_idx])
        return self

    def _train(self, model, rows, targets, train_idx, dev_idx):
        import torch
        from accelerate.utils import extract_model_from_parallel
        from transformers import EarlyStoppingCallback, PrinterCallback, Trainer, TrainingArguments

        has_dev = len(dev_idx) > 0
        strategy = "epoch" if has_dev else "no"
        callbacks = [MlflowEpochLogger()]
        if has_dev:
            callbacks.append(EarlyStoppingCallback(early_stopping_patience=self.patience))
        with tempfile.TemporaryDirectory(prefix="marsad-finetune-") as output_dir:
            args = TrainingArguments(
                output_dir=output_dir, num_train_epochs=self.epochs, learning_rate=self.learning_rate,
                per_device_train_batch_size=self.batch_size, per_device_eval_batch_size=2 * self.batch_size,
                weight_decay=self.weight_decay, warmup_steps=self.warmup, seed=self.seed, data_seed=self.seed,
                eval_strategy=strategy, save_strategy=strategy, logging_strategy="epoch",
                load_best_model_at_end=has_dev, metric_for_best_model=self.stop_on,
                greater_is_better=self.stop_on != "loss",
                save_total_limit=1, save_only_model=True, report_to="none", disable_tqdm=True,
                dataloader_pin_memory=torch.cuda.is_available(),
                **precision_flags(self.precision),
            )  # fmt: skip
            trainer = Trainer(
                model=model,
                args=args,
                train_dataset=EncodedDataset(rows, targets, train_idx),
                eval_dataset=EncodedDataset(rows, targets, dev_idx) if has_dev else None,
                data_collator=EncodedDataset.collator(self.tokenizer_, self.multilabel_),
                compute_metrics=partial(dev_f1, multilabel=self.multilabel_, threshold=self.threshold),
                callbacks=callbacks,
            )
            trainer.remove_callback(PrinterCallback)  # MlflowEpochLogger logs the epochs
            trainer.train()
            self.epochs_trained_ = float(trainer.state.epoch or 0)
            self.best_dev_score_ = trainer.state.best_metric  # of `stop_on`, None without dev
            # Unwrap mixed-precision forward wrappers so the module pickles cleanly.
            model = extract_model_from_parallel(trainer.model, keep_fp32_wrapper=False)
        return model.to("cpu").eval()

    def predict_proba(self, X) -> np.ndarray:
        """Softmax over classes (single-label) or one sigmoid per label (multi-label): (n, n_labels)."""
        import torch

        first, second = self._sides(X)
        device = "cuda" if torch.cuda.is_available() else "cpu"
        model = self.model_.to(device)
        batch_size = 2 * self.batch_size
        outputs = []
        with torch.inference_mode(), torch_threads(self.torch_threads):
            for start in range(0, len(first), batch_size):
                part = second[start : start + batch_size] if second else None
                batch = self._encode(
                    first[start : start + batch_size], part, padding=True, return_tensors="pt"
                )
                logits = model(**batch.to(device)).logits.float()
                outputs.append((logits.sigmoid() if self.multilabel_ else logits.softmax(-1)).cpu().numpy())
        self.model_.to("cpu")
        return np.concatenate(outputs) if outputs else np.zeros((0, len(self.classes_)))

    def predict_scores(self, X) -> np.ndarray:
        """What `marsad.evaluation` scores with: the probabilities."""
        return self.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        return self.predict_with_scores(X)[0]

    def predict_with_scores(self, X) -> tuple[np.ndarray, np.ndarray]:
        """Predictions and probabilities from one forward pass over X."""
        proba = self.predict_proba(X)
        if self.multilabel_:
            return (proba >= self.threshold_).astype(np.int64), proba
        return self.classes_[proba.argmax(axis=1)], proba
