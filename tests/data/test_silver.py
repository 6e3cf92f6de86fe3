"""Silver labels: rows selected by config, exact duplicates dropped, labels from a labeller,
cached; and the labeller's agreement with careful labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marsad.data import TableDataset
from marsad.data.silver import agreement
from marsad.errors import DatasetError
from marsad.tasks import Task
from tests.conftest import compose_config

ACTOR = Task("actor", ["text"], "multi", ["multilabel"], "micro_f1")
LABELS = ["isis", "sdf", "united_nations"]
NAMES = {"isis": "تنظيم داعش", "sdf": "قوات سوريا الديمقراطية", "united_nations": "الأمم المتحدة"}
GAZETTEER = {"_target_": "marsad.models.GazetteerActorMatcher", "labels": LABELS}


class CountingLabeller:
    """A stand-in labeller: isis for every text; counts how often it is asked to predict."""

    calls = 0

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        CountingLabeller.calls += 1
        return np.tile([1, 0, 0], (len(X), 1))


def write_articles(root: Path) -> list[dict]:
    rows = []
    for i in range(60):
        actors = [a for j, a in enumerate(LABELS) if (i >> j) & 1]
        text = f"خبر رقم {i} عن المنطقة " + " و".join(NAMES[a] for a in actors)
        rows.append(
            {
                "id": f"n{i}",
                "section": "middleEast" if i % 4 else "sport",
                "title": f"عنوان {i}",
                "text": text,
            }
        )
    rows.append({**rows[1], "id": "copy-of-n1"})  # same title and text under another id
    (root / "news").mkdir(parents=True)
    (root / "news" / "articles.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    return rows


def silver_dataset(root: Path, labeller: dict, **changes) -> TableDataset:
    task = {
        "path": "news", "file": "articles.jsonl",
        "where": {"section": ["middleEast"]}, "drop_duplicates": ["title", "text"],
        "columns": {"id": "id", "text": ["title", "text"]},
        "silver_labels": labeller, "labels": LABELS,
        "split": {"policy": "stratified", "seed": 0},
        **changes,
    }  # fmt: skip
    return TableDataset(name="silver", tasks={"actor": task}, card={"silver": True}, data_root=str(root))


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path / "cache"))


def test_gazetteer_labels_selected_and_deduplicated_rows(tmp_path):
    rows = write_articles(tmp_path)
    loaded = silver_dataset(tmp_path, GAZETTEER).load(ACTOR)
    frame = pd.concat(loaded.frames.values())
    expected = {r["id"]: sorted(a for j, a in enumerate(LABELS) if (int(r["id"][1:]) >> j) & 1)
                for r in rows[:60] if r["section"] == "middleEast"}  # fmt: skip
    assert set(frame["id"]) == set(expected)  # sport rows filtered out, the copy of n1 dropped
    assert {i: sorted(v) for i, v in zip(frame["id"], frame["label"])} == expected


def test_silver_labels_are_cached_per_content(tmp_path):
    write_articles(tmp_path)
    labeller = {"_target_": "tests.data.test_silver.CountingLabeller"}
    CountingLabeller.calls = 0
    first = silver_dataset(tmp_path, labeller).load(ACTOR, for_training=False)
    again = silver_dataset(tmp_path, labeller).load(ACTOR, for_training=False)
    assert CountingLabeller.calls == 1 and first.fingerprint == again.fingerprint
    silver_dataset(tmp_path, labeller, where={"section": ["middleEast", "sport"]}).load(
        ACTOR, for_training=False
    )
    assert CountingLabeller.calls == 2  # other texts: a cache miss


def test_where_on_a_missing_column_names_file_and_column(tmp_path):
    write_articles(tmp_path)
    with pytest.raises(DatasetError, match=r"articles\.jsonl.*'category'"):
        silver_dataset(tmp_path, GAZETTEER, where={"category": ["middleEast"]}).load(ACTOR)


def test_agreement_scores_the_labeller_against_careful_labels():
    reference = pd.DataFrame({
        "text": [NAMES["isis"], NAMES["sdf"] + " و" + NAMES["isis"], "لا أحد", NAMES["united_nations"]],
        "label": [["isis"], ["sdf"], [], ["united_nations"]],
    })  # fmt: skip
    result = agreement({"silver_labels": GAZETTEER, "labels": LABELS}, ACTOR, reference, LABELS)
    # predicted: isis | sdf+isis | - | un  ->  tp 3, fp 1, fn 0: micro 6/7; per label isis 2/3, sdf 1, un 1
    assert result["micro_f1"] == pytest.approx(6 / 7, abs=1e-4)
    assert result["macro_f1"] == pytest.approx((2 / 3 + 1 + 1) / 3, abs=1e-4)
    assert result["macro_over_labels"] == 3 and result["examples"] == 4


def test_composed_config_resolves_the_labellers_labels(tmp_path):
    cfg = compose_config(["task=actor", "dataset=ant_actor_silver", "model=gazetteer"], tmp_path)
    actor = cfg.dataset.tasks.actor
    assert list(actor.silver_labels.labels) == list(actor.labels)


def test_ant_actor_silver_selects_unique_conflict_section_articles(real_data_root):
    import gzip

    from omegaconf import OmegaConf

    from marsad.config_check import dataset_spec
    from marsad.data.readers import read_table
    from marsad.data.row_selection import select_rows

    spec = OmegaConf.to_container(dataset_spec("ant_actor_silver"), resolve=False)["tasks"]["actor"]
    path = real_data_root / "ant" / "articles.jsonl.gz"
    selected = select_rows(read_table(path), spec, str(path))
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    wanted = [r for r in records if r["category"] in ("middleEast", "internationalNews")]
    assert len(wanted) == 7628 + 10169  # SOURCE.md
    assert len(selected) == len({r["text"] for r in wanted}) < len(wanted)
    assert set(selected["category"]) == {"middleEast", "internationalNews"}


def test_gazetteer_agreement_with_marsad_real_dev(real_data_root):
    from marsad.config_check import dataset_spec, load_dataset_config

    careful = load_dataset_config("marsad_real", str(real_data_root)).load(ACTOR, for_training=False)
    spec = {"silver_labels": GAZETTEER | {"labels": careful.label_names}, "labels": careful.label_names}
    result = agreement(spec, ACTOR, careful.frames["dev"], careful.label_names)
    assert result["examples"] == 98 and result["macro_over_labels"] == 21  # SOURCE.md: 21 actors in dev
    assert 0 < result["macro_f1"] < 1 and 0 < result["micro_f1"] < 1
    assert dataset_spec("ant_actor_silver").card.silver_reference.dataset == "marsad_real"
