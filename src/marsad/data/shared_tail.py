"""`shared_tail:` in a dataset config: drop what a scraper pasted after the end of each article.

News pages end with blocks that are not the article: teasers of the day's other stories (CNN
Arabic's pages in ANT end with five of them), "get our app" lines, rules. They name actors that
the article never involves, and the label guide says they do not count ("Text that is not part
of the article - teasers and links to other stories pasted at its end"). What gives them away is
that the same paragraph ends many different articles of the corpus, so the rule is:

- a paragraph (a line of at least `min_chars` characters) is *shared* when it occurs in at least
  `min_texts` distinct texts of the file that holds the column (the whole corpus, not only the
  rows a dataset keeps);
- each text loses its trailing shared paragraphs (and blank lines), never its first paragraph.

A paragraph in the body is never dropped, even when shared. The cost: a background paragraph
that an outlet repeats under several stories is dropped when it happens to come last.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import pandas as pd

from marsad.errors import ConfigError

SETTINGS = {"column": str, "min_texts": int, "min_chars": int}
_SPACE = re.compile(r"\s+")


def _paragraph(line: str) -> str:
    return _SPACE.sub(" ", line).strip()


@lru_cache(maxsize=4)
def _shared(texts: tuple[str, ...], min_texts: int, min_chars: int) -> frozenset[str]:
    count: Counter[str] = Counter()
    for text in texts:
        count.update({p for p in map(_paragraph, text.split("\n")) if len(p) >= min_chars})
    return frozenset(p for p, n in count.items() if n >= min_texts)


def shared_paragraphs(texts: pd.Series, min_texts: int = 3, min_chars: int = 40) -> frozenset[str]:
    """Paragraphs found in at least `min_texts` distinct texts. Cached per process: a sweep
    worker loads the same corpus for every job (ANT: 31,525 articles, about 2 s)."""
    distinct = tuple(sorted(set(texts.dropna().astype(str))))
    return _shared(distinct, min_texts, min_chars)


def strip_tail(text: str, shared: frozenset[str]) -> str:
    lines = text.split("\n")
    while len(lines) > 1 and (not lines[-1].strip() or _paragraph(lines[-1]) in shared):
        lines.pop()
    return "\n".join(lines)


def apply_shared_tail(frame: pd.DataFrame, settings: dict, where: str) -> pd.DataFrame:
    """A copy of `frame` whose `settings['column']` texts lost their shared trailing paragraphs."""
    unknown = set(settings) - set(SETTINGS)
    if unknown or "column" not in settings:
        raise ConfigError(
            f"{where}.shared_tail: needs `column` and takes only {sorted(SETTINGS)}; got {sorted(settings)}"
        )
    for key, kind in SETTINGS.items():
        if key in settings and not isinstance(settings[key], kind):
            raise ConfigError(f"{where}.shared_tail.{key}: expected {kind.__name__}, got {settings[key]!r}")
    column = settings["column"]
    if column not in frame.columns:
        known = sorted(c for c in frame.columns if not c.startswith("_"))
        raise ConfigError(f"{where}.shared_tail.column: no column '{column}'; columns: {known}")
    shared = shared_paragraphs(frame[column], settings.get("min_texts", 3), settings.get("min_chars", 40))
    out = frame.copy()
    out[column] = out[column].map(lambda t: strip_tail(t, shared) if isinstance(t, str) else t)
    return out
