"""Every corpus in ../shared/data loads through its config with the counts its SOURCE.md gives."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from marsad.config_check import load_dataset_config
from marsad.data.readers import read_json_dir, read_table
from marsad.tasks import Task

TOPIC = Task("topic", ["text"], "single", ["accuracy"], "macro_f1")
ACTOR = Task("actor", ["text"], "multi", ["multilabel"], "micro_f1")
STANCE = Task("stance", ["claim", "text"], "single", ["accuracy"], "macro_f1")

# unifiedfc/SOURCE.md, "Counts": pairs per official fold and label.
UNIFIEDFC_FOLDS = {
    1: {"agree": 93, "disagree": 16, "discuss": 88, "unrelated": 419},
    2: {"agree": 99, "disagree": 15, "discuss": 94, "unrelated": 426},
    3: {"agree": 86, "disagree": 6, "discuss": 84, "unrelated": 416},
    4: {"agree": 86, "disagree": 25, "discuss": 73, "unrelated": 403},
    5: {"agree": 110, "disagree": 25, "discuss": 70, "unrelated": 408},
}
UNIFIEDFC_CLAIMS = {1: 85, 2: 85, 3: 84, 4: 84, 5: 84}


def unifiedfc(real_data_root, cv_fold: int | None = None, dedup: bool = True):
    dataset = load_dataset_config("unifiedfc_stance", str(real_data_root))
    dataset.tasks["stance"]["split"]["cv_fold"] = cv_fold
    if not dedup:  # the official folds as SOURCE.md counts them
        del dataset.tasks["stance"]["dedup_across_splits"]
    return dataset.load(STANCE)


def label_counts(frames) -> Counter:
    return sum((Counter(f["label"]) for f in frames), Counter())


def test_unifiedfc_fixed_split_is_folds_1_3_4_5(real_data_root):
    data = unifiedfc(real_data_root, dedup=False)
    expected = {
        "train": sum((Counter(UNIFIEDFC_FOLDS[k]) for k in (1, 2, 3)), Counter()),
        "dev": Counter(UNIFIEDFC_FOLDS[4]),
        "test": Counter(UNIFIEDFC_FOLDS[5]),
    }
    assert {s: Counter(f["label"]) for s, f in data.frames.items()} == expected
    assert data.frames["test"]["_file"].nunique() == UNIFIEDFC_CLAIMS[5]
    assert data.tags == {}  # the fixed split is not a CV run
    # As configured, pages that repeat a test page leave train and dev; the test split stays whole.
    deduped = unifiedfc(real_data_root).frames
    assert Counter(deduped["test"]["label"]) == expected["test"]
    for split in ("train", "dev"):
        kept, whole = deduped[split], data.frames[split]
        assert set(kept["text"]) <= set(whole["text"]) and len(whole) - 60 < len(kept) < len(whole)
        assert not set(kept["text"]) & set(deduped["test"]["text"])


def test_unifiedfc_never_reads_rationale_and_models_see_only_claim_and_text(real_data_root):
    raw = read_json_dir(real_data_root / "unifiedfc" / "dataset", ["article", "stance"])
    assert "rationale" not in raw.columns and len(raw) == 3042
    frame = unifiedfc(real_data_root).frames["train"]
    assert list(STANCE.features(frame).columns) == ["claim", "text"]  # no fact, no R-/V- id


def test_unifiedfc_text_window_bounds_article_length(real_data_root):
    dataset = load_dataset_config("unifiedfc_stance", str(real_data_root))
    budget = dataset.tasks["stance"]["text_window"]["max_tokens"]
    raw = read_json_dir(real_data_root / "unifiedfc" / "dataset", ["article", "stance"])["article"]
    lengths = dataset.load(STANCE).frames["test"]["text"].str.split().str.len()
    assert lengths.max() <= budget < raw.str.split().str.len().max() and lengths.min() > 0


@pytest.mark.slow  # loads the corpus several times (~10-40 s)
def test_unifiedfc_cv_folds_partition_the_claims(real_data_root):
    seen_test: list[str] = []
    for k in range(1, 6):
        data = unifiedfc(real_data_root, cv_fold=k, dedup=False)
        assert data.tags == {"cv_fold": str(k)}
        claims = {s: set(f["_file"]) for s, f in data.frames.items()}  # one file per claim
        assert not (claims["train"] & claims["dev"] or claims["train"] & claims["test"])
        assert not claims["dev"] & claims["test"]
        assert Counter(data.frames["test"]["label"]) == Counter(UNIFIEDFC_FOLDS[k])
        assert len(claims["test"]) == UNIFIEDFC_CLAIMS[k]
        dev_fold = k - 1 if k > 1 else 5
        assert Counter(data.frames["dev"]["label"]) == Counter(UNIFIEDFC_FOLDS[dev_fold])
        seen_test += sorted(claims["test"])
    assert len(seen_test) == len(set(seen_test)) == sum(UNIFIEDFC_CLAIMS.values())
    assert unifiedfc(real_data_root, cv_fold=5).fingerprint == unifiedfc(real_data_root).fingerprint


def test_ans_counts_match_source(real_data_root):
    data = load_dataset_config("ans_stance", str(real_data_root)).load(STANCE)
    assert {s: dict(Counter(f["label"])) for s, f in data.frames.items()} == {
        "train": {"agree": 903, "disagree": 1686, "other": 63},
        "dev": {"agree": 268, "disagree": 471, "other": 16},
        "test": {"agree": 130, "disagree": 242, "other": 7},
    }


def test_ant_raw_counts_match_source(real_data_root):
    with gzip.open(real_data_root / "ant" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        labels = Counter(json.loads(line)["category"] for line in f)
    assert sum(labels.values()) == 31525
    assert labels == {"culture": 1064, "economy": 3367, "internationalNews": 10169,
                      "middleEast": 7628, "sport": 6569, "technology": 2728}  # fmt: skip


@pytest.fixture(scope="module")
def ant_topic(real_data_root):
    return load_dataset_config("ant_topic", str(real_data_root)).load(TOPIC)


@pytest.mark.slow  # loads the corpus several times (~10-40 s)
def test_ant_topic_keeps_no_byte_identical_body_twice(ant_topic, real_data_root):
    with gzip.open(real_data_root / "ant" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        body = {r["id"]: r["text"] for r in map(json.loads, f)}
    kept = [i for frame in ant_topic.frames.values() for i in frame["id"]]
    bodies = Counter(body[i] for i in kept)
    assert bodies.most_common(1)[0][1] == 1
    # SOURCE.md: 1,468 exact-duplicate groups hold 2,953 articles, so exact dedup alone removes
    # at least 2,953 - 1,468 = 1,485; near duplicates remove more.
    assert len(kept) <= 31525 - 1485
    assert len(kept) > 31525 * 0.85  # and it does not throw the corpus away


@pytest.mark.slow  # loads the corpus several times (~10-40 s)
def test_ant_topic_stratified_split(ant_topic):
    sizes = ant_topic.sizes()
    total = sum(sizes.values())
    assert abs(sizes["test"] / total - 0.15) < 0.01 and abs(sizes["dev"] / total - 0.15) < 0.01
    share = {s: Counter(f["label"])["culture"] / len(f) for s, f in ant_topic.frames.items()}
    assert max(share.values()) - min(share.values()) < 0.005


@pytest.mark.slow  # loads the corpus several times (~10-40 s)
def test_ant_topic_held_out_outlet(real_data_root):
    dataset = load_dataset_config("ant_topic", str(real_data_root))
    dataset.tasks["topic"]["split"]["policy"] = "held_out"
    data = dataset.load(TOPIC)
    assert data.tags == {"held_out": "source=BBC"}
    # BBC has all six sections (SOURCE.md: 3,815 articles before deduplication).
    assert 3300 < len(data.frames["test"]) <= 3815
    assert set(data.frames["test"]["label"]) == set(data.label_names)


def test_marsad_real_split_counts(real_data_root):
    """The three public splits hold SOURCE.md's counts; dev is the same 98 articles as before."""
    data = load_dataset_config("marsad_real", str(real_data_root)).load(TOPIC)
    assert data.sizes() == {"train": 300, "dev": 98, "test": 200}
    assert dict(Counter(data.frames["dev"]["label"])) == {
        "political": 33, "other": 25, "attack": 12, "armed_clash": 8, "security_operation": 8,
        "protest": 6, "civilian_harm": 4, "humanitarian": 2,
    }  # fmt: skip
    assert dict(Counter(data.frames["train"]["label"])) == {
        "political": 92, "other": 91, "attack": 24, "humanitarian": 20, "armed_clash": 20,
        "security_operation": 20, "protest": 17, "civilian_harm": 16,
    }  # fmt: skip
    assert Counter(data.frames["test"]["label"])["civilian_harm"] == 11
    actors = load_dataset_config("marsad_real", str(real_data_root)).load(ACTOR)
    per_split = {s: Counter(a for labels in f["label"] for a in labels) for s, f in actors.frames.items()}
    assert per_split["dev"]["united_states"] == 22 and per_split["dev"]["russia"] == 17
    assert per_split["train"]["united_states"] == 94 and per_split["test"]["united_nations"] == 42
    empty = {s: sum(1 for labels in f["label"] if not labels) for s, f in actors.frames.items()}
    assert empty == {"train": 85, "dev": 30, "test": 59}


