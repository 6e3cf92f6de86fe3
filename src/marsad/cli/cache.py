"""`marsad cache`: what the recomputable caches (embeddings, tiny models, dedup, silver labels)
hold, and clearing them."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from marsad import cache as caches


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@click.group()
def cache() -> None:
    """Show or clear Marsad's caches ($MARSAD_CACHE_DIR, default ~/.cache/marsad)."""


@cache.command()
def info() -> None:
    """Files and size of each cache kind."""
    entries = caches.usage()
    if not entries:
        click.echo(f"no caches under {caches.cache_root()}")
        return
    table = Table(title=str(caches.cache_root()))
    for column in ("kind", "files", "size"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for entry in entries:
        table.add_row(entry.kind, str(entry.files), _size(entry.bytes))
    table.add_row("total", str(sum(e.files for e in entries)), _size(sum(e.bytes for e in entries)))
    Console().print(table)


@cache.command()
@click.argument("kinds", nargs=-1)
@click.option("--yes", is_flag=True, help="Do not ask before deleting.")
def clear(kinds: tuple[str, ...], yes: bool) -> None:
    """Delete cache KINDS (e.g. embeddings), or every kind when none is given.

    Everything here is recomputed on the next run that needs it (embeddings: re-encoding).
    """
    what = ", ".join(kinds) if kinds else "every cache"
    if not yes:
        click.confirm(f"delete {what} under {caches.cache_root()}?", abort=True)
    try:
        deleted = caches.clear(list(kinds) or None)
    except ValueError as err:
        raise click.ClickException(str(err)) from err
    for entry in deleted:
        click.echo(f"deleted {entry.kind}: {entry.files} files, {_size(entry.bytes)}")
