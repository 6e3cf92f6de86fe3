"""The leaderboard's figures as PNG bytes: scores with CIs, per-class F1, the best confusion matrix."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from marsad.leaderboard.table import Leaderboard  # noqa: E402


def figure_png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def scores_with_ci(board: Leaderboard) -> bytes:
    rows = board.rows.iloc[::-1]  # best at the top
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2))
    colours = ["#1f77b4" if tied else "#9aa5b1" for tied in rows["tied_with_best"]]
    y = np.arange(len(rows))
    ax.errorbar(
        rows["mean"],
        y,
        xerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]],
        fmt="none",
        ecolor="#555",
        capsize=3,
    )
    ax.scatter(rows["mean"], y, c=colours, zorder=3)
    ax.set_yticks(y, rows["model"])
    ax.set_xlabel(f"{board.metric} ({board.split}); bars: 95% bootstrap CI")
    ax.set_title(f"{board.task} · {board.dataset}")
    ax.grid(axis="x", alpha=0.3)
    return figure_png(fig)


def per_class_heatmap(board: Leaderboard) -> bytes:
    data = board.per_class
    fig, ax = plt.subplots(figsize=(0.55 * data.shape[1] + 3, 0.4 * data.shape[0] + 1.5))
    image = ax.imshow(data.to_numpy(), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(data.shape[1]), data.columns, rotation=60, ha="right")
    ax.set_yticks(range(data.shape[0]), data.index)
    if data.size <= 300:
        for (i, j), value in np.ndenumerate(data.to_numpy()):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if value < 0.6 else "black")  # fmt: skip
    fig.colorbar(image, ax=ax, label="F1")
    ax.set_title(f"Per-class F1 ({board.split}, mean over seeds)")
    return figure_png(fig)


def best_confusion(board: Leaderboard) -> bytes:
    """Confusion matrix of the best model's first run (per-label counts for multi-label tasks)."""
    from marsad.tracking.plots import save_confusion_matrix

    gold, predicted = board.best_confusion
    if board.label_kind == "single":  # one label per example: class indices
        gold, predicted = gold.argmax(1), predicted.argmax(1)
    buffer = io.BytesIO()
    title = f"{board.rows.loc[0, 'model']}: {board.split}, first seed"
    save_confusion_matrix(gold, predicted, board.label_names, buffer, title)
    return buffer.getvalue()


FIGURES = {"scores": scores_with_ci, "per_class_f1": per_class_heatmap, "confusion_best": best_confusion}


def figures(board: Leaderboard) -> dict[str, bytes]:
    return {name: draw(board) for name, draw in FIGURES.items()}
