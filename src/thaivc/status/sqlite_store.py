"""SQLite status store: the default, for a single issuer host.

Settings and why:

* ``journal_mode=WAL``: readers (the list server) never block the writer and vice versa;
* ``synchronous=FULL``: in WAL mode ``NORMAL`` may lose the last commits on power loss; a revocation
  that was acknowledged must survive, so every commit is fsynced;
* ``BEGIN IMMEDIATE`` for every write: the write lock is taken up front, so two processes never both
  read the open list and then race to upgrade (which SQLite answers with ``SQLITE_BUSY`` mid-way);
* ``busy_timeout``: concurrent writers wait instead of failing;
* autocommit mode in :mod:`sqlite3` (``isolation_level=None``) so the module never opens or commits a
  transaction behind our back;
* one connection per thread (:class:`~thaivc.core.connections.ThreadConnections`): a store may be
  shared by the threads of a server; an in-memory database, which exists only on its connection, is
  the exception: one connection, with its transactions taken in turn;
* opening is retried within ``busy_timeout``: switching a brand-new file to WAL needs an exclusive lock
  and SQLite answers ``SQLITE_BUSY`` at once, without waiting, while another process holds any lock on
  it, so workers that start together would otherwise fail with "database is locked".
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from os import PathLike
from typing import Any, TypeVar

from thaivc.core.connections import ThreadConnections
from thaivc.core.errors import ThaiVCError
from thaivc.core.sqlite import immediate, is_busy, retry_while_busy
from thaivc.status.sql_store import SqlStatusStore, migrate_schema, require_origin, store_closed

__all__ = ["SqliteStatusStore"]

T = TypeVar("T")


class _NotWal(sqlite3.OperationalError):
    """The journal could not be switched to WAL yet (another connection held the file)."""


def _worth_waiting(exc: sqlite3.OperationalError) -> bool:
    """Busy, or WAL not switched on yet: both clear once the other process lets go of the file."""
    return isinstance(exc, _NotWal) or is_busy(exc)


def _is_memory(path: str) -> bool:
    return path == ":memory:" or path.startswith("file::memory:") or "mode=memory" in path


class SqliteStatusStore(SqlStatusStore):
    """:class:`~thaivc.status.store.StatusStore` on one SQLite file.

    Safe to share between threads (each opens its own connection) and between processes (SQLite's
    file locks, ``BEGIN IMMEDIATE`` and ``busy_timeout``); safe to open from many processes at once.
    """

    def __init__(self, path: str | PathLike[str], *, busy_timeout: float = 60.0, origin: str | None = None) -> None:
        self.origin = require_origin(origin)
        self._path = os.fspath(path)
        self._busy_timeout = busy_timeout
        self._memory = _is_memory(self._path)
        # an in-memory database exists on one connection only: all threads share it, in turn
        self._serial: AbstractContextManager[Any] = threading.RLock() if self._memory else nullcontext()
        self._conns = ThreadConnections(self._open, _close, closed=store_closed, shared=self._memory)
        try:
            conn = self._conns.get()
            self._retry_while_busy(lambda: self._create_schema(conn))
        except sqlite3.Error as exc:
            self._conns.close()
            raise ThaiVCError("status.store", f"cannot open the status store: {exc}") from None
        except ThaiVCError:
            self._conns.close()
            raise

    # -- connections ---------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        """A configured connection, retried while another process holds the file (see module doc)."""
        try:
            return self._retry_while_busy(self._connect)
        except sqlite3.Error as exc:
            raise ThaiVCError("status.store", f"cannot open the status store: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if str(mode[0]).lower() != "wal" and not self._memory:
                raise _NotWal(f"cannot enable WAL journal (got {mode[0]})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        return conn

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        # the versioned migrations, in one BEGIN IMMEDIATE transaction; a busy file is retried by the caller
        immediate(conn, lambda c: migrate_schema(c.execute, "sqlite"))

    def _retry_while_busy(self, step: Callable[[], T]) -> T:
        """Run ``step`` again, after a short random pause, while SQLite says the file is locked, until
        ``busy_timeout`` has passed; SQLite itself does not wait in the cases this is for. The SQLite
        error itself is raised at the end: the callers say where it happened (``status.store``)."""
        return retry_while_busy(step, timeout=self._busy_timeout, retry=_worth_waiting)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._conns.get()

    @contextmanager
    def _write(self, lock_key: str) -> Iterator[sqlite3.Cursor]:
        del lock_key  # SQLite has one writer at a time: BEGIN IMMEDIATE serialises all of them
        with self._transaction("BEGIN IMMEDIATE") as cur:
            yield cur

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Cursor]:
        with self._transaction("BEGIN") as cur:
            yield cur

    def _read_one(self, sql: str, params: Sequence[Any]) -> Any:
        # autocommit (isolation_level=None): one statement reads one consistent snapshot by itself
        with self._serial:
            try:
                return self._conn.execute(sql, params).fetchone()
            except sqlite3.Error as exc:
                raise ThaiVCError("status.store", f"read failed: {exc}") from None

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Cursor]:
        with self._serial:
            conn = self._conn
            try:
                cur = conn.execute(begin)
            except sqlite3.Error as exc:
                raise ThaiVCError("status.store", f"cannot start a transaction: {exc}") from None
            try:
                yield cur
            except BaseException:
                conn.rollback()
                raise
            try:
                conn.commit()
            except sqlite3.Error as exc:
                conn.rollback()
                raise ThaiVCError("status.store", f"commit failed: {exc}") from None

    def _execute(self, cur: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return cur.execute(sql, params)
        except sqlite3.Error as exc:
            raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    def _execute_many(self, cur: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        try:
            cur.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    def _used_among(self, cur: Any, list_id: str, candidates: Sequence[int]) -> set[int]:
        # one statement whatever the count: the candidates travel as one JSON array
        rows = self._execute(
            cur,
            "SELECT idx FROM thaivc_status_entry WHERE list_id = ? AND idx IN (SELECT value FROM json_each(?))",
            (list_id, json.dumps(list(candidates))),
        ).fetchall()
        return {int(r[0]) for r in rows}

    def _load_ids(self, cur: Any, credential_ids: Iterable[str]) -> int:
        try:
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS thaivc_ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
            cur.execute("DELETE FROM thaivc_ids")
            cur.executemany(
                "INSERT OR IGNORE INTO thaivc_ids (id) VALUES (?)", ((i,) for i in credential_ids)
            )
            return int(cur.execute("SELECT COUNT(*) FROM thaivc_ids").fetchone()[0])
        except sqlite3.Error as exc:
            raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    def _lock_list(self, cur: Any, list_id: str) -> None:
        del cur, list_id  # the IMMEDIATE transaction already holds the database write lock

    def integrity_check(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` (``"ok"`` when the file is sound)."""
        with self._serial:
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        """Close the connection of every thread that used this store."""
        self._conns.close()


def _close(conn: sqlite3.Connection) -> None:
    conn.close()
