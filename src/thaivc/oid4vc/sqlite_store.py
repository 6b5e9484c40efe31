"""The state store on one SQLite file: for an issuer or verifier on a single host (several processes).

Every write runs as ``BEGIN IMMEDIATE`` … ``COMMIT`` around its one statement, so the write lock is
taken up front and a waiting process is put to sleep by ``busy_timeout`` rather than failing; a lock
that SQLite reports busy without waiting (switching a new file to WAL, a stale WAL snapshot) is
retried with jitter until the same deadline. ``synchronous=FULL``: a code that was redeemed must stay
redeemed after a power cut. Each thread has its own connection (a :mod:`sqlite3` connection refuses
to cross threads); an in-memory database exists on one connection only, which all threads share in turn.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from os import PathLike
from typing import Any, Final, TypeVar

from thaivc.core.clock import Clock
from thaivc.core.errors import ThaiVCError
from thaivc.oid4vc.sql_store import SCHEMA, SqlStateStore

__all__ = ["SqliteStateStore"]

T = TypeVar("T")

_BUSY: Final = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _BUSY
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class SqliteStateStore(SqlStateStore):
    """:class:`~thaivc.oid4vc.store.StateStore` on a SQLite file, shared by threads and processes."""

    def __init__(self, path: str | PathLike[str], *, busy_timeout: float = 30.0, clock: Clock | None = None) -> None:
        super().__init__(clock=clock)
        self._path = os.fspath(path)
        self._busy_timeout = busy_timeout
        self._memory = self._path == ":memory:" or "mode=memory" in self._path
        self._local = threading.local()
        self._lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._shared: sqlite3.Connection | None = None
        self._closed = False
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
        if self._closed:
            raise ThaiVCError("openid.store", "the state store is closed")
        if self._memory:
            with self._lock:
                if self._shared is None:
                    self._shared = self._with_retry(self._connect)
                    self._all.append(self._shared)
                return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._with_retry(self._connect)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        with self._lock if self._memory else _NoLock():
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in SCHEMA:
                    conn.execute(statement)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def _with_retry(self, step: Callable[[], T]) -> T:
        deadline = time.monotonic() + self._busy_timeout
        pause = 0.005
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() + pause > deadline:
                    raise ThaiVCError("openid.store", f"{type(exc).__name__}: {exc}") from None
            except sqlite3.Error as exc:
                raise ThaiVCError("openid.store", f"{type(exc).__name__}: {exc}") from None
            time.sleep(pause * (0.5 + secrets.randbelow(1000) / 1000))
            pause = min(pause * 2, 0.1)

    # -- statements --------------------------------------------------------------------------------
    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        conn = self._conn()
        if sql.startswith("SELECT"):
            return self._with_retry(lambda: list(conn.execute(sql, params).fetchall()))
        return self._with_retry(lambda: self._write(conn, sql, params))

    def _write(self, conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._lock if self._memory else _NoLock():
            conn.execute("BEGIN IMMEDIATE")
            try:
                rows = list(conn.execute(sql, params).fetchall())
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            return rows

    def close(self) -> None:
        """Close every thread's connection; later use is ``openid.store``."""
        with self._lock:
            self._closed = True
            conns, self._all = self._all, []
            self._shared = None
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
