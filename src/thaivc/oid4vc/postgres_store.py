"""The state store on PostgreSQL: for issuers and verifiers running on several hosts.

Each operation is one statement in autocommit mode, so PostgreSQL's row locks make it atomic: of two
sessions deleting the same code, the second waits for the first and then finds nothing. One
connection per thread (a psycopg connection is one session, and sessions must not be shared by
threads mid-statement), closed when its thread ends. The schema is created under a
transaction-level advisory lock, because ``CREATE TABLE IF NOT EXISTS`` itself races when several
workers start at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from thaivc.core.clock import Clock
from thaivc.core.connections import ThreadConnections
from thaivc.core.errors import ThaiVCError
from thaivc.oid4vc.sql_store import SCHEMA, SqlStateStore

__all__ = ["PostgresStateStore"]

#: Advisory-lock key for schema creation ("thaivc-p" as a 64-bit integer).
_SCHEMA_LOCK: Final = 0x7468616976632D70


class PostgresStateStore(SqlStateStore):
    """:class:`~thaivc.oid4vc.store.StateStore` on PostgreSQL (``pip install 'thaivc[postgres]'``)."""

    def __init__(self, dsn: str, *, clock: Clock | None = None, connect_timeout: int = 10) -> None:
        super().__init__(clock=clock)
        try:
            import psycopg
        except ImportError:  # pragma: no cover - the extra is part of dev
            raise ThaiVCError("openid.store", "PostgreSQL needs psycopg: pip install 'thaivc[postgres]'") from None
        self._psycopg = psycopg
        self._dsn = dsn
        self._timeout = connect_timeout
        self._conns: ThreadConnections[Any] = ThreadConnections(
            self._connect, lambda conn: conn.close(), closed=_closed)
        conn = self._conn()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                for statement in SCHEMA:
                    conn.execute(statement)
        except psycopg.Error as exc:
            self.close()
            raise ThaiVCError("openid.store", f"cannot create the state table: {type(exc).__name__}") from None

    def _connect(self) -> Any:
        try:
            return self._psycopg.connect(self._dsn, autocommit=True, connect_timeout=self._timeout)
        except self._psycopg.Error as exc:
            # the DSN may carry a password: name the failure, not the connection string
            raise ThaiVCError("openid.store", f"cannot connect: {type(exc).__name__}") from None

    def _conn(self) -> Any:
        conn = self._conns.get()
        if conn.closed:  # the server restarted or the socket broke: this thread opens anew
            self._conns.discard()
            conn = self._conns.get()
        return conn

    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        conn = self._conn()
        try:
            cur = conn.execute(sql.replace("?", "%s"), tuple(params))
            return list(cur.fetchall()) if cur.description else []
        except self._psycopg.Error as exc:
            raise ThaiVCError("openid.store", f"{type(exc).__name__}: {str(exc)[:200]}") from None

    def close(self) -> None:
        """Close every thread's connection; later use is ``openid.store``."""
        self._conns.close()


def _closed() -> ThaiVCError:
    return ThaiVCError("openid.store", "the state store is closed")
