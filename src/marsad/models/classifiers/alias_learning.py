"""Learn actor aliases from labelled training articles: names the inventory lacks.

The inventory (`marsad/data/marsad_mini/actors.yaml`) was written for the bundled corpus, and real
news names actors in ways it has not seen: a leader (دونالد ترامب), an official, an epithet
(الميليشيات الانقلابية). `AliasLearner` reads the articles an estimator is fitted on and keeps
the word n-grams that, there, name one actor. An n-gram is learned for an actor when

- it is precise where it stands on its own: among the articles where it occurs outside every
  inventory mention and not next to one, enough are labelled with the actor and few are not.
  Inside a mention it adds nothing (and an unlicensed place name or nisba stays with the state
  rules); glued to one it is a piece of a longer name (السامية in مفوضية الأمم المتحدة السامية);
- it is written in apposition to the actor's known names in a few articles: next to an
  inventory mention of the actor, at most one word apart on the same line (الرئيس الأمريكي
  دونالد ترامب، ميليشيا الحوثي الانقلابية). Precision alone keeps what an actor's news is
  about (its cities, its war: الحديدة، الكيماوي), which a few hundred articles cannot tell from
  its names; a name is written beside the title it stands for, a city after a preposition.

Everything is counted on the texts passed to `fit`, so a run learns from its train split only;
`predict` only matches. N-grams are normalised like the matcher's names, with the first word's
proclitics dropped where the bare form is the corpus's usual spelling (وترامب -> ترامب, but
بوتين stays), since the matcher adds proclitics itself. Function words cannot start or end one;
digits and hashtags cannot be in one; none crosses punctuation or a line break.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator

from marsad.models.classifiers.actor_mentions import ActorMentionFinder, Mention

TOKEN = re.compile(r"\w+")
SAME_PHRASE = re.compile(r"[ \t]+")  # what may separate two words of an n-gram, or one from a mention
# Proclitic readings of a first word: و/ف, then ب/ل/ك or لل (ل + ال, so لل... is ال...).
PROCLITICS = re.compile(r"^(?:[وف](?:لل|[بلك])|[وف]|لل|[بلك])(?=\w{2})")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Normalised function words and reporting verbs: they start or end phrases, never names.
FUNCTION_WORDS = _words(
    """في من الي علي عن مع ان او ثم قد لا لم لن ما ماذا هل بل لكن لكنه حتي اذا اذ كما مثل بين بعد قبل عند
    منذ خلال ضد نحو حول دون عبر لدي داخل خارج قرب فوق تحت امام وراء اي كل بعض غير جميع عده هذا هذه ذلك
    تلك هؤلاء اولئك الذي التي الذين اللذين اللتين هو هي هم هما نحن انا انه انها انهم الا ايضا فقط كان
    كانت يكون تكون كانوا وقد وقال وقالت قال قالت اضاف اضافت اكد اكدت اعلن اعلنت اليوم امس حيث وفق بحسب
    عام العام يوم منه منها عليه عليها فيه فيها اليه اليها به بها له لها لهم"""
)

# Normalised words that put a place after them: between a mention and an n-gram, they make the
# n-gram a place (الحوثيين جنوب الحديدة), not a name in apposition.
PLACE_WORDS = _words(
    """شمال جنوب شرق غرب شمالي جنوبي شرقي غربي وسط مدينه محافظه منطقه مديريه بلده قريه ميناء مطار ريف
    ضواحي محيط اطراف العاصمه عاصمه"""
)
NOT_LINKING = FUNCTION_WORDS | PLACE_WORDS

LearnedAliases = dict[str, dict[str, tuple[int, int]]]  # label -> alias -> (articles with it, articles)


@dataclass(frozen=True)
class ArticleEvidence:
    """What one training article says about candidate aliases; labels play no part."""

    alone: frozenset[str]  # n-grams that occur outside every inventory mention and not next to one
    beside: frozenset[tuple[str, str]]  # (n-gram, actor): it stands next to a mention of the actor


def _bare(token: str, frequency: Counter) -> str:
    """`token` without proclitics where that form is the more frequent spelling in the corpus."""
    match = PROCLITICS.match(token)
    if not match:
        return token
    rest = token[match.end() :]
    if match.group().endswith("لل"):
        rest = "ال" + rest
    return rest if frequency[rest] > frequency[token] else token


class AliasLearner(BaseEstimator):
    """Thresholds for learning aliases. It keeps no state: `learn` returns the aliases and the
    estimator that uses it stores them (e.g. `GazetteerLogReg.learned_aliases_`).

    An n-gram of up to `max_words` words is learned for an actor when, among the training
    articles where it stands on its own (outside and not next to any inventory mention), at
    least `min_docs` are labelled with the actor and they are at least `min_precision` of them,
    and in at least `min_beside` articles it stands next to an inventory mention of the actor.
    The defaults are the thresholds chosen on marsad_real dev (conf/model/gazetteer_logreg_learned.yaml)."""

    def __init__(
        self, min_docs: int = 3, min_precision: float = 0.8, min_beside: int = 2, max_words: int = 3
    ) -> None:
        self.min_docs = min_docs
        self.min_precision = min_precision
        self.min_beside = min_beside
        self.max_words = max_words

    def validate(self) -> None:
        if self.min_docs < 1 or self.max_words < 1 or self.min_beside < 0:
            raise ValueError(
                "min_docs and max_words must be at least 1 and min_beside at least 0, got "
                f"min_docs={self.min_docs}, max_words={self.max_words}, min_beside={self.min_beside}"
            )
        if not 0.5 < self.min_precision <= 1:
            raise ValueError(
                f"min_precision must be in (0.5, 1] (an alias names one actor), got {self.min_precision}"
            )

    def learn(self, texts: list[str], y, labels: list[str], finder: ActorMentionFinder) -> LearnedAliases:
        """Aliases from normalised `texts` and their 0/1 label matrix `y` (columns: `labels`),
        as {label: {alias: (articles labelled with the actor, articles)}}; `finder` is the
        inventory's."""
        return self.select(self.evidence(texts, finder), y, labels, finder)

    def evidence(self, texts: list[str], finder: ActorMentionFinder) -> list[ArticleEvidence]:
        """Per normalised text, what `select` counts. It needs no labels, so a model computes it
        once and selects on several subsets of the articles (cross-fitting)."""
        self.validate()
        tokenised = [list(TOKEN.finditer(text)) for text in texts]
        frequency = Counter(t.group() for tokens in tokenised for t in tokens)
        return [self._article(text, tokens, finder, frequency) for text, tokens in zip(texts, tokenised)]

    def select(
        self, evidence: list[ArticleEvidence], y, labels: list[str], finder: ActorMentionFinder
    ) -> LearnedAliases:
        """The aliases the thresholds keep, given each article's `evidence` and its labels `y`."""
        self.validate()
        docs: Counter = Counter()
        labelled: defaultdict[str, Counter] = defaultdict(Counter)
        beside: Counter = Counter()
        for article, row in zip(evidence, np.asarray(y)):
            docs.update(article.alone)
            beside.update(article.beside)
            for label in np.flatnonzero(row):
                labelled[labels[label]].update(article.alone)
        chosen: dict[str, tuple[str, int]] = {}  # n-gram -> the actor it names, its count
        for label in sorted(labelled):
            for gram, count in labelled[label].items():
                if (
                    count >= self.min_docs
                    and count >= self.min_precision * docs[gram]
                    and beside[gram, label] >= self.min_beside
                    and count > chosen.get(gram, ("", 0))[1]  # precise for two actors: the likelier
                ):
                    chosen[gram] = (label, count)
        learned: LearnedAliases = {}
        for gram, (label, count) in sorted(chosen.items()):
            # a longer n-gram holding a kept one matches nothing the shorter does not
            shorter = any(
                f" {other} " in f" {gram} "
                for other, (owner, _) in chosen.items()
                if owner == label and other != gram
            )
            if not shorter and not any(pattern.search(gram) for _, _, pattern in finder.patterns):
                learned.setdefault(label, {})[gram] = (count, docs[gram])
        return dict(sorted(learned.items()))

    def _article(
        self, text: str, tokens: list[re.Match], finder: ActorMentionFinder, frequency: Counter
    ) -> ArticleEvidence:
        found = finder.find(text, keep_bare_places=True)
        mentions = [m for m in found if m.kind != "bare_place"]
        usable = [
            len(t.group()) > 1
            and not re.search(r"[\d_]", t.group())
            and not any(m.start < t.end() and t.start() < m.end for m in found)
            for t in tokens
        ]
        starts_beside, ends_beside = _beside(text, tokens, mentions)
        alone, beside = set(), set()
        for i, first in enumerate(tokens):
            words = [_bare(first.group(), frequency)]
            if not usable[i] or words[0] in FUNCTION_WORDS or first.group() in FUNCTION_WORDS:
                continue
            for j in range(i, min(i + self.max_words, len(tokens))):
                if j > i:
                    if not usable[j] or not SAME_PHRASE.fullmatch(
                        text[tokens[j - 1].end() : tokens[j].start()]
                    ):
                        break
                    words.append(tokens[j].group())
                if words[-1] in FUNCTION_WORDS:
                    continue
                gram = " ".join(words)
                if not starts_beside[i] and not ends_beside[j]:
                    alone.add(gram)
                # after a mention, a proclitic (بالحديدة، وإيران) makes a phrase of its own
                after = starts_beside[i] if words[0] == first.group() else set()
                beside.update((gram, label) for label in after | ends_beside[j])
        return ArticleEvidence(frozenset(alone), frozenset(beside))


