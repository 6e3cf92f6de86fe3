import gzip
import itertools
from importlib.resources import files

import pytest
from camel_tools.utils import charmap, dediac, normalize

from marsad.data.paths import resolve_data_root
from marsad.text.normalize import DIGITS, PUNCTUATION, TATWEEL, ArabicNormalizer
from marsad.text.tokens import numbers


def test_each_normalisation_step():
    n = ArabicNormalizer()
    assert n.normalize("قَالَ") == "قال"  # diacritics
    assert n.normalize("مـــقاتل") == "مقاتل"  # tatweel
    assert n.normalize("أحمد إلى آمنة") == "احمد الي امنه"  # alef forms, alef maqsura, teh marbuta
    assert n.normalize("١٢٣ و۴۵") == "123 و45"  # Arabic-Indic and Eastern digits
    assert n.normalize("«نعم»، لا؛ لماذا؟") == '"نعم", لا; لماذا?'  # punctuation
    assert n.normalize("ﻻ ﷼") == "لا ريال"  # presentation forms (NFKC) and the rial ligature


def test_steps_can_be_switched_off():
    n = ArabicNormalizer(teh_marbuta=False, digits=False)
    assert n.normalize("مدرسة ١٢") == "مدرسة ١٢"
    assert ArabicNormalizer().transform(["مدرسة", "إلى"]) == ["مدرسه", "الي"]


def test_numbers_read_arabic_indic_digits():
    assert numbers("قتل ١٢ شخصا و 3 جرحى") == {"12", "3"}


def camel_tools_normalize(texts: list[str], steps: dict[str, bool]) -> list[str]:
    """What the normaliser computed when it was built on camel-tools (kept here as the reference)."""
    table = (DIGITS if steps["digits"] else {}) | (PUNCTUATION if steps["punctuation"] else {})
    if steps["tatweel"]:
        table = table | {TATWEEL: ""}
    mapper = charmap.CharMapper(table)
    out = []
    for text in texts:
        text = normalize.normalize_unicode(text)
        if steps["diacritics"]:
            text = dediac.dediac_ar(text)
        if steps["alef"]:
            text = normalize.normalize_alef_ar(text)
        if steps["alef_maksura"]:
            text = normalize.normalize_alef_maksura_ar(text)
        if steps["teh_marbuta"]:
            text = normalize.normalize_teh_marbuta_ar(text)
        out.append(mapper.map_string(text))
    return out


ALL_ON = dict.fromkeys(
    ["diacritics", "tatweel", "alef", "alef_maksura", "teh_marbuta", "digits", "punctuation"], True
)


def corpus_lines() -> list[str]:
    """Real text: the bundled corpus, the ANS csvs and the first 3,000 ANT articles (UTF-8 as stored)."""
    mini = files("marsad").joinpath("data/marsad_mini")
    lines = [
        line
        for name in ("articles.jsonl", "stance.jsonl")
        for line in mini.joinpath(name).read_text("utf-8").splitlines()
    ]
    root = resolve_data_root(None)
    for path in sorted(root.glob("ans/*/*.csv")):
        lines += path.read_text(encoding="utf-8").splitlines()
    with gzip.open(root / "ant" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        lines += list(itertools.islice(f, 3000))
    assert len(lines) > 10_000
    return lines


def test_byte_identical_to_camel_tools_on_the_corpora():
    lines = corpus_lines()
    ours = ArabicNormalizer().transform(lines)
    reference = camel_tools_normalize(lines, ALL_ON)
    mismatched = [i for i, (a, b) in enumerate(zip(ours, reference)) if a != b]
    assert not mismatched, f"{len(mismatched)} lines differ, first: {lines[mismatched[0]][:200]!r}"
    assert sum(a != b for a, b in zip(ours, lines)) > len(lines) // 2  # it did normalise


@pytest.mark.parametrize("off", list(ALL_ON))
def test_identical_to_camel_tools_on_every_arabic_code_point_with_one_step_off(off):
    """Every character of the Arabic blocks and presentation forms, alone and after a letter,
    so NFKC's compatibility mappings and every step's switch are covered."""
    blocks = [(0x0600, 0x0700), (0x0750, 0x0780), (0x08A0, 0x0900), (0xFB50, 0xFE00), (0xFE70, 0xFF00)]
    chars = [chr(c) for start, end in blocks for c in range(start, end)] + list("“”‘’…")
    texts = chars + [f"ب{c}ة{c}" for c in chars]
    steps = ALL_ON | {off: False}
    assert ArabicNormalizer(**{off: False}).transform(texts) == camel_tools_normalize(texts, steps)
