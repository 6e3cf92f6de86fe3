"""`marsad-run`: the Hydra application. One run: load -> fit -> evaluate -> log.

marsad-run task=stance dataset=ans_stance model=tfidf_svm
marsad-run --multirun model=tfidf_svm,tfidf_logreg seed=0,1,2
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import CompactHydraException
from omegaconf import DictConfig

from marsad.config_check import CONF_PACKAGE, build_experiment, effective_preprocess
from marsad.config_schema import register
from marsad.errors import DatasetError

if TYPE_CHECKING:
    from marsad.data import LoadedSplits

log = logging.getLogger("marsad")
register()


@contextmanager
def stage(name: str, timings: dict[str, float]):
    """Time a stage; its summary line is logged by the caller, which knows what it did."""
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


def load_eval_data(experiment, optional: bool, splits: list[str]) -> list[tuple]:
    """(dataset, its loaded `splits`) per `eval_datasets` entry (an eval set's train split, e.g.
    marsad_real's, is not scored); with `optional`, the DatasetError in place of the splits where
    its files are absent here (a broken file still fails)."""
    loaded = []
    for dataset in experiment.eval_datasets:
        try:
            data = dataset.load(experiment.task, for_training=False)
            loaded.append((dataset, only_splits(data, splits)))
        except DatasetError as err:
            if not optional or "file not found" not in str(err):
                raise
            loaded.append((dataset, err))
    return loaded


def only_splits(data: LoadedSplits, splits: list[str]) -> LoadedSplits:
    """`data` with only the named splits (frames and their fingerprints)."""
    from dataclasses import replace

    keep = [s for s in data.frames if s in splits]
    return replace(data, frames={s: data.frames[s] for s in keep},
                   split_fingerprints={s: data.split_fingerprints[s] for s in keep})  # fmt: skip


def load_training_data(experiment) -> LoadedSplits:
    """The dataset's splits, with the train splits of `train_with` datasets added to train."""
    from marsad.data.combine import add_training_data

    data = experiment.dataset.load(experiment.task)
    return add_training_data(data, [other.load(experiment.task) for other in experiment.train_with])


def eval_fingerprints(eval_data: list[tuple]) -> dict[str, str]:
    """The `data_fingerprint.<name>.<split>` tags a run scored on this eval data carries."""
    return {
        f"data_fingerprint.{dataset.name}.{split}": fingerprint
        for dataset, data in eval_data
        if not isinstance(data, DatasetError)
        for split, fingerprint in data.split_fingerprints.items()
    }


def evaluate_elsewhere(
    experiment, estimator, trained_on: LoadedSplits, eval_data: list[tuple]
) -> tuple[list, dict[str, str]]:
    """Score the fitted model on the loaded splits of each eval dataset (`load_eval_data`), as
    `<name>.<split>`, in a common label space when the label sets differ. Returns the results and
    run tags; an eval dataset whose files were absent is tagged `eval_skipped.<name>`."""
    from marsad.data.label_space import common_label_space
    from marsad.evaluation import evaluate_split

    results, tags = [], {}
    for dataset, data in eval_data:
        if isinstance(data, DatasetError):
            tags[f"eval_skipped.{dataset.name}"] = f"data not found: {data}"[:500]
            log.info("evaluate  %s skipped: its data is not on this machine (%s)", dataset.name, data)
            continue
        mapping = None
        if data.label_names != trained_on.label_names:
            mapping = common_label_space(
                (trained_on.dataset, trained_on.label_names, trained_on.label_spaces),
                (data.dataset, data.label_names, data.label_spaces),
            )
        tags[f"eval_label_space.{dataset.name}"] = mapping.space if mapping else "native"
        if mapping:  # its predictions are logged in that space: the leaderboard reads labels here
            tags[f"label_set.{dataset.name}"] = ",".join(mapping.labels)
        for split, frame in data.frames.items():
            name = f"{dataset.name}.{split}"
            results.append(
                evaluate_split(estimator, experiment.task, name, frame, trained_on.label_names, mapping)
            )
            tags[f"data_fingerprint.{name}"] = data.split_fingerprints[split]
            log.info("evaluate  %s: %d examples · fingerprint %s", name, len(frame),
                     data.split_fingerprints[split])  # fmt: skip
    return results, tags


def run_experiment(cfg: DictConfig, extra_tags: dict[str, str] | None = None) -> float:
    """Run one configured experiment and return its primary metric on dev (else test).
    `extra_tags` are set on the run when it is created (e.g. a benchmark's parent run and name)."""
    from marsad.evaluation import evaluate_split
    from marsad.tracking import log_results
    from marsad.tracking.client import check_reachable, experiment_id, resolve_uri, tracking_client
    from marsad.tracking.identity import config_id, model_changes
    from marsad.tracking.provenance import git_commit, package_versions
    from marsad.tracking.run_context import tracked_run

    check_reachable(resolve_uri(cfg.tracking.uri))  # a dead or refusing store fails first, in seconds
    experiment = build_experiment(cfg)  # raises ConfigError before any run exists
    task, dataset, estimator = experiment.task, experiment.dataset, experiment.estimator
    trained_on = "+".join([dataset.name, *(other.name for other in experiment.train_with)])
    name = f"{task.name}/{trained_on}/{cfg.model.name}/seed={cfg.seed}"
    tags = {
        "task": task.name, "dataset": trained_on, "model": cfg.model.name,
        "preprocess": effective_preprocess(cfg), "seed": str(cfg.seed), "git_commit": git_commit(),
        "config_id": config_id(cfg), "model_changes": model_changes(cfg),
        "primary_metric": task.primary_metric,
        **{f"version.{k}": v for k, v in package_versions().items()},
        **({"seeded": "false"} if cfg.model.get("seeded", True) is False else {}),
        **(extra_tags or {}),
    }  # fmt: skip
    client = tracking_client(cfg.tracking.uri)
    timings: dict[str, float] = {}
    data = eval_data = None
    if cfg.get("resume"):  # a finished run of this job? Its data fingerprint needs the data loaded
        from marsad.tracking import resume

        found = resume.candidates(client, experiment_id(client.tracking_uri, cfg.tracking.experiment), tags)
        if found:
            with stage("load", timings):
                data = load_training_data(experiment)
            eval_data = load_eval_data(experiment, bool(cfg.get("eval_optional")), list(cfg.eval_splits))
            scored_on = eval_fingerprints(eval_data)
            done = resume.same_data(found, data.fingerprint, data.tags.get("cv_fold"), scored_on)
            if done is not None:
                log.info("skip      %s: finished run %s (%s) has this config, seed, fold and data",
                         name, done.info.run_id, done.info.run_name)  # fmt: skip
                metrics = done.data.metrics
                primary = task.primary_metric
                return metrics.get(f"dev_{primary}", metrics.get(f"test_{primary}", float("nan")))
    with tracked_run(cfg, name.replace("/", " · "), tags) as run_id:
        log_results.log_params(run_id, client, cfg)
        if data is None:
            with stage("load", timings):
                data = load_training_data(experiment)
        sizes = ", ".join(f"{s} {n}" for s, n in data.sizes().items())
        log.info(
            "load      %s: %s · fingerprint %s (%.2f s)",
            name,
            sizes,
            data.fingerprint,
            timings["load"],
        )
        log_results.log_tags(run_id, client, {
            "data_fingerprint": data.fingerprint,
            **{f"data_fingerprint.{s}": f for s, f in data.split_fingerprints.items()},
            "label_set": ",".join(data.label_names),
            **data.tags,  # e.g. cv_fold: the leaderboard pools a model's folds by it
        })  # fmt: skip

        train = data.frames["train"]
        with stage("fit", timings):
            estimator.fit(task.features(train), task.encode(train["label"], data.label_names))
        log.info("fit       %s on %d examples (%.2f s)", cfg.model.name, len(train), timings["fit"])

        with stage("evaluate", timings):
            results = [
                evaluate_split(estimator, task, split, data.frames[split], data.label_names)
                for split in cfg.eval_splits
                if split in data.frames
            ]
            if eval_data is None:  # not loaded yet by the resume check
                eval_data = load_eval_data(experiment, bool(cfg.get("eval_optional")), list(cfg.eval_splits))
            elsewhere, elsewhere_tags = evaluate_elsewhere(experiment, estimator, data, eval_data)
            results += elsewhere
        summary = " · ".join(
            f"{r.split} {task.primary_metric} {r.metrics[task.primary_metric]:.3f}" for r in results
        )
        log.info("evaluate  %s (%.2f s)", summary, timings["evaluate"])
        if elsewhere_tags:
            log_results.log_tags(run_id, client, elsewhere_tags)

        with stage("log", timings):
            model_size = log_results.log_model(estimator) if cfg.tracking.log_model else 0
            log_results.log_artifacts(run_id, client, cfg, results, data.label_names, name)
            test = next((r for r in results if r.split == "test"), None)
            extra = {
                "fit_seconds": timings["fit"],
                "load_seconds": timings["load"],
                "model_size_bytes": model_size,
            }
            if test is not None:
                extra["predict_examples_per_second"] = len(test.predictions) / max(test.seconds, 1e-9)
            log_results.log_metrics(run_id, client, log_results.metric_entries(results, extra))
        log.info("log       run %s (%.2f s)", run_id, timings["log"])
    primary = {r.split: r.metrics[task.primary_metric] for r in results}
    return primary.get("dev", primary.get("test", float("nan")))


def _repeats_a_seed_free_job() -> bool:
    """Whether the sweep launching this job marked it a seed-free model's repeat (job numbers in
    the environment it set for every job)."""
    import os

    from marsad.tracking.sweep import SEED_FREE_SKIP_ENV

    listed = os.environ.get(SEED_FREE_SKIP_ENV, "").strip("'")
    if not listed or not HydraConfig.initialized():
        return False
    return str(HydraConfig.get().job.num) in listed.split(",")


class ReportedError(CompactHydraException):
    """A MarsadError on its way out of Hydra, which prints a CompactHydraException as its message
    alone, without a traceback (HYDRA_FULL_ERROR=1 shows it, with the MarsadError as its cause)."""


# The configs ship inside the package (conf/ mapped to marsad.conf), so a wheel finds them too.
@hydra.main(version_base="1.3", config_path=f"pkg://{CONF_PACKAGE}", config_name="config")
def main(cfg: DictConfig) -> float:
    from marsad.errors import MarsadError, ModelNotForTask
    from marsad.tracking.run_context import current_sweep

    outcome = "failed"
    try:
        if _repeats_a_seed_free_job():
            log.info("skip      %s seed=%s: its fit ignores the seed (seeded: false); the sweep's "
                     "first seed stands for all (no run created)", cfg.model.name, cfg.seed)  # fmt: skip
            outcome = None
            return float("nan")
        score = run_experiment(cfg)
        outcome = "done"
        return score
    except MarsadError as err:
        if isinstance(err, ModelNotForTask) and current_sweep() is not None:
            log.info("skip      %s (no run created)", err)  # a models × tasks grid: not an error
            outcome = None  # not one of the sweep's counted jobs
            return float("nan")
        raise ReportedError(f"marsad-run: {type(err).__name__}: {err}") from err
    finally:
        if outcome is not None and current_sweep() is not None:
            from marsad.tracking.progress import job_finished

            job_finished(HydraConfig.get().sweep.dir, str(HydraConfig.get().job.num), outcome)


if __name__ == "__main__":
    main()
