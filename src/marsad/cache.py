"""Where Marsad keeps what it can recompute: deduplicated corpora, text embeddings, tiny models.

One directory for every cache, so users know what to delete and CI can point it at a temp dir.
`marsad cache` shows what each kind holds and clears it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


def cache_root() -> Path:
    """`$MARSAD_CACHE_DIR`, default `~/.cache/marsad`."""
    return Path(os.environ.get("MARSAD_CACHE_DIR") or Path.home() / ".cache" / "marsad")


def cache_dir(kind: str) -> Path:
    """`<cache root>/<kind>`, created on first use."""
    path = cache_root() / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class CacheUsage:
    kind: str
    path: Path
    files: int
    bytes: int


def usage() -> list[CacheUsage]:
    """One entry per cache kind present under the root, by name."""
    root = cache_root()
    kinds = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    out = []
    for path in kinds:
        files = [f for f in path.rglob("*") if f.is_file()]
        out.append(CacheUsage(path.name, path, len(files), sum(f.stat().st_size for f in files)))
    return out


def clear(kinds: list[str] | None = None) -> list[CacheUsage]:
    """Delete the given kinds (all when None); returns what was deleted. An unknown kind is an
    error that names the kinds present, so a typo never looks like success."""
    present = {entry.kind: entry for entry in usage()}
    unknown = sorted(set(kinds or []) - present.keys())
    if unknown:
        raise ValueError(f"no cache kind {unknown} under {cache_root()}; present: {sorted(present)}")
    chosen = [present[k] for k in (kinds or sorted(present))]
    for entry in chosen:
        shutil.rmtree(entry.path)
    return chosen
