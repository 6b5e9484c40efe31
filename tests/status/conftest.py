"""Fixtures for the status tests: stores on both backends.

PostgreSQL comes from the suite-wide ``pg_dsn`` fixture (``tests/postgres_server.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from status_workers import StoreSpec, open_store

from thaivc.status.sql_store import SqlStatusStore


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSpec:
    """One storage location per test, on each backend in turn."""
    if request.param == "sqlite":
        return ("sqlite", str(tmp_path / "status.db"))
    return ("postgres", request.getfixturevalue("pg_dsn"))


@pytest.fixture
def store_factory(store_spec: StoreSpec) -> Iterator[Callable[[], SqlStatusStore]]:
    """Opens connections to the same store; all are closed after the test."""
    opened: list[SqlStatusStore] = []

    def factory() -> SqlStatusStore:
        store = open_store(store_spec)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory: Callable[[], SqlStatusStore]) -> Any:
    return store_factory()
