"""The state stores: the same contract on memory, SQLite and PostgreSQL, and single use across processes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest
from oid4vc_workers import StoreFactory, race_incr, race_put, race_take

from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.oid4vc import SqliteStateStore, StateStore


def test_put_is_first_one_wins(state: StateStore) -> None:
    assert state.put("jti", "a", {"n": 1}, ttl=10)
    assert not state.put("jti", "a", {"n": 2}, ttl=10)
    record = state.get("jti", "a")
    assert record is not None and record.value == {"n": 1}


def test_take_is_single_use(state: StateStore) -> None:
    state.put("codes", "c", {"who": "x"}, ttl=10)
    first = state.take("codes", "c")
    assert first is not None and first.value == {"who": "x"}
    assert state.take("codes", "c") is None
    assert state.get("codes", "c") is None


def test_namespaces_are_separate(state: StateStore) -> None:
    state.put("a", "k", {"v": "a"}, ttl=10)
    assert state.get("b", "k") is None
    assert state.take("b", "k") is None


def test_expired_record_is_absent_everywhere(state: StateStore, clock: FixedClock) -> None:
    state.put("codes", "c", {}, ttl=10)
    clock.advance(10)
    assert state.get("codes", "c") is None
    assert state.take("codes", "c") is None
    assert not state.update("codes", "c", {"x": 1}, version=1)
    assert not state.delete("codes", "c")
    # an expired key may be stored again (a new jti cache window)
    assert state.put("codes", "c", {"again": True}, ttl=10)
    record = state.get("codes", "c")
    assert record is not None and record.value == {"again": True}


def test_update_is_compare_and_set(state: StateStore, clock: FixedClock) -> None:
    state.put("tx", "t", {"state": "pending"}, ttl=10)
    record = state.get("tx", "t")
    assert record is not None
    assert state.update("tx", "t", {"state": "ready"}, version=record.version, ttl=100)
    # a second writer holding the old version loses
    assert not state.update("tx", "t", {"state": "other"}, version=record.version)
    newer = state.get("tx", "t")
    assert newer is not None and newer.value == {"state": "ready"} and newer.version == record.version + 1
    clock.advance(50)  # the ttl was renewed to 100 s from the update
    assert state.get("tx", "t") is not None


def test_counter_counts_and_expires(state: StateStore, clock: FixedClock) -> None:
    assert state.count("tries", "code") == 0
    assert [state.incr("tries", "code", ttl=60) for _ in range(3)] == [1, 2, 3]
    assert state.count("tries", "code") == 3
    clock.advance(30)
    assert state.incr("tries", "code", ttl=60) == 4  # the window does not slide with each try
    clock.advance(30)
    assert state.count("tries", "code") == 0
    assert state.incr("tries", "code", ttl=60) == 1


def test_purge_and_delete(state: StateStore, clock: FixedClock) -> None:
    state.put("n", "old", {}, ttl=1)
    state.put("n", "new", {}, ttl=100)
    clock.advance(2)
    assert state.purge_expired() == 1
    assert state.delete("n", "new")
    assert not state.delete("n", "new")


@pytest.mark.parametrize(("namespace", "key"), [("", "k"), ("n", ""), ("n", "k" * 257)])
def test_bad_keys_refused(state: StateStore, namespace: str, key: str) -> None:
    with pytest.raises(UsageError):
        state.put(namespace, key, {}, ttl=1)


def test_bad_values_refused(state: StateStore) -> None:
    with pytest.raises(UsageError):
        state.put("n", "k", {"big": "x" * 70_000}, ttl=1)
    with pytest.raises(UsageError):
        state.put("n", "k", {}, ttl=0)
    with pytest.raises(UsageError):
        state.put("n", "k", ["not", "an", "object"], ttl=1)  # type: ignore[arg-type]


def test_two_handles_share_state(store_factory: StoreFactory, clock: FixedClock) -> None:
    one, two = store_factory(clock), store_factory(clock)
    one.put("codes", "c", {"v": 1}, ttl=10)
    assert two.take("codes", "c") is not None
    assert one.take("codes", "c") is None


def test_closed_store_fails_closed(store_factory: StoreFactory) -> None:
    store = store_factory(None)
    store.close()
    with pytest.raises(ThaiVCError) as info:
        store.get("n", "k")
    assert info.value.code == "openid.store"


def test_threads_race_for_one_code(state: StateStore) -> None:
    state.put("codes", "c", {}, ttl=60)
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        wins.append(state.take("codes", "c") is not None)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


def _processes(backend: tuple[str, str]) -> tuple[str, str]:
    if backend[0] == "memory":
        pytest.skip("a memory store lives in one process")
    return backend


@pytest.mark.slow
def test_processes_race_to_redeem_one_code(backend: tuple[str, str], store_factory: StoreFactory) -> None:
    spec = _processes(backend)
    store = store_factory(None)
    keys = [f"code-{i}" for i in range(3)]
    for key in keys:
        store.put("codes", key, {"offer": key}, ttl=120)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(6) as pool:
        for key in keys:
            start = time.time() + 1.5
            wins = pool.starmap(race_take, [(spec, key, start)] * 6)
            assert wins.count(True) == 1, (key, wins)
    assert all(store.get("codes", k) is None for k in keys)


@pytest.mark.slow
def test_processes_race_to_record_one_jti(backend: tuple[str, str], store_factory: StoreFactory) -> None:
    spec = _processes(backend)
    store_factory(None)  # creates the schema
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(6) as pool:
        start = time.time() + 1.5
        stored = pool.starmap(race_put, [(spec, "jti-1", start)] * 6)
    assert stored.count(True) == 1


@pytest.mark.slow
def test_processes_count_every_attempt(backend: tuple[str, str], store_factory: StoreFactory) -> None:
    spec = _processes(backend)
    store = store_factory(None)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        results = pool.starmap(race_incr, [(spec, "code", 10)] * 4)
    seen = sorted(n for run in results for n in run)
    assert seen == list(range(1, 41))  # every increment distinct: no lost update
    assert store.count("tries", "code") == 40


def test_sqlite_memory_database_is_shared_by_threads() -> None:
    store = SqliteStateStore(":memory:")
    try:
        store.put("n", "k", {"v": 1}, ttl=10)
        got: list[object] = []
        t = threading.Thread(target=lambda: got.append(store.take("n", "k")))
        t.start()
        t.join()
        assert got[0] is not None
    finally:
        store.close()


def test_sqlite_unopenable_path_is_protocol_store(tmp_path: Path) -> None:
    with pytest.raises(ThaiVCError) as info:
        SqliteStateStore(tmp_path / "missing-dir" / "state.db")
    assert info.value.code == "openid.store"
