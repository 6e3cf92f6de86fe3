"""`marsad data ...`: inspect the datasets Marsad knows (one config file each in conf/dataset/)."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table


@click.group()
def data() -> None:
    """Inspect the datasets Marsad knows (one config file each in conf/dataset/)."""


def with_config_dir(command):
    """Give `command` marsad-run's --config-dir: the user's config folder is searched before the
    package's while it runs, so it sees the datasets a run with that folder trains on."""

    @click.option("--config-dir", type=click.Path(exists=True, file_okay=False), default=None,
                  help="Your configs folder (dataset/*.yaml ...), as marsad-run's --config-dir.")  # fmt: skip
    @functools.wraps(command)
    def run_with(*args, config_dir: str | None, **kwargs):
        from marsad.config_compose import user_config_dir

        with user_config_dir(config_dir):
            return command(*args, **kwargs)

    return run_with


@data.command("list")
@with_config_dir
def data_list() -> None:
    """List every dataset config with its card: tasks, main score, licence."""
    from marsad.data.cards import all_cards

    # Four columns fit 80: names whole, the licence wrapped at spaces; sources are in the docs.
    table = Table(
        title="Marsad datasets",
        caption="source, citation, splits: docs/datasets.md · marsad data describe NAME",
    )
    table.add_column("name", no_wrap=True)
    table.add_column("tasks")
    table.add_column("main score")
    table.add_column("licence", ratio=1)
    for card in all_cards():
        name = f"{card.name} [yellow](silver)[/]" if card.silver else card.name
        table.add_row(name, ", ".join(card.tasks), card.main_score, card.licence)
    Console().print(table)


@data.command("docs")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write (default: docs/datasets.md of this checkout).")  # fmt: skip
def data_docs(out: Path | None) -> None:
    """Write the dataset catalogue (docs/datasets.md) from the dataset configs' cards."""
    from marsad.data.cards import DOCS_PATH, write_docs

    click.echo(f"wrote {write_docs(out or DOCS_PATH)}")


def _dataset(name: str, data_root: str | None):
    from marsad.config_check import load_dataset_config
    from marsad.errors import ConfigError

    try:
        return load_dataset_config(name, data_root)
    except ConfigError as err:
        raise click.UsageError(str(err)) from None


DATA_ROOT = click.option(
    "--data-root", default=None, help="Data root (default: $MARSAD_DATA_DIR or ../shared/data)."
)


@data.command("verify")
@click.argument("name")
@DATA_ROOT
@click.option("--record", is_flag=True, help="Print the current checksums as a `files:` block for the card.")
@with_config_dir
def data_verify(name: str, data_root: str | None, record: bool) -> None:
    """Check every file NAME reads against its recorded SHA-256 and the columns its config maps."""
    from marsad.data import integrity

    dataset = _dataset(name, data_root)
    if record:
        click.echo(
            f"# paste under `card:` in dataset/{name}.yaml (of conf/ or your --config-dir)\n"
            f"{integrity.record_yaml(dataset)}",
            nl=False,
        )
        return
    problems = integrity.verify(dataset)
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        raise SystemExit(1)
    files = integrity.files_read(dataset.tasks)
    click.echo(f"OK {name}: {len(files)} file(s) match their SHA-256 and schema: {', '.join(files)}")


@data.command("fetch")
@click.argument("name")
@DATA_ROOT
@with_config_dir
def data_fetch(name: str, data_root: str | None) -> None:
    """Download NAME's files from its card's `url` into the data root, checksums verified."""
    from marsad.data.fetch import fetch, placement_instructions

    dataset = _dataset(name, data_root)
    if not dataset.card.get("files"):
        raise click.UsageError(f"dataset '{name}' records no files; run `marsad data verify {name} --record`")
    result = fetch(dataset)
    for rel in result.present:
        click.echo(f"present  {rel}")
    for rel in result.fetched:
        click.echo(f"fetched  {rel}")
    if not result.complete:
        click.echo(placement_instructions(dataset, result), err=True)
        raise SystemExit(1)
    click.echo(f"OK {name}: all files under {dataset.data_root}")


@data.command("describe")
@click.argument("name")
@click.option("--task", "task_name", default=None, help="One task (default: every task NAME serves).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the label-distribution PNGs.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of tables.")
@DATA_ROOT
@with_config_dir
def data_describe(name: str, task_name: str | None, out: Path, as_json: bool, data_root: str | None) -> None:
    """Rows, labels, text lengths, duplicates and train/test leaks of NAME, with a label plot."""
    import json

    from marsad.cli.describe_view import print_report
    from marsad.data.describe import describe, save_label_plot

    dataset = _dataset(name, data_root)
    tasks = [task_name] if task_name else sorted(dataset.tasks)
    reports = []
    for task in map(_task, tasks):
        if not dataset.serves(task.name):
            served = sorted(dataset.tasks)
            raise click.UsageError(f"dataset '{name}' does not serve task '{task.name}'; it serves {served}")
        report = describe(dataset.load(task, for_training=False), task)
        reference = dataset.card.get("silver_reference")
        if reference and reference.get("task", task.name) == task.name:
            report["silver_agreement"] = _silver_agreement(dataset, task, dict(reference), data_root)
        report["plot"] = str(save_label_plot(report, out / f"{name}_{task.name}_labels.png"))
        reports.append(report)
    if as_json:
        click.echo(json.dumps(reports if len(reports) > 1 else reports[0], ensure_ascii=False, indent=2))
        return
    for report in reports:
        print_report(report, Console())


def _task(name: str):
    from hydra.utils import instantiate

    from marsad.config_compose import choices, compose_option

    option = compose_option("task", name)  # the --config-dir's tasks too
    if option is None:
        raise click.UsageError(f"unknown task '{name}'; choose from {choices('task')}")
    return instantiate(option)


def _silver_agreement(dataset, task, reference: dict, data_root: str | None) -> dict:
    """Score the dataset's silver labeller on the careful labels its card names as reference."""
    from marsad.data.silver import agreement

    careful = _dataset(reference["dataset"], data_root).load(task, for_training=False)
    split = reference.get("split", "dev")
    result = agreement(dataset.tasks[task.name], task, careful.frames[split], careful.label_names)
    return {"reference": f"{reference['dataset']}.{split}", **result}


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
