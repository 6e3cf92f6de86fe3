"""`marsad models list|docs`: the model catalogue, from the model configs."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def models() -> None:
    """The model configs: what each is, which tasks, which extra."""


@models.command("list")
def models_list() -> None:
    """One line per model config."""
    from marsad.models.catalogue import model_entries

    for e in model_entries():
        tasks = ",".join(e.tasks) or "all"
        click.echo(f"{e.name:<20} {tasks:<8} {e.extra or '-':<13} {e.description}")


@models.command("docs")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where to write (default: docs/models.md of this checkout).")  # fmt: skip
def models_docs(out: Path | None) -> None:
    """Write the model catalogue (docs/models.md) from the model configs."""
    from marsad.models.catalogue import DOCS_PATH, write_docs

    click.echo(f"wrote {write_docs(out or DOCS_PATH)}")
