"""A sweep says where it is: each finished job counts itself and prints its place and time left."""

from __future__ import annotations

import json

from marsad.tracking.progress import duration, job_finished, progress_line


def test_durations_read_as_people_say_them():
    assert [duration(s) for s in (4.4, 59.6, 65, 3599, 3660, 7322)] == [
        "4 s", "1 min 00 s", "1 min 05 s", "59 min 59 s", "1 h 01 min", "2 h 02 min"
    ]  # fmt: skip


def test_time_left_scales_elapsed_time_by_the_jobs_left():
    assert progress_line(1, 4, 30, "done") == "sweep     job 1/4 done · 30 s elapsed · about 1 min 30 s left"
    assert progress_line(4, 4, 120, "failed") == "sweep     job 4/4 failed · 2 min 00 s elapsed"


def test_jobs_in_other_processes_share_one_count_in_the_sweep_folder(tmp_path):
    (tmp_path / "sweep.json").write_text(json.dumps({"sweep_id": "s", "parent_run_id": "p", "jobs": 3,
                                                     "started": 1000.0}))  # fmt: skip
    lines = [job_finished(tmp_path, job, "done", now=1000.0 + 10 * (i + 1)) for i, job in enumerate("201")]
    assert lines == [
        "sweep     job 1/3 done · 10 s elapsed · about 20 s left",
        "sweep     job 2/3 done · 20 s elapsed · about 10 s left",
        "sweep     job 3/3 done · 30 s elapsed",
    ]


def test_without_the_sweep_folder_nothing_is_said(tmp_path):
    assert job_finished(tmp_path / "elsewhere", "0", "done") is None
