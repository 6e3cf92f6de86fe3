"""`train_with`: another dataset's train split joins the training set; dev and test stay the
dataset's own, and the run says what it trained on."""

from __future__ import annotations

import pytest

from marsad.errors import ConfigError
from marsad.run import run_experiment
from tests.conftest import FIXTURE_DATASET, compose_config
from tests.tracking.test_run_cross_dataset import the_run


def test_real_news_trains_with_the_bundled_corpus(tmp_path, real_data_root):
    cfg = compose_config(["task=topic", "dataset=marsad_real", "model=tfidf_logreg",
                          "train_with=[marsad_mini]", f"data_root={real_data_root}"], tmp_path)  # fmt: skip
    run_experiment(cfg)
    run = the_run(tmp_path)
    assert run.data.tags["dataset"] == "marsad_real+marsad_mini"
    assert run.data.tags["train_with"] == "marsad_mini"
    alone = compose_config(["task=topic", "dataset=marsad_real", "model=tfidf_logreg"], tmp_path / "alone")
    (tmp_path / "alone").mkdir()
    run_experiment(alone)
    single = the_run(tmp_path / "alone")
    # dev and test are marsad_real's own (same fingerprints); train is the union (a new one)
    for split in ("dev", "test"):
        assert run.data.tags[f"data_fingerprint.{split}"] == single.data.tags[f"data_fingerprint.{split}"]
    assert run.data.tags["data_fingerprint.train"] != single.data.tags["data_fingerprint.train"]
    assert len(run.data.tags["data_fingerprint.marsad_mini.train"]) == 16
    assert run.data.metrics["test_macro_f1"] != single.data.metrics["test_macro_f1"]


def test_train_with_refuses_other_labels_before_any_run(tmp_path, corpus_dir):
    cfg = compose_config(["task=topic", "model=majority", f"data_root={corpus_dir}",
                          "train_with=[marsad_mini]"], tmp_path, FIXTURE_DATASET)  # fmt: skip
    with pytest.raises(
        ConfigError, match="train_with dataset 'marsad_mini' has labels .* expected those of 'fixture'"
    ):
        run_experiment(cfg)
    cfg = compose_config(["task=stance", "model=majority", "train_with=[marsad_real]"], tmp_path)
    with pytest.raises(ConfigError, match="train_with dataset 'marsad_real' does not serve task 'stance'"):
        run_experiment(cfg)
    assert not (tmp_path / "mlflow.db").exists()
