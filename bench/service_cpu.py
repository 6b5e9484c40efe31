"""CPU per verification through ``thaivc serve``'s ASGI stack, against the library's own verify CPU.

The load test (``bench/loadtest.py``) measures the whole service under uvicorn; this script isolates
what the service adds to the library's verification, in one process and in CPU time (the machine is
shared, so wall-clock figures would measure the neighbours): the ASGI application is called directly
(no sockets, no HTTP parser), on a throwaway SQLite database, with the same ``vc+jwt`` credential and
SD-JWT+KB presentations the load test sends.

Three figures per input, each CPU milliseconds per verification:

* ``library``: :meth:`thaivc.Verifier.check` with the published list cached (the floor);
* ``service``: :meth:`thaivc.server.service.Service.verify_credential` / ``verify_presentation``
  (the service's own status list read, single-use challenges in the database);
* ``asgi``: a whole ``POST`` through the guard, FastAPI routing, authentication, body parse,
  the thread pool, metrics, logging and the JSON response.

``--profile`` prints the top of a :mod:`cProfile` of the ASGI path (cumulative time).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import hashlib
import io
import json
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "https://verifier.example.go.th"
SORT = "tottime"
ISSUE_KEY = "service-cpu-issue-key-0123456789abcdef"


def _config(directory: Path) -> Path:
    from thaivc import generate_key

    generate_key("Ed25519").save(directory / "issuer.jwk.json")
    digest = hashlib.sha256(ISSUE_KEY.encode()).hexdigest()
    path = directory / "thaivc-server.toml"
    path.write_text(
        f"""
