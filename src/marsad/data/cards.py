"""Dataset cards: what each dataset is, read from the `card:` and `tasks:` blocks of its config.

`marsad data list` and the generated `docs/datasets.md` both render these cards, so a dataset
is described in exactly one place (its YAML file) and the catalogue cannot drift from it.
Label sets and splits come from the `tasks:` block that loading uses, not from prose; the main
score of each task is that task's primary metric (conf/task/), not a field to keep in step.
The `card:` block is typed: an unknown key (a misspelt `licence`) or a wrong type is refused
when the dataset is built, naming the dataset, the key and what is expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from marsad.data.paths import checkout_root
from marsad.errors import ConfigError

DOCS_PATH = (checkout_root() or Path(".")) / "docs" / "datasets.md"  # installed: ./docs
DOCS_COMMAND = "marsad data docs"


@dataclass
class DatasetCard:
    """The metadata a user needs before training on a dataset."""

    name: str
    source: str = ""
    url: str = ""
    licence: str = ""
    citation: str = ""
    language: str = ""
    main_score: str = ""
    silver: bool = False
    notes: str = ""
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


# The keys a `card:` block may hold, with their types.
CARD_FIELDS: dict[str, type] = {
    "source": str, "url": str, "licence": str, "citation": str, "language": str, "silver": bool,
    "notes": str, "files": dict,
    "silver_reference": dict,  # {dataset, task, split} the silver labels are checked against
}  # fmt: skip


def check_card(dataset: str, card: dict[str, Any]) -> None:
    """Refuse a `card:` key that is not a card field, or a value of the wrong type."""
    from difflib import get_close_matches

    for key, value in card.items():
        if key not in CARD_FIELDS:
            close = get_close_matches(key, list(CARD_FIELDS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(
                f"dataset '{dataset}': card.{key} is not a card field{hint}; fields: {', '.join(CARD_FIELDS)}"
            )
        expected = CARD_FIELDS[key]
        if value is not None and not isinstance(value, expected):
            got = f"{type(value).__name__} {value!r}"
            raise ConfigError(f"dataset '{dataset}': card.{key} must be {expected.__name__}, got {got}")


def main_score(tasks: list[str]) -> str:
    """Each task's primary metric, e.g. 'macro_f1 (topic, stance), micro_f1 (actor)'."""
    from marsad.config_compose import compose_option

    by_metric: dict[str, list[str]] = {}
    for task in tasks:
        option = compose_option("task", task)
        metric = str(option.primary_metric) if option is not None else "?"
        by_metric.setdefault(metric, []).append(task)
    if len(by_metric) == 1:
        return next(iter(by_metric))
    return ", ".join(f"{metric} ({', '.join(names)})" for metric, names in by_metric.items())


def describe_split(task_spec: dict[str, Any]) -> str:
    """How a task's rows get their split, in words (official files, a column or a policy)."""
    if "splits" in task_spec:
        return "official files: " + ", ".join(f"{s} = {f}" for s, f in task_spec["splits"].items())
    split = task_spec.get("split") or {}
    if "column" in split:
        return f"from column `{split['column']}`"
    seed = split.get("seed", 0)
    if split.get("policy") == "time":
        time = split["time"]
        before = f"before {time['cut']} train/dev ({_dev(time, seed)})"
        return f"time split on `{time['column']}`: {before}, from it test"
    if split.get("policy") == "held_out":
        held = split["held_out"]
        test = f"`{held['column']}` = {held['value']} test"
        return f"held-out split: {test}, the rest train/dev ({_dev(held, seed)})"
    if "policy" in split:
        fractions = split.get("fractions") or {"train": 0.7, "dev": 0.15, "test": 0.15}
        shares = "/".join(f"{round(100 * v)}" for v in fractions.values())
        grouped = f", grouped by `{split['group_by']}`" if split.get("group_by") else ""
        return f"seeded {split['policy']} split {shares} (seed {seed}{grouped})"
    return ", ".join(f"{k}={v}" for k, v in split.items()) or "not declared"


