"""The service's verifier cache of status lists: its own lists kept while their revision holds.

Why not a TTL: several uvicorn workers (and hosts) share one database, and a revocation committed by
any of them must count at the very next verification in every other one. A time-to-live would let a
worker serve a revoked credential as valid until it ran out. The status store instead bumps a list's
``revision`` in the same transaction as every change of a value in it, so a decoded list tagged with
the revision it was published from is exact for as long as the database still holds that revision.

So, before each use of one of the service's own lists, :meth:`OwnListCache.get` reads the list's
current revision (one primary-key read) and hands the decoded list back only if it is equal; a
different revision, a missing list, or any failure to read it is a miss, and the checker re-reads
and re-verifies the published list (which fails closed if the database is out of reach). Nothing is
ever answered from a list whose freshness could not be confirmed.

The revision a list was served at reaches the cache from :meth:`thaivc.server.service.Service._fetch_list`
through :meth:`OwnListCache.served`, in the same thread, just before the checker stores the decoded
list: the checker fetches, verifies, then calls :meth:`put` synchronously. A put with no such record
(or for another URL) is not kept. Other issuers' lists go to an ordinary TTL cache, as before.

It is a fast path of the verify path (:mod:`thaivc.core.fastpath`): with fast paths off, every
verification re-reads and re-verifies the service's own list, as the service did before the cache.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from thaivc.core import fastpath
from thaivc.status import CachedList, MemoryStatusCache, StatusCache

__all__ = ["OwnListCache"]

#: ``list_id -> current revision`` (None when there is no such list); may raise when it cannot tell.
RevisionOf = Callable[[str], int | None]


class _Entry(NamedTuple):
    value: CachedList
    list_id: str
    revision: int


class OwnListCache:
    """A :class:`thaivc.status.StatusCache` that re-confirms the service's own lists on every use.

    ``prefix`` is the service's status base URL with its trailing slash; a key is the checker's
    ``"<kind> <url>"``. ``list_id_of(url)`` maps an own URL to its list id (None: not a list URL).
    """

    def __init__(
        self,
        prefix: str,
        list_id_of: Callable[[str], str | None],
        revision_of: RevisionOf,
        *,
        others: StatusCache | None = None,
        max_entries: int = 256,
    ) -> None:
        if max_entries <= 0:
            raise ValueError("max_entries must be positive")
        self._prefix = prefix
        self._list_id_of = list_id_of
        self._revision_of = revision_of
        self._others: StatusCache = others if others is not None else MemoryStatusCache(max_entries)
        self._own: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._served = threading.local()
        self.max_entries = max_entries
        _LIVE.add(self)

    def clear(self) -> None:
        """Forget every own list (the next use of each re-reads it)."""
        with self._lock:
            self._own.clear()

    def _is_own(self, key: str) -> bool:
        _kind, _, url = key.partition(" ")
        return url.startswith(self._prefix)

    # -- the service side ----------------------------------------------------------------------
    def served(self, url: str, revision: int) -> None:
        """Record, for this thread's next :meth:`put` of ``url``, the revision its body was built from."""
        self._served.last = (url, revision)

    # -- StatusCache ---------------------------------------------------------------------------
    def get(self, key: str) -> CachedList | None:
        if not self._is_own(key):
            return self._others.get(key)
        entry = self._own.get(key)
        if entry is None or not fastpath.ON[0]:
            return None
        try:
            current = self._revision_of(entry.list_id)
        except Exception:  # cannot confirm freshness: re-read (which fails closed if the store is down)
            current = None
        if current != entry.revision:
            self.discard(key)
            return None
        return entry.value

    def put(self, key: str, value: CachedList) -> None:
        if not self._is_own(key):
            self._others.put(key, value)
            return
        last = getattr(self._served, "last", None)
        self._served.last = None
        list_id = self._list_id_of(value.url)
        if not fastpath.ON[0] or last is None or last[0] != value.url or list_id is None:
            return  # no revision known for this body: not kept, the next use re-reads it
        with self._lock:
            self._own[key] = _Entry(value, list_id, last[1])
            self._own.move_to_end(key)
            while len(self._own) > self.max_entries:
                self._own.popitem(last=False)

    def discard(self, key: str) -> None:
        if not self._is_own(key):
            self._others.discard(key)
            return
        with self._lock:
            self._own.pop(key, None)

    def __len__(self) -> int:
        return len(self._own)


_LIVE: weakref.WeakSet[OwnListCache] = weakref.WeakSet()


def _clear_all() -> None:
    for cache in list(_LIVE):
        cache.clear()


fastpath.register(
    "server own status lists",
    "~0.3 ms per verification in thaivc serve: the own list's revision read instead of the list re-read",
    _clear_all,
)
