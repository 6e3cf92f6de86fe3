"""Compose config options (a dataset, a task, a model) as `marsad-run` would see them.

Kept apart from `config_check`, which builds a run's objects and so imports `marsad.data`:
the data layer (dataset cards) needs composition too, and importing it from here keeps the
import graph free of a data <-> config_check circle.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path

from omegaconf import DictConfig

from marsad.errors import ConfigError

CONF_PACKAGE = "marsad.conf"  # the checkout's conf/, mapped into the package (pyproject.toml)
CONF_DIR = Path(str(files(CONF_PACKAGE)))


def _app_config_loader():
    """Hydra's config loader inside `marsad-run` or `user_config_dir` (its search path holds
    --config-dir and hydra.searchpath), else None."""
    from hydra.core.global_hydra import GlobalHydra

    hydra = GlobalHydra.instance()
    return hydra.config_loader() if hydra.is_initialized() else None


def choices(group: str) -> list[str]:
    """The option names of a config group, e.g. choices('model'): inside `marsad-run` or
    `user_config_dir` those of its search path (the user's config folders too), else the package's."""
    loader = _app_config_loader()
    if loader is not None:
        return sorted(loader.get_group_options(group))
    return sorted(p.stem for p in (CONF_DIR / group).glob("*.yaml"))


@cache
def _packaged_option(group: str, name: str) -> DictConfig | None:
    from hydra import initialize_config_module

    with initialize_config_module(config_module=CONF_PACKAGE, version_base="1.3"):
        return _compose_option(group, name)


def _compose_option(group: str, name: str) -> DictConfig | None:
    from hydra import compose
    from hydra.errors import MissingConfigException

    try:
        return compose(config_name=None, overrides=[f"+{group}={name}"])[group]
    except MissingConfigException:
        return None


def compose_option(group: str, name: str) -> DictConfig | None:
    """Option `name` of `group` as Hydra composes it (its defaults list applied), or None when
    the search path has no such option. Inside `marsad-run` the app's search path is used."""
    if _app_config_loader() is not None:
        return _compose_option(group, name)
    option = _packaged_option(group, name)
    return copy.deepcopy(option)  # the cached one stays as composed


def dataset_spec(name: str) -> DictConfig:
    """The config of dataset `name` (conf/dataset/<name>.yaml or the user's), card and tasks included."""
    spec = compose_option("dataset", name)
    if spec is None:
        raise ConfigError(f"unknown dataset '{name}'; choose from {choices('dataset')}")
    return spec


@contextmanager
def user_config_dir(config_dir: str | Path | None) -> Iterator[None]:
    """Inside, `choices` and `compose_option` search `config_dir` before the package's configs,
    as `marsad-run --config-dir DIR` does, so a command sees the datasets a run can train on.
    None: the package's configs only."""
    if config_dir is None:
        yield
        return
    # Hydra's public initialize_* take one folder; its --config-dir handling (hydra/_internal/
    # utils.py) builds the search path like this. initialize_config_module restores on exit
    # whatever Hydra state there was before.
    from hydra import initialize_config_module
    from hydra._internal.hydra import Hydra
    from hydra._internal.utils import create_automatic_config_search_path
    from hydra.core.config_search_path import SearchPathQuery
    from hydra.core.global_hydra import GlobalHydra

    folder = Path(config_dir).resolve()
    if not folder.is_dir():
        raise ConfigError(
            f"--config-dir {config_dir}: no such folder; give the folder holding dataset/, model/ ..."
        )
    with initialize_config_module(config_module=CONF_PACKAGE, version_base="1.3"):
        search_path = create_automatic_config_search_path(None, None, f"pkg://{CONF_PACKAGE}")
        search_path.prepend("command-line", f"file://{folder}", anchor=SearchPathQuery(provider="schema"))
        GlobalHydra.instance().clear()
        Hydra.create_main_hydra2(task_name="app", config_search_path=search_path)
        yield


@contextmanager
def compose_session(config_dir: str | Path | None = None) -> Iterator[None]:
    """A Hydra session composing as `marsad-run [--config-dir DIR]` would: the package's configs,
    the user's first. Any session already open is cleared first (e.g. a test that composed)."""
    from hydra import initialize_config_module
    from hydra.core.global_hydra import GlobalHydra

    from marsad.config_schema import register

    register()
    if GlobalHydra.instance().is_initialized():
        GlobalHydra.instance().clear()
    if config_dir is not None:
        with user_config_dir(config_dir):
            yield
        return
    with initialize_config_module(config_module=CONF_PACKAGE, version_base="1.3"):
        yield
