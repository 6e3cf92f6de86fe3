"""Find RUNNING runs whose process is gone (killed, crashed, machine lost) and mark them KILLED.

A run's owner is known from the tags written at its creation (`marsad.host`, `marsad.pid`):
on this host the pid is checked directly; on another host (or without those tags) the run is
gone when its last heartbeat (`marsad.heartbeat`, else its start time) is older than `stale`.
Nothing but RUNNING runs judged gone is touched.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass

from marsad.tracking.heartbeat import HEARTBEAT_TAG, HOST_TAG, PID_TAG

DEFAULT_STALE_SECONDS = 600.0


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def last_sign_of_life(run) -> float:
    """Unix seconds of the run's last heartbeat, else of its start."""
    beat = run.data.tags.get(HEARTBEAT_TAG)
    return float(beat) if beat else run.info.start_time / 1000


def why_gone(run, stale_seconds: float = DEFAULT_STALE_SECONDS, now: float | None = None) -> str | None:
    """Why the process that owns this RUNNING run is gone, or None while it may be alive."""
    tags = run.data.tags
    pid = tags.get(PID_TAG)
    if tags.get(HOST_TAG) == socket.gethostname() and pid and pid.isdigit():
        return None if pid_alive(int(pid)) else f"pid {pid} on {tags[HOST_TAG]} is gone"
    age = (time.time() if now is None else now) - last_sign_of_life(run)
    if age <= stale_seconds:
        return None
    where = f"on {tags[HOST_TAG]}" if HOST_TAG in tags else "owner unknown"
    return f"no heartbeat for {age / 60:.0f} min ({where})"


def is_gone(run, stale_seconds: float = DEFAULT_STALE_SECONDS) -> bool:
    return why_gone(run, stale_seconds) is not None


@dataclass
class Reconciled:
    run_id: str
    run_name: str
    experiment: str
    reason: str


def reconcile(
    client,
    running: list,
    names: dict[str, str],
    stale_seconds: float = DEFAULT_STALE_SECONDS,
    dry_run: bool = False,
) -> list[Reconciled]:
    """Mark KILLED each of the `running` runs whose owner is gone (`names`: experiment id -> name).
    Returns what was (or, with `dry_run`, would be) changed."""
    changed = []
    now = time.time()
    for run in running:
        reason = why_gone(run, stale_seconds, now)
        if reason is None:
            continue
        info = run.info
        experiment = names.get(info.experiment_id, "")
        changed.append(Reconciled(info.run_id, info.run_name or "", experiment, reason))
        if not dry_run:
            client.set_tag(info.run_id, "marsad.killed_by", f"marsad runs reconcile: {reason}")
            client.set_terminated(info.run_id, status="KILLED")
    return changed
