"""The locally built tiny checkpoint: a normal folder that `from_pretrained` loads, cached by content."""

from __future__ import annotations

import pytest

from marsad.models.encoders.tiny_bert import TinyBert
from tests.conftest import fixture_articles


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))


def test_builds_a_checkpoint_folder_that_from_pretrained_loads(tmp_path):
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

    texts = [a["text"] for a in fixture_articles(40)]
    folder = TinyBert(vocab_size=300).build(texts)
    assert folder.parent == tmp_path / "cache" / "tiny_models"
    config = AutoConfig.from_pretrained(folder)
    assert (config.num_hidden_layers, config.hidden_size, config.num_attention_heads) == (2, 128, 2)
    assert config.intermediate_size == 256

    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.vocab_size <= 300
    pair = tokenizer("قصف المدينة", "غارة في المدينة")
    tokens = tokenizer.convert_ids_to_tokens(pair["input_ids"])
    assert tokens[0] == "[CLS]" and tokens.count("[SEP]") == 2 and "[UNK]" not in tokens
    assert pair["token_type_ids"][-1] == 1 and pair["token_type_ids"][0] == 0

    model = AutoModelForSequenceClassification.from_pretrained(folder, num_labels=3)
    assert model(**tokenizer(["قصف"], return_tensors="pt")).logits.shape == (1, 3)


def test_the_folder_is_reused_for_the_same_texts_and_config_only():
    texts = [a["text"] for a in fixture_articles(30)]
    builder = TinyBert(vocab_size=300)
    folder = builder.build(texts)
    stamp = (folder / "config.json").stat().st_mtime_ns
    assert builder.build(texts) == folder
    assert (folder / "config.json").stat().st_mtime_ns == stamp  # not rebuilt
    assert TinyBert(vocab_size=300).build(texts[:-1]) != folder
    assert TinyBert(vocab_size=300, hidden_size=64).build(texts) != folder
    leftovers = [p for p in folder.parent.iterdir() if p.name.startswith(".building-")]
    assert leftovers == []


BUILD_IN_A_NEW_PROCESS = """
import hashlib, sys
from marsad.models.encoders.tiny_bert import TinyBert
from tests.conftest import fixture_articles
folder = TinyBert(vocab_size=400).build([a["text"] for a in fixture_articles(60)])
print(hashlib.sha256((folder / "tokenizer.json").read_bytes()).hexdigest())
"""


def test_two_cold_builds_in_two_processes_give_the_same_vocabulary(tmp_path):
    # tokenizers' trainer numbers continuing pieces in per-process hash order (tokenizers#1794);
    # each process here has its own hash seed and an empty cache.
    import os
    import subprocess
    import sys
    from pathlib import Path

    from transformers import AutoTokenizer

    repo = Path(__file__).resolve().parents[3]
    digests = []
    for n in range(3):
        env = {**os.environ, "MARSAD_CACHE_DIR": str(tmp_path / f"cache{n}"), "PYTHONPATH": str(repo)}
        out = subprocess.run([sys.executable, "-c", BUILD_IN_A_NEW_PROCESS], env=env, cwd=repo,
                             capture_output=True, text=True, check=True)  # fmt: skip
        digests.append(out.stdout.split()[-1])
    assert len(set(digests)) == 1, digests

    folder = next((tmp_path / "cache0" / "tiny_models").iterdir())
    tokenizer = AutoTokenizer.from_pretrained(folder)
    pieces = tokenizer.tokenize("والمدينتين")  # an unseen word: split into continuing pieces
    assert len(pieces) > 1 and all(p.startswith("##") for p in pieces[1:])
    assert not any(t.startswith("##") for t in tokenizer.all_special_tokens)
