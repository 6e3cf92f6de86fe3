"""Integrity checks of the bundled corpus: ids, label sets, splits, duplicates, counts.

`marsad data check-corpus` prints the counts and every problem found; the test suite runs it.
Near-duplicates are pairs of articles whose word 5-shingle sets have Jaccard >= 0.8 (the
loader's rule: `marsad.data.dedup`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib.resources import files
from itertools import combinations
from pathlib import Path

import yaml

from marsad.data.dedup import NEAR_DUPLICATE_JACCARD, DedupSettings, near_duplicate_pairs, normalise_space

STANCES = ("agree", "disagree", "discuss", "unrelated")
SPLITS = ("train", "dev", "test")


@dataclass
class CorpusReport:
    problems: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def bundled_dir() -> Path:
    return Path(str(files("marsad").joinpath("data/marsad_mini")))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def near_duplicates(texts: dict[str, str], threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple]:
    """(key_a, key_b, jaccard) for every pair of texts whose word-shingle Jaccard >= threshold,
    identical texts included (Jaccard 1.0); MinHash LSH keeps it fast on whole corpora."""
    keys_of: dict[str, list[str]] = {}
    for key, text in texts.items():
        keys_of.setdefault(normalise_space(text), []).append(key)
    unique = list(keys_of)
    pairs = [(a, b, 1.0) for keys in keys_of.values() for a, b in combinations(keys, 2)]
    for i, j, jaccard in near_duplicate_pairs(unique, DedupSettings(threshold=threshold)):
        pairs += [(a, b, jaccard) for a in keys_of[unique[i]] for b in keys_of[unique[j]]]
    return pairs


def check_corpus(folder: Path | None = None) -> CorpusReport:
    folder = folder or bundled_dir()
    report = CorpusReport()
    problem = report.problems.append
    articles = read_jsonl(folder / "articles.jsonl")
    pairs = read_jsonl(folder / "stance.jsonl")
    topics = set(yaml.safe_load((folder / "topics.yaml").read_text(encoding="utf-8")))
    actors = yaml.safe_load((folder / "actors.yaml").read_text(encoding="utf-8"))

    by_id = {}
    for row, article in enumerate(articles, start=1):
        where = f"articles.jsonl row {row} ({article.get('id')})"
        if article["id"] in by_id:
            problem(f"{where}: duplicate article id")
        by_id[article["id"]] = article
        if article["topic"] not in topics:
            problem(f"{where}: topic {article['topic']!r} not in topics.yaml")
        for actor in article["actors"]:
            if actor not in actors:
                problem(f"{where}: actor {actor!r} not in actors.yaml")
        if article["split"] not in SPLITS:
            problem(f"{where}: split {article['split']!r} not in {SPLITS}")
        sentences = [s for s in re.split(r"(?<=[.!؟?])\s+", article["text"].strip()) if s]
        if not 3 <= len(sentences) <= 8:
            problem(f"{where}: {len(sentences)} sentences, expected 3-8")
        full = article["title"] + "\n" + article["text"]
        for actor, mentions in article.get("actor_mentions", {}).items():
            for mention in mentions:
                if mention not in full:
                    problem(f"{where}: mention {mention!r} of {actor} is not in the text")

    pair_ids = set()
    for row, pair in enumerate(pairs, start=1):
        where = f"stance.jsonl row {row} ({pair.get('id')})"
        if pair["id"] in pair_ids:
            problem(f"{where}: duplicate pair id")
        pair_ids.add(pair["id"])
        article = by_id.get(pair["article_id"])
        if article is None:
            problem(f"{where}: article {pair['article_id']!r} not in articles.jsonl")
        elif pair["split"] != article["split"]:
            problem(f"{where}: split {pair['split']} differs from its article's {article['split']}")
        if pair["stance"] not in STANCES:
            problem(f"{where}: stance {pair['stance']!r} not in {STANCES}")

    texts = {a["id"]: a["title"] + " " + a["text"] for a in articles}
    exact = Counter(texts.values())
    for text, n in exact.items():
        if n > 1:
            problem(f"{n} articles share one text: {[k for k, v in texts.items() if v == text]}")
    for a, b, jaccard in near_duplicates(texts):
        problem(f"near-duplicate articles {a} and {b} (shingle Jaccard {jaccard})")

    mentions = [(actor, m) for a in articles for actor, ms in a.get("actor_mentions", {}).items() for m in ms]
    canonical = sum(m == actors[actor]["name_ar"] for actor, m in mentions if actor in actors)
    report.counts = {
        "articles": len(articles),
        "pairs": len(pairs),
        "theatres": dict(Counter(a["theatre"] for a in articles).most_common()),
        "topic_by_split": {
            t: {s: sum(a["topic"] == t and a["split"] == s for a in articles) for s in SPLITS}
            for t in sorted(topics)
        },
        "actor_articles": dict(Counter(x for a in articles for x in a["actors"]).most_common()),
        "alias_mention_share": round(1 - canonical / max(1, len(mentions)), 3),
        "stance_by_split": {
            st: {s: sum(p["stance"] == st and p["split"] == s for p in pairs) for s in SPLITS}
            for st in STANCES
        },
    }
    for topic, per_split in report.counts["topic_by_split"].items():
        if sum(per_split.values()) < 45:
            problem(f"topic {topic}: {sum(per_split.values())} articles, expected at least 45")
    for actor in actors:
        if report.counts["actor_articles"].get(actor, 0) < 12:
            problem(
                f"actor {actor}: in {report.counts['actor_articles'].get(actor, 0)} articles, expected >= 12"
            )
    for stance, per_split in report.counts["stance_by_split"].items():
        if sum(per_split.values()) / max(1, len(pairs)) < 0.15:
            problem(f"stance {stance}: under 15% of pairs")
    return report
