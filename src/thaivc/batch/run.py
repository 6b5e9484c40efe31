"""``issue_many``: issue one credential per input row, across every core, resumably.

The parent process reads the input and deals out chunks; worker *processes* (not threads: signing
and JSON work hold the GIL) build, check, allocate, sign and write each chunk
(:mod:`thaivc.batch.worker`). At most two chunks per worker are in flight, so memory stays flat
however long the input is. The output directory is the journal (:mod:`thaivc.batch.journal`):
running the same call again after a crash, ``kill -9`` or Ctrl-C issues only the chunks that have no
part yet, and nobody twice.

Partitions (``partition=(i, n)``) split one input between independent runs — processes on one
machine or many, each with its own output directory, sharing one status database (PostgreSQL for
more than one machine): run ``i`` issues chunks ``i, i+n, i+2n, …``. Give all of them the same
``batch_id`` so that credential ids stay a function of the row alone.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Final

from thaivc.batch.journal import Journal
from thaivc.batch.source import InputFormat, Row, count_rows, detect_format, file_digest, read_rows
from thaivc.batch.worker import BatchConfig, Worker, init_worker, issue_chunk, open_registry, peak_rss_mb
from thaivc.core.errors import ThaiVCError, UsageError

__all__ = ["BatchResult", "Progress", "issue_many"]

#: ``progress(done_rows, total_rows)`` after every chunk; ``total_rows`` counts this partition's rows.
Progress = Callable[[int, int], None]

FORMATS: Final = ("vc+jwt", "dc+sd-jwt", "di")
DEFAULT_CHUNK: Final = 500


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a (possibly resumed) batch ended with."""

    out_dir: Path
    batch_id: str
    issued: int
    rejected: int
    resumed_chunks: int
    seconds: float
    published: list[str] = field(default_factory=list)
    #: the largest peak resident memory of any process that issued in this run (MB)
    peak_rss_mb: float = 0.0

    @property
    def rate(self) -> float:
        """Rows per second in this run (resumed chunks excluded)."""
        return 0.0 if self.seconds <= 0 else (self.issued + self.rejected) / self.seconds


def _chunks(rows: Iterator[Row], size: int) -> Iterator[tuple[int, list[Row]]]:
    index = 0
    while True:
        chunk = list(islice(rows, size))
        if not chunk:
            return
        yield index, chunk
        index += 1


