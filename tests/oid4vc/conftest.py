"""Fixtures for the protocol tests: a state store on each back-end in turn (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oid4vc_workers import StoreFactory

from thaivc.core.clock import Clock, FixedClock
from thaivc.oid4vc import MemoryStateStore, PostgresStateStore, SqliteStateStore, StateStore


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """``(backend, location)`` for one test, on each back-end in turn."""
    if request.param == "memory":
        return ("memory", "")
    if request.param == "sqlite":
        return ("sqlite", str(tmp_path / "state.db"))
    return ("postgres", request.getfixturevalue("pg_dsn"))


@pytest.fixture
def store_factory(backend: tuple[str, str]) -> Iterator[StoreFactory]:
    """Opens stores on the same location (for memory: the same store); all closed after the test."""
    opened: list[StateStore] = []
    memory: dict[int, MemoryStateStore] = {}

    def factory(clock: Clock | None = None) -> StateStore:
        kind, location = backend
        store: StateStore
        if kind == "memory":
            store = memory.setdefault(0, MemoryStateStore(clock=clock))
        elif kind == "sqlite":
            store = SqliteStateStore(location, clock=clock)
        else:
            store = PostgresStateStore(location, clock=clock)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.at("2026-03-01T09:00:00Z")


@pytest.fixture
def state(store_factory: StoreFactory, clock: FixedClock) -> StateStore:
    """A store on the test's back-end, on a clock the test moves."""
    return store_factory(clock)
