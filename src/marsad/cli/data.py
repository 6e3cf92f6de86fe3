"""`marsad data ...`: inspect the datasets Marsad knows (one config file each in conf/dataset/)."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table


@click.group()
def data() -> None:
    """Inspect the datasets Marsad knows (one config file each in conf/dataset/)."""


@data.command("list")
def data_list() -> None:
    """List every dataset config with its card: tasks, source, licence, main score."""
    from marsad.config_check import choices, dataset_spec

    table = Table(title="Marsad datasets")
    for column in ("name", "tasks", "language", "licence", "main score", "source"):
        table.add_column(column, overflow="fold")
    for name in choices("dataset"):
        spec = dataset_spec(name)
        card = spec.get("card") or {}
        table.add_row(
            name,
            ", ".join(spec.get("tasks") or {}),
            str(card.get("language", "")),
            str(card.get("licence", "")),
            str(card.get("main_score", "")),
            str(card.get("source", "")),
        )
    Console().print(table)


@data.command("check-corpus")
def data_check_corpus() -> None:
    """Check the bundled corpus (ids, labels, splits, near-duplicates) and print its counts."""
    from marsad.data.corpus_check import check_corpus

    report = check_corpus()
    console = Console()
    counts = report.counts
    console.print(f"[bold]marsad_mini[/]: {counts['articles']} articles, {counts['pairs']} stance pairs, "
                  f"{len(counts['theatres'])} theatres; alias/description share of actor mentions "
                  f"{counts['alias_mention_share']:.0%}")  # fmt: skip
    for title, rows in (("topic", counts["topic_by_split"]), ("stance", counts["stance_by_split"])):
        table = Table(title=f"{title} labels per split")
        for column in ("label", "train", "dev", "test", "total"):
            table.add_column(column)
        for label, per_split in rows.items():
            table.add_row(
                label, *(str(per_split[s]) for s in ("train", "dev", "test")), str(sum(per_split.values()))
            )
        console.print(table)
    console.print("actors (articles): " + ", ".join(f"{a} {n}" for a, n in counts["actor_articles"].items()))
    for problem in report.problems:
        console.print(f"[red]problem[/]: {problem}")
    if report.problems:
        raise SystemExit(1)
    console.print("[green]OK[/]: no problems found")
