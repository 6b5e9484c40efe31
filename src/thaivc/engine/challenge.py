"""Single-use challenges (nonces) for presentations.

A challenge defeats replay only if it is accepted once. The verifier consumes a challenge after
the presentation's signature has verified (so unsigned junk cannot burn a challenge it does not
hold) and refuses any later presentation carrying it.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Protocol, runtime_checkable

from thaivc.core.clock import Clock, SystemClock

__all__ = ["ChallengeStore", "MemoryChallengeStore", "new_challenge"]


def new_challenge() -> str:
    """A fresh unguessable challenge (128 bits, base64url)."""
    return secrets.token_urlsafe(16)


@runtime_checkable
class ChallengeStore(Protocol):
    def consume(self, challenge: str) -> bool:
        """Mark ``challenge`` used; True the first time, False on every later call."""
        ...


class MemoryChallengeStore:
    """A bounded, thread-safe in-process store; entries expire after ``ttl`` seconds.

    Deployments with several verifier instances need a shared store (a database table with a
    unique key) behind the same two-method protocol.
    """

    def __init__(self, *, ttl: float = 600.0, max_entries: int = 100_000, clock: Clock | None = None) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock or SystemClock()
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def consume(self, challenge: str) -> bool:
        now = self._clock.now()
        with self._lock:
            while self._seen:
                oldest, expires = next(iter(self._seen.items()))
                if expires > now and len(self._seen) < self._max:
                    break
                del self._seen[oldest]
            if challenge in self._seen:
                return False
            self._seen[challenge] = now + self._ttl
            return True
