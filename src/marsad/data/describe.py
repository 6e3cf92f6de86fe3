"""`marsad data describe`: what a dataset holds before anyone trains on it.

Rows and label distribution per split, text length in tokens, exact and near-duplicate
examples, and train/dev and train/test leaks (an evaluation example whose text, or a near copy
of it, is also in train inflates scores). Duplicates and leaks are counted per input field
(text; for pair tasks claim and text separately) and exactly for whole examples. Near
duplicates: the loader's rule, word 5-shingle Jaccard >= 0.8 (`marsad.data.dedup`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marsad.data.dedup import NEAR_DUPLICATE_JACCARD, DedupSettings, near_duplicate_pairs, normalise_space
from marsad.data.table_dataset import LoadedSplits
from marsad.tasks import Task
from marsad.text.tokens import TOKEN

NO_LABEL = "(none)"


def example_texts(frame: pd.DataFrame, task: Task) -> list[str]:
    """The example as one string: the text, or for pair tasks claim and text on two lines."""
    return frame[list(task.inputs)].astype(str).agg("\n".join, axis=1).tolist()


def label_counts(labels: pd.Series) -> Counter:
    """Examples per label; a multi-label example with no label counts as NO_LABEL."""
    counts: Counter = Counter()
    for value in labels:
        if isinstance(value, list | tuple | np.ndarray):
            counts.update(list(value) or [NO_LABEL])
        else:
            counts[str(value)] += 1
    return counts


def length_stats(texts: list[str]) -> dict[str, float]:
    lengths = np.array([len(TOKEN.findall(t)) for t in texts] or [0])
    p10, median, p90 = np.percentile(lengths, [10, 50, 90])
    return {"median": float(median), "p10": float(p10), "p90": float(p90),
            "min": int(lengths.min()), "max": int(lengths.max())}  # fmt: skip


def duplicate_stats(texts_by_split: dict[str, list[str]], threshold: float) -> dict[str, Any]:
    """Exact and near-duplicate counts over all splits, and leaks of dev/test into train."""
    rows = [(split, normalise_space(t)) for split, texts in texts_by_split.items() for t in texts]
    splits_of: dict[str, set[str]] = {}
    for split, text in rows:
        splits_of.setdefault(text, set()).add(split)
    unique = list(splits_of)
    pairs = near_duplicate_pairs(unique, DedupSettings(threshold=threshold))
    near_train = {i for i, j, _ in pairs if "train" in splits_of[unique[j]]}
    near_train |= {j for i, j, _ in pairs if "train" in splits_of[unique[i]]}
    in_near_pair = {i for i, _, _ in pairs} | {j for _, j, _ in pairs}
    index = {text: i for i, text in enumerate(unique)}
    stats: dict[str, Any] = {
        "examples": len(rows),
        "unique_texts": len(unique),
        "exact_duplicate_examples": len(rows) - len(unique),
        "near_duplicate_pairs": len(pairs),
        "examples_in_near_duplicate_pairs": sum(index[t] in in_near_pair for _, t in rows),
        "near_duplicate_threshold": threshold,
        "leaks": {},
    }
    if "train" in texts_by_split:
        train = {normalise_space(t) for t in texts_by_split["train"]}
        for split in (s for s in ("dev", "test") if s in texts_by_split):
            texts = [normalise_space(t) for t in texts_by_split[split]]
            exact = sum(t in train for t in texts)
            near = sum(t not in train and index[t] in near_train for t in texts)
            stats["leaks"][f"train-{split}"] = {"exact": exact, "near": near, "examples": len(texts)}
    return stats


def describe(loaded: LoadedSplits, task: Task, threshold: float = NEAR_DUPLICATE_JACCARD) -> dict[str, Any]:
    """Everything `marsad data describe` prints, as plain JSON-ready data."""
    texts = {split: example_texts(frame, task) for split, frame in loaded.frames.items()}
    exact_examples = sum(map(len, texts.values())) - len(
        {normalise_space(t) for ts in texts.values() for t in ts}
    )
    return {
        "dataset": loaded.dataset,
        "task": task.name,
        "fingerprint": loaded.fingerprint,
        "rows": loaded.sizes(),
        "labels": {
            split: dict(sorted(label_counts(frame["label"]).items(), key=lambda kv: (-kv[1], kv[0])))
            for split, frame in loaded.frames.items()
        },
        "label_names": loaded.label_names,
        "tokens": {split: length_stats(t) for split, t in texts.items()},
        "exact_duplicate_examples": exact_examples,
        # Per input: for stance, an article recurring under several claims is expected, but
        # the same article (or claim) in train and test is a leak worth knowing about.
        "duplicates": {
            field: duplicate_stats(
                {s: f[field].astype(str).tolist() for s, f in loaded.frames.items()}, threshold
            )
            for field in task.inputs
        },
    }


def save_label_plot(report: dict[str, Any], path: Path) -> Path:
    """One horizontal bar panel per split: examples per label, in the dataset's label order."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(report["label_names"])
    if any(NO_LABEL in counts for counts in report["labels"].values()):
        names.append(NO_LABEL)
    splits = list(report["labels"])
    fig, axes = plt.subplots(1, len(splits), figsize=(3.2 * len(splits) + 1.5, 0.9 + 0.28 * len(names)),
                             sharey=True, squeeze=False)  # fmt: skip
    for ax, split in zip(axes[0], splits):
        counts = [report["labels"][split].get(n, 0) for n in names]
        ax.barh(range(len(names)), counts, color="#4c72b0")
        ax.set_title(f"{split} ({report['rows'][split]} rows)", fontsize=9)
        ax.set_xlabel("examples")
        ax.invert_yaxis()
    axes[0][0].set_yticks(range(len(names)), names, fontsize=8)
    fig.suptitle(f"{report['dataset']} · {report['task']}: label distribution", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
