"""`marsad data verify`: every file a dataset reads matches its recorded SHA-256 and its schema.

The checksums live in the dataset's own config (`card.files: {<path>: <sha256>}`, paths
relative to the data root, or `pkg:` paths for bundled files), so adding a dataset stays a
one-file change: `marsad data verify NAME --record` prints the block to paste. A directory
entry hashes the sorted manifest of its files ("relpath<TAB>sha256<NEWLINE>" per file).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from marsad.data.paths import resolve_path
from marsad.data.table_dataset import TableDataset
from marsad.errors import MarsadError


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_path(path: Path) -> str:
    """A file's SHA-256, or for a directory the SHA-256 of its sorted file manifest."""
    if not path.is_dir():
        return sha256_file(path)
    manifest = "".join(
        f"{p.relative_to(path).as_posix()}\t{sha256_file(p)}\n"
        for p in sorted(path.rglob("*"))
        if p.is_file()
    )
    return hashlib.sha256(manifest.encode("utf-8")).hexdigest()


def files_read(tasks: dict[str, dict[str, Any]]) -> list[str]:
    """The paths (as written in config, data-root relative or `pkg:`) that loading reads."""
    paths: list[str] = []
    for spec in tasks.values():
        folder = str(spec["path"]).rstrip("/")
        names = list(spec["splits"].values()) if "splits" in spec else [spec.get("file")]
        paths += [f"{folder}/{name}" if name else folder for name in names]
        join = spec.get("join")
        if join:
            paths.append(str(join["path"]) if "path" in join else f"{folder}/{join['file']}")
        folds = (spec.get("split") or {}).get("folds") or {}
        if "file" in folds:  # an official fold assignment (e.g. UnifiedFC's train_test_splits.txt)
            paths.append(f"{folder}/{folds['file']}")
    return list(dict.fromkeys(paths))


def record(dataset: TableDataset) -> dict[str, str]:
    """Current checksums of every file the dataset reads, in config order."""
    return {rel: sha256_path(resolve_path(rel, dataset.data_root)) for rel in files_read(dataset.tasks)}


def record_yaml(dataset: TableDataset) -> str:
    """The `files:` block to paste under the dataset config's `card:`."""
    block = yaml.safe_dump({"files": record(dataset)}, sort_keys=False, width=200)
    return "".join(f"  {line}\n" for line in block.splitlines())


def check_checksums(dataset: TableDataset) -> list[str]:
    """One problem per file that is missing, unrecorded, or whose bytes changed."""
    recorded = {str(k): str(v) for k, v in (dataset.card.get("files") or {}).items()}
    problems = []
    for rel in files_read(dataset.tasks):
        path = resolve_path(rel, dataset.data_root)
        if not path.exists():
            problems.append(
                f"{path}: file not found (expected '{rel}' under the data root {dataset.data_root})"
            )
        elif rel not in recorded:
            problems.append(
                f"{path}: no SHA-256 recorded in card.files for '{rel}'; "
                f"run `marsad data verify {dataset.name} --record` and paste the block"
            )
        elif (actual := sha256_path(path)) != recorded[rel]:
            problems.append(
                f"{path}: SHA-256 {actual} differs from the recorded {recorded[rel]}; "
                "the file was changed or corrupted (re-fetch it, or re-record if the change is intended)"
            )
    return problems


def check_schema(dataset: TableDataset) -> list[str]:
    """One problem per task whose files lack a column (or field) the config maps."""
    problems = []
    for task in dataset.tasks:
        try:
            dataset.check_columns(task)
        except MarsadError as err:
            join = dataset.tasks[task].get("join")
            where = ""
            if join:  # text columns usually come from the joined file: name it too
                folder = str(dataset.tasks[task]["path"]).rstrip("/")
                joined = join.get("path") or f"{folder}/{join['file']}"
                where = f" (after joining {resolve_path(str(joined), dataset.data_root)})"
            problems.append(f"task '{task}': {err}{where}")
    return problems


def verify(dataset: TableDataset) -> list[str]:
    """Checksum problems first (they explain schema problems), then schema problems."""
    problems = check_checksums(dataset)
    missing = any("file not found" in p for p in problems)
    return problems + ([] if missing else check_schema(dataset))
