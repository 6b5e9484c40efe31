"""One database connection per thread, for every store that talks to a database.

A store is shared by the threads of a server (an issuer's web workers, a verifier's thread pool
reading lists through :class:`~thaivc.status.RegistryFetcher`, the HTTP service's thread pool), but
a connection is not: a
:mod:`sqlite3` connection refuses to be used from another thread, and two threads sharing one
PostgreSQL connection would share one transaction. So each thread opens its own connection on
first use, and the store keeps track of them all to close them together.

A connection lives as long as its thread: when the thread ends, its slot is collected and the
connection closed, so a pool that replaces threads does not leak connections. (A store that kept its
connections in a list of its own kept every retired thread's connection open: a server whose pool
retires idle threads ran PostgreSQL out of connections when load returned. The status, challenge,
OpenID4VC state stores and the service database all hold their connections here for that reason.) ``shared=True`` is for
a database that exists on one connection only (SQLite ``:memory:``): every thread gets that one, and
the store must take its transactions in turn.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["ThreadConnections"]

C = TypeVar("C")


class _Slot(Generic[C]):
    """Holds one thread's connection; weak-referenceable (a :mod:`sqlite3` connection is not)."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: C) -> None:
        self.conn = conn


def _close_quietly(close: Callable[[C], None], conn: C) -> None:
    # closing is best effort: the connection may already be gone, and a finalizer must not raise
    with contextlib.suppress(Exception):
        close(conn)


class ThreadConnections(Generic[C]):
    """Opens a connection per thread with ``open_conn`` and closes them all on :meth:`close`.

    ``closed`` makes the store's own error for any use after :meth:`close` (each store has its
    problem code: a caller learns which store is gone, never a bare exception).
    """

    def __init__(self, open_conn: Callable[[], C], close_conn: Callable[[C], None], *,
                 closed: Callable[[], Exception], shared: bool = False) -> None:
        self._open = open_conn
        self._closed_error = closed
        self._close = close_conn
        self._local = threading.local()
        self._lock = threading.Lock()
        self._slots: weakref.WeakSet[_Slot[C]] = weakref.WeakSet()
        self._shared: _Slot[C] | None = None
        self._is_shared = shared
        self._closed = False

    def get(self) -> C:
        """This thread's connection, opened now if it has none."""
        if self._closed:
            raise self._closed_error()
        if self._is_shared:
            return self._get_shared()
        slot: _Slot[C] | None = getattr(self._local, "slot", None)
        if slot is None:
            slot = self._new_slot()
            self._local.slot = slot
        return slot.conn

    def _get_shared(self) -> C:
        with self._lock:
            if self._closed:
                raise self._closed_error()
            if self._shared is None:
                self._shared = _Slot(self._open())
                self._slots.add(self._shared)
            return self._shared.conn

    def _new_slot(self) -> _Slot[C]:
        slot = _Slot(self._open())
        weakref.finalize(slot, _close_quietly, self._close, slot.conn)  # the thread ended: close
        with self._lock:
            if self._closed:
                _close_quietly(self._close, slot.conn)
                raise self._closed_error()
            self._slots.add(slot)
        return slot

    def discard(self) -> None:
        """Drop this thread's connection (the server restarted, the socket broke); the next ``get`` opens anew.

        Without this a thread keeps its dead connection for ever: after one database restart every
        request that lands on that thread fails, long after the database is back.
        """
        with self._lock:
            if self._is_shared:
                slot, self._shared = self._shared, None
            else:
                slot = getattr(self._local, "slot", None)
                self._local.slot = None
            if slot is not None:
                self._slots.discard(slot)
        if slot is not None:
            _close_quietly(self._close, slot.conn)

    def close(self) -> None:
        """Close every thread's connection; any later use raises the store's ``closed`` error."""
        with self._lock:
            self._closed = True
            slots = list(self._slots)
            self._slots.clear()
            self._shared = None
        for slot in slots:
            _close_quietly(self._close, slot.conn)
