"""MinHash LSH finds the same near-duplicate pairs as comparing every pair exactly."""

from __future__ import annotations

import random
import re
from itertools import combinations

from marsad.data.near_duplicates import near_duplicate_pairs, shingle_hashes

WORDS = [
    "قصف",
    "غارة",
    "مدينة",
    "وزير",
    "اتفاق",
    "مساعدات",
    "نازحين",
    "الجيش",
    "المعارضة",
    "بيان",
    "مصدر",
    "أمس",
    "اليوم",
    "حلب",
    "إدلب",
]


def shingle_set(text: str, k: int = 5) -> set[str]:
    text = re.sub(r"\s+", " ", text).strip()
    return {text[i : i + k] for i in range(max(1, len(text) - k + 1))}


def brute_force(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    sets = [shingle_set(t) for t in texts]
    return {(i, j) for i, j in combinations(range(len(texts)), 2)
            if len(sets[i] & sets[j]) / len(sets[i] | sets[j]) > threshold}  # fmt: skip


def corpus(n: int = 300, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts = [" ".join(rng.choices(WORDS, k=60)) for _ in range(n)]
    for i in range(0, n, 10):  # plant near copies: a few words changed, some appended
        words = texts[i].split()
        for _ in range(rng.randint(1, 4)):
            words[rng.randrange(len(words))] = rng.choice(WORDS)
        texts.append(" ".join(words + rng.choices(WORDS, k=rng.randint(0, 3))))
    return texts


def test_shingle_hashes_count_distinct_character_shingles():
    for text in ("غارة على  المدينة\nأمس", "abc", "abcdefgh abcdefgh"):
        assert len(shingle_hashes(text)) == len(shingle_set(text))


def test_lsh_pairs_equal_exhaustive_comparison():
    texts = corpus()
    expected = brute_force(texts, 0.8)
    assert len(expected) >= 25  # the planted copies, at least
    found = near_duplicate_pairs(texts, 0.8)
    assert {(i, j) for i, j, _ in found} == expected
    assert all(score > 0.8 for _, _, score in found)


def test_threshold_is_respected():
    texts = corpus(100, seed=1)
    strict = {(i, j) for i, j, _ in near_duplicate_pairs(texts, 0.95)}
    loose = {(i, j) for i, j, _ in near_duplicate_pairs(texts, 0.8)}
    assert strict <= loose and strict == brute_force(texts, 0.95)
