"""Functions run in child processes (multiprocessing, spawn) by the concurrency and crash tests."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from typing import Any

from thaivc.status import PostgresStatusStore, SqliteStatusStore, StatusRegistry
from thaivc.status.sql_store import SqlStatusStore

ISSUER = "did:web:registry.example.go.th"
BASE = "https://registry.example.go.th/status"

StoreSpec = tuple[str, str]


def open_store(spec: StoreSpec, base: type | None = None) -> SqlStatusStore:
    """Open a store from a picklable ``(backend, location)`` spec."""
    backend, location = spec
    cls: Any = SqliteStatusStore if backend == "sqlite" else PostgresStatusStore
    if base is not None:
        cls = type(f"Dying{cls.__name__}", (base, cls), {})
    store: SqlStatusStore = cls(location)
    return store


def registry_for(store: SqlStatusStore, list_size: int, fill_ratio: float) -> StatusRegistry:
    return StatusRegistry(
        store, base_url=BASE, issuer_id=ISSUER, list_size=list_size, min_list_size=8, fill_ratio=fill_ratio
    )


def identity(document: dict[str, Any]) -> dict[str, Any]:
    return document


def churn(spec: StoreSpec, worker: int, count: int, list_size: int, fill_ratio: float) -> dict[str, Any]:
    """Allocate ``count`` credentials one transaction at a time, revoke every other one, publish now
    and then; report exactly what this process was given and what it changed."""
    store = open_store(spec)
    registry = registry_for(store, list_size, fill_ratio)
    allocated: list[tuple[str, str, int]] = []
    revoked: list[str] = []
    publications = 0
    for n in range(count):
        cid = f"w{worker}-c{n}"
        allocation = registry.allocate(cid)
        allocated.append((cid, allocation.list_id, allocation.index))
        if n % 2 == 0:
            registry.revoke(cid)
            revoked.append(cid)
        if n % 25 == 24:
            registry.publish(allocation.list_id, sign=identity)
            publications += 1
    store.close()
    return {"allocated": allocated, "revoked": revoked, "publications": publications}


class DieAfter:
    """Mixin: SIGKILL this process right after executing a statement containing ``marker``,
    i.e. inside an open transaction, before its commit."""

    marker = "INSERT INTO thaivc_status_publication"

    def _execute(self, cur: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        result = super()._execute(cur, sql, params)  # type: ignore[misc]
        if self.marker in sql:
            os.kill(os.getpid(), signal.SIGKILL)
        return result


class DieAfterRevoke(DieAfter):
    marker = "UPDATE thaivc_status_entry SET value"


def publish_and_die(spec: StoreSpec, list_id: str, list_size: int) -> None:
    store = open_store(spec, DieAfter)
    registry_for(store, list_size, 0.5).publish(list_id, sign=identity)
    raise AssertionError("unreachable: the process is killed inside the publication transaction")


def revoke_many_and_die(spec: StoreSpec, credential_ids: list[str], list_size: int) -> None:
    store = open_store(spec, DieAfterRevoke)
    registry_for(store, list_size, 0.5).revoke_many(credential_ids)
    raise AssertionError("unreachable: the process is killed inside the revocation transaction")
