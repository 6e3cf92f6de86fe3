"""A cheap text window for long scraped pages: drop boilerplate lines, keep the first N tokens.

UnifiedFC's articles are whole web pages (median 810 words) that start with menus, share
buttons and search help; a model with a 512-token budget, or a TF-IDF vector dominated by site
chrome, would mostly see boilerplate. The rule is deliberately simple and configured in the
dataset config (`text_window:`), so it is part of the data fingerprint and easy to ablate:

- a line is kept if at least `min_words` whitespace tokens long and at least `min_arabic_share`
  of its letters are Arabic (navigation lines are short or Latin-script);
- the kept lines are joined with newlines and cut after `max_tokens` whitespace tokens;
- if no line survives, the first `max_tokens` tokens of the raw text are kept, so no example
  becomes empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from marsad.errors import ConfigError

_NOT_ARABIC_LETTER = re.compile(r"[^\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF\u0750-\u077F]+")
_NOT_LETTER = re.compile(r"[\W\d_]+")


@dataclass(frozen=True)
class TextWindow:
    """`field`: the canonical field to window (default `text`); the other knobs as above."""

    min_arabic_share: float = 0.5
    min_words: int = 4
    max_tokens: int = 400
    field: str = "text"

    def __post_init__(self) -> None:
        if not 0 <= self.min_arabic_share <= 1 or self.min_words < 0 or self.max_tokens < 1:
            raise ConfigError(
                f"text_window: need 0 <= min_arabic_share <= 1, min_words >= 0, max_tokens >= 1; got {self}"
            )

    def keeps(self, line: str) -> bool:
        if len(line.split()) < self.min_words:
            return False
        letters = len(_NOT_LETTER.sub("", line))
        return letters > 0 and len(_NOT_ARABIC_LETTER.sub("", line)) / letters >= self.min_arabic_share

    def __call__(self, text: str) -> str:
        out, budget = [], self.max_tokens
        for line in text.split("\n"):  # lazily: stop reading once the budget is spent
            if budget <= 0:
                break
            if self.keeps(line):
                words = line.split()[:budget]
                out.append(" ".join(words))
                budget -= len(words)
        return "\n".join(out) if out else " ".join(text.split()[: self.max_tokens])


def apply_text_window(frame: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """A copy of `frame` with its `settings['field']` column windowed."""
    unknown = set(settings) - set(TextWindow.__dataclass_fields__)
    if unknown:
        raise ConfigError(
            f"text_window: unknown keys {sorted(unknown)}; known: {sorted(TextWindow.__dataclass_fields__)}"
        )
    window = TextWindow(**settings)
    out = frame.copy()
    out[window.field] = out[window.field].astype(str).map(window)
    return out
