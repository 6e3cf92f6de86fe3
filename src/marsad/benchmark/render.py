"""The benchmark board as Markdown, JSON and one self-contained HTML page (table, a CI plot per
task, score against cost), in the leaderboard's page style."""

from __future__ import annotations

import base64
import html
import json
import math

import numpy as np

from marsad.benchmark.board import BenchBoard


def _score(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"


def _ci(low: float, high: float) -> str:
    return "–" if math.isnan(low) else f"{low:.3f}–{high:.3f}"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}" if seconds >= 60 else f"{seconds / 60:.2f}"


def _versus_best(position: int, score: float, p: float) -> str:
    if position == 0 and not math.isnan(score):
        return "best"
    return "–" if math.isnan(p) else "<0.001" if p < 0.001 else f"{p:.3f}"


def table(board: BenchBoard) -> tuple[list[str], list[list[str]]]:
    """Header and cells of the board, as every format shows it."""
    kinds = [k for k, ids in board.bench.task_types().items() if ids]
    header = ["group", "model", "Marsad score", "95% CI", "p vs best", *kinds, *board.tasks,
              "seeds", "tuning", "runtime min"]  # fmt: skip
    cells = []
    for _, row in board.rows.iterrows():
        p = row["p_vs_best"]
        cells.append([
            "–" if row["group"] is None or (isinstance(row["group"], float) and math.isnan(row["group"]))
            else str(int(row["group"])),
            row["model"], _score(row["marsad_score"]), _ci(row["ci_low"], row["ci_high"]),
            _versus_best(row.name, row["marsad_score"], p),
            *(_score(row[k]) for k in kinds),
            *(_score(row.get(t, float("nan"))) for t in board.tasks),
            row["seeds"], row["tuning"], _minutes(row["runtime_s"]),
        ])  # fmt: skip
    return header, cells


def footnote(board: BenchBoard) -> str:
    bench = board.bench
    return (
        f"{bench.name} v{bench.version}. Marsad score: mean of the {len(board.tasks)} task scores; 95% CI "
        f"from {bench.bootstrap.resamples} bootstrap resamples of every task's test examples (stance: "
        "whole claims), the same resamples for every model. Group 1 holds the best model and every "
        "model a paired bootstrap test on the Marsad score does not separate from it (p ≥ 0.05); the "
        "best of the rest opens group 2, and so on. A model not serving every task has no Marsad score "
        "(–). Runtime: all tasks, this machine, minutes."
    )


def to_markdown(board: BenchBoard) -> str:
    header, cells = table(board)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
    titles = "; ".join(f"`{t}`: {board.bench.tasks[t].title}" for t in board.tasks)
    return "\n".join([*lines, "", f"*{footnote(board)} Tasks: {titles}.*", "", *best_per_task(board), ""])


def best_per_task(board: BenchBoard) -> list[str]:
    """The best model of each task with its score and 95% CI (ties within the CI are common)."""
    lines = ["| task | best model | score | 95% CI | models scored |", "|---|---|---|---|---|"]
    for task in board.tasks:
        if task not in board.rows or board.rows[task].isna().all():
            continue
        scored = board.rows.dropna(subset=[task])
        best = scored.loc[scored[task].idxmax()]
        spec = board.bench.tasks[task]
        ci = _ci(best[f"{task}.ci_low"], best[f"{task}.ci_high"])
        lines.append(
            f"| {spec.title} ({spec.metric}) | {best['model']} | {best[task]:.3f} | {ci} | {len(scored)} |"
        )
    return lines


def to_json(board: BenchBoard) -> str:
    bench = board.bench
    rows = json.loads(board.rows.to_json(orient="records"))
    return json.dumps({"benchmark": bench.name, "version": bench.version, "tasks": board.tasks, "rows": rows},
                      ensure_ascii=False, indent=1)  # fmt: skip


def task_figure(board: BenchBoard) -> bytes:
    """One panel per task, models in board order (best at the top) on a shared axis: each
    model's score with its 95% CI, so a row reads across the tasks."""
    from marsad.leaderboard.plots import figure_png, plt  # the Agg backend, set there

    n = len(board.tasks)
    rows = board.rows.iloc[::-1].reset_index(drop=True)
    y = np.arange(len(rows))
    fig, axes = plt.subplots(
        1, n, figsize=(2.1 * n + 2.2, 0.24 * len(rows) + 1.3), sharey=True, squeeze=False
    )
    for ax, task in zip(axes[0], board.tasks):
        spec = board.bench.tasks[task]
        ax.set_title(f"{spec.title}\n{spec.metric}", fontsize=7)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=7)
        if task not in rows:  # no model scored it yet
            continue
        low, high = rows[task] - rows[f"{task}.ci_low"], rows[f"{task}.ci_high"] - rows[task]
        ax.errorbar(rows[task], y, xerr=[low, high], fmt="o", color="#1f77b4", ecolor="#999", capsize=1.5,
                    markersize=3)  # fmt: skip
    axes[0][0].set_yticks(y, rows["model"], fontsize=7)
    fig.subplots_adjust(wspace=0.08)
    return figure_png(fig)


def cost_figure(board: BenchBoard) -> bytes:
    """Marsad score against total runtime (log scale): what a point of score costs."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    from marsad.leaderboard.plots import figure_png, plt  # the Agg backend, set there

    rows = board.rows.dropna(subset=["marsad_score"])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.errorbar(rows["runtime_s"] / 60, rows["marsad_score"],
                yerr=[rows["marsad_score"] - rows["ci_low"], rows["ci_high"] - rows["marsad_score"]],
                fmt="o", ecolor="#aaa", capsize=2)  # fmt: skip
    for _, row in rows.iterrows():
        ax.annotate(row["model"], (row["runtime_s"] / 60, row["marsad_score"]), fontsize=7,
                    xytext=(4, 3), textcoords="offset points")  # fmt: skip
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())  # crowded 3x10^0-style labels
    ax.set_xlabel("runtime over all tasks (minutes, log scale)")
    ax.set_ylabel("Marsad score (95% CI)")
    ax.set_title(f"{board.bench.name}: score against cost")
    ax.grid(alpha=0.3)
    return figure_png(fig)


def to_html(board: BenchBoard) -> str:
    from marsad.leaderboard.render import PAGE_STYLE

    header, cells = table(board)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in header)
    body = []
    for row in cells:
        css = "best" if row[0] == "1" else ("worse" if row[0] == "–" else "")
        tds = "".join(
            f'<td class="{"model" if i == 1 else ""}">{html.escape(c)}</td>' for i, c in enumerate(row)
        )
        body.append(f'<tr class="{css}">{tds}</tr>')
    figures = "".join(
        f'<img alt="{name}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        for name, png in (("scores per task", task_figure(board)), ("score against cost", cost_figure(board)))
    )
    tasks = "".join(
        f"<li><b>{html.escape(t.id)}</b>: {html.escape(t.title)} ({html.escape(t.metric)}) — "
        f"{html.escape(t.description)}</li>" for t in board.bench.tasks.values()
    )  # fmt: skip
    title = f"{board.bench.name} v{board.bench.version} board"
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{PAGE_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f'<div style="overflow-x:auto"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f'<p class="note">{html.escape(footnote(board))}</p><ul class="note">{tasks}</ul>'
        f'<div class="figures">{figures}</div></body></html>'
    )


FORMATS = {".md": to_markdown, ".json": to_json, ".html": to_html, ".htm": to_html}
