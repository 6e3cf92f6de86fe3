"""The benchmark definition: typed, every task runnable, defined on today's data, no leakage."""

from __future__ import annotations

import pytest

from marsad.benchmark import BenchmarkError, load_benchmark
from marsad.benchmark.leakage import find_leaks
from marsad.benchmark.task_data import check_data, load_task_data
from marsad.benchmark.task_page import DOCS_PATH, render
from marsad.config_check import build_experiment
from tests.conftest import compose_config

V1_TASKS = {
    "topic_real", "actor_real", "topic_synthetic_to_real", "actor_synthetic_to_real",
    "stance_sentence", "stance_article", "section_later_months",
}  # fmt: skip


def test_marsad_v1_composes_and_every_task_builds_a_run(tmp_path):
    bench = load_benchmark("marsad-v1")  # by its own name or by config name
    assert load_benchmark("marsad_v1").tasks.keys() == bench.tasks.keys() == V1_TASKS
    assert (bench.name, bench.version) == ("marsad-v1", "1")
    assert bench.task_types() == {
        "topic": ["topic_real", "topic_synthetic_to_real", "section_later_months"],
        "actor": ["actor_real", "actor_synthetic_to_real"],
        "stance": ["stance_sentence", "stance_article"],
    }
    real = bench.tasks["topic_real"]
    assert real.overrides() == ["task=topic", "dataset=marsad_real", "train_with=[marsad_mini]"]
    assert real.scored_split == "test"
    assert bench.tasks["actor_synthetic_to_real"].scored_split == "marsad_real.test"
    for task in bench.tasks.values():
        experiment = build_experiment(compose_config([*task.overrides(), "model=tfidf_svm"], tmp_path))
        assert experiment.task.name == task.task
        assert set(task.fingerprints) == set(task.data_keys)  # every trained and scored split pinned


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("metrc: macro_f1", "metrc"),  # a misspelt key
        ("task: sentiment", "tasks.t.task: 'sentiment' is not one of"),
        ("evaluate: {dataset: ans_stance, split: validation}", "tasks.t.evaluate.split: 'validation'"),
    ],
)
def test_a_wrong_definition_is_refused_naming_file_and_key(tmp_path, change, message):
    key = change.split(":")[0]
    fields = {"task": "task: stance", "metric": "metric: macro_f1",
              "evaluate": "evaluate: {dataset: ans_stance, split: test}"}  # fmt: skip
    fields[key] = change
    body = "\n".join(f"    {line}" for line in ["title: T", "train: {dataset: ans_stance}", *fields.values()])
    path = tmp_path / "mine.yaml"
    path.write_text(f"name: mine\nversion: '1'\ndescription: d\ntasks:\n  t:\n{body}\n")
    with pytest.raises(BenchmarkError, match=message) as err:
        load_benchmark(str(path))
    assert str(path) in str(err.value)
    with pytest.raises(BenchmarkError, match="unknown benchmark 'nope'; choose from \\['marsad_v1'\\]"):
        load_benchmark("nope")


def test_every_task_loads_the_data_it_was_defined_on(real_data_root):
    assert check_data(load_benchmark("marsad_v1"), str(real_data_root)) == {}


def test_no_test_text_duplicates_a_training_text_of_its_task(real_data_root):
    """Marsad's one duplicate rule (exact, or word 5-shingle Jaccard >= 0.8) between every task's
    scored split and all of its training data. UnifiedFC needed `dedup_across_splits`: 47 test
    pairs had the same page in train, retrieved for another claim."""
    bench = load_benchmark("marsad_v1")
    for task in bench.tasks.values():
        data = load_task_data(task, str(real_data_root))
        assert find_leaks(data) == [], task.id


def test_leak_finder_catches_a_near_duplicate(real_data_root):
    data = load_task_data(load_benchmark("marsad_v1").tasks["topic_real"], str(real_data_root))
    copied = data.test.iloc[0]["text"] + " وقال مصدر"  # one test article, three words longer
    train = data.train["marsad_real"]
    train.loc[len(train)] = {**train.iloc[0].to_dict(), "id": "copy", "text": copied}
    (leak,) = find_leaks(data)
    assert (leak.test_id, leak.train_id) == (str(data.test.iloc[0]["id"]), "copy")


def test_task_page_is_current(real_data_root):
    expected = render(load_benchmark("marsad_v1"), str(real_data_root))
    assert DOCS_PATH.read_text(encoding="utf-8") == expected, "run `marsad bench docs` and commit the page"
