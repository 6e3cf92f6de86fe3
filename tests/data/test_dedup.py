"""Exact and near duplicates are grouped; consistent groups keep one row, conflicting ones none."""

from __future__ import annotations

import pandas as pd
import pytest

from marsad.data.dedup import DedupSettings, deduplicate, duplicate_groups, kept_ids
from marsad.errors import ConfigError

BASE = ("قصف مدفعي على أحياء المدينة الشرقية أسفر عن سقوط قتلى وجرحى بين المدنيين "
        "وفق ما أفاد به مرصد محلي وناشطون في المنطقة مساء اليوم")  # fmt: skip
WORDS = BASE.split(" ")
NEAR = " ".join([*WORDS, "المصدر"])  # one word appended: Jaccard of 5-grams ~0.94
OTHER = " ".join(reversed(WORDS))


def frame(rows):
    return pd.DataFrame(rows, columns=["id", "text", "label"])


def test_exact_and_near_duplicates_share_a_group():
    groups = duplicate_groups([BASE, "  " + BASE.replace(" ", "\n"), NEAR, OTHER], DedupSettings())
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_consistent_group_keeps_its_first_id_and_conflicting_group_is_dropped():
    rows = frame([("b", BASE, "sport"), ("a", NEAR, "sport"), ("c", OTHER, "economy"),
                  ("d", OTHER + " ", "culture"), ("e", "نص مختلف تماما عن غيره", "culture")])  # fmt: skip
    assert sorted(kept_ids(rows, DedupSettings(), rows["text"])) == ["a", "e"]


def test_result_is_cached_and_cache_is_keyed_by_content(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path))
    rows = frame([("a", BASE, "sport"), ("b", BASE, "sport"), ("c", OTHER, "economy")])
    assert deduplicate(rows, {})["id"].tolist() == ["a", "c"]
    cached = list((tmp_path / "dedup").glob("*.json"))
    assert len(cached) == 1
    cached[0].write_text('["b"]')  # a tampered cache entry is what the next call reads
    assert deduplicate(rows, {})["id"].tolist() == ["b"]
    rows.loc[2, "label"] = "culture"  # other content: another key
    assert deduplicate(rows, {})["id"].tolist() == ["a", "c"]
    assert len(list((tmp_path / "dedup").glob("*.json"))) == 2


def test_unknown_setting_is_a_config_error():
    with pytest.raises(ConfigError, match="dedup.*known keys"):
        deduplicate(frame([("a", BASE, "x")]), {"treshold": 0.9})


def word_shingles(text: str, k: int = 5) -> set[str]:
    words = text.split()
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def brute_force(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    sets = [word_shingles(t) for t in texts]
    return {(i, j) for i in range(len(texts)) for j in range(i + 1, len(texts))
            if len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= threshold}  # fmt: skip


def planted_corpus(n: int = 300, seed: int = 0) -> list[str]:
    import random

    rng = random.Random(seed)
    texts = [" ".join(rng.choices(WORDS, k=60)) for _ in range(n)]
    for i in range(0, n, 10):  # near copies: a word changed near the end, a few appended
        words = texts[i].split()
        words[-1] = rng.choice(WORDS)
        texts.append(" ".join(words + rng.choices(WORDS, k=rng.randint(0, 2))))
    return texts


@pytest.mark.parametrize("threshold", [0.8, 0.9])
def test_lsh_pairs_are_the_exhaustive_comparisons_pairs(threshold):
    from marsad.data.dedup import near_duplicate_pairs

    texts = planted_corpus()
    expected = brute_force(texts, threshold)
    assert len(expected) >= 20  # the planted copies, at least
    found = near_duplicate_pairs(texts, DedupSettings(threshold=threshold))
    assert {(i, j) for i, j, _ in found} == expected
    assert all(score >= threshold for _, _, score in found)


def test_the_reports_count_duplicates_by_the_loaders_rule():
    from marsad.data.corpus_check import near_duplicates
    from marsad.data.describe import duplicate_stats

    texts = [BASE, NEAR, OTHER, "نص مختلف تماما عن غيره"]
    assert [(a, b) for a, b, _ in near_duplicates(dict(zip("abcd", texts)))] == [("a", "b")]
    stats = duplicate_stats({"train": texts[:1], "test": texts[1:]}, DedupSettings().threshold)
    assert stats["near_duplicate_pairs"] == 1 and stats["leaks"]["train-test"]["near"] == 1
    groups = duplicate_groups(texts, DedupSettings())
    assert groups[0] == groups[1] and len(set(groups)) == 3  # the loader groups the same pair
