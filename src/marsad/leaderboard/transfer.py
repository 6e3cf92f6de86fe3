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

    Columns are the `split` (default test) of the training dataset and of every eval dataset,
    so each row reads in-domain vs transfer.
    `metric` defaults to each task's primary metric. Empty when no run was evaluated elsewhere.
    """
    from marsad.leaderboard.table import primary_metric_of

    cells: dict[tuple[str, str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    has_transfer = False
    for run in runs:
        key = (run.tags["task"], run.tags.get("dataset", "?"), run.config_label)
        wanted = metric or run.tags.get("primary_metric") or primary_metric_of(key[0])
        own = run.metrics.get(f"{split}_{wanted}")
        if own is not None:
            cells[key][f"{key[1]}.{split}"].append(own)
        for name, value in run.metrics.items():
            match = ELSEWHERE.match(name)
            if match and match["metric"] == wanted and match["split"] == split:
                cells[key][f"{match['dataset']}.{match['split']}"].append(value)
                has_transfer = True
    if not has_transfer:
        return pd.DataFrame()
    frame = pd.DataFrame(
        {
            key: {column: float(np.mean(values)) for column, values in row.items()}
            for key, row in cells.items()
        }
    ).T
    frame.index.names = ["task", "trained on", "model"]
    return frame.sort_index()
