"""`marsad server db|tracking start|stop|status`: the shared tracking server, one command each.

    marsad server db start --dir .marsad-server --port 5432
    marsad server tracking start --dir .marsad-server --port 5000 [--auth] [--host 0.0.0.0]

The database lives in DIR/postgres, the tracking server (artifacts, log, pid) in DIR/tracking;
`tracking start` uses the database started with the same --dir unless --backend-uri names another.
"""

from __future__ import annotations

from pathlib import Path

import click

from marsad.errors import ServerError

DEFAULT_DIR = ".marsad-server"
dir_option = click.option(
    "--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DIR,
    show_default=True, help="Folder holding the server's data.",
)  # fmt: skip


@click.group()
def server() -> None:
    """The shared tracking server: PostgreSQL and `mlflow server` on top of it."""


@server.group()
def db() -> None:
    """PostgreSQL, MLflow's backend store (data in DIR/postgres, loopback only)."""


def _postgres(folder: Path, port: int):
    from marsad.server.postgres import PostgresServer

    return PostgresServer(folder / "postgres", port)


db_port = click.option("--port", default=5432, show_default=True, help="TCP port on 127.0.0.1.")


@db.command("start")
@dir_option
@db_port
def db_start(folder: Path, port: int) -> None:
    """Initialise (first time) and start PostgreSQL, with a database for MLflow."""
    pg = _postgres(folder, port)
    pg.start()
    click.echo(pg.status())


@db.command("stop")
@dir_option
@db_port
def db_stop(folder: Path, port: int) -> None:
    """Stop PostgreSQL (fast shutdown: committed data stays)."""
    pg = _postgres(folder, port)
    pg.stop()
    click.echo(pg.status())


@db.command("status")
@dir_option
@db_port
def db_status(folder: Path, port: int) -> None:
    click.echo(_postgres(folder, port).status())


@server.group()
def tracking() -> None:
    """`mlflow server` (artifacts served from DIR/tracking/artifacts)."""


def _tracking(folder: Path, port: int, host: str, backend_uri: str | None, auth: bool):
    from marsad.server.tracking_server import TrackingServer

    if backend_uri is None:
        uri_file = folder / "postgres" / "backend_uri"
        if not uri_file.is_file():
            raise ServerError(
                f"no database started under {folder}: run `marsad server db start --dir {folder}` "
                "first, or pass --backend-uri"
            )
        backend_uri = uri_file.read_text().strip()
    return TrackingServer(folder / "tracking", backend_uri, port=port, host=host, auth=auth)


tracking_port = click.option("--port", default=5000, show_default=True, help="TCP port to listen on.")


@tracking.command("start")
@dir_option
@tracking_port
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind; non-loopback needs --auth."
)
@click.option(
    "--backend-uri", help="SQLAlchemy URI of the backend store (default: the database under --dir)."
)
@click.option(
    "--auth", is_flag=True, help="MLflow's basic-auth app ($MLFLOW_AUTH_ADMIN_PASSWORD, secret key)."
)
@click.option("--workers", default=2, show_default=True, help="Server worker processes.")
def tracking_start(
    folder: Path, port: int, host: str, backend_uri: str | None, auth: bool, workers: int
) -> None:
    """Start `mlflow server` detached; returns once it answers."""
    srv = _tracking(folder, port, host, backend_uri, auth)
    srv.workers = workers
    srv.start()
    click.echo(srv.status())
    click.echo(f"point runs at it: marsad-run tracking=server (MLFLOW_TRACKING_URI={srv.url})")


@tracking.command("stop")
@dir_option
def tracking_stop(folder: Path) -> None:
    from marsad.server.tracking_server import TrackingServer

    srv = TrackingServer(folder / "tracking", backend_uri="")
    srv.stop()
    click.echo(srv.status())


@tracking.command("status")
@dir_option
@tracking_port
def tracking_status(folder: Path, port: int) -> None:
    from marsad.server.tracking_server import TrackingServer

    click.echo(TrackingServer(folder / "tracking", backend_uri="", port=port).status())
