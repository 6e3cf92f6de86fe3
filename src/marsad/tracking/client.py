"""The one way Marsad opens an MLflow tracking store: which URI, and a client bound to it.

Every command that reads or writes runs goes through here, with the URI it was given: nothing
relies on MLflow's process-global tracking URI, so one process can use several stores.
"""

from __future__ import annotations

import os
from functools import cache

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"


def resolve_uri(uri: str | None) -> str:
    """The URI given, else `$MLFLOW_TRACKING_URI`, else the local sqlite file."""
    return uri or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def tracking_client(uri: str | None = None):
    """An `MlflowClient` bound to `uri` (resolved as `resolve_uri` does)."""
    from mlflow.tracking import MlflowClient

    return MlflowClient(resolve_uri(uri))


@cache
def experiment_id(uri: str, name: str) -> str:
    """The id of experiment `name` at `uri`, created if missing; cached per process."""
    from mlflow.exceptions import MlflowException

    client = tracking_client(uri)
    found = client.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    try:
        return client.create_experiment(name)
    except MlflowException:  # another worker created it first
        found = client.get_experiment_by_name(name)
        if found is None:
            raise
        return found.experiment_id
