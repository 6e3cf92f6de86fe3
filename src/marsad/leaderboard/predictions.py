"""Per-example predictions of a run, read from its `predictions.parquet` artifact.

A finished run's artifacts never change, so what is read is cached: in memory for this
process, and on disk (under `cache_dir("predictions")`) when the artifact store is remote.
A local artifact store is read in place, which is as fast as any cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from marsad.cache import cache_dir
from marsad.leaderboard.runs import LeaderboardError, RunRecord

ARTIFACT = "predictions.parquet"
COLUMNS = ["id", "split", "gold", "predicted"]


def _local_path(artifact_uri: str) -> Path | None:
    parsed = urlparse(artifact_uri)
    if parsed.scheme in ("", "file"):
        return Path(unquote(parsed.path)) / ARTIFACT
    return None


def _path(run_id: str, artifact_uri: str, tracking_uri: str | None) -> Path:
    path = _local_path(artifact_uri)
    if path is not None and path.exists():
        return path
    path = cache_dir("predictions") / f"{run_id}.parquet"
    if not path.exists():
        import mlflow.artifacts
        from mlflow.exceptions import MlflowException

        try:  # through the store the run was read from (mlflow-artifacts: URIs name no host)
            downloaded = mlflow.artifacts.download_artifacts(
                artifact_uri=f"{artifact_uri}/{ARTIFACT}", tracking_uri=tracking_uri
            )
        except (MlflowException, OSError) as err:  # OSError: requests' connection errors too
            raise LeaderboardError(
                f"run {run_id}: cannot download {artifact_uri}/{ARTIFACT} through {tracking_uri}: {err}"
            ) from err
        partial = path.with_suffix(f".{os.getpid()}.part")  # never a half-written cache entry
        shutil.copyfile(downloaded, partial)
        partial.replace(path)
    return path


PREFETCH_THREADS = 8


def prefetch(runs: list[RunRecord], threads: int = PREFETCH_THREADS) -> int:
    """Download the predictions of runs not yet cached, several at a time (a remote store answers
    one request per round trip: 5,000 one by one took minutes). Returns how many were fetched."""
    from concurrent.futures import ThreadPoolExecutor

    missing = [
        r for r in runs
        if not ((local := _local_path(r.artifact_uri)) is not None and local.exists())
        and not (cache_dir("predictions") / f"{r.run_id}.parquet").exists()
    ]  # fmt: skip
    if not missing:
        return 0
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda r: _path(r.run_id, r.artifact_uri, r.tracking_uri), missing))
    return len(missing)


def _split_table(
    run_id: str, artifact_uri: str, tracking_uri: str | None, label: str, split: str, columns: list[str]
) -> pa.Table:
    table = pq.read_table(_path(run_id, artifact_uri, tracking_uri), columns=columns)
    selected = table.filter(pc.equal(table["split"], split))
    if selected.num_rows == 0:
        raise LeaderboardError(
            f"run {run_id} ({label}) has no predictions for split '{split}'; "
            f"it has {sorted(pc.unique(table['split']).to_pylist())}"
        )
    return selected.sort_by("id")


@dataclass(frozen=True)
class ScoredExamples:
    """One run's examples of a split, sorted by id, with gold and predicted label indicators."""

    ids: np.ndarray
    gold: np.ndarray  # bool, examples × labels
    predicted: np.ndarray
    fingerprint: str  # of ids and gold labels: what was scored
    label_kind: str  # "multi" when gold was logged as a list of labels per example
    groups: np.ndarray | None = None  # the bootstrap's unit (stance: the claim); None in older runs


def _indicators(column: pa.ChunkedArray, label_names: list[str], where: str) -> np.ndarray:
    """Label names (one per example, or a list each) to a boolean matrix, without a Python loop."""
    value_set = pa.array(label_names)
    column = column.combine_chunks()
    matrix = np.zeros((len(column), len(label_names)), dtype=bool)
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        values, rows = pc.list_flatten(column), pc.list_parent_indices(column).to_numpy()
    else:
        values, rows = column, np.arange(len(column))
    if pa.types.is_null(values.type):  # e.g. a model that predicted no actor for any example
        values = values.cast(pa.string())
    codes = pc.index_in(values, value_set=value_set)
    if codes.null_count:
        unknown = sorted(set(pc.filter(values, pc.is_null(codes)).to_pylist()))
        raise LeaderboardError(f"{where}: labels {unknown} are not in the run's label set {label_names}")
    matrix[rows, codes.to_numpy()] = True
    return matrix


def run_examples(run: RunRecord, split: str, label_names: list[str]) -> ScoredExamples:
    """What a run scored on `split` (e.g. 'test' or 'marsad_real.dev'); cached per process."""
    return _examples(
        run.run_id, run.artifact_uri, run.tracking_uri, split, tuple(label_names), run.config_label
    )


@lru_cache(maxsize=8192)
def _examples(
    run_id: str, artifact_uri: str, tracking_uri: str | None, split: str, labels: tuple[str, ...], label: str
) -> ScoredExamples:
    path = _path(run_id, artifact_uri, tracking_uri)
    columns = COLUMNS + (["group"] if "group" in pq.read_schema(path).names else [])
    table = _split_table(run_id, artifact_uri, tracking_uri, label, split, columns)
    where = f"run {run_id} predictions.parquet ({split})"
    ids = table["id"].to_numpy()
    gold = _indicators(table["gold"], list(labels), where)
    digest = hashlib.sha256("\x1f".join(map(str, ids)).encode() + np.packbits(gold).tobytes()).hexdigest()
    predicted = _indicators(table["predicted"], list(labels), where)
    kind = (
        "multi"
        if pa.types.is_list(table["gold"].type) or pa.types.is_large_list(table["gold"].type)
        else "single"
    )
    groups = table["group"].to_numpy() if "group" in columns else None
    return ScoredExamples(ids, gold, predicted, "p" + digest[:15], kind, groups)


def run_predictions(run: RunRecord, split: str) -> pd.DataFrame:
    """The run's predictions on `split` as a frame (id, gold, predicted and, if logged, text)."""
    path = _path(run.run_id, run.artifact_uri, run.tracking_uri)
    columns = COLUMNS + (["text"] if "text" in pq.read_schema(path).names else [])
    return _split_table(
        run.run_id, run.artifact_uri, run.tracking_uri, run.config_label, split, columns
    ).to_pandas()