public_url = "https://issuer.example.go.th"
[issuer]
[[issuer.keys]]
id = "key-1"
file = "issuer.jwk.json"
[database]
url = "sqlite:///{directory / "service.db"}"
[[auth.api_keys]]
client = "bench"
sha256 = "{digest}"
scopes = ["issue", "admin"]
[limits]
rate_per_client = 100000000
rate_per_ip = 100000000
[logging]
level = "WARNING"
""",
        encoding="utf-8",
    )
    return path


def _event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where installed: the loop ``thaivc serve`` runs on (uvicorn's ``loop="auto"``)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
    return loop


def best_of(runs: int, measure: Callable[[], float]) -> float:
    """The least of ``runs`` measurements: on a shared machine the neighbours only ever add."""
    return min(measure() for _ in range(runs))


def cpu_per_call(fn: Callable[[int], object], seconds: float) -> float:
    """CPU milliseconds per call of ``fn(i)``, over at least ``seconds`` of CPU time."""
    fn(0)
    count, started = 0, time.process_time()
    while time.process_time() - started < seconds:
        fn(count)
        count += 1
    return 1000 * (time.process_time() - started) / count


class Bench:
    """The app, its service, and the inputs: one vc+jwt credential, SD-JWT presentations with challenges."""

    def __init__(self, directory: Path) -> None:
        from thaivc import Holder, generate_key
        from thaivc.jose.media import unenvelope
        from thaivc.server import create_app, load_config

        self.guard = create_app(load_config(_config(directory), environ={}))
        app: Any = self.guard.app
        while not hasattr(app, "state"):  # CORS or other wrappers, if configured
            app = app.app
        self.service = app.state.thaivc.service
        holder = generate_key("P-256")
        cred = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": holder.did, "name": "สมชาย ใจดี"},
        }
        self.vc_jwt = self.service.issue({"credential": cred}, client="bench", request_id="-")["verifiableCredential"]
        sd = self.service.issue(
            {"credential": cred, "options": {"format": "dc+sd-jwt", "disclosable": ["/credentialSubject/name"]}},
            client="bench",
            request_id="-",
        )
        self.sd_jwt = unenvelope(sd["verifiableCredential"])[1]
        self._holder = Holder(holder)
        self._presented = 0

    def presentations(self, count: int) -> list[tuple[str, str]]:
        """``count`` fresh (challenge, presentation) pairs, the challenges minted by the service."""
        out = []
        for _ in range(count):
            challenge = self.service.db.new_challenge(3600)
            out.append((challenge, str(self._holder.present([self.sd_jwt], challenge=challenge, domain=DOMAIN))))
        return out

    def library_verifier(self) -> Any:
        """The library's verifier on the same inputs, the published list cached, any challenge accepted."""
        from thaivc import Policy, Verifier
        from thaivc.status import StatusChecker

        service = self.service

        class AnyChallenge:  # the library's figure leaves out the service's single-use bookkeeping
            def consume(self, challenge: str) -> bool:
                return True

        def fetch(url: str) -> Any:
            from thaivc.net import FetchResult

            result: FetchResult = service._fetch_list(url)
            return FetchResult(result.url, result.status, result.body, result.media_type, 300)

        return Verifier(
            Policy(), resolver=service.resolver, challenge_store=AnyChallenge(), status_checker=StatusChecker(fetch)
        )

    async def post(self, path: str, body: bytes) -> int:
        status = [0]

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8080),
            "headers": [
                (b"host", b"127.0.0.1:8080"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
        await self.guard(scope, receive, send)
        return status[0]


def measure(seconds: float, profile: bool, runs: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="thaivc-service-cpu-") as tmp:
        bench = Bench(Path(tmp))
        service = bench.service
        library = bench.library_verifier()
        rounds = max(200, int(seconds * 2500)) * runs
        lib_pool = bench.presentations(2 * rounds)  # fresh ones, like the service's: no memo helps the next
        svc_pool = bench.presentations(rounds)
        vc_body = json.dumps({"verifiableCredential": bench.vc_jwt}).encode()
        vp_bodies = [
            json.dumps({"verifiablePresentation": vp, "options": {"challenge": c, "domain": DOMAIN}}).encode()
            for c, vp in bench.presentations(rounds)
        ]
        assert library.check(bench.vc_jwt).ok and service.verify_credential({"verifiableCredential": bench.vc_jwt}).ok

        def lib_vp(i: int) -> object:
            challenge, vp = lib_pool.pop()
            return library.check(vp, challenge=challenge, domain=DOMAIN)

        def svc_vp(i: int) -> object:
            challenge, vp = svc_pool.pop()
            report = service.verify_presentation(
                {"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": DOMAIN}}
            )
            assert report.ok, report.problems
            return report

        loop = _event_loop()

        def asgi_cpu(path: str, bodies: Callable[[int], bytes], count: int) -> float:
            """CPU ms per request of ``count`` requests on one running loop (its thread pool stays warm)."""

            async def many(n: int) -> None:
                for i in range(n):
                    status = await bench.post(path, bodies(i))
                    assert status == 200, status

            loop.run_until_complete(many(8))
            started = time.process_time()
            loop.run_until_complete(many(count))
            return 1000 * (time.process_time() - started) / count

        vc_count = max(100, int(seconds * 1000))  # about a millisecond of CPU each
        vp_count = min((len(vp_bodies) - 316) // runs, vc_count // 2)

        out: dict[str, Any] = {
            "vc+jwt": {
                "library": best_of(runs, lambda: cpu_per_call(lambda i: library.check(bench.vc_jwt), seconds)),
                "service": best_of(
                    runs,
                    lambda: cpu_per_call(
                        lambda i: service.verify_credential({"verifiableCredential": bench.vc_jwt}), seconds
                    ),
                ),
                "asgi": best_of(runs, lambda: asgi_cpu("/credentials/verify", lambda i: vc_body, vc_count)),
            },
            "sd-jwt+kb": {
                "library": best_of(runs, lambda: cpu_per_call(lib_vp, seconds)),
                "service": best_of(runs, lambda: cpu_per_call(svc_vp, seconds)),
                "asgi": best_of(runs, lambda: asgi_cpu("/presentations/verify", lambda i: vp_bodies.pop(), vp_count)),
            },
        }
        out["mix"] = {k: (out["vc+jwt"][k] + out["sd-jwt+kb"][k]) / 2 for k in ("library", "service", "asgi")}
        for row in out.values():
            row["asgi/library"] = row["asgi"] / row["library"]
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            asgi_cpu("/credentials/verify", lambda i: vc_body, 300)
            asgi_cpu("/presentations/verify", lambda i: vp_bodies.pop(), min(300, len(vp_bodies) - 1))
            profiler.disable()
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats(SORT).print_stats(45)
            out["profile"] = text.getvalue()
        loop.close()
        service.db.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU seconds per measurement")
    parser.add_argument("--runs", type=int, default=3, help="measurements per figure (the least is kept)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the ASGI path")
    args = parser.parse_args(argv)
    out = measure(args.seconds, args.profile, args.runs)
    profile = out.pop("profile", None)
    for name, row in out.items():
        print(
            f"{name:10} library {row['library']:.3f} ms  service {row['service']:.3f} ms  "
            f"asgi {row['asgi']:.3f} ms CPU per verification  asgi/library {row['asgi/library']:.2f}x "
            f"(target <= 1.43x)"
        )
    if profile:
        print(profile)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
