"""What ant_topic's duplicate removal finds and costs: cold (MinHash LSH) and cached loads.

Prints the duplicate groups (exact only, exact + near), the rows dropped for conflicting
sections, and the wall time of a first `ant_topic` load (empty cache), a second one (cache hit)
and of the grouping alone. Figures only; nothing is asserted.
Run: .venv/bin/python benchmarks/bench_ant_dedup.py   (needs ../shared/data/ant)
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np
import pandas as pd

os.environ["MARSAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="marsad-bench-")

from marsad.config_check import load_dataset_config  # noqa: E402
from marsad.data.dedup import DedupSettings, duplicate_groups  # noqa: E402
from marsad.data.paths import resolve_data_root  # noqa: E402
from marsad.data.readers import read_table  # noqa: E402
from marsad.tasks import Task  # noqa: E402

TOPIC = Task("topic", ["text"], "single", ["accuracy"], "macro_f1")


def group_report(name: str, groups: np.ndarray, labels: pd.Series) -> None:
    table = pd.DataFrame({"group": groups, "label": labels.to_numpy()})
    sizes = table.groupby("group")["label"].agg(["size", "nunique"])
    multi = sizes[sizes["size"] > 1]
    conflicting = multi[multi["nunique"] > 1]
    print(
        f"{name:<14} groups with >1 article: {len(multi):>5} ({int(multi['size'].sum()):>5} articles); "
        f"conflicting sections: {len(conflicting):>4} groups ({int(conflicting['size'].sum())} articles)"
    )


def main() -> None:
    spec = load_dataset_config("ant_topic", None).tasks["topic"]
    raw = read_table(resolve_data_root() / "ant" / "articles.jsonl.gz").sort_values("id", kind="stable")
    settings = dict(spec["dedup"])
    column = settings.pop("column", None)  # what is compared: the body, or title + body
    texts = (raw[column] if column else raw["title"] + "\n" + raw["text"]).astype(str).tolist()
    settings = DedupSettings(**settings)
    print(f"articles: {len(raw)}; compared: {column or 'title + text'}; settings: {settings}")
    exact = pd.Series([" ".join(t.split()) for t in texts]).factorize()[0]
    group_report("exact only", exact, raw["category"])
    start = time.perf_counter()
    near = duplicate_groups(texts, settings)
    grouping = time.perf_counter() - start
    group_report("exact + near", near, raw["category"])

    dataset = load_dataset_config("ant_topic", None)
    start = time.perf_counter()
    first = dataset.load(TOPIC)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    second = dataset.load(TOPIC)
    warm = time.perf_counter() - start
    assert first.fingerprint == second.fingerprint
    kept = sum(first.sizes().values())
    print(f"kept after dedup: {kept} of {len(raw)} ({len(raw) - kept} removed); splits {first.sizes()}")
    print(f"grouping alone (MinHash LSH): {grouping:.1f} s")
    print(f"ant_topic load, empty cache:  {cold:.1f} s")
    print(f"ant_topic load, cached:       {warm:.1f} s")


if __name__ == "__main__":
    main()
