"""The service's cache of its own status lists: a status change anywhere counts at the next verification.

Several uvicorn workers (or hosts) share one database; each keeps decoded lists, re-confirmed by the
list's revision on every use. Two :class:`Service` instances over one database stand for two worker
processes (they share no memory: separate connections, separate caches); one test uses a real second
process. The attacks: a revocation, suspension or reinstatement in another process, concurrent
revocations, a store that cannot confirm freshness, a put with no known revision, a flood of lists.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from server_helpers import credential, write_config

from thaivc.server.db import Database
from thaivc.server.keys import load_keyring
from thaivc.server.service import Service
from thaivc.server.status_cache import OwnListCache
from thaivc.status import CachedList

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_service(tmp_path: Path) -> Iterator[Callable[..., Service]]:
    made: list[Service] = []

    def make(db_url: str | None = None) -> Service:
        from thaivc.server import load_config

        config = load_config(write_config(tmp_path, db_url=db_url), environ={})
        db = Database(config.database.url)
        db.migrate()
        service = Service(config, load_keyring(config), db)
        made.append(service)
        return service

    yield make
    for service in made:
        service.db.close()


def _issue(service: Service, n: int = 0, purposes: tuple[str, ...] = ("revocation",)) -> tuple[str, str]:
    cid = f"urn:uuid:cache-{n}-{time.monotonic_ns()}"
    out = service.issue(
        {"credential": credential(id=cid), "options": {"statusPurposes": list(purposes)}}, client="test", request_id="-"
    )
    return cid, out["verifiableCredential"]


def _verdict(service: Service, vc: Any) -> tuple[bool, list[str]]:
    report = service.verify_credential({"verifiableCredential": vc})
    return report.ok, [p.code for p in report.problems]


def _change(service: Service, action: Any, ids: list[str]) -> None:
    rows = service.change_status(action, ids, dry_run=False, actor="test", request_id="-")
    assert all(r.outcome == "done" for r in rows), rows


def test_revocation_in_one_process_counts_at_the_next_verification_in_another(
    make_service: Callable[..., Service],
) -> None:
    a, b = make_service(), make_service()
    cid, vc = _issue(a)
    assert _verdict(b, vc) == (True, [])
    assert _verdict(b, vc) == (True, [])  # now answered from b's cache
    assert len(b.status_cache) == 1
    _change(a, "revoke", [cid])
    assert _verdict(b, vc) == (False, ["status.revoked"])  # immediately, no TTL to wait out
    assert _verdict(a, vc) == (False, ["status.revoked"])


def test_suspend_and_reinstate_back_and_forth_between_processes(make_service: Callable[..., Service]) -> None:
    a, b = make_service(), make_service()
    cid, vc = _issue(a, purposes=("suspension",))
    for _ in range(3):  # the value returns to 0 but the revision never does: no ABA
        assert _verdict(b, vc) == (True, [])
        _change(a, "suspend", [cid])
        assert _verdict(b, vc) == (False, ["status.suspended"])
        assert _verdict(a, vc) == (False, ["status.suspended"])
        _change(b, "reinstate", [cid])
        assert _verdict(a, vc) == (True, [])
        assert _verdict(b, vc) == (True, [])


def test_concurrent_revocations_through_two_processes_are_all_seen(make_service: Callable[..., Service]) -> None:
    a, b = make_service(), make_service()
    issued = [_issue(a, n) for n in range(16)]
    for _, vc in issued:
        assert _verdict(b, vc)[0]
    stop = threading.Event()
    seen_valid_after: list[str] = []
    revoked: set[str] = set()
    lock = threading.Lock()

    def revoke(service: Service, ids: list[str]) -> None:
        for cid in ids:
            _change(service, "revoke", [cid])
            with lock:
                revoked.add(cid)

    def watch() -> None:  # keeps both caches warm while the revocations land
        while not stop.is_set():
            for cid, vc in issued:
                with lock:
                    was_revoked = cid in revoked
                ok, _ = _verdict(b, vc)
                if was_revoked and ok:
                    seen_valid_after.append(cid)

    watcher = threading.Thread(target=watch)
    watcher.start()
    ids = [cid for cid, _ in issued]
    workers = [
        threading.Thread(target=revoke, args=(a, ids[0::2])),
        threading.Thread(target=revoke, args=(b, ids[1::2])),
    ]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    stop.set()
    watcher.join()
    assert seen_valid_after == []  # never "valid" once the revocation was committed
    for service in (a, b):
        for _, vc in issued:
            assert _verdict(service, vc) == (False, ["status.revoked"])


def test_a_store_that_cannot_confirm_freshness_is_never_answered_from_the_cache(
    make_service: Callable[..., Service],
    tmp_path: Path,
) -> None:
    b = make_service()
    _, vc = _issue(b)
    assert _verdict(b, vc) == (True, [])
    assert len(b.status_cache) == 1
    raw = sqlite3.connect(tmp_path / "service.db")
    raw.execute("ALTER TABLE thaivc_status_list RENAME TO thaivc_status_list_away")
    raw.commit()
    try:
        ok, codes = _verdict(b, vc)
        assert not ok and codes[0].startswith("status.")  # undecided, never valid
        assert len(b.status_cache) == 0
    finally:
        raw.execute("ALTER TABLE thaivc_status_list_away RENAME TO thaivc_status_list")
        raw.commit()
        raw.close()
    assert _verdict(b, vc) == (True, [])


def test_revocation_in_a_real_second_process(make_service: Callable[..., Service], tmp_path: Path) -> None:
    b = make_service()
    cid, vc = _issue(b)
    assert _verdict(b, vc) == (True, [])
    script = (
        "import sys\n"
        "from thaivc.server import load_config\n"
        "from thaivc.server.db import Database\n"
        "from thaivc.server.keys import load_keyring\n"
        "from thaivc.server.service import Service\n"
        "config = load_config(sys.argv[1], environ={})\n"
        "db = Database(config.database.url)\n"
        "rows = Service(config, load_keyring(config), db).change_status("
        "'revoke', [sys.argv[2]], dry_run=False, actor='other', request_id='-')\n"
        "db.close()\n"
        "assert rows[0].outcome == 'done', rows\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "thaivc-server.toml"), cid],
        env={"PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert _verdict(b, vc) == (False, ["status.revoked"])


@pytest.mark.postgres
def test_revocation_between_two_processes_on_postgresql(make_service: Callable[..., Service], pg_dsn: str) -> None:
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(pg_dsn)
    url = f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"
    a, b = make_service(url), make_service(url)
    cid, vc = _issue(a)
    assert _verdict(b, vc) == (True, [])
    assert _verdict(b, vc) == (True, [])
    _change(a, "revoke", [cid])
    assert _verdict(b, vc) == (False, ["status.revoked"])


# -- the cache itself ---------------------------------------------------------------------------
PREFIX = "https://issuer.example.go.th/status/"


def _cached(url: str) -> CachedList:
    from thaivc.status.bitstring import Bitstring

    return CachedList(url, "w3c", "did:web:x", frozenset({"revocation"}), Bitstring(131072), 0.0, 1e12, {})


def _cache(revision_of: Callable[[str], int | None], **kwargs: Any) -> OwnListCache:
    return OwnListCache(
        PREFIX, lambda url: url[len(PREFIX) :] if url.startswith(PREFIX) else None, revision_of, **kwargs
    )


def test_cache_refuses_an_entry_whose_revision_cannot_be_read() -> None:
    state: dict[str, Any] = {"rev": 3}

    def revision_of(list_id: str) -> int | None:
        if isinstance(state["rev"], Exception):
            raise state["rev"]
        return int(state["rev"]) if state["rev"] is not None else None

    cache = _cache(revision_of)
    url = PREFIX + "abc"
    cache.served(url, 3)
    cache.put("w3c " + url, _cached(url))
    assert cache.get("w3c " + url) is not None
    state["rev"] = RuntimeError("database down")
    assert cache.get("w3c " + url) is None and len(cache) == 0  # cannot confirm: dropped, re-read
    cache.served(url, 3)
    cache.put("w3c " + url, _cached(url))
    state["rev"] = None  # the list is gone
    assert cache.get("w3c " + url) is None
    cache.served(url, 3)
    cache.put("w3c " + url, _cached(url))
    state["rev"] = 4  # a newer revision (a change since)
    assert cache.get("w3c " + url) is None


def test_cache_keeps_nothing_it_has_no_revision_for() -> None:
    cache = _cache(lambda list_id: 1)
    url, other = PREFIX + "abc", PREFIX + "def"
    cache.put("w3c " + url, _cached(url))  # never served in this thread
    assert cache.get("w3c " + url) is None
    cache.served(other, 1)  # a revision for another list
    cache.put("w3c " + url, _cached(url))
    assert cache.get("w3c " + url) is None
    cache.served(url, 1)  # served in another thread: this thread's put has no revision
    seen: list[CachedList | None] = []
    worker = threading.Thread(
        target=lambda: (cache.put("w3c " + url, _cached(url)), seen.append(cache.get("w3c " + url)))
    )
    worker.start()
    worker.join()
    assert seen == [None]
    cache.put("w3c " + url, _cached(url))  # the record is used once
    cache.put("w3c " + url, _cached(url))
    assert cache.get("w3c " + url) is not None


def test_cache_is_bounded_and_leaves_other_issuers_to_their_ttl() -> None:
    cache = _cache(lambda list_id: 7, max_entries=4)
    for n in range(50):
        url = f"{PREFIX}list{n}"
        cache.served(url, 7)
        cache.put("w3c " + url, _cached(url))
    assert len(cache) == 4
    foreign = "https://other.example/status/1"
    cache.put("w3c " + foreign, _cached(foreign))  # no revision needed: the TTL cache answers
    assert cache.get("w3c " + foreign) is not None and len(cache) == 4
    with pytest.raises(ValueError):
        _cache(lambda list_id: 1, max_entries=0)


def test_with_fast_paths_off_every_verification_rereads_the_list(make_service: Callable[..., Service]) -> None:
    from thaivc.core import fastpath

    a, b = make_service(), make_service()
    cid, vc = _issue(a)
    with fastpath.disabled():
        assert _verdict(b, vc) == (True, [])
        assert len(b.status_cache) == 0
        _change(a, "revoke", [cid])
        assert _verdict(b, vc) == (False, ["status.revoked"])
    assert "server own status lists" in {p.name for p in fastpath.catalogue()}


def test_store_revision_is_one_read_bumped_by_every_change(make_service: Callable[..., Service]) -> None:
    service = make_service()
    cid, _ = _issue(service, purposes=("suspension",))
    store: Any = service.registry.store
    allocation = store.lookup(service.keyring.did, "suspension", cid)
    before = store.revision(allocation.list_id)
    assert before == store.list_info(allocation.list_id).revision
    _change(service, "suspend", [cid])
    _change(service, "reinstate", [cid])
    assert store.revision(allocation.list_id) == before + 2
    assert store.revision("no-such-list") is None
