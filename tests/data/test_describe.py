"""`describe` counts rows, labels, lengths, duplicates and leaks that a user would check by hand."""

from __future__ import annotations

import json
from pathlib import Path

from marsad.data import TableDataset
from marsad.data.describe import describe, save_label_plot
from marsad.tasks import Task

TOPIC = Task("topic", ["text"], "single", ["accuracy"], "macro_f1")
ACTOR = Task("actor", ["text"], "multi", ["multilabel"], "micro_f1")
BASE = (
    "قالت مصادر محلية إن اشتباكات عنيفة اندلعت صباح اليوم بين القوات الحكومية ومسلحين في ريف المدينة الشمالي"
)


def write(root: Path) -> None:
    rows = [{"id": f"t{i}", "text": f"نص تدريب رقم {i} عن {'غارة' if i % 2 else 'مفاوضات'} في المدينة",
             "topic": "attack" if i % 2 else "political", "actors": ["isis"] if i % 3 == 0 else [],
             "split": "train"} for i in range(8)]  # fmt: skip
    rows.append({"id": "t-base", "text": BASE, "topic": "attack", "actors": [], "split": "train"})
    rows.append(
        {"id": "t-copy", "text": BASE, "topic": "attack", "actors": [], "split": "train"}
    )  # exact dup
    rows.append({"id": "d-near", "text": BASE + " أمس", "topic": "attack", "actors": ["sdf"], "split": "dev"})
    rows.append({"id": "s-exact", "text": rows[3]["text"], "topic": "attack", "actors": [], "split": "test"})
    rows.append(
        {"id": "s-new", "text": "بيان جديد للوزير", "topic": "political", "actors": ["sdf"], "split": "test"}
    )
    (root / "c").mkdir(parents=True)
    (root / "c" / "rows.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))


def dataset(root: Path) -> TableDataset:
    common = {"path": "c", "file": "rows.jsonl", "split": {"column": "split"}}
    return TableDataset(name="tiny", data_root=str(root), tasks={
        "topic": {**common, "columns": {"id": "id", "text": "text", "label": "topic"}, "labels": ["attack", "political"]},
        "actor": {**common, "columns": {"id": "id", "text": "text", "label": "actors"}, "labels": ["isis", "sdf"]},
    })  # fmt: skip


def test_counts_duplicates_and_leaks(tmp_path):
    write(tmp_path)
    report = describe(dataset(tmp_path).load(TOPIC), TOPIC)
    assert report["rows"] == {"train": 10, "dev": 1, "test": 2}
    assert report["labels"]["train"] == {"attack": 6, "political": 4}
    assert report["tokens"]["test"]["min"] == 3 and report["tokens"]["test"]["max"] == 8
    assert report["tokens"]["train"]["median"] == 8
    text = report["duplicates"]["text"]
    assert report["exact_duplicate_examples"] == 2 and text["exact_duplicate_examples"] == 2
    assert text["near_duplicate_pairs"] == 1  # BASE and BASE + one word
    assert text["leaks"] == {
        "train-dev": {"exact": 0, "near": 1, "examples": 1},
        "train-test": {"exact": 1, "near": 0, "examples": 2},
    }


def test_multi_label_counts_examples_without_a_label_and_plots(tmp_path):
    write(tmp_path)
    report = describe(dataset(tmp_path).load(ACTOR, for_training=False), ACTOR)
    assert report["labels"]["train"] == {"(none)": 7, "isis": 3}
    assert report["labels"]["test"] == {"(none)": 1, "sdf": 1}
    path = save_label_plot(report, tmp_path / "out" / "labels.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
