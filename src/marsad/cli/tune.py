"""`marsad tune OVERRIDES... trials=N`: tune a model's hyperparameters on dev (Optuna), then fit
the best configuration and score it on dev and test once."""

from __future__ import annotations

import logging

import click

from marsad.cli.options import tracking_option


def split_trials(args: tuple[str, ...], trials: int | None) -> tuple[list[str], int]:
    """`trials=N` may sit among the overrides (as in `marsad tune model=tfidf_svm trials=30`);
    the rest are marsad-run overrides."""
    given = [a for a in args if a.startswith("trials=")]
    rest = [a for a in args if not a.startswith("trials=")]
    if given:
        try:
            found = int(given[-1].split("=", 1)[1])
        except ValueError as err:
            raise click.UsageError(f"{given[-1]}: trials must be a whole number") from err
        if trials is not None and trials != found:
            raise click.UsageError(f"{given[-1]} and --trials {trials} disagree: give one")
        trials = found
    if trials is None:
        raise click.UsageError("say how many trials the study should have: trials=N (or --trials N)")
    return rest, trials


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1)
@click.option("--trials", type=int, default=None, help="Finished trials the study should have (or trials=N).")
@click.option("--seeds", default="0", show_default=True, help="Comma-separated seeds of the refit.")
@click.option("--jobs", "-j", default=1, show_default=True, help="Worker processes running trials at once.")
@click.option("--storage", help="Optuna storage URL (default: optuna.db beside a sqlite tracking store).")
@click.option("--study", "study_name", help="Study name (default: from model config id, task and dataset).")
@click.option("--sampler-seed", default=0, show_default=True, help="Seed of the TPE sampler.")
@click.option("--no-refit", is_flag=True, help="Only the study: no refit of the best trial on dev+test.")
@click.option("--config-dir", type=click.Path(exists=True, file_okay=False), help="Your own configs folder.")
@tracking_option
def tune(
    args, trials, seeds, jobs, storage, study_name, sampler_seed, no_refit, config_dir, tracking_uri
) -> None:
    """Tune a model on dev over the `search:` block of its YAML, e.g.

    marsad tune model=tfidf_svm task=stance dataset=ans_stance trials=30

    Each trial is an MLflow run (dev only) nested under the study's parent run; calling again
    with more trials adds the missing ones to the same study. The best configuration is then
    fitted at each seed and scored on dev and test, tagged marsad.tuned=N.
    """
    from marsad.tuning import tune as run_tune

    overrides, trials = split_trials(args, trials)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("marsad").setLevel(logging.INFO)
    result = run_tune(
        overrides,
        trials,
        tracking_uri,
        seeds=[int(s) for s in seeds.split(",")],
        jobs=jobs,
        storage=storage,
        study_name=study_name,
        config_dir=config_dir,
        sampler_seed=sampler_seed,
        refit=not no_refit,
        say=click.echo,
    )
    click.echo(
        f"best      trial of {result.n_trials} ({result.new_trials} new): dev {result.best_value:.4f} · "
        f"{' '.join(result.best_overrides)}"
    )
