"""What a duplicate is, once for Marsad: the loader removes them before a split, and
`marsad data describe` and `check-corpus` count them, by the same rule.

News feeds re-list the same article under several sections (ANT: 2,230 articles share a
byte-identical text with one filed elsewhere). Left in, a text sits in train and test, often
with two different labels. The rule, configured under `dedup:` in a dataset's task:

- the compared text is the canonical `text` field, or the source column named by `column`
  (ANT: the article body, so that one body filed under two titles is caught);
- exact duplicates: same text after collapsing whitespace;
- near duplicates: Jaccard similarity of word `shingle`-grams >= `threshold`, candidates from
  MinHash LSH (`num_perm` permutations, so 31k articles take seconds), each verified on the
  true shingle sets (no pair under the threshold is ever reported);
- groups are the connected components of both relations. A group whose members all carry one
  label keeps its first member (by id); a group with conflicting labels is dropped entirely,
  because any label we kept for its text would be arbitrary.

The kept ids are cached under `marsad.cache.cache_dir("dedup")`, keyed by a hash of the
canonical ids, texts and labels and of the settings, so only the first load pays.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from marsad.cache import cache_dir
from marsad.errors import ConfigError

log = logging.getLogger(__name__)


NEAR_DUPLICATE_JACCARD = 0.8


@dataclass(frozen=True)
class DedupSettings:
    threshold: float = NEAR_DUPLICATE_JACCARD
    shingle: int = 5
    num_perm: int = 64
    seed: int = 1

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1 or self.shingle < 1 or self.num_perm < 16:
            raise ConfigError(f"dedup: need 0 < threshold <= 1, shingle >= 1, num_perm >= 16; got {self}")


def _shingles(text: str, size: int) -> list[bytes]:
    words = text.split()
    if len(words) <= size:
        return [" ".join(words).encode("utf-8")]
    return [" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)]


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def near_duplicate_pairs(
    texts: list[str], settings: DedupSettings | None = None
) -> list[tuple[int, int, float]]:
    """(i, j, jaccard) for i < j whose word-shingle Jaccard >= the threshold, verified exactly.
    Pass distinct texts (whitespace collapsed): identical ones are exact duplicates."""
    from datasketch import MinHash, MinHashLSH

    settings = settings or DedupSettings()
    # Candidates from a lower LSH threshold, bands tuned for recall: a candidate too many costs
    # one exact check, a pair missed at the threshold would stay in the data.
    lsh_threshold = max(0.5, settings.threshold - 0.2)
    lsh = MinHashLSH(threshold=lsh_threshold, num_perm=settings.num_perm, weights=(0.05, 0.95))
    shingle_sets: list[set[bytes]] = []
    pairs = []
    for i, text in enumerate(texts):
        shingles = set(_shingles(normalise_space(text), settings.shingle))
        shingle_sets.append(shingles)
        signature = MinHash(num_perm=settings.num_perm, seed=settings.seed)
        signature.update_batch(shingles)
        for j in lsh.query(signature):
            other = shingle_sets[j]
            score = len(shingles & other) / len(shingles | other)
            if score >= settings.threshold:
                pairs.append((j, i, round(score, 3)))
        lsh.insert(i, signature)
    return sorted(pairs)


def duplicate_groups(texts: list[str], settings: DedupSettings) -> np.ndarray:
    """A group number per text: equal numbers are exact or near duplicates (union-find)."""
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for i, text in enumerate(texts):
        key = normalise_space(text)
        if key in first_of:  # exact duplicate
            parent[find(i)] = find(first_of[key])
        else:
            first_of[key] = i
    unique = list(first_of)
    for a, b, _ in near_duplicate_pairs(unique, settings):
        parent[find(first_of[unique[b]])] = find(first_of[unique[a]])
    return np.array([find(i) for i in range(len(texts))])


def kept_ids(frame: pd.DataFrame, settings: DedupSettings, texts: pd.Series) -> list[str]:
    """Ids of the rows that survive deduplication (see the module docstring for the rule);
    `texts` is aligned with `frame` and holds what is compared."""
    ordered = frame.assign(_key=frame["id"].astype(str), _text=texts.astype(str))
    ordered = ordered.sort_values("_key", kind="stable")
    groups = duplicate_groups(ordered["_text"].tolist(), settings)
    labels = ordered["label"].map(lambda v: "|".join(sorted(v)) if isinstance(v, list) else str(v))
    table = pd.DataFrame({"id": ordered["_key"].to_numpy(), "group": groups, "label": labels.to_numpy()})
    consistent = table.groupby("group")["label"].transform("nunique") == 1
    first = ~table["group"].duplicated(keep="first")
    return table.loc[consistent & first, "id"].tolist()


def _settings(settings: dict, key: str) -> DedupSettings:
    try:
        return DedupSettings(**settings)
    except TypeError as err:
        raise ConfigError(f"{key}: {err}; known keys: {sorted(DedupSettings.__dataclass_fields__)}") from None


def _cached_ids(
    kind: str, frame: pd.DataFrame, texts: pd.Series, settings: DedupSettings, compute
) -> set[str]:
    """Ids computed by `compute()`, cached by a hash of the rows (id, text, label, split) and settings."""
    digest = hashlib.sha256(json.dumps([kind, asdict(settings)], sort_keys=True).encode())
    splits = frame["split"].astype(str) if "split" in frame else pd.Series("", index=frame.index)
    for values in zip(frame["id"].astype(str), texts.astype(str), frame["label"].astype(str), splits):
        digest.update("\x1f".join(values).encode("utf-8") + b"\x1e")
    path = cache_dir("dedup") / f"{digest.hexdigest()[:24]}.json"
    if path.exists():
        return set(json.loads(path.read_text()))
    found = set(compute())
    path.write_text(json.dumps(sorted(found)))
    return found


def deduplicate(frame: pd.DataFrame, settings: dict, texts: pd.Series | None = None) -> pd.DataFrame:
    """`frame` without duplicates of `texts` (default: its `text` column), the kept ids read
    from or written to the dedup cache."""
    texts = frame["text"] if texts is None else texts
    parsed = _settings(settings, "dedup")
    keep = _cached_ids("dedup", frame.drop(columns="split", errors="ignore"), texts, parsed,
                       lambda: kept_ids(frame, parsed, texts))  # fmt: skip
    out = frame[frame["id"].astype(str).isin(keep)]
    log.info("dedup     kept %d of %d rows", len(out), len(frame))
    return out


def duplicates_of_test(frame: pd.DataFrame, settings: DedupSettings, texts: pd.Series) -> list[str]:
    """Ids of the train and dev rows whose text is an exact or near duplicate of a test row's."""
    groups = duplicate_groups(texts.astype(str).tolist(), settings)
    is_test = (frame["split"] == "test").to_numpy()
    test_groups = set(groups[is_test].tolist())
    return [i for i, g, t in zip(frame["id"].astype(str), groups, is_test) if not t and g in test_groups]


def drop_duplicates_of_test(
    frame: pd.DataFrame, settings: dict, texts: pd.Series | None = None
) -> pd.DataFrame:
    """`frame` without the train and dev rows that duplicate a test row (`dedup_across_splits`):
    the same page retrieved for two claims of different folds (UnifiedFC: 47 of 613 test pairs)
    would otherwise be scored on a text the model trained on. The test split stays whole."""
    texts = frame["text"] if texts is None else texts
    parsed = _settings(settings, "dedup_across_splits")
    dropped = _cached_ids(
        "across_splits", frame, texts, parsed, lambda: duplicates_of_test(frame, parsed, texts)
    )
    log.info("dedup     dropped %d train/dev rows that duplicate a test row", len(dropped))
    return frame[~frame["id"].astype(str).isin(dropped)]
