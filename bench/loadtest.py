"""``make loadtest``: ``thaivc serve`` under sustained verification load, with issuance beside it.

A bounded async driver (no locust: one file, no extra dependency, and the figures it needs — the
library's own rate in the same run, open-loop pacing — are a few lines each). The verification
requests go over HTTP/1.1 keep-alive on asyncio streams (:class:`RawClient`): httpx spent more CPU per
request than the server, on the same two cores. It:

1. starts ``thaivc serve --workers 2`` on loopback over PostgreSQL (a throwaway server, or ``--database-url``);
2. measures the **library's single-core verify rate** in this process, on the same credentials, and
   its CPU time per verification;
3. measures the **HTTP floor** (``bench/http_floor.py``): a bare ASGI app, a FastAPI app and a FastAPI
   app that hops to the thread pool, each under uvicorn with ``thaivc serve``'s own settings and
   workers, each answering the same requests with a fixed JSON — server CPU per request, throughput;
   then ``thaivc serve``'s CPU per verification is split into HTTP floor + FastAPI + hop + library
   + the service's own work, with what 70 % would need;
4. **verification alone** (``max(10 s, duration / 6)``, closed loop, after 5 s of warm-up that opens
   every pool thread's database connections): the server's CPU time per verification (psutil,
   ``thaivc serve`` and its workers), which waiting for the neighbours does not inflate, set against
   the library's CPU per verification (target: at most 1/0.7 = 1.43 times);
5. **saturation**: ``--concurrency`` closed-loop clients verify for ``--duration`` seconds, half
   ``vc+jwt`` credentials (``POST /credentials/verify``), half SD-JWT+KB presentations, each with its
   own single-use challenge (``POST /presentations/verify``) — throughput, p50, p99;
6. **paced**: an open-loop arrival rate of 80 % of the target (70 % of 2 × the single-core rate, or the
   measured throughput if lower) for half the duration — p50, p99;
7. throughout the last two, issuers call ``POST /credentials/issue`` (vc+jwt with a revocation entry); at the
   end the database is checked: every 201 has exactly one status entry and one register row, no
   (list, index) is held twice.

``--quick`` (the test suite) runs a few seconds and asserts correctness only, never speed: the
machine running the tests is shared. The exit status is non-zero only when correctness fails; the
targets are printed as ✓/✗ beside the figures and the machine's load average.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from thaivc.cli.serve import STORES_PER_WORKER

ROOT = Path(__file__).resolve().parent.parent
ISSUE_KEY = "loadtest-issue-key-0123456789abcdef"
DOMAIN = "https://verifier.example.go.th"
#: ``[database] pool_size`` of the service under load: sessions per store per worker (the default)
POOL_SIZE = 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def throwaway_postgres(given: str | None = None) -> Iterator[str]:
    """A PostgreSQL for the run: ``given``, ``THAIVC_TEST_PG_DSN`` or the tests' throwaway server."""
    dsn = given or os.environ.get("THAIVC_TEST_PG_DSN")
    if dsn:
        yield dsn
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from postgres_server import _LocalPostgres  # the tests' throwaway server, reused as is
    from thaivc.testing.binaries import postgres_bindir

    found = postgres_bindir()
    if found is None:
        raise SystemExit("no PostgreSQL binaries (install the dev extra) and THAIVC_TEST_PG_DSN is unset")
    server = _LocalPostgres(found[0])
    try:
        yield server.start()
    finally:
        server.stop()


def _dsn_url(dsn: str) -> str:
    if dsn.startswith(("postgresql://", "postgres://", "sqlite:///")):
        return dsn
    parts = dict(p.split("=", 1) for p in dsn.split())
    return f"postgresql://{parts.get('user', 'postgres')}@{parts['host']}:{parts['port']}/{parts['dbname']}"


def write_config(directory: Path, port: int, db_url: str) -> Path:
    from thaivc import generate_key

    generate_key("Ed25519").save(directory / "issuer.jwk.json")
    digest = hashlib.sha256(ISSUE_KEY.encode()).hexdigest()
    path = directory / "thaivc-server.toml"
    path.write_text(f"""
public_url = "http://127.0.0.1:{port}"
[issuer]
[[issuer.keys]]
id = "key-1"
file = "issuer.jwk.json"
[database]
url = "{db_url}"
pool_size = {POOL_SIZE}
[[auth.api_keys]]
client = "loadtest"
sha256 = "{digest}"
scopes = ["issue", "admin"]
[limits]
rate_per_client = 100000000
rate_per_ip = 100000000
[logging]
level = "WARNING"
""", encoding="utf-8")
    return path


