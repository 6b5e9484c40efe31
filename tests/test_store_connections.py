"""Database connections of every store: closed with their thread, bounded on PostgreSQL.

A server's thread pool retires idle threads and starts new ones when load returns (anyio stops a
worker thread after ten idle seconds). A store that kept each thread's connection in a list of its
own kept every retired thread's connection open: the service database and both OpenID4VC state
stores did, and a service that idled and was loaded again ran PostgreSQL out of connections (its
requests answered 503 under load). This runs many short-lived threads through every such store and
counts what is left open: server-side sessions for PostgreSQL, open file descriptors of the database
file for SQLite.

On PostgreSQL connections per thread were also unbounded: 2 workers x 40 threads x 3 stores is 240
sessions. Each PostgreSQL store now borrows from a pool of ``pool_size``: many threads at once never
hold more sessions than that, and a thread that finds the pool busy (a slow statement, a lock held
elsewhere) gets the store's own error after ``pool_wait`` seconds, never an endless wait.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from thaivc.engine.challenge_sql import PostgresChallengeStore, SqliteChallengeStore
from thaivc.oid4vc import PostgresStateStore, SqliteStateStore
from thaivc.server.db import Database
from thaivc.status import PostgresStatusStore, SqliteStatusStore

THREADS = 24

#: (name, make a store from a SQLite path or a PostgreSQL DSN, one call that opens this thread's connection)
Store = tuple[Callable[[str], Any], Callable[[Any], object]]


def _database(url: str, **pool: Any) -> Database:
    db = Database(url, **pool)
    db.migrate()
    return db


SQLITE: dict[str, Store] = {
    "service database": (lambda path: _database(f"sqlite:///{path}"), lambda db: db.version()),
    "state store": (SqliteStateStore, lambda store: store.get("ns", "key")),
    "status store": (SqliteStatusStore, lambda store: store.lists("did:example:issuer")),
    "challenge store": (SqliteChallengeStore, lambda store: store.consume("no-such-challenge")),
}

POOL = {"pool_size": 3, "pool_wait": 0.5}

POSTGRES: dict[str, Store] = {
    "service database": (lambda dsn: _database(dsn, **POOL), lambda db: db.version()),
    "state store": (lambda dsn: PostgresStateStore(dsn, **POOL), lambda store: store.get("ns", "key")),
    "status store": (lambda dsn: PostgresStatusStore(dsn, **POOL), lambda store: store.lists("did:example:issuer")),
    "challenge store": (
        lambda dsn: PostgresChallengeStore(dsn, **POOL),
        lambda store: store.consume("no-such-challenge"),
    ),
}

#: the table each store's probe above reads, to hold it locked from outside
TABLES = {
    "service database": "thaivc_schema_version",
    "state store": "thaivc_protocol_state",
    "status store": "thaivc_status_list",
    "challenge store": "thaivc_challenge",
}
#: the code each store answers when it cannot get a connection
UNAVAILABLE = {
    "service database": "service.unavailable",
    "state store": "openid.store",
    "status store": "status.store",
    "challenge store": "vp.challenge_unknown",
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


class Fresh(NamedTuple):
    """A database of its own (the stores do not meet each other's tables), its sessions countable."""

    admin: str  #: DSN of the server's own database, to count from
    dsn: str  #: DSN of the fresh database, tagged with ``application``
    application: str


@pytest.fixture
def fresh_dsn(pg_dsn: str) -> Iterator[Fresh]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = f"conn_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    params = conninfo_to_dict(pg_dsn)
    params.update(dbname=name, application_name=name)
    yield Fresh(pg_dsn, make_conninfo(**params), name)
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(POSTGRES))
def test_postgres_sessions_of_ended_threads_are_closed(name: str, fresh_dsn: Fresh) -> None:
    import psycopg

    admin_dsn, application = fresh_dsn.admin, fresh_dsn.application
    make, use = POSTGRES[name]
    store = make(fresh_dsn.dsn)
    try:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            use(store)
            _through_threads(store, use)
            after = _sessions(admin, application)
            assert after <= POOL["pool_size"], f"{name}: {after} sessions after {THREADS} ended threads"
            store.close()
            assert _wait_for(lambda: _sessions(admin, application) == 0), f"{name}: close() left sessions open"
    finally:
        store.close()


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(POSTGRES))
def test_many_threads_at_once_never_hold_more_sessions_than_the_pool(name: str, fresh_dsn: Fresh) -> None:
    import psycopg

    admin_dsn, application = fresh_dsn.admin, fresh_dsn.application
    make, use = POSTGRES[name]
    store = make(fresh_dsn.dsn)
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work() -> None:
        start.wait()
        for _ in range(15):
            try:
                use(store)
            except BaseException as exc:  # a busy pool is an answer too, but not expected at this pace
                errors.append(exc)

    try:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            threads = [threading.Thread(target=work) for _ in range(THREADS)]
            for thread in threads:
                thread.start()
            peak = 0
            while any(thread.is_alive() for thread in threads):
                peak = max(peak, _sessions(admin, application))
            for thread in threads:
                thread.join()
        assert peak <= POOL["pool_size"], f"{name}: {peak} sessions for a pool of {POOL['pool_size']}"
        assert not errors, errors[:3]
    finally:
        store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(POSTGRES))
