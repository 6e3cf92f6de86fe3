"""Word tokens and cue words shared by the feature builders."""

from __future__ import annotations

import re
import unicodedata

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

# Words that flip or question a statement in Arabic news; whole tokens, before normalisation
# and after it (ى/ي, ة/ه) so they match either way.
NEGATION_CUES = frozenset(
    [
        "لا",
        "لم",
        "لن",
        "ليس",
        "ليست",
        "لست",
        "ليسوا",
        "غير",
        "عدم",
        "دون",
        "بدون",
        "ما",
        "نفى",
        "نفت",
        "ينفي",
        "تنفي",
        "نفي",
        "نفيا",
        "ينفون",
        "كذب",
        "تكذيب",
        "يكذب",
        "كذبت",
        "زيف",
        "زائف",
        "زائفة",
        "مزاعم",
        "مزعوم",
        "مزعومة",
        "شائعات",
        "شائعة",
        "إشاعات",
        "ادعاءات",
        "ادعاء",
        "خاطئ",
        "خاطئة",
        "خطأ",
        "مفبرك",
        "مفبركة",
        "ملفق",
        "ملفقة",
        "رفض",
        "رفضت",
        "يرفض",
        "ترفض",
    ]
)
# Words of denial and debunking: a report refuting a claim uses them ("نفت الوزارة", "شائعة مفبركة").
DENIAL_CUES = frozenset(
    ["نفى", "نفت", "ينفي", "تنفي", "نفي", "نفيا", "كذب", "تكذيب", "يكذب", "زيف", "زائف", "زائفة"]
    + ["مزاعم", "مزعوم", "مزعومة", "شائعات", "شائعة", "إشاعات", "إشاعة", "ادعاءات", "ادعاء"]
    + ["خاطئ", "خاطئة", "مفبرك", "مفبركة", "ملفق", "ملفقة", "دحض", "فند", "مضلل", "مضللة", "عار"]
)


def _with_normalised(words: frozenset[str]) -> frozenset[str]:
    return words | {w.replace("ة", "ه").replace("ى", "ي").replace("إ", "ا") for w in words}


NEGATION_CUES = _with_normalised(NEGATION_CUES)
DENIAL_CUES = _with_normalised(DENIAL_CUES)


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def numbers(text: str) -> set[str]:
    """Numbers in a text, with Arabic-Indic digits read as ASCII so ١٢ and 12 match."""
    return {
        "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in found)
        for found in NUMBER.findall(text)
    }
