"""Near-duplicate texts at corpus scale: MinHash signatures, LSH buckets, exact verification.

Two texts are near duplicates when the Jaccard similarity of their character `k`-shingle sets
(whitespace collapsed) exceeds a threshold (0.8 by default). Comparing every pair is quadratic,
so candidates come from locality-sensitive hashing: 64 MinHash values split into 16 bands of
4; two texts sharing any band are compared exactly. A pair at Jaccard 0.8 is missed with
probability (1 - 0.8^4)^16 ≈ 2e-4; candidates are verified on the true shingle sets, so
no pair under the threshold is ever reported. Shingles and signatures are numpy arrays: ANT's
17k articles take seconds, not the hours a pairwise loop would.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

import numpy as np

NEAR_DUPLICATE_JACCARD = 0.8
_MASK61 = np.uint64((1 << 61) - 1)


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shingle_hashes(text: str, k: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the text's character k-shingles (whole text if shorter)."""
    codes = np.frombuffer(normalise_space(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        codes = np.pad(codes, (0, k - len(codes)))
    n = len(codes) - k + 1
    hashes = codes[:n].copy()
    for offset in range(1, k):  # polynomial hash, wrapping mod 2^64 on purpose
        hashes = hashes * np.uint64(1_000_003) + codes[offset : offset + n]
    return np.unique(hashes)


def minhash_signatures(shingles: list[np.ndarray], num_perm: int = 64, seed: int = 0) -> np.ndarray:
    """(n_texts, num_perm) MinHash values from universal hashes (a*x + b) mod (2^61 - 1)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, (1 << 61) - 1, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, (1 << 61) - 1, size=num_perm, dtype=np.uint64)
    signatures = np.empty((len(shingles), num_perm), dtype=np.uint64)
    for row, values in enumerate(shingles):
        # Reduce first so a*x stays a cheap wrap-around product; exactness of the modulus
        # does not matter, only that each permutation is a fixed pseudo-random map.
        x = (values & _MASK61)[None, :]
        signatures[row] = ((a[:, None] * x + b[:, None]) & _MASK61).min(axis=1)
    return signatures


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def near_duplicate_pairs(
    texts: list[str],
    threshold: float = NEAR_DUPLICATE_JACCARD,
    k: int = 5,
    num_perm: int = 64,
    bands: int = 16,
) -> list[tuple[int, int, float]]:
    """(i, j, jaccard) for i < j with shingle Jaccard > threshold. Pass unique texts: identical
    ones fall in one bucket and make every pair a candidate."""
    shingles = [shingle_hashes(t, k) for t in texts]
    signatures = minhash_signatures(shingles, num_perm)
    rows = num_perm // bands
    candidates: set[tuple[int, int]] = set()
    for band in range(bands):
        buckets: dict[bytes, list[int]] = defaultdict(list)
        for index, key in enumerate(signatures[:, band * rows : (band + 1) * rows]):
            buckets[key.tobytes()].append(index)
        for members in buckets.values():
            candidates.update(combinations(members, 2))
    pairs = []
    for i, j in sorted(candidates):
        small, large = sorted((len(shingles[i]), len(shingles[j])))
        if small / large <= threshold:  # |A∩B|/|A∪B| <= min/max rules it out
            continue
        score = jaccard(shingles[i], shingles[j])
        if score > threshold:
            pairs.append((i, j, round(score, 3)))
    return pairs
