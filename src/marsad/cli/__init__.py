"""`marsad`: commands that inspect data and read what runs wrote. `marsad-run` trains.

Each command group lives in its own module here; this one only assembles them.
"""

from __future__ import annotations

import os

import click

from marsad import __version__
from marsad.cli.bench import bench
from marsad.cli.cache import cache
from marsad.cli.data import data
from marsad.cli.leaderboard import compare, leaderboard
from marsad.cli.models import models
from marsad.cli.predict import predict
from marsad.cli.runs import runs
from marsad.cli.server import server
from marsad.cli.tune import tune
from marsad.errors import MarsadError


class MarsadGroup(click.Group):
    """Prints a MarsadError (bad config, data or store) as one line and exits 1; `--debug`
    lets it through with its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MarsadError as err:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(f"{type(err).__name__}: {err}") from err


@click.group(cls=MarsadGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marsad")
@click.option("--debug", is_flag=True, help="Show the traceback of an error, not just its message.")
def main(debug: bool) -> None:
    """Marsad: topic, actor and stance classifiers for Arabic conflict news.

    Train and log runs with `marsad-run` (Hydra); use these commands around them.
    """


# MLflow's per-file download bars would bury the output of a one-line command.
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

for command in (bench, data, models, leaderboard, compare, predict, cache, runs, server, tune):
    main.add_command(command)

if __name__ == "__main__":
    main()