def test_a_pool_held_busy_answers_the_stores_code_within_the_wait(name: str, fresh_dsn: Fresh) -> None:
    """Every pooled connection stuck behind a lock held elsewhere: the next caller is refused in time."""
    import psycopg

    from thaivc.core.errors import ThaiVCError

    dsn = fresh_dsn.dsn
    make, use = POSTGRES[name]
    store = make(dsn)
    stuck: list[threading.Thread] = []
    try:
        with psycopg.connect(dsn, autocommit=True) as locker:
            with locker.transaction():
                locker.execute(f"LOCK TABLE {TABLES[name]} IN ACCESS EXCLUSIVE MODE")
                for _ in range(POOL["pool_size"]):  # each takes a connection and waits on the lock
                    thread = threading.Thread(target=lambda: _quietly(lambda: use(store)))
                    thread.start()
                    stuck.append(thread)
                time.sleep(0.3)
                began = time.monotonic()
                with pytest.raises(ThaiVCError) as refused:
                    use(store)
                waited = time.monotonic() - began
            for thread in stuck:
                thread.join(10)
        assert refused.value.code == UNAVAILABLE[name]
        assert waited < POOL["pool_wait"] + 2.0, f"{name}: waited {waited:.1f} s for a pool wait of {POOL['pool_wait']}"
        use(store)  # the lock is gone: the pool serves again
    finally:
        store.close()


def _quietly(step: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):
        step()


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


def test_a_server_that_cannot_be_reached_is_named_so_and_the_password_never(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing answers at the DSN: the error says the server cannot be reached (not "the pool is busy",
    which sends an operator to raise ``pool_size``), and no error or log line repeats the password."""
    import logging

    from thaivc.core.errors import ThaiVCError
    from thaivc.server.db import Database

    caplog.set_level(logging.DEBUG)
    db = Database("postgresql://thaivc:Pa55-w0rd-in-dsn@127.0.0.1:1/thaivc", pool_wait=0.5)
    try:
        with pytest.raises(ThaiVCError) as caught:
            db.ping()
    finally:
        db.close()
    assert caught.value.code == "service.unavailable"
    assert "cannot connect to PostgreSQL" in str(caught.value)
    assert "Pa55-w0rd-in-dsn" not in str(caught.value) and "Pa55-w0rd-in-dsn" not in caplog.text


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(POSTGRES))
@pytest.mark.parametrize("pool", [{"pool_size": 0}, {"pool_wait": 0}, {"pool_wait": -1.0}])
def test_a_pool_without_room_or_wait_is_refused_at_construction(
    name: str, pool: dict[str, Any], fresh_dsn: Fresh
) -> None:
    """A pool of no sessions, or no wait, would answer every request unavailable: a usage error, at once."""
    from thaivc.core.errors import UsageError

    builders: dict[str, Callable[..., Any]] = {
        "service database": Database,
        "state store": PostgresStateStore,
        "status store": PostgresStatusStore,
        "challenge store": PostgresChallengeStore,
    }
    with pytest.raises(UsageError):
        builders[name](fresh_dsn.dsn, **pool)
