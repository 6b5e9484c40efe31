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

PostgreSQL stores borrow from a bounded :class:`PostgresPool` instead: a session costs the server a
process, and sessions per thread would grow with every thread of every worker of every store.
"""

from __future__ import annotations

import contextlib
import select
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from thaivc.core.errors import UsageError

__all__ = ["PostgresPool", "ThreadConnections"]

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

    def __init__(
        self,
        open_conn: Callable[[], C],
        close_conn: Callable[[C], None],
        *,
        closed: Callable[[], Exception],
        shared: bool = False,
    ) -> None:
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

    @contextmanager
    def connection(self) -> Iterator[C]:
        """This thread's connection for one unit of work (the same shape as :class:`PostgresPool`)."""
        yield self.get()


class PostgresPool:
    """A bounded pool of autocommit PostgreSQL connections (:mod:`psycopg_pool`), for one store.

    Connections per thread grow with the server's thread pool (anyio's default is 40 threads per
    worker process), and every store holds its own: 2 workers x 40 threads x 3 stores is 240
    sessions, past a default PostgreSQL's ``max_connections`` of 100. A pool bounds the sessions
    by ``size`` whatever the number of threads; a thread that finds every connection busy waits at
    most ``wait`` seconds and then gets the store's ``unavailable`` error (a 503 from the service),
    never an unbounded queue. A connection the server broke (a restart, a failover) is discarded
    when it comes back to the pool, and the pool opens a new one.
    """

    def __init__(
        self,
        dsn: str,
        *,
        size: int,
        wait: float,
        connect_timeout: float,
        closed: Callable[[], Exception],
        unavailable: Callable[[str], Exception],
    ) -> None:
        if size < 1 or wait <= 0:
            raise UsageError("usage.invalid_argument", "a connection pool needs size >= 1 and wait > 0")
        try:
            import psycopg
            from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout
        except ImportError:  # pragma: no cover - the postgres extra brings both
            raise unavailable("PostgreSQL needs psycopg and psycopg-pool: pip install 'thaivc[postgres]'") from None
        self._psycopg = psycopg
        self._pool_closed: type[Exception] = PoolClosed
        self._pool_timeout: type[Exception] = PoolTimeout
        self._closed_error = closed
        self._unavailable = unavailable
        self._wait = wait
        self._closed = False
        self.size = size
        self._lent = 0  # sessions lent now (under _count): a timeout with none lent is "cannot connect"
        self._count = threading.Lock()
        self._pool: Any = ConnectionPool(
            dsn,
            min_size=1,
            max_size=size,
            open=False,
            timeout=wait,
            num_workers=1,
            kwargs={"autocommit": True, "connect_timeout": max(1, round(connect_timeout))},
            reconnect_timeout=max(wait, 30.0),
            name="thaivc",
        )
        self._pool.open(wait=False)

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A connection for one unit of work, back to the pool at the end of the block."""
        if self._closed:
            raise self._closed_error()
        try:
            borrowed, conn = self._borrow()
        except self._pool_timeout:
            raise self._unavailable(self._timeout_reason()) from None
        except self._pool_closed:
            raise self._closed_error() from None
        except self._psycopg.Error as exc:
            raise self._unavailable(f"cannot connect to PostgreSQL: {type(exc).__name__}") from None
        with self._count:
            self._lent += 1
        try:
            yield conn
        except BaseException as exc:
            borrowed.__exit__(type(exc), exc, exc.__traceback__)
            raise
        else:
            borrowed.__exit__(None, None, None)
        finally:
            with self._count:
                self._lent -= 1

    def _borrow(self) -> tuple[Any, Any]:
        """An idle session the server has not closed: a dead one is closed here and the next one tried.

        A PostgreSQL restart (a failover, an idle-session timeout) ends every pooled session at once;
        the pool only notices when a session comes back broken, so it lent each dead one to the next
        request, which failed 503: ``pool_size`` failed requests per store after every restart. The
        server's goodbye (its FATAL message, then EOF) waits unread on the idle socket, so a poll that
        does not block finds it (microseconds; a round trip per borrow, psycopg-pool's own check, costs
        a query; its retry loop backs off for seconds). At most ``size`` dead sessions are skipped.
        """
        for _ in range(self.size):
            borrowed = self._pool.connection(timeout=self._wait)
            conn = borrowed.__enter__()
            if not _dropped(conn):
                return borrowed, conn
            with contextlib.suppress(Exception):
                conn.close()  # returned closed: the pool discards it and opens a replacement
            borrowed.__exit__(None, None, None)
        borrowed = self._pool.connection(timeout=self._wait)
        return borrowed, borrowed.__enter__()

    def _timeout_reason(self) -> str:
        """Why no session came: every one busy, or none could be opened (the server is down, the DSN wrong)."""
        if self._lent == 0:  # nobody holds a session: none could be opened
            return f"cannot connect to PostgreSQL within {self._wait:g} s"
        return f"no database connection within {self._wait:g} s (pool of {self.size})"

    def close(self) -> None:
        """Close the pool and its connections; any later use raises the store's ``closed`` error."""
        self._closed = True
        with contextlib.suppress(Exception):
            self._pool.close(timeout=1.0)


def _dropped(conn: Any) -> bool:
    """True when the server has closed this idle session: something waits to be read on its socket.

    An idle autocommit session receives nothing unasked (no ``LISTEN`` here), so anything readable is
    the server's termination message or EOF; a closed or broken connection is dropped too.
    """
    if conn.closed or conn.broken:
        return True
    try:
        fd = conn.pgconn.socket
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(fd, select.POLLIN | select.POLLPRI)
            return bool(poller.poll(0))
        readable, _, _ = select.select([fd], [], [], 0)  # pragma: no cover - platforms without poll()
        return bool(readable)
    except Exception:  # no socket to poll: treat it as gone, the pool opens another
        return True
