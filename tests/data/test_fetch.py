"""`fetch` stores only verified bytes, and offline it says exactly what to place where."""

from __future__ import annotations

import hashlib
import io
import urllib.error

from marsad.data import TableDataset
from marsad.data.fetch import fetch, file_url, placement_instructions

PAYLOAD = {"train.csv": b"s1,s2,stance\na,b,agree\n", "test.csv": b"s1,s2,stance\nc,d,other\n"}


def dataset(root, url="https://example.org/ans/data") -> TableDataset:
    files = {f"ans/stance/{n}": hashlib.sha256(b).hexdigest() for n, b in PAYLOAD.items()}
    tasks = {"stance": {"path": "ans/stance", "splits": {"train": "train.csv", "test": "test.csv"}}}
    return TableDataset(name="ans_like", tasks=tasks, card={"url": url, "files": files, "source": "ANS"},
                        data_root=str(root))  # fmt: skip


def serving(payloads: dict[str, bytes], seen: list[str]):
    def opener(url, timeout):
        seen.append(url)
        return io.BytesIO(payloads[url.rsplit("/", 1)[1]])

    return opener


def offline(url, timeout):
    raise urllib.error.URLError("[Errno -2] Name or service not known")


def test_urls_are_the_path_inside_the_dataset_folder():
    assert file_url("https://h/x/data/", "ans/stance/train.csv") == "https://h/x/data/stance/train.csv"


def test_downloads_missing_files_and_verifies_them(tmp_path):
    seen: list[str] = []
    result = fetch(dataset(tmp_path), opener=serving(PAYLOAD, seen))
    assert result.fetched == ["ans/stance/train.csv", "ans/stance/test.csv"] and result.complete
    assert seen[0] == "https://example.org/ans/data/stance/train.csv"
    assert (tmp_path / "ans" / "stance" / "test.csv").read_bytes() == PAYLOAD["test.csv"]
    again = fetch(dataset(tmp_path), opener=offline)  # intact files are not downloaded again
    assert again.present == ["ans/stance/train.csv", "ans/stance/test.csv"] and again.complete


def test_corrupt_download_is_not_stored(tmp_path):
    bad = {**PAYLOAD, "test.csv": PAYLOAD["test.csv"] + b"x"}
    result = fetch(dataset(tmp_path), opener=serving(bad, []))
    assert result.fetched == ["ans/stance/train.csv"] and "expected" in result.to_place["ans/stance/test.csv"]
    assert not (tmp_path / "ans" / "stance" / "test.csv").exists()


def test_offline_lists_every_file_and_where_it_goes(tmp_path):
    ds = dataset(tmp_path)
    result = fetch(ds, opener=offline)
    assert not result.complete and list(result.to_place) == ["ans/stance/train.csv", "ans/stance/test.csv"]
    message = placement_instructions(ds, result)
    assert f"under the data root {tmp_path}" in message
    for name in PAYLOAD:
        assert f"ans/stance/{name}  ->  {tmp_path}/ans/stance/{name}" in message
    assert "Name or service not known" in message and "marsad data verify ans_like" in message
