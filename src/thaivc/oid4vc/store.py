"""State stores for the protocol endpoints: single-use and expiring records.

Every piece of protocol state (credential offers, pre-authorized and authorization codes, ``c_nonce``
values, DPoP ``jti``\\s, access tokens, deferred transactions, attempt counters) lives behind one small
interface, so an agency runs the endpoints on several processes or hosts against one database and a
single-use value stays single-use across all of them. The operations are the ones the protocols
need and each is *one atomic step* on every back-end:

* :meth:`StateStore.put` inserts only when the key is absent (or expired): "first one wins", which is
  how a DPoP ``jti`` or a proof key is recorded as seen;
* :meth:`StateStore.take` reads and deletes in one step: exactly one caller ever gets a code;
* :meth:`StateStore.update` is compare-and-set on a version number, for records that change state
  (a deferred transaction becoming ready, an offer whose keys are recorded);
* :meth:`StateStore.incr` counts attempts (wrong transaction codes) without a read-modify-write race.

Records are JSON objects; an expired record is treated as absent by every operation (and removed by
:meth:`StateStore.purge_expired`). Keys that are secrets (codes, tokens) should be hashed by the
caller before they are used as keys, so a copy of the database does not hand out live codes; the
OpenID4VCI issuer does that.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol, runtime_checkable

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import ThaiVCError, UsageError

__all__ = [
    "MAX_KEY_LENGTH",
    "MemoryStateStore",
    "Record",
    "StateStore",
    "encode_value",
    "require_key",
]

#: Longest namespace or key accepted (characters): keys are identifiers or hashes, never documents.
MAX_KEY_LENGTH: Final = 256
#: Largest encoded record (bytes): protocol state is small; a cap keeps a hostile caller from filling
#: the database through an endpoint that stores something it was sent.
MAX_VALUE_BYTES: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class Record:
    """One stored record: its JSON object, its version (for :meth:`StateStore.update`), its expiry."""

    value: dict[str, Any]
    version: int
    expires_at: float


@runtime_checkable
class StateStore(Protocol):
    """Expiring, single-use protocol state. All methods are atomic; ``ttl`` is in seconds (> 0)."""

    def put(self, namespace: str, key: str, value: Mapping[str, Any], *, ttl: float) -> bool:
        """Store ``value`` unless a live record has this key. ``True`` if stored, ``False`` if one was there."""
        ...

    def get(self, namespace: str, key: str) -> Record | None:
        """The live record, or ``None``."""
        ...

    def take(self, namespace: str, key: str) -> Record | None:
        """Remove and return the live record in one step; of racing callers exactly one gets it."""
        ...

    def update(
        self, namespace: str, key: str, value: Mapping[str, Any], *, version: int, ttl: float | None = None
    ) -> bool:
        """Replace the record if it is live and still at ``version`` (compare-and-set); ``ttl`` renews
        its lifetime from now. ``False`` if it changed, expired or vanished meanwhile."""
        ...

    def incr(self, namespace: str, key: str, *, ttl: float) -> int:
        """Add one to a counter (created at 1, expiring ``ttl`` seconds after creation); the new count."""
        ...

    def count(self, namespace: str, key: str) -> int:
        """The counter's value (0 when absent or expired)."""
        ...

    def delete(self, namespace: str, key: str) -> bool:
        """Remove the record; ``True`` if a live one was there."""
        ...

    def purge_expired(self) -> int:
        """Remove expired records; how many. Housekeeping only: expired records are never returned."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def require_key(namespace: str, key: str) -> None:
    """Refuse empty or oversized names (a programming error, or a hostile value passed through)."""
    for what, text in (("namespace", namespace), ("key", key)):
        if not isinstance(text, str) or not text or len(text) > MAX_KEY_LENGTH:
            raise UsageError("usage.invalid_argument", f"a state {what} must be 1..{MAX_KEY_LENGTH} characters")


def require_ttl(ttl: float) -> None:
    if not isinstance(ttl, int | float) or isinstance(ttl, bool) or not ttl > 0:
        raise UsageError("usage.invalid_argument", "a state ttl must be a positive number of seconds")


def encode_value(value: Mapping[str, Any]) -> str:
    """The stored text of a record: JSON, capped (``usage.invalid_argument`` when not an object or too big)."""
    if not isinstance(value, Mapping):
        raise UsageError("usage.invalid_argument", "a state record must be a JSON object")
    text = json.dumps(dict(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if len(text.encode("utf-8")) > MAX_VALUE_BYTES:
        raise UsageError("usage.invalid_argument", f"a state record must be at most {MAX_VALUE_BYTES} bytes")
    return text


def decode_value(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


class MemoryStateStore:
    """:class:`StateStore` in one process's memory: for tests, demos and a single-process service.

    One lock serialises every operation, so it is safe across threads; it is *not* shared between
    processes (use :class:`~thaivc.oid4vc.SqliteStateStore` or
    :class:`~thaivc.oid4vc.PostgresStateStore` for that).
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        # (namespace, key) -> [value JSON text, version, counter, expires_at]
        self._rows: dict[tuple[str, str], tuple[str, int, int, float]] = {}
        self._closed = False

    def _live(self, namespace: str, key: str, now: float) -> tuple[str, int, int, float] | None:
        if self._closed:
            raise ThaiVCError("openid.store", "the state store is closed")
        row = self._rows.get((namespace, key))
        if row is None or row[3] <= now:
            return None
        return row

    def put(self, namespace: str, key: str, value: Mapping[str, Any], *, ttl: float) -> bool:
        require_key(namespace, key)
        require_ttl(ttl)
        text = encode_value(value)
        with self._lock:
            now = self._clock.now()
            if self._live(namespace, key, now) is not None:
                return False
            old = self._rows.get((namespace, key))
            self._rows[(namespace, key)] = (text, (old[1] + 1) if old else 1, 0, now + ttl)
            return True

    def get(self, namespace: str, key: str) -> Record | None:
        require_key(namespace, key)
        with self._lock:
            row = self._live(namespace, key, self._clock.now())
            return None if row is None else Record(decode_value(row[0]), row[1], row[3])

    def take(self, namespace: str, key: str) -> Record | None:
        require_key(namespace, key)
        with self._lock:
            row = self._live(namespace, key, self._clock.now())
            if row is None:
                return None
            del self._rows[(namespace, key)]
            return Record(decode_value(row[0]), row[1], row[3])

    def update(
        self, namespace: str, key: str, value: Mapping[str, Any], *, version: int, ttl: float | None = None
    ) -> bool:
        require_key(namespace, key)
        if ttl is not None:
            require_ttl(ttl)
        text = encode_value(value)
        with self._lock:
            now = self._clock.now()
            row = self._live(namespace, key, now)
            if row is None or row[1] != version:
                return False
            self._rows[(namespace, key)] = (text, version + 1, row[2], now + ttl if ttl is not None else row[3])
            return True

    def incr(self, namespace: str, key: str, *, ttl: float) -> int:
        require_key(namespace, key)
        require_ttl(ttl)
        with self._lock:
            now = self._clock.now()
            row = self._live(namespace, key, now)
            if row is None:
                old = self._rows.get((namespace, key))
                self._rows[(namespace, key)] = ("{}", (old[1] + 1) if old else 1, 1, now + ttl)
                return 1
            self._rows[(namespace, key)] = (row[0], row[1] + 1, row[2] + 1, row[3])
            return row[2] + 1

    def count(self, namespace: str, key: str) -> int:
        require_key(namespace, key)
        with self._lock:
            row = self._live(namespace, key, self._clock.now())
            return 0 if row is None else row[2]

    def delete(self, namespace: str, key: str) -> bool:
        require_key(namespace, key)
        with self._lock:
            row = self._live(namespace, key, self._clock.now())
            self._rows.pop((namespace, key), None)
            return row is not None

    def purge_expired(self) -> int:
        with self._lock:
            now = self._clock.now()
            dead = [k for k, row in self._rows.items() if row[3] <= now]
            for k in dead:
                del self._rows[k]
            return len(dead)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._rows.clear()

    def snapshot(self) -> dict[tuple[str, str], Record]:
        """A deep copy of every live record (for tests and debugging)."""
        with self._lock:
            now = self._clock.now()
            return {
                k: Record(copy.deepcopy(decode_value(r[0])), r[1], r[3]) for k, r in self._rows.items() if r[3] > now
            }
