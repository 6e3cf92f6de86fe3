"""`marsad data list|docs|describe|verify|fetch` as a user runs them (click's CliRunner)."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from importlib import resources

import yaml
from click.testing import CliRunner

from marsad.cli import main
from marsad.config_check import choices
from marsad.data.cards import DOCS_PATH


def run(*args: str):
    return CliRunner().invoke(main, ["data", *args], catch_exceptions=False)


def test_list_shows_every_dataset_and_flags_silver():
    result = run("list")
    assert result.exit_code == 0
    for name in choices("dataset"):
        assert name[:8] in result.output  # rich may fold long names
    assert "(silver)" in result.output


def test_docs_writes_the_committed_catalogue(tmp_path):
    result = run("docs", "--out", str(tmp_path / "datasets.md"))
    assert result.exit_code == 0
    assert (tmp_path / "datasets.md").read_text(encoding="utf-8") == DOCS_PATH.read_text(encoding="utf-8")


def test_describe_bundled_corpus_as_json_with_plots(tmp_path):
    result = run("describe", "marsad_mini", "--json", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    reports = {r["task"]: r for r in json.loads(result.output)}
    assert set(reports) == {"topic", "actor", "stance"}
    corpus = resources.files("marsad") / "data" / "marsad_mini"
    lines = {
        name: len((corpus / name).read_text(encoding="utf-8").splitlines())
        for name in ("articles.jsonl", "stance.jsonl")
    }
    assert sum(reports["topic"]["rows"].values()) == lines["articles.jsonl"]
    assert sum(reports["stance"]["rows"].values()) == lines["stance.jsonl"]
    assert set(reports["stance"]["duplicates"]) == {"claim", "text"}
    for task in reports:
        assert (tmp_path / f"marsad_mini_{task}_labels.png").stat().st_size > 5000


def test_describe_prints_tables_and_refuses_an_unserved_task(tmp_path):
    result = run("describe", "marsad_mini", "--task", "topic", "--out", str(tmp_path))
    assert result.exit_code == 0 and "label distribution" in result.output and "leaks" in result.output
    refused = CliRunner().invoke(main, ["data", "describe", "ans_stance", "--task", "topic"])
    assert refused.exit_code == 2 and "serves ['stance']" in refused.output


def test_describe_real_datasets(real_data_root, tmp_path):
    ans = json.loads(run("describe", "ans_stance", "--json", "--out", str(tmp_path)).output)
    assert ans["rows"] == {"train": 2652, "dev": 755, "test": 379}  # SOURCE.md
    assert ans["labels"]["test"] == {"disagree": 242, "agree": 130, "other": 7}
    real = json.loads(
        run("describe", "marsad_real", "--task", "topic", "--json", "--out", str(tmp_path)).output
    )
    assert real["rows"] == {"train": 300, "dev": 98, "test": 200}  # SOURCE.md
    assert real["labels"]["dev"]["political"] == 33 and real["labels"]["train"]["other"] == 91


def test_verify_passes_records_and_fails_on_a_changed_copy(real_data_root, tmp_path):
    ok = run("verify", "ans_stance")
    assert ok.exit_code == 0 and ok.output.startswith("OK ans_stance: 3 file(s)")
    recorded = yaml.safe_load(run("verify", "ans_stance", "--record").output)
    assert set(recorded["files"]) == {f"ans/stance/{s}.csv" for s in ("train", "dev", "test")}
    shutil.copytree(real_data_root / "ans", tmp_path / "ans")
    (tmp_path / "ans" / "stance" / "train.csv").chmod(0o644)
    with open(tmp_path / "ans" / "stance" / "train.csv", "ab") as handle:
        handle.write(b"\n")
    failed = CliRunner().invoke(main, ["data", "verify", "ans_stance", "--data-root", str(tmp_path)])
    assert failed.exit_code == 1 and f"FAIL {tmp_path}/ans/stance/train.csv: SHA-256" in failed.output


def test_fetch_offline_says_where_to_place_the_files(tmp_path, monkeypatch):
    def unreachable(url, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", unreachable)
    result = CliRunner().invoke(main, ["data", "fetch", "ans_stance", "--data-root", str(tmp_path)])
    assert result.exit_code == 1
    assert f"under the data root {tmp_path}" in result.output
    for split in ("train", "dev", "test"):
        assert f"ans/stance/{split}.csv  ->  {tmp_path}/ans/stance/{split}.csv" in result.output
    assert "Temporary failure in name resolution" in result.output


def test_fetch_bundled_corpus_needs_nothing():
    result = run("fetch", "marsad_mini")
    assert result.exit_code == 0 and result.output.count("present") == 2


MINE = """\
defaults:
  - marsad_mini
  - _self_

name: mine
"""


def test_list_describe_and_verify_see_a_dataset_in_the_users_config_dir(tmp_path):
    # The folder a user gives `marsad-run --config-dir conf dataset=mine`.
    (tmp_path / "conf" / "dataset").mkdir(parents=True)
    (tmp_path / "conf" / "dataset" / "mine.yaml").write_text(MINE)
    conf = str(tmp_path / "conf")

    listed = run("list", "--config-dir", conf)
    assert listed.exit_code == 0 and "│ mine " in listed.output and "marsad_mini" in listed.output
    assert "│ mine " not in run("list").output  # the package's list alone without it

    verified = run("verify", "mine", "--config-dir", conf)
    assert verified.exit_code == 0 and verified.output.startswith("OK mine: 2 file(s)"), verified.output
    refused = CliRunner().invoke(main, ["data", "verify", "mine"])
    assert refused.exit_code == 2 and "unknown dataset 'mine'" in refused.output

    described = run(
        "describe", "mine", "--task", "topic", "--json", "--out", str(tmp_path), "--config-dir", conf
    )
    assert described.exit_code == 0, described.output
    assert sum(json.loads(described.output)["rows"].values()) == 564  # marsad_mini's articles
    assert (tmp_path / "mine_topic_labels.png").exists()
