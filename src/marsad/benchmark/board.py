"""The benchmark board, built from result files alone (so a board is rebuilt with no server).

The Marsad score of a model is the mean of its task scores; its CI is the percentile interval
of the mean of the task replicates (each task resampled independently, the same resamples for
every model). Rank groups: the best row opens group 1, and every row a paired bootstrap test on
the Marsad score does not separate from it (p >= 0.05) joins it; the best of the rest opens
group 2, and so on. A model without a score on every task has no Marsad score and no group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from marsad.benchmark.definition import Benchmark, BenchmarkError

ALPHA = 0.05


@dataclass
class BenchBoard:
    bench: Benchmark
    rows: pd.DataFrame  # one row per model: scores, CIs, group, costs
    tasks: list[str]
    results: dict[tuple[str, str], dict[str, Any]] = field(repr=False, default_factory=dict)


def latest(results: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(config id, task) -> its newest result (a rerun replaces the earlier one)."""
    chosen: dict[tuple[str, str], dict[str, Any]] = {}
    for result in sorted(results, key=lambda r: r["created"]):
        chosen[(result["model"]["config_id"], result["task"]["id"])] = result
    return chosen


def _check_paired(by_task: dict[str, list[dict[str, Any]]]) -> None:
    """Replicates of one task must come from the same resamples of the same examples."""
    for task, results in by_task.items():
        keys = {(r["bootstrap"]["examples_sha"], r["bootstrap"]["seed"], r["bootstrap"]["resamples"],
                 r["bootstrap"]["unit"]) for r in results}  # fmt: skip
        if len(keys) > 1:
            raise BenchmarkError(f"task {task}: result files were resampled differently ({sorted(keys)}); "
                                 "rerun them with this Marsad")  # fmt: skip


def build_board(bench: Benchmark, results: list[dict[str, Any]]) -> BenchBoard:
    if not results:
        raise BenchmarkError(
            f"no results of {bench.name} v{bench.version}: run `marsad bench run --model NAME`"
        )
    chosen = latest(results)
    tasks = list(bench.tasks)
    by_task: dict[str, list] = {}
    for (_, task), result in chosen.items():
        by_task.setdefault(task, []).append(result)
    _check_paired(by_task)
    models = sorted({cid for cid, _ in chosen})
    types = {kind: ids for kind, ids in bench.task_types().items() if ids}
    records, replicates = [], {}
    for cid in models:
        mine = {task: chosen[(cid, task)] for task in tasks if (cid, task) in chosen}
        any_result = next(iter(mine.values()))
        row: dict[str, Any] = {
            "model": any_result["model"]["name"] + (f" {{{any_result['model']['changes']}}}"
                                                   if any_result["model"].get("changes") else ""),
            "config_id": cid,
            "tuning": any_result["model"].get("tuning", "default"),
            "seeds": ",".join(str(s) for s in any_result["seeds"]),
            "tasks_scored": len(mine),
            "runtime_s": sum(r["runtime"]["total_seconds"] for r in mine.values()),
            "fit_s": sum(r["runtime"]["fit_seconds"] for r in mine.values()),
        }  # fmt: skip
        for task, result in mine.items():
            row[task] = result["score"]
            row[f"{task}.ci_low"], row[f"{task}.ci_high"] = result["ci"]
        for kind, ids in types.items():
            row[kind] = (
                float(np.mean([mine[t]["score"] for t in ids])) if all(t in mine for t in ids) else np.nan
            )
        if len(mine) == len(tasks):
            boot = np.mean([np.asarray(mine[t]["bootstrap"]["replicates"]) for t in tasks], axis=0)
            replicates[cid] = boot
            row["marsad_score"] = float(np.mean([mine[t]["score"] for t in tasks]))
            row["ci_low"], row["ci_high"] = np.percentile(boot, [2.5, 97.5])
        else:
            row["marsad_score"] = row["ci_low"] = row["ci_high"] = np.nan
        records.append(row)
    rows = pd.DataFrame(records)
    rows = rows.sort_values(["marsad_score", "tasks_scored"], ascending=[False, False], na_position="last",
                            kind="stable").reset_index(drop=True)  # fmt: skip
    groups, p_best = rank_groups(rows, replicates)
    rows["group"] = pd.Series(groups, dtype=object)  # None where a model has no Marsad score
    rows["p_vs_best"] = p_best
    return BenchBoard(bench, rows, tasks, chosen)


def rank_groups(rows: pd.DataFrame, replicates: dict[str, np.ndarray]) -> tuple[list, list]:
    """Group number per row (None without a Marsad score) and its p-value against the top row."""
    from marsad.leaderboard.stats import paired_bootstrap

    scored = [i for i in range(len(rows)) if rows.loc[i, "config_id"] in replicates]
    groups: list = [None] * len(rows)
    p_best: list = [np.nan] * len(rows)

    def p_value(i: int, j: int) -> float:
        a, b = rows.loc[i, "config_id"], rows.loc[j, "config_id"]
        test = paired_bootstrap(
            replicates[a], replicates[b], rows.loc[i, "marsad_score"], rows.loc[j, "marsad_score"]
        )
        return test.p_value

    if scored:
        for i in scored[1:]:
            p_best[i] = p_value(i, scored[0])
    remaining, group = list(scored), 0
    while remaining:
        group += 1
        leader = remaining[0]
        members = [leader] + [i for i in remaining[1:] if p_value(i, leader) >= ALPHA]
        for i in members:
            groups[i] = group
        remaining = [i for i in remaining if i not in members]
    return groups, p_best
