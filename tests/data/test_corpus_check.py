"""The bundled corpus passes its integrity checks, and the checks catch real defects."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from marsad.data.corpus_check import bundled_dir, check_corpus, near_duplicates


def test_bundled_corpus_passes_and_meets_its_counts():
    report = check_corpus()
    assert report.problems == []
    counts = report.counts
    assert counts["articles"] >= 480 and counts["pairs"] >= 1200
    assert len(counts["theatres"]) >= 10
    assert all(sum(s.values()) >= 45 for s in counts["topic_by_split"].values())
    assert min(counts["actor_articles"].values()) >= 12 and len(counts["actor_articles"]) == 25
    assert counts["alias_mention_share"] >= 0.30
    assert all(sum(s.values()) / counts["pairs"] >= 0.15 for s in counts["stance_by_split"].values())


def test_check_catches_broken_split_and_near_duplicates(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(bundled_dir(), folder)
    articles = (folder / "articles.jsonl").read_text(encoding="utf-8").split("\n")
    first = json.loads(articles[0])
    copy = dict(first, id="copy-1", text=first["text"] + " وأضاف المصدر.")
    articles.insert(1, json.dumps(copy, ensure_ascii=False))
    (folder / "articles.jsonl").write_text("\n".join(articles), encoding="utf-8")
    pairs = (folder / "stance.jsonl").read_text(encoding="utf-8").split("\n")
    pair = json.loads(pairs[0])
    pair["split"] = next(s for s in ("train", "dev", "test") if s != pair["split"])
    pairs[0] = json.dumps(pair, ensure_ascii=False)
    (folder / "stance.jsonl").write_text("\n".join(pairs), encoding="utf-8")
    problems = check_corpus(folder).problems
    assert any(f"near-duplicate articles {first['id']} and copy-1" in p for p in problems)
    assert any("stance.jsonl row 1" in p and "differs from its article" in p for p in problems)


def test_near_duplicates_threshold():
    base = "قصفت طائرات مسيرة مواقع في ريف المدينة الشمالي وأسفر القصف عن سقوط قتلى وجرحى"
    assert near_duplicates({"a": base, "b": base + "."}) and not near_duplicates({"a": base, "b": base[::-1]})


def test_cli_prints_counts_and_ok():
    result = subprocess.run([str(Path(sys.executable).parent / "marsad"), "data", "check-corpus"],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:]
    assert re.search(r"\d{3,} articles, \d{4,} stance pairs", result.stdout) and "OK" in result.stdout
