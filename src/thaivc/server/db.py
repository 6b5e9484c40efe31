"""The service's own tables, on SQLite (default) or PostgreSQL, with versioned migrations.

The service keeps no state in memory that another process would need: single-use challenges, the
register of issued credentials and the audit log are rows here, so several worker processes (or hosts
on one PostgreSQL) share every single-use value. A challenge is consumed by one conditional ``UPDATE``
whose row count says whether *this* caller won; the database, not the process, decides.

Migrations are numbered and each runs once, in one transaction, under a lock (PostgreSQL advisory
lock; SQLite ``BEGIN IMMEDIATE``), so workers starting together do not race. The status lists live in
the status store's own tables (:mod:`thaivc.status`), created by the store itself.

The audit table is append-only by construction: triggers refuse ``UPDATE``, ``DELETE`` (and on
PostgreSQL ``TRUNCATE``), so a compromised application account cannot rewrite history through this
code path (a database superuser still can: ship the log elsewhere too).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.connections import PostgresPool, ThreadConnections
from thaivc.core.errors import ThaiVCError
from thaivc.engine.challenge import ChallengeState
from thaivc.oid4vc import PostgresStateStore, SqliteStateStore, StateStore
from thaivc.oid4vc.sql_store import SCHEMA as PROTOCOL_STATE_SCHEMA
from thaivc.status import PostgresStatusStore, SqliteStatusStore, StatusStore

__all__ = [
    "MIGRATIONS",
    "RECONCILE_LOCK",
    "STATUS_ORIGIN",
    "AuditEntry",
    "Cursor",
    "Database",
    "DbChallengeStore",
    "IssuedRecord",
    "insert_audit",
]

_COMMON_1: Final = [
    "CREATE TABLE IF NOT EXISTS thaivc_server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS thaivc_challenge (challenge TEXT PRIMARY KEY, expires_at BIGINT NOT NULL, "
    "used INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS thaivc_challenge_expiry ON thaivc_challenge (expires_at)",
    "CREATE TABLE IF NOT EXISTS thaivc_issued (credential_id TEXT PRIMARY KEY, types TEXT NOT NULL, "
    "format TEXT NOT NULL, subject_hash TEXT, purposes TEXT NOT NULL, issued_at BIGINT NOT NULL, "
    "client TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS thaivc_issued_time ON thaivc_issued (issued_at)",
]

_RECONCILED_3: Final = [
    "CREATE TABLE IF NOT EXISTS thaivc_reconciled (credential_id TEXT PRIMARY KEY, issuer_id TEXT NOT NULL, "
    "at BIGINT NOT NULL, run TEXT NOT NULL)",
]

#: version -> (name, {dialect: statements}). Append only: never edit a released migration.
MIGRATIONS: Final[dict[int, tuple[str, dict[str, list[str]]]]] = {
    1: (
        "challenges, issued credentials, audit log",
        {
            "sqlite": [
                *_COMMON_1,
                "CREATE TABLE IF NOT EXISTS thaivc_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at BIGINT NOT NULL, "
                "actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, "
                "detail TEXT NOT NULL, request_id TEXT NOT NULL)",
                "CREATE TRIGGER IF NOT EXISTS thaivc_audit_no_update BEFORE UPDATE ON thaivc_audit "
                "BEGIN SELECT RAISE(ABORT, 'thaivc_audit is append-only'); END",
                "CREATE TRIGGER IF NOT EXISTS thaivc_audit_no_delete BEFORE DELETE ON thaivc_audit "
                "BEGIN SELECT RAISE(ABORT, 'thaivc_audit is append-only'); END",
            ],
            "postgres": [
                *_COMMON_1,
                "CREATE TABLE IF NOT EXISTS thaivc_audit (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, "
                "actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL, "
                "detail TEXT NOT NULL, request_id TEXT NOT NULL)",
                "CREATE OR REPLACE FUNCTION thaivc_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'thaivc_audit is append-only'; END $$",
                "DROP TRIGGER IF EXISTS thaivc_audit_no_change ON thaivc_audit",
                "CREATE TRIGGER thaivc_audit_no_change BEFORE UPDATE OR DELETE ON thaivc_audit "
                "FOR EACH ROW EXECUTE FUNCTION thaivc_audit_append_only()",
                "DROP TRIGGER IF EXISTS thaivc_audit_no_truncate ON thaivc_audit",
                "CREATE TRIGGER thaivc_audit_no_truncate BEFORE TRUNCATE ON thaivc_audit "
                "FOR EACH STATEMENT EXECUTE FUNCTION thaivc_audit_append_only()",
            ],
        },
    ),
    2: (
        "protocol state of OpenID4VCI and OpenID4VP (offers, codes, nonces, tokens, transactions)",
        {"sqlite": list(PROTOCOL_STATE_SCHEMA), "postgres": list(PROTOCOL_STATE_SCHEMA)},
    ),
    3: (
        "reconciled status entries: a credential id whose orphaned index was revoked is never registered",
        {"sqlite": _RECONCILED_3, "postgres": _RECONCILED_3},
    ),
}

#: The ``origin`` the service's status store writes on every entry it allocates: reconciliation
#: touches those and no others (not ``thaivc issue --status`` / ``thaivc batch`` on the same database).
STATUS_ORIGIN: Final = "thaivc-serve"
#: The lock that orders register writes (shared) against reconciliation (exclusive) on PostgreSQL.
RECONCILE_LOCK: Final = "SELECT pg_advisory_xact_lock(hashtextextended('thaivc_reconcile', 0))"
_REGISTER_LOCK: Final = "SELECT pg_advisory_xact_lock_shared(hashtextextended('thaivc_reconcile', 0))"

_VERSIONS_TABLE: Final = (
    "CREATE TABLE IF NOT EXISTS thaivc_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class IssuedRecord:
    """What the register keeps of an issued credential: never a claim value."""

    credential_id: str
    types: list[str]
    format: str
    subject_hash: str | None
    purposes: list[str]
    issued_at: int
    client: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.credential_id,
            "type": self.types,
            "format": self.format,
            "subjectHash": self.subject_hash,
            "statusPurposes": self.purposes,
            "issuedAt": self.issued_at,
            "issuedBy": self.client,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: int
    actor: str
    action: str
    target: str
    outcome: str
    detail: str
    request_id: str


def _record(r: Sequence[Any]) -> IssuedRecord:
    return IssuedRecord(r[0], json.loads(r[1]), r[2], r[3], json.loads(r[4]), int(r[5]), r[6])


def _closed() -> ThaiVCError:
    return ThaiVCError("service.unavailable", "the database is closed")


def _unavailable(exc: BaseException) -> ThaiVCError:
    return ThaiVCError("service.unavailable", f"database: {type(exc).__name__}")


class Database:
    """The service database; every method is one transaction.

    SQLite: one connection per thread (:class:`~thaivc.core.connections.ThreadConnections`), closed
    when the server's pool retires the thread (a list of them kept every retired thread's connection
    open). PostgreSQL: a bounded pool of ``pool_size`` sessions per process
    (:class:`~thaivc.core.connections.PostgresPool`), the same bound for the status and state stores
    it opens, so a process holds at most ``3 x pool_size`` sessions whatever its thread count; a
    request that finds the pool busy for ``pool_wait`` seconds is ``service.unavailable`` (503).
    """

    def __init__(self, url: str, *, busy_timeout: float = 30.0, pool_size: int = 10, pool_wait: float = 5.0) -> None:
        self.url = url
        self.kind = "sqlite" if url.startswith("sqlite:///") else "postgres"
        self._path = url[len("sqlite:///") :] if self.kind == "sqlite" else ""
        self._busy_timeout = busy_timeout
        self.pool_size = pool_size
        self._pool_wait = pool_wait
        self._source: ThreadConnections[Any] | PostgresPool
        if self.kind == "sqlite":
            self._source = ThreadConnections(self._connect_sqlite, lambda conn: conn.close(), closed=_closed)
        else:
            self._source = PostgresPool(url, size=pool_size, wait=pool_wait, connect_timeout=5, closed=_closed,
                                        unavailable=lambda why: ThaiVCError("service.unavailable", f"database: {why}"))
        self._salt: bytes | None = None
        self._status_store: StatusStore | None = None
        self._state_store: StateStore | None = None

    # -- connections ---------------------------------------------------------------------------
    def _connect_sqlite(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        """A connection for one transaction; a failure to get one is ``service.unavailable`` too."""
        with self._failures_unavailable(), self._source.connection() as conn:
            yield conn

    def _drop_conn(self) -> None:
        # SQLite: this thread's connection may be the cause; the pool discards a broken one itself
        if isinstance(self._source, ThreadConnections):
            self._source.discard()

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Cursor]:
        """A transaction; a database error becomes ``service.unavailable`` and the connection is renewed."""
        with self._connection() as conn:
            if self.kind == "sqlite":
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield Cursor(conn.cursor(), "?")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            else:
                with conn.transaction(), conn.cursor() as cur:
                    yield Cursor(cur, "%s")

    def statement(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write statement as its own transaction (the connection is in autocommit); its rowcount.

        One round trip where :meth:`transaction` takes three (BEGIN, the statement, COMMIT): for the
        statements that are atomic by themselves, such as a conditional ``UPDATE`` that spends a value.
        """
        with self._connection() as conn:
            cur = conn.execute(sql if self.kind == "sqlite" else sql.replace("?", "%s"), params)
            return int(cur.rowcount)

    @contextmanager
    def _failures_unavailable(self) -> Iterator[None]:
        """A database or connection failure becomes ``service.unavailable`` and the connection is
        renewed; thaivc's own errors and any other exception pass through unchanged."""
        try:
            yield
        except ThaiVCError:
            raise
        except (sqlite3.Error, OSError) as exc:
            self._drop_conn()
            raise _unavailable(exc) from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                self._drop_conn()
                raise _unavailable(exc) from None
            raise

    def close(self) -> None:
        """Close every thread's connection and the stores; any later use is ``service.unavailable``."""
        self._source.close()
        if self._status_store is not None:
            self._status_store.close()
        if self._state_store is not None:
            self._state_store.close()

    # -- migrations ----------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply every migration not yet applied; returns the versions applied now."""
        applied: list[int] = []
        with self.transaction() as cur:
            if self.kind == "postgres":
                cur.execute("SELECT pg_advisory_xact_lock(hashtextextended('thaivc_server_migrate', 0))")
            cur.execute(_VERSIONS_TABLE)
            done = {int(row[0]) for row in cur.execute("SELECT version FROM thaivc_schema_version").fetchall()}
            for version in sorted(MIGRATIONS):
                if version in done:
                    continue
                name, dialects = MIGRATIONS[version]
                for statement in dialects[self.kind]:
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO thaivc_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, int(time.time())),
                )
                applied.append(version)
            cur.execute(
                "INSERT INTO thaivc_server_meta (key, value) VALUES ('subject_salt', ?) ON CONFLICT (key) DO NOTHING",
                (secrets.token_hex(32),),
            )
        return applied

    def version(self) -> int:
        with self.transaction(write=False) as cur:
            try:
                row = cur.execute("SELECT MAX(version) FROM thaivc_schema_version").fetchone()
            except Exception:
                return 0
        return int(row[0] or 0)

    def session_limit(self) -> int | None:
        """Sessions PostgreSQL allows clients that are not superusers; ``None`` on SQLite.

        ``thaivc serve`` sets it against ``workers x 3 x pool_size`` at start: a service that can
        open more sessions than the server allows answers 503 under load instead of refusing to start.
        """
        if self.kind == "sqlite":
            return None
        with self.transaction(write=False) as cur:
            row = cur.execute("SELECT current_setting('max_connections')::int"
                              " - current_setting('superuser_reserved_connections')::int").fetchone()
        return int(row[0])

    def ping(self) -> None:
        """Raise ``service.unavailable`` unless the database answers and is migrated."""
        if self.version() < max(MIGRATIONS):
            raise ThaiVCError("service.unavailable", "database schema is not migrated (run: thaivc serve migrate)")

    # -- status store --------------------------------------------------------------------------
    def status_store(self) -> StatusStore:
        """The status store on the same database (its tables are its own); its new entries carry
        :data:`STATUS_ORIGIN`, which is what marks them as the service's for reconciliation."""
        if self._status_store is None:
            if self.kind == "sqlite":
                self._status_store = SqliteStatusStore(self._path, origin=STATUS_ORIGIN)
            else:
                self._status_store = PostgresStatusStore(
                    self.url, pool_size=self.pool_size, pool_wait=self._pool_wait, origin=STATUS_ORIGIN
                )
        return self._status_store

    def state_store(self) -> StateStore:
        """The OpenID4VCI/VP state store on the same database (its table is created by migration 2).

        Every single-use protocol value (codes, nonces, DPoP ``jti``\\s, transactions) is a row here,
        so every worker process and every host on one PostgreSQL shares it.
        """
        if self._state_store is None:
            if self.kind == "sqlite":
                self._state_store = SqliteStateStore(self._path, busy_timeout=self._busy_timeout)
            else:
                self._state_store = PostgresStateStore(self.url, pool_size=self.pool_size, pool_wait=self._pool_wait)
        return self._state_store

    # -- challenges ----------------------------------------------------------------------------
    def new_challenge(self, ttl: int) -> str:
        challenge = secrets.token_urlsafe(24)
        now = int(time.time())
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO thaivc_challenge (challenge, expires_at, used) VALUES (?, ?, 0)", (challenge, now + ttl)
            )
            # housekeeping, bounded: expired rows go, a few at a time
            cur.execute(
                "DELETE FROM thaivc_challenge WHERE challenge IN (SELECT challenge FROM thaivc_challenge "
                "WHERE expires_at < ? LIMIT 100)",
                (now - 60,),
            )
        return challenge

    def consume_challenge(self, challenge: str) -> bool:
        """True once for a challenge this service issued and that has not expired; False otherwise."""
        return self.redeem_challenge(challenge) == "fresh"

    def redeem_challenge(self, challenge: str) -> ChallengeState:
        """Spend ``challenge`` in one conditional ``UPDATE``; on refusal, say why (replayed, expired, unknown).

        Only challenges this service issued are ever fresh; the classification after a refused
        update reads the row without changing it, so it cannot turn a refusal into an acceptance.
        """
        if not isinstance(challenge, str) or not 8 <= len(challenge) <= 128:
            return "unknown"
        now = int(time.time())
        # one conditional UPDATE is atomic by itself: two redeemers of one challenge cannot both see used = 0
        spent = self.statement(
            "UPDATE thaivc_challenge SET used = 1 WHERE challenge = ? AND used = 0 AND expires_at > ?",
            (challenge, now),
        )
        if spent == 1:
            return "fresh"
        with self.transaction(write=False) as cur:
            row = cur.execute(
                "SELECT used, expires_at FROM thaivc_challenge WHERE challenge = ?", (challenge,)
            ).fetchone()
        if row is None:
            return "unknown"
        return "replayed" if row[0] else "expired"

    # -- issued credentials --------------------------------------------------------------------
    def subject_hash(self, subject_id: str | None) -> str | None:
        """A keyed hash of the subject id: searchable by whoever has the id, useless to guess a Thai ID."""
        if subject_id is None:
            return None
        if self._salt is None:
            with self.transaction(write=False) as cur:
                row = cur.execute("SELECT value FROM thaivc_server_meta WHERE key = 'subject_salt'").fetchone()
            if row is None:
                raise ThaiVCError("service.unavailable", "database schema is not migrated")
            self._salt = bytes.fromhex(row[0])
        return hmac.new(self._salt, subject_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def record_issued(self, record: IssuedRecord) -> None:
        """Register ``record``; ``status.orphan_reconciled`` (nothing written) if its id was reconciled.

        The register row is what says a status index is held. Reconciliation revokes an index older
        than its grace period that no row holds, and records its credential id first
        (``thaivc_reconciled``); the two are ordered by the database (SQLite's single writer, on
        PostgreSQL a shared advisory lock here against reconciliation's exclusive one), so either the
        row is written first and reconciliation leaves the index alone, or the id was reconciled and
        this refuses: a credential whose index was revoked as an orphan is never registered, and so
        never delivered.
        """
        with self.transaction() as cur:
            self._guard_register(cur)
            _insert_issued(cur, record)

    def record_issued_many(self, records: Sequence[IssuedRecord], entries: Sequence[AuditEntry]) -> None:
        """Register ``records`` and append their audit ``entries`` in one transaction: all, or none.

        A request that issues several credentials (OpenID4VCI, one per proven key) is delivered whole
        or not at all, so the register must not list part of it: a failure here writes nothing
        (``status.orphan_reconciled`` as :meth:`record_issued`).
        """
        with self.transaction() as cur:
            self._guard_register(cur)
            for record in records:
                _insert_issued(cur, record)
            for entry in entries:
                insert_audit(cur, entry)

    def issued(self, *, limit: int, after: str | None = None) -> list[IssuedRecord]:
        """Issued credentials, ordered by id, ``limit`` at a time after ``after`` (keyset pagination)."""
        with self.transaction(write=False) as cur:
            rows = cur.execute(
                "SELECT credential_id, types, format, subject_hash, purposes, issued_at, client FROM thaivc_issued "
                "WHERE credential_id > ? ORDER BY credential_id LIMIT ?",
                (after or "", limit),
            ).fetchall()
        return [_record(r) for r in rows]

    def issued_one(self, credential_id: str) -> IssuedRecord | None:
        with self.transaction(write=False) as cur:
            r = cur.execute(
                "SELECT credential_id, types, format, subject_hash, purposes, issued_at, client FROM thaivc_issued "
                "WHERE credential_id = ?",
                (credential_id,),
            ).fetchone()
        return None if r is None else _record(r)

    def _guard_register(self, cur: Cursor) -> None:
        """On PostgreSQL, wait for a reconciliation batch in progress (see :meth:`record_issued`)."""
        if self.kind == "postgres":
            cur.execute(_REGISTER_LOCK)

    # -- audit ---------------------------------------------------------------------------------
    def audit(self, entry: AuditEntry) -> None:
        self.audit_many([entry])

    def audit_many(self, entries: Sequence[AuditEntry]) -> None:
        """Append ``entries`` in one transaction: all of them, or none (``service.unavailable``)."""
        with self.transaction() as cur:
            for entry in entries:
                insert_audit(cur, entry)

    def audit_log(self, *, limit: int = 100) -> list[AuditEntry]:
        with self.transaction(write=False) as cur:
            rows = cur.execute(
                "SELECT at, actor, action, target, outcome, detail, request_id FROM thaivc_audit ORDER BY id DESC "
                "LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]


def _insert_issued(cur: Cursor, record: IssuedRecord) -> None:
    """The register row, unless the id was reconciled (then ``status.orphan_reconciled``): one statement."""
    written = cur.execute(
        "INSERT INTO thaivc_issued (credential_id, types, format, subject_hash, purposes, issued_at, client) "
        "SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM thaivc_reconciled WHERE credential_id = ?) "
        "ON CONFLICT (credential_id) DO UPDATE SET types = excluded.types, "
        "format = excluded.format, subject_hash = excluded.subject_hash, purposes = excluded.purposes, "
        "issued_at = excluded.issued_at, client = excluded.client",
        (record.credential_id, json.dumps(record.types), record.format, record.subject_hash,
         json.dumps(record.purposes), record.issued_at, record.client, record.credential_id),
    ).rowcount
    if written != 1:
        # raised inside the transaction: it rolls back, so a request of several credentials writes none
        raise ThaiVCError(
            "status.orphan_reconciled",
            "this credential's status index was revoked as an orphan before its register row was written; "
            "issue it again under a new id",
        )


def insert_audit(cur: Cursor, entry: AuditEntry) -> None:
    cur.execute(
        "INSERT INTO thaivc_audit (at, actor, action, target, outcome, detail, request_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entry.at, entry.actor, entry.action, entry.target, entry.outcome, entry.detail[:500], entry.request_id),
    )


class Cursor:
    """A cursor that takes ``?`` placeholders on both databases."""

    def __init__(self, cur: Any, mark: str) -> None:
        self._cur = cur
        self._mark = mark

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self._mark != "?":
            sql = sql.replace("?", self._mark)
        self._cur.execute(sql, params)
        return self._cur

    @property
    def rowcount(self) -> int:
        return int(self._cur.rowcount)


class DbChallengeStore:
    """:class:`thaivc.ChallengeStore` over the database: only challenges this service issued, once each."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def consume(self, challenge: str) -> bool:
        return self._db.consume_challenge(challenge)

    def issue(self, challenge: str, *, ttl: float) -> None:
        """Challenges are minted by the service itself (``POST /challenges``), never recorded from outside."""
        raise ThaiVCError("usage.invalid_argument", "this service issues its own challenges: use POST /challenges")

    def redeem(self, challenge: str, *, require_issued: bool) -> ChallengeState:
        """Every challenge this store accepts was issued by the service: ``require_issued`` always holds."""
        return self._db.redeem_challenge(challenge)
