"""The batch's output directory is its journal: a chunk is done exactly when its part file exists.

Layout of ``OUT``::

    OUT/manifest.json          what this batch is (input digest, issuer, format, chunk size, …)
    OUT/parts/part-000042.jsonl   one file per finished chunk, written whole or not at all
    OUT/credentials.jsonl      every issued credential, in input order (when the batch is complete)
    OUT/rejected.jsonl         every row that could not be issued, with its problem code
    OUT/lists/…                the published status lists (W3C at lists/<id>, IETF at lists/token/<id>)

Why this is enough to resume without issuing anyone twice: a part is written to a temporary name,
flushed to disk and renamed into place, so after a crash it is either whole or absent; an absent
part's chunk is issued again, a present one never. The status index a row holds is keyed by its
credential id, derived from the batch id and the row number, and allocation is idempotent per id:
a chunk issued again after a crash gets back the indices its first attempt allocated, so an index
allocated before the crash is carried by the credential written after it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from thaivc.core.errors import ThaiVCError

__all__ = ["Journal", "write_atomic"]

MANIFEST_VERSION: Final = 1
_PART: Final = re.compile(r"part-(\d{6,})\.jsonl")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(target: Path, chunks: Iterable[bytes], *, mode: int = 0o600) -> None:
    """Write ``target`` whole or not at all: a temporary name, fsync, rename, fsync of the directory.

    ``mode`` defaults to owner-only: a batch's files hold citizens' personal data (the SD-JWT
    disclosures carry names and ID numbers in clear), so they are never world-readable by default.
    """
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()  # a leftover of this pid from a run that died
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


class Journal:
    """The output directory of one batch (or one partition of it)."""

    def __init__(self, out_dir: str | os.PathLike[str]) -> None:
        self.root = Path(out_dir)
        self.parts = self.root / "parts"
        self.manifest_path = self.root / "manifest.json"

    # -- the manifest --------------------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            manifest = json.loads(text)
        except ValueError:
            raise ThaiVCError("batch.journal_mismatch", f"{self.manifest_path} is not a batch manifest") from None
        if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
            raise ThaiVCError("batch.journal_mismatch", f"{self.manifest_path} is not a batch manifest")
        return manifest

    def open(self, identity: dict[str, Any]) -> dict[str, Any]:
        """Start a batch, or resume the one in this directory if it is the same batch.

        ``identity`` is every fact the rows' credentials depend on (input digest, issuer, format,
        template, chunk size, partition, status database); resuming with any of them changed would
        mix two batches in one directory, so it is refused. Returns the manifest.
        """
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.parts.mkdir(mode=0o700, exist_ok=True)
        for directory in (self.root, self.parts):
            # whoever can write here can plant a part: its lines would be published as issued
            if directory.stat().st_mode & 0o022:
                raise ThaiVCError(
                    "batch.journal_mismatch", f"{directory} is writable by others; a batch needs its own directory"
                )
        manifest = self.read_manifest()
        if manifest is None:
            manifest = {"version": MANIFEST_VERSION, **identity, "complete": False}
            self.write_manifest(manifest)
            return manifest
        changed = sorted(k for k, v in identity.items() if k != "batch_id" and manifest.get(k) != v)
        if changed:
            raise ThaiVCError(
                "batch.journal_mismatch",
                f"{self.root} holds another batch (differs in: {', '.join(changed)}); use a new directory",
            )
        given = identity.get("batch_id")
        if given is not None and given != manifest.get("batch_id"):
            raise ThaiVCError("batch.journal_mismatch", f"{self.root} holds batch {manifest.get('batch_id')}")
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_atomic(self.manifest_path, [json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"])

    # -- parts ---------------------------------------------------------------------------------
    def part_path(self, chunk: int) -> Path:
        return self.parts / f"part-{chunk:06d}.jsonl"

    def done_chunks(self) -> set[int]:
        """The chunks whose part is on disk (a leftover temporary file does not count)."""
        if not self.parts.is_dir():
            return set()
        done = set()
        for entry in os.scandir(self.parts):
            match = _PART.fullmatch(entry.name)
            if match:
                done.add(int(match.group(1)))
        return done

    def write_part(self, chunk: int, lines: Iterable[bytes]) -> None:
        write_atomic(self.part_path(chunk), lines)

    def iter_part_lines(self) -> Iterator[tuple[int, bytes]]:
        """Every line of every part, in chunk order, with its chunk number."""
        for chunk in sorted(self.done_chunks()):
            with self.part_path(chunk).open("rb") as fh:
                for line in fh:
                    yield chunk, line

    # -- the end -------------------------------------------------------------------------------
    def assemble(self) -> tuple[int, int]:
        """Write ``credentials.jsonl`` and ``rejected.jsonl`` from the parts; returns their line counts.

        Idempotent: a crash during assembly leaves the parts, and assembling again rewrites both.
        """
        counts = [0, 0]

        def lines(want_rejected: bool) -> Iterator[bytes]:
            for _, line in self.iter_part_lines():
                if line.startswith(b'{"rejected"') == want_rejected:
                    counts[want_rejected] += 1
                    yield line

        write_atomic(self.root / "credentials.jsonl", lines(False))
        write_atomic(self.root / "rejected.jsonl", lines(True))
        return counts[0], counts[1]

    def remove_parts(self) -> None:
        shutil.rmtree(self.parts, ignore_errors=True)
