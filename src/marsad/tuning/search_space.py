"""A model's search space: the `search:` block of its YAML, parsed and checked against the model.

```yaml
search:
  estimator.classifier.C: {type: float, low: 0.01, high: 10, log: true}
  estimator.features.word_ngram_range: {type: categorical, choices: [[1, 1], [1, 2]]}
```

Each key is a path inside the model node (as `model.<path>=...` would override it); each value
says the kind (float, int, categorical) and the range. Everything is checked before a study
starts, so a misspelt path or an empty range is one ConfigError naming the model file and key,
not a failure at trial 1 or a study that silently searches nothing. The block only describes
what may vary: it is not passed to the estimator and is not part of a run's config id.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from omegaconf import DictConfig, ListConfig, OmegaConf

from marsad.errors import ConfigError

KINDS = ("float", "int", "categorical")
KEYS = {
    "float": {"type", "low", "high", "log", "step"},
    "int": {"type", "low", "high", "log", "step"},
    "categorical": {"type", "choices"},
}
SIGNIFICANT_DIGITS = 4  # floats are rounded so overrides and board rows stay readable
OUTSIDE = object()  # a configured value outside the search space


@dataclass(frozen=True)
class Param:
    """One searched parameter: `path` inside the model node, its kind and range."""

    path: str
    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: tuple = ()

    @property
    def _encoded(self) -> bool:
        """Optuna stores only scalar choices: lists and mappings travel as JSON text."""
        return any(isinstance(c, list | dict) for c in self.choices)

    def suggest(self, trial) -> Any:
        """The value this Optuna trial tries."""
        if self.kind == "categorical":
            options = [json.dumps(c) for c in self.choices] if self._encoded else list(self.choices)
            picked = trial.suggest_categorical(self.path, options)
            return json.loads(picked) if self._encoded else picked
        if self.kind == "int":
            return trial.suggest_int(
                self.path, int(self.low), int(self.high), step=int(self.step or 1), log=self.log
            )
        value = trial.suggest_float(self.path, self.low, self.high, step=self.step, log=self.log)
        if self.step is None:
            value = min(max(float(f"{value:.{SIGNIFICANT_DIGITS}g}"), self.low), self.high)
        return value

    def optuna_value(self, value: Any) -> Any:
        """`value` as Optuna records it (to enqueue a trial), or OUTSIDE if it is not in the space."""
        if self.kind == "categorical":
            return (json.dumps(value) if self._encoded else value) if value in self.choices else OUTSIDE
        if isinstance(value, bool) or not isinstance(value, int | float):
            return OUTSIDE
        return value if self.low <= value <= self.high else OUTSIDE

    def describe(self) -> str:
        """The range in a few words, for the model catalogue and the study's first line."""
        if self.kind == "categorical":
            return "one of " + ", ".join(json.dumps(c) for c in self.choices)
        scale = ", log scale" if self.log else (f", step {_text(self.step)}" if self.step else "")
        return f"{self.kind} {_text(self.low)} to {_text(self.high)}{scale}"


@dataclass(frozen=True)
class SearchSpace:
    params: tuple[Param, ...]
    where: str  # the model file, for messages

    def __bool__(self) -> bool:
        return bool(self.params)

    def suggest(self, trial) -> dict[str, Any]:
        return {p.path: p.suggest(trial) for p in self.params}

    def defaults(self, model: DictConfig) -> dict[str, Any] | None:
        """The model's configured values as Optuna params (the study's first trial), or None
        when one lies outside its range (then the study starts from sampled values only)."""
        found = {}
        for p in self.params:
            configured = _at(model, p.path)
            if isinstance(configured, DictConfig | ListConfig):
                configured = OmegaConf.to_container(configured, resolve=False)
            value = p.optuna_value(configured)
            if value is OUTSIDE:
                return None
            found[p.path] = value
        return found

    def as_json(self) -> str:
        """The space as stable text: a resumed study must search the same one."""
        return json.dumps(
            [[p.path, p.kind, p.low, p.high, p.log, p.step, list(p.choices)] for p in self.params]
        )


def overrides(values: dict[str, Any]) -> list[str]:
    """`model.<path>=<value>` overrides in Hydra's syntax, so the values compose as they would
    on the `marsad-run` command line."""
    return [f"model.{path}={hydra_value(value)}" for path, value in values.items()]


