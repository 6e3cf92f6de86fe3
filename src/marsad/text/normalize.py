"""Arabic orthographic normalisation built on camel-tools' offline `camel_tools.utils`.

Only `camel_tools.utils` is imported: the rest of camel-tools downloads data on first use.
"""

from __future__ import annotations

from collections.abc import Iterable

from sklearn.base import BaseEstimator, TransformerMixin

TATWEEL = "\u0640"
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


def _require_camel_tools():
    try:
        from camel_tools.utils import charmap, dediac, normalize
    except ImportError as err:  # pragma: no cover - depends on the install
        raise ImportError("preprocess=normalize needs camel-tools: pip install 'marsad[arabic]'") from err
    return charmap, dediac, normalize


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

    def _mapper(self):
        charmap, _, _ = _require_camel_tools()
        table = {}
        if self.digits:
            table |= DIGITS
        if self.punctuation:
            table |= PUNCTUATION
        if self.tatweel:
            table[TATWEEL] = ""
        return charmap.CharMapper(table) if table else None

    def normalize(self, text: str, mapper=None) -> str:
        _, dediac, normalize = _require_camel_tools()
        text = normalize.normalize_unicode(text)
        if self.diacritics:
            text = dediac.dediac_ar(text)
        if self.alef:
            text = normalize.normalize_alef_ar(text)  # أ إ آ ٱ -> ا
        if self.alef_maksura:
            text = normalize.normalize_alef_maksura_ar(text)  # ى -> ي
        if self.teh_marbuta:
            text = normalize.normalize_teh_marbuta_ar(text)  # ة -> ه
        mapper = mapper or self._mapper()
        return mapper.map_string(text) if mapper else text

    def transform(self, X: Iterable[str]) -> list[str]:
        mapper = self._mapper()  # built once per call, not once per text
        return [self.normalize(text, mapper) for text in X]
