"""One exception type per family, so callers and tests can tell bad data from bad config."""

from __future__ import annotations


class MarsadError(Exception):
    """Base class of every error Marsad raises on purpose."""


class ConfigError(MarsadError):
    """An experiment configuration that cannot run (unknown choice, wrong type, impossible pairing)."""


class JobSkipped(ConfigError):
    """A sweep job that need not run: the sweep skips it with one line (a single run refuses)."""


class SeedIgnored(JobSkipped):
    """Another seed of a model whose fit ignores the seed (`seeded: false`): its run at the
    sweep's first seed stands for all of them."""


class ModelNotForTask(JobSkipped):
    """A model restricted to other tasks (e.g. the gazetteer is for actors only).

    A single run refuses it; a sweep over models × tasks skips such jobs instead.
    """


class DatasetError(MarsadError):
    """A data file that cannot be read as its dataset config describes.

    The message always names the file and, where one exists, the row and field, then says what
    was expected.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.row, self.field = file, row, field
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class TrackingError(MarsadError):
    """A tracking store that cannot be reached or refuses us: the message names the URI and what
    to check (server up, address, credentials), in one line."""


class ServerError(MarsadError):
    """A server program (PostgreSQL, `mlflow server`) that cannot be installed, started or reached."""
