"""Reading, validating, splitting and fingerprinting datasets described by config."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from marsad.data import TableDataset
from marsad.errors import ConfigError, DatasetError
from marsad.tasks import Task
from tests.conftest import FIXTURE_DATASET

TOPIC = Task("topic", ["text"], "single", ["accuracy", "classification_f1"], "macro_f1")
ACTOR = Task("actor", ["text"], "multi", ["multilabel"], "micro_f1")
STANCE = Task("stance", ["claim", "text"], "single", ["accuracy", "classification_f1"], "macro_f1")


def fixture_dataset(root: Path, **task_changes) -> TableDataset:
    tasks = json.loads(json.dumps(FIXTURE_DATASET["tasks"]))
    for task, changes in task_changes.items():
        tasks[task].update(changes)
    return TableDataset(name="fixture", tasks=tasks, data_root=str(root))


def write_csv(folder: Path, rows: dict[str, list[dict]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for split, records in rows.items():
        pd.DataFrame(records).to_csv(folder / f"{split}.csv", index=False)


def official(folder_name: str) -> dict:
    return {
        "path": folder_name,
        "splits": {"train": "train.csv", "dev": "dev.csv", "test": "test.csv"},
        "columns": {"claim": "s1", "text": "s2", "label": "stance"},
        "labels": ["agree", "disagree", "other"],
    }


def good_rows(n: int, prefix: str) -> list[dict]:
    labels = ["agree", "disagree", "other"]
    return [
        {"s1": f"{prefix} ادعاء {i}", "s2": f"{prefix} نص {i}", "stance": labels[i % 3]} for i in range(n)
    ]


def official_dataset(tmp_path: Path, rows: dict[str, list[dict]] | None = None) -> TableDataset:
    rows = rows or {s: good_rows(6, s) for s in ("train", "dev", "test")}
    write_csv(tmp_path / "ans_like", rows)
    return TableDataset(name="ans_like", tasks={"stance": official("ans_like")}, data_root=str(tmp_path))


# -- the happy paths ---------------------------------------------------------------------------
def test_all_three_tasks_load_from_one_config(corpus_dir):
    for task in (TOPIC, ACTOR, STANCE):
        loaded = fixture_dataset(corpus_dir).load(task)
        assert set(loaded.frames) == {"train", "dev", "test"}
        assert sum(loaded.sizes().values()) == 90
        assert {"id", *task.inputs, "label", "split"} <= set(loaded.frames["train"].columns)
    actor = fixture_dataset(corpus_dir).load(ACTOR)
    assert all(isinstance(v, list) for v in actor.frames["train"]["label"])


def test_stance_split_keeps_each_claim_in_one_split(corpus_dir):
    loaded = fixture_dataset(corpus_dir).load(STANCE)
    claims = {s: set(f["claim"]) for s, f in loaded.frames.items()}
    assert not claims["train"] & claims["test"]
    assert not claims["train"] & claims["dev"]
    assert not claims["dev"] & claims["test"]
    sizes = loaded.sizes()
    assert 0.55 < sizes["train"] / 90 < 0.85  # about 70/15/15


def test_split_and_fingerprint_are_deterministic_and_content_sensitive(corpus_dir):
    first = fixture_dataset(corpus_dir).load(TOPIC)
    again = fixture_dataset(corpus_dir).load(TOPIC)
    assert first.fingerprint == again.fingerprint
    assert first.frames["test"]["id"].tolist() == again.frames["test"]["id"].tolist()
    other_seed = fixture_dataset(corpus_dir, topic={"split": {"policy": "stratified", "seed": 3}}).load(TOPIC)
    assert other_seed.frames["test"]["id"].tolist() != first.frames["test"]["id"].tolist()
    path = corpus_dir / "fixture" / "articles.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("غارة", "غارات", 1), encoding="utf-8")
    assert fixture_dataset(corpus_dir).load(TOPIC).fingerprint != first.fingerprint


def test_gzip_jsonl_and_parquet_read_like_the_plain_file(corpus_dir):
    plain = fixture_dataset(corpus_dir).load(TOPIC)
    source = corpus_dir / "fixture" / "articles.jsonl"
    (corpus_dir / "fixture" / "articles.jsonl.gz").write_bytes(gzip.compress(source.read_bytes()))
    pd.read_json(source, lines=True).to_parquet(corpus_dir / "fixture" / "articles.parquet")
    for name in ("articles.jsonl.gz", "articles.parquet"):
        loaded = fixture_dataset(corpus_dir, topic={"file": name}).load(TOPIC)
        assert loaded.fingerprint == plain.fingerprint, name


def test_dataset_refuses_a_task_it_does_not_serve(tmp_path):
    with pytest.raises(ConfigError, match="does not serve task 'topic'.*stance"):
        official_dataset(tmp_path).load(TOPIC)


# -- one clear error per kind of bad input -----------------------------------------------------
def test_missing_file_names_the_path(tmp_path):
    dataset = TableDataset(name="x", tasks={"stance": official("nowhere")}, data_root=str(tmp_path))
    with pytest.raises(DatasetError, match=r"nowhere/train\.csv: file not found.*MARSAD_DATA_DIR"):
        dataset.load(STANCE)


def test_missing_column_names_file_column_and_columns_present(tmp_path):
    rows = {s: [{"s1": "a", "text": "b", "stance": "agree"}] for s in ("train", "dev", "test")}
    with pytest.raises(
        DatasetError,
        match=r"train\.csv, field 's2': column 's2' .*columns present: \['s1', 'text', 'stance'\]",
    ):
        official_dataset(tmp_path, rows).load(STANCE)


def test_empty_text_names_file_row_and_field(tmp_path):
    rows = {s: good_rows(6, s) for s in ("train", "dev", "test")}
    rows["dev"][3]["s2"] = "   "
    with pytest.raises(DatasetError, match=r"dev\.csv, row 4, field 's2': empty text"):
        official_dataset(tmp_path, rows).load(STANCE)


def test_label_outside_the_declared_set(tmp_path):
    rows = {s: good_rows(6, s) for s in ("train", "dev", "test")}
    rows["train"][2]["stance"] = "unrelated"
    with pytest.raises(
        DatasetError,
        match=r"train\.csv, row 3, field 'stance': label 'unrelated' is not in the declared label set \['agree', 'disagree', 'other'\]",
    ):
        official_dataset(tmp_path, rows).load(STANCE)


def test_label_seen_only_in_test(tmp_path):
    rows = {s: good_rows(6, s) for s in ("train", "dev", "test")}
    rows["train"] = [r for r in rows["train"] if r["stance"] != "other"]
    rows["dev"] = [r for r in rows["dev"] if r["stance"] != "other"]
    with pytest.raises(
        DatasetError,
        match=r"test\.csv, row 3, field 'stance': label 'other' occurs in the test split but never in train",
    ):
        official_dataset(tmp_path, rows).load(STANCE)


def test_non_utf8_bytes_name_the_row(tmp_path):
    official_dataset(tmp_path)
    path = tmp_path / "ans_like" / "dev.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + "خبر".encode("cp1256")
    path.write_bytes(b"\n".join(lines))
    dataset = TableDataset(name="ans_like", tasks={"stance": official("ans_like")}, data_root=str(tmp_path))
    with pytest.raises(DatasetError, match=r"dev\.csv, row 3: byte .* is not valid UTF-8; expected UTF-8"):
        dataset.load(STANCE)


def test_duplicate_ids_name_both_rows(corpus_dir):
    path = corpus_dir / "fixture" / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[5])
    record["id"] = json.loads(lines[1])["id"]
    lines[5] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        DatasetError,
        match=r"articles\.jsonl, row 6, field 'id': duplicate id 'a001' \(first seen in .*articles\.jsonl, row 2\)",
    ):
        fixture_dataset(corpus_dir).load(TOPIC)


def test_malformed_json_line_names_the_line(corpus_dir):
    path = corpus_dir / "fixture" / "articles.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7][:-1]  # drop the closing brace
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        DatasetError,
        match=r"articles\.jsonl, row 8: malformed JSON .*expected one JSON object per line",
    ):
        fixture_dataset(corpus_dir).load(TOPIC)
