"""Remove exact and near-duplicate texts before a dataset is split.

News feeds re-list the same article under several sections (ANT: 2,230 articles share a
byte-identical text with one filed elsewhere). Left in, a text sits in train and test, often
with two different labels. The rule, configured under `dedup:` in a dataset's task:

- the compared text is the canonical `text` field, or the source column named by `column`
  (ANT: the article body, so that one body filed under two titles is caught);
- exact duplicates: same text after collapsing whitespace;
- near duplicates: estimated Jaccard similarity of word `shingle`-grams >= `threshold`
  (MinHash with `num_perm` permutations, candidates from LSH, so 31k articles take seconds);
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


@dataclass(frozen=True)
class DedupSettings:
    threshold: float = 0.8
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


def duplicate_groups(texts: list[str], settings: DedupSettings) -> np.ndarray:
    """A group number per text: equal numbers are exact or near duplicates (union-find)."""
    from datasketch import MinHash, MinHashLSH

    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    lsh = MinHashLSH(threshold=settings.threshold, num_perm=settings.num_perm)
    signatures: dict[int, MinHash] = {}
    for i, text in enumerate(texts):
        key = " ".join(text.split())
        if key in first_of:  # exact duplicate: no MinHash needed
            parent[find(i)] = find(first_of[key])
            continue
        first_of[key] = i
        signature = MinHash(num_perm=settings.num_perm, seed=settings.seed)
        signature.update_batch(_shingles(key, settings.shingle))
        for j in lsh.query(signature):
            if signatures[j].jaccard(signature) >= settings.threshold:
                parent[find(i)] = find(j)
        lsh.insert(i, signature)
        signatures[i] = signature
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


def deduplicate(frame: pd.DataFrame, settings: dict, texts: pd.Series | None = None) -> pd.DataFrame:
    """`frame` without duplicates of `texts` (default: its `text` column), the kept ids read
    from or written to the dedup cache."""
    texts = frame["text"] if texts is None else texts
    try:
        parsed = DedupSettings(**settings)
    except TypeError as err:
        raise ConfigError(f"dedup: {err}; known keys: {sorted(DedupSettings.__dataclass_fields__)}") from None
    digest = hashlib.sha256(json.dumps(asdict(parsed), sort_keys=True).encode())
    for values in zip(frame["id"].astype(str), texts.astype(str), frame["label"].astype(str)):
        digest.update("\x1f".join(values).encode("utf-8") + b"\x1e")
    path = cache_dir("dedup") / f"{digest.hexdigest()[:24]}.json"
    if path.exists():
        keep = set(json.loads(path.read_text()))
    else:
        keep = set(kept_ids(frame, parsed, texts))
        path.write_text(json.dumps(sorted(keep)))
    out = frame[frame["id"].astype(str).isin(keep)]
    log.info("dedup     kept %d of %d rows (cache %s)", len(out), len(frame), path)
    return out
