"""Hyperparameter tuning on dev: an Optuna study over the `search:` block of a model's YAML,
each trial an MLflow run nested under the study's parent run, the best configuration refitted
and scored on dev and test once (`marsad tune`, or `tune()` from other code).

- `search_space`: the `search:` block, parsed and checked against the model;
- `trials`: one trial as a Marsad run on dev only (in this process or a worker process);
- `study`: the study's storage, parent run, resume, and the refit of the best trial.
"""

from marsad.tuning.search_space import SearchSpace, parse_search
from marsad.tuning.study import TuneResult, tune

__all__ = ["SearchSpace", "TuneResult", "parse_search", "tune"]