@contextmanager
def _until_ready(command: list[str], port: int, what: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{what} did not become ready")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve(config: Path, port: int, workers: int) -> Any:
    """``thaivc serve`` on ``port``, ready."""
    command = [sys.executable, "-m", "thaivc", "serve", "--config", str(config), "--port", str(port),
               "--workers", str(workers)]
    return _until_ready(command, port, "thaivc serve")


def serve_floor(app: str, port: int, workers: int) -> Any:
    """One of ``bench/http_floor.py``'s stand-ins under uvicorn with ``thaivc serve``'s settings, ready."""
    command = [sys.executable, str(ROOT / "bench" / "http_floor.py"), "--app", app, "--port", str(port),
               "--workers", str(workers)]
    return _until_ready(command, port, f"the HTTP floor ({app})")


def server_cpu(proc: subprocess.Popen[bytes]) -> float | None:
    """CPU seconds used so far by ``thaivc serve`` and its workers: the honest figure on a shared machine.

    Throughput on a machine other work shares measures the machine; CPU time per request measures the
    service. None when psutil (the dev extra) is missing or a process went away.
    """
    try:
        import psutil
    except ImportError:
        return None
    try:
        parent = psutil.Process(proc.pid)
        return sum(sum(p.cpu_times()[:2]) for p in [parent, *parent.children(recursive=True)])
    except psutil.Error:
        return None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Fixtures:
    """What the load is made of: one vc+jwt credential, one SD-JWT VC and its holder."""

    def __init__(self, base: str) -> None:
        from thaivc import generate_key

        self.base = base
        self.holder = generate_key("P-256")
        headers = {"Authorization": f"Bearer {ISSUE_KEY}"}
        cred = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                "credentialSubject": {"id": self.holder.did, "name": "สมชาย ใจดี"}}
        r = httpx.post(base + "/credentials/issue", json={"credential": cred}, headers=headers, timeout=30)
        r.raise_for_status()
        self.vc_jwt = r.json()["verifiableCredential"]
        r = httpx.post(base + "/credentials/issue", headers=headers, timeout=30, json={
            "credential": cred, "options": {"format": "dc+sd-jwt", "disclosable": ["/credentialSubject/name"]}})
        r.raise_for_status()
        from thaivc.jose.media import unenvelope

        self.sd_jwt = unenvelope(r.json()["verifiableCredential"])[1]

    def present(self, challenge: str) -> str:
        from thaivc import Holder

        return str(Holder(self.holder).present([self.sd_jwt], challenge=challenge, domain=DOMAIN))


def library_rate(fx: Fixtures, seconds: float) -> dict[str, float]:
    """Single-core verifications per second of the same inputs by the library, in this process."""
    from thaivc import Policy, Verifier
    from thaivc.net import FetchResult
    from thaivc.status import StatusChecker

    lists: dict[str, FetchResult] = {}

    def fetch(url: str) -> FetchResult:  # the published list, fetched once: the library's cache keeps it
        if url not in lists:
            r = httpx.get(url, timeout=10)
            lists[url] = FetchResult(url, r.status_code, r.content, r.headers.get("content-type"), 300)
        return lists[url]

    class AnyChallenge:  # the library's own figure excludes the service's single-use bookkeeping
        def consume(self, challenge: str) -> bool:
            return True

    verifier = Verifier(Policy(), challenge_store=AnyChallenge(), status_checker=StatusChecker(fetch))
    vc = fx.vc_jwt
    # a fresh presentation per call, as the service gets: no memo of one helps the next
    presentations = [fx.present(f"bench-challenge-{i:08d}") for i in range(int(seconds * 2000) + 64)]
    out: dict[str, float] = {}
    for name, fn in (
        ("vc+jwt", lambda i: verifier.check(vc)),
        ("sd-jwt", lambda i: verifier.check(presentations[i % len(presentations)],
                                            challenge=f"bench-challenge-{i % len(presentations):08d}", domain=DOMAIN)),
    ):
        assert fn(0).ok, f"the library does not verify the {name} fixture"
        count, started, cpu_started = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - started < seconds:
            fn(count)
            count += 1
        out[name] = count / (time.perf_counter() - started)
        # CPU per verification: what the machine's other work cannot inflate
        out[f"{name} cpu_ms"] = 1000 * (time.process_time() - cpu_started) / count
    out["mix"] = 1 / (0.5 / out["vc+jwt"] + 0.5 / out["sd-jwt"])
    out["mix cpu_ms"] = (out["vc+jwt cpu_ms"] + out["sd-jwt cpu_ms"]) / 2
    return out


