"""``thaivc serve`` on PostgreSQL holds a bounded number of sessions, and says so before it starts.

A service under load used to open a session per pool thread per store (2 workers x 40 threads x 3
stores = 240) and answered 503 once PostgreSQL ran out. Now each store of each worker borrows from
a pool of ``[database] pool_size``; ``thaivc serve`` refuses to start when ``workers x 3 x pool_size``
is more than the server allows, naming the numbers and the fix.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_helpers import credential, issuer_headers, serve_process, write_config

from thaivc.cli import main as cli_main
from thaivc.server import load_config
from thaivc.server.config import ConfigError


@pytest.fixture
def database(pg_dsn: str) -> Iterator[tuple[str, str]]:
    """(admin DSN, URL of a database of its own, tagged with an application name to count its sessions)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = f"pool_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    parts = conninfo_to_dict(pg_dsn)
    yield pg_dsn, f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{name}?application_name={name}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _sessions(admin_dsn: str, database_url: str) -> int:
    import psycopg

    name = database_url.rsplit("=", 1)[1]
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (name,)).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize(("value", "words"), [("0", "pool_size"), ("100000", "pool_size")])
def test_a_pool_size_out_of_range_is_named_at_start(tmp_path: Path, value: str, words: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(write_config(tmp_path), environ={"THAIVC_DATABASE__POOL_SIZE": value})
    assert words in str(refused.value)


@pytest.mark.postgres
def test_serve_refuses_more_sessions_than_postgresql_allows(
    tmp_path: Path, database: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, url = database
    config = write_config(tmp_path, db_url=url)
    # the throwaway server allows 200 sessions less the reserved ones: 7 x 3 x 10 = 210 cannot fit
    code = cli_main(["serve", "--config", str(config), "--workers", "7", "--port", "1"])
    out = capsys.readouterr()
    assert code == 2
    assert "210 PostgreSQL sessions" in out.err and "max_connections" in out.err and "pool_size" in out.err
    assert "Traceback" not in out.err


@pytest.mark.postgres
def test_a_loaded_service_stays_within_its_pools(
    tmp_path: Path, database: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers, pools of 2: 24 concurrent clients issuing and asking challenges, at most 2 x 3 x 2 sessions."""
    admin_dsn, url = database
    port = _free_port()
    config = write_config(tmp_path, db_url=url)
    monkeypatch.setenv("THAIVC_DATABASE__POOL_SIZE", "2")
    base = f"http://127.0.0.1:{port}"
    with serve_process(
        ["serve", "--config", str(config), "--port", str(port), "--workers", "2"],
        ready_url=f"{base}/readyz",
        stderr=tmp_path / "serve.err",
    ):
        stop = threading.Event()
        peak = [0]

        def watch() -> None:
            while not stop.is_set():
                peak[0] = max(peak[0], _sessions(admin_dsn, url))

        def client(n: int) -> list[int]:
            statuses = []
            with httpx.Client(base_url=base, timeout=60) as http:
                for i in range(6):
                    issued = http.post(
                        "/credentials/issue",
                        headers=issuer_headers(),
                        json={"credential": credential(id=f"urn:uuid:pool-{n}-{i}")},
                    )
                    statuses.append(issued.status_code)
                    statuses.append(http.post("/challenges").status_code)
            return statuses

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            with concurrent.futures.ThreadPoolExecutor(24) as pool:
                results = [s for r in pool.map(client, range(24)) for s in r]
        finally:
            stop.set()
            watcher.join()
    assert set(results) <= {200, 201}, sorted(set(results))
    assert 0 < peak[0] <= 2 * 3 * 2, f"{peak[0]} sessions for 2 workers x 3 stores x pool_size 2"


@pytest.mark.parametrize("threads", [3, 40])
def test_the_thread_pool_has_the_configured_size(tmp_path: Path, threads: int) -> None:
    """``[server] threads`` sizes the pool blocking work runs in (anyio's limiter, per worker process)."""
    import anyio.to_thread
    from starlette.testclient import TestClient

    from thaivc.server import create_app

    config = load_config(write_config(tmp_path), environ={"THAIVC_SERVER__THREADS": str(threads)})

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with TestClient(create_app(config)) as client:
        assert client.portal is not None
        assert client.portal.call(tokens) == threads


@pytest.mark.parametrize("threads", [1, 4, 16])
def test_verifications_run_in_their_own_small_pool(tmp_path: Path, threads: int) -> None:
    """``[server] verify_threads``: at most that many verifications at once per worker, beside the larger pool."""
    import concurrent.futures as futures

    from starlette.testclient import TestClient

    from thaivc.server import build_app

    config = load_config(write_config(tmp_path), environ={"THAIVC_SERVER__VERIFY_THREADS": str(threads)})
    with TestClient(build_app(config)) as client:
        limiter = client.app.state.thaivc.verify_limiter  # type: ignore[attr-defined]
        assert limiter.total_tokens == threads
        assert anyio_default_tokens(client) == config.server.threads  # the general pool is untouched
        with futures.ThreadPoolExecutor(8) as pool:  # the endpoints still answer through it, concurrently
            answers = list(
                pool.map(lambda _: client.post("/credentials/verify", json={"verifiableCredential": "x"}), range(16))
            )
        assert {a.status_code for a in answers} == {422}
        assert limiter.borrowed_tokens == 0


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, 4),  # offline verification: CPU work, a few threads
        ({"THAIVC_POLICY__ALLOW_NETWORK": "true"}, 40),  # it may wait on other issuers: the general pool's size
        ({"THAIVC_POLICY__ALLOW_NETWORK": "true", "THAIVC_SERVER__THREADS": "12"}, 12),
        ({"THAIVC_POLICY__ALLOW_NETWORK": "true", "THAIVC_SERVER__VERIFY_THREADS": "6"}, 6),  # said: kept
    ],
)
def test_a_verifier_that_may_wait_on_the_network_gets_the_large_pool(
    tmp_path: Path, environ: dict[str, str], expected: int
) -> None:
    """Four threads for verifications that may each wait seconds on another issuer's DID document or
    status list would let four slow fetches hold every verification of the worker."""
    from starlette.testclient import TestClient

    from thaivc.server import build_app

    config = load_config(write_config(tmp_path), environ=environ)
    with TestClient(build_app(config)) as client:
        assert client.app.state.thaivc.verify_limiter.total_tokens == expected  # type: ignore[attr-defined]


def anyio_default_tokens(client: object) -> float:
    import anyio.to_thread

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    return client.portal.call(tokens)  # type: ignore[attr-defined,no-any-return]


def test_a_thread_count_out_of_range_is_named_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(write_config(tmp_path), environ={"THAIVC_SERVER__THREADS": "0"})
    assert "threads" in str(refused.value)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.postgres
def test_every_postgresql_session_of_a_worker_is_one_of_its_counted_pools(
    tmp_path: Path, database: tuple[str, str]
) -> None:
    """``thaivc serve``'s bound counts ``STORES_PER_WORKER`` pools per worker: nothing else may hold a session.

    Every endpoint the service has (VC-API, publishing, administration, OpenID4VCI, OpenID4VP, the
    counter pages, readiness) and a reconciliation run, four at a time, against pools of one session:
    the worker's sessions never exceed ``STORES_PER_WORKER``, and nothing waits on a pool it already
    holds (a nested borrow would be a 503 after ``pool_wait`` here). A store, a challenge store or a
    timer opening sessions of its own would break the start-up check's arithmetic; this finds it.
    """
    import test_server_store_outage as outage
    from starlette.testclient import TestClient

    from thaivc.cli.serve import STORES_PER_WORKER
    from thaivc.server import create_app
    from thaivc.server.reconcile import ReconcileOptions

    admin_dsn, url = database
    (tmp_path / "session.key").write_bytes(outage.SESSION_SECRET)
    environ = {"THAIVC_DATABASE__POOL_SIZE": "1", "THAIVC_DATABASE__POOL_WAIT": "20"}
    config = load_config(write_config(tmp_path, outage.CONFIG, db_url=url), environ=environ)
    stop = threading.Event()
    peak = [0]

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _sessions(admin_dsn, url))

    with TestClient(create_app(config), base_url=outage.URL) as client:
        scene = outage.Scene(client, tmp_path, db_url=url)
        calls = [make(scene) for _, make in outage.CASES]  # each prepared while nothing else runs
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(lambda call: call().status_code, calls * 2))
            service: Any = client.app.app.state.thaivc.service  # type: ignore[attr-defined]
            service.reconcile(ReconcileOptions(grace=0, actor="test"))
        finally:
            stop.set()
            watcher.join()
    assert 503 not in answers and 500 not in answers, answers
    assert 0 < peak[0] <= STORES_PER_WORKER, f"{peak[0]} sessions from one worker with pools of one"


