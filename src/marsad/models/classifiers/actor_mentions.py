"""Find actor mentions in normalised Arabic text, with the state-actor rules of LABELS.md.

A country or capital name is also a place: "in Russia" is not `russia`, "Russia said" is. So
names listed under `place_names` and `metonyms` in the inventory count only in an actor
context: next to a verb the state is the subject of (قالت روسيا، روسيا تعلن), or governed by a
state noun (حكومة روسيا، اتهامات واشنطن), or coordinated with such a mention (اتهمت روسيا
وإيران). A nisba adjective (الروسي، الإيرانية) names the state when it qualifies a state role
or act (الرئيس الروسي، وزير الخارجية الإيراني، غارة إسرائيلية), and not a place or a person
(الحدود التركية، الصحافي الإسرائيلي). Overlapping matches keep the longest, so
"الجيش السوري الحر" is the opposition and not "الجيش السوري".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.text.normalize import ArabicNormalizer

# "learned": an alias learned from training articles (inventory entries' `learned` list, filled by
# `marsad.models.classifiers.alias_learning`); last, so an inventory name of the same span wins.
KINDS = ("name", "alias", "place", "nisba", "exclude", "bare_place", "learned")
CLITICS = r"(?:[وف]?(?:لل|[بلك])?)"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Heads (normalised, without ال) whose nisba adjective or genitive is the state acting.
STATE_ROLES = _words(
    """رئيس رئيسه رئاسه حكومه وزير وزيره وزاره وزراء خارجيه دفاع داخليه جيش قوات قوه جنود عسكريين
    عسكريون شرطه استخبارات مخابرات سلطات نظام مسؤول مسؤولين مسؤولون مسؤولي متحدث ناطق سفير سفاره
    مندوب مندوبه مبعوث ممثل وفد برلمان كونغرس مجلس طيران طائرات طائره مقاتلات غاره غارات ضربه ضربات
    قصف هجوم بحريه مدفعيه دبابات مسيرات مسيره صواريخ اتهامات تهديدات عقوبات موقف جانب تدخل دعم
    اداره حرس مستشارين مقاتلين مقاتلون خفر لواء دفاعات سجون"""
)
# Nouns that, governing a country name, make it the state acting (besides STATE_ROLES).
STATE_ACTS = _words(
    """اعلان انسحاب قرار رد اتهام تصريحات حليفتها ضغوط طلب رفض تاييد ترحيب دعوه جهود
    سياسه مشاركه وساطه تحذير تهديد"""
)
MADE_IN = " الصنع"
FUTURE_OR_NEGATION = frozenset({"لن", "لم", "قد", "لا"})
NOT_VERBS = _words("تحت تجاه تلك تلو تماما تقريبا")
# Words that end the phrase a nisba belongs to: "القوات في سورية" is not a Syrian role.
PHRASE_BREAKS = _words("في من الي علي عن مع بين نحو حول ضد قرب داخل خارج عبر لدي منذ بعد قبل عند ان او")


@dataclass(frozen=True)
class Mention:
    label: str
    kind: str  # one of KINDS
    start: int
    end: int


def _stems(token: str) -> set[str]:
    """The token and its readings without proclitics and ال: وللقوات -> قوات, لوزاره -> وزاره."""
    token = re.sub(r"^[وف](?=\w{3})", "", token)
    forms = {token, re.sub(r"^لل(?=\w{2})", "", token), re.sub(r"^[بلك](?=\w{3})", "", token)}
    return forms | {re.sub(r"^ال(?=\w{2})", "", form) for form in forms}


def _present_verb(token: str) -> bool:
    """A guess without a tagger: a feminine present verb (تعلن، ستواصل، تؤكده), not a place."""
    if token in NOT_VERBS or token.endswith(("ات", "يا")):
        return False
    return bool(re.fullmatch(r"س?ت\w{2,}", token))


def _alternation(names: list[str], normalizer: ArabicNormalizer) -> str:
    alternatives = []
    for name in sorted({normalizer.normalize(n) for n in names}, key=len, reverse=True):
        escaped = re.escape(name).replace(r"\ ", r"\s+")
        alternatives.append(f"{CLITICS}{escaped}")
        if name.startswith("ال"):
            alternatives.append(f"[وف]?لل{re.escape(name[2:])}")
    return rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)"


class ActorMentionFinder:
    """Compiled patterns for one inventory; `find` returns the mentions kept in a text."""

    def __init__(self, inventory: dict[str, dict], labels: list[str], state_rules: bool, use_metonyms: bool):
        normalizer = ArabicNormalizer()
        self.state_rules = state_rules
        self.patterns: list[tuple[str, str, re.Pattern]] = []
        for label in labels:
            entry = inventory[label]
            places = list(entry.get("place_names", []))
            if state_rules or use_metonyms:
                places += entry.get("metonyms", [])
            named = {"name": [entry["name_ar"]], "alias": entry.get("aliases", []), "place": places,
                     "exclude": entry.get("exclude", []), "learned": entry.get("learned", [])}  # fmt: skip
            if not state_rules:  # the plain baseline: a place name is matched like an alias
                named["alias"] = named["alias"] + named.pop("place")
            for kind, names in named.items():
                names = [n for n in names if not (state_rules and kind == "name" and n in places)]
                if names:
                    self.patterns.append((label, kind, re.compile(_alternation(names, normalizer))))
            stems = [normalizer.normalize(s) for s in entry.get("nisba", [])]
            if state_rules and stems:
                stems.sort(key=len, reverse=True)
                forms = "|".join(s if s.startswith("ال") else f"(?:ال)?{s}" for s in stems)
                nisba = rf"(?<!\w){CLITICS}(?:{forms})(?:ه|ين|ون|يين|يون|تين|تان)?(?!\w)"
                self.patterns.append((label, "nisba", re.compile(nisba)))

    def find(self, text: str, keep_bare_places: bool = False) -> list[Mention]:
        """Mentions in a normalised text, longest first where they overlap. With
        `keep_bare_places`, place names outside an actor context come back as kind "bare_place"
        (for models that weigh them) instead of being dropped."""
        candidates = []
        for label, kind, pattern in self.patterns:
            for match in pattern.finditer(text):
                start = match.start()
                if kind == "nisba":
                    start = self._role_start(text, start)
                    if start is None or text.startswith(MADE_IN, match.end()):
                        continue  # no state role, or "تركية الصنع": made there, not the state
                candidates.append(Mention(label, kind, start, match.end()))
        excluded = [m for m in candidates if m.kind == "exclude"]
        candidates = [  # an exclusion ("غير الشرعية") silences its own actor's alias inside it
            m for m in candidates
            if m.kind != "exclude"
            and not any(e.label == m.label and e.start <= m.start and m.end <= e.end for e in excluded)
        ]  # fmt: skip
        candidates.sort(key=lambda m: (m.start - m.end, KINDS.index(m.kind)))
        kept: list[Mention] = []
        for mention in candidates:
            if all(mention.end <= k.start or mention.start >= k.end for k in kept):
                kept.append(mention)
        kept.sort(key=lambda m: m.start)
        return self._license_places(text, kept, keep_bare_places) if self.state_rules else kept

    @staticmethod
    def _role_start(text: str, nisba_start: int, window: int = 4) -> int | None:
        """Start of the state role the nisba qualifies (up to `window` words back), else None."""
        words = list(re.finditer(r"\S+", text[max(0, nisba_start - 120) : nisba_start]))[-window:]
        offset = max(0, nisba_start - 120)
        for word in reversed(words):
            if re.search(r"[.,;:!?\"()]$", word.group()) or word.group() in PHRASE_BREAKS:
                return None  # the role must be in the same phrase
            if _stems(word.group()) & STATE_ROLES:
                return offset + word.start()
        return None

    @staticmethod
    def _licensed(text: str, mention: Mention, previous_licensed: Mention | None) -> bool:
        """Whether the words around a place name make it the state acting (see module doc)."""
        # The neighbouring words on the same line: a title's last word is not the body's subject.
        before = re.search(r"(\S+)[ \t]+$", text[max(0, mention.start - 40) : mention.start])
        after = re.match(r"[ \t]+(\S+)", text[mention.end : mention.end + 40])
        prev = before.group(1) if before else ""
        nxt = re.sub(r"[.,;:!?\"()]+$", "", after.group(1)) if after else ""
        if prev and not re.search(r"[.,;:!?\"()]$", prev):
            if _stems(prev) & (STATE_ROLES | STATE_ACTS):  # genitive: حكومة روسيا
                return True
            bare = re.sub(r"^[وف]", "", prev)
            if len(bare) >= 3 and bare.endswith("ت") and not bare.endswith("ات"):  # قالت روسيا
                return True
            if _present_verb(re.sub(r"^[وف]", "", prev)):  # وتنفي روسيا
                return True
        if nxt in FUTURE_OR_NEGATION or _present_verb(nxt):
            return True  # روسيا تعلن، واشنطن لن ...
        if previous_licensed and text[mention.start] == "و":  # قالت روسيا وايران، حزب الله وايران
            return not text[previous_licensed.end : mention.start].strip()
        return False

    def _license_places(self, text: str, mentions: list[Mention], keep_bare: bool) -> list[Mention]:
        kept, previous = [], None
        for mention in mentions:
            if mention.kind != "place":
                kept.append(mention)
                previous = mention
                continue
            if self._licensed(text, mention, previous):
                kept.append(mention)
                previous = mention
            else:
                if keep_bare:
                    kept.append(Mention(mention.label, "bare_place", mention.start, mention.end))
                previous = None
        return kept
