"""What the sweep drills share: running `marsad-run --multirun` on the fixture corpus into a
temporary sqlite store, and reading back what that store holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mlflow.tracking import MlflowClient

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]


def drill_env() -> dict[str, str]:
    """The jobs' environment: this one, with the checkout importable (drill-only models such as
    `tests.tracking.gated` live in tests/)."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def store_uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/mlflow.db"


def sweep_args(
    tmp_path: Path, corpus_dir: Path, conf_dir: Path, *overrides: str, uri: str | None = None
) -> list[str]:
    """marsad-run's command line for a sweep on the fixture corpus, into `uri` (default: a
    sqlite file in `tmp_path`)."""
    return [
        str(BIN / "marsad-run"), "--multirun", "--config-dir", str(conf_dir),
        "dataset=fixture", f"data_root={corpus_dir}", f"tracking.uri={uri or store_uri(tmp_path)}",
        "tracking.log_model=false", f"hydra.sweep.dir={tmp_path}/sweeps/${{now:%H-%M-%S-%f}}", *overrides,
    ]  # fmt: skip


def run_sweep(
    tmp_path: Path, corpus_dir: Path, conf_dir: Path, *overrides: str, uri: str | None = None,
    timeout: int = 300,
):  # fmt: skip
    """Run a sweep to its end; returns the completed process (stdout and stderr together)."""
    process = start_sweep(tmp_path, corpus_dir, conf_dir, *overrides, uri=uri)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, output)


def start_sweep(tmp_path: Path, corpus_dir: Path, conf_dir: Path, *overrides: str, uri: str | None = None):
    """Start a sweep and return at once: the drill acts while it runs, then `communicate()`s."""
    return subprocess.Popen(
        sweep_args(tmp_path, corpus_dir, conf_dir, *overrides, uri=uri),
        cwd=tmp_path,
        env=drill_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def marsad(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "marsad"), *args], capture_output=True, text=True, timeout=timeout, env=os.environ.copy()
    )


def runs_of(tmp_path: Path, experiment: str = "marsad", uri: str | None = None) -> tuple[list, list]:
    """(sweep parents, job runs) of the experiment in `uri` (default: the sqlite file in `tmp_path`)."""
    client = MlflowClient(uri or store_uri(tmp_path))
    found = client.get_experiment_by_name(experiment)
    runs = client.search_runs([found.experiment_id], max_results=1000) if found else []
    parents = [r for r in runs if r.data.tags.get("marsad.role") == "sweep"]
    jobs = [r for r in runs if "task" in r.data.tags]
    return parents, jobs
