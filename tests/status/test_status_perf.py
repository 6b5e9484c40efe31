"""Measurements (printed, never asserted): a status check against a cached list, and revoking
100,000 credentials in one batch on each backend. Run with ``-s`` to see the numbers."""

from __future__ import annotations

import time
import timeit
from pathlib import Path

import pytest
from status_helpers import JwsKeys, ListServer

from thaivc.core.clock import FixedClock
from thaivc.status import SqliteStatusStore, StatusChecker, StatusRegistry
from thaivc.status.sql_store import SqlStatusStore

ISSUER = "did:example:perf"
BASE = "https://status.example/perf"


@pytest.mark.slow
def test_cached_check_is_index_arithmetic(tmp_path: Path) -> None:
    clock = FixedClock.at("2026-03-01T00:00:00Z")
    registry = StatusRegistry(
        SqliteStatusStore(tmp_path / "s.db"), base_url=BASE, issuer_id=ISSUER, clock=clock
    )
    keys, server = JwsKeys(), ListServer()
    entries = [registry.entry_for(f"c{i}") for i in range(64)]
    registry.revoke_many([f"c{i}" for i in range(0, 64, 2)])
    list_id = registry.allocate("c0").list_id
    server.put(registry.list_url(list_id), registry.publish(list_id, sign=keys.sign_w3c).body)
    checker = StatusChecker(server, keys.verify, clock=clock)
    results = [checker.check_entry(e, issuer=ISSUER) for e in entries]
    assert [r.code for r in results] == ["status.revoked" if i % 2 == 0 else None for i in range(64)]
    assert server.calls == 1  # decoded once, then served from the cache

    entry = entries[1]
    runs = 100_000
    seconds = min(timeit.repeat(lambda: checker.check_entry(entry, issuer=ISSUER), number=runs, repeat=5))
    print(f"\nstatus check against a cached list: {seconds / runs * 1e6:.2f} µs")
    assert server.calls == 1


@pytest.mark.slow
def test_revoke_100k_in_one_batch(store: SqlStatusStore) -> None:
    """On both backends (the SQLite figure is the one with a target: under 10 s)."""
    registry = StatusRegistry(store, base_url=BASE, issuer_id=ISSUER)
    ids = [f"urn:uuid:{i:08d}" for i in range(100_000)]
    started = time.perf_counter()
    registry.allocate_many(ids)
    allocated = time.perf_counter() - started
    started = time.perf_counter()
    assert registry.revoke_many(ids) == 100_000
    revoked = time.perf_counter() - started
    backend = type(store).__name__
    print(
        f"\n{backend}: allocate 100,000 (one batch) {allocated:.2f} s; revoke 100,000 (one batch) {revoked:.2f} s"
    )
    lists = registry.lists()
    assert sum(info.allocated for info in lists) == 100_000
    assert sum(len(store.snapshot(info.list_id).values) for info in lists) == 100_000
