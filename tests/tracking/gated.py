"""A classifier whose `fit` waits at a gate, so a drill can act on a job while it is mid-fit
(kill it, stop its server) without guessing at sleeps.

`fit` writes `<gate>.fitting` (holding its pid) on entry, then waits until the file `<gate>`
exists; once the drill opens the gate, it fits as the majority baseline. The gate's path is a
constructor argument, so a resumed job has the same config (and config id) as the first one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

WAIT_LIMIT_SECONDS = 600


class GatedClassifier(ClassifierMixin, BaseEstimator):
    def __init__(self, gate: str = "") -> None:
        self.gate = gate

    def fit(self, X, y):
        Path(f"{self.gate}.fitting").write_text(str(os.getpid()))
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        while not Path(self.gate).exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"gate {self.gate} never opened")
            time.sleep(0.1)
        self.model_ = DummyClassifier(strategy="most_frequent").fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


def gated_model_config(conf_dir: Path, gate: Path) -> None:
    """Write `model=gated` into the drill's extra config dir."""
    (conf_dir / "model").mkdir(exist_ok=True)
    (conf_dir / "model" / "gated.yaml").write_text(
        "name: gated\n"
        "estimator:\n"
        "  _target_: marsad.models.TextClassifier\n"
        "  features: null\n"
        "  classifier:\n"
        "    _target_: tests.tracking.gated.GatedClassifier\n"
        f"    gate: {gate}\n"
    )


def wait_for(condition, what: str, timeout: float = 180.0, every: float = 0.2):
    """Poll `condition()` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
