"""The work of one chunk, in whichever process runs it: build, check, allocate, sign, write.

A worker process is set up once (:func:`init_worker`: the key, the template, the status database)
and then issues chunks (:func:`issue_chunk`). Per chunk:

1. every row becomes a credential (the template with the row as ``credentialSubject`` and an id
   derived from the batch id and the row number) and is checked as issuance checks it; a row that
   fails is a refusal line, and gets no status index;
2. the rows that passed get their status entries in **one** transaction (idempotent per credential
   id, so a chunk issued again after a crash gets the same indices back);
3. each is signed, and the chunk's lines are written as one part file, whole or not at all.

The key travels to the worker as a JWK (a :class:`~thaivc.keys.PrivateKey` refuses to be pickled,
so it is never copied by accident); the status store is opened by each process for itself.
"""

from __future__ import annotations

import json
import signal
import sys
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any, Final

from thaivc.batch.journal import Journal
from thaivc.batch.source import Row, parse_subject
from thaivc.batch.status_entry import ietf_claim, w3c_entry
from thaivc.core.clock import Clock
from thaivc.core.errors import ThaiVCError
from thaivc.status import StatusRegistry, StatusStore

__all__ = ["BatchConfig", "Worker", "credential_id", "init_worker", "issue_chunk", "open_registry", "peak_rss_mb"]

#: Namespace of the credential ids a batch derives (a UUIDv5 of batch id and row number).
BATCH_NAMESPACE: Final = uuid.UUID("5b1f7c2e-8e0a-4d0c-9a6b-6b1c3f7e2a91")


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """Everything a worker needs, as plain picklable data."""

    key_jwk: dict[str, str]
    key_did: str
    key_kid: str
    template: dict[str, Any]
    format: str
    cryptosuite: str | None
    disclosable: tuple[str, ...] | None
    status_db: str | None
    status_purpose: str
    batch_id: str
    out_dir: str
    now: float | None = None


def credential_id(batch_id: str, row: int) -> str:
    """The id of row ``row``'s credential: the same in every attempt of the same batch."""
    return f"urn:uuid:{uuid.uuid5(BATCH_NAMESPACE, f'{batch_id}:{row}')}"


def open_registry(db: str, *, clock: Clock | None = None) -> tuple[StatusStore, StatusRegistry]:
    """The status store at ``db`` (SQLite file or ``postgresql://`` DSN) and its issuer's registry,
    from the settings ``thaivc status create`` keeps in it."""
    from thaivc.status import PostgresStatusStore, SqliteStatusStore

    store: Any = PostgresStatusStore(db) if db.startswith(("postgresql://", "postgres://")) else SqliteStatusStore(db)
    try:
        settings = store.settings()
        if "issuer_id" not in settings or "base_url" not in settings:
            raise ThaiVCError("batch.journal_mismatch", "the status database has no issuer settings (status create)")
        registry = StatusRegistry(
            store,
            base_url=settings["base_url"],
            issuer_id=settings["issuer_id"],
            list_size=int(settings.get("list_size", "131072")),
            clock=clock,
        )
    except BaseException:
        store.close()
        raise
    return store, registry


def _pointer(name: str) -> str:
    return "/credentialSubject/" + name.replace("~", "~0").replace("/", "~1")


