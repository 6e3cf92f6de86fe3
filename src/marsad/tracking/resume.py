"""`resume=true`: a job that already has a FINISHED run is not run again.

"The same job" is the same task, dataset, config id (model + preprocessing, `identity.config_id`)
and seed, then, once the data is loaded, the same data fingerprint and CV fold, and the same
fingerprints of every `eval_datasets` split it scores (a run scored on an older text of an eval
set, or without it, is run again). The first part is one search before anything is loaded; most
jobs of a fresh sweep stop there.
"""

from __future__ import annotations

JOB_TAGS = ("task", "dataset", "config_id", "seed")


def candidates(client, experiment_id: str, tags: dict[str, str]) -> list:
    """FINISHED runs of the experiment with this job's task, dataset, config id and seed."""
    clauses = ["attributes.status = 'FINISHED'"] + [f"tags.`{key}` = '{tags[key]}'" for key in JOB_TAGS]
    return client.search_runs(
        [experiment_id], " and ".join(clauses), order_by=["attributes.start_time DESC"], max_results=100
    )


def same_data(
    runs: list, fingerprint: str, cv_fold: str | None, eval_fingerprints: dict[str, str] | None = None
):
    """The most recent of `runs` trained on data with this fingerprint and fold and scored on eval
    splits with these fingerprints (`data_fingerprint.<name>.<split>` tags), or None."""
    wanted = {"data_fingerprint": fingerprint, "cv_fold": cv_fold, **(eval_fingerprints or {})}
    for run in runs:
        if all(run.data.tags.get(key) == value for key, value in wanted.items()):
            return run
    return None
