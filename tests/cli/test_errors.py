"""A MarsadError reaches the user as one line and a non-zero exit, from `marsad-run` and `marsad`;
HYDRA_FULL_ERROR=1 and `marsad --debug` show the traceback. Each runs in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def run(command: str, args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / command), *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def error_lines(result: subprocess.CompletedProcess, needle: str) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if needle in line]


def test_marsad_run_config_error_is_one_line_without_traceback(tmp_path):
    result = run("marsad-run", ["task=topic", "dataset=ans_stance"], tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    message = "ConfigError: dataset 'ans_stance' cannot serve task 'topic': it serves ['stance']"
    lines = error_lines(result, message)
    assert len(lines) == 1 and lines[0].startswith("marsad-run: ConfigError"), result.stderr
    # the datasets that do serve it
    assert "'ant_topic', 'ant_topic_time', 'marsad_mini', 'marsad_real'" in lines[0]
    assert not (tmp_path / "mlflow.db").exists()  # refused before a run or store was made

    full = run("marsad-run", ["task=topic", "dataset=ans_stance"], tmp_path, HYDRA_FULL_ERROR="1")
    assert full.returncode == 1
    assert "Traceback" in full.stderr and "marsad.errors.ConfigError" in full.stderr


def test_marsad_dataset_error_is_one_line_and_debug_shows_the_traceback(tmp_path):
    missing = tmp_path / "no-such-root"
    result = run("marsad", ["data", "describe", "ans_stance"], tmp_path, MARSAD_DATA_DIR=str(missing))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"Error: DatasetError: {missing}/ans/stance/train.csv: file not found; check the dataset's "
        "`path` and the data root (config key `data_root` or the MARSAD_DATA_DIR environment variable)"
    ]
    debug = run(
        "marsad", ["--debug", "data", "describe", "ans_stance"], tmp_path, MARSAD_DATA_DIR=str(missing)
    )
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "marsad.errors.DatasetError" in debug.stderr


def test_a_tracking_uri_on_a_file_that_is_not_an_mlflow_database_is_one_line(tmp_path):
    import sqlite3

    from click.testing import CliRunner

    from marsad.cli import main

    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    for command in (["leaderboard"], ["compare", "run-a", "run-b"]):
        result = CliRunner().invoke(main, [*command, "--tracking-uri", f"sqlite:///{text}"])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert result.output.strip().splitlines() == [
            f"Error: TrackingError: tracking store sqlite:///{text}: {text} is not a SQLite file; expected "
            "an MLflow tracking database (one marsad-run wrote), or a new file for marsad-run to create"
        ]
    result = CliRunner().invoke(main, ["leaderboard", "--tracking-uri", f"sqlite:///{other}"])
    assert result.exit_code == 1
    assert f"{other} is a SQLite database without MLflow's tables (it has notes)" in result.output
    with sqlite3.connect(other) as db:  # left as it was: MLflow did not add its tables
        assert [row[0] for row in db.execute("SELECT name FROM sqlite_master")] == ["notes"]

    empty = tmp_path / "new.db"
    empty.touch()  # an empty file is a new store, as a missing one is
    result = CliRunner().invoke(main, ["leaderboard", "--tracking-uri", f"sqlite:///{empty}"])
    assert result.exit_code == 1 and "no finished Marsad runs" in result.output
