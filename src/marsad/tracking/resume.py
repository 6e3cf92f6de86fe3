"""`resume=true`: a job that already has a FINISHED run is not run again.

"The same job" is the same task, dataset, config id (model + preprocessing, `identity.config_id`)
and seed, then, once the data is loaded, the same data fingerprint and CV fold. The first part
is one search before anything is loaded; most jobs of a fresh sweep stop there.
"""

from __future__ import annotations

JOB_TAGS = ("task", "dataset", "config_id", "seed")


def candidates(client, experiment_id: str, tags: dict[str, str]) -> list:
    """FINISHED runs of the experiment with this job's task, dataset, config id and seed."""
    clauses = ["attributes.status = 'FINISHED'"] + [f"tags.`{key}` = '{tags[key]}'" for key in JOB_TAGS]
    return client.search_runs(
        [experiment_id], " and ".join(clauses), order_by=["attributes.start_time DESC"], max_results=100
    )


def same_data(runs: list, fingerprint: str, cv_fold: str | None):
    """The most recent of `runs` trained on data with this fingerprint and fold, or None."""
    for run in runs:
        tags = run.data.tags
        if tags.get("data_fingerprint") == fingerprint and tags.get("cv_fold") == cv_fold:
            return run
    return None
