"""Fine-tuning throughput of the tiny BERT on CPU: ANS stance train, one epoch.

Prints the time to build the tiny checkpoint (tokenizer + random weights; cached afterwards),
then examples/s of one training epoch (no dev slice) and of prediction on the test split,
for each requested torch thread count. Figures only, no assertions.
Run: .venv/bin/python benchmarks/bench_finetune.py [--threads 0 1] (0: torch's default)
     (needs ../shared/data/ans; set MARSAD_CACHE_DIR to measure a cold build)
"""

from __future__ import annotations

import argparse
import time

from hydra.utils import instantiate
from omegaconf import OmegaConf

from marsad.config_check import CONF_DIR, load_dataset_config
from marsad.models.classifiers.transformer_classifier import TransformerClassifier
from marsad.models.encoders.tiny_bert import TinyBert


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()

    task = instantiate(OmegaConf.load(CONF_DIR / "task" / "stance.yaml"))
    data = load_dataset_config("ans_stance", None).load(task)
    train, test = data.frames["train"], data.frames["test"]
    X, y = task.features(train), task.encode(train["label"], data.label_names)
    X_test = task.features(test)

    builder = TinyBert()
    start = time.perf_counter()
    folder = builder.build(X.iloc[:, 0].tolist() + X.iloc[:, 1].tolist())
    print(f"tiny checkpoint        {time.perf_counter() - start:7.2f} s  ({folder.name})")

    for threads in args.threads:
        model = TransformerClassifier(
            checkpoint=builder, epochs=1, dev_fraction=0.0, max_length=args.max_length,
            batch_size=args.batch_size, learning_rate=1e-3, torch_threads=threads or None,
        )  # fmt: skip
        start = time.perf_counter()
        model.fit(X, y)
        fit = time.perf_counter() - start
        start = time.perf_counter()
        model.predict_proba(X_test)
        predict = time.perf_counter() - start
        label = f"threads={threads or 'default'}"
        print(
            f"fine-tune 1 epoch      {fit:7.2f} s  {len(X) / fit:8.1f} examples/s  ({label}, {len(X)} pairs)"
        )
        print(f"predict test           {predict:7.2f} s  {len(X_test) / predict:8.1f} examples/s  ({label})")


if __name__ == "__main__":
    main()