@pytest.mark.postgres
def test_after_postgresql_drops_every_session_the_next_requests_succeed(
    tmp_path: Path, database: tuple[str, str]
) -> None:
    """A restart (or failover, or an idle-session timeout) breaks every pooled session at once.

    The pool lent a dead session to the next request of each store: with pools of 4 the first 4
    requests per store after a restart were 503 ``service.unavailable``, long after PostgreSQL was
    back. A session is now checked as it is lent, and a dead one replaced: no request fails.
    """
    import psycopg
    from starlette.testclient import TestClient

    from thaivc.server import create_app

    admin_dsn, url = database
    config = load_config(write_config(tmp_path, db_url=url), environ={"THAIVC_DATABASE__POOL_SIZE": "4"})
    name = url.rsplit("=", 1)[1]
    with TestClient(create_app(config), base_url="https://issuer.example.go.th") as client:

        def issue(n: int) -> int:
            body = {"credential": credential(id=f"urn:uuid:restart-{n}")}
            return client.post("/credentials/issue", headers=issuer_headers(), json=body).status_code

        with concurrent.futures.ThreadPoolExecutor(4) as pool:  # every pool holds its 4 sessions
            assert set(pool.map(issue, range(16))) == {201}
        assert _sessions(admin_dsn, url) > 3
        with psycopg.connect(admin_dsn, autocommit=True) as admin:  # what a restart does to every client
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (name,))
        # pg_terminate_backend only signals: wait until the sessions have ended (their goodbye is then on
        # the client's sockets), as after a restart; a request racing the termination itself may still fail
        deadline = time.monotonic() + 10
        while _sessions(admin_dsn, url) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _sessions(admin_dsn, url) == 0
        answers = [issue(n) for n in range(100, 112)] + [client.post("/challenges").status_code for _ in range(6)]
    assert set(answers) == {201}, answers
