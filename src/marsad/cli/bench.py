"""`marsad bench`: the benchmark: list, tasks, run a model on all of it, build its board."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import click

from marsad.cli.options import tracking_option

DEFAULT_BENCHMARK = "marsad_v1"
benchmark_option = click.option(
    "--benchmark", "-b", default=DEFAULT_BENCHMARK, show_default=True,
    help="Benchmark config name (conf/benchmark/) or YAML path.",
)  # fmt: skip
results_option = click.option(
    "--results", type=click.Path(path_type=Path), default=Path("results"), show_default=True,
    help="Results folder: <results>/<benchmark>/<config id>/<task>.json.",
)  # fmt: skip


@click.group()
def bench() -> None:
    """Marsad Benchmark: score any model on every task with one command (`bench run`), then
    rank every model with CIs and rank groups (`bench board`)."""


@bench.command("list")
def list_benchmarks() -> None:
    """The benchmarks this Marsad defines."""
    from marsad.benchmark.definition import available, load_benchmark

    for name in available():
        spec = load_benchmark(name)
        click.echo(f"{name:<12} {spec.name} v{spec.version}: {len(spec.tasks)} tasks · {spec.description}")


@bench.command("tasks")
@benchmark_option
def tasks(benchmark: str) -> None:
    """The tasks of a benchmark: what each trains on, scores on and ranks by."""
    from marsad.benchmark import load_benchmark

    spec = load_benchmark(benchmark)
    click.echo(f"{spec.name} v{spec.version}")
    for task in spec.tasks.values():
        train = " + ".join(f"{d} train" for d in (task.train.dataset, *task.train.plus))
        click.echo(f"  {task.id:<24} {task.task:<7} train: {train:<36} score: "
                   f"{task.evaluate.dataset} {task.evaluate.split} · {task.metric}")  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(text.rstrip("/")).name or text).strip("_") or "model"


def model_overrides(model: str | None, checkpoint: str | None, encoder: str | None, estimator: str | None,
                    name: str | None) -> list[str]:  # fmt: skip
    """The `marsad-run` model overrides for what the user brings: one of a configured model, a
    Hugging Face checkpoint, a sentence-transformers encoder or an estimator class."""
    choices = {"--model": model, "--checkpoint": checkpoint, "--encoder": encoder, "--estimator": estimator}
    given = [flag for flag, value in choices.items() if value]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --model, --checkpoint, --encoder, --estimator")
    if model:
        found = [f"model={model}"]
    elif checkpoint:
        found = ["model=hf_finetune", f"model.estimator.checkpoint={checkpoint}"]
    elif encoder:
        found = ["model=st_logreg", f"model.estimator.features.encoder={encoder}"]
    else:
        found = ["model=own_estimator", f"model.estimator.estimator._target_={estimator}"]
    label = name or (None if model else _slug(checkpoint or encoder or estimator.rsplit(".", 1)[-1]))
    if not label:
        return found
    # The row is named after what the user brought; its changes still count from the option.
    return [*found, f"model.name={label}", f"++model.option={found[0].removeprefix('model=')}"]


@bench.command("run")
@benchmark_option
@click.option("--model", "-m", help="A configured model (conf/model/ or your --config-dir).")
@click.option("--checkpoint", help="A Hugging Face checkpoint (Hub name or folder), fine-tuned.")
@click.option("--encoder", help="A sentence-transformers encoder (name or folder) + logistic regression.")
@click.option("--estimator", help="Your scikit-learn-style estimator class, e.g. mypkg.MyModel.")
@click.option("--name", help="The model's name on the board (default: from the checkpoint/encoder/class).")
@click.option("--config-dir", type=click.Path(exists=True, file_okay=False), help="Your own configs folder.")
@click.option("--task", "task_ids", multiple=True, help="Only these tasks (repeat); default all.")
@click.option("--seeds", help="Comma-separated model seeds (default: the benchmark's).")
@click.option("--override", "-o", "overrides", multiple=True, help="A further marsad-run override (repeat).")
@click.option("--data-root", help="Where the datasets are (default: $MARSAD_DATA_DIR or ../shared/data).")
@click.option(
    "--tuned", type=int, default=0, metavar="TRIALS",
    help="Tune on each task's dev split first: Optuna, this many trials (the tune extra).",
)  # fmt: skip
@click.option(
    "--jobs", "-j", default=1, show_default=True, help="Tasks run at once, each in its own process."
)
@results_option
@tracking_option
def run(benchmark, model, checkpoint, encoder, estimator, name, config_dir, task_ids, seeds, overrides,
        data_root, jobs, tuned, results, tracking_uri) -> None:  # fmt: skip
    """Score one model on every task of the benchmark; finished tasks (a valid result file) are
    skipped. Every task's runs are children of one MLflow parent run."""
    from marsad.benchmark import load_benchmark
    from marsad.benchmark.runner import BenchRun, run_benchmark
    from marsad.tracking.client import resolve_uri

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    logging.getLogger("marsad").setLevel(logging.INFO)
    spec = load_benchmark(benchmark)
    how = BenchRun(
        model_overrides=[*model_overrides(model, checkpoint, encoder, estimator, name), *overrides],
        results=results, tracking_uri=resolve_uri(tracking_uri), config_dir=config_dir, data_root=data_root,
        seeds=[int(s) for s in seeds.split(",")] if seeds else None, jobs=jobs, tuned=tuned,
    )  # fmt: skip
    outcomes = run_benchmark(spec, how, list(task_ids) or None, say=click.echo)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("done", "skipped", "not served", "failed")}
    click.echo(
        " · ".join(f"{n} {s}" for s, n in counts.items() if n) + f" · results in {results}/{spec.name}"
    )
    if counts["failed"]:
        raise SystemExit(1)


