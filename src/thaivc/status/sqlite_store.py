"""SQLite status store: the default, for a single issuer host.

Settings and why:

* ``journal_mode=WAL``: readers (the list server) never block the writer and vice versa;
* ``synchronous=FULL``: in WAL mode ``NORMAL`` may lose the last commits on power loss; a revocation
  that was acknowledged must survive, so every commit is fsynced;
* ``BEGIN IMMEDIATE`` for every write: the write lock is taken up front, so two processes never both
  read the open list and then race to upgrade (which SQLite answers with ``SQLITE_BUSY`` mid-way);
* ``busy_timeout``: concurrent writers wait instead of failing;
* autocommit mode in :mod:`sqlite3` (``isolation_level=None``) so the module never opens or commits a
  transaction behind our back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from os import PathLike
from typing import Any

from thaivc.errors import ThaiVCError
from thaivc.status.sql_store import SCHEMA, SqlStatusStore

__all__ = ["SqliteStatusStore"]


class SqliteStatusStore(SqlStatusStore):
    """:class:`~thaivc.status.store.StatusStore` on one SQLite file (one connection per instance).

    An instance is not shared between threads; open one per thread or process.
    """

    def __init__(self, path: str | PathLike[str], *, busy_timeout: float = 60.0) -> None:
        try:
            self._conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if str(mode[0]).lower() != "wal" and str(path) != ":memory:":
                raise ThaiVCError("status.store", f"cannot enable WAL journal (got {mode[0]})")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            with self._write("schema") as cur:
                for statement in SCHEMA:
                    cur.execute(statement)
        except sqlite3.Error as exc:
            raise ThaiVCError("status.store", f"cannot open the status store: {exc}") from None

    @contextmanager
    def _write(self, lock_key: str) -> Iterator[sqlite3.Cursor]:
        del lock_key  # SQLite has one writer at a time: BEGIN IMMEDIATE serialises all of them
        with self._transaction("BEGIN IMMEDIATE") as cur:
            yield cur

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Cursor]:
        with self._transaction("BEGIN") as cur:
            yield cur

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Cursor]:
        try:
            cur = self._conn.execute(begin)
        except sqlite3.Error as exc:
            raise ThaiVCError("status.store", f"cannot start a transaction: {exc}") from None
        try:
            yield cur
        except BaseException:
            self._conn.rollback()
            raise
        try:
            self._conn.commit()
        except sqlite3.Error as exc:
            self._conn.rollback()
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
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._conn.close()
