"""A run scores other datasets in a common label space and tags what it evaluated on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from marsad.errors import ConfigError
from marsad.run import run_experiment
from tests.conftest import FIXTURE_DATASET, compose_config


def fixture_with_spaces(spaces: dict | None) -> dict:
    dataset = json.loads(json.dumps(FIXTURE_DATASET))
    if spaces is not None:
        dataset["tasks"]["stance"]["label_spaces"] = spaces
    return dataset


def the_run(tmp_path: Path):
    client = MlflowClient(f"sqlite:///{tmp_path}/mlflow.db")
    (run,) = client.search_runs([client.get_experiment_by_name("marsad").experiment_id])
    return run


def test_three_way_model_is_scored_on_a_four_way_dataset(tmp_path, corpus_dir):
    cfg = compose_config(
        ["task=stance", "model=tfidf_logreg", f"data_root={corpus_dir}", "eval_datasets=[marsad_mini]"],
        tmp_path,
        fixture_with_spaces({"stance3": {}}),
    )
    run_experiment(cfg)
    run = the_run(tmp_path)
    assert run.data.tags["eval_label_space.marsad_mini"] == "stance3"
    for split in ("dev", "test"):  # eval_splits; an eval set's train split is not scored
        assert len(run.data.tags[f"data_fingerprint.marsad_mini.{split}"]) == 16
        assert 0 <= run.data.metrics[f"marsad_mini.{split}_macro_f1"] <= 1
    assert "marsad_mini.train_macro_f1" not in run.data.metrics
    assert "data_fingerprint.marsad_mini.train" not in run.data.tags
    # Scored in agree/disagree/other: per-class F1 exists for `other`, not for discuss/unrelated.
    assert "marsad_mini.test_f1.other" in run.data.metrics
    assert "marsad_mini.test_f1.discuss" not in run.data.metrics
    assert "marsad_mini.test_fnc1" not in run.data.metrics  # FNC-1 needs the four-way labels


def test_no_common_label_space_fails_before_any_run(tmp_path, corpus_dir):
    cfg = compose_config(
        ["task=stance", "model=majority", f"data_root={corpus_dir}", "eval_datasets=[marsad_mini]"],
        tmp_path,
        fixture_with_spaces(None),
    )
    with pytest.raises(ConfigError, match="'marsad_mini'.*'fixture'.*no common label space"):
        run_experiment(cfg)
    assert not (tmp_path / "mlflow.db").exists()  # refused before the tracking store was opened


@pytest.mark.slow
def test_unifiedfc_cv_run_is_tagged_with_its_fold(tmp_path, real_data_root):
    cfg = compose_config(
        ["task=stance", "dataset=unifiedfc_stance", "model=majority", f"data_root={real_data_root}",
         "dataset.tasks.stance.split.cv_fold=2"],
        tmp_path,
    )  # fmt: skip
    run_experiment(cfg)
    run = the_run(tmp_path)
    assert run.data.tags["cv_fold"] == "2"
    assert run.data.params["dataset.tasks.stance.split.cv_fold"] == "2"
    # SOURCE.md: fold 2 has 634 pairs; the majority class (unrelated, 426 of them) scores 426/634.
    assert run.data.metrics["test_accuracy"] == pytest.approx(426 / 634)


def test_optional_eval_dataset_absent_here_is_skipped_and_tagged_required_one_fails(tmp_path, corpus_dir):
    # The bundled corpus trains; marsad_real's files are not under this data root, as on a machine
    # without ../shared/data.
    overrides = ["task=topic", "dataset=marsad_mini", "model=majority", f"data_root={corpus_dir}",
                 "eval_datasets=[marsad_real]"]  # fmt: skip
    run_experiment(compose_config([*overrides, "eval_optional=true"], tmp_path))
    run = the_run(tmp_path)
    assert run.info.status == "FINISHED"
    assert "file not found" in run.data.tags["eval_skipped.marsad_real"]
    assert not [m for m in run.data.metrics if m.startswith("marsad_real.")]

    from marsad.errors import DatasetError

    (tmp_path / "strict").mkdir()
    with pytest.raises(DatasetError, match="marsad_real.*file not found"):
        run_experiment(compose_config(overrides, tmp_path / "strict"))


def test_optional_eval_dataset_is_left_out_of_tasks_it_does_not_serve(tmp_path, corpus_dir):
    from marsad.config_check import build_experiment

    overrides = ["task=stance", "model=majority", f"data_root={corpus_dir}", "eval_datasets=[marsad_real]"]
    experiment = build_experiment(
        compose_config([*overrides, "eval_optional=true"], tmp_path, FIXTURE_DATASET)
    )
    assert experiment.eval_datasets == []
    with pytest.raises(ConfigError, match="eval dataset 'marsad_real' does not serve task 'stance'"):
        build_experiment(compose_config(overrides, tmp_path, FIXTURE_DATASET))


def write_marsad_real(root: Path, body: str) -> None:
    """A two-article marsad_real under `root`: labels, and the ANT file its texts are joined from."""
    (root / "marsad_real").mkdir(parents=True, exist_ok=True)
    (root / "ant").mkdir(exist_ok=True)
    labels = [{"id": f"a{i}", "topic": "attack", "actors": [], "split": "dev"} for i in range(2)]
    (root / "marsad_real" / "labels.jsonl").write_text("\n".join(json.dumps(r) for r in labels) + "\n")
    articles = [{"id": f"a{i}", "title": f"عنوان {i}", "text": f"{body} {i}"} for i in range(2)]
    with gzip.open(root / "ant" / "articles.jsonl.gz", "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n")


def test_resume_runs_again_when_an_eval_dataset_changed(tmp_path):
    # A finished run counts as this job only if it was scored on today's eval data: here the text
    # of marsad_real's articles changes (as when the dataset config's cleaning changes).
    root = tmp_path / "data"
    write_marsad_real(root, "قصفت طائرات مواقع في المدينة")
    overrides = ["task=topic", "dataset=marsad_mini", "model=majority", f"data_root={root}",
                 "eval_datasets=[marsad_real]", "resume=true"]  # fmt: skip
    client = MlflowClient(f"sqlite:///{tmp_path}/mlflow.db")

    def runs():
        return client.search_runs([client.get_experiment_by_name("marsad").experiment_id])

    run_experiment(compose_config(overrides, tmp_path))
    run_experiment(compose_config(overrides, tmp_path))
    (first,) = runs()  # the second call found the finished run and skipped
    assert "marsad_real.dev_macro_f1" in first.data.metrics
    write_marsad_real(root, "تظاهر آلاف في العاصمة")
    run_experiment(compose_config(overrides, tmp_path))
    newest, older = runs()
    assert older.info.run_id == first.info.run_id
    changed = "data_fingerprint.marsad_real.dev"
    assert newest.data.tags[changed] != first.data.tags[changed]
    assert newest.data.tags["data_fingerprint"] == first.data.tags["data_fingerprint"]  # same training data
