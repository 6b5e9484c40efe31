"""Every store that opens a database connection per thread closes it when the thread ends.

A server's thread pool retires idle threads and starts new ones when load returns (anyio stops a
worker thread after ten idle seconds). A store that kept each thread's connection in a list of its
own kept every retired thread's connection open: the service database and both OpenID4VC state
stores did, and a service that idled and was loaded again ran PostgreSQL out of connections (its
requests answered 503 under load). This runs many short-lived threads through every such store and
counts what is left open: server-side sessions for PostgreSQL, open file descriptors of the database
file for SQLite.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from thaivc.engine.challenge_sql import PostgresChallengeStore, SqliteChallengeStore
from thaivc.oid4vc import PostgresStateStore, SqliteStateStore
from thaivc.server.db import Database
from thaivc.status import PostgresStatusStore, SqliteStatusStore

THREADS = 24

#: (name, make a store from a SQLite path or a PostgreSQL DSN, one call that opens this thread's connection)
Store = tuple[Callable[[str], Any], Callable[[Any], object]]


def _database(url: str) -> Database:
    db = Database(url)
    db.migrate()
    return db


SQLITE: dict[str, Store] = {
    "service database": (lambda path: _database(f"sqlite:///{path}"), lambda db: db.version()),
    "state store": (SqliteStateStore, lambda store: store.get("ns", "key")),
    "status store": (SqliteStatusStore, lambda store: store.lists("did:example:issuer")),
    "challenge store": (SqliteChallengeStore, lambda store: store.consume("no-such-challenge")),
}

POSTGRES: dict[str, Store] = {
    "service database": (lambda dsn: _database(dsn), lambda db: db.version()),
    "state store": (PostgresStateStore, lambda store: store.get("ns", "key")),
    "status store": (PostgresStatusStore, lambda store: store.lists("did:example:issuer")),
    "challenge store": (PostgresChallengeStore, lambda store: store.consume("no-such-challenge")),
}


def _through_threads(store: Any, use: Callable[[Any], object]) -> None:
    """THREADS threads, one after another, each using the store once and ending."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            use(store)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    for _ in range(THREADS):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert not failures, failures
    gc.collect()


def _open_fds(path: Path) -> int:
    names = {str(path), f"{path}-wal", f"{path}-shm"}
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") in names:
                count += 1
        except OSError:
            continue
    return count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts open files through /proc/self/fd (Linux only)")
@pytest.mark.parametrize("name", sorted(SQLITE))
def test_sqlite_connections_of_ended_threads_are_closed(name: str, tmp_path: Path) -> None:
    make, use = SQLITE[name]
    path = tmp_path / "store.db"
    store = make(str(path))
    try:
        use(store)  # this thread's connection, which stays
        before = _open_fds(path)
        _through_threads(store, use)
        after = _open_fds(path)
        # each leaked SQLite connection would hold the file and its WAL (2 x THREADS descriptors);
        # SQLite itself keeps one closed connection's descriptor for reuse while another connection
        # of the process holds a POSIX lock on the file (closing it would drop that lock)
        assert after <= before + 1, f"{name}: {after - before} descriptors left open by {THREADS} ended threads"
    finally:
        store.close()


def _sessions(admin: Any, application: str) -> int:
    row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (application,)).fetchone()
    return int(row[0])


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(POSTGRES))
def test_postgres_sessions_of_ended_threads_are_closed(name: str, pg_dsn: str) -> None:
    import psycopg

    make, use = POSTGRES[name]
    application = f"thaivc-test-{uuid.uuid4().hex[:12]}"
    dsn = f"{pg_dsn}{'&' if '?' in pg_dsn else '?'}application_name={application}" if "://" in pg_dsn else (
        f"{pg_dsn} application_name={application}")
    store = make(dsn)
    try:
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            use(store)
            before = _sessions(admin, application)
            _through_threads(store, use)
            after = _sessions(admin, application)
            assert after <= before, f"{name}: {after - before} sessions left open by {THREADS} ended threads"
            store.close()
            assert _sessions(admin, application) == 0, f"{name}: close() left sessions open"
    finally:
        store.close()


@pytest.mark.parametrize("name", sorted(SQLITE))
def test_a_closed_store_refuses_with_a_code(name: str, tmp_path: Path) -> None:
    """After ``close`` a store answers with its own structured error, in any thread, and opens nothing."""
    from thaivc.core.errors import ThaiVCError

    make, use = SQLITE[name]
    path = tmp_path / "store.db"
    store = make(str(path))
    store.close()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            use(store)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], ThaiVCError), errors
    assert _open_fds(path) == 0
