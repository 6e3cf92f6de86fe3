"""Find the finished Marsad runs a leaderboard ranks, using nothing but MLflow's search API."""

from __future__ import annotations

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


def _search(client, ids: list[str], filter_string: str) -> list:
    runs, token = [], None
    while True:
        page = client.search_runs(ids, filter_string=filter_string, max_results=5000, page_token=token)
        runs.extend(page)
        token = page.token
        if not token:
            return runs


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
    for run in _search(client, ids, " and ".join(clauses)):
        tags = run.data.tags
        if "task" not in tags or tags.get("marsad.role"):
            continue
        if model and tags.get("model") not in model:
            continue
        records.append(_record(run, client.tracking_uri))
    return records


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
