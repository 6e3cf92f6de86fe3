"""The transfer matrix: models trained on one dataset, scored on others (`eval_datasets`)."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd

from marsad.leaderboard.runs import RunRecord

# Metrics of eval datasets are logged as `<dataset>.<split>_<metric>`, e.g. marsad_real.dev_micro_f1;
# split names (train, dev, test) hold no underscore, metric names may.
ELSEWHERE = re.compile(r"^(?P<dataset>[\w-]+)\.(?P<split>[A-Za-z0-9-]+)_(?P<metric>[a-z_0-9]+)$")


def transfer_matrix(runs: list[RunRecord], metric: str | None = None, split: str = "test") -> pd.DataFrame:
    """Rows: (task, trained on, model); columns: evaluated on; cells: mean over seeds.

    Columns are the `split` (default test) of the training dataset and of every eval dataset
    (its dev split where it has no such split), so each row reads in-domain vs transfer.
    `metric` defaults to each task's primary metric. Empty when no run was evaluated elsewhere.
    A board ranked on an eval dataset's split (`marsad_real.dev`) reads the training dataset's
    test split in-domain and that split of the eval datasets.
    """
    from marsad.leaderboard.table import latest_per_replicate, primary_metric_of

    runs, _ = latest_per_replicate(runs)  # a rerun replaces its earlier run, as on the board
    home = "test" if "." in split else split
    split = split.partition(".")[2] or split

    cells: dict[tuple[str, str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    has_transfer = False
    for run in runs:
        key = (run.tags["task"], run.tags.get("dataset", "?"), run.config_label)
        wanted = metric or run.tags.get("primary_metric") or primary_metric_of(key[0])
        own = run.metrics.get(f"{home}_{wanted}")
        if own is not None:
            cells[key][f"{key[1]}.{home}"].append(own)
        found: dict[str, dict[str, float]] = defaultdict(dict)  # eval dataset -> split -> value
        for name, value in run.metrics.items():
            match = ELSEWHERE.match(name)
            if match and match["metric"] == wanted:
                found[match["dataset"]][match["split"]] = value
        for other, by_split in found.items():
            # An eval set may hold a dev split alone: show that one.
            chosen = split if split in by_split else "dev" if "dev" in by_split else None
            if chosen is not None:
                cells[key][f"{other}.{chosen}"].append(by_split[chosen])
                has_transfer = True
    skipped = skipped_evaluations(runs)
    if not has_transfer:
        empty = pd.DataFrame()
        empty.attrs["skipped"] = skipped
        return empty
    frame = pd.DataFrame(
        {
            key: {column: float(np.mean(values)) for column, values in row.items()}
            for key, row in cells.items()
        }
    ).T
    frame.index.names = ["task", "trained on", "model"]
    frame = frame.sort_index()
    frame.attrs["skipped"] = skipped
    return frame


def skipped_evaluations(runs: list[RunRecord]) -> dict[str, int]:
    """Eval dataset -> how many runs skipped it because its data was not on their machine."""
    counts: dict[str, int] = defaultdict(int)
    for run in runs:
        for tag in run.tags:
            if tag.startswith("eval_skipped."):
                counts[tag.removeprefix("eval_skipped.")] += 1
    return dict(sorted(counts.items()))


def skipped_note(frame: pd.DataFrame) -> str:
    """One line saying which eval datasets the board lacks and why; empty when none."""
    skipped = frame.attrs.get("skipped") or {}
    return "; ".join(f"{name}: not scored in {n} runs (its data was not on the machine that ran them)"
                     for name, n in skipped.items())  # fmt: skip