class Worker:
    """Issues chunks for one batch in this process."""

    def __init__(self, config: BatchConfig) -> None:
        import thaivc

        key = thaivc.load_key(config.key_jwk)
        if not isinstance(key, thaivc.PrivateKey):
            raise ThaiVCError("usage.invalid_argument", "the batch key is not a private key")
        if key.did != config.key_did:
            key = key.bind(config.key_did, config.key_kid)
        clock = thaivc.FixedClock(config.now) if config.now is not None else thaivc.SystemClock()
        self.config = config
        self.issuer = thaivc.Issuer(key, clock=clock)
        self.journal = Journal(config.out_dir)
        self.store: StatusStore | None = None
        self.registry: StatusRegistry | None = None
        if config.status_db is not None:
            self.store, self.registry = open_registry(config.status_db)
            if self.registry.issuer_id != self.issuer.issuer_id:
                self.store.close()
                raise ThaiVCError(
                    "usage.invalid_argument",
                    f"the status database is {self.registry.issuer_id}'s, not {self.issuer.issuer_id}'s",
                )

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def _document(self, row: Row) -> tuple[dict[str, Any], dict[str, Any]]:
        """The checked credential of ``row`` and its issue options; raises for a row to refuse.

        Every check issuance makes that can fail on the row's data runs here, *before* an index is
        allocated, so a refused row never holds one.
        """
        subject = parse_subject(row)
        doc = dict(self.config.template)
        base = doc.get("credentialSubject")
        doc["credentialSubject"] = {**base, **subject} if isinstance(base, dict) else subject
        doc["id"] = credential_id(self.config.batch_id, row.number)
        options: dict[str, Any] = {}
        if self.config.format == "dc+sd-jwt":
            # every check issue() makes, run once here; issue_prepared signs without repeating them
            disclosable = self.config.disclosable
            if disclosable is None:  # the subject's names as issuance normalises them (NFC)
                names = doc["credentialSubject"] if isinstance(doc["credentialSubject"], dict) else {}
                disclosable = tuple(_pointer(unicodedata.normalize("NFC", k)) for k in names if k != "id")
            options["prepared"] = self.issuer.prepare_sd_jwt(doc, disclosable=disclosable)
            return doc, options
        doc = self.issuer.prepare(doc)
        if self.config.format == "di":
            options["cryptosuite"] = self.config.cryptosuite
        return doc, options

    def _issue(self, doc: dict[str, Any], options: dict[str, Any], allocation: Any) -> Any:
        fmt = self.config.format
        if fmt == "dc+sd-jwt":
            claim = None
            if allocation is not None:
                assert self.registry is not None
                claim = ietf_claim(self.registry, allocation)
            return self.issuer.issue_prepared(options["prepared"], status=claim)
        if allocation is not None:
            assert self.registry is not None
            doc = {**doc, "credentialStatus": w3c_entry(self.registry, allocation)}
        return self.issuer.issue(doc, format=fmt, **options)  # type: ignore[arg-type]

    def issue_chunk(self, chunk: int, rows: list[Row]) -> tuple[int, int]:
        """Issue one chunk and write its part; returns (issued, rejected). Rows are passed once and
        not kept, so a worker's memory does not grow with the batch (see :func:`peak_rss_mb`)."""
        lines: list[bytes] = []
        ready: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        for row in rows:
            try:
                ready.append((row.number, *self._document(row)))
            except ThaiVCError as err:
                lines.append(_rejected(row.number, err.code, err.detail))
        allocations: dict[str, Any] = {}
        if self.registry is not None and ready:
            purpose: Any = self.config.status_purpose
            for drawn in self.registry.allocate_many([doc["id"] for _, doc, _ in ready], purpose):
                allocations[drawn.credential_id] = drawn
        issued = 0
        for number, doc, options in ready:
            allocation = allocations.get(doc["id"])
            status = None if allocation is None else {"list": allocation.list_id, "index": allocation.index}
            try:
                credential = self._issue(doc, dict(options), allocation)
            except ThaiVCError as err:
                # passed every check above yet could not be signed: refused, and its index named
                lines.append(_rejected(number, err.code, err.detail, status))
                continue
            record = {"row": number, "id": doc["id"], "credential": credential}
            if status is not None:
                record["status"] = status
            lines.append(_line(record))
            issued += 1
        self.journal.write_part(chunk, lines)
        return issued, len(rows) - issued


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _rejected(row: int, code: str, detail: str, status: dict[str, Any] | None = None) -> bytes:
    record: dict[str, Any] = {"rejected": True, "row": row, "code": code, "detail": detail[:300]}
    if status is not None:
        record["status"] = status
    return _line(record)


# -- the process-pool side: one Worker per process ------------------------------------------------

#: This process's worker, set by :func:`init_worker` (a pool process serves one batch).
_WORKER: dict[str, Worker] = {}


def init_worker(config: BatchConfig) -> None:
    """Pool initializer. Ctrl-C goes to the parent alone, which lets running chunks finish whole."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER["current"] = Worker(config)


def issue_chunk(chunk: int, rows: list[Row]) -> tuple[int, int, float]:
    """Issue ``chunk`` in this pool process; returns (issued, rejected, this process's peak RSS in MB)."""
    worker = _WORKER.get("current")
    if worker is None:  # pragma: no cover - the pool always runs init_worker first
        raise ThaiVCError("internal.error", "batch worker not initialised")
    issued, rejected = worker.issue_chunk(chunk, rows)
    return issued, rejected, peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (``VmHWM`` on Linux, else ``ru_maxrss``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
