"""Write a leaderboard to files, and to MLflow as the artifacts of a summary run."""

from __future__ import annotations

import tempfile
from pathlib import Path

from marsad.leaderboard import render
from marsad.leaderboard.runs import RunRecord
from marsad.leaderboard.table import Leaderboard

SUFFIX_FORMATS = {".md": "markdown", ".csv": "csv", ".json": "json", ".html": "html", ".htm": "html"}


def rendered(
    fmt: str, boards: list[Leaderboard], images: list[dict[str, bytes]], title: str, transfer=None
) -> str:
    """`transfer` (a transfer matrix) is added to the Markdown and HTML outputs."""
    if fmt == "html":
        return render.to_html(boards, images, title, transfer)
    if fmt == "markdown":
        return render.to_markdown(boards, transfer)
    return {"csv": render.to_csv, "json": render.to_json}[fmt](boards)


def format_of(path: Path) -> str:
    try:
        return SUFFIX_FORMATS[path.suffix.lower()]
    except KeyError:
        known = sorted(SUFFIX_FORMATS)
        raise ValueError(f"{path}: cannot tell the format from '{path.suffix}'; use one of {known}") from None


def log_summary_run(
    client,
    runs: list[RunRecord],
    boards: list[Leaderboard],
    images: list[dict[str, bytes]],
    title: str,
    transfer=None,
) -> str:
    """A run tagged `marsad.role=leaderboard` holding the page, tables and figures.

    It nests under the sweep's parent run when every ranked run comes from one sweep, and is
    never ranked itself (leaderboards skip runs that carry a `marsad.role`).
    """
    sweeps = {r.tags.get("marsad.sweep_id") for r in runs}
    tags = {"marsad.role": "leaderboard", "marsad.ranked_runs": str(len(runs))}
    if len(sweeps) == 1 and None not in sweeps:
        tags["marsad.sweep_id"] = sweeps.pop()
        parent = runs[0].tags.get("mlflow.parentRunId")
        if parent:
            tags["mlflow.parentRunId"] = parent
    run = client.create_run(runs[0].experiment_id, run_name=f"leaderboard · {title}", tags=tags)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, fmt in (
            ("leaderboard.md", "markdown"),
            ("leaderboard.json", "json"),
            ("leaderboard.html", "html"),
        ):
            (folder / name).write_text(rendered(fmt, boards, images, title, transfer), encoding="utf-8")
        figures = folder / "figures"
        figures.mkdir()
        for board, pictures in zip(boards, images):
            for name, png in pictures.items():
                (figures / f"{board.task}_{board.dataset}_{name}.png").write_bytes(png)
        client.log_artifacts(run.info.run_id, str(folder))
    client.set_terminated(run.info.run_id, "FINISHED")
    return run.info.run_id
