"""Single-use nonces for key-binding JWTs (docs/security.md group F).

A KB-JWT proves possession only if it cannot be replayed: the verifier hands out a nonce, and each
nonce is consumed once. The store is a Protocol (the same shape as ``thaivc.engine.challenge``'s store,
so one store can serve every presentation format) and multi-instance deployments back it with a
shared database; :class:`MemoryNonceStore` serves one process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol, runtime_checkable

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import UsageError

__all__ = ["MemoryNonceStore", "NonceStore"]


@runtime_checkable
class NonceStore(Protocol):
    def consume(self, nonce: str) -> bool:
        """Record ``nonce`` as used; ``True`` the first time, ``False`` on every later call."""
        ...


class MemoryNonceStore:
    """In-process single-use nonce store with a TTL and a bounded size.

    ``ttl`` must outlive the KB-JWT acceptance window (``max_kb_age`` + leeway, 600 s by default):
    a nonce forgotten while a KB-JWT carrying it is still fresh could be replayed. When full of
    live nonces, the store refuses new ones (fail closed) rather than evicting live ones.
    """

    __slots__ = ("_clock", "_lock", "_seen", "max_entries", "ttl")

    def __init__(self, ttl: float = 600.0, *, max_entries: int = 100_000, clock: Clock | None = None) -> None:
        if ttl <= 0 or max_entries <= 0:
            raise UsageError("usage.invalid_argument", "ttl and max_entries must be positive")
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock: Clock = clock or SystemClock()
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def consume(self, nonce: str) -> bool:
        now = self._clock.now()
        with self._lock:
            self._expire(now)
            if nonce in self._seen or len(self._seen) >= self.max_entries:
                return False
            self._seen[nonce] = now + self.ttl
            return True

    def _expire(self, now: float) -> None:
        # Entries are appended in consumption order, so expiry times are monotone for a monotone
        # clock; stop at the first live one.
        while self._seen:
            nonce, expires = next(iter(self._seen.items()))
            if expires > now:
                break
            del self._seen[nonce]

    def __len__(self) -> int:
        return len(self._seen)
