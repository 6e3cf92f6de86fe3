"""`verify` catches a changed byte or a renamed column and names the file; a clean copy passes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import yaml
from omegaconf import OmegaConf

from marsad.config_check import dataset_spec
from marsad.data import TableDataset
from marsad.data.integrity import files_read, record, record_yaml, sha256_path, verify
from tests.conftest import FIXTURE_DATASET


def ans_copy(real_data_root: Path, tmp_path: Path) -> TableDataset:
    """ans_stance as configured (recorded checksums included), reading a private copy."""
    shutil.copytree(real_data_root / "ans" / "stance", tmp_path / "ans" / "stance")
    return configured("ans_stance", tmp_path)


def configured(name: str, data_root: Path) -> TableDataset:
    spec = OmegaConf.to_container(dataset_spec(name), resolve=False)
    return TableDataset(name=name, tasks=spec["tasks"], card=spec["card"], data_root=str(data_root))


def test_directory_checksum_is_the_sha256_of_its_sorted_manifest(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "b.txt").write_text("two")
    (tmp_path / "d" / "sub" / "a.txt").write_text("one")
    sha = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in (("a", "one"), ("b", "two"))}
    manifest = f"b.txt\t{sha['b']}\nsub/a.txt\t{sha['a']}\n"
    assert sha256_path(tmp_path / "d") == hashlib.sha256(manifest.encode()).hexdigest()
    (tmp_path / "d" / "sub" / "a.txt").write_text("One")
    assert sha256_path(tmp_path / "d") != hashlib.sha256(manifest.encode()).hexdigest()


def test_files_read_lists_split_files_and_joined_files():
    assert files_read(dict(dataset_spec("marsad_real").tasks)) == [
        "marsad_real/labels.jsonl",
        "ant/articles.jsonl.gz",
    ]
    assert files_read(dict(dataset_spec("ans_stance").tasks)) == [
        f"ans/stance/{s}.csv" for s in ("train", "dev", "test")
    ]


def test_files_read_includes_a_directory_and_its_fold_file():
    tasks = {"stance": {"path": "unifiedfc", "file": "dataset",
                        "split": {"policy": "folds", "folds": {"file": "train_test_splits.txt"}}}}  # fmt: skip
    assert files_read(tasks) == ["unifiedfc/dataset", "unifiedfc/train_test_splits.txt"]


def test_recorded_block_round_trips_and_verifies(corpus_dir):
    dataset = TableDataset(name="fixture", tasks=FIXTURE_DATASET["tasks"], data_root=str(corpus_dir))
    assert any("no SHA-256 recorded" in p and "--record" in p for p in verify(dataset))
    dataset.card = yaml.safe_load(record_yaml(dataset))
    assert set(dataset.card["files"]) == {"fixture/articles.jsonl", "fixture/pairs.csv"}
    assert verify(dataset) == []


def test_clean_copy_of_ans_passes(real_data_root, tmp_path):
    assert verify(ans_copy(real_data_root, tmp_path)) == []


def test_one_changed_byte_fails_naming_the_file(real_data_root, tmp_path):
    dataset = ans_copy(real_data_root, tmp_path)
    path = tmp_path / "ans" / "stance" / "dev.csv"
    raw = bytearray(path.read_bytes())
    raw[-2] = ord("x") if raw[-2] != ord("x") else ord("y")
    path.write_bytes(bytes(raw))
    problems = verify(dataset)
    assert len(problems) == 1 and str(path) in problems[0] and "SHA-256" in problems[0]


def test_renamed_column_fails_naming_the_file_and_column(real_data_root, tmp_path):
    dataset = ans_copy(real_data_root, tmp_path)
    path = tmp_path / "ans" / "stance" / "test.csv"
    text = path.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    path.write_text(header.replace("s2", "sentence") + "\n" + rest, encoding="utf-8")
    problems = verify(dataset)
    schema = [p for p in problems if "column 's2'" in p]
    assert schema and str(path) in schema[0] and "sentence" in schema[0]
    assert any(str(path) in p and "SHA-256" in p for p in problems)


def test_missing_file_is_reported_with_where_it_belongs(real_data_root, tmp_path):
    dataset = ans_copy(real_data_root, tmp_path)
    (tmp_path / "ans" / "stance" / "train.csv").unlink()
    problems = verify(dataset)
    assert problems == [
        f"{tmp_path}/ans/stance/train.csv: file not found (expected 'ans/stance/train.csv' under the data root {tmp_path})"
    ]


def test_recorded_checksums_match_the_shared_and_bundled_files(real_data_root):
    for name in ("ans_stance", "marsad_mini", "marsad_real", "ant_actor_silver"):
        dataset = configured(name, real_data_root)
        assert record(dataset) == dataset.card["files"], f"{name}: files changed since recorded"
