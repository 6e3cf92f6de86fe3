"""`marsad runs ...`: housekeeping of the runs in a tracking store."""

from __future__ import annotations

import re

import click

from marsad.cli.options import tracking_option
from marsad.errors import MarsadError

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """`90s`, `10m`, `2h`, `1d` or plain seconds, in seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if match is None:
        raise click.BadParameter(f"'{text}' is not a duration such as 90s, 10m, 2h or 1d")
    return float(match[1]) * UNIT_SECONDS[match[2] or "s"]


@click.group()
def runs() -> None:
    """Housekeeping of MLflow runs written by marsad-run."""


@runs.command()
@tracking_option
@click.option(
    "--experiment", "experiments", multiple=True, help="MLflow experiment name (repeatable; default all)."
)
@click.option(
    "--stale", default="10m", show_default=True,
    help="On another host, a run whose last heartbeat is older than this is gone (e.g. 90s, 10m, 2h).",
)  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
def reconcile(tracking_uri, experiments, stale, dry_run) -> None:
    """Mark KILLED every RUNNING run whose process is gone (jobs and sweep parents): on this host
    by its pid, on another by a heartbeat older than --stale. Prints each change."""
    from marsad.leaderboard.runs import _search, experiment_ids
    from marsad.tracking.client import check_reachable, resolve_uri, tracking_client
    from marsad.tracking.reconcile import reconcile as mark_gone_runs

    stale_seconds = parse_duration(stale)
    uri = resolve_uri(tracking_uri)
    try:
        check_reachable(uri)
        client = tracking_client(uri)
        ids = experiment_ids(client, list(experiments))
        names = {e.experiment_id: e.name for e in client.search_experiments()}
        running = _search(client, ids, "attributes.status = 'RUNNING'") if ids else []
        changed = mark_gone_runs(client, running, names, stale_seconds, dry_run=dry_run)
    except MarsadError as err:
        raise click.ClickException(str(err)) from err
    verb = "would mark" if dry_run else "marked"
    for run in changed:
        click.echo(f"{verb} KILLED  {run.run_id}  {run.experiment}  {run.run_name}  ({run.reason})")
    click.echo(f"reconcile {uri}: {len(running)} RUNNING, {len(changed)} {verb} KILLED, "
               f"{len(running) - len(changed)} still alive")  # fmt: skip
