"""Functions run in child processes (multiprocessing, spawn) by the state-store race tests."""

from __future__ import annotations

import time
from collections.abc import Callable

from thaivc.core.clock import Clock
from thaivc.oid4vc import PostgresStateStore, SqliteStateStore, StateStore
from thaivc.oid4vc.sql_store import SqlStateStore

StoreSpec = tuple[str, str]
#: Opens a store on the test's back-end (the ``store_factory`` fixture), on an optional clock.
StoreFactory = Callable[[Clock | None], StateStore]


def open_store(spec: StoreSpec) -> SqlStateStore:
    backend, location = spec
    return SqliteStateStore(location) if backend == "sqlite" else PostgresStateStore(location)


def race_take(spec: StoreSpec, key: str, start_at: float) -> bool:
    """Open the store, wait for the common start, try to take ``key``: did this process win?"""
    store = open_store(spec)
    try:
        time.sleep(max(0.0, start_at - time.time()))
        return store.take("codes", key) is not None
    finally:
        store.close()


def race_put(spec: StoreSpec, key: str, start_at: float) -> bool:
    store = open_store(spec)
    try:
        time.sleep(max(0.0, start_at - time.time()))
        return store.put("jti", key, {"seen": True}, ttl=60)
    finally:
        store.close()


def race_incr(spec: StoreSpec, key: str, times: int) -> list[int]:
    store = open_store(spec)
    try:
        return [store.incr("tries", key, ttl=60) for _ in range(times)]
    finally:
        store.close()