def hydra_value(value: Any) -> str:
    """A value as Hydra's override grammar reads it back: null, true, 0.3, 'text', [1,2], {a:1}."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ",".join(hydra_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{hydra_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as a Hydra override")


def parse_search(model: DictConfig, where: str) -> SearchSpace:
    """The model's `search:` block as a SearchSpace (empty when it has none), or a ConfigError
    naming `where` (the model file) and the key at fault."""
    block = model.get("search")
    if block is None:
        return SearchSpace((), where)
    if not isinstance(block, DictConfig):
        raise ConfigError(
            f"{where}: `search` must map parameter paths to ranges, e.g. "
            "estimator.classifier.C: {type: float, low: 0.01, high: 10, log: true}"
        )
    params = []
    for path, spec in block.items():
        key = f"{where}: search.{path}"
        if _at(model, str(path)) is _MISSING or str(path).split(".")[0] in ("search", "name", "description"):
            raise ConfigError(
                f"{key}: model '{model.get('name')}' has no parameter '{path}'; "
                f"{_known_near(model, str(path))}"
            )
        params.append(_param(str(path), spec, key))
    return SearchSpace(tuple(params), where)


def _param(path: str, spec: Any, key: str) -> Param:
    if not isinstance(spec, DictConfig):
        raise ConfigError(f"{key}: give a mapping such as {{type: float, low: 0.01, high: 10, log: true}}")
    spec = OmegaConf.to_container(spec, resolve=True)
    kind = spec.get("type")
    if kind not in KINDS:
        raise ConfigError(f"{key}: unknown type {kind!r}; choose from {list(KINDS)}")
    unknown = sorted(set(spec) - KEYS[kind])
    if unknown:
        raise ConfigError(f"{key}: unknown keys {unknown} for type {kind}; allowed: {sorted(KEYS[kind])}")
    if kind == "categorical":
        choices = spec.get("choices")
        if not isinstance(choices, list) or not choices:
            raise ConfigError(f"{key}: `choices` must be a non-empty list")
        return Param(path, kind, choices=tuple(choices))
    low, high, log, step = spec.get("low"), spec.get("high"), bool(spec.get("log", False)), spec.get("step")
    number = int if kind == "int" else (int, float)
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, number):
            raise ConfigError(
                f"{key}: `{name}` must be a{'n int' if kind == 'int' else ' number'}, got {value!r}"
            )
    if not low < high:
        raise ConfigError(f"{key}: empty range: low ({_text(low)}) must be below high ({_text(high)})")
    if log and low <= 0:
        raise ConfigError(f"{key}: a log scale needs low > 0, got {_text(low)}")
    if step is not None and (log or isinstance(step, bool) or not isinstance(step, number) or step <= 0):
        raise ConfigError(f"{key}: `step` must be a positive {kind} and cannot go with log: true")
    return Param(path, kind, low=low, high=high, log=log, step=step)


_MISSING = object()


def _at(node: Any, path: str) -> Any:
    """The value at a dotted path of an unresolved config (list items by index), or _MISSING."""
    for part in path.split("."):
        if isinstance(node, DictConfig) and part in node:
            node = node._get_node(part)._value() if OmegaConf.is_interpolation(node, part) else node[part]
        elif isinstance(node, ListConfig) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _known_near(model: DictConfig, path: str) -> str:
    """What the model does have where the path went wrong, to fix the spelling."""
    parts = path.split(".")
    for depth in range(len(parts) - 1, -1, -1):
        parent = _at(model, ".".join(parts[:depth])) if depth else model
        if isinstance(parent, DictConfig):
            where = ".".join(parts[:depth]) or "the model"
            keys = sorted(k for k in parent if k not in ("search", "_target_"))
            return f"{where} has: {', '.join(map(str, keys))}"
    return "check the path against the model's YAML"


def model_file(name: str, config_dir: str | None = None) -> str:
    """Where model `name` is configured, as a person would open it: the user's folder first (as
    `--config-dir` searches it), else the package's conf/model/ (relative to the checkout)."""
    from pathlib import Path

    from marsad.config_compose import CONF_DIR
    from marsad.data.paths import checkout_root

    if config_dir is not None and (Path(config_dir) / "model" / f"{name}.yaml").is_file():
        return str(Path(config_dir) / "model" / f"{name}.yaml")
    path = CONF_DIR / "model" / f"{name}.yaml"
    root = checkout_root()
    return str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)


def _text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) and math.isfinite(value) else str(value)
