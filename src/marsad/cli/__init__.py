"""`marsad`: commands that inspect data and read what runs wrote. `marsad-run` trains.

Each command group lives in its own module here; this one only assembles them.
"""

from __future__ import annotations

import os

import click

from marsad import __version__
from marsad.cli.cache import cache
from marsad.cli.data import data
from marsad.cli.leaderboard import compare, leaderboard
from marsad.cli.predict import predict


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marsad")
def main() -> None:
    """Marsad: topic, actor and stance classifiers for Arabic conflict news.

    Train and log runs with `marsad-run` (Hydra); use these commands around them.
    """


# MLflow's per-file download bars would bury the output of a one-line command.
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")

for command in (data, leaderboard, compare, predict, cache):
    main.add_command(command)

if __name__ == "__main__":
    main()
