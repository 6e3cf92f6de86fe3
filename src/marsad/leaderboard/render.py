"""Leaderboards as a rich terminal table, Markdown, CSV, JSON or one self-contained HTML page."""

from __future__ import annotations

import base64
import html
import json
import math

import pandas as pd

from marsad.leaderboard.table import Leaderboard
from marsad.leaderboard.transfer import skipped_note

FORMATS = ("table", "markdown", "csv", "json", "html")
COSTS = {"fit_s": "fit s", "examples_per_s": "examples/s", "size_mb": "size MB"}


def _number(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def versus_best(row: pd.Series, compact: bool = False) -> str:
    """'best', or 'n.s. (p=0.127)' / 'worse (p=0.003)'; compact: 'n.s. p=.127', 'n.s. p=1.000'."""
    if row["rank"] == 1 and row["diff_vs_best"] == 0 and math.isnan(row["p_vs_best"]):
        return "best"
    mark = "n.s." if row["tied_with_best"] else "worse"
    p = f"{row['p_vs_best']:.3f}"
    return f"{mark} p={p.removeprefix('0')}" if compact else f"{mark} (p={p})"


def display_frame(board: Leaderboard, compact: bool = False) -> pd.DataFrame:
    """The columns people read, formatted; one row per model configuration. `compact` writes the
    same figures shorter, for narrow terminals (CI as lo–hi, 'n.s. p=.127')."""
    rows = board.rows
    ci = "{:.3f}–{:.3f}" if compact else "[{:.3f}, {:.3f}]"
    other = [c for c in rows.columns if c not in _internal_columns(rows)]
    frame = pd.DataFrame(
        {
            "rank": rows["rank"],
            "model": rows["model"],
            "seeds": [
                f"{n} (fixed)" if fixed else str(n) for n, fixed in zip(rows["seeds"], rows["seed_free"])
            ],
            **({"folds": rows["folds"].fillna(0).astype(int)} if "folds" in rows else {}),
            **({"tuning": rows["tuning"]} if _any_tuned(rows) else {}),
            f"{board.metric} mean ± std": [f"{m:.3f} ± {s:.3f}" for m, s in zip(rows["mean"], rows["std"])],
            "95% CI": [ci.format(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"])],
            "vs best": [versus_best(row, compact) for _, row in rows.iterrows()],
            **{name: [_number(v) for v in rows[name]] for name in other},
            **{label: [_number(v, 2) for v in rows[column]] for column, label in COSTS.items()},
        }
    )
    return frame


def _any_tuned(rows: pd.DataFrame) -> bool:
    """Whether the board has a row `marsad tune` made: then a tuning column says which rows."""
    return "tuning" in rows and bool((rows["tuning"] != "default").any())


def _internal_columns(rows: pd.DataFrame) -> set[str]:
    return {
        "rank", "model", "config_key", "runs", "seeds", "seed_free", "folds", "tuning", "mean", "std",
        "ci_low", "ci_high", "pooled", "diff_vs_best", "p_vs_best", "tied_with_best", "run_ids", *COSTS,
    }  # fmt: skip


def footnote(board: Leaderboard) -> str:
    text = (
        f"Ranked by {board.metric} on '{board.split}'. CI: 95% bootstrap over {board.resampled} "
        f"({board.rows['runs'].sum()} runs). 'vs best': {board.test_method} against the top row; "
        "n.s. = not significantly different at 0.05."
    )
    return " ".join([text, *board.notes])


NARROW = 110  # below this terminal width: a compact layout without vertical rules, fewer columns


def _terminal_table(width: int, **kwargs):
    """A rich table that fits `width`: no vertical rules or edge padding in narrow terminals."""
    from rich import box
    from rich.table import Table

    if width >= NARROW:
        return Table(**kwargs)
    return Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, **kwargs)


def _widest(header: str, values) -> int:
    """The width a column needs to show its header and every value whole."""
    return max([len(str(header)), *(len(str(v)) for v in values)])


def to_rich(boards: list[Leaderboard], width: int = 200):
    """Tables for the terminal. Narrow terminals leave secondary metrics, then costs, to the files
    and a compact layout (no vertical rules) fits 80 columns."""
    from rich.console import Group

    tables = []
    for board in boards:
        frame = display_frame(board, compact=width < NARROW)
        caption = footnote(board)
        if width < 150:
            left_out = [c for c in board.rows.columns if c not in _internal_columns(board.rows)]
            left_out += list(COSTS.values()) if width < NARROW else []
            frame = frame.drop(columns=left_out)
            caption += f" Not shown at this width: {', '.join(left_out)} (see --format markdown)."
        if width < NARROW:
            frame = frame.rename(columns={f"{board.metric} mean ± std": f"{board.metric} ± std", "rank": "#"})
        table = _terminal_table(width, title=board.title, caption=caption, caption_justify="left")
        for column in frame.columns:
            text = column in ("model", "vs best")
            # Model names are never cut: 'vs best' gives way first, between its words.
            widest = _widest(column, frame[column]) if column == "model" else None
            table.add_column(column, justify="left" if text else "right", no_wrap=column != "vs best",
                             min_width=widest)  # fmt: skip
        for rank, (_, row) in zip(board.rows["rank"], frame.iterrows()):
            style = "bold green" if rank == 1 else ("" if "n.s." in row["vs best"] else "dim")
            table.add_row(*(str(v) for v in row), style=style)
        tables.append(table)
    return Group(*tables)


def transfer_rich(frame: pd.DataFrame, width: int = 200):
    table = _terminal_table(width, title=TRANSFER_TITLE)
    for name in [*frame.index.names, *frame.columns]:
        widest = _widest(name, frame.index.get_level_values(name)) if name == "model" else None
        justify = "left" if name in frame.index.names else "right"
        table.add_column(str(name), justify=justify, min_width=widest)
    for index, row in frame.iterrows():
        table.add_row(*index, *("–" if v != v else f"{v:.3f}" for v in row))
    return table


TRANSFER_TITLE = "Transfer: trained on (rows) × evaluated on (columns), primary metric, mean over seeds"


def transfer_markdown(frame: pd.DataFrame) -> str:
    if frame.empty:
        return ""
    names = [*frame.index.names, *frame.columns]
    lines = [
        "| " + " | ".join(map(str, names)) + " |",
        "|" + "|".join("---" if n in frame.index.names else "---:" for n in names) + "|",
    ]
    for index, row in frame.iterrows():
        lines.append("| " + " | ".join([*index, *(_number(v) for v in row)]) + " |")
    return f"### {TRANSFER_TITLE}\n\n" + "\n".join(lines) + "\n"


def to_markdown(boards: list[Leaderboard], transfer: pd.DataFrame | None = None) -> str:
    parts = []
    for board in boards:
        frame = display_frame(board)
        header = "| " + " | ".join(frame.columns) + " |"
        rule = "|" + "|".join("---:" if c not in ("model", "vs best") else "---" for c in frame.columns) + "|"
        lines = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
        parts.append(
            f"### {board.title}\n\n" + "\n".join([header, rule, *lines]) + f"\n\n{footnote(board)}\n"
        )
    if transfer is not None and not transfer.empty:
        parts.append(transfer_markdown(transfer))
    if transfer is not None and skipped_note(transfer):
        parts.append(f"*{skipped_note(transfer)}*\n")
    return "\n".join(parts)


def to_records(boards: list[Leaderboard]) -> list[dict]:
    records = []
    for board in boards:
        for row in board.rows.to_dict(orient="records"):
            records.append({"task": board.task, "dataset": board.dataset, "split": board.split,
                            "metric": board.metric, **row})  # fmt: skip
    return records


def to_csv(boards: list[Leaderboard]) -> str:
    return pd.DataFrame(to_records(boards)).to_csv(index=False)


def to_json(boards: list[Leaderboard]) -> str:
    def clean(value):
        return None if isinstance(value, float) and math.isnan(value) else value

    sections = [
        {
            "task": board.task,
            "dataset": board.dataset,
            "split": board.split,
            "metric": board.metric,
            "test": board.test_method,
            "labels": board.label_names,
            "rows": [{k: clean(v) for k, v in row.items()} for row in board.rows.to_dict(orient="records")],
            "per_class_f1": board.per_class.round(4).to_dict(orient="index"),
        }
        for board in boards
    ]
    return json.dumps(sections, indent=2, ensure_ascii=False, default=float)


CELL_CLASS = {"model": "model", "vs best": "vs"}  # left-aligned text columns
PAGE_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1200px}
h1{font-size:1.5rem} h2{font-size:1.15rem;margin-top:2.5rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;font-size:.85rem;margin:.8rem 0}
th,td{padding:.3rem .6rem;border-bottom:1px solid #eaeef2}
th{background:#f6f8fa;text-align:left} td{text-align:right} td.model,td.vs{text-align:left}
tr.best td{font-weight:600;background:#e6f4ea} tr.worse td{color:#6e7781}
.note{color:#57606a;font-size:.8rem} .figures{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.figures img{max-width:100%;border:1px solid #eaeef2}
"""


def to_html(
    boards: list[Leaderboard],
    images: list[dict[str, bytes]],
    title: str = "Marsad leaderboard",
    transfer: pd.DataFrame | None = None,
) -> str:
    """One static page: tables plus PNG figures inlined as data URIs (opens without a server)."""
    sections = []
    for board, figures in zip(boards, images):
        frame = display_frame(board)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
        body = []
        for _, row in frame.iterrows():
            css = "best" if row["rank"] == 1 else ("" if "n.s." in row["vs best"] else "worse")
            cells = "".join(
                f'<td class="{CELL_CLASS.get(c, "")}">{html.escape(str(row[c]))}</td>' for c in frame.columns
            )
            body.append(f'<tr class="{css}">{cells}</tr>')
        pictures = "".join(
            f'<img alt="{html.escape(name)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
            for name, png in figures.items()
        )
        sections.append(
            f"<section><h2>{html.escape(board.title)}</h2>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f'<p class="note">{html.escape(footnote(board))}</p>'
            f'<div class="figures">{pictures}</div></section>'
        )
    if transfer is not None and not transfer.empty:
        table = transfer.to_html(float_format=lambda v: f"{v:.3f}", na_rep="–", border=0)
        sections.append(f"<section><h2>{html.escape(TRANSFER_TITLE)}</h2>{table}</section>")
    if transfer is not None and skipped_note(transfer):
        sections.append(f'<p class="note">{html.escape(skipped_note(transfer))}</p>')
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{PAGE_STYLE}</style></head><body><h1>{html.escape(title)}</h1>{''.join(sections)}</body></html>"
    )
