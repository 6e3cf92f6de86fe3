"""Row selection declared in a task's config: keep some sections, drop exact-duplicate texts.

    where: {category: [middleEast, internationalNews]}   # keep rows whose value is listed
    drop_duplicates: [title, text]                        # keep the first of identical rows

Both run after reading (and joining), before labels and splits, so that a text filed twice
cannot land in train and in test.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from marsad.data import validation


def select_rows(frame: pd.DataFrame, spec: dict[str, Any], file: str) -> pd.DataFrame:
    """The rows a task uses, in file order; `file` names the source in error messages."""
    where = spec.get("where") or {}
    duplicates = list(spec.get("drop_duplicates") or [])
    validation.require_columns(frame, {f"where.{c}": c for c in where}, file)
    validation.require_columns(frame, {f"drop_duplicates[{i}]": c for i, c in enumerate(duplicates)}, file)
    for column, allowed in where.items():
        allowed = allowed if isinstance(allowed, list | tuple) else [allowed]
        frame = frame[frame[column].astype(str).isin([str(v) for v in allowed])]
    if duplicates:
        frame = frame[~frame[duplicates].astype(str).duplicated(keep="first")]
    return frame.reset_index(drop=True)
