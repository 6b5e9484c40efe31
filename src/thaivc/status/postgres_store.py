"""PostgreSQL status store (psycopg 3), for issuers running several instances.

Concurrency: uniqueness of ``(list_id, idx)`` and of ``(issuer_id, purpose, credential_id)`` is
enforced by constraints; writers of one issuer and purpose are serialised with a transaction-scoped
advisory lock (``pg_advisory_xact_lock``), which keeps the "current open list" exact and prevents
deadlocks between two large batches that touch the same rows in different orders; publishers lock the
list row with ``SELECT … FOR UPDATE``. Snapshots for publishing are read at ``REPEATABLE READ`` so a
list's revision and its values come from the same instant. Batches of ids are loaded with ``COPY``.

Connections: a bounded pool (:class:`~thaivc.core.connections.PostgresPool`); each transaction
borrows one and gives it back, so the sessions stay within ``pool_size`` whatever the number of
threads; :meth:`PostgresStatusStore.close` closes them all. Creating
the schema takes the same advisory lock, so instances that start together do not race on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from thaivc.core.connections import PostgresPool
from thaivc.core.errors import ThaiVCError
from thaivc.status.sql_store import EntryRow, SqlStatusStore, migrate_schema, require_origin, store_closed

__all__ = ["PostgresStatusStore"]

#: Up to this many ids, existing entries are looked up with one ``= ANY(array)`` statement.
_ARRAY_PROBE_MAX: Final = 20_000


class PostgresStatusStore(SqlStatusStore):
    """:class:`~thaivc.status.store.StatusStore` on PostgreSQL, on a pool of at most ``pool_size`` sessions.

    A thread that finds every session busy for ``pool_wait`` seconds gets ``status.store``.
    """

    def __init__(
        self,
        dsn: str,
        *,
        connect_timeout: int = 10,
        pool_size: int = 10,
        pool_wait: float = 5.0,
        origin: str | None = None,
    ) -> None:
        self.origin = require_origin(origin)
        try:
            import psycopg
        except ImportError:  # pragma: no cover - depends on the installation
            raise ThaiVCError(
                "status.store", "PostgresStatusStore needs psycopg: install thaivc[postgres]"
            ) from None
        self._psycopg = psycopg
        self._dsn = dsn
        self._connect_timeout = connect_timeout
        self._check_reachable()
        self._conns = PostgresPool(dsn, size=pool_size, wait=pool_wait, connect_timeout=connect_timeout,
                                   closed=store_closed, unavailable=lambda why: ThaiVCError("status.store", why))
        try:
            with self._write("schema") as cur:
                migrate_schema(lambda sql, params: self._execute(cur, sql, params), "postgres")
        except ThaiVCError:
            self._conns.close()
            raise

    def _check_reachable(self) -> None:
        """Fail at construction, and at once, when the server cannot be reached (a pool would wait)."""
        try:
            self._psycopg.connect(self._dsn, autocommit=True, connect_timeout=self._connect_timeout).close()
        except self._psycopg.Error as exc:
            raise ThaiVCError("status.store", f"cannot connect to PostgreSQL: {type(exc).__name__}") from None

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        # a connection PostgreSQL closed (a restart, a failover) is discarded by the pool when it comes back
        with self._conns.connection() as conn:
            try:
                with conn.transaction(), conn.cursor() as cur:
                    yield cur
            except self._psycopg.Error as exc:
                raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    @contextmanager
    def _write(self, lock_key: str) -> Iterator[Any]:
        with self._transaction() as cur:
            self._execute(cur, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (lock_key,))
            yield cur

    @contextmanager
    def _read(self) -> Iterator[Any]:
        with self._transaction() as cur:
            self._execute(cur, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield cur

    def _read_one(self, sql: str, params: Sequence[Any]) -> Any:
        # the connection is in autocommit: one statement is its own transaction, one round trip
        with self._conns.connection() as conn:
            try:
                with conn.cursor() as cur:
                    return self._execute(cur, sql, params).fetchone()
            except self._psycopg.Error as exc:
                raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    def _execute(self, cur: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return cur.execute(sql.replace("?", "%s"), params)
        except self._psycopg.Error as exc:
            raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    def _execute_many(self, cur: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            cur.executemany(sql.replace("?", "%s"), rows)
        except self._psycopg.Error as exc:
            raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    def _existing(self, cur: Any, issuer_id: str, purpose: str, wanted: list[str]) -> list[Any]:
        # Probed through the unique index with an array parameter, _ARRAY_PROBE_MAX ids a statement.
        # A chunk of a batch is one statement; creating, filling and analysing two temporary tables
        # cost ~100 ms a chunk, more than signing it. A batch of 100,000 is five: the id table and
        # its join took ~1.4 s per 100,000 (most of the difference to the raw COPY, issue 16). The
        # array travels in binary (%b): psycopg dumps 100,000 strings in ~30 ms, as text in ~80 ms.
        rows: list[Any] = []
        for start in range(0, len(wanted), _ARRAY_PROBE_MAX):
            rows.extend(
                self._execute(
                    cur,
                    "SELECT credential_id, list_id, idx FROM thaivc_status_entry"
                    " WHERE issuer_id = ? AND purpose = ? AND credential_id = ANY(%b)",
                    (issuer_id, purpose, wanted[start : start + _ARRAY_PROBE_MAX]),
                ).fetchall()
            )
        return rows

    def _used_among(self, cur: Any, list_id: str, candidates: Sequence[int]) -> set[int]:
        rows = self._execute(
            cur, "SELECT idx FROM thaivc_status_entry WHERE list_id = ? AND idx = ANY(%b)", (list_id, list(candidates))
        ).fetchall()
        return {int(r[0]) for r in rows}

    def _insert_entries(self, cur: Any, rows: Sequence[EntryRow]) -> None:
        # COPY, not one INSERT per row: the constraints hold for COPY as for INSERT, so a clash on
        # (list_id, idx) or (issuer_id, purpose, credential_id) still aborts the whole transaction.
        try:
            with cur.copy(
                "COPY thaivc_status_entry (list_id, idx, issuer_id, purpose, credential_id, allocated_at, origin,"
                " value) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row((*row, 0))
        except self._psycopg.Error as exc:
            raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None

    def _load_ids(self, cur: Any, credential_ids: Iterable[str]) -> int:
        # COPY into a staging table, then keep the distinct ids under a primary key: with the key
        # the planner probes ids by index even when the entry table's statistics are stale (a
        # large batch right after a large allocation), instead of re-scanning the batch per row.
        self._execute(cur, "CREATE TEMP TABLE thaivc_ids_in (id TEXT NOT NULL) ON COMMIT DROP")
        try:
            with cur.copy("COPY thaivc_ids_in (id) FROM STDIN") as copy:
                for credential_id in credential_ids:
                    copy.write_row((credential_id,))
        except self._psycopg.Error as exc:
            raise ThaiVCError("status.store", f"{type(exc).__name__}: {exc}") from None
        self._execute(cur, "CREATE TEMP TABLE thaivc_ids (id TEXT PRIMARY KEY) ON COMMIT DROP")
        self._execute(cur, "INSERT INTO thaivc_ids (id) SELECT DISTINCT id FROM thaivc_ids_in")
        self._execute(cur, "ANALYZE thaivc_ids")
        return int(self._execute(cur, "SELECT COUNT(*) FROM thaivc_ids").fetchone()[0])

    def _lock_list(self, cur: Any, list_id: str) -> None:
        self._execute(cur, "SELECT 1 FROM thaivc_status_list WHERE list_id = ? FOR UPDATE", (list_id,))

    def close(self) -> None:
        """Close the pool and its connections; later use is ``status.store``."""
        self._conns.close()
