"""`marsad`: commands that inspect data and read what runs wrote. `marsad-run` trains."""

from __future__ import annotations

import click
from omegaconf import OmegaConf
from rich.console import Console
from rich.table import Table

from marsad import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marsad")
def main() -> None:
    """Marsad: topic, actor and stance classifiers for Arabic conflict news.

    Train and log runs with `marsad-run` (Hydra); use these commands around them.
    """


@main.group()
def data() -> None:
    """Inspect the datasets Marsad knows (one config file each in conf/dataset/)."""


@data.command("list")
def data_list() -> None:
    """List every dataset config with its card: tasks, source, licence, main score."""
    from marsad.config_check import CONF_DIR, choices

    table = Table(title="Marsad datasets")
    for column in ("name", "tasks", "language", "licence", "main score", "source"):
        table.add_column(column, overflow="fold")
    for name in choices("dataset"):
        spec = OmegaConf.load(CONF_DIR / "dataset" / f"{name}.yaml")
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


if __name__ == "__main__":
    main()
