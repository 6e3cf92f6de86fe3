"""Read CSV, TSV, JSON Lines (each plain or gzip), Parquet and JSON-per-record folders into data frames.

Every frame gets a `_row` column: the 1-based record number in its file (the line for JSON
Lines, the data row after the header for CSV and TSV, the list position for a folder of JSON
files), so that later checks can name the row.
"""

from __future__ import annotations

import gzip
import io
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from marsad.errors import DatasetError

FORMATS = ("csv", "tsv", "jsonl", "parquet", "json_dir")


def infer_format(path: Path) -> str:
    suffixes = [s.lstrip(".") for s in path.suffixes if s != ".gz"]
    fmt = {"csv": "csv", "tsv": "tsv", "jsonl": "jsonl", "json": "jsonl", "parquet": "parquet"}.get(
        suffixes[-1] if suffixes else ""
    )
    if fmt is None:
        raise DatasetError(
            f"cannot tell the format from the file name; set `format` to one of {FORMATS}",
            file=str(path),
        )
    return fmt


def read_text(path: Path) -> str:
    """The file's text, gunzipped when it ends in .gz; the row of any non-UTF-8 byte is named."""
    if not path.exists():
        raise DatasetError(
            "file not found; check the dataset's `path` and the data root "
            "(config key `data_root` or the MARSAD_DATA_DIR environment variable)",
            file=str(path),
        )
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DatasetError(
            f"byte {raw[err.start : err.start + 1]!r} at offset {err.start} is not valid UTF-8; "
            "expected UTF-8 text (re-encode the file, e.g. `iconv -f cp1256 -t utf-8`)",
            file=str(path),
            row=line,
        ) from None


def read_jsonl(path: Path) -> pd.DataFrame:
    records = []
    # Split on "\n" only: str.splitlines() also breaks at U+2028 and U+0085, which real news
    # text carries inside JSON strings.
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise DatasetError(
                f"malformed JSON ({err.msg} at column {err.colno}); expected one JSON object per line",
                file=str(path),
                row=number,
            ) from None
        if not isinstance(record, dict):
            raise DatasetError(
                f"expected a JSON object, found {type(record).__name__}", file=str(path), row=number
            )
        record["_row"] = number
        records.append(record)
    return pd.DataFrame.from_records(records)


def read_csv(path: Path, sep: str = ",") -> pd.DataFrame:
    """Every value as text ('NA' stays 'NA'); a field in double quotes may hold the separator, a
    newline or a doubled quote, as the csv module writes them."""
    kind = "TSV" if sep == "\t" else "CSV"
    try:
        frame = pd.read_csv(io.StringIO(read_text(path)), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise DatasetError(f"malformed {kind}: {err}", file=str(path)) from None
    frame["_row"] = range(1, len(frame) + 1)
    return frame


def read_tsv(path: Path) -> pd.DataFrame:
    """Tab-separated values, the form many Arabic NLP shared tasks publish; quoted as CSV is."""
    return read_csv(path, sep="\t")


def read_parquet(path: Path) -> pd.DataFrame:
    if not path.exists():
        read_text(path)  # raises the same file-not-found error as the text formats
    frame = pd.read_parquet(path)
    frame["_row"] = range(1, len(frame) + 1)
    return frame


def read_json_dir(path: Path, explode: list[str]) -> pd.DataFrame:
    """One JSON object per `*.json` file in folder `path` (e.g. one claim with its articles),
    one row per position of the parallel lists named in `explode`.

    Scalar fields are repeated on every row; list fields not named in `explode` are not read
    (UnifiedFC's `rationale` is derived from the label and must never become an input). Rows get
    `_file` (the JSON file), `_row` (1-based list position) and `item_id` (`<file stem>/<_row>`).
    """
    if not path.is_dir():
        read_text(path)  # raises the file-not-found error of the other formats
        raise DatasetError("expected a folder of .json files (format json_dir)", file=str(path))
    rows = []
    for file in sorted(path.glob("*.json")):
        try:
            record = json.loads(read_text(file))
        except json.JSONDecodeError as err:
            raise DatasetError(f"malformed JSON ({err.msg} at line {err.lineno})", file=str(file)) from None
        if not isinstance(record, dict):
            raise DatasetError(f"expected a JSON object, found {type(record).__name__}", file=str(file))
        for name in explode:
            if not isinstance(record.get(name), list):
                raise DatasetError(
                    f"expected a list, found {type(record.get(name)).__name__}", file=str(file), field=name
                )
        lengths = {name: len(record[name]) for name in explode}
        if len(set(lengths.values())) > 1:
            raise DatasetError(f"parallel lists differ in length: {lengths}", file=str(file))
        scalars = {k: v for k, v in record.items() if not isinstance(v, list | dict)}
        for position, values in enumerate(zip(*(record[n] for n in explode)), start=1):
            rows.append({**scalars, **dict(zip(explode, values)), "_file": str(file), "_row": position,
                         "item_id": f"{file.stem}/{position}"})  # fmt: skip
    if not rows:
        raise DatasetError("no records: the folder holds no .json file with list entries", file=str(path))
    return pd.DataFrame.from_records(rows)


def read_table(path: Path, fmt: str | None = None, explode: list[str] | None = None) -> pd.DataFrame:
    """Read one data file (or, for `json_dir`, one folder); `fmt` defaults to what the name says.
    A file is parsed once per process and each caller gets its own copy: a sweep worker runs many
    jobs, and every topic/actor job scores marsad_real, whose join reads all of ANT (4 s a time)."""
    fmt = fmt or infer_format(path)
    if fmt == "json_dir":
        return read_json_dir(path, list(explode or []))
    if fmt not in READERS:
        raise DatasetError(f"unknown format '{fmt}'; expected one of {FORMATS}", file=str(path))
    identity = file_identity(path)
    if identity is None:
        return READERS[fmt](path)  # the reader names the missing file
    resolved, size, mtime_ns = identity
    return _parsed(resolved, fmt, size, mtime_ns).copy()


def file_identity(path: Path) -> tuple[Path, int, int] | None:
    """(resolved path, size, modification time) of a file, the key of what is cached from it: a
    file rewritten in place gets a new one. None for a folder or a missing file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (path.resolve(), stat.st_size, stat.st_mtime_ns) if path.is_file() else None


@lru_cache(maxsize=8)
def _parsed(path: Path, fmt: str, size: int, mtime_ns: int) -> pd.DataFrame:
    """Keyed by size and modification time too: a file rewritten in place is read again."""
    return READERS[fmt](path)


READERS = {"csv": read_csv, "tsv": read_tsv, "jsonl": read_jsonl, "parquet": read_parquet}


def read_folds(path: Path) -> dict[str, int]:
    """Group (e.g. claim id) -> fold number from lines `Fold_<k>: <id> <id> ...`."""
    fold_of: dict[str, int] = {}
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        name, sep, ids = line.partition(":")
        if not sep or not name.strip().lower().startswith("fold_") or not name.strip()[5:].isdigit():
            raise DatasetError(
                f"expected 'Fold_<k>: <ids separated by spaces>', found {line[:40]!r}",
                file=str(path),
                row=number,
            )
        for group in ids.split():
            if group in fold_of:
                raise DatasetError(f"{group!r} is listed in two folds", file=str(path), row=number)
            fold_of[group] = int(name.strip()[5:])
    return fold_of
