"""Subjects to issue to, read from CSV or JSONL one row at a time.

A batch of a million citizens does not fit comfortably in memory as Python objects, so rows are
streamed and handed on in chunks. Each row carries its **row number** (1-based, counting records,
not header or blank lines): that number is the row's key, from which its credential id is derived,
so a resumed run gives every row the same id — and so the same status index — as the run it resumes.

A CSV row becomes a ``credentialSubject`` of strings; a column named ``name.givenName`` nests
(``{"name": {"givenName": …}}``) and an empty cell is left out. A JSONL line is a JSON object,
parsed strictly (duplicate members, lone surrogates and oversized lines are refused), and is the
subject as it stands. A row that cannot be read is not fatal: it is passed on as a refusal with a
stable code and the batch reports it, because one bad line must not stop a million good ones.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict

__all__ = ["InputFormat", "Row", "count_rows", "detect_format", "file_digest", "parse_subject", "read_rows"]

InputFormat = Literal["csv", "jsonl"]

#: One subject row may be at most this large (a JSONL line or a CSV record).
MAX_ROW_BYTES: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class Row:
    """One input record: its number, and the subject or why it cannot be one."""

    number: int
    #: the subject (CSV), or the raw JSONL line, parsed strictly by the worker that issues it
    subject: dict[str, Any] | bytes | None
    error: tuple[str, str] | None = None


def detect_format(path: str | os.PathLike[str]) -> InputFormat:
    """``jsonl`` for ``.jsonl``/``.ndjson`` files, ``csv`` for ``.csv``; anything else must be named."""
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise UsageError("usage.invalid_argument", f"cannot tell the input format of {Path(path).name}: name it")


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the input file: a resumed run must read exactly the rows the first run read."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _nest(header: list[str], cells: list[str]) -> dict[str, Any]:
    subject: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=True):
        if cell == "":
            continue
        node = subject
        *parents, leaf = name.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ThaiVCError("batch.bad_row", f"column {name!r} nests under a value")
            node = child
        if leaf in node:
            raise ThaiVCError("batch.bad_row", f"column {name!r} is given twice")
        node[leaf] = cell
    return subject


def _csv_header(header: list[str]) -> list[str]:
    names = [h.strip() for h in header]
    if not names or any(not n or any(not p for p in n.split(".")) for n in names):
        raise UsageError("usage.invalid_argument", "the CSV header must name every column")
    if len(set(names)) != len(names):
        raise UsageError("usage.invalid_argument", "the CSV header names a column twice")
    return names


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = _csv_header(next(reader))
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UsageError("usage.invalid_argument", f"cannot read the CSV header: {exc}") from None
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise UsageError("usage.invalid_argument", "the CSV file is not UTF-8 text") from None
            except csv.Error as exc:
                # the reader cannot re-synchronise after a broken quote: the file itself is unusable
                raise UsageError("usage.invalid_argument", f"CSV record {number + 1}: {exc}") from None
            if not cells or all(c == "" for c in cells):
                continue
            number += 1
            if sum(len(c) for c in cells) > MAX_ROW_BYTES:
                yield Row(number, None, ("input.too_large", f"record larger than {MAX_ROW_BYTES} bytes"))
            elif len(cells) != len(header):
                yield Row(number, None, ("batch.bad_row", f"{len(cells)} cells under {len(header)} columns"))
            else:
                try:
                    yield Row(number, _nest(header, cells))
                except ThaiVCError as err:
                    yield Row(number, None, (err.code, err.detail))


def _jsonl_rows(path: Path) -> Iterator[Row]:
    number = 0
    with path.open("rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            number += 1
            if len(line) > MAX_ROW_BYTES:
                yield Row(number, None, ("input.too_large", f"line larger than {MAX_ROW_BYTES} bytes"))
            else:
                yield Row(number, line)


def parse_subject(row: Row) -> dict[str, Any]:
    """The subject of ``row``, parsing a JSONL line strictly; raises :class:`ThaiVCError` if it is none."""
    if row.error is not None:
        raise ThaiVCError(*row.error)
    if isinstance(row.subject, bytes):
        subject = loads_strict(row.subject, max_bytes=MAX_ROW_BYTES, require_object=True)
        assert isinstance(subject, dict)
        return subject
    if row.subject is None:
        raise ThaiVCError("batch.bad_row", "the row has no subject")
    return row.subject


def read_rows(path: str | os.PathLike[str], fmt: InputFormat | None = None) -> Iterator[Row]:
    """Every record of ``path`` in order, numbered from 1."""
    source = Path(path)
    if not source.is_file():
        raise UsageError("usage.invalid_argument", f"no input file at {source}")
    kind = fmt or detect_format(source)
    if kind == "csv":
        return _csv_rows(source)
    if kind == "jsonl":
        return _jsonl_rows(source)
    raise UsageError("usage.invalid_argument", f"unknown input format {kind!r}")


def count_rows(path: str | os.PathLike[str], fmt: InputFormat | None = None) -> int:
    """How many records ``path`` holds (for progress and ETA): one cheap pass without parsing JSON."""
    source = Path(path)
    kind = fmt or detect_format(source)
    if kind == "jsonl":
        with source.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    return sum(1 for _ in _csv_rows(source))
