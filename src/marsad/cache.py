"""Where Marsad keeps what it can recompute: deduplicated corpora, text embeddings, tiny models.

One directory for every cache, so users know what to delete and CI can point it at a temp dir.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """`$MARSAD_CACHE_DIR/<kind>` (default `~/.cache/marsad/<kind>`), created on first use."""
    root = Path(os.environ.get("MARSAD_CACHE_DIR") or Path.home() / ".cache" / "marsad")
    path = root / kind
    path.mkdir(parents=True, exist_ok=True)
    return path
