"""`marsad data fetch NAME`: put a dataset's files under the data root, checksums verified.

Each file recorded in `card.files` is downloaded from `card.url` + its path inside the
dataset's folder (`ans/stance/train.csv` -> `<url>/stance/train.csv`), written only if its
SHA-256 matches the record. Files already present and intact are left alone. When a download
fails (offline, or a corpus that only exists as a conversion), the result lists exactly which
files to place where, so the user can copy them by hand and run `marsad data verify`.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.data.integrity import sha256_path
from marsad.data.paths import PACKAGE_PREFIX, resolve_path
from marsad.data.table_dataset import TableDataset

Opener = Callable[..., Any]


@dataclass
class FetchResult:
    fetched: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    to_place: dict[str, str] = field(default_factory=dict)  # relpath -> why it was not fetched

    @property
    def complete(self) -> bool:
        return not self.to_place


def file_url(base: str, rel: str) -> str:
    """`<url>/<path inside the dataset folder>`: drop the data-root folder name from `rel`."""
    inner = rel.split("/", 1)[1] if "/" in rel else rel
    return f"{base.rstrip('/')}/{inner}"


def fetch(dataset: TableDataset, opener: Opener | None = None, timeout: float = 30) -> FetchResult:
    """Download what is missing or corrupt; never overwrite a file with unverified bytes.
    `opener` defaults to urllib's urlopen (looked up at call time, so tests can replace it)."""
    opener = opener or urllib.request.urlopen
    result = FetchResult()
    url = str(dataset.card.get("url") or "")
    for rel, expected in (dataset.card.get("files") or {}).items():
        rel, expected = str(rel), str(expected)
        path = resolve_path(rel, dataset.data_root)
        if path.exists() and sha256_path(path) == expected:
            result.present.append(rel)
            continue
        if rel.startswith(PACKAGE_PREFIX):
            result.to_place[rel] = "bundled with the package: reinstall marsad"
            continue
        if not url:
            result.to_place[rel] = "the card has no download `url`"
            continue
        source = file_url(url, rel)
        try:
            with opener(source, timeout=timeout) as response:
                payload = response.read()
        except (urllib.error.URLError, OSError) as err:
            result.to_place[rel] = f"could not download {source}: {getattr(err, 'reason', err)}"
            continue
        actual = hashlib.sha256(payload).hexdigest()
        if actual != expected:
            result.to_place[rel] = f"{source} has SHA-256 {actual}, expected {expected}"
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        result.fetched.append(rel)
    return result


def placement_instructions(dataset: TableDataset, result: FetchResult) -> str:
    """What a user must copy where, when fetching could not finish on its own."""
    root = Path(dataset.data_root)
    lines = [
        f"Place these files of '{dataset.name}' by hand under the data root {root}",
        "(set `data_root=...` or $MARSAD_DATA_DIR to use another root); "
        f"source: {dataset.card.get('source', '?')}",
    ]
    for rel, why in result.to_place.items():
        target = resolve_path(rel, root)
        lines.append(f"  {rel}  ->  {target}")
        lines.append(f"      sha256 {dataset.card['files'][rel]}; {why}")
    lines.append(f"Then check them with: marsad data verify {dataset.name}")
    return "\n".join(lines)