@bench.command("board")
@benchmark_option
@click.option("--from-results", "from_results", type=click.Path(path_type=Path),
              help="Build from a results folder (no tracking server needed).")  # fmt: skip
@click.option("--save", "saves", multiple=True, type=click.Path(path_type=Path),
              help="Write the board (.md, .json or .html; repeat).")  # fmt: skip
@tracking_option
def board(benchmark, from_results, saves, tracking_uri) -> None:
    """The benchmark board: Marsad score with a 95% CI, rank groups, per-type and per-task scores,
    from a results folder or from the runs in MLflow."""
    from marsad.benchmark import load_benchmark
    from marsad.benchmark.board import build_board
    from marsad.benchmark.render import FORMATS, to_markdown
    from marsad.benchmark.results import load_results, results_from_tracking
    from marsad.tracking.client import resolve_uri

    spec = load_benchmark(benchmark)
    for path in saves:
        if path.suffix.lower() not in FORMATS:
            raise click.UsageError(
                f"{path}: cannot tell the format from '{path.suffix}'; use {sorted(FORMATS)}"
            )
    found = (
        load_results(from_results, spec)
        if from_results
        else results_from_tracking(resolve_uri(tracking_uri), spec)
    )
    built = build_board(spec, found)
    click.echo(to_markdown(built))
    for path in saves:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FORMATS[path.suffix.lower()](built), encoding="utf-8")
        click.echo(f"wrote {path}")


@bench.command("fingerprints")
@benchmark_option
@click.option("--data-root", help="Where the datasets are.")
def fingerprints(benchmark, data_root) -> None:
    """Today's data fingerprints of every task, beside those the benchmark was defined on."""
    from marsad.benchmark import load_benchmark
    from marsad.benchmark.task_data import load_task_data

    spec = load_benchmark(benchmark)
    for task in spec.tasks.values():
        click.echo(f"{task.id}:")
        for key, value in load_task_data(task, data_root).fingerprints.items():
            defined = task.fingerprints.get(key)
            mark = "" if defined == value else f"   (defined on {defined})"
            click.echo(f"  {key}: {value}{mark}")


@bench.command("docs")
@benchmark_option
@click.option(
    "--out", type=click.Path(path_type=Path), help="Where to write (default: docs/benchmark_tasks.md)."
)
@click.option("--data-root", help="Where the datasets are.")
def docs(benchmark, out, data_root) -> None:
    """Write the task pages of a benchmark (sizes, labels, metric, protocol) from its definition."""
    from marsad.benchmark import load_benchmark
    from marsad.benchmark.task_page import DOCS_PATH, write_docs

    click.echo(f"wrote {write_docs(load_benchmark(benchmark), out or DOCS_PATH, data_root)}")
