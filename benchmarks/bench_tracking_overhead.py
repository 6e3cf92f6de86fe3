"""What Marsad's tracking costs on top of the bare scikit-learn work (ANS stance, tfidf_svm).

Prints, side by side in one run:
  1. a bare script: load ANS, fit the same TF-IDF + LinearSVC pair model, predict dev and test;
  2. one `marsad-run` of the same model with full logging (a new process: start-up included);
  3. a 12-job `marsad-run --multirun` (tfidf_svm x 12 seeds): its wall time, the one-off
     start-up (imports, database creation) and the marginal per-run cost inside the sweep,
     read from the job timings in the sweep's log.
Run: .venv/bin/python benchmarks/bench_tracking_overhead.py   (needs ../shared/data/ans)
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
BARE = """
import time, pandas as pd
t0 = time.perf_counter()
from marsad.data.paths import resolve_data_root
from marsad.models import TextClassifier, WordCharTfidf
from marsad.text.normalize import ArabicNormalizer
from sklearn.svm import LinearSVC
t_import = time.perf_counter()
root = resolve_data_root() / "ans" / "stance"
frames = {s: pd.read_csv(root / f"{s}.csv") for s in ("train", "dev", "test")}
X = {s: f[["s1", "s2"]].rename(columns={"s1": "claim", "s2": "text"}) for s, f in frames.items()}
model = TextClassifier(LinearSVC(C=0.5, class_weight="balanced", random_state=0), WordCharTfidf(),
                       normalizer=ArabicNormalizer())
model.fit(X["train"], frames["train"]["stance"])
for s in ("dev", "test"):
    model.predict(X[s])
print(f"WORK {time.perf_counter() - t_import:.3f} IMPORT {t_import - t0:.3f}")
"""


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout + out.stderr


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        bare_wall, out = timed([sys.executable, "-c", BARE], cwd)
        bare_work = float(re.search(r"WORK ([\d.]+)", out).group(1))

        single_wall, single_log = timed([str(BIN / "marsad-run"), "model=tfidf_svm"], cwd)
        stages = dict(re.findall(r"\] - (load|fit|evaluate|log)\s.*\(([\d.]+) s\)", single_log))

        seeds = ",".join(str(s) for s in range(12))
        sweep_wall, sweep_log = timed(
            [str(BIN / "marsad-run"), "--multirun", "model=tfidf_svm", f"seed={seeds}"], cwd
        )
        stamps = [float(h) * 3600 + float(m) * 60 + float(s) for h, m, s in
                  re.findall(r"\[\d{4}-\d\d-\d\d (\d\d):(\d\d):(\d\d[.,]\d+)\]\[marsad\]\[INFO\] - log ", sweep_log.replace(",", "."))]  # fmt: skip
        per_run = (stamps[-1] - stamps[0]) / (len(stamps) - 1)  # job-to-job: marginal cost of one run
        log_times = [float(x) for x in re.findall(r"\] - log\s.*\(([\d.]+) s\)", sweep_log)]

    print("ANS stance, tfidf_svm (pair features), 2-core machine")
    print(f"  bare script: wall {bare_wall:6.2f} s   work (load+fit+predict) {bare_work:6.2f} s")
    print(
        f"  marsad-run : wall {single_wall:6.2f} s   stages "
        + ", ".join(f"{k} {v} s" for k, v in stages.items())
    )
    print(f"  12-job multirun: wall {sweep_wall:6.2f} s")
    print(
        f"    marginal per run inside the sweep: {per_run:6.2f} s  = {per_run / bare_work:4.2f} x bare work"
    )
    print(f"    logging per run (log stage, median): {sorted(log_times)[len(log_times) // 2]:.2f} s")
    print(f"    one-off start-up (sweep wall - 12 x per run): {sweep_wall - 12 * per_run:6.2f} s")


if __name__ == "__main__":
    main()
