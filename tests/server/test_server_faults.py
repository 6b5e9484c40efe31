"""Issue 13 item 11: faults under load — a worker killed with SIGKILL, PostgreSQL restarted.

``thaivc serve`` runs as a real uvicorn process on loopback (one worker, so the process killed is the
worker itself). Clients issue and revoke while the fault happens; afterwards the database is read
directly and each test asserts: nothing issued was lost or duplicated, no credential the service
returned is without its status entry or its register row, no (list, index) is held twice, and every
caller got an answer within a bounded time — a 201, a clear 503 with a problem code, or a refused
connection — never a hang.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {"Authorization": "Bearer loadtest-issue-key-0123456789abcdef"}
CALL_TIMEOUT = 10.0  # any answer slower than this is a hang


def _loadtest() -> Any:
    name = "thaivc_loadtest"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "loadtest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


LT = _loadtest()


def _credential(tag: str) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
            "id": f"urn:uuid:load-{tag}-{os.urandom(6).hex()}", "credentialSubject": {"id": "did:example:f"}}


class Outcomes:
    """What the callers saw: 201s (by credential id), refusals by status and code, transport errors."""

    def __init__(self) -> None:
        self.issued: list[str] = []
        self.refused: dict[str, int] = {}
        self.transport: dict[str, int] = {}
        self.slowest = 0.0

    def count(self, box: dict[str, int], key: str) -> None:
        box[key] = box.get(key, 0) + 1


async def _issue_until(base: str, stop: asyncio.Event, out: Outcomes, tag: str, clients: int = 4) -> None:
    async def loop(n: int) -> None:
        async with httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=CALL_TIMEOUT) as client:
            i = 0
            while not stop.is_set():
                i += 1
                cred = _credential(f"{tag}-{n}-{i}")
                started = time.monotonic()
                try:
                    r = await client.post("/credentials/issue", json={"credential": cred})
                except httpx.TimeoutException:
                    out.count(out.transport, "timeout")  # a hang: the tests fail on it
                    continue
                except httpx.TransportError as exc:
                    out.count(out.transport, type(exc).__name__)
                    await asyncio.sleep(0.05)
                    continue
                finally:
                    out.slowest = max(out.slowest, time.monotonic() - started)
                if r.status_code == 201:
                    out.issued.append(cred["id"])
                else:
                    body = r.json()
                    out.count(out.refused, f"{r.status_code}:{body.get('code')}")

    await asyncio.gather(*(loop(n) for n in range(clients)))


def _assert_exact(db_url: str, out: Outcomes) -> dict[str, Any]:
    found = LT.check_allocations(db_url, out.issued)
    assert found["issued"] > 0
    for key in ("duplicate_slots", "without_status_entry", "with_several_entries", "not_in_register"):
        assert found[key] == 0, found
    assert "timeout" not in out.transport, (out.transport, out.slowest)
    assert out.slowest < CALL_TIMEOUT
    return found


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'service.db'}"


def _db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(LT._dsn_url(request.getfixturevalue("pg_dsn")))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    return _db_url(request)


def _run_and_kill(db_url: str, work_dir: Path, during: Any, *, kill_after: float) -> Outcomes:
    """Serve, run ``during(base, stop, out)``, SIGKILL the worker after ``kill_after`` s, restart, go on."""
    port = LT._free_port()
    config = LT.write_config(work_dir, port, db_url)
    base = f"http://127.0.0.1:{port}"
    out = Outcomes()

    async def phase(seconds: float) -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(during(base, stop, out))
        await asyncio.sleep(seconds)
        stop.set()
        await asyncio.wait_for(task, CALL_TIMEOUT + 5)

    with LT.serve(config, port, 1) as proc:
        async def killed() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(during(base, stop, out))
            await asyncio.sleep(kill_after)
            os.kill(proc.pid, signal.SIGKILL)  # mid-request: the clients are busy all the time
            await asyncio.sleep(0.5)
            stop.set()
            await asyncio.wait_for(task, CALL_TIMEOUT + 5)

        asyncio.run(killed())
        assert proc.wait(timeout=10) == -signal.SIGKILL
    assert out.transport, "the kill should have cut some requests"
    before = len(out.issued)
    with LT.serve(config, port, 1):  # the same database, a new process: it goes on where the other stopped
        asyncio.run(phase(1.5))
    assert len(out.issued) > before, "the restarted service issues again"
    return out


def test_sigkill_mid_issuance_loses_and_duplicates_nothing(db_url: str, tmp_path: Path) -> None:
    async def during(base: str, stop: asyncio.Event, out: Outcomes) -> None:
        await _issue_until(base, stop, out, "kill")

    out = _run_and_kill(db_url, tmp_path, during, kill_after=1.5)
    _assert_exact(db_url, out)
    assert not out.refused, out.refused
    _assert_reconciled(db_url, tmp_path, out)


def _assert_reconciled(db_url: str, work_dir: Path, out: Outcomes) -> None:
    """What the kill left allocated but unregistered is exactly what reconciliation revokes; no
    credential a caller received is touched (the service is stopped: nothing is in flight)."""
    from thaivc.server import Database, load_config
    from thaivc.server.keys import load_keyring
    from thaivc.server.reconcile import ReconcileOptions, reconcile

    did = load_keyring(load_config(work_dir / "thaivc-server.toml", environ={})).did
    db = Database(db_url)
    try:
        with db.transaction(write=False) as cur:
            unheld = {r[0] for r in cur.execute(
                "SELECT credential_id FROM thaivc_status_entry WHERE credential_id NOT IN "
                "(SELECT credential_id FROM thaivc_issued)").fetchall()}
        summary = reconcile(db, db.status_store(), did, ReconcileOptions(grace=0), now=time.time() + 1)
        found = {a.target for a in db.audit_log(limit=100_000) if a.action == "reconcile"}
        assert found == unheld and summary.revoked == len(unheld)
        assert reconcile(db, db.status_store(), did, ReconcileOptions(grace=0), now=time.time() + 1).found == 0
    finally:
        db.close()
    revoked = _revoked(db_url, out.issued)
    assert not any(revoked.values()), "a delivered credential was revoked"
    print(f"reconciled {len(unheld)} orphans left by SIGKILL")


def test_sigkill_mid_revocation_is_all_or_nothing(db_url: str, tmp_path: Path) -> None:
    """A revocation of many ids is one transaction: a killed worker leaves it applied or not, never half."""
    port = LT._free_port()
    config = LT.write_config(tmp_path, port, db_url)
    base = f"http://127.0.0.1:{port}"
    out = Outcomes()
    batches: list[list[str]] = []

    async def issue_some() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(_issue_until(base, stop, out, "rev"))
        await asyncio.sleep(2.0)
        stop.set()
        await task

    async def revoke_all(proc_pid: int) -> list[str]:
        answers: list[str] = []
        async with httpx.AsyncClient(base_url=base, headers=HEADERS, timeout=CALL_TIMEOUT) as client:
            async def one(ids: list[str]) -> None:
                try:
                    r = await client.post("/admin/status/revoke", json={"ids": ids})
                    answers.append(str(r.status_code))
                except httpx.TransportError as exc:
                    answers.append(type(exc).__name__)

            tasks = [asyncio.create_task(one(ids)) for ids in batches]
            await asyncio.sleep(0.05)
            os.kill(proc_pid, signal.SIGKILL)
            await asyncio.wait_for(asyncio.gather(*tasks), CALL_TIMEOUT + 5)
        return answers

    with LT.serve(config, port, 1) as proc:
        asyncio.run(issue_some())
        size = max(1, len(out.issued) // 4)
        batches = [out.issued[i:i + size] for i in range(0, len(out.issued), size)]
        answers = asyncio.run(revoke_all(proc.pid))
        proc.wait(timeout=10)
    assert not any(a == "ReadTimeout" for a in answers), answers
    _assert_exact(db_url, out)
    revoked = _revoked(db_url, out.issued)
    for ids in batches:
        states = {revoked[i] for i in ids}
        assert len(states) == 1, f"a revocation batch was applied in part: {states}"
    # the officer repeats the upload after the restart: everything ends revoked, nothing twice
    with LT.serve(config, port, 1):
        for ids in batches:
            r = httpx.post(base + "/admin/status/revoke", json={"ids": ids}, headers=HEADERS, timeout=CALL_TIMEOUT)
            assert r.status_code == 200 and r.json()["counts"] == {"done": len(ids)}
    assert all(_revoked(db_url, out.issued).values())


def _revoked(db_url: str, ids: list[str]) -> dict[str, bool]:
    """credential id -> its revocation bit, read from the status store's own tables."""
    from thaivc.server import Database

    db = Database(db_url)
    try:
        store = db.status_store()
        with db.transaction(write=False) as cur:
            issuer = cur.execute("SELECT DISTINCT issuer_id FROM thaivc_status_list").fetchone()[0]
        out = {}
        snapshots: dict[str, dict[int, int]] = {}
        for credential_id in ids:
            entry = store.lookup(issuer, "revocation", credential_id)
            assert entry is not None, credential_id
            if entry.list_id not in snapshots:
                snapshots[entry.list_id] = dict(store.snapshot(entry.list_id).values)
            out[credential_id] = snapshots[entry.list_id].get(entry.index, 0) == 1
        return out
    finally:
        db.close()


