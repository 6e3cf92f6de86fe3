"""Debian's PostgreSQL as MLflow's backend store, in a folder the user chooses.

`initdb` creates the cluster on first start (password auth, a generated password kept in the
folder, mode 0600), `pg_ctl` starts it listening on 127.0.0.1 only (no unix socket), and a
database for MLflow is created. PostgreSQL refuses to run as root: as root, the programs run as
the `postgres` system user (created by the Debian package), which then owns the data directory.
"""

from __future__ import annotations

import os
import pwd
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import ServerError
from marsad.server.processes import LOOPBACK

PG_ROOT = Path("/usr/lib/postgresql")
SERVICE_USER = "postgres"  # the Debian package's system user
SUPERUSER = "mlflow"
DATABASE = "mlflow"
INSTALL_HINT = "install Debian's PostgreSQL: apt-get update && apt-get install -y postgresql"


def pg_bin() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    found = sorted(
        (d / "bin" for d in PG_ROOT.glob("*") if (d / "bin" / "pg_ctl").is_file()),
        key=lambda b: int(b.parent.name) if b.parent.name.isdigit() else 0,
    )
    if not found:
        raise ServerError(f"PostgreSQL not found (no {PG_ROOT}/<version>/bin/pg_ctl): {INSTALL_HINT}")
    return found[-1]


@dataclass
class PostgresServer:
    """One PostgreSQL cluster under `folder`, listening on 127.0.0.1:`port`."""

    folder: Path
    port: int = 5432

    def __post_init__(self) -> None:
        self.folder = Path(self.folder).resolve()

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log_file(self) -> Path:
        return self.folder / "log" / "postgres.log"

    @property
    def password_file(self) -> Path:
        return self.folder / "password"

    @property
    def uri_file(self) -> Path:
        """Written at start: what `marsad server tracking start` uses without --backend-uri."""
        return self.folder / "backend_uri"

    @property
    def uri(self) -> str:
        """The SQLAlchemy URI `mlflow server --backend-store-uri` takes (driver named: psycopg2)."""
        password = self.password_file.read_text().strip()
        return f"postgresql+psycopg2://{SUPERUSER}:{password}@{LOOPBACK}:{self.port}/{DATABASE}"

    def _as_service_user(self, args: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return args
        try:
            pwd.getpwnam(SERVICE_USER)
        except KeyError:
            raise ServerError(
                f"running as root needs the '{SERVICE_USER}' system user: {INSTALL_HINT}"
            ) from None
        return ["runuser", "-u", SERVICE_USER, "--", *args]

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(self._as_service_user(list(args)), capture_output=True, text=True)
        if check and done.returncode != 0:
            message = (done.stderr or done.stdout).strip().splitlines()
            raise ServerError(
                f"{Path(args[0]).name} failed in {self.folder}: {message[-1] if message else ''}"
            )
        return done

    def _hand_over(self, *paths: Path) -> None:
        """As root, give the service user what PostgreSQL writes, and check it can reach them."""
        if os.geteuid() != 0:
            return
        user = pwd.getpwnam(SERVICE_USER)
        for path in paths:
            os.chown(path, user.pw_uid, user.pw_gid)
        if self._run("test", "-w", str(self.data_dir), check=False).returncode != 0:
            raise ServerError(
                f"user '{SERVICE_USER}' cannot enter {self.data_dir}: choose a folder whose parent "
                "folders other users may traverse (e.g. not under a mode-0700 directory)"
            )

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def init(self) -> None:
        """Create the cluster (first start only): a password-protected superuser, loopback only."""
        bin_dir = pg_bin()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o711)  # the service user traverses it; the password file stays 0600
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        self.log_file.parent.mkdir(exist_ok=True)
        self._hand_over(self.data_dir, self.log_file.parent)
        password = secrets.token_urlsafe(24)
        pwfile = self.folder / ".initdb-password"  # read by initdb as the service user, then removed
        pwfile.touch(mode=0o600)
        pwfile.write_text(password + "\n")
        self._hand_over(pwfile)
        try:
            self._run(
                str(bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER, f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
            )  # fmt: skip
        finally:
            pwfile.unlink()
        self.password_file.touch(mode=0o600)
        self.password_file.write_text(password + "\n")

    def running(self) -> bool:
        if not self.initialised():
            return False
        return (
            self._run(str(pg_bin() / "pg_ctl"), "status", "-D", str(self.data_dir), check=False).returncode
            == 0
        )

    def start(self) -> None:
        """Initialise when new, start (waiting until it accepts connections), create the database."""
        if not self.initialised():
            self.init()
        if not self.running():
            options = f"-c listen_addresses={LOOPBACK} -p {self.port} -c unix_socket_directories=''"
            self._run(
                str(pg_bin() / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data_dir),
                "-l", str(self.log_file), "-o", options,
            )  # fmt: skip
        self._create_database()
        self.uri_file.touch(mode=0o600)
        self.uri_file.write_text(self.uri + "\n")

    def stop(self) -> None:
        """Fast shutdown: open transactions roll back, committed data stays."""
        if self.running():
            self._run(str(pg_bin() / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir))

    def restart(self) -> None:
        self.stop()
        self.start()

    def _create_database(self) -> None:
        import psycopg2

        password = self.password_file.read_text().strip()
        try:
            conn = psycopg2.connect(
                host=LOOPBACK, port=self.port, user=SUPERUSER, password=password, dbname="postgres"
            )
        except psycopg2.OperationalError as err:
            raise ServerError(f"PostgreSQL on {LOOPBACK}:{self.port} refused us: {str(err).strip()}") from err
        conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction block
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
                if cur.fetchone() is None:
                    cur.execute(f"CREATE DATABASE {DATABASE}")
        finally:
            conn.close()

    def status(self) -> str:
        state = "running" if self.running() else "stopped"
        return f"PostgreSQL {state}: {self.data_dir} on {LOOPBACK}:{self.port}"
