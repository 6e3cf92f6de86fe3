"""The leaderboard against statistics computed independently here, on a tiny MLflow store."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from math import comb

import numpy as np
import pytest
from click.testing import CliRunner
from mlflow.tracking import MlflowClient
from sklearn.metrics import accuracy_score, f1_score

from marsad.cli import main
from marsad.leaderboard import LeaderboardError, build_leaderboard, find_runs
from marsad.leaderboard.plots import figures
from marsad.leaderboard.render import to_html
from tests.leaderboard.fake_runs import LABELS, log_fake_run, noisy_predictions

N_EXAMPLES, RESAMPLES = 80, 300
ACCURACY = {"strong": 0.85, "close": 0.82, "weak": 0.45}


@pytest.fixture
def store(tmp_path):
    """Three models × three seeds scored on the same 80 test examples."""
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    client = MlflowClient(uri)
    experiment_id = client.create_experiment("lb", artifact_location=str(tmp_path / "artifacts"))
    rng = np.random.default_rng(7)
    gold = rng.integers(0, len(LABELS), N_EXAMPLES)
    predictions = {}
    for model, accuracy in ACCURACY.items():
        for seed in range(3):
            predicted = noisy_predictions(gold, accuracy, rng)
            log_fake_run(client, experiment_id, model, seed, gold, predicted)
            predictions.setdefault(model, []).append(predicted)
    return uri, client, gold, predictions


def macro_f1(gold, predicted) -> float:
    return f1_score(gold, predicted, labels=range(len(LABELS)), average="macro", zero_division=0)


def brute_force_bootstrap(gold, runs: list[np.ndarray], score=macro_f1) -> np.ndarray:
    """The seed mean of the metric on each resample, one sklearn call at a time."""
    draws = np.random.default_rng(0).integers(0, len(gold), size=(RESAMPLES, len(gold)))
    return np.array([np.mean([score(gold[idx], run[idx]) for run in runs]) for idx in draws])


def test_means_cis_ranks_and_significance_match_independent_computation(store):
    uri, client, gold, predictions = store
    board = build_leaderboard(find_runs(client), n_resamples=RESAMPLES, seed=0)
    rows = board.rows.set_index("model")

    observed = {m: np.mean([macro_f1(gold, p) for p in runs]) for m, runs in predictions.items()}
    order = sorted(observed, key=observed.get, reverse=True)
    assert list(board.rows["model"]) == order and order[-1] == "weak"
    assert list(board.rows["rank"]) == [1, 2, 3]
    boots = {}
    for model, runs in predictions.items():
        scores = [macro_f1(gold, p) for p in runs]
        assert rows.loc[model, "mean"] == pytest.approx(np.mean(scores))
        assert rows.loc[model, "std"] == pytest.approx(np.std(scores, ddof=1))
        assert rows.loc[model, "seeds"] == 3
        boots[model] = brute_force_bootstrap(gold, runs)
        low, high = np.percentile(boots[model], [2.5, 97.5])
        assert rows.loc[model, "ci_low"] == pytest.approx(low)
        assert rows.loc[model, "ci_high"] == pytest.approx(high)

    best, runner_up = order[0], order[1]
    for model in order[1:]:
        difference = observed[model] - observed[best]
        p = np.mean(np.abs(boots[model] - boots[best] - difference) >= abs(difference) - 1e-12)
        assert rows.loc[model, "p_vs_best"] == pytest.approx(p)
        assert rows.loc[model, "tied_with_best"] == (p >= 0.05)
    # The weak model is far behind and must be flagged; the two strong ones are within noise.
    assert not rows.loc["weak", "tied_with_best"] and rows.loc[runner_up, "tied_with_best"]
    assert np.isnan(rows.loc[best, "p_vs_best"]) and rows.loc[best, "tied_with_best"]
    assert rows.loc["strong", "fit_s"] == pytest.approx(2.0) and rows.loc[
        "strong", "size_mb"
    ] == pytest.approx(2.0)


def test_mcnemar_is_used_for_single_label_accuracy(store):
    uri, client, gold, predictions = store
    runs = [r for r in find_runs(client) if r.tags["seed"] == "0" and r.tags["model"] != "close"]
    board = build_leaderboard(runs, metric="accuracy", n_resamples=RESAMPLES)
    assert board.test_method == "McNemar (exact)"
    strong, weak = predictions["strong"][0] == gold, predictions["weak"][0] == gold
    b, c = int((weak & ~strong).sum()), int((strong & ~weak).sum())
    # Exact two-sided binomial test on the discordant pairs, summed by hand.
    tail = sum(comb(b + c, k) for k in range(min(b, c) + 1)) / 2 ** (b + c)
    weak_row = board.rows.set_index("model").loc["weak"]
    assert weak_row["p_vs_best"] == pytest.approx(min(1.0, 2 * tail))
    assert weak_row["mean"] == pytest.approx(accuracy_score(gold, predictions["weak"][0]))


def test_runs_on_different_test_data_are_refused(store, tmp_path):
    uri, client, gold, predictions = store
    experiment_id = client.get_experiment_by_name("lb").experiment_id
    log_fake_run(client, experiment_id, "other-data", 0, gold, gold, fingerprint="fp-test-2")
    with pytest.raises(LeaderboardError, match=r"different 'test' data.*fp-test-2: 1 runs \(other-data"):
        build_leaderboard(find_runs(client), n_resamples=RESAMPLES)


def test_runs_with_different_label_sets_are_refused(store):
    uri, client, gold, predictions = store
    experiment_id = client.get_experiment_by_name("lb").experiment_id
    labels = ["agree", "disagree", "discuss"]
    log_fake_run(client, experiment_id, "four-way", 0, gold, gold, labels=labels)
    with pytest.raises(LeaderboardError, match="different label sets"):
        build_leaderboard(find_runs(client), n_resamples=RESAMPLES)


def test_cross_validation_folds_are_pooled_per_seed(tmp_path):
    client = MlflowClient(f"sqlite:///{tmp_path}/cv.db")
    experiment_id = client.create_experiment("cv", artifact_location=str(tmp_path / "artifacts"))
    rng = np.random.default_rng(1)
    pooled = {"a": [], "b": []}
    gold_all = []
    for fold in (1, 2):
        gold = rng.integers(0, len(LABELS), 40)
        gold_all.append(gold)
        for model, accuracy in (("a", 0.9), ("b", 0.5)):
            predicted = noisy_predictions(gold, accuracy, rng)
            pooled[model].append(predicted)
            log_fake_run(client, experiment_id, model, 0, gold, predicted, fingerprint=f"fold{fold}",
                         extra_tags={"cv_fold": str(fold)})  # fmt: skip
    board = build_leaderboard(find_runs(client), n_resamples=RESAMPLES)
    rows = board.rows.set_index("model")
    gold = np.concatenate(gold_all)
    assert rows.loc["a", "runs"] == 2 and rows.loc["a", "folds"] == 2 and rows.loc["a", "seeds"] == 1
    assert rows.loc["a", "pooled"] == pytest.approx(macro_f1(gold, np.concatenate(pooled["a"])))
    fold_scores = [macro_f1(g, p) for g, p in zip(gold_all, pooled["a"])]
    assert rows.loc["a", "mean"] == pytest.approx(np.mean(fold_scores))


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.images, self.in_body = 0, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows += 1
        elif tag == "img":
            self.images.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False


def test_html_page_holds_the_table_and_inline_png_figures(store):
    uri, client, gold, predictions = store
    board = build_leaderboard(find_runs(client), n_resamples=RESAMPLES)
    page = to_html([board], [figures(board)])
    parser = _PageParser()
    parser.feed(page)
    assert parser.rows == 3
    assert len(parser.images) == 3
    for src in parser.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "strong" in page and "n.s." in page


def test_cli_prints_json_writes_files_and_logs_a_summary_run(store, tmp_path):
    uri, client, gold, predictions = store
    result = CliRunner().invoke(
        main,
        ["leaderboard", "--tracking-uri", uri, "--format", "json", "--resamples", "200",
         "--save", str(tmp_path / "lb.md"), "--save", str(tmp_path / "lb.html")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sections = json.loads(result.stdout)
    assert sorted(r["model"] for r in sections[0]["rows"]) == ["close", "strong", "weak"]
    assert [r["rank"] for r in sections[0]["rows"]] == [1, 2, 3]
    assert (tmp_path / "lb.md").read_text().count("\n| ") == 4  # header + three rows
    assert "<img" in (tmp_path / "lb.html").read_text()
    summary = client.search_runs(
        [client.get_experiment_by_name("lb").experiment_id], "tags.`marsad.role` = 'leaderboard'"
    )
    assert len(summary) == 1
    logged = {a.path for a in client.list_artifacts(summary[0].info.run_id, "figures")}
    assert "figures/stance_fake_scores.png" in logged
    # The summary run is never ranked itself.
    assert len(find_runs(client)) == 9


def test_cli_explains_an_empty_selection(store):
    uri, *_ = store
    result = CliRunner().invoke(main, ["leaderboard", "--tracking-uri", uri, "--task", "topic"])
    assert result.exit_code != 0
    assert "no finished Marsad runs match" in result.output


def test_compare_counts_and_paired_tests(store):
    uri, client, gold, predictions = store
    runs = {(r.tags["model"], r.tags["seed"]): r.run_id for r in find_runs(client)}
    result = CliRunner().invoke(
        main, ["compare", runs[("strong", "0")], runs[("weak", "0")], "--tracking-uri", uri, "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    right_a, right_b = predictions["strong"][0] == gold, predictions["weak"][0] == gold
    assert report["only_a_right"] == int((right_a & ~right_b).sum())
    assert report["only_b_right"] == int((right_b & ~right_a).sum())
    assert (
        report["both_right"] + report["both_wrong"] + report["only_a_right"] + report["only_b_right"]
        == N_EXAMPLES
    )
    assert report["difference"] == pytest.approx(
        macro_f1(gold, predictions["strong"][0]) - macro_f1(gold, predictions["weak"][0])
    )
    assert report["mcnemar_p"] < 0.05 and report["paired_bootstrap_p"] < 0.05
    assert len(report["disagreements"]) == 10 and report["disagreements"][0]["text"].startswith("نص")
    per_class = f1_score(gold, predictions["strong"][0], labels=range(3), average=None)
    assert [report["per_class"][label]["f1_a"] for label in LABELS] == pytest.approx(per_class, abs=1e-4)


def test_a_rerun_replaces_its_earlier_run_instead_of_adding_a_seed(store):
    uri, client, gold, predictions = store
    experiment_id = client.get_experiment_by_name("lb").experiment_id
    log_fake_run(client, experiment_id, "weak", 0, gold, gold)  # seed 0 of 'weak' again, now perfect
    board = build_leaderboard(find_runs(client), n_resamples=RESAMPLES)
    weak = board.rows.set_index("model").loc["weak"]
    scores = [1.0] + [macro_f1(gold, p) for p in predictions["weak"][1:]]
    assert weak["seeds"] == 3 and weak["mean"] == pytest.approx(np.mean(scores))
    assert any("1 earlier runs" in note for note in board.notes)


def test_an_override_of_a_model_config_gets_its_own_row_named_by_its_changes(store):
    uri, client, gold, predictions = store
    experiment_id = client.get_experiment_by_name("lb").experiment_id
    changed = {"config_id": "weak-other", "model_changes": "classifier.C=0.03"}
    log_fake_run(client, experiment_id, "weak", 0, gold, gold, extra_tags=changed)
    board = build_leaderboard(find_runs(client), n_resamples=RESAMPLES)
    rows = board.rows.set_index("model")
    assert rows.loc["weak {classifier.C=0.03}", "mean"] == 1.0 and rows.loc["weak", "seeds"] == 3
    assert rows.loc["weak {classifier.C=0.03}", "rank"] == 1


def test_multi_label_runs_including_one_that_predicts_nothing(tmp_path):
    """Actor-style runs: label lists per example; an all-empty prediction column still ranks."""
    import pandas as pd

    from marsad.tracking.log_results import log_metrics, log_tags

    client = MlflowClient(f"sqlite:///{tmp_path}/ml.db")
    experiment_id = client.create_experiment("actor", artifact_location=str(tmp_path / "artifacts"))
    labels = ["isis", "sdf", "united_nations"]
    gold = [["isis"], ["sdf", "united_nations"], [], ["isis", "sdf"]] * 10
    outputs = {"silent": [[] for _ in gold], "echo": [list(g) for g in gold]}
    for model, predicted in outputs.items():
        run_id = client.create_run(experiment_id).info.run_id
        log_tags(run_id, client, {"task": "actor", "dataset": "fake", "model": model, "seed": "0",
                                  "label_set": ",".join(labels), "primary_metric": "micro_f1"})  # fmt: skip
        log_metrics(run_id, client, {"test_micro_f1": 1.0 if model == "echo" else 0.0})
        path = tmp_path / model / "predictions.parquet"
        path.parent.mkdir()
        pd.DataFrame({"id": [f"a{i:02d}" for i in range(len(gold))], "split": "test",
                      "gold": gold, "predicted": predicted}).to_parquet(path)  # fmt: skip
        client.log_artifact(run_id, str(path))
        client.set_terminated(run_id, "FINISHED")
    runs = find_runs(client)
    board = build_leaderboard(runs, n_resamples=100)
    rows = board.rows.set_index("model")
    assert board.label_kind == "multi" and list(board.rows["model"]) == ["echo", "silent"]
    assert rows.loc["echo", "pooled"] == pytest.approx(1.0) and rows.loc["silent", "pooled"] == 0.0
    assert not rows.loc["silent", "tied_with_best"]


def test_transfer_matrix_rows_trained_on_columns_evaluated_on():
    from marsad.leaderboard.render import transfer_markdown
    from marsad.leaderboard.runs import RunRecord
    from marsad.leaderboard.transfer import transfer_matrix

    def run(dataset, seed, own, elsewhere):
        tags = {"task": "stance", "dataset": dataset, "model": "tfidf_logreg", "seed": str(seed),
                "primary_metric": "macro_f1"}  # fmt: skip
        metrics = {"test_macro_f1": own, **{f"{k}_macro_f1": v for k, v in elsewhere.items()}}
        return RunRecord(f"{dataset}{seed}", "1", tags, metrics, "/nowhere")

    runs = [
        run("unifiedfc_stance", 0, 0.40, {"ans_stance.test": 0.20}),
        run("unifiedfc_stance", 1, 0.42, {"ans_stance.test": 0.22}),
        run("ans_stance", 0, 0.68, {"unifiedfc_stance.test": 0.34}),
    ]
    frame = transfer_matrix(runs)
    assert frame.loc[
        ("stance", "unifiedfc_stance", "tfidf_logreg"), "unifiedfc_stance.test"
    ] == pytest.approx(0.41)
    assert frame.loc[("stance", "unifiedfc_stance", "tfidf_logreg"), "ans_stance.test"] == pytest.approx(0.21)
    assert frame.loc[("stance", "ans_stance", "tfidf_logreg"), "unifiedfc_stance.test"] == pytest.approx(0.34)
    assert "| stance | ans_stance | tfidf_logreg |" in transfer_markdown(frame)
    assert transfer_matrix(runs[:0]).empty


def test_transfer_shows_an_eval_only_sets_dev_split_and_says_where_it_was_skipped():
    from marsad.leaderboard.render import to_markdown
    from marsad.leaderboard.runs import RunRecord
    from marsad.leaderboard.transfer import transfer_matrix

    def run(seed, real_dev=None):
        tags = {"task": "topic", "dataset": "marsad_mini", "model": "tfidf_svm", "seed": str(seed),
                "primary_metric": "macro_f1"}  # fmt: skip
        metrics = {"test_macro_f1": 0.9}
        if real_dev is None:
            tags["eval_skipped.marsad_real"] = "data not found: ..."
        else:
            metrics["marsad_real.dev_macro_f1"] = real_dev
        return RunRecord(f"r{seed}", "1", tags, metrics, "/nowhere")

    frame = transfer_matrix([run(0, 0.60), run(1, 0.64), run(2)])
    assert frame.loc[("topic", "marsad_mini", "tfidf_svm"), "marsad_real.dev"] == pytest.approx(0.62)
    assert frame.attrs["skipped"] == {"marsad_real": 1}
    assert (
        "*marsad_real: not scored in 1 runs (its data was not on the machine that ran them)*"
        in to_markdown([], frame)
    )
    # A rerun of a seed (a resumed sweep re-scoring changed eval data) replaces it, as on the board.
    rerun = RunRecord("r1b", "1", run(1, 0.70).tags, run(1, 0.70).metrics, "/nowhere", start_time=5)
    replaced = transfer_matrix([run(0, 0.60), run(1, 0.64), rerun])
    assert replaced.loc[("topic", "marsad_mini", "tfidf_svm"), "marsad_real.dev"] == pytest.approx(0.65)
    nowhere = transfer_matrix([run(0)])
    assert nowhere.empty and "marsad_real: not scored in 1 runs" in to_markdown([], nowhere)
    # A board ranked on the eval set (--split marsad_real.dev): in-domain test beside it.
    ranked_there = transfer_matrix([run(0, 0.60), run(1, 0.64)], split="marsad_real.dev")
    assert list(ranked_there.columns) == ["marsad_mini.test", "marsad_real.dev"]
    assert ranked_there.iloc[0].tolist() == pytest.approx([0.9, 0.62])


def test_an_80_column_terminal_shows_whole_cells_and_wide_ones_the_costs(store):
    from rich.console import Console

    from marsad.leaderboard.render import to_rich

    uri, client, _, _ = store
    board = build_leaderboard(find_runs(client), n_resamples=RESAMPLES, seed=0)

    def printed(width: int) -> list[str]:
        console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(to_rich([board], width))
        return console.export_text().splitlines()

    narrow = printed(80)
    assert max(len(line) for line in narrow) <= 80 and not any("…" in line for line in narrow)
    for _, row in board.rows.iterrows():  # every row on one line, model and figures whole
        line = next(line for line in narrow if f" {row['model']} " in line)
        assert (
            f"{row['mean']:.3f} ± {row['std']:.3f}" in line
            and f"{row['ci_low']:.3f}–{row['ci_high']:.3f}" in line
        )
    caption = " ".join(" ".join(narrow).split())
    assert "Not shown at this width: accuracy" in caption and "fit s" not in narrow[2]
    wide = printed(200)
    assert any("fit s" in line and "95% CI" in line for line in wide)
    from marsad.leaderboard.render import versus_best

    tied = {"rank": 1, "diff_vs_best": 0.0, "p_vs_best": 1.0, "tied_with_best": True}  # equal scores
    assert versus_best(tied) == "n.s. (p=1.000)" and versus_best(tied, compact=True) == "n.s. p=1.000"
    worse = {**tied, "rank": 3, "diff_vs_best": -0.1, "p_vs_best": 0.003, "tied_with_best": False}
    assert versus_best(worse, compact=True) == "worse p=.003"
