"""Leaderboards read from MLflow: find runs, rank configurations, test differences, render.

Only what tracking wrote is read (tags, metrics, the predictions artifact), so a leaderboard
works on runs logged on any machine, to a local sqlite file or a shared tracking server.
"""

from marsad.leaderboard.runs import LeaderboardError, RunRecord, find_runs
from marsad.leaderboard.table import Leaderboard, build_leaderboard, build_leaderboards, sections

__all__ = [
    "Leaderboard",
    "build_leaderboards",
    "LeaderboardError",
    "RunRecord",
    "build_leaderboard",
    "find_runs",
    "sections",
]
