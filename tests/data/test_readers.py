"""The folder-of-JSON reader, TSV and the folds file: one row per record, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.data.readers import read_folds, read_json_dir, read_table
from marsad.errors import DatasetError


def write_claims(folder: Path, records: dict[str, dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, record in records.items():
        (folder / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return folder


def claim(n: int, claim_id: str) -> dict:
    return {"id": claim_id, "claim": "ادعاء", "fact": "true", "article": [f"نص {i}" for i in range(n)],
            "stance": ["agree"] * n, "rationale": ["[0]"] * n}  # fmt: skip


def test_one_row_per_pair_with_its_file_position_and_item_id(tmp_path):
    folder = write_claims(tmp_path / "dataset", {"R-1": claim(2, "R-1"), "V-2": claim(3, "V-2")})
    frame = read_json_dir(folder, ["article", "stance"])
    assert len(frame) == 5
    assert frame["item_id"].tolist() == ["R-1/1", "R-1/2", "V-2/1", "V-2/2", "V-2/3"]
    assert frame["_row"].tolist() == [1, 2, 1, 2, 3]
    assert frame["_file"].iloc[4].endswith("V-2.json")
    assert "rationale" not in frame.columns  # list fields not exploded are never read
    assert frame["claim"].eq("ادعاء").all()


def test_unequal_parallel_lists_name_the_file(tmp_path):
    record = claim(3, "R-1")
    record["stance"] = record["stance"][:2]
    folder = write_claims(tmp_path / "dataset", {"R-1": record})
    with pytest.raises(
        DatasetError, match=r"R-1\.json: parallel lists differ in length: \{'article': 3, 'stance': 2\}"
    ):
        read_json_dir(folder, ["article", "stance"])


def test_missing_list_field_names_file_and_field(tmp_path):
    record = claim(1, "R-1")
    del record["stance"]
    folder = write_claims(tmp_path / "dataset", {"R-1": record})
    with pytest.raises(DatasetError, match=r"R-1\.json, field 'stance': expected a list, found NoneType"):
        read_json_dir(folder, ["article", "stance"])


def test_malformed_json_file_is_named(tmp_path):
    folder = write_claims(tmp_path / "dataset", {"R-1": claim(1, "R-1")})
    (folder / "R-2.json").write_text('{"id": "R-2", ', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"R-2\.json: malformed JSON"):
        read_json_dir(folder, ["article", "stance"])


def test_folds_file(tmp_path):
    path = tmp_path / "folds.txt"
    path.write_text("Fold_1: R-1 V-2\nFold_2: R-3\n", encoding="utf-8")
    assert read_folds(path) == {"R-1": 1, "V-2": 1, "R-3": 2}
    path.write_text("Fold_1: R-1\nFold_2: R-1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"folds\.txt, row 2: 'R-1' is listed in two folds"):
        read_folds(path)
    path.write_text("Fold_1: R-1\nfold two R-3\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"folds\.txt, row 2: expected 'Fold_<k>: "):
        read_folds(path)


def test_a_file_is_parsed_once_per_process_and_each_caller_gets_its_own_copy(tmp_path, monkeypatch):
    from marsad.data import readers

    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "a", "topic": "attack"}\n', encoding="utf-8")
    calls = []
    real = readers.READERS["jsonl"]
    monkeypatch.setitem(readers.READERS, "jsonl", lambda p: calls.append(p) or real(p))
    first = read_table(path)
    first.loc[0, "topic"] = "changed by a caller"
    second = read_table(path)
    assert len(calls) == 1 and second.loc[0, "topic"] == "attack"
    path.write_text('{"id": "a", "topic": "attack"}\n{"id": "b", "topic": "protest"}\n', encoding="utf-8")
    assert list(read_table(path)["id"]) == ["a", "b"] and len(calls) == 2  # rewritten: read again


def write_tsv(path: Path, rows: list[list[str]]) -> Path:
    """Tab-separated as the csv module writes it: a field holding a tab, newline or quote is quoted."""
    import csv
    import gzip
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


TSV_ROWS = [
    ["id", "text", "label", "split"],
    ["1", "غارة على المدينة\tأمس\nوسط اشتباكات", "attack", "train"],
    ["2", 'قال "المتحدث" إن', "political", "train"],
    ["3", "NA", "attack", "dev"],
    ["4", "مظاهرة", "political", "test"],
]


def test_tsv_is_read_by_suffix_and_by_format_with_quoted_tabs_and_newlines(tmp_path):
    for path, fmt in (
        (write_tsv(tmp_path / "posts.tsv", TSV_ROWS), None),
        (write_tsv(tmp_path / "posts.tsv.gz", TSV_ROWS), None),
        (write_tsv(tmp_path / "posts.txt", TSV_ROWS), "tsv"),  # `format: tsv` in a dataset config
    ):
        frame = read_table(path, fmt)
        assert list(frame.columns) == ["id", "text", "label", "split", "_row"], path
        assert frame["text"].tolist() == [row[1] for row in TSV_ROWS[1:]]  # tab, newline, quotes kept
        assert frame["_row"].tolist() == [1, 2, 3, 4]  # records, not lines


def test_a_dataset_config_with_format_tsv_loads(tmp_path):
    from marsad.data import TableDataset
    from marsad.tasks import Task

    (tmp_path / "shared_task").mkdir()
    write_tsv(tmp_path / "shared_task" / "posts.txt", TSV_ROWS)
    spec = {"path": "shared_task", "file": "posts.txt", "format": "tsv", "split": {"column": "split"},
            "columns": {"id": "id", "text": "text", "label": "label"}, "labels": ["attack", "political"]}  # fmt: skip
    dataset = TableDataset(name="shared_task", tasks={"topic": spec}, data_root=str(tmp_path))
    topic = Task("topic", ["text"], "single", ["accuracy"], "macro_f1")
    loaded = dataset.load(topic, for_training=False)
    assert loaded.frames["train"]["text"].iloc[0] == "غارة على المدينة\tأمس\nوسط اشتباكات"
