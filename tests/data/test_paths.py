"""Data paths: the bundled corpus needs no data root; an external one names how to give it."""

from __future__ import annotations

import pytest

from marsad.data.paths import resolve_data_root, resolve_path
from marsad.errors import DatasetError


def test_package_paths_need_no_data_root_and_relative_ones_do(tmp_path):
    bundled = resolve_path("pkg:marsad/data/marsad_mini", None)
    assert (bundled / "articles.jsonl").is_file()
    assert resolve_path("ans/stance", tmp_path) == tmp_path / "ans" / "stance"
    assert resolve_path(str(tmp_path / "x"), None) == tmp_path / "x"
    with pytest.raises(
        DatasetError, match=r"'ans/stance' is relative to the data root, and none is set.*MARSAD_DATA_DIR"
    ):
        resolve_path("ans/stance", None)


def test_data_root_from_config_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_root(str(tmp_path / "cfg")) == tmp_path / "cfg"
    assert resolve_data_root(None) == tmp_path / "env"
