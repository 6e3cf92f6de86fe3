"""`marsad predict`: classify new text with a logged model."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from marsad.cli.options import tracking_option
from marsad.errors import MarsadError


def _read_texts(source: str, lines: bool) -> list[str]:
    try:
        raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise click.ClickException(f"{source}: cannot read it as UTF-8 text: {err}") from err
    texts = [line.strip() for line in raw.splitlines() if line.strip()] if lines else [raw.strip()]
    if not texts or not texts[0]:
        raise click.ClickException(f"{'stdin' if source == '-' else source}: no text to classify")
    return texts


@click.command()
@click.argument("model")
@click.argument("source", default="-")
@tracking_option
@click.option(
    "--claim", "claims", multiple=True, help="A claim to check the text against (stance; repeatable)."
)
@click.option("--claims-file", type=click.Path(exists=True, dir_okay=False), help="Claims, one per line.")
@click.option("--lines", is_flag=True, help="Each non-empty line of SOURCE is one text (default: all of it).")
@click.option("--top", default=5, show_default=True, help="Labels to show per text in the table.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def predict(model, source, tracking_uri, claims, claims_file, lines, top, fmt) -> None:
    """Classify SOURCE (a UTF-8 file, or - for stdin) with MODEL: a run id, runs:/ID/model,
    models:/NAME/VERSION or models:/NAME@ALIAS."""
    from marsad.predict import load_model, predict_texts
    from marsad.tracking.client import tracking_client

    texts = _read_texts(source, lines)
    claim_list = list(claims)
    if claims_file:
        claim_list += [
            c.strip() for c in Path(claims_file).read_text(encoding="utf-8").splitlines() if c.strip()
        ]
    try:
        loaded = load_model(tracking_client(tracking_uri), model)
        results = predict_texts(loaded, texts, claim_list)
    except MarsadError as err:
        raise click.ClickException(str(err)) from err
    for result in results:  # NaN: a label the model never saw in training
        result["scores"] = {k: (None if math.isnan(v) else round(v, 4)) for k, v in result["scores"].items()}
    if fmt == "json":
        payload = {
            "model": loaded.model_name,
            "run_id": loaded.run_id,
            "task": loaded.task,
            "results": results,
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    console = Console()
    table = Table(title=f"{loaded.task} · {loaded.model_name} (run {loaded.run_id})")
    if loaded.task == "stance":
        table.add_column("claim", overflow="fold", max_width=50)
    if len(texts) > 1:
        table.add_column("text", overflow="fold", max_width=40)
    table.add_column("prediction")
    table.add_column(f"top {top} scores")
    per_text = len(results) // len(texts)
    for index, result in enumerate(results):
        label = (
            result["label"] if isinstance(result["label"], str) else ", ".join(result["label"]) or "(none)"
        )
        ranked = sorted(((v, k) for k, v in result["scores"].items() if v is not None), reverse=True)[:top]
        cells = [result["claim"]] if loaded.task == "stance" else []
        if len(texts) > 1:
            cells.append(texts[index // per_text][:80])
        table.add_row(*cells, label, "  ".join(f"{k} {v:.3f}" for v, k in ranked))
    console.print(table)
