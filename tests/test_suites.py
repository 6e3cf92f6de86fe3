"""Every suite in experiments/ composes, and every job of it is a valid experiment: a model
renamed in conf/ but still listed in a suite fails here, not when someone runs the suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hydra import compose, initialize_config_dir

from marsad.config_check import CONF_DIR, build_experiment
from marsad.errors import ModelNotForTask
from marsad.tracking.sweep import job_overrides

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"
SUITES = sorted(EXPERIMENTS.glob("*/suite*.yaml"))


def test_the_suites_are_found():
    assert {p.parent.name for p in SUITES} >= {
        "quickstart",
        "ans_stance",
        "unifiedfc_stance",
        "bundled_to_real",
    }


@pytest.mark.parametrize("suite", SUITES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_job_of_the_suite_is_a_valid_experiment(suite: Path, real_data_root: Path, tmp_path: Path):
    # `marsad-run --config-dir experiments/X --config-name suite` searches the suite's folder and
    # the package's configs; the compose API takes one folder, so the test gives it both.
    folder = tmp_path / "conf"
    shutil.copytree(CONF_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(suite, folder / suite.name)
    with initialize_config_dir(config_dir=str(folder), version_base="1.3"):
        sweep = compose(config_name=suite.stem, return_hydra_config=True)
        jobs = job_overrides(sweep)
        assert len(jobs) >= 2, f"{suite}: a suite sweeps several jobs"
        built = skipped = 0
        for overrides in jobs:
            cfg = compose(config_name=suite.stem, overrides=overrides)
            try:
                experiment = build_experiment(cfg)
            except ModelNotForTask:  # models × tasks grids skip these, as the sweep does
                skipped += 1
                continue
            assert experiment.dataset.serves(cfg.task.name)
            built += 1
    assert built > skipped, f"{suite}: most jobs should run"
    assert sweep.get("resume") is True, f"{suite}: suites resume, so a crashed sweep continues"
