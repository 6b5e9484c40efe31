"""Verifier-side cache of verified, decoded status lists.

What is cached is the *decoded* list after its signature and shape were checked, so a status check
against a cached list is a dictionary lookup and index arithmetic. Each entry carries its own
``expires_at`` (the earliest of HTTP ``max-age``, the list's ``ttl`` and its ``validUntil``/``exp``);
the checker refuses to use an expired entry, so a stale list never yields "valid".
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from thaivc.status.bitstring import Bitstring
from thaivc.status.token_status_list import TokenStatusList

__all__ = ["CachedList", "MemoryStatusCache", "StatusCache"]


@dataclass(frozen=True, slots=True)
class CachedList:
    """A verified, decoded status list and how long it may be used."""

    url: str
    kind: Literal["w3c", "ietf"]
    issuer: str | None
    purposes: frozenset[str]
    data: Bitstring | TokenStatusList
    fetched_at: float
    expires_at: float
    document: dict[str, Any]


@runtime_checkable
class StatusCache(Protocol):
    def get(self, key: str) -> CachedList | None: ...

    def put(self, key: str, value: CachedList) -> None: ...

    def discard(self, key: str) -> None: ...


class MemoryStatusCache:
    """A bounded in-process cache, safe to share between threads (not between processes).

    Eviction is first-in first-out (a list re-fetched after expiry goes to the back): reads take no
    lock and do no bookkeeping, which keeps a cached status check at a dictionary lookup.
    """

    __slots__ = ("_items", "_lock", "max_entries")

    def __init__(self, max_entries: int = 256) -> None:
        if max_entries <= 0:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._items: OrderedDict[str, CachedList] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedList | None:
        return self._items.get(key)

    def put(self, key: str, value: CachedList) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)
