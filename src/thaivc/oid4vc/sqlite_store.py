"""The state store on one SQLite file: for an issuer or verifier on a single host (several processes).

Every write runs as ``BEGIN IMMEDIATE`` … ``COMMIT`` around its one statement, so the write lock is
taken up front and a waiting process is put to sleep by ``busy_timeout`` rather than failing; a lock
that SQLite reports busy without waiting (switching a new file to WAL, a stale WAL snapshot) is
retried with jitter until the same deadline. ``synchronous=FULL``: a code that was redeemed must stay
redeemed after a power cut. Each thread has its own connection (a :mod:`sqlite3` connection refuses
to cross threads), closed when the thread ends; an in-memory database exists on one connection
only, which all threads share in turn.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from os import PathLike
from typing import Any, TypeVar

from thaivc.core.clock import Clock
from thaivc.core.connections import ThreadConnections
from thaivc.core.errors import ThaiVCError
from thaivc.core.sqlite import create_schema, immediate, retry_while_busy
from thaivc.oid4vc.sql_store import SCHEMA, SqlStateStore, store_closed

__all__ = ["SqliteStateStore"]

T = TypeVar("T")


def _store_error(exc: sqlite3.Error) -> ThaiVCError:
    """Every SQLite failure of this store, busy past the deadline or not, is ``openid.store``."""
    return ThaiVCError("openid.store", f"{type(exc).__name__}: {exc}")


class SqliteStateStore(SqlStateStore):
    """:class:`~thaivc.oid4vc.store.StateStore` on a SQLite file, shared by threads and processes."""

    def __init__(self, path: str | PathLike[str], *, busy_timeout: float = 30.0, clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        self._path = os.fspath(path)
        self._busy_timeout = busy_timeout
        self._memory = self._path == ":memory:" or "mode=memory" in self._path
        self._lock = threading.RLock()  # an in-memory database: its one connection is used in turn
        self._conns: ThreadConnections[sqlite3.Connection] = ThreadConnections(
            lambda: self._with_retry(self._connect), sqlite3.Connection.close, closed=store_closed, shared=self._memory
        )
        self._with_retry(lambda: self._create_schema(self._conn()))

    # -- connections -------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            if not self._memory:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
                if str(mode[0]).lower() != "wal":
                    raise sqlite3.OperationalError("database is locked (WAL not enabled yet)")
            conn.execute("PRAGMA synchronous = FULL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _conn(self) -> sqlite3.Connection:
        return self._conns.get()

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        with self._lock if self._memory else _NoLock():
            create_schema(conn, SCHEMA)

    def _with_retry(self, step: Callable[[], T]) -> T:
        return retry_while_busy(step, timeout=self._busy_timeout, fail=_store_error)

    # -- statements --------------------------------------------------------------------------------
    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        conn = self._conn()
        if sql.startswith("SELECT"):
            return self._with_retry(lambda: list(conn.execute(sql, params).fetchall()))
        return self._with_retry(lambda: self._write(conn, sql, params))

    def _write(self, conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock if self._memory else _NoLock():
            return immediate(conn, lambda c: list(c.execute(sql, params).fetchall()))

    def close(self) -> None:
        """Close every thread's connection; later use is ``openid.store``."""
        self._conns.close()


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
