"""Where data lives: the data root for external corpora, and the package for the bundled one."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

ENV_VAR = "MARSAD_DATA_DIR"
PACKAGE_PREFIX = "pkg:"


def checkout_root() -> Path:
    """The repository root when running from a checkout (src/marsad/data/paths.py -> root)."""
    return Path(__file__).resolve().parents[3]


def resolve_data_root(configured: str | os.PathLike | None = None) -> Path:
    """Config key `data_root`, else $MARSAD_DATA_DIR, else ../shared/data next to the checkout."""
    if configured:
        return Path(configured).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    return (checkout_root().parent / "shared" / "data").resolve()


def resolve_path(path: str, data_root: Path) -> Path:
    """`pkg:marsad/data/x` names a folder inside the installed package; anything else is
    relative to the data root (or absolute)."""
    if path.startswith(PACKAGE_PREFIX):
        package, _, inner = path[len(PACKAGE_PREFIX) :].partition("/")
        return Path(str(files(package).joinpath(inner)))
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else data_root / candidate
