"""One storage test-suite, run on SQLite and on PostgreSQL (the ``store`` fixture is parametrised)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from status_helpers import JwsKeys

from thaivc.core.clock import FixedClock
from thaivc.core.errors import InputError, UsageError
from thaivc.status import MIN_ENTRIES, StatusRegistry, decode_encoded_list, decode_status_list
from thaivc.status.sql_store import SqlStatusStore

ISSUER = "did:web:registry.example.go.th"
BASE = "https://registry.example.go.th/status"


def make_registry(store: SqlStatusStore, **kwargs: Any) -> StatusRegistry:
    kwargs.setdefault("clock", FixedClock.at("2026-03-01T00:00:00Z"))
    return StatusRegistry(store, base_url=BASE, issuer_id=ISSUER, **kwargs)


def identity(document: dict[str, Any]) -> dict[str, Any]:
    return document


def test_allocation_is_random_unique_and_idempotent(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    allocations = registry.allocate_many([f"c{i}" for i in range(500)])
    indices = [a.index for a in allocations]
    assert len(set(indices)) == 500
    assert all(0 <= i < MIN_ENTRIES for i in indices)
    assert indices != sorted(indices)  # not sequential
    assert max(indices) - min(indices) > 500  # spread over the list, not packed at the start
    again = registry.allocate("c7")
    assert again == allocations[7]
    assert store.lookup(ISSUER, "revocation", "c7") == allocations[7]
    assert store.lookup(ISSUER, "revocation", "nobody") is None


def test_each_purpose_has_its_own_entry(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    revocation = registry.allocate("c1", "revocation")
    suspension = registry.allocate("c1", "suspension")
    assert revocation.list_id != suspension.list_id
    assert {i.purpose for i in registry.lists()} == {"revocation", "suspension"}


def test_lists_roll_over_at_capacity(store: SqlStatusStore) -> None:
    registry = make_registry(store, list_size=64, min_list_size=64, fill_ratio=0.5)
    allocations = registry.allocate_many([f"c{i}" for i in range(100)])
    lists = registry.lists()
    assert [info.allocated for info in lists] == [32, 32, 32, 4]
    per_list: dict[str, set[int]] = {}
    for a in allocations:
        per_list.setdefault(a.list_id, set()).add(a.index)
    assert sorted(len(v) for v in per_list.values()) == [4, 32, 32, 32]
    # the next allocation continues in the open list
    assert registry.allocate("late").list_id == lists[-1].list_id


def test_full_fill_hands_out_every_index_exactly_once(store: SqlStatusStore) -> None:
    registry = make_registry(store, list_size=64, min_list_size=64, fill_ratio=1.0)
    allocations = registry.allocate_many([f"c{i}" for i in range(64)])
    assert sorted(a.index for a in allocations) == list(range(64))
    assert len({a.list_id for a in allocations}) == 1


def test_registry_refuses_small_or_odd_lists(store: SqlStatusStore) -> None:
    for kwargs in (
        {"list_size": 1024},
        {"list_size": MIN_ENTRIES + 1},
        {"fill_ratio": 0},
        {"status_messages": ["a", "b", "c"]},
    ):
        with pytest.raises(UsageError):
            make_registry(store, **kwargs)
    with pytest.raises(UsageError):
        StatusRegistry(store, base_url=BASE + "/", issuer_id=ISSUER)


def test_revoke_suspend_reinstate(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    a = registry.allocate("c1", "revocation")
    s = registry.allocate("c1", "suspension")
    registry.revoke("c1")
    registry.suspend("c1")
    assert dict(store.snapshot(a.list_id).values) == {a.index: 1}
    assert dict(store.snapshot(s.list_id).values) == {s.index: 1}
    registry.reinstate("c1")
    assert store.snapshot(s.list_id).values == ()
    assert dict(store.snapshot(a.list_id).values) == {a.index: 1}  # revocation is untouched and final


def test_unknown_credential_or_purpose_is_refused(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    registry.allocate("c1", "revocation")
    with pytest.raises(UsageError):
        registry.revoke("never-issued")
    with pytest.raises(UsageError):
        registry.reinstate("c1")  # c1 has no suspension entry: revocation cannot be undone
    with pytest.raises(UsageError):
        registry.allocate("c1", "refresh")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        registry.set_message("c1", 1)  # no messages configured
    with pytest.raises(UsageError):
        registry.allocate("")


def test_batch_is_all_or_nothing(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    allocations = registry.allocate_many([f"c{i}" for i in range(50)])
    with pytest.raises(UsageError):
        registry.revoke_many([*(f"c{i}" for i in range(50)), "stranger"])
    assert store.snapshot(allocations[0].list_id).values == ()
    assert registry.revoke_many(f"c{i}" for i in [*range(50), 3, 3]) == 50  # duplicates collapse
    assert len(store.snapshot(allocations[0].list_id).values) == 50


def test_small_batch_is_all_or_nothing_too(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    allocation = registry.allocate("c1")
    registry.allocate("c2")
    with pytest.raises(UsageError):
        registry.revoke_many(["c1", "stranger", "c2"])
    assert store.snapshot(allocation.list_id).values == ()
    assert store.list_info(allocation.list_id).revision == 0  # type: ignore[union-attr]
    assert registry.revoke_many(["c1", "c2", "c1"]) == 2
    assert registry.revoke_many([]) == 0


def test_large_allocation_batch_mixes_new_and_existing(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    first = registry.allocate_many([f"c{i}" for i in range(10)])
    mixed = registry.allocate_many([f"c{i}" for i in range(100)] + ["c3"])
    assert mixed[:10] == first and mixed[-1] == first[3]
    assert len({(a.list_id, a.index) for a in mixed}) == 100


def test_revision_counts_changes(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    a = registry.allocate("c1")
    before = store.list_info(a.list_id)
    registry.revoke("c1")
    after = store.list_info(a.list_id)
    assert before is not None and after is not None
    assert after.revision == before.revision + 1
    assert store.list_info("missing") is None


def test_message_purpose(store: SqlStatusStore) -> None:
    registry = make_registry(store, status_messages=["ok", "review", "moved", "closed"])
    entry = registry.entry_for("c1", "message")
    assert entry["statusSize"] == 2
    assert [m["status"] for m in entry["statusMessage"]] == ["0x0", "0x1", "0x2", "0x3"]
    registry.set_message("c1", 3)
    with pytest.raises(UsageError):
        registry.set_message("c1", 4)
    list_id = registry.allocate("c1", "message").list_id
    pub = registry.publish(list_id, sign=identity)
    doc = json.loads(pub.body)
    bits = decode_encoded_list(
        doc["credentialSubject"]["encodedList"], status_size=2, min_entries=MIN_ENTRIES
    )
    assert bits.get(int(entry["statusListIndex"])) == 3
    info = store.list_info(list_id)
    assert info is not None and info.messages == ("ok", "review", "moved", "closed")


def test_publish_w3c_document_shape_and_versions(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    entry = registry.entry_for("c1")
    list_id = registry.allocate("c1").list_id
    first = registry.publish(list_id, sign=identity, valid_for=3600, ttl=60)
    doc = json.loads(first.body)
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert doc["id"] == entry["statusListCredential"] == f"{BASE}/{list_id}"
    assert doc["issuer"] == ISSUER
    assert (doc["validFrom"], doc["validUntil"]) == ("2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z")
    subject = doc["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"], subject["ttl"]) == (
        "BitstringStatusList",
        "revocation",
        60_000,
    )
    bits = decode_encoded_list(subject["encodedList"])
    assert bits.entries == MIN_ENTRIES and not any(bits.data)
    registry.revoke("c1")
    second = registry.publish(list_id, sign=identity)
    assert (first.version, second.version) == (1, 2)
    assert second.revision > first.revision
    bits = decode_encoded_list(json.loads(second.body)["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"])) == 1
    assert store.current_publication(list_id, "w3c") == second
    assert store.current_publication(list_id, "ietf") is None


def test_publish_ietf_payload(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    keys = JwsKeys()
    claim = registry.entry_for("c1", format="ietf")
    suspended = registry.entry_for("c2", "suspension", format="ietf")
    registry.revoke("c1")
    registry.suspend("c2")
    for info in registry.lists():
        pub = registry.publish(info.list_id, "ietf", sign=keys.sign_ietf, valid_for=600, ttl=30)
        payload = keys.verify(pub.body)
        assert payload["sub"] == registry.list_url(info.list_id, "ietf")
        assert (payload["iss"], payload["exp"] - payload["iat"], payload["ttl"]) == (ISSUER, 600, 30)
        tsl = decode_status_list(payload["status_list"])
        if info.purpose == "revocation":
            assert tsl.bits == 1 and tsl.get(claim["status_list"]["idx"]) == 1
        else:
            assert tsl.bits == 2 and tsl.get(suspended["status_list"]["idx"]) == 2


def test_publication_never_goes_back_in_time(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    list_id = registry.allocate("c1").list_id
    stale = store.snapshot(list_id)
    registry.revoke("c1")
    newer = registry.publish(list_id, sign=identity)
    # a slow publisher that read the list before the revocation finishes last
    result = store.save_publication(list_id, "w3c", stale.info.revision, '{"stale":true}', 0)
    assert result == newer
    assert store.current_publication(list_id, "w3c") == newer


def test_publish_checks_list_and_arguments(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    list_id = registry.allocate("c1").list_id
    with pytest.raises(UsageError):
        registry.publish("no-such-list", sign=identity)
    with pytest.raises(UsageError):
        registry.publish(list_id, "cbor", sign=identity)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        registry.publish(list_id, sign=identity, ttl=0)
    other = StatusRegistry(store, base_url=BASE, issuer_id="did:example:other")
    with pytest.raises(UsageError):
        other.publish(list_id, sign=identity)


def test_second_connection_sees_committed_state(store_factory: Callable[[], SqlStatusStore]) -> None:
    first, second = store_factory(), store_factory()
    registry = make_registry(first)
    allocation = registry.allocate("c1")
    registry.revoke("c1")
    assert second.lookup(ISSUER, "revocation", "c1") == allocation
    assert dict(second.snapshot(allocation.list_id).values) == {allocation.index: 1}


def test_entries_audit(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    a = registry.allocate("c1")
    registry.allocate("c2")
    registry.revoke("c1")
    rows = {cid: (idx, value) for idx, cid, value in store.entries(a.list_id)}
    assert rows["c1"] == (a.index, 1) and rows["c2"][1] == 0


def test_entry_for_formats(store: SqlStatusStore) -> None:
    registry = make_registry(store)
    w3c = registry.entry_for("c1")
    ietf = registry.entry_for("c1", format="ietf")
    assert w3c["statusListIndex"] == str(ietf["status_list"]["idx"])
    assert w3c["id"] == f"{w3c['statusListCredential']}#{w3c['statusListIndex']}"
    assert ietf["status_list"]["uri"].startswith(BASE + "/token/")
    with pytest.raises(UsageError):
        registry.entry_for("c1", format="jwt")  # type: ignore[arg-type]


def test_status_store_errors_are_typed(tmp_path: Any) -> None:
    from thaivc.core.errors import ThaiVCError
    from thaivc.status import PostgresStatusStore, SqliteStatusStore

    with pytest.raises(ThaiVCError) as exc:
        SqliteStatusStore(tmp_path / "missing-dir" / "x.db")
    assert exc.value.code == "status.store"
    with pytest.raises(ThaiVCError) as exc:
        PostgresStatusStore("host=127.0.0.1 port=1 user=nobody dbname=none", connect_timeout=2)
    assert exc.value.code == "status.store"
    assert not isinstance(exc.value, InputError)
