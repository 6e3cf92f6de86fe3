"""Checks that turn a malformed data file into one clear error naming file, row and field."""

from __future__ import annotations

import pandas as pd

from marsad.errors import DatasetError

SPLITS = ("train", "dev", "test")


def require_columns(frame: pd.DataFrame, needed: dict[str, str], file: str) -> None:
    """`needed` maps canonical field -> source column."""
    present = [c for c in frame.columns if not c.startswith("_")]  # not our bookkeeping
    for field, column in needed.items():
        if column not in frame.columns:
            raise DatasetError(
                f"column '{column}' (the dataset's `{field}` field) not found; columns present: {present}",
                file=file,
                field=column,
            )


def require_text(frame: pd.DataFrame, field: str, source_column: str) -> None:
    empty = frame[field].isna() | (frame[field].astype(str).str.strip() == "")
    if empty.any():
        row = frame.loc[empty].iloc[0]
        raise DatasetError(
            f"empty text ({int(empty.sum())} row(s) in all); expected a non-empty string",
            file=row["_file"],
            row=int(row["_row"]),
            field=source_column,
        )


def require_known_labels(
    frame: pd.DataFrame, label_names: list[str], multi: bool, source_column: str
) -> None:
    allowed = set(label_names)
    for label, file, row in zip(frame["label"], frame["_file"], frame["_row"]):
        unknown = [v for v in label if v not in allowed] if multi else ([] if label in allowed else [label])
        if unknown:
            raise DatasetError(
                f"label {unknown[0]!r} is not in the declared label set {label_names}",
                file=file,
                row=int(row),
                field=source_column,
            )


def require_unique_ids(frame: pd.DataFrame, source_column: str) -> None:
    duplicated = frame["id"].duplicated(keep="first")
    if duplicated.any():
        second = frame.loc[duplicated].iloc[0]
        first = frame.loc[frame["id"] == second["id"]].iloc[0]
        raise DatasetError(
            f"duplicate id {second['id']!r} (first seen in {first['_file']}, row {int(first['_row'])}); "
            "expected each id once across all splits",
            file=second["_file"],
            row=int(second["_row"]),
            field=source_column,
        )


def require_labels_seen_in_train(frame: pd.DataFrame, multi: bool, source_column: str) -> None:
    """A label that only dev or test carry cannot be learnt, and silently skews macro scores."""
    values = frame["label"].explode() if multi else frame["label"]
    in_train = set(values[frame["split"] == "train"].dropna())
    for split in ("dev", "test"):
        rows = frame[frame["split"] == split]
        split_values = rows["label"].explode() if multi else rows["label"]
        for index, value in split_values.dropna().items():
            if value not in in_train:
                row = rows.loc[index]
                raise DatasetError(
                    f"label {value!r} occurs in the {split} split but never in train; "
                    "expected every evaluated label to have training examples",
                    file=row["_file"],
                    row=int(row["_row"]),
                    field=source_column,
                )
