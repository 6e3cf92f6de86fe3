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
