"""What `marsad tune` costs and what it buys. Prints figures; asserts nothing.

(a) overhead: wall seconds per trial of a study (sample, compose, load from the in-process
    cache, fit, score dev, log the run and the trial) over a bare scikit-learn fit + dev score of
    the very same configurations, in the same process (the data loaded once, metric modules warm).
(b) gain: per model, the default configuration and the tuned one (N trials on dev, refit at
    seed 0), each scored on dev and test: ANS stance, and marsad_real topic trained on its train
    split plus the bundled corpus (dev = marsad_real dev).

    .venv/bin/python benchmarks/bench_tuning.py overhead
    .venv/bin/python benchmarks/bench_tuning.py gain --trials 30 --models tfidf_svm,tfidf_logreg,tfidf_cnb
    .venv/bin/python benchmarks/bench_tuning.py gain --datasets real

Stores go to --out (default /tmp/marsad-bench-tuning): a second call resumes its studies.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

DATASETS = {
    "ans": ["task=stance", "dataset=ans_stance"],
    "real": ["task=topic", "dataset=marsad_real", "train_with=[marsad_mini]"],
    "mini": ["task=topic", "dataset=marsad_mini"],
}


def overhead(out: Path, trials: int) -> None:
    import optuna
    from sklearn.metrics import f1_score

    from marsad.config_check import build_experiment
    from marsad.evaluation import evaluate_split
    from marsad.run import load_training_data
    from marsad.tuning import tune
    from marsad.tuning.trials import compose, hydra_session, with_values

    print(f"(a) overhead per trial: tfidf_svm, {trials} trials, vs a bare fit + dev score of the same values")
    print(f"{'data':<6} {'trial s (median)':>17} {'bare s (median)':>16} {'ratio':>6} {'ratio of sums':>14}")
    for key in ("mini", "ans"):
        uri = f"sqlite:///{out / f'overhead_{key}' / 'mlflow.db'}"
        (out / f"overhead_{key}").mkdir(parents=True, exist_ok=True)
        overrides = ["model=tfidf_svm", *DATASETS[key], "tracking.log_model=false"]
        with hydra_session():
            base = compose([*overrides, f"tracking.uri={uri}"])
            experiment = build_experiment(base)
            data = load_training_data(experiment)  # the cache every trial then reads
            task = experiment.task
            warm = build_experiment(base).estimator
            train, dev = data.frames["train"], data.frames["dev"]
            warm.fit(task.features(train), task.encode(train["label"], data.label_names))
            evaluate_split(warm, task, "dev", dev, data.label_names)  # loads the metric modules once
        stamps: list[float] = []

        def say(line: str, stamps=stamps) -> None:
            if line.startswith(("study", "trial")):
                stamps.append(time.perf_counter())

        result = tune(overrides, trials, uri, refit=False, say=say)
        per_trial = [b - a for a, b in zip(stamps, stamps[1:])]
        study = optuna.load_study(
            study_name=result.study_name, storage=f"sqlite:///{out / f'overhead_{key}' / 'optuna.db'}"
        )
        bare = []
        with hydra_session():
            for trial in study.trials[-len(per_trial) :]:
                estimator = build_experiment(with_values(base, trial.user_attrs["values"])).estimator
                start = time.perf_counter()
                estimator.fit(task.features(train), task.encode(train["label"], data.label_names))
                predicted = estimator.predict(task.features(dev))
                f1_score(task.encode(dev["label"], data.label_names), predicted, average="macro")
                bare.append(time.perf_counter() - start)
        ratio = statistics.median(per_trial) / statistics.median(bare)
        print(
            f"{key:<6} {statistics.median(per_trial):>17.2f} {statistics.median(bare):>16.2f} {ratio:>6.2f} "
            f"{sum(per_trial) / sum(bare):>14.2f}"
        )


def gain(out: Path, trials: int, models: list[str], datasets: list[str]) -> None:
    from mlflow.tracking import MlflowClient

    from marsad.run import run_experiment
    from marsad.tracking.identity import config_id
    from marsad.tuning import tune
    from marsad.tuning.trials import compose, hydra_session

    print(f"(b) tuning gain: {trials} trials on dev (TPE, seed 0), refit at seed 0; macro-F1")
    print(
        f"{'data':<5} {'model':<13} {'dev def':>8} {'dev tuned':>9} {'Δdev':>7} {'test def':>8} "
        f"{'test tuned':>10} {'Δtest':>7} {'min':>5}  best values"
    )
    for key in datasets:
        folder = out / f"gain_{key}"
        folder.mkdir(parents=True, exist_ok=True)
        uri = f"sqlite:///{folder / 'mlflow.db'}"
        client = MlflowClient(uri)
        for model in models:
            overrides = [f"model={model}", *DATASETS[key], "tracking.log_model=false"]
            started = time.perf_counter()
            with hydra_session():
                cfg = compose([*overrides, f"tracking.uri={uri}"])
                ident = config_id(cfg)
            default = _latest(client, f"tags.config_id = '{ident}'")
            if default is None:
                with hydra_session():
                    run_experiment(compose([*overrides, f"tracking.uri={uri}"]))
                default = _latest(client, f"tags.config_id = '{ident}'")
            result = tune(overrides, trials, uri, say=lambda line: None)
            tuned = _latest(
                client,
                f"tags.`marsad.study` = '{result.study_name}' and tags.`marsad.tuned` = '{result.n_trials}'",
            )
            minutes = (time.perf_counter() - started) / 60
            d, t = default.data.metrics, tuned.data.metrics
            values = " ".join(f"{p.rsplit('.', 1)[-1]}={v}" for p, v in result.best_values.items())
            print(
                f"{key:<5} {model:<13} {d['dev_macro_f1']:>8.3f} {t['dev_macro_f1']:>9.3f} "
                f"{t['dev_macro_f1'] - d['dev_macro_f1']:>+7.3f} {d['test_macro_f1']:>8.3f} {t['test_macro_f1']:>10.3f} "
                f"{t['test_macro_f1'] - d['test_macro_f1']:>+7.3f} {minutes:>5.1f}  {values}",
                flush=True,
            )


def _latest(client, filter_string: str):
    ids = [e.experiment_id for e in client.search_experiments()]
    found = [r for r in client.search_runs(ids, f"{filter_string} and attributes.status = 'FINISHED'",
                                           order_by=["attributes.start_time DESC"])
             if "marsad.role" not in r.data.tags]  # fmt: skip
    return found[0] if found else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", choices=["overhead", "gain", "all"])
    parser.add_argument("--trials", type=int, default=None, help="trials per study (overhead 8, gain 30)")
    parser.add_argument("--models", default="tfidf_svm,tfidf_logreg,tfidf_cnb")
    parser.add_argument("--datasets", default="ans,real")
    parser.add_argument("--out", type=Path, default=Path("/tmp/marsad-bench-tuning"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.part in ("overhead", "all"):
        overhead(args.out, args.trials or 8)
    if args.part in ("gain", "all"):
        gain(args.out, args.trials or 30, args.models.split(","), args.datasets.split(","))


if __name__ == "__main__":
    main()
