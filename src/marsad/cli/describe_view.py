"""Terminal tables for `marsad data describe` (the figures come from marsad.data.describe)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def print_report(report: dict[str, Any], console: Console) -> None:
    splits = list(report["rows"])
    console.print(f"[bold]{report['dataset']}[/] · task [bold]{report['task']}[/] · "
                  f"fingerprint {report['fingerprint'][:12]}")  # fmt: skip

    sizes = Table(title="rows and text length (tokens)")
    for column in ("split", "rows", "median", "p10", "p90", "min", "max"):
        sizes.add_column(column, justify="right" if column != "split" else "left")
    for split in splits:
        t = report["tokens"][split]
        sizes.add_row(split, str(report["rows"][split]), f"{t['median']:g}", f"{t['p10']:g}",
                      f"{t['p90']:g}", str(t["min"]), str(t["max"]))  # fmt: skip
    console.print(sizes)

    labels = Table(title="label distribution (examples per label)")
    labels.add_column("label")
    for split in splits:
        labels.add_column(split, justify="right")
    names = list(report["label_names"]) + sorted(
        {n for counts in report["labels"].values() for n in counts} - set(report["label_names"])
    )
    for name in names:
        labels.add_row(name, *(str(report["labels"][s].get(name, 0)) for s in splits))
    console.print(labels)

    console.print(f"exact-duplicate examples (all inputs identical): {report['exact_duplicate_examples']}")
    dup_table = Table(title="duplicates per input field; leaks = rows also in train: exact + near / rows")
    for column in ("field", "unique", "exact dup.", "near pairs", "in near pairs", *report["duplicates"]
                   [next(iter(report["duplicates"]))]["leaks"]):  # fmt: skip
        dup_table.add_column(column, justify="left" if column == "field" else "right")
    for field, dup in report["duplicates"].items():
        leaks = [f"{c['exact']} + {c['near']} / {c['examples']}" for c in dup["leaks"].values()]
        leaked = any(c["exact"] or c["near"] for c in dup["leaks"].values())
        dup_table.add_row(
            field, str(dup["unique_texts"]), str(dup["exact_duplicate_examples"]),
            str(dup["near_duplicate_pairs"]), str(dup["examples_in_near_duplicate_pairs"]), *leaks,
            style="red" if leaked else "",
        )  # fmt: skip
    console.print(dup_table)
    console.print(f"near duplicates: character 5-shingle Jaccard > "
                  f"{next(iter(report['duplicates'].values()))['near_duplicate_threshold']}")  # fmt: skip
    if "silver_agreement" in report:
        a = report["silver_agreement"]
        console.print(
            f"[yellow]silver labels[/] vs careful labels of {a['reference']} ({a['examples']} examples): "
            f"micro-F1 {a['micro_f1']:.3f}, macro-F1 {a['macro_f1']:.3f} "
            f"(macro over the {a['macro_over_labels']} labels the reference uses)"
        )
    console.print(f"label plot: {report['plot']}")
