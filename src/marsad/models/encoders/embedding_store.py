"""A disk store of embedding vectors, so a second run on the same data encodes nothing.

One sqlite file per encoder under `cache_dir("embeddings")`, one row per encoded string (key: the
SHA-256 of the string, value: float32 bytes). sqlite, not .npy shards: lookups by key without
loading everything, and parallel sweep jobs can read and append at once (WAL mode, INSERT OR
IGNORE: two jobs encoding the same string store the same vector).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from marsad.cache import cache_dir


class EmbeddingStore:
    """Vectors by key in one sqlite file per encoder; safe for parallel sweep jobs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_encoder(cls, encoder_id: str) -> EmbeddingStore:
        """`cache_dir("embeddings")/<encoder id>.sqlite`: one file per encoder, easy to delete."""
        readable = re.sub(r"[^\w.-]+", "_", encoder_id)[-60:]  # a local path: its tail, plus a hash
        digest = hashlib.sha256(encoder_id.encode()).hexdigest()[:8]
        return cls(cache_dir("embeddings") / f"{readable}-{digest}.sqlite")

    @staticmethod
    def key(text: str) -> str:
        """The key of the exact string the encoder sees."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A connection for one read or write: committed, then closed (not left to the garbage
        collector, which could close it after `marsad cache clear` and unlink a new file's WAL)."""
        db = sqlite3.connect(self.path, timeout=60)
        try:
            with db:  # commit, or roll back on error
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
                yield db
        finally:
            db.close()

    def get(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._connect() as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
                )
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def put(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self._connect() as db:
            db.executemany(
                "INSERT OR IGNORE INTO vectors VALUES (?, ?)",
                ((k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items),
            )
