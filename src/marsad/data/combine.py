"""Training on two datasets at once: one dataset's splits, with other datasets' train splits
added to its train split (`train_with`). Real news is small and skewed to `political`/`other`;
the bundled corpus covers the rare topics, so the benchmark's real-news tasks train on both."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from marsad.data.fingerprint import combine_fingerprints
from marsad.data.table_dataset import LoadedSplits
from marsad.errors import ConfigError


def check_same_labels(home: str, home_labels: list[str], other: str, other_labels: list[str]) -> None:
    """Datasets trained together must share one label set, in one order (the encoding's)."""
    if list(other_labels) != list(home_labels):
        raise ConfigError(
            f"train_with dataset '{other}' has labels {list(other_labels)}; expected those of "
            f"'{home}' ({list(home_labels)}), in that order"
        )


def add_training_data(data: LoadedSplits, extra: list[LoadedSplits]) -> LoadedSplits:
    """`data` with each `extra` dataset's train split appended to its train split.

    The train fingerprint covers every part, so resume and the leaderboard tell a combined run
    from one on `data` alone; `dataset_name` becomes 'home+other' for the same reason. Ids stay
    as they were: only the train split is combined, and train predictions are never logged.
    """
    if not extra:
        return data
    for other in extra:
        check_same_labels(data.dataset, data.label_names, other.dataset, other.label_names)
    train = pd.concat([data.frames["train"], *(o.frames["train"] for o in extra)], ignore_index=True)
    parts = {data.dataset: data.split_fingerprints["train"]}
    parts.update({o.dataset: o.split_fingerprints["train"] for o in extra})
    split_prints = {**data.split_fingerprints, "train": combine_fingerprints(parts)}
    tags = {**data.tags, "train_with": ",".join(o.dataset for o in extra)}
    tags.update({f"data_fingerprint.{name}.train": value for name, value in parts.items()})
    return replace(
        data,
        dataset="+".join([data.dataset, *(o.dataset for o in extra)]),
        frames={**data.frames, "train": train},
        fingerprint=combine_fingerprints(split_prints),
        split_fingerprints=split_prints,
        files=sorted({*data.files, *(f for o in extra for f in o.files)}),
        tags=tags,
    )
