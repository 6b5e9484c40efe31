"""The SQL both database state stores share: every operation is one statement.

Each :class:`~thaivc.oid4vc.store.StateStore` operation is a single ``INSERT … ON CONFLICT``,
``DELETE … RETURNING`` or ``UPDATE … WHERE version = ?`` statement, so its atomicity is the database's
own, across threads, processes and hosts: two processes taking one code both run the ``DELETE``, and
the database gives the row to exactly one of them. No read-then-write is ever split across
statements. SQLite (3.35+) and PostgreSQL accept the same text; only the placeholder differs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Final

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import ThaiVCError
from thaivc.oid4vc.store import Record, decode_value, encode_value, require_key, require_ttl

__all__ = ["TABLE", "SqlStateStore", "store_closed"]


def store_closed() -> ThaiVCError:
    """What any use of a closed state store raises (the SQLite and PostgreSQL stores alike)."""
    return ThaiVCError("openid.store", "the state store is closed")


#: The one table (namespace, key) -> record; named in the statements below as a literal.
TABLE: Final = "thaivc_protocol_state"

SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS thaivc_protocol_state ("
    " namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, version BIGINT NOT NULL,"
    " counter BIGINT NOT NULL, expires_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (namespace, key))",
    "CREATE INDEX IF NOT EXISTS thaivc_protocol_state_expiry ON thaivc_protocol_state (expires_at)",
)

_PUT: Final = (
    "INSERT INTO thaivc_protocol_state (namespace, key, value, version, counter, expires_at) VALUES (?, ?, ?, 1, 0, ?)"
    " ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, version = thaivc_protocol_state.version + 1,"
    " counter = 0, expires_at = excluded.expires_at WHERE thaivc_protocol_state.expires_at <= ? RETURNING version"
)
_GET: Final = (
    "SELECT value, version, expires_at FROM thaivc_protocol_state WHERE namespace = ? AND key = ? AND expires_at > ?"
)
_TAKE: Final = (
    "DELETE FROM thaivc_protocol_state WHERE namespace = ? AND key = ? AND expires_at > ?"
    " RETURNING value, version, expires_at"
)
_UPDATE: Final = (
    "UPDATE thaivc_protocol_state SET value = ?, version = version + 1, expires_at = COALESCE(?, expires_at)"
    " WHERE namespace = ? AND key = ? AND version = ? AND expires_at > ? RETURNING version"
)
_INCR: Final = (
    "INSERT INTO thaivc_protocol_state (namespace, key, value, version, counter, expires_at) VALUES (?,"
    " ?, '{}', 1, 1, ?)"
    " ON CONFLICT (namespace, key) DO UPDATE SET version = thaivc_protocol_state.version + 1,"
    " counter = CASE WHEN thaivc_protocol_state.expires_at <= ? THEN 1 ELSE thaivc_protocol_state.counter + 1 END,"
    " value = CASE WHEN thaivc_protocol_state.expires_at <= ? THEN '{}' ELSE thaivc_protocol_state.value END,"
    " expires_at = CASE WHEN thaivc_protocol_state.expires_at <= ? THEN excluded.expires_at ELSE"
    " thaivc_protocol_state.expires_at END"
    " RETURNING counter"
)
_COUNT: Final = "SELECT counter FROM thaivc_protocol_state WHERE namespace = ? AND key = ? AND expires_at > ?"
_DELETE: Final = "DELETE FROM thaivc_protocol_state WHERE namespace = ? AND key = ? RETURNING expires_at"
_PURGE: Final = "DELETE FROM thaivc_protocol_state WHERE expires_at <= ? RETURNING 1"


class SqlStateStore(ABC):
    """A :class:`~thaivc.oid4vc.store.StateStore` on a SQL database; subclasses run the statements."""

    def __init__(self, *, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Execute one statement as its own transaction; the rows it returned."""

    @abstractmethod
    def close(self) -> None: ...

    def put(self, namespace: str, key: str, value: Mapping[str, Any], *, ttl: float) -> bool:
        require_key(namespace, key)
        require_ttl(ttl)
        text = encode_value(value)
        now = self._clock.now()
        return bool(self._run(_PUT, (namespace, key, text, now + ttl, now)))

    def get(self, namespace: str, key: str) -> Record | None:
        require_key(namespace, key)
        rows = self._run(_GET, (namespace, key, self._clock.now()))
        return Record(decode_value(rows[0][0]), int(rows[0][1]), float(rows[0][2])) if rows else None

    def take(self, namespace: str, key: str) -> Record | None:
        require_key(namespace, key)
        rows = self._run(_TAKE, (namespace, key, self._clock.now()))
        return Record(decode_value(rows[0][0]), int(rows[0][1]), float(rows[0][2])) if rows else None

    def update(
        self, namespace: str, key: str, value: Mapping[str, Any], *, version: int, ttl: float | None = None
    ) -> bool:
        require_key(namespace, key)
        if ttl is not None:
            require_ttl(ttl)
        text = encode_value(value)
        now = self._clock.now()
        expires = None if ttl is None else now + ttl
        return bool(self._run(_UPDATE, (text, expires, namespace, key, int(version), now)))

    def incr(self, namespace: str, key: str, *, ttl: float) -> int:
        require_key(namespace, key)
        require_ttl(ttl)
        now = self._clock.now()
        rows = self._run(_INCR, (namespace, key, now + ttl, now, now, now))
        return int(rows[0][0])

    def count(self, namespace: str, key: str) -> int:
        require_key(namespace, key)
        rows = self._run(_COUNT, (namespace, key, self._clock.now()))
        return int(rows[0][0]) if rows else 0

    def delete(self, namespace: str, key: str) -> bool:
        require_key(namespace, key)
        now = self._clock.now()
        rows = self._run(_DELETE, (namespace, key))
        return any(float(r[0]) > now for r in rows)

    def purge_expired(self) -> int:
        return len(self._run(_PURGE, (self._clock.now(),)))
