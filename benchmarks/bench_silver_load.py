"""Print how long `ant_actor_silver` takes to load: first load (labels computed, cache empty)
and later loads (labels from the cache), and how long its near-duplicate scan takes.

Run: python benchmarks/bench_silver_load.py   (needs ../shared/data/ant)
"""

from __future__ import annotations

import os
import tempfile
import time

from hydra.utils import instantiate
from omegaconf import OmegaConf

from marsad.config_check import CONF_DIR, load_dataset_config
from marsad.data.dedup import near_duplicate_pairs
from marsad.data.describe import example_texts


def main() -> None:
    task = instantiate(OmegaConf.load(CONF_DIR / "task" / "actor.yaml"))
    with tempfile.TemporaryDirectory() as cache:
        os.environ["MARSAD_CACHE_DIR"] = cache
        for attempt in ("first load (cache empty)", "second load (cache warm)"):
            start = time.perf_counter()
            loaded = load_dataset_config("ant_actor_silver", None).load(task)
            print(f"{attempt}: {time.perf_counter() - start:.1f} s, rows {loaded.sizes()}")
    texts = [t for frame in loaded.frames.values() for t in example_texts(frame, task)]
    start = time.perf_counter()
    pairs = near_duplicate_pairs(texts)
    print(
        f"near-duplicate scan of {len(texts)} texts: {time.perf_counter() - start:.1f} s, {len(pairs)} pairs"
    )


if __name__ == "__main__":
    main()
