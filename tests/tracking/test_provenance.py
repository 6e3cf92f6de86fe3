"""Where a run came from, as its tags say: the checkout's real commit, never a made-up one."""

from __future__ import annotations

import subprocess

from marsad.data.paths import checkout_root
from marsad.tracking.provenance import git_commit


def test_git_commit_is_the_checkouts_head_marked_dirty_when_tracked_files_changed():
    root = checkout_root()
    assert root is not None and (root / "src" / "marsad").is_dir()  # the tests run from the checkout
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True
    )
    expected = head.stdout.strip() + ("-dirty" if status.stdout.strip() else "")
    git_commit.cache_clear()
    assert git_commit() == expected and len(head.stdout.strip()) == 40
