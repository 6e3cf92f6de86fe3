"""Arabic orthographic normalisation, with the standard library only.

It reproduces camel-tools' `camel_tools.utils` steps character for character (its Unicode fix-up
and NFKC, `dediac_ar`, `normalize_alef_ar`, `normalize_alef_maksura_ar`,
`normalize_teh_marbuta_ar`, then a character map), so the default config runs on the core
install and scores made with camel-tools do not move (tests/text/test_normalize.py compares
both on the corpora).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sklearn.base import BaseEstimator, TransformerMixin

TATWEEL = "\u0640"
# Ligatures NFKC would spell with a Farsi yeh or split oddly; camel-tools fixes them first.
UNICODE_FIXES = str.maketrans({"\ufdfc": "ريال", "\ufdfd": "بسم الله الرحمن الرحيم"})
# camel-tools' AR_DIAC_CHARSET: tanween, short vowels, shadda, sukun, superscript alef.
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
ALEF_FORMS = "\u0625\u0623\u0671\u0622"  # إ أ ٱ آ -> ا
ALEF = "\u0627"
ALEF_MAKSURA, YEH = "\u0649", "\u064a"  # ى -> ي
TEH_MARBUTA, HEH = "\u0629", "\u0647"  # ة -> ه
# Arabic-Indic (U+0660..) and Eastern Arabic-Indic (U+06F0..) digits -> ASCII digits.
DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
# Arabic punctuation and typographic quotes -> their plain ASCII counterparts.
PUNCTUATION = {
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "…": "...",
}


class ArabicNormalizer(BaseEstimator, TransformerMixin):
    """Map spelling variants of Arabic to one form, each step switchable from config.

    A scikit-learn transformer over an iterable of strings, so it sits inside model pipelines
    and travels with the logged model to `marsad predict`.
    """

    def __init__(
        self,
        diacritics: bool = True,
        tatweel: bool = True,
        alef: bool = True,
        alef_maksura: bool = True,
        teh_marbuta: bool = True,
        digits: bool = True,
        punctuation: bool = True,
    ) -> None:
        self.diacritics = diacritics
        self.tatweel = tatweel
        self.alef = alef
        self.alef_maksura = alef_maksura
        self.teh_marbuta = teh_marbuta
        self.digits = digits
        self.punctuation = punctuation

    def fit(self, X: Iterable[str], y=None) -> ArabicNormalizer:
        return self

    def _table(self) -> dict[int, str]:
        """One translation table for every step after NFKC. Applying it at once equals camel-tools'
        sequence of steps: no step's output is another step's input (ا ي ه and ASCII map to
        themselves)."""
        mapping: dict[str, str] = {}
        if self.diacritics:
            mapping |= dict.fromkeys(DIACRITICS, "")
        if self.alef:
            mapping |= dict.fromkeys(ALEF_FORMS, ALEF)
        if self.alef_maksura:
            mapping[ALEF_MAKSURA] = YEH
        if self.teh_marbuta:
            mapping[TEH_MARBUTA] = HEH
        if self.digits:
            mapping |= DIGITS
        if self.punctuation:
            mapping |= PUNCTUATION
        if self.tatweel:
            mapping[TATWEEL] = ""
        return str.maketrans(mapping)

    def normalize(self, text: str, table: dict[int, str] | None = None) -> str:
        text = unicodedata.normalize("NFKC", text.translate(UNICODE_FIXES))
        return text.translate(self._table() if table is None else table)

    def transform(self, X: Iterable[str]) -> list[str]:
        table = self._table()  # built once per call, not once per text
        return [self.normalize(text, table) for text in X]
