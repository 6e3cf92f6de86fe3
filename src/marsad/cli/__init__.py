"""`marsad`: commands that inspect data and read what runs wrote. `marsad-run` trains.

Each command group lives in its own module here; this one only assembles them.
"""

from __future__ import annotations

import click

from marsad import __version__
from marsad.cli.data import data


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="marsad")
def main() -> None:
    """Marsad: topic, actor and stance classifiers for Arabic conflict news.

    Train and log runs with `marsad-run` (Hydra); use these commands around them.
    """


main.add_command(data)

if __name__ == "__main__":
    main()
