"""The state store on PostgreSQL: for issuers and verifiers running on several hosts.

Each operation is one statement in autocommit mode, so PostgreSQL's row locks make it atomic: of two
sessions deleting the same code, the second waits for the first and then finds nothing. Each
statement borrows a session from a bounded pool (:class:`~thaivc.core.connections.PostgresPool`),
so the sessions stay within ``pool_size`` whatever the number of threads. The schema is created under a
transaction-level advisory lock, because ``CREATE TABLE IF NOT EXISTS`` itself races when several
workers start at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from thaivc.core.clock import Clock
from thaivc.core.connections import PostgresPool
from thaivc.core.errors import ThaiVCError
from thaivc.oid4vc.sql_store import SCHEMA, SqlStateStore, store_closed

__all__ = ["PostgresStateStore"]

#: Advisory-lock key for schema creation ("thaivc-p" as a 64-bit integer).
_SCHEMA_LOCK: Final = 0x7468616976632D70


class PostgresStateStore(SqlStateStore):
    """:class:`~thaivc.oid4vc.store.StateStore` on PostgreSQL (``pip install 'thaivc[postgres]'``)."""

    def __init__(
        self,
        dsn: str,
        *,
        clock: Clock | None = None,
        connect_timeout: int = 10,
        pool_size: int = 10,
        pool_wait: float = 5.0,
    ) -> None:
        super().__init__(clock=clock)
        try:
            import psycopg
        except ImportError:  # pragma: no cover - the extra is part of dev
            raise ThaiVCError("openid.store", "PostgreSQL needs psycopg: pip install 'thaivc[postgres]'") from None
        self._psycopg = psycopg
        try:  # the schema on a connection of its own: an unreachable server fails here, at once
            with psycopg.connect(dsn, autocommit=True, connect_timeout=connect_timeout) as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                for statement in SCHEMA:
                    conn.execute(statement)
        except psycopg.Error as exc:
            # the DSN may carry a password: name the failure, not the connection string
            raise ThaiVCError("openid.store", f"cannot create the state table: {type(exc).__name__}") from None
        self._pool = PostgresPool(
            dsn,
            size=pool_size,
            wait=pool_wait,
            connect_timeout=connect_timeout,
            closed=store_closed,
            unavailable=lambda why: ThaiVCError("openid.store", why),
        )

    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._pool.connection() as conn:
            try:
                cur = conn.execute(sql.replace("?", "%s"), tuple(params))
                return list(cur.fetchall()) if cur.description else []
            except self._psycopg.Error as exc:
                raise ThaiVCError("openid.store", f"{type(exc).__name__}: {str(exc)[:200]}") from None

    def close(self) -> None:
        """Close the pool and its connections; later use is ``openid.store``."""
        self._pool.close()
