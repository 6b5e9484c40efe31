"""Challenge ledgers in SQLite and PostgreSQL, shared by every verifier instance of a service.

One login's challenge may be issued by one worker and answered at another, so the record of what was
issued and what was spent lives in the database, in one table (``thaivc_challenge``; it can sit in
the same database as the status store). Each operation is a single statement, so the database, not
the process, makes redeeming atomic: the ``UPDATE … WHERE used = 0`` succeeds for exactly one of two
concurrent answers, and the primary key lets exactly one of two ``INSERT``s of an unissued challenge
through.

Challenges are stored as their SHA-256 digest: a reader of the table cannot answer a pending login.
Rows are deleted a while after they expire, by :meth:`issue` (no background job is needed).
"""

from __future__ import annotations

import hashlib
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from os import PathLike
from typing import Any, Final

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.connections import PostgresPool, ThreadConnections
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.engine.challenge import ChallengeState, require_ttl

__all__ = ["PostgresChallengeStore", "SqliteChallengeStore"]

SCHEMA: Final = """CREATE TABLE IF NOT EXISTS thaivc_challenge (
    digest TEXT PRIMARY KEY,
    expires_at DOUBLE PRECISION NOT NULL,
    used INTEGER NOT NULL
)"""


def _closed() -> Indeterminate:
    return Indeterminate("vp.challenge_unknown", "the challenge store is closed")


def _digest(challenge: str) -> str:
    return hashlib.sha256(challenge.encode("utf-8")).hexdigest()


class _SqlChallengeStore(ABC):
    """The statements both databases run (``?`` placeholders; PostgreSQL translates them)."""

    def __init__(self, *, retain: float, clock: Clock | None) -> None:
        self._retain = require_ttl(retain)
        self._clock: Clock = clock or SystemClock()

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> tuple[int, list[Sequence[Any]]]:
        """Run one statement in its own transaction: (rows changed, rows returned)."""

    @abstractmethod
    def close(self) -> None: ...

    def issue(self, challenge: str, *, ttl: float) -> None:
        """Record ``challenge`` as issued and answerable for ``ttl`` seconds; purge long-dead rows."""
        now = self._clock.now()
        self._run("DELETE FROM thaivc_challenge WHERE expires_at < ?", (now - self._retain,))
        self._run("INSERT INTO thaivc_challenge (digest, expires_at, used) VALUES (?, ?, 0)",
                  (_digest(challenge), now + require_ttl(ttl)))

    def redeem(self, challenge: str, *, require_issued: bool) -> ChallengeState:
        now = self._clock.now()
        key = _digest(challenge)
        changed, _ = self._run(
            "UPDATE thaivc_challenge SET used = 1, expires_at = ? WHERE digest = ? AND used = 0 AND expires_at > ?",
            (now + self._retain, key, now))
        if changed == 1:
            return "fresh"
        _, rows = self._run("SELECT used FROM thaivc_challenge WHERE digest = ?", (key,))
        if rows:
            return "replayed" if rows[0][0] else "expired"
        if require_issued:
            return "unknown"
        changed, _ = self._run(
            "INSERT INTO thaivc_challenge (digest, expires_at, used) VALUES (?, ?, 1) ON CONFLICT DO NOTHING",
            (key, now + self._retain))
        return "fresh" if changed == 1 else "replayed"

    def consume(self, challenge: str) -> bool:
        return self.redeem(challenge, require_issued=False) == "fresh"


class SqliteChallengeStore(_SqlChallengeStore):
    """A challenge ledger in a SQLite file, for the workers of one machine.

    ``retain`` is how long a spent challenge is remembered (it must outlive any challenge's ``ttl``).
    """

    def __init__(self, path: str | PathLike[str], *, retain: float = 3600.0, clock: Clock | None = None,
                 busy_timeout: float = 30.0) -> None:
        super().__init__(retain=retain, clock=clock)
        self._path = str(path)
        self._timeout = busy_timeout
        self._conns: ThreadConnections[sqlite3.Connection] = ThreadConnections(
            self._open, sqlite3.Connection.close, closed=_closed, shared=self._path == ":memory:")
        self._run(SCHEMA)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        return conn

    def _run(self, sql: str, params: Sequence[Any] = ()) -> tuple[int, list[Sequence[Any]]]:
        try:
            cur = self._conns.get().execute(sql, tuple(params))
            return cur.rowcount, cur.fetchall()
        except (sqlite3.Error, ThaiVCError) as exc:  # a database error, or the store already closed
            raise Indeterminate("vp.challenge_unknown", f"challenge store: {type(exc).__name__}") from None

    def close(self) -> None:
        self._conns.close()


class PostgresChallengeStore(_SqlChallengeStore):
    """A challenge ledger in PostgreSQL (psycopg 3), shared by every instance of a service."""

    def __init__(self, dsn: str, *, retain: float = 3600.0, clock: Clock | None = None,
                 connect_timeout: int = 10, pool_size: int = 10, pool_wait: float = 5.0) -> None:
        super().__init__(retain=retain, clock=clock)
        try:
            import psycopg
        except ImportError:  # pragma: no cover - depends on the installation
            raise Indeterminate("vp.challenge_unknown", "PostgresChallengeStore needs psycopg: "
                                "install thaivc[postgres]") from None
        self._psycopg = psycopg
        try:  # the schema on a connection of its own: an unreachable server fails here, at once
            with psycopg.connect(dsn, autocommit=True, connect_timeout=connect_timeout) as conn:
                conn.execute(SCHEMA)
        except psycopg.Error as exc:
            raise Indeterminate("vp.challenge_unknown", f"cannot connect to PostgreSQL: {type(exc).__name__}") from None
        self._conns = PostgresPool(dsn, size=pool_size, wait=pool_wait, connect_timeout=connect_timeout,
                                   closed=_closed, unavailable=lambda why: Indeterminate("vp.challenge_unknown", why))

    def _run(self, sql: str, params: Sequence[Any] = ()) -> tuple[int, list[Sequence[Any]]]:
        try:
            with self._conns.connection() as conn, conn.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), tuple(params))
                rows = cur.fetchall() if cur.description is not None else []
                return int(cur.rowcount), rows
        except (self._psycopg.Error, ThaiVCError) as exc:  # a database error, or the store already closed
            raise Indeterminate("vp.challenge_unknown", f"challenge store: {type(exc).__name__}") from None

    def close(self) -> None:
        self._conns.close()
