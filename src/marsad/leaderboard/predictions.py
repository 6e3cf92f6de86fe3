"""Per-example predictions of a run, read from its `predictions.parquet` artifact.

A finished run's artifacts never change, so what is read is cached: in memory for this
process, and on disk (under `cache_dir("predictions")`) when the artifact store is remote.
A local artifact store is read in place, which is as fast as any cache.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd

from marsad.cache import cache_dir
from marsad.leaderboard.runs import LeaderboardError, RunRecord

ARTIFACT = "predictions.parquet"
COLUMNS = ["id", "split", "gold", "predicted"]


def _local_path(artifact_uri: str) -> Path | None:
    parsed = urlparse(artifact_uri)
    if parsed.scheme in ("", "file"):
        return Path(unquote(parsed.path)) / ARTIFACT
    return None


@lru_cache(maxsize=4096)
def _read(run_id: str, artifact_uri: str, with_preview: bool) -> pd.DataFrame:
    path = _local_path(artifact_uri)
    if path is None or not path.exists():
        path = cache_dir("predictions") / f"{run_id}.parquet"
        if not path.exists():
            import mlflow.artifacts

            try:
                downloaded = mlflow.artifacts.download_artifacts(artifact_uri=f"{artifact_uri}/{ARTIFACT}")
            except Exception as err:  # the store's own error types vary by backend
                raise LeaderboardError(f"run {run_id}: cannot read its {ARTIFACT} artifact: {err}") from err
            shutil.copyfile(downloaded, path)
    columns = COLUMNS + (["text"] if with_preview else [])
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception:
        if with_preview:  # runs logged before text previews existed
            return pd.read_parquet(path, columns=COLUMNS)
        raise


def run_predictions(run: RunRecord, split: str, with_preview: bool = False) -> pd.DataFrame:
    """The run's predictions on `split` (e.g. 'test' or 'marsad_real.dev'), sorted by example id."""
    frame = _read(run.run_id, run.artifact_uri, with_preview)
    selected = frame[frame["split"] == split]
    if selected.empty:
        raise LeaderboardError(
            f"run {run.run_id} ({run.config_label}) has no predictions for split '{split}'; "
            f"it has {sorted(frame['split'].unique())}"
        )
    return selected.sort_values("id", kind="stable").reset_index(drop=True)