def insert_challenges(db_url: str, count: int, ttl: int = 3600) -> list[str]:
    """Challenges written straight into the service's table (the driver is the agency's own harness)."""
    from thaivc.server import Database

    values = [f"load-{os.urandom(12).hex()}" for _ in range(count)]
    db = Database(db_url)
    try:
        expires = int(time.time()) + ttl
        for start in range(0, count, 1000):
            with db.transaction() as cur:
                for value in values[start:start + 1000]:
                    cur.execute("INSERT INTO thaivc_challenge (challenge, expires_at, used) VALUES (?, ?, 0)",
                                (value, expires))
    finally:
        db.close()
    return values


class Load:
    """The verification requests, alternating vc+jwt credentials and SD-JWT presentations."""

    def __init__(self, fx: Fixtures, pool: list[tuple[str, str]]) -> None:
        self.fx = fx
        self.pool = pool
        self.turn = 0
        self.exhausted = 0

    def next(self) -> tuple[str, dict[str, Any]]:
        self.turn += 1
        if self.turn % 2 and self.pool:
            challenge, vp = self.pool.pop()
            return "/presentations/verify", {"verifiablePresentation": vp,
                                             "options": {"challenge": challenge, "domain": DOMAIN}}
        if self.turn % 2:
            self.exhausted += 1
        return "/credentials/verify", {"verifiableCredential": self.fx.vc_jwt}


class FloorLoad:
    """The same requests as :class:`Load` for the HTTP floor, which reads them and verifies nothing."""

    def __init__(self, fx: Fixtures) -> None:
        self.vc = {"verifiableCredential": fx.vc_jwt}
        challenge = "floor-" + os.urandom(12).hex()
        self.vp = {"verifiablePresentation": fx.present(challenge),
                   "options": {"challenge": challenge, "domain": DOMAIN}}
        self.turn = 0

    def next(self) -> tuple[str, dict[str, Any]]:
        self.turn += 1
        return ("/presentations/verify", self.vp) if self.turn % 2 else ("/credentials/verify", self.vc)


class _Answer:
    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code, self.body = status_code, body

    def json(self) -> Any:
        return json.loads(self.body)


#: idle keep-alive connections older than this are not reused (uvicorn's keep-alive timeout is 5 s)
_KEEP_ALIVE_MARGIN_S = 4.0


class RawClient:
    """The verification driver: HTTP/1.1 keep-alive on asyncio streams, ``json.dumps`` and a status line.

    httpx spent about a millisecond of the driver's CPU per request — more than the server's own — and
    on a two-core machine the driver shares the cores the service is measured on: throughput measured
    the driver. This is what ``wrk`` would do, in a few lines and no extra binary (it must send a fresh
    presentation per request, which a fixed-request tool cannot). Answers carry Content-Length (every
    route of ``thaivc serve`` and of the floor sets it); anything else is a driver error.
    """

    def __init__(self, base: str, connections: int, timeout: float = 30.0) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port, self.timeout = host, int(port), timeout
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self._slots = asyncio.Semaphore(connections)

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()

    async def post(self, path: str, document: dict[str, Any]) -> _Answer:
        body = json.dumps(document).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        async with self._slots:
            reader, writer = await self._connection()
            try:
                async with asyncio.timeout(self.timeout):
                    writer.write(head + body)
                    raw = await reader.readuntil(b"\r\n\r\n")
                    lines = raw.decode("latin-1").lower().split("\r\n")
                    status = int(lines[0].split(" ", 2)[1])
                    fields = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
                    length = int(fields["content-length"])
                    payload = await reader.readexactly(length)
            except BaseException:
                writer.close()
                raise
            if fields.get("connection", "").strip() == "close":
                writer.close()
            else:
                self._idle.append((reader, writer, time.monotonic()))
        return _Answer(status, payload)

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """An idle connection the server has not closed, else a new one. uvicorn closes a keep-alive
        connection idle for 5 s; the paced phase leaves some idle that long, and a request written to
        one the server just closed fails (it was counted as a service error before)."""
        while self._idle:
            reader, writer, since = self._idle.pop()
            if time.monotonic() - since < _KEEP_ALIVE_MARGIN_S and not reader.at_eof():
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)


