"""`join:` in a dataset config: add the columns of a second file, matched by key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from marsad.data import validation
from marsad.data.paths import resolve_path
from marsad.data.readers import read_table
from marsad.data.shared_tail import apply_shared_tail
from marsad.errors import DatasetError


def join_columns(
    frame: pd.DataFrame, join: dict[str, Any], folder: Path, data_root: Path | None
) -> pd.DataFrame:
    """Add the columns of a second file, matched by key (e.g. stance pairs -> article text,
    or labels -> the text of a corpus we must not copy)."""
    other_path = resolve_path(join["path"], data_root) if "path" in join else folder / join["file"]
    other = read_table(other_path, join.get("format"))
    on, key = join["column"], join.get("key", "id")
    validation.require_columns(frame, {on: on}, frame["_file"].iloc[0])
    validation.require_columns(other, {key: key}, str(other_path))
    keep = [c for c in other.columns if c not in frame.columns or c == key]
    other = other[keep].drop_duplicates(subset=key).rename(columns={key: "_join_key"})
    merged = frame.merge(other.drop(columns="_row", errors="ignore"), how="left",
                         left_on=on, right_on="_join_key", indicator=True)  # fmt: skip
    missing = merged["_merge"] == "left_only"
    if missing.any():
        row = merged.loc[missing].iloc[0]
        raise DatasetError(
            f"{on} {row[on]!r} has no match in {other_path} (key '{key}'); "
            f"{int(missing.sum())} row(s) unmatched",
            file=row["_file"], row=int(row["_row"]), field=on,
        )  # fmt: skip
    merged = merged.drop(columns=["_merge", "_join_key"])
    if "shared_tail" in join:  # judged over the whole joined file, applied to the matched rows
        merged = apply_shared_tail(
            merged, dict(join["shared_tail"]), f"join of {other_path}", other_path, corpus=other
        )
    return merged
