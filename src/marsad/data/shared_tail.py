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
from pathlib import Path

import pandas as pd

from marsad.data.readers import file_identity
from marsad.errors import ConfigError

SETTINGS = {"column": str, "min_texts": int, "min_chars": int}
_TRIMMED: dict[tuple, dict[str, str]] = {}  # see _trimmed
_SPACE = re.compile(r"\s+")


def _paragraph(line: str) -> str:
    return _SPACE.sub(" ", line).strip()


def strip_tail(text: str, shared: frozenset[str]) -> str:
    lines = text.split("\n")
    while len(lines) > 1 and (not lines[-1].strip() or _paragraph(lines[-1]) in shared):
        lines.pop()
    return "\n".join(lines)


def _trimmed(corpus: pd.Series, min_texts: int, min_chars: int, source: Path | None) -> dict[str, str]:
    """Text -> the text without its shared tail, for the distinct texts of `corpus` that have one.
    Kept per process for a corpus read from the file `source`: a sweep worker loads the same
    corpus for every job (ANT, 31,525 articles: 2 s the first time, then a look-up)."""
    identity = file_identity(source) if source is not None else None
    key = identity and (identity, corpus.name, len(corpus), min_texts, min_chars)
    if key in _TRIMMED:
        return _TRIMMED[key]
    texts = {t for t in corpus if isinstance(t, str)}
    count: Counter[str] = Counter()
    for text in texts:
        count.update({p for p in map(_paragraph, text.split("\n")) if len(p) >= min_chars})
    shared = frozenset(p for p, n in count.items() if n >= min_texts)
    trimmed = {text: cut for text in texts if (cut := strip_tail(text, shared)) != text}
    if key:
        while len(_TRIMMED) >= 4:  # the oldest goes: a worker rarely reads more than one corpus
            _TRIMMED.pop(next(iter(_TRIMMED)))
        _TRIMMED[key] = trimmed
    return trimmed


def apply_shared_tail(
    frame: pd.DataFrame,
    settings: dict,
    where: str,
    source: Path | None = None,
    corpus: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A copy of `frame` whose `settings['column']` texts lost their shared trailing paragraphs,
    judged over `corpus` (default: `frame` itself), as read from the file `source` (the cache key;
    None: not cached). A join passes the whole joined file as `corpus` and only its matched rows."""
    corpus = frame if corpus is None else corpus
    unknown = set(settings) - set(SETTINGS)
    if unknown or "column" not in settings:
        raise ConfigError(
            f"{where}: shared_tail: needs `column` and takes only {sorted(SETTINGS)}; got {sorted(settings)}"
        )
    for key, kind in SETTINGS.items():
        if key in settings and not isinstance(settings[key], kind):
            raise ConfigError(f"{where}: shared_tail.{key}: expected {kind.__name__}, got {settings[key]!r}")
    column = settings["column"]
    if column not in corpus.columns or column not in frame.columns:
        known = sorted(c for c in corpus.columns if not c.startswith("_"))
        raise ConfigError(f"{where}: shared_tail.column: no column '{column}'; columns: {known}")
    trimmed = _trimmed(corpus[column], settings.get("min_texts", 3), settings.get("min_chars", 40), source)
    out = frame.copy()
    out[column] = out[column].map(lambda t: trimmed.get(t, t) if isinstance(t, str) else t)
    return out
