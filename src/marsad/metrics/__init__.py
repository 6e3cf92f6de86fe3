"""Metrics: local `evaluate` modules (nothing is fetched from the Hub) and the task scorer."""

from marsad.metrics.scoring import score_predictions

__all__ = ["score_predictions"]
