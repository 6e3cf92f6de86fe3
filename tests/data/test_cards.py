"""Dataset cards come from config metadata, and the committed catalogue is what they generate."""

from __future__ import annotations

from marsad.config_check import choices, dataset_spec
from marsad.data.cards import DOCS_PATH, all_cards, card_from_spec, describe_split, render_markdown
from tests.conftest import FIXTURE_DATASET


def test_card_takes_labels_and_splits_from_the_tasks_block():
    card = card_from_spec(FIXTURE_DATASET)
    assert card.name == "fixture" and card.licence == "Apache-2.0" and not card.silver
    assert card.tasks["topic"]["labels"] == FIXTURE_DATASET["tasks"]["topic"]["labels"]
    assert card.tasks["stance"]["splits"] == "seeded stratified split 70/15/15 (seed 0, grouped by `claim`)"


def test_split_descriptions_name_official_files_and_columns():
    assert (
        describe_split({"splits": {"train": "a.csv", "test": "b.csv"}})
        == "official files: train = a.csv, test = b.csv"
    )
    assert describe_split({"split": {"column": "fold"}}) == "from column `fold`"


def test_every_dataset_config_carries_a_complete_card():
    for name in choices("dataset"):
        card = card_from_spec(dataset_spec(name))
        for field in ("source", "licence", "citation", "language", "main_score"):
            assert getattr(card, field), f"conf/dataset/{name}.yaml: card.{field} is empty"
        assert card.tasks and all(info["labels"] for info in card.tasks.values()), name


def test_silver_dataset_is_flagged_in_its_card_and_the_catalogue():
    card = card_from_spec(dataset_spec("ant_actor_silver"))
    assert card.silver and card.tasks["actor"]["silver_labels"]
    page = render_markdown([card])
    assert (
        "(silver labels)" in page and "**Silver labels**" in page and "silver, assigned at load time" in page
    )


def test_committed_catalogue_matches_the_configs():
    expected = render_markdown(all_cards())
    committed = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else ""
    assert committed == expected, "docs/datasets.md is stale: run `marsad data docs` and commit it"


def test_a_misspelt_or_mistyped_card_field_is_refused_naming_dataset_and_key(tmp_path):
    import copy

    import pytest

    from marsad.errors import ConfigError
    from tests.conftest import compose_config

    for card, message in (
        ({"source": "x", "licnce": "MIT"}, r"dataset 'fixture': card.licnce is not a card field \(did you mean 'licence'\?\)"),
        ({"source": "x", "silver": "no"}, r"dataset 'fixture': card.silver must be bool, got str 'no'"),
        ({"source": "x", "main_score": "macro_f1"}, r"card.main_score is not a card field"),
    ):  # fmt: skip
        spec = copy.deepcopy(FIXTURE_DATASET)
        spec["card"] = card
        with pytest.raises(ConfigError, match=message):
            card_from_spec(spec)
        from marsad.config_check import build_experiment

        with pytest.raises(ConfigError, match=message):
            build_experiment(compose_config(["task=topic", "model=majority"], tmp_path, spec))


def test_the_main_score_is_each_tasks_primary_metric():
    assert (
        card_from_spec(dataset_spec("marsad_mini")).main_score == "macro_f1 (topic, stance), micro_f1 (actor)"
    )
    assert card_from_spec(dataset_spec("ans_stance")).main_score == "macro_f1"
