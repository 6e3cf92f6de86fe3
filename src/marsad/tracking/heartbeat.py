"""Signs of life on a RUNNING run, so `marsad runs reconcile` can tell a live run from a dead one.

At creation a run is tagged with the host and pid of the process that owns it (checked directly
on the same host). A daemon thread refreshes `marsad.heartbeat` (Unix seconds) every
`interval` seconds; on another host a heartbeat older than `--stale` means the process is gone.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from marsad.errors import TrackingError

log = logging.getLogger(__name__)
HOST_TAG, PID_TAG, HEARTBEAT_TAG = "marsad.host", "marsad.pid", "marsad.heartbeat"
DEFAULT_INTERVAL_SECONDS = 60.0


def owner_tags() -> dict[str, str]:
    """Who owns a run being created now: this host, this process, alive at this second."""
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid()), HEARTBEAT_TAG: str(int(time.time()))}


class Heartbeat:
    """Refresh the heartbeat tag of `run_id` every `interval` seconds until `stop()`.

    A failed beat (store briefly away) is logged and retried at the next beat: the run's own
    calls report a store that stays away.
    """

    def __init__(self, client, run_id: str, interval: float = DEFAULT_INTERVAL_SECONDS) -> None:
        self.client, self.run_id, self.interval = client, run_id, interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id[:8]}", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        from mlflow.exceptions import MlflowException

        while not self._stopped.wait(self.interval):
            try:
                self.client.set_tag(self.run_id, HEARTBEAT_TAG, str(int(time.time())))
            except (TrackingError, MlflowException) as err:
                log.warning("heartbeat of run %s not written: %s", self.run_id, err)