def test_marsad_real_texts_lose_the_teasers_pasted_at_their_end(real_data_root):
    """CNN's pages in ANT end with leads of the day's other stories; LABELS.md says they do not
    count. This article, about an Indian bishop, ended with five (Russia, the US, the UN, Iran,
    Iraq named) and is labelled with no actor."""
    raw = read_table(real_data_root / "ant" / "articles.jsonl.gz")
    original = raw.loc[raw["id"] == "CN-internationalNews-598-20180911", "text"].iloc[0]
    actors = load_dataset_config("marsad_real", str(real_data_root)).load(ACTOR, for_training=False)
    dev = actors.frames["dev"].set_index("id")
    text = dev.loc["CN-internationalNews-598-20180911", "text"]
    paragraphs = original.split("\n")
    assert text.endswith(paragraphs[-6]) and len(text.split("\n")) == len(paragraphs) - 5 + 1  # + title
    assert "روسيا" in original and "روسيا" not in text
    assert dev.loc["CN-internationalNews-598-20180911", "label"] == []
    plain = load_dataset_config("marsad_real", str(real_data_root))
    del plain.tasks["actor"]["join"]["shared_tail"]
    before = plain.load(ACTOR, for_training=False).frames["dev"].set_index("id")["text"]
    changed = before[before != dev["text"]]
    assert len(changed) == 11  # the number the dataset config's comment gives
    assert all(before[i].startswith(dev.loc[i, "text"]) for i in changed.index)  # only tails go
