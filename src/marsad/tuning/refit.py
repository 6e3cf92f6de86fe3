"""The refit: the best trial's configuration fitted at each seed and scored on dev and test,
tagged `marsad.tuned=<trials>` and `marsad.tuned_params=<json>`. The only runs of a study
that score test data."""

from __future__ import annotations

from collections.abc import Callable

from marsad.tuning.trials import StudySetup, compose, hydra_session, run_session


def refit_best(
    client,
    experiment: str,
    setup: StudySetup,
    best_overrides: list[str],
    tags: dict[str, str],
    best_value: float,
    seeds: list[int],
    say: Callable[[str], None],
) -> dict[int, float]:
    """Fit the best configuration at each seed and score it on dev and test: the only runs of a
    study that see test data. A seed whose refit of this very result is already FINISHED under
    the parent is not run again."""
    from marsad.run import run_experiment

    done = client.search_runs(
        [experiment],
        " and ".join(
            [
                f"tags.`mlflow.parentRunId` = '{setup.parent_run_id}'",
                "attributes.status = 'FINISHED'",
                f"tags.`marsad.tuned` = '{tags['marsad.tuned']}'",
            ]
        ),
    )
    scores = {}
    for seed in seeds:
        earlier = [
            r
            for r in done
            if r.data.tags.get("seed") == str(seed)
            and r.data.tags.get("marsad.tuned_params") == tags["marsad.tuned_params"]
        ]
        if earlier:
            say(f"refit     seed {seed}: run {earlier[0].info.run_id} has this result already")
            scores[seed] = earlier[0].data.metrics.get(f"dev_{setup.primary}", float("nan"))
            continue
        with hydra_session(setup.config_dir):  # the overrides compose as on the command line
            cfg = compose([*setup.overrides, *best_overrides, f"seed={seed}", "resume=false"])
        nested = {"mlflow.parentRunId": setup.parent_run_id, "marsad.study": setup.study_name}
        with run_session(setup.config_dir):
            scores[seed] = run_experiment(cfg, extra_tags={**nested, **tags})
        best = f"best trial {best_value:.4f}"
        say(f"refit     seed {seed}: dev {setup.primary} {scores[seed]:.4f} ({best}); test scored once")
    return scores
