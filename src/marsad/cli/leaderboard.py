"""`marsad leaderboard` and `marsad compare`: rank and compare runs from what MLflow holds."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from marsad.cli.options import tracking_option
from marsad.leaderboard.runs import LeaderboardError

split_option = click.option(
    "--split", default="test", show_default=True,
    help="Split to rank on: train, dev, test, or an eval dataset's split such as marsad_real.dev.",
)  # fmt: skip
metric_option = click.option(
    "--metric", default=None, help="Rank by this metric (default: the task's primary)."
)


@click.command()
@tracking_option
@click.option(
    "--experiment", "experiments", multiple=True, help="MLflow experiment name (repeatable; default all)."
)
@click.option("--task", type=click.Choice(["topic", "actor", "stance"]), help="Only this task.")
@click.option("--dataset", help="Only runs trained on this dataset.")
@click.option("--sweep", help="Only the jobs of this sweep id ('latest' = the most recent sweep).")
@click.option("--model", "models", multiple=True, help="Only these model configs (repeatable).")
@split_option
@metric_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "markdown", "csv", "json", "html"]),
    default="table", show_default=True, help="What to print on stdout.",
)  # fmt: skip
@click.option(
    "--save", "saves", multiple=True, type=click.Path(path_type=Path),
    help="Also write to this file; format from the suffix (.md .csv .json .html). Repeatable.",
)  # fmt: skip
@click.option("--resamples", default=1000, show_default=True, help="Bootstrap resamples.")
@click.option("--seed", default=0, show_default=True, help="Seed of the bootstrap resamples.")
@click.option("--summary-run/--no-summary-run", default=True, show_default=True,
              help="Log the page, tables and figures as artifacts of a summary MLflow run.")  # fmt: skip
def leaderboard(
    tracking_uri,
    experiments,
    task,
    dataset,
    sweep,
    models,
    split,
    metric,
    fmt,
    saves,
    resamples,
    seed,
    summary_run,
) -> None:
    """Rank model configurations per task and dataset: mean ± std over seeds, 95% bootstrap CI,
    paired test against the best row, costs. Reads only MLflow."""
    from marsad.leaderboard import build_leaderboards, find_runs
    from marsad.leaderboard.plots import figures
    from marsad.leaderboard.predictions import prefetch
    from marsad.leaderboard.publish import format_of, log_summary_run, rendered
    from marsad.leaderboard.render import to_rich, transfer_rich
    from marsad.leaderboard.transfer import skipped_note, transfer_matrix
    from marsad.tracking.client import tracking_client

    console = Console(stderr=fmt != "table")
    try:
        client = tracking_client(tracking_uri)
        runs = find_runs(client, experiments, task=task, dataset=dataset, sweep=sweep, model=models)
        if not runs:
            raise LeaderboardError("no finished Marsad runs match these filters")
        fetched = prefetch(runs)
        if fetched:
            console.print(f"downloaded the predictions of {fetched} runs (cached for the next board)")
        boards = build_leaderboards(runs, split=split, metric=metric, n_resamples=resamples, seed=seed)
        formats = {format_of(path) for path in saves} | ({fmt} if fmt != "table" else set())
        images = [figures(board) for board in boards] if ("html" in formats or summary_run) else []
    except (LeaderboardError, ValueError) as err:
        raise click.ClickException(str(err)) from err
    title = "Marsad leaderboard" + (f" · sweep {runs[0].tags.get('marsad.sweep_id')}" if sweep else "")
    transfer = transfer_matrix(runs, metric, split)
    if fmt == "table":
        console.print(to_rich(boards, console.width))
        if not transfer.empty:
            console.print(transfer_rich(transfer, console.width))
    else:
        click.echo(rendered(fmt, boards, images, title, transfer))
    if skipped_note(transfer):  # on stderr for machine formats, beside the table otherwise
        console.print(skipped_note(transfer), markup=False)
    for path in saves:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered(format_of(path), boards, images, title, transfer), encoding="utf-8")
        console.print(f"wrote {path}")
    if summary_run:
        run_id = log_summary_run(client, runs, boards, images, title, transfer)
        console.print(f"summary run {run_id}: page, tables and figures logged as its artifacts")


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@tracking_option
@split_option
@metric_option
@click.option("--sample", default=10, show_default=True, help="How many disagreements to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def compare(run_a, run_b, tracking_uri, split, metric, sample, as_json) -> None:
    """Compare two runs example by example on the same test data."""
    from marsad.leaderboard.compare import compare_runs
    from marsad.leaderboard.runs import run_record
    from marsad.tracking.client import tracking_client

    try:
        client = tracking_client(tracking_uri)
        result = compare_runs(
            run_record(client, run_a), run_record(client, run_b), split=split, metric=metric, sample=sample
        )
    except LeaderboardError as err:
        raise click.ClickException(str(err)) from err
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    console = Console()
    a, b = result.run_a.config_label, result.run_b.config_label
    console.print(
        f"[bold]A[/] {result.run_a.run_id} ({a}) {result.metric} {result.score_a:.3f}   "
        f"[bold]B[/] {result.run_b.run_id} ({b}) {result.metric} {result.score_b:.3f}   "
        f"on {result.n_examples} '{split}' examples"
    )
    outcome = Table(title="Per-example outcome (exact match)")
    for column in ("", "B right", "B wrong"):
        outcome.add_column(column, justify="right")
    outcome.add_row("A right", str(result.both_right), str(result.only_a))
    outcome.add_row("A wrong", str(result.only_b), str(result.both_wrong))
    console.print(outcome)
    low, high = result.ci_difference
    console.print(
        f"A − B = {result.score_a - result.score_b:+.3f} (95% CI [{low:+.3f}, {high:+.3f}]); "
        f"paired bootstrap p = {result.bootstrap.p_value:.3f}; McNemar p = {result.mcnemar.p_value:.3f}"
    )
    per_class = Table(title="Per-class F1")
    for column in ("label", "A", "B", "A − B"):
        per_class.add_column(column, justify="left" if column == "label" else "right")
    for label, row in result.per_class.iterrows():
        per_class.add_row(label, f"{row.f1_a:.3f}", f"{row.f1_b:.3f}", f"{row.delta:+.3f}")
    console.print(per_class)
    sample_table = Table(title=f"Disagreements (sample of {len(result.disagreements)})")
    for column in ("id", "gold", "A", "B", "text"):
        sample_table.add_column(column, overflow="fold", max_width=60 if column == "text" else None)
    for row in result.disagreements.itertuples(index=False):
        sample_table.add_row(str(row.id), row.gold, row.a, row.b, str(row.text))
    console.print(sample_table)
