"""Where a sweep is: one line per finished job with its place, the total and the time left.

Jobs run in other processes (or on other machines), so they count themselves in a file in the
sweep folder (`jobs_done.txt`, one short append per job: atomic on a local or shared file
system). The estimate is wall-clock: time since the sweep started × jobs left / jobs done, so
it already accounts for how many workers run at once. Without the sweep folder (jobs on
machines that do not share it) nothing is printed.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

log = logging.getLogger("marsad")
DONE_FILE = "jobs_done.txt"


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def progress_line(done: int, total: int, elapsed: float, outcome: str) -> str:
    line = f"sweep     job {done}/{total} {outcome} · {duration(elapsed)} elapsed"
    if 0 < done < total:
        line += f" · about {duration(elapsed / done * (total - done))} left"
    return line


def job_finished(sweep_dir: str | Path, job: str, outcome: str, now: float | None = None) -> str | None:
    """Count this job as done and log (and return) the sweep's progress line."""
    from marsad.tracking.sweep import read_sweep

    try:
        sweep = read_sweep(sweep_dir)
        if not sweep or "started" not in sweep:
            return None
        with open(Path(sweep_dir) / DONE_FILE, "a", encoding="utf-8") as f:
            f.write(f"{job} {outcome}\n")
        done = len((Path(sweep_dir) / DONE_FILE).read_text(encoding="utf-8").splitlines())
    except OSError:  # progress is a courtesy: never fail a job over it
        return None
    elapsed = (time.time() if now is None else now) - float(sweep["started"])
    line = progress_line(min(done, int(sweep["jobs"])), int(sweep["jobs"]), elapsed, outcome)
    log.info("%s", line)
    return line