@pytest.fixture
def restartable_pg() -> Iterator[Any]:
    """A throwaway PostgreSQL of this test's own (built like tests/postgres_server.py) that can be restarted."""
    if os.environ.get("THAIVC_SKIP_POSTGRES") == "1":
        pytest.skip("THAIVC_SKIP_POSTGRES=1")
    from postgres_server import _LocalPostgres
    from thaivc.testing.binaries import postgres_bindir

    found = postgres_bindir()
    if found is None:
        pytest.skip("no PostgreSQL binaries")
    server = _LocalPostgres(found[0])
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _pg_restart(server: Any, down_for: float) -> None:
    """Stop (fast: every connection is cut) and start again on the same port and data.

    Not ``immediate``: the throwaway server runs with ``synchronous_commit=off``, so a crash would lose
    commits the service was already told about — a property of that test setting, not of the service.
    """
    data = str(server.datadir / "data")
    stopped = server._run(str(server.bindir / "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop")
    assert stopped.returncode == 0, stopped.stderr
    time.sleep(down_for)
    options = (f"-c listen_addresses=127.0.0.1 -p {server.port} -k {server.datadir} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    started = server._run(str(server.bindir / "pg_ctl"), "-D", data, "-l", str(server.datadir / "log"),
                          "-o", options, "-w", "-t", "30", "start")
    assert started.returncode == 0, started.stderr


@pytest.mark.postgres
def test_postgres_restart_under_load_answers_503_then_recovers(
    restartable_pg: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a request waits up to [database] pool_wait for a session, and the default 5 s rides out this
    # 2 s restart (the requests succeed late): a short wait makes the outage meet the callers
    monkeypatch.setenv("THAIVC_DATABASE__POOL_WAIT", "0.5")
    db_url = f"postgresql://postgres@127.0.0.1:{restartable_pg.port}/postgres"
    port = LT._free_port()
    config = LT.write_config(tmp_path, port, db_url)
    base = f"http://127.0.0.1:{port}"
    out = Outcomes()

    async def under_load() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(_issue_until(base, stop, out, "pg"))
        await asyncio.sleep(1.5)
        await asyncio.to_thread(_pg_restart, restartable_pg, 2.0)
        issued_at_restart = len(out.issued)
        deadline = time.monotonic() + 15
        while len(out.issued) == issued_at_restart and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        stop.set()
        await asyncio.wait_for(task, CALL_TIMEOUT + 5)
        assert len(out.issued) > issued_at_restart, f"no recovery after PostgreSQL came back: {out.refused} {out.transport}"

    with LT.serve(config, port, 1):
        asyncio.run(under_load())
        r = httpx.get(base + "/readyz", timeout=CALL_TIMEOUT)
        assert r.status_code == 200
    # while the database was down, callers were told so: 503 with a problem code, nothing else
    assert out.refused, "no request met the restart"
    assert set(out.refused) <= {"503:service.unavailable", "503:status.store"}, out.refused
    assert not out.transport, out.transport
    _assert_exact(db_url, out)
