"""A dataset described entirely by its config: files, column mapping, label set and splits.

`conf/dataset/<name>.yaml` names this class as `_target_`; one entry under `tasks:` per task the
dataset serves. Loading returns canonical frames (`id`, the task's inputs, `label`, `split`)
that have passed every check in `validation`, with a content fingerprint. The steps live beside
it: `readers` (files), `join` (a second file by key), `shared_tail` (scraped teasers),
`row_selection`, `text_window`, `dedup`, `silver` (labels from rules) and `splits` (split policies).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from marsad.data import validation
from marsad.data.dedup import deduplicate, drop_duplicates_of_test
from marsad.data.fingerprint import combine_fingerprints, frame_fingerprint
from marsad.data.join import join_columns
from marsad.data.paths import resolve_data_root, resolve_path
from marsad.data.readers import read_table
from marsad.data.row_selection import select_rows
from marsad.data.shared_tail import apply_shared_tail
from marsad.data.silver import silver_labels
from marsad.data.splits import assign_splits, split_tags
from marsad.data.text_window import apply_text_window
from marsad.errors import ConfigError, DatasetError
from marsad.tasks import Task

log = logging.getLogger(__name__)


@dataclass
class LoadedSplits:
    """What a run trains and scores on: canonical frames per split, labels and fingerprints."""

    dataset: str
    task: str
    frames: dict[str, pd.DataFrame]
    label_names: list[str]
    fingerprint: str
    split_fingerprints: dict[str, str]
    files: list[str] = field(default_factory=list)
    label_spaces: dict[str, dict[str, str]] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # e.g. cv_fold, for the run's MLflow tags

    def sizes(self) -> dict[str, int]:
        return {split: len(frame) for split, frame in self.frames.items()}


class TableDataset:
    """One corpus, read from CSV, JSON Lines or Parquet files as its config says."""

    def __init__(
        self,
        name: str,
        tasks: dict[str, dict[str, Any]],
        card: dict[str, Any] | None = None,
        data_root: str | None = None,
    ) -> None:
        from marsad.data.cards import check_card

        self.name = name
        self.tasks = tasks
        self.card = card or {}
        check_card(name, self.card)
        self.data_root = resolve_data_root(data_root)

    def serves(self, task: str) -> bool:
        return task in self.tasks

    def check_columns(self, task: str) -> None:
        """Read the task's files and check that every column its config maps exists (for
        `marsad data verify`: a schema check without label rules or silver labelling)."""
        spec = self.tasks[task]
        frame = self._read_splits(spec, resolve_path(spec["path"], self.data_root))
        for source_file, part in frame.groupby("_file", sort=False):
            # Split files are concatenated: a column only another file has is all-NaN here.
            validation.require_columns(part.dropna(axis=1, how="all"), _needed_columns(spec), source_file)

    def load(self, task: Task, for_training: bool = True) -> LoadedSplits:
        """Canonical, validated splits. `for_training=False` loads an evaluation-only set
        (e.g. a held-out real test set), which needs no train split."""
        if not self.serves(task.name):
            raise ConfigError(
                f"dataset '{self.name}' does not serve task '{task.name}'; it serves: {sorted(self.tasks)}"
            )
        spec = self.tasks[task.name]
        folder = resolve_path(spec["path"], self.data_root)
        frame = self._read_splits(spec, folder)
        frame = self._canonical(frame, spec, task)
        multi = task.label_kind == "multi"
        label_column = _source(spec, "label") or "silver_labels"
        validation.require_unique_ids(frame, _source(spec, "id") or "id")
        validation.require_known_labels(frame, list(spec["labels"]), multi, label_column)
        if for_training:
            validation.require_labels_seen_in_train(frame, multi, label_column)

        columns = ["id", *task.inputs, "label"]
        frames = {s: frame[frame["split"] == s].reset_index(drop=True) for s in validation.SPLITS}
        frames = {s: f for s, f in frames.items() if len(f)}
        if for_training and ("train" not in frames or "test" not in frames):
            raise DatasetError(
                f"dataset '{self.name}' has splits {sorted(frames)}; expected at least train and test",
                file=str(folder),
            )
        split_prints = {s: frame_fingerprint(f, columns) for s, f in frames.items()}
        return LoadedSplits(
            dataset=self.name,
            task=task.name,
            frames=frames,
            label_names=list(spec["labels"]),
            fingerprint=combine_fingerprints(split_prints),
            split_fingerprints=split_prints,
            files=sorted(frame["_file"].unique()),
            label_spaces=dict(spec.get("label_spaces") or {}),
            tags=split_tags(spec.get("split", {})),
        )

    def _read_splits(self, spec: dict[str, Any], folder: Path) -> pd.DataFrame:
        """Official split files, or one file split by a column or by a seeded policy."""
        split_spec = spec.get("split", {})
        if "splits" in spec:
            parts = []
            for split, name in spec["splits"].items():
                if split not in validation.SPLITS:
                    raise ConfigError(
                        f"dataset '{self.name}': split '{split}' is not one of {validation.SPLITS}"
                    )
                part = read_table(folder / name, spec.get("format"), spec.get("explode"))
                part["_split"], part["_file"] = split, str(folder / name)
                parts.append(part)
            return pd.concat(parts, ignore_index=True)
        path = folder / spec["file"]
        frame = read_table(path, spec.get("format"), spec.get("explode"))
        if "_file" not in frame:  # a folder reader names each record's own file
            frame["_file"] = str(path)
        if "shared_tail" in spec:  # judged over the whole file, before rows are selected
            frame = apply_shared_tail(frame, dict(spec["shared_tail"]), f"dataset '{self.name}'", path)
        if "join" in spec:
            frame = join_columns(frame, spec["join"], folder, self.data_root)
        frame = select_rows(frame, spec, str(path))
        if "column" in split_spec:
            validation.require_columns(frame, {"split": split_spec["column"]}, str(path))
            frame["_split"] = frame[split_spec["column"]].astype(str)
        return frame

    def _canonical(self, frame: pd.DataFrame, spec: dict[str, Any], task: Task) -> pd.DataFrame:
        columns = spec["columns"]
        file = frame["_file"].iloc[0] if len(frame) else str(spec.get("path"))
        needed = _needed_columns(spec)
        missing_inputs = [f for f in (*task.inputs, "label") if f not in columns]
        if "silver_labels" in spec and "label" in missing_inputs:
            missing_inputs.remove("label")
        if missing_inputs:
            raise ConfigError(
                f"dataset '{self.name}', task '{task.name}': `columns` must map {missing_inputs}"
            )
        for source_file, part in frame.groupby("_file", sort=False):
            validation.require_columns(part, needed, source_file)

        out = pd.DataFrame({"_row": frame["_row"], "_file": frame["_file"]})
        out["split"] = frame.get("_split")
        for field_name in task.inputs:
            source = columns[field_name]
            # A list of columns (e.g. title and body) is joined into one text, paragraph-wise.
            if isinstance(source, list):
                first, *rest = (frame[c].astype(str) for c in source)
                out[field_name] = first.str.cat(list(rest), sep="\n") if rest else first
            else:
                out[field_name] = frame[source]
        if "text_window" in spec:
            out = apply_text_window(out, dict(spec["text_window"]))
        for field_name in task.inputs:
            validation.require_text(out, field_name, "+".join(_as_list(columns[field_name])))
        if "silver_labels" in spec:
            out["label"] = silver_labels(spec, task, out)
        else:
            out["label"] = self._labels(frame[columns["label"]], task, spec)
        id_column = columns.get("id")
        # Without an id column, the id is the file's split (or "row") and the record number.
        prefix = frame["_split"].astype(str) if "_split" in frame else "row"
        out["id"] = (
            frame[id_column].astype(str)
            if id_column
            else prefix + "-" + frame["_row"].astype(str).str.zfill(6)
        )
        if "dedup" in spec:  # before splitting: duplicates would straddle train and test
            settings = dict(spec["dedup"])
            column = settings.pop("column", None)
            if column:
                validation.require_columns(frame, {"dedup.column": column}, file)
            out = deduplicate(out, settings, frame.loc[out.index, column] if column else None)
        if "policy" in spec.get("split", {}):
            folder = resolve_path(spec["path"], self.data_root)
            out["split"] = assign_splits(self.name, out, frame.loc[out.index], spec["split"], folder)
        elif out["split"].isna().any():
            raise ConfigError(f"dataset '{self.name}': set `splits`, `split.column` or `split.policy`")
        bad = ~out["split"].isin(validation.SPLITS)
        if bad.any():
            row = out.loc[bad].iloc[0]
            raise DatasetError(
                f"split {row['split']!r} is not one of {validation.SPLITS}",
                file=file,
                row=int(row["_row"]),
                field=spec.get("split", {}).get("column", "split"),
            )
        if "dedup_across_splits" in spec:  # after splitting: train/dev rows that repeat a test text
            settings = dict(spec["dedup_across_splits"])
            column = settings.pop("column", None)
            out = drop_duplicates_of_test(out, settings, frame.loc[out.index, column] if column else None)
        return out

    def _labels(self, values: pd.Series, task: Task, spec: dict[str, Any]) -> pd.Series:
        if task.label_kind == "single":
            return values.astype(str).str.strip()
        separator = spec.get("label_separator", "|")

        def as_list(value: Any) -> list[str]:
            if isinstance(value, str):
                return [v.strip() for v in value.split(separator) if v.strip()]
            return [str(v) for v in value] if value is not None else []

        return values.map(as_list)


def _as_list(value: Any) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _needed_columns(spec: dict[str, Any]) -> dict[str, str]:
    """Canonical field -> source column for every column the task's `columns` maps."""
    columns = spec["columns"]
    needed = {f: c for f, c in columns.items() if isinstance(c, str)}
    needed.update(
        {f"{f}[{i}]": c for f, cs in columns.items() if isinstance(cs, list) for i, c in enumerate(cs)}
    )
    return needed


def _source(spec: dict[str, Any], field_name: str) -> str | None:
    column = spec["columns"].get(field_name)
    return "+".join(column) if isinstance(column, list) else column