def _template_digest(template: dict[str, Any]) -> str:
    text = json.dumps(template, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_options(fmt: str, workers: int, chunk_size: int, partition: tuple[int, int]) -> None:
    if fmt not in FORMATS:
        raise UsageError("usage.unsupported_format", f"format must be one of {', '.join(FORMATS)}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError("usage.invalid_argument", "workers must be a positive integer")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or not 1 <= chunk_size <= 100_000:
        raise UsageError("usage.invalid_argument", "chunk_size must be in 1..100000")
    index, count = partition
    if not (isinstance(index, int) and isinstance(count, int) and 0 <= index < count):
        raise UsageError("usage.invalid_argument", "partition must be (i, n) with 0 <= i < n")


def issue_many(
    source: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    key: Any,
    template: dict[str, Any],
    format: str = "dc+sd-jwt",
    input_format: InputFormat | None = None,
    cryptosuite: str | None = None,
    disclosable: Sequence[str] | None = None,
    status_db: str | None = None,
    status_purpose: str = "revocation",
    publish: bool = True,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    partition: tuple[int, int] = (0, 1),
    batch_id: str | None = None,
    now: float | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Issue a credential to every row of ``source`` (CSV or JSONL) into ``out_dir``.

    ``template`` is the credential without its subject: each row becomes its ``credentialSubject``
    (merged over the template's, if it has one). ``key`` is the issuer's
    :class:`~thaivc.keys.PrivateKey`. With ``status_db`` (a status database made by
    ``thaivc status create``) every credential gets a ``status_purpose`` entry, allocated in bulk
    per chunk; with ``publish`` the lists are signed and written to ``out_dir/lists`` at the end.
    ``workers`` defaults to every core; 1 runs in this process. For ``dc+sd-jwt``, ``disclosable``
    defaults to every subject claim but ``id``.

    Call it again with the same arguments to resume: finished chunks are kept, the rest issued.
    """
    import thaivc

    if not isinstance(key, thaivc.PrivateKey):
        raise UsageError("usage.invalid_argument", "key must be a thaivc PrivateKey")
    if not isinstance(template, dict):
        raise UsageError("usage.invalid_argument", "template must be a credential object")
    workers = workers if workers is not None else (os.cpu_count() or 1)
    _check_options(format, workers, chunk_size, partition)
    if status_db is not None and format == "dc+sd-jwt" and status_purpose not in ("revocation", "suspension"):
        raise UsageError("usage.invalid_argument", "an SD-JWT VC's status purpose is revocation or suspension")
    kind = input_format or detect_format(source)
    started = time.perf_counter()
    journal = Journal(out_dir)
    identity = {
        "batch_id": batch_id,
        "input_sha256": file_digest(source),
        "input_format": kind,
        "format": format,
        "cryptosuite": cryptosuite,
        "disclosable": None if disclosable is None else list(disclosable),
        "issuer": key.kid,
        "template_sha256": _template_digest(template),
        "chunk_size": chunk_size,
        "partition": list(partition),
        "status_db": None if status_db is None else hashlib.sha256(status_db.encode()).hexdigest()[:16],
        "status_purpose": status_purpose if status_db else None,
    }
    manifest = journal.open(identity)
    if manifest.get("batch_id") is None:
        manifest["batch_id"] = secrets.token_hex(16)
        journal.write_manifest(manifest)
    batch = str(manifest["batch_id"])
    if manifest.get("complete"):
        return BatchResult(journal.root, batch, manifest["issued"], manifest["rejected"], 0, 0.0)

    config = BatchConfig(
        key_jwk=key.private_jwk(),
        key_did=key.did,
        key_kid=key.kid,
        template=template,
        format=format,
        cryptosuite=cryptosuite,
        disclosable=None if disclosable is None else tuple(disclosable),
        status_db=status_db,
        status_purpose=status_purpose,
        batch_id=batch,
        out_dir=str(journal.root),
        now=now,
    )
    done = journal.done_chunks()
    index, count = partition
    total_rows = count_rows(source, kind) if progress is not None else 0
    mine_total = _partition_rows(total_rows, chunk_size, index, count)
    todo = (
        (c, rows)
        for c, rows in _chunks(read_rows(source, kind), chunk_size)
        if c % count == index
    )
    finished = [0]

    def advance(rows: int) -> None:
        finished[0] += rows
        if progress is not None:
            progress(finished[0], mine_total)

    resumed = 0
    pending: Iterator[tuple[int, list[Row]]] = iter(())

    def skip_done() -> Iterator[tuple[int, list[Row]]]:
        nonlocal resumed
        for c, rows in todo:
            if c in done:
                resumed += 1
                advance(len(rows))
                continue
            yield c, rows

    pending = skip_done()
    peak = [0.0]
    if workers == 1:
        _run_inline(config, pending, advance)
        peak[0] = peak_rss_mb()
    else:
        _run_pool(config, pending, advance, workers, peak)

    issued, rejected = journal.assemble()
    published = _publish(config, key, journal.root) if status_db is not None and publish else []
    manifest.update(complete=True, issued=issued, rejected=rejected)
    journal.write_manifest(manifest)
    journal.remove_parts()
    return BatchResult(
        journal.root, batch, issued, rejected, resumed, time.perf_counter() - started, published, peak[0]
    )


def _partition_rows(total: int, size: int, index: int, count: int) -> int:
    chunks = -(-total // size)
    mine = sum(min(size, total - c * size) for c in range(index, chunks, count))
    return mine


def _run_inline(config: BatchConfig, pending: Iterator[tuple[int, list[Row]]], advance: Callable[[int], None]) -> None:
    worker = Worker(config)
    try:
        for chunk, rows in pending:
            worker.issue_chunk(chunk, rows)
            advance(len(rows))
    finally:
        worker.close()


def _run_pool(
    config: BatchConfig,
    pending: Iterator[tuple[int, list[Row]]],
    advance: Callable[[int], None],
    workers: int,
    peak: list[float],
) -> None:
    """Deal chunks to ``workers`` processes, at most two each in flight (flat memory).

    On Ctrl-C no new chunk starts; the running ones finish and are kept, so the next run resumes
    right after them. A worker that dies (``kill -9``, out of memory) ends the run with an error;
    what it was writing is not kept, and the next run issues that chunk again.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker, initargs=(config,))
    running: dict[Future[tuple[int, int, float]], int] = {}
    try:
        for chunk, rows in pending:
            while len(running) >= 2 * workers:
                _collect(running, advance, peak)
            running[pool.submit(issue_chunk, chunk, rows)] = len(rows)
        while running:
            _collect(running, advance, peak)
    except BaseException:
        for future in running:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _collect(
    running: dict[Future[tuple[int, int, float]], int], advance: Callable[[int], None], peak: list[float]
) -> None:
    finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
    for future in finished:
        rows = running.pop(future)
        _, _, rss = future.result()  # a failed chunk ends the run (its part was not written)
        peak[0] = max(peak[0], rss)
        advance(rows)


def _publish(config: BatchConfig, key: Any, out: Path) -> list[str]:
    """Sign every list of the registry and write them under ``out/lists`` (W3C) and ``lists/token``."""
    import thaivc
    from thaivc.batch.journal import write_atomic
    from thaivc.status import publish_lists

    assert config.status_db is not None
    clock = thaivc.FixedClock(config.now) if config.now is not None else None
    store, registry = open_registry(config.status_db, clock=clock)
    try:
        if registry.issuer_id != key.did:
            raise ThaiVCError("usage.invalid_argument", "the status database belongs to another issuer")
        lists = out / "lists"
        (lists / "token").mkdir(parents=True, exist_ok=True)
        publications = publish_lists(registry, thaivc.Issuer(key, clock=clock))
        for pub in publications:
            target = lists / pub.list_id if pub.format == "w3c" else lists / "token" / pub.list_id
            write_atomic(target, [pub.body.encode("utf-8")], mode=0o644)  # public: served as they are
        return sorted({pub.list_id for pub in publications})
    finally:
        store.close()
