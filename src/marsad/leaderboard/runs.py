"""Find the finished Marsad runs a leaderboard ranks, using nothing but MLflow's search API.

Through a tracking server, searching thousands of runs is the slow part of a board (5,000 runs:
about 25 s of the server assembling them). Finished runs do not change, so the records read
are kept on disk (`cache_dir("runs")`, one file per server, experiments and filter) and the
next board asks only for runs that ended since (less 5 min, for clocks that disagree), and
drops runs deleted since. Local stores are searched directly.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass

from marsad.errors import MarsadError


class LeaderboardError(MarsadError):
    """Runs that cannot be ranked together, or a selection that matches nothing."""


@dataclass
class RunRecord:
    run_id: str
    experiment_id: str
    tags: dict[str, str]
    metrics: dict[str, float]
    artifact_uri: str
    start_time: int = 0
    name: str = ""
    tracking_uri: str | None = None  # the store it was read from: its artifacts are read there too

    @property
    def config_label(self) -> str:
        """What a leaderboard row stands for: the model config, its overrides (`model_changes`)
        and the preprocessing if not the default."""
        label = self.tags.get("model", "?")
        if self.tags.get("model_changes"):
            label += f" {{{self.tags['model_changes']}}}"
        if self.tags.get("preprocess", "normalize") != "normalize":
            label += f" [{self.tags['preprocess']}]"
        return label

    @property
    def config_key(self) -> str:
        """Runs that differ only in seed (and CV fold) share this key."""
        return self.tags.get("config_id") or self.config_label


def experiment_ids(client, names: tuple[str, ...] | list[str]) -> list[str]:
    if not names:
        return [e.experiment_id for e in client.search_experiments()]
    ids = []
    for name in names:
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            known = sorted(e.name for e in client.search_experiments())
            raise LeaderboardError(
                f"no MLflow experiment named '{name}' at this tracking URI; known: {known}"
            )
        ids.append(experiment.experiment_id)
    return ids


def _search(client, ids: list[str], filter_string: str, view=None) -> list:
    from mlflow.entities import ViewType

    runs, token = [], None
    while True:
        page = client.search_runs(ids, filter_string=filter_string, max_results=5000, page_token=token,
                                  run_view_type=view or ViewType.ACTIVE_ONLY)  # fmt: skip
        runs.extend(page)
        token = page.token
        if not token:
            return runs


CLOCK_MARGIN_MS = 300_000  # re-read runs that ended up to 5 min before the newest cached (clock skew)


def _finished_records(client, ids: list[str], filter_string: str) -> list[RunRecord]:
    uri = client.tracking_uri
    if not str(uri).startswith(("http://", "https://")):
        return [_record(run, uri) for run in _search(client, ids, filter_string)]
    from mlflow.entities import ViewType

    from marsad.cache import cache_dir

    # RunRecord's fields are in the key: a record cached by a Marsad with other fields is not read.
    fields = tuple(RunRecord.__dataclass_fields__)
    key = hashlib.sha256(repr((fields, uri, sorted(ids), filter_string)).encode()).hexdigest()[:24]
    path = cache_dir("runs") / f"{key}.pkl"
    cached = pickle.loads(path.read_bytes()) if path.exists() else {"records": {}, "newest_end": None}
    since = (
        ""
        if cached["newest_end"] is None
        else f" and attributes.end_time > {cached['newest_end'] - CLOCK_MARGIN_MS}"
    )
    records: dict[str, RunRecord] = cached["records"]
    newest = cached["newest_end"] or 0
    for run in _search(client, ids, filter_string + since):
        records[run.info.run_id] = _record(run, uri)
        newest = max(newest, run.info.end_time or 0)
    if cached["newest_end"] is not None:
        for run in _search(client, ids, filter_string, view=ViewType.DELETED_ONLY):
            records.pop(run.info.run_id, None)
    partial = path.with_suffix(f".{os.getpid()}.part")  # two boards at once never share one
    partial.write_bytes(pickle.dumps({"records": records, "newest_end": newest}))
    partial.replace(path)
    return list(records.values())


def latest_sweep(client, ids: list[str]) -> str:
    sweeps = _search(client, ids, "tags.`marsad.role` = 'sweep'")
    if not sweeps:
        raise LeaderboardError("no sweep found: run `marsad-run --multirun ...` first, or drop --sweep")
    return max(sweeps, key=lambda r: r.info.start_time).data.tags["marsad.sweep_id"]


def find_runs(
    client,
    experiments: tuple[str, ...] | list[str] = (),
    task: str | None = None,
    dataset: str | None = None,
    sweep: str | None = None,
    model: tuple[str, ...] | list[str] = (),
) -> list[RunRecord]:
    """Finished training runs (not sweep parents or summaries) matching the filters."""
    ids = experiment_ids(client, experiments)
    if sweep == "latest":
        sweep = latest_sweep(client, ids)
    clauses = ["attributes.status = 'FINISHED'"]
    for tag, value in (("task", task), ("dataset", dataset), ("marsad.sweep_id", sweep)):
        if value:
            clauses.append(f"tags.`{tag}` = '{value}'")
    records = []
    for record in _finished_records(client, ids, " and ".join(clauses)):
        tags = record.tags
        if "task" not in tags or tags.get("marsad.role"):
            continue
        if model and tags.get("model") not in model:
            continue
        records.append(record)
    return sorted(records, key=lambda r: (-r.start_time, r.run_id))  # MLflow's order: newest first


def _record(run, tracking_uri: str | None = None) -> RunRecord:
    return RunRecord(
        run_id=run.info.run_id,
        experiment_id=run.info.experiment_id,
        tags=dict(run.data.tags),
        metrics=dict(run.data.metrics),
        artifact_uri=run.info.artifact_uri,
        start_time=run.info.start_time or 0,
        name=run.info.run_name or "",
        tracking_uri=tracking_uri,
    )


def run_record(client, run_id: str) -> RunRecord:
    """One run by id, with a clear error when it does not exist or is not a Marsad training run."""
    from mlflow.exceptions import MlflowException

    try:
        run = client.get_run(run_id)
    except MlflowException as err:
        raise LeaderboardError(f"no run '{run_id}' at {client.tracking_uri}: {err.message}") from err
    if "task" not in run.data.tags:
        raise LeaderboardError(f"run {run_id} is not a Marsad training run (it has no 'task' tag)")
    return _record(run, client.tracking_uri)
