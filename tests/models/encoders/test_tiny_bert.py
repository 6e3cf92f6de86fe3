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
