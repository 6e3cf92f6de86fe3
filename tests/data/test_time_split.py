"""The time split: train and dev before a cut date, test from it (ANT: Feb-Jun 2018 / Jul-Oct 2018)."""

from __future__ import annotations

import pandas as pd
import pytest

from marsad.config_check import load_dataset_config
from marsad.data.cards import describe_split
from marsad.data.readers import read_table
from marsad.data.splits import assign_splits, split_tags
from marsad.errors import ConfigError, DatasetError
from marsad.tasks import Task

TOPIC = Task("topic", ["text"], "single", ["accuracy"], "macro_f1")
SPEC = {"policy": "time", "time": {"column": "time", "cut": "2018-07-01", "dev_fraction": 0.25}, "seed": 0}


def dated_rows(n_before: int = 40, n_after: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A canonical frame and its raw source: RFC 2822 dates in June, then in July 2018, two labels.
    Offsets vary the way ANT's outlets do ('GMT', '+0400')."""
    dates = [f"Fri, {1 + i % 28:02d} Jun 2018 12:00:00 GMT" for i in range(n_before)]
    dates += [f"Mon, {2 + i % 28:02d} Jul 2018 09:30:00 +0400" for i in range(n_after)]
    labels = ["sport", "economy"] * ((n_before + n_after) // 2)
    frame = pd.DataFrame({"_row": range(n_before + n_after), "_file": "ant/articles.jsonl", "label": labels})
    frame.index = frame.index * 3  # dedup leaves gaps in the index; the split must not care
    raw = pd.DataFrame({"time": dates}, index=frame.index)
    return frame, raw


def split(frame: pd.DataFrame, raw: pd.DataFrame, spec: dict = SPEC) -> pd.Series:
    return assign_splits("ant_like", frame, raw, spec, folder=None)


def test_rows_before_the_cut_train_and_dev_rows_from_it_test():
    frame, raw = dated_rows()
    splits = split(frame, raw)
    assert splits.index.equals(frame.index)
    assert (splits.iloc[:40] != "test").all() and (splits.iloc[40:] == "test").all()
    dev = splits.iloc[:40] == "dev"
    assert dev.sum() == 10  # dev_fraction 0.25 of the earlier rows only
    assert frame.loc[dev[dev].index, "label"].value_counts().to_dict() == {"sport": 5, "economy": 5}


def test_the_split_is_the_same_for_a_seed_and_moves_with_it():
    frame, raw = dated_rows()
    assert split(frame, raw).equals(split(frame, raw))
    other = split(frame, raw, {**SPEC, "seed": 1})
    assert not other.equals(split(frame, raw))
    assert (other.iloc[40:] == "test").all()  # the seed moves dev, never test


def test_dates_are_compared_in_utc():
    """1 July 02:00 at +0400 is 30 June 22:00 UTC: before a cut of 2018-07-01."""
    frame, raw = dated_rows(n_before=10, n_after=10)
    raw.iloc[0, 0] = "Sun, 01 Jul 2018 02:00:00 +0400"
    raw.iloc[1, 0] = "Sun, 01 Jul 2018 00:00:00 GMT"
    splits = split(frame, raw)
    assert splits.iloc[0] != "test" and splits.iloc[1] == "test"


def test_an_unreadable_date_names_the_value_column_and_row():
    frame, raw = dated_rows()
    raw.iloc[7, 0] = "yesterday evening"
    with pytest.raises(DatasetError) as err:
        split(frame, raw)
    message = str(err.value)
    assert message.startswith("ant/articles.jsonl, row 7, field 'time': 'yesterday evening' is not a date")
    assert "1 row(s) like it" in message


def test_a_missing_date_is_refused_too():
    frame, raw = dated_rows()
    raw.iloc[3, 0] = None
    with pytest.raises(DatasetError, match="row 3, field 'time': no value is not a date"):
        split(frame, raw)


def test_a_cut_that_leaves_a_side_empty_names_the_cut_and_the_date_range():
    frame, raw = dated_rows()
    late = {**SPEC, "time": {**SPEC["time"], "cut": "2019-01-01"}}
    with pytest.raises(ConfigError) as err:
        split(frame, raw, late)
    assert str(err.value) == (
        "split.time.cut '2019-01-01' leaves test (on or after it) empty; the dates run from "
        "2018-06-01 12:00 to 2018-07-21 05:30 UTC: choose a cut inside"
    )
    early = {**SPEC, "time": {**SPEC["time"], "cut": "2018-01-01"}}
    with pytest.raises(ConfigError, match=r"'2018-01-01' leaves train/dev \(before it\) empty"):
        split(frame, raw, early)
    with pytest.raises(ConfigError, match="split.time.cut 'July' is not an ISO 8601 date"):
        split(frame, raw, {**SPEC, "time": {**SPEC["time"], "cut": "July"}})


def test_a_missing_date_column_names_the_column():
    frame, raw = dated_rows()
    with pytest.raises(DatasetError, match="column 'published' .*split.time.column"):
        split(frame, raw, {**SPEC, "time": {**SPEC["time"], "column": "published"}})


def test_unknown_policy_lists_time_and_tags_and_card_name_the_cut():
    frame, raw = dated_rows()
    with pytest.raises(ConfigError, match="expected 'stratified', 'folds', 'held_out' or 'time'"):
        split(frame, raw, {"policy": "by_date"})
    assert split_tags(SPEC) == {"time_cut": "2018-07-01"}
    assert describe_split({"split": SPEC}) == (
        "time split on `time`: before 2018-07-01 train/dev (25% of them dev, stratified, seed 0), from it test"
    )


@pytest.mark.slow  # loads and deduplicates the corpus (~10-40 s)
def test_ant_topic_time_tests_on_later_news(real_data_root):
    data = load_dataset_config("ant_topic_time", str(real_data_root)).load(TOPIC)
    assert data.tags == {"time_cut": "2018-07-01"}
    sizes = data.sizes()
    assert sizes["test"] / sum(sizes.values()) >= 0.15
    raw = read_table(real_data_root / "ant" / "articles.jsonl.gz").set_index("id")["time"]
    dates = {s: pd.to_datetime(raw.loc[f["id"]], utc=True, format="mixed") for s, f in data.frames.items()}
    assert max(dates["train"].max(), dates["dev"].max()) < dates["test"].min()
    assert dates["test"].min() >= pd.Timestamp("2018-07-01", tz="UTC")
    assert set(data.frames["test"]["label"]) == set(data.label_names)
