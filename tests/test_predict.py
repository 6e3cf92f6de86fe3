"""`marsad predict` on logged models: the real example article, stdin, claims, registered names."""

from __future__ import annotations

import json

import mlflow
import pytest
from click.testing import CliRunner
from mlflow.tracking import MlflowClient
from omegaconf import open_dict

from marsad.cli import main
from marsad.run import run_experiment
from tests.conftest import FIXTURE_DATASET, compose_config


def train(task: str, tmp_path, corpus_dir) -> str:
    cfg = compose_config(
        [f"task={task}", "model=tfidf_logreg", f"data_root={corpus_dir}"], tmp_path, FIXTURE_DATASET
    )
    with open_dict(cfg):
        cfg.tracking.log_model = True
    run_experiment(cfg)
    client = MlflowClient(cfg.tracking.uri)
    runs = client.search_runs(
        [client.get_experiment_by_name("marsad").experiment_id], f"tags.task = '{task}'"
    )
    return runs[0].info.run_id


def predict(*args: str, stdin: str | None = None) -> dict:
    result = CliRunner().invoke(main, ["predict", *args, "--format", "json"], input=stdin)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def example_article(real_data_root):
    path = real_data_root.parent / "examples" / "seed_article_hasakah.ar.txt"
    assert path.exists(), f"example article missing: {path}"
    return path


def test_topic_and_actor_models_label_the_example_article(tmp_path, corpus_dir, example_article):
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    for task in ("topic", "actor"):
        run_id = train(task, tmp_path, corpus_dir)
        out = predict(run_id, str(example_article), "--tracking-uri", uri)
        labels = FIXTURE_DATASET["tasks"][task]["labels"]
        assert out["task"] == task and out["run_id"] == run_id and len(out["results"]) == 1
        result = out["results"][0]
        assert list(result["scores"]) == labels
        if task == "topic":
            assert result["label"] in labels
            texts = "غارة وقصف وانفجار في المدينة\nمفاوضات واتفاق ووزير\nنازحين ومساعدات ومخيم"
            lines = predict(run_id, "-", "--lines", "--tracking-uri", uri, stdin=texts)
            assert [r["label"] for r in lines["results"]] == ["attack", "political", "humanitarian"]
            assert sum(result["scores"].values()) == pytest.approx(1.0, abs=1e-3)
            assert result["label"] == max(result["scores"], key=result["scores"].get)
        else:
            assert isinstance(result["label"], list) and set(result["label"]) <= set(labels)
            assert all(0.0 <= s <= 1.0 for s in result["scores"].values())


def test_stance_needs_claims_and_labels_each_claim(tmp_path, corpus_dir):
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    run_id = train("stance", tmp_path, corpus_dir)
    refused = CliRunner().invoke(main, ["predict", run_id, "-", "--tracking-uri", uri], input="نص الخبر")
    assert refused.exit_code != 0 and "needs claims" in refused.output
    text = "أكد مصدر أن الجيش سيطر على البلدة رقم 3"
    claims = ["الجيش تعلن السيطرة على البلدة رقم 3", "ارتفاع أسعار النفط"]
    out = predict(run_id, "-", "--tracking-uri", uri, "--claim", claims[0], "--claim", claims[1], stdin=text)
    assert [r["claim"] for r in out["results"]] == claims
    assert out["results"][0]["label"] == "agree"  # the text confirms the first claim
    # One claim against a confirming, a denying and an off-topic text: three different answers.
    texts = {"agree": text, "disagree": "نفى مصدر أن الجيش سيطر على البلدة رقم 10 بل انسحب",
             "other": "ارتفاع أسعار النفط في الأسواق العالمية اليوم"}  # fmt: skip
    for expected, body in texts.items():
        out = predict(run_id, "-", "--tracking-uri", uri, "--claim", claims[0], stdin=body)
        assert out["results"][0]["label"] == expected, (expected, out["results"])


def test_registered_alias_and_bad_references(tmp_path, corpus_dir):
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    run_id = train("topic", tmp_path, corpus_dir)
    mlflow.set_tracking_uri(uri)
    version = mlflow.register_model(f"runs:/{run_id}/model", "marsad-topic")
    MlflowClient(uri).set_registered_model_alias("marsad-topic", "champion", version.version)
    lines = "غارة وقصف على المدينة\nمفاوضات واتفاق ووزير"
    out = predict("models:/marsad-topic@champion", "-", "--lines", "--tracking-uri", uri, stdin=lines)
    assert out["run_id"] == run_id and len(out["results"]) == 2
    bad = CliRunner().invoke(main, ["predict", "not-a-model", "-", "--tracking-uri", uri], input="نص")
    assert bad.exit_code != 0 and "is not a model reference" in bad.output
    empty = CliRunner().invoke(main, ["predict", run_id, "-", "--tracking-uri", uri], input="  \n")
    assert empty.exit_code != 0 and "no text to classify" in empty.output
