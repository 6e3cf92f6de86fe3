"""Content fingerprints: a short SHA-256 of what a model is trained and scored on.

The hash covers ids, inputs and labels in split order, not file bytes, so the same data read
from CSV or Parquet has one fingerprint, and any changed text or label gives a new one.
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd


def frame_fingerprint(frame: pd.DataFrame, columns: list[str]) -> str:
    digest = hashlib.sha256()
    for row in frame[columns].itertuples(index=False, name=None):
        digest.update(json.dumps(row, ensure_ascii=False, default=list).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def combine_fingerprints(parts: dict[str, str]) -> str:
    joined = "\n".join(f"{name}={value}" for name, value in sorted(parts.items()))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]