_DRIVER_ERRORS = (httpx.HTTPError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
                  KeyError, ValueError)


async def one(client: RawClient, path: str, body: dict[str, Any], latencies: list[float],
              errors: dict[str, int]) -> None:
    started = time.perf_counter()
    try:
        r = await client.post(path, body)
        status = str(r.status_code) if r.status_code != 200 else ""
        if status:
            status += ":" + str(r.json().get("code"))
    except _DRIVER_ERRORS as exc:
        status = type(exc).__name__
    latencies.append(time.perf_counter() - started)
    if status:
        errors[status] = errors.get(status, 0) + 1


async def saturate(base: str, load: Load | FloorLoad, seconds: float, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    async with RawClient(base, concurrency) as client:
        deadline = time.perf_counter() + seconds

        async def loop() -> None:
            while time.perf_counter() < deadline:
                path, body = load.next()
                await one(client, path, body, latencies, errors)

        started = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "throughput": len(latencies) / elapsed,
            "p50_ms": 1000 * percentile(latencies, .5), "p99_ms": 1000 * percentile(latencies, .99), "errors": errors}


async def paced(base: str, load: Load, seconds: float, rate: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    async with RawClient(base, 256) as client:
        tasks = []
        started = time.perf_counter()
        n = int(seconds * rate)
        for i in range(n):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            path, body = load.next()
            tasks.append(asyncio.create_task(one(client, path, body, latencies, errors)))
        await asyncio.gather(*tasks)
    return {"rate": rate, "requests": len(latencies), "p50_ms": 1000 * percentile(latencies, .5),
            "p99_ms": 1000 * percentile(latencies, .99), "errors": errors}


async def issue_while(base: str, stop: asyncio.Event, issued: list[str], failures: dict[str, int],
                      concurrency: int = 2) -> None:
    headers = {"Authorization": f"Bearer {ISSUE_KEY}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=headers) as client:

        async def loop(n: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                cred = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                        "id": f"urn:uuid:load-{n}-{i}-{os.urandom(6).hex()}",
                        "credentialSubject": {"id": "did:example:load", "n": i}}
                try:
                    r = await client.post("/credentials/issue", json={"credential": cred})
                except httpx.HTTPError as exc:
                    failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
                    continue
                if r.status_code == 201:
                    issued.append(cred["id"])
                else:
                    key = f"{r.status_code}:{r.json().get('code')}"
                    failures[key] = failures.get(key, 0) + 1

        await asyncio.gather(*(loop(n) for n in range(concurrency)))


async def cpu_phase(proc: subprocess.Popen[bytes], base: str, load: Load | FloorLoad, seconds: float,
                    concurrency: int) -> dict[str, Any]:
    """A closed-loop phase with the server's and the driver's CPU time per request beside its figures."""
    before, driver_before = server_cpu(proc), time.process_time()
    out = await saturate(base, load, seconds, concurrency)
    after, driver_after = server_cpu(proc), time.process_time()
    if out["requests"]:
        out["driver_cpu_ms_per_request"] = 1000 * (driver_after - driver_before) / out["requests"]
        if before is not None and after is not None:
            out["server_cpu_ms_per_request"] = 1000 * (after - before) / out["requests"]
    return out


def http_floor(fx: Fixtures, workers: int, seconds: float, warmup: float, concurrency: int) -> dict[str, Any]:
    """Each stand-in of ``bench/http_floor.py`` under the same uvicorn settings and the same driver."""
    load = FloorLoad(fx)
    out: dict[str, Any] = {}
    for app in ("raw", "fastapi", "fastapi-pool"):
        port = _free_port()
        with serve_floor(app, port, workers) as proc:
            base = f"http://127.0.0.1:{port}"

            async def main(proc: subprocess.Popen[bytes] = proc, base: str = base) -> dict[str, Any]:
                await saturate(base, load, warmup, concurrency)
                return await cpu_phase(proc, base, load, seconds, concurrency)

            out[app] = asyncio.run(main())
    return out


def check_allocations(db_url: str, issued: list[str]) -> dict[str, Any]:
    """Every credential the service returned has one status entry and one register row; no index twice."""
    from thaivc.server import Database

    db = Database(db_url)
    try:
        with db.transaction(write=False) as cur:
            entries = cur.execute("SELECT list_id, idx, credential_id FROM thaivc_status_entry").fetchall()
            registered = {r[0] for r in cur.execute("SELECT credential_id FROM thaivc_issued").fetchall()}
    finally:
        db.close()
    slots = [(r[0], r[1]) for r in entries]
    by_id: dict[str, int] = {}
    for r in entries:
        by_id[r[2]] = by_id.get(r[2], 0) + 1
    wanted = set(issued)
    return {
        "issued": len(issued),
        "duplicate_slots": len(slots) - len(set(slots)),
        "without_status_entry": len([c for c in wanted if by_id.get(c, 0) == 0]),
        "with_several_entries": len([c for c in wanted if by_id.get(c, 0) > 1]),
        "not_in_register": len(wanted - registered),
        "entries_nobody_holds": len([c for c in by_id if c.startswith("urn:uuid:load-") and c not in wanted]),
    }


class SessionWatch:
    """The peak number of PostgreSQL sessions on the run's database, sampled beside the load.

    The service's pools bound them by ``workers x STORES_PER_WORKER x pool_size`` (the start-up check's own
    constant, so the two cannot disagree); run S17 ran the server out of
    sessions (a session per pool thread per store, and retired threads' sessions kept open).
    """

    def __init__(self, db_url: str) -> None:
        import psycopg

        self._conn = psycopg.connect(db_url, autocommit=True)
        row = self._conn.execute("SELECT current_setting('max_connections')::int").fetchone()
        self.max_connections = int(row[0]) if row else 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            row = self._conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                                     " AND pid <> pg_backend_pid()").fetchone()
            self.peak = max(self.peak, int(row[0]) if row else 0)

    def __enter__(self) -> SessionWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()


def run(args: argparse.Namespace) -> dict[str, Any]:
    duration = 3.0 if args.quick else args.duration
    cpu_seconds = 2.0 if args.quick else max(10.0, duration / 6)
    warmup_seconds = 1.0 if args.quick else 5.0
    with tempfile.TemporaryDirectory(prefix="thaivc-load-") as tmp, throwaway_postgres(args.database_url) as dsn:
        db_url = _dsn_url(dsn)
        port = _free_port()
        config = write_config(Path(tmp), port, db_url)
        base = f"http://127.0.0.1:{port}"
        with serve(config, port, args.workers) as proc:
            fx = Fixtures(base)
            rates = library_rate(fx, 0.5 if args.quick else 3.0)
            # the HTTP floor in this run, before the service's phases, with the same driver and settings
            floor = http_floor(fx, args.workers, cpu_seconds, min(warmup_seconds, 2.0), args.concurrency)
            target = 0.7 * args.workers * rates["mix"]
            # SD-JWT presentations for half of every request both phases may make, each with its challenge
            seconds = duration * 1.5 + cpu_seconds + warmup_seconds
            wanted = int(min(60_000, 1.3 * 0.5 * args.workers * rates["mix"] * seconds)) + 64
            if args.quick:
                wanted = min(wanted, 400)
            challenges = insert_challenges(db_url, wanted)
            pool = [(c, fx.present(c)) for c in challenges]
            load = Load(fx, pool)
            issued: list[str] = []
            issue_failures: dict[str, int] = {}

            async def main() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
                # warm-up, not counted: each thread of each worker's pool opens its database connections
                await saturate(base, load, warmup_seconds, args.concurrency)
                # verification alone first: the server's CPU per verification, nothing else beside it
                alone = await cpu_phase(proc, base, load, cpu_seconds, args.concurrency)
                stop = asyncio.Event()
                issuing = asyncio.create_task(issue_while(base, stop, issued, issue_failures))
                cpu_before = server_cpu(proc)
                sat = await saturate(base, load, duration, args.concurrency)
                cpu_after = server_cpu(proc)
                if cpu_before is not None and cpu_after is not None and sat["requests"]:
                    # issuance runs beside the load: its CPU is counted too, so this is an upper bound
                    sat["server_cpu_ms_per_request"] = 1000 * (cpu_after - cpu_before) / sat["requests"]
                rate = 0.8 * min(target, sat["throughput"])
                pac = await paced(base, load, duration / 2, max(rate, 1.0))
                stop.set()
                await issuing
                return alone, sat, pac

            load_before = os.getloadavg()
            with SessionWatch(db_url) as sessions:
                alone, sat, pac = asyncio.run(main())
            load_after = os.getloadavg()
        allocations = check_allocations(db_url, issued)
    return {
        "machine": {"cpus": os.cpu_count(), "loadavg_before": load_before, "loadavg_after": load_after},
        "workers": args.workers, "duration_s": duration, "concurrency": args.concurrency,
        "library_single_core_per_s": rates, "target_per_s": target,
        "http_floor": floor, "verification_alone": alone, "saturation": sat, "paced": pac,
        "sd_jwt_pool_exhausted": load.exhausted,
        "issuance": {"failures": issue_failures, **allocations},
        "postgresql_sessions": {"peak": sessions.peak, "max_connections": sessions.max_connections,
                                "bound": args.workers * STORES_PER_WORKER * POOL_SIZE},
    }


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def judge(report: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(correctness failures, figure lines with ✓/✗ against the targets of issue 13 item 10)."""
    issuance = report["issuance"]
    wrong = [f"{k}={issuance[k]}" for k in ("duplicate_slots", "without_status_entry", "with_several_entries",
                                             "not_in_register") if issuance[k]]
    if issuance["issued"] == 0:
        wrong.append("no credential was issued during the load")
    issuance_ok = not wrong
    for phase in ("verification_alone", "saturation", "paced"):
        if report[phase]["errors"]:
            wrong.append(f"{phase} errors: {report[phase]['errors']}")
    sessions = report["postgresql_sessions"]
    if sessions["peak"] > sessions["bound"]:
        wrong.append(f"{sessions['peak']} PostgreSQL sessions, more than the pools allow ({sessions['bound']})")
    sat, pac, alone = report["saturation"], report["paced"], report["verification_alone"]
    lib = report["library_single_core_per_s"]
    workers = report["workers"]
    ratio = sat["throughput"] / (workers * lib["mix"])
    lines = [
        f"library single-core (this run, this process): vc+jwt {lib['vc+jwt']:.0f}/s, SD-JWT+KB {lib['sd-jwt']:.0f}/s, "
        f"half and half {lib['mix']:.0f}/s; {lib['mix cpu_ms']:.3f} ms CPU per verification",
        f"{_mark(ratio >= 0.7)} throughput {sat['throughput']:.0f}/s with issuance beside it "
        f"(p50 {sat['p50_ms']:.1f} ms, p99 {sat['p99_ms']:.1f} ms) = {ratio:.0%} of {workers} x single-core "
        f"(target >= 70%)",
        f"{_mark(pac['p99_ms'] < 50)} paced at {pac['rate']:.0f}/s: p50 {pac['p50_ms']:.1f} ms, "
        f"p99 {pac['p99_ms']:.1f} ms (target p99 < 50 ms)",
    ]
    cpu = alone.get("server_cpu_ms_per_request")
    if cpu is not None:
        cpu_ratio = cpu / lib["mix cpu_ms"]
        lines.append(
            f"{_mark(cpu_ratio <= 1 / 0.7)} server CPU {cpu:.3f} ms per verification (verification alone, "
            f"{alone['throughput']:.0f}/s) = {cpu_ratio:.2f} x the library's {lib['mix cpu_ms']:.3f} ms "
            f"(target <= {1 / 0.7:.2f} x; CPU time: the neighbours' share of the cores is not counted)"
        )
    lines.extend(floor_lines(report))
    with_issuance = sat.get("server_cpu_ms_per_request")
    if with_issuance is not None:
        lines.append(f"  server CPU {with_issuance:.3f} ms per verification with issuance beside it (upper bound)")
    lines.append(
        f"{_mark(issuance_ok)} PostgreSQL issuance beside verification: {issuance['issued']} issued, "
        f"{issuance['duplicate_slots']} index held twice, {issuance['without_status_entry']} without a status "
        f"entry, {issuance['not_in_register']} not in the register, {issuance['entries_nobody_holds']} entries "
        f"nobody holds (a crash-safe leftover, not an error)"
    )
    lines.append(
        f"{_mark(sessions['peak'] <= sessions['bound'])} PostgreSQL sessions: peak {sessions['peak']} "
        f"(bound {workers} workers x {STORES_PER_WORKER} stores x pool_size {POOL_SIZE} = {sessions['bound']}; "
        f"the server allows {sessions['max_connections']})"
    )
    return wrong, lines


_FLOOR_NAMES = {"raw": "bare ASGI app", "fastapi": "FastAPI app", "fastapi-pool": "FastAPI + thread-pool hop"}


def floor_lines(report: dict[str, Any]) -> list[str]:
    """The HTTP floor beside the service: each part of the service's CPU per verification, and its share.

    service = uvicorn/h11/loop (the bare app) + FastAPI (FastAPI app - bare) + the hop to the thread pool
    (pool - FastAPI) + the library's verification (measured in the driver, no HTTP) + the rest, which is
    the service's own work (guard, authentication, rate limit, body parse, status revision read, challenge
    spend, metrics, logs, the report's JSON).
    """
    floor, alone = report.get("http_floor") or {}, report["verification_alone"]
    cpu = {k: v.get("server_cpu_ms_per_request") for k, v in floor.items()}
    service = alone.get("server_cpu_ms_per_request")
    if service is None or any(cpu.get(k) is None for k in _FLOOR_NAMES):
        return []
    lines = ["HTTP floor, same uvicorn settings and workers, same driver and requests (server CPU per request):"]
    for key, name in _FLOOR_NAMES.items():
        row = floor[key]
        lines.append(f"  {name:26} {cpu[key]:.3f} ms, {row['throughput']:.0f}/s (p50 {row['p50_ms']:.1f} ms; "
                     f"the driver's own CPU {row['driver_cpu_ms_per_request']:.3f} ms per request)")
    library = report["library_single_core_per_s"]["mix cpu_ms"]
    raw, fastapi, pool = cpu["raw"], cpu["fastapi"], cpu["fastapi-pool"]
    parts = [("uvicorn+h11", raw), ("FastAPI", fastapi - raw), ("pool hop", pool - fastapi), ("library", library),
             ("service's own", service - pool - library)]
    lines.append(f"  thaivc serve {service:.3f} ms per verification = "
                 + " + ".join(f"{name} {ms:.3f} ({ms / service:.0%})" for name, ms in parts))
    allowed = library / 0.7
    ceiling = library / (raw + library)
    lines.append(
        f"  what 70% would need: at most {allowed:.3f} ms server CPU per verification, i.e. {allowed - library:.3f} ms "
        f"for HTTP and service together; the bare ASGI floor alone is {raw:.3f} ms ({raw / (allowed - library):.1f} x "
        f"that). With this HTTP stack and no service work at all the ceiling is {ceiling:.0%} of "
        f"{report['workers']} x single-core (target 70%)"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a few seconds, correctness only (the test suite)")
    parser.add_argument("--duration", type=float, default=60.0, help="saturation seconds (paced: half)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--database-url", help="postgresql://… (default: a throwaway PostgreSQL)")
    parser.add_argument("--json", type=Path, help="write the report here too")
    args = parser.parse_args(argv)
    report = run(args)
    wrong, lines = judge(report)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    machine = report["machine"]
    print(f"\nmachine: {machine['cpus']} CPUs, load average {machine['loadavg_before'][0]:.2f} before, "
          f"{machine['loadavg_after'][0]:.2f} after (shared: figures are a floor, not a ceiling)")
    for line in lines:
        print(line)
    for line in wrong:
        print("CORRECTNESS:", line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())


