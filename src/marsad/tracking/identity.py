"""What a run is, as its tags say it: the leaderboard row it belongs to (`config_id`) and how its
model departs from the configured option (`model_changes`). Written by `marsad-run`, read by the
leaderboard through the tags alone."""

from __future__ import annotations

import json

from omegaconf import DictConfig

from marsad.config_check import compose_option

# Model keys that say something about the model, not how it is configured: rewording the
# description, marking a model seed-free or editing its search space (`search:`, what `marsad
# tune` may vary) changes neither its config id nor its changes.
# `option` names the shipped option a renamed model was made from (`marsad bench run
# --checkpoint`: hf_finetune named after the checkpoint): its changes are counted against it.
ABOUT_THE_MODEL = ("description", "seeded", "search", "option")
# Set by `marsad tune` (`trial`, `tuned`): part of the config id, so a tuned configuration is
# never the default's row even where the best values are the defaults, and a tuning trial never
# counts as a finished run of a job; left out of the changes (the board's tuning column says it).
TUNING_KEY = "tuning"


def _model_settings(node) -> dict:
    """A model config as a plain dict, unresolved, without ABOUT_THE_MODEL keys."""
    from omegaconf import OmegaConf

    settings = OmegaConf.to_container(node, resolve=False)
    return {key: value for key, value in settings.items() if key not in ABOUT_THE_MODEL}


def config_id(cfg: DictConfig) -> str:
    """What a leaderboard row stands for: model and preprocessing, before the seed is filled in.

    Hashing the unresolved config keeps `${seed}` a literal, so seeds of one config share the id.
    The model's `description` and `seeded` are left out.
    A model that pins its own normaliser ignores the preprocess group, so the group is left out.
    """
    import hashlib

    from omegaconf import OmegaConf

    parts = [_model_settings(cfg.model)]
    if "normalizer" not in cfg.model.estimator:
        parts.append(OmegaConf.to_container(cfg.preprocess, resolve=False))
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:10]
    return f"{cfg.model.name}-{digest}"


def _flat(node, prefix: str = "") -> dict[str, str]:
    """Dotted key -> value as an override would write it: lists whole (`[1,3]`), None as null."""
    if isinstance(node, dict):
        return {k: v for key, value in node.items() for k, v in _flat(value, f"{prefix}{key}.").items()}
    if isinstance(node, list) or node is None:
        return {prefix[:-1]: json.dumps(node, separators=(",", ":"), ensure_ascii=False, default=str)}
    return {prefix[:-1]: str(node)}


def model_changes(cfg: DictConfig) -> str:
    """How the run's model config departs from its option as configured, as `key=value` pairs
    (e.g. `classifier.C=0.03`), so a leaderboard row of an override is told from the config's."""
    option = cfg.model.get("option") or cfg.model.name
    configured = compose_option("model", option)  # the user's --config-dir too
    if configured is None:
        return ""
    renamed = {"name"} if option != cfg.model.name else set()
    ours = {k: v for k, v in _model_settings(cfg.model).items() if k not in {TUNING_KEY, *renamed}}
    base = {k: v for k, v in _model_settings(configured).items() if k not in renamed}
    base, ours = _flat(base), _flat(ours)
    changed = [
        f"{key.removeprefix('estimator.')}={ours.get(key, 'null')}"
        for key in sorted(base.keys() | ours.keys())
        if ours.get(key) != base.get(key)
    ]
    return " ".join(changed)
