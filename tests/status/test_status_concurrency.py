"""Nothing lost: 8 processes at once, and processes killed with SIGKILL inside a transaction.

Both run on SQLite and PostgreSQL through the parametrised ``store_spec`` fixture. Children are
started with the ``spawn`` method so they share nothing with the parent but the database.
"""

from __future__ import annotations

import json
import multiprocessing
import signal
from collections import Counter
from collections.abc import Callable

import pytest
from status_workers import (
    ISSUER,
    StoreSpec,
    churn,
    identity,
    publish_and_die,
    registry_for,
    revoke_many_and_die,
)

from thaivc.status import SqliteStatusStore, decode_encoded_list
from thaivc.status.sql_store import SqlStatusStore

WORKERS = 8
PER_WORKER = 100
LIST_SIZE = 512  # small on purpose: random draws collide often, and one list fills up completely


@pytest.mark.slow
def test_eight_processes_lose_nothing(
    store_spec: StoreSpec, store_factory: Callable[[], SqlStatusStore]
) -> None:
    store = store_factory()  # creates the schema before the children race
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(WORKERS) as pool:
        reports = pool.starmap(churn, [(store_spec, w, PER_WORKER, LIST_SIZE, 1.0) for w in range(WORKERS)])

    handed_out = [(list_id, idx) for r in reports for _, list_id, idx in r["allocated"]]
    assert len(handed_out) == WORKERS * PER_WORKER
    duplicates = [slot for slot, n in Counter(handed_out).items() if n > 1]
    assert duplicates == [], "an index was handed out twice"

    # what the store holds is exactly what the processes were told
    told = {cid: (list_id, idx) for r in reports for cid, list_id, idx in r["allocated"]}
    revoked = {cid for r in reports for cid in r["revoked"]}
    lists = {info.list_id: info for info in store.lists(ISSUER)}
    held: dict[str, tuple[str, int]] = {}
    for list_id in lists:
        for idx, cid, value in store.entries(list_id):  # type: ignore[attr-defined]
            held[cid] = (list_id, idx)
            assert value == (1 if cid in revoked else 0), f"lost update for {cid}"
    assert held == told
    # counters: every allocation and every revocation was counted once
    assert sum(info.allocated for info in lists.values()) == WORKERS * PER_WORKER
    assert max(info.allocated for info in lists.values()) == LIST_SIZE  # the first list was filled
    assert sum(info.revision for info in lists.values()) == len(revoked)

    # the latest publication of each list never shows less than the revisions it claims
    for list_id in lists:
        pub = store.current_publication(list_id, "w3c")
        if pub is None:
            continue
        bits = decode_encoded_list(
            json.loads(pub.body)["credentialSubject"]["encodedList"], min_entries=LIST_SIZE
        )
        published = {idx for idx in range(LIST_SIZE) if bits.get(idx)}
        assert published <= {idx for idx, cid, _ in store.entries(list_id) if cid in revoked}  # type: ignore[attr-defined]


def _run_child(target: Callable[..., None], *args: object) -> int | None:
    ctx = multiprocessing.get_context("spawn")
    process = ctx.Process(target=target, args=args)
    process.start()
    process.join(120)
    return process.exitcode


@pytest.mark.slow
def test_killed_mid_publish_leaves_the_previous_version(
    store_spec: StoreSpec, store_factory: Callable[[], SqlStatusStore]
) -> None:
    store = store_factory()
    registry = registry_for(store, LIST_SIZE, 0.5)
    allocations = registry.allocate_many([f"c{i}" for i in range(100)])
    list_id = allocations[0].list_id
    first = registry.publish(list_id, sign=identity)
    registry.revoke("c0")

    assert _run_child(publish_and_die, store_spec, list_id, LIST_SIZE) == -signal.SIGKILL

    survivor = store_factory()  # a fresh connection, as after a restart
    assert survivor.current_publication(list_id, "w3c") == first
    if isinstance(survivor, SqliteStatusStore):
        assert survivor.integrity_check() == "ok"
    second = registry_for(survivor, LIST_SIZE, 0.5).publish(list_id, sign=identity)
    assert second.version == first.version + 1
    bits = decode_encoded_list(
        json.loads(second.body)["credentialSubject"]["encodedList"], min_entries=LIST_SIZE
    )
    assert bits.get(allocations[0].index) == 1


@pytest.mark.slow
def test_killed_mid_batch_revocation_changes_nothing(
    store_spec: StoreSpec, store_factory: Callable[[], SqlStatusStore]
) -> None:
    store = store_factory()
    registry = registry_for(store, 4096, 0.5)
    ids = [f"c{i}" for i in range(1000)]
    registry.allocate_many(ids)
    before = {info.list_id: info.revision for info in store.lists(ISSUER)}

    assert _run_child(revoke_many_and_die, store_spec, ids, 4096) == -signal.SIGKILL

    survivor = store_factory()
    assert {info.list_id: info.revision for info in survivor.lists(ISSUER)} == before
    assert all(survivor.snapshot(list_id).values == () for list_id in before)
    if isinstance(survivor, SqliteStatusStore):
        assert survivor.integrity_check() == "ok"
    assert registry_for(survivor, 4096, 0.5).revoke_many(ids) == 1000
    assert sum(len(survivor.snapshot(list_id).values) for list_id in before) == 1000
