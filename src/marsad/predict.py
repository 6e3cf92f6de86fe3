"""Classify new text with a logged model: a run id, `runs:/...`, or a registered `models:/...`.

The run's tags say which task the model solves and its label order, so the caller only
supplies text (and claims, for stance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from marsad.errors import MarsadError

RUN_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class LoadedModel:
    estimator: object
    task: str
    label_names: list[str]
    run_id: str
    model_name: str


def resolve_model(client, reference: str) -> tuple[str, str]:
    """(model URI, run id) for a run id, runs:/ID/model, models:/NAME/VERSION or models:/NAME@ALIAS."""
    from mlflow.exceptions import MlflowException

    try:
        if RUN_ID.match(reference):
            return f"runs:/{reference}/model", reference
        if reference.startswith("runs:/"):
            return reference, reference.split("/")[1]
        if reference.startswith("models:/"):
            name_part = reference[len("models:/") :]
            if "@" in name_part:
                name, alias = name_part.split("@", 1)
                version = client.get_model_version_by_alias(name, alias)
            else:
                name, number = name_part.rsplit("/", 1)
                version = client.get_model_version(name, number)
            return reference, version.run_id
    except MlflowException as err:
        raise MarsadError(f"cannot find model '{reference}': {err.message}") from err
    raise MarsadError(
        f"'{reference}' is not a model reference: give a run id (32 hex characters), runs:/RUN_ID/model, "
        "models:/NAME/VERSION or models:/NAME@ALIAS"
    )


def artifact_location(client, uri: str) -> str:
    """Where the model behind `uri` is stored (e.g. `mlflow-artifacts:/...` on a server), found
    through `client`: MLflow resolves `runs:/` and `models:/` URIs of MLflow 3 logged models
    through the process-global tracking URI (ModelsArtifactRepository), not the one given."""
    if uri.startswith("models:/"):
        name_part = uri[len("models:/") :]
        if "@" in name_part:
            name, alias = name_part.split("@", 1)
            version = client.get_model_version_by_alias(name, alias).version
        else:
            name, version = name_part.rsplit("/", 1)
        uri = client.get_model_version_download_uri(name, version)
    if uri.startswith("models:/m-"):  # a logged model id
        return client.get_logged_model(uri[len("models:/") :].split("/")[0]).artifact_location
    if not uri.startswith("runs:/"):
        return uri
    run_id, _, path = uri[len("runs:/") :].partition("/")
    name, _, rest = path.partition("/")
    run = client.get_run(run_id)
    models = client.search_logged_models(
        experiment_ids=[run.info.experiment_id], filter_string=f"name = '{name}'", max_results=1000
    )
    for model in models:
        if model.source_run_id == run_id:
            return f"{model.artifact_location}/{rest}".rstrip("/")
    return f"{run.info.artifact_uri}/{path}"  # a model logged among the run's own artifacts


def load_model(client, reference: str) -> LoadedModel:
    import mlflow.artifacts
    import mlflow.sklearn
    from mlflow.exceptions import MlflowException

    uri, run_id = resolve_model(client, reference)
    try:
        tags = client.get_run(run_id).data.tags
        # Downloaded through this client's store, then loaded from disk: MLflow's global
        # tracking URI may name another store.
        local = mlflow.artifacts.download_artifacts(
            artifact_uri=artifact_location(client, uri), tracking_uri=client.tracking_uri
        )
        estimator = mlflow.sklearn.load_model(local)
    except (MlflowException, OSError) as err:
        raise MarsadError(f"cannot load model '{reference}' ({uri}): {err}") from err
    if "task" not in tags or "label_set" not in tags:
        raise MarsadError(f"run {run_id} has no 'task'/'label_set' tags: it was not logged by marsad-run")
    return LoadedModel(estimator, tags["task"], tags["label_set"].split(","), run_id, tags.get("model", "?"))


def predict_texts(model: LoadedModel, texts: list[str], claims: list[str] | None = None) -> list[dict]:
    """One result per text (or per claim × text for stance) with every label's score.

    Scores are probabilities for probabilistic models and decision scores otherwise, in the
    model's own scale, as logged in its predictions.
    """
    from marsad.evaluation import predict_with_scores

    if model.task == "stance":
        if not claims:
            raise MarsadError("a stance model needs claims: pass --claim TEXT (repeatable) or --claims-file")
        frame = pd.DataFrame([(c, t) for t in texts for c in claims], columns=["claim", "text"])
        X = frame
    else:
        frame = pd.DataFrame({"text": texts})
        X = frame["text"]
    predicted, scores = predict_with_scores(model.estimator, X, len(model.label_names))
    results = []
    for row in range(len(frame)):
        if predicted.ndim == 2:
            label = [model.label_names[j] for j in np.flatnonzero(predicted[row])]
        else:
            label = model.label_names[int(predicted[row])]
        entry = {"label": label, "scores": dict(zip(model.label_names, map(float, scores[row])))}
        if model.task == "stance":
            entry = {"claim": frame["claim"].iloc[row], **entry}
        results.append(entry)
    return results
