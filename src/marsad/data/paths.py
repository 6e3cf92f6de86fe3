"""Where data lives: the data root for external corpora, and the package for the bundled one."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from marsad.errors import DatasetError

ENV_VAR = "MARSAD_DATA_DIR"
PACKAGE_PREFIX = "pkg:"


def checkout_root() -> Path | None:
    """The repository root when Marsad runs from a checkout (src/marsad/data/paths.py -> root),
    None when it is installed from a wheel (site-packages/marsad/...)."""
    here = Path(__file__).resolve()
    root = here.parents[3]
    if here.parents[2].name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


def resolve_data_root(configured: str | os.PathLike | None = None) -> Path | None:
    """Config key `data_root`, else $MARSAD_DATA_DIR, else ../shared/data next to the checkout;
    None for an installed wheel given neither (the bundled corpus needs no data root)."""
    if configured:
        return Path(configured).expanduser()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    root = checkout_root()
    return None if root is None else (root.parent / "shared" / "data").resolve()


def resolve_path(path: str, data_root: Path | None) -> Path:
    """`pkg:marsad/data/x` names a folder inside the installed package; anything else is
    relative to the data root (or absolute)."""
    if path.startswith(PACKAGE_PREFIX):
        package, _, inner = path[len(PACKAGE_PREFIX) :].partition("/")
        return Path(str(files(package).joinpath(inner)))
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    if data_root is None:
        raise DatasetError(
            f"'{path}' is relative to the data root, and none is set (Marsad is installed, not run "
            f"from a checkout): give it with data_root=/path/to/data or ${ENV_VAR}"
        )
    return data_root / candidate