def _beside(text: str, tokens: list[re.Match], mentions: list[Mention]):
    """Token indices where an n-gram beside a mention may start (after it) or end (before it),
    with the mention's actor: adjacent, or one word apart, on the same line, with no punctuation,
    function word or place word (جنوب، مدينة) in between."""
    starts: defaultdict[int, set[str]] = defaultdict(set)
    ends: defaultdict[int, set[str]] = defaultdict(set)

    def joined(a: int, b: int) -> bool:  # text[a:b] separates two words of one phrase
        return bool(SAME_PHRASE.fullmatch(text[a:b]))

    def linking(token: re.Match) -> bool:  # a word that may stand between a mention and a name
        return re.sub(r"^[وف](?=\w{2})", "", token.group()) not in NOT_LINKING

    token_starts = [t.start() for t in tokens]
    token_ends = [t.end() for t in tokens]
    for mention in mentions:
        after = bisect_left(token_starts, mention.end)
        if after < len(tokens) and joined(mention.end, tokens[after].start()):
            starts[after].add(mention.label)
            word, nxt = tokens[after], after + 1
            if nxt < len(tokens) and linking(word) and joined(word.end(), tokens[nxt].start()):
                starts[nxt].add(mention.label)
        before = bisect_right(token_ends, mention.start) - 1
        if before >= 0 and joined(tokens[before].end(), mention.start):
            ends[before].add(mention.label)
            word, prev = tokens[before], before - 1
            if prev >= 0 and linking(word) and joined(tokens[prev].end(), word.start()):
                ends[prev].add(mention.label)
    return starts, ends


def describe(learned: LearnedAliases) -> str:
    """One line per actor: its learned aliases with (articles labelled with it, articles)."""
    return "\n".join(
        f"{label}: " + ", ".join(f"{alias} ({n}/{total})" for alias, (n, total) in aliases.items())
        for label, aliases in learned.items()
    )