def _dev(policy: dict[str, Any], seed: int) -> str:
    """The dev share of the rows left after test, for the time and held-out policies."""
    return f"{round(100 * float(policy.get('dev_fraction', 0.15)))}% of them dev, stratified, seed {seed}"


def card_from_spec(spec: DictConfig | dict[str, Any]) -> DatasetCard:
    """The card of one dataset config (as loaded by `config_check.dataset_spec`)."""
    if isinstance(spec, DictConfig):
        # Keep interpolations unresolved: a card is read without the rest of a run's config.
        spec = OmegaConf.to_container(spec, resolve=False)
    card = dict(spec.get("card") or {})
    check_card(str(spec["name"]), card)
    tasks = {}
    for task, task_spec in (spec.get("tasks") or {}).items():
        labels = task_spec.get("labels")
        tasks[task] = {
            "labels": list(labels) if isinstance(labels, list) else [],
            "splits": describe_split(task_spec)
            + (
                "; train/dev rows that duplicate a test row are dropped"
                if "dedup_across_splits" in task_spec
                else ""
            ),
            "silver_labels": bool(task_spec.get("silver_labels")),
        }
    return DatasetCard(
        name=str(spec["name"]),
        source=str(card.get("source", "")),
        url=str(card.get("url", "")),
        licence=str(card.get("licence", "")),
        citation=str(card.get("citation", "")),
        language=str(card.get("language", "")),
        main_score=main_score(list(tasks)),
        silver=bool(card.get("silver", False)),
        notes=str(card.get("notes", "")).strip(),
        tasks=tasks,
        files={str(k): str(v) for k, v in (card.get("files") or {}).items()},
    )


def all_cards() -> list[DatasetCard]:
    from marsad.config_compose import choices, dataset_spec

    return [card_from_spec(dataset_spec(name)) for name in choices("dataset")]


def render_markdown(cards: list[DatasetCard]) -> str:
    """The dataset catalogue page. Generated: edit the configs and rerun `marsad data docs`."""
    lines = [
        "# Marsad datasets",
        "",
        f"<!-- Generated by `{DOCS_COMMAND}` from conf/dataset/*.yaml; do not edit by hand. -->",
        "",
        "| dataset | tasks | annotation | language | licence | main score |",
        "|---|---|---|---|---|---|",
    ]
    for card in cards:
        kind = " (silver labels)" if card.silver else ""
        lines.append(
            f"| [{card.name}](#{card.name}){kind} | {', '.join(card.tasks)} | "
            f"{'gold-standard' if not card.silver else 'silver (rule-based)'} | {card.language} | "
            f"{card.licence} | {card.main_score} |"
        )
    for card in cards:
        lines += ["", f"## {card.name}", ""]
        if card.silver:
            lines += [
                "**Silver labels**: assigned by a rule-based labeller at load time, not by annotators.",
                "",
            ]
        lines += [
            f"- **Source**: {card.source or '—'}",
            f"- **Download**: {card.url or '— (see source)'}",
            f"- **Licence**: {card.licence or '—'}",
            f"- **Citation**: {card.citation or '—'}",
            f"- **Language**: {card.language or '—'}",
            f"- **Main score**: {card.main_score or '—'}",
        ]
        if card.notes:
            lines.append(f"- **Notes**: {card.notes}")
        for task, info in card.tasks.items():
            origin = " (silver, assigned at load time)" if info["silver_labels"] else ""
            lines += [
                "",
                f"### {card.name} · {task}",
                "",
                f"- Splits: {info['splits']}",
                f"- Labels ({len(info['labels'])}){origin}: {', '.join(f'`{x}`' for x in info['labels'])}",
            ]
        if card.files:
            lines += ["", "Files (relative to the data root; SHA-256 checked by `marsad data verify`):", ""]
            lines += [f"- `{path}`" for path in card.files]
    return "\n".join(lines) + "\n"


def write_docs(path: Path = DOCS_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(all_cards()), encoding="utf-8")
    return path
