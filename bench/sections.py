"""Benchmark sections: each yields tables of rows measured against the raw-crypto floor.

A section builds its inputs first — for *fresh* rows one per timed call, each for a new subject
(and, for SD-JWT, a new wallet key) under the same issuer key — and then hands the floor and the
candidates to :meth:`run.Bench.measure`, which interleaves their rounds.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import resource
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import thaivc
from thaivc.core.b64 import b64url_decode
from thaivc.core.clock import FixedClock
from thaivc.engine.policy import Policy
from thaivc.keys import PrivateKey, generate_key

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Stat

#: run.Bench (not imported: run.py imports this module)
Bench = Any


def thai_credential(
    subject: str, claims: int | None = None, *, objects: bool = False, prefix: str = ""
) -> dict[str, Any]:
    """The benchmark credential: about 1.5 KB with Thai names, or ``claims`` subject claims (strings,
    or with ``objects`` small objects); ``prefix`` renames every subject member (a new shape)."""
    subject_doc: dict[str, Any] = {
        "id": subject,
        "citizenId": "1999900002032",
        "name": {"title": "นางสาว", "givenName": "สมหญิง", "familyName": "ใจดี"},
        "nameEn": {"title": "Miss", "givenName": "Somying", "familyName": "Jaidee"},
        "birthDate": "1995-08-12",
        "address": {
            "houseNo": "99/1",
            "moo": "4",
            "soi": "ลาดพร้าว 101",
            "road": "ลาดพร้าว",
            "tambon": "คลองจั่น",
            "amphoe": "บางกะปิ",
            "province": "กรุงเทพมหานคร",
            "postcode": "10240",
        },
        "ial": "2.3",
    }
    if claims is not None:
        subject_doc = {"id": subject}
        for i in range(claims):
            value = f"ค่าที่ {i}"
            subject_doc[f"claim{i:04d}"] = {"v": str(i), "u": "บาท"} if objects else value
    if prefix:
        subject_doc = {k if k == "id" else prefix + k: v for k, v in subject_doc.items()}
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "name": [{"@value": "บัตรประจำตัวประชาชนดิจิทัล", "@language": "th"}],
        "description": [{"@value": "ข้อมูลบุคคลจากทะเบียนราษฎร", "@language": "th"}],
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2031-01-01T00:00:00Z",
        "credentialSubject": subject_doc,
    }


def _raw_verifier(key: PrivateKey, token: str) -> Callable[[], Any]:
    """The floor: `cryptography`'s verify of exactly the token's signing input and signature."""
    head, payload, sig = token.split(".")
    signing_input = f"{head}.{payload}".encode()
    signature = b64url_decode(sig)
    public = key.public.crypto
    if isinstance(public, ed25519.Ed25519PublicKey):
        return lambda: public.verify(signature, signing_input)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    half = len(signature) // 2
    der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
    algorithm = ec.ECDSA(hashes.SHA256() if half == 32 else hashes.SHA384())
    return lambda: public.verify(der, signing_input, algorithm)


def _pyjwt_decoder(key: PrivateKey, token: str) -> Callable[[], Any]:
    pem = key.public.crypto.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    alg = key.alg
    return lambda: pyjwt.decode(token, pem, algorithms=[alg], options={"verify_aud": False})



@dataclass
class Case:
    """One input: what the candidate gets, and the floor for exactly that input."""

    item: Any
    floor: Callable[[], Any]
    extra: Any = None


def _raw_signer(key: PrivateKey, token: str) -> Callable[[], Any]:
    """The issuance floor: ``cryptography``'s sign of exactly the token's signing input (same
    algorithm as thaivc: Ed25519, or deterministic ECDSA)."""
    head, payload, _ = token.split("~", 1)[0].split(".")
    signing_input = f"{head}.{payload}".encode()
    crypto = key.crypto
    if isinstance(crypto, ed25519.Ed25519PrivateKey):
        return lambda: crypto.sign(signing_input)
    assert isinstance(crypto, ec.EllipticCurvePrivateKey)
    algorithm = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
    return lambda: crypto.sign(signing_input, algorithm)


def _fresh_subjects(count: int) -> list[str]:
    return [generate_key("Ed25519").did for _ in range(count)]


def _verify_rows(
    bench: Bench, t: Any, label: str, cases: list[Case], verify: Callable[[Any], Any],
    *, per_round: int, target: str = "", limit: float | None = None, reference: Callable[[Case], Any] | None = None,
) -> None:
    floor = lambda c: c.floor()  # noqa: E731
    ours = lambda c: verify(c.item)  # noqa: E731
    fns = [floor, ours] + ([reference] if reference else [])
    fresh = bench.measure(fns, cases, per_round, fresh=True)
    repeated = bench.measure([floor, ours], cases, per_round, fresh=False)
    t.row(f"raw verify — {label}", fresh[0])
    t.row(f"thaivc verify, fresh inputs — {label}", fresh[1], target, limit)
    t.row(f"thaivc verify, one input repeated — {label}", repeated[1])
    if reference:
        t.row(f"PyJWT decode (reference), fresh — {label}", fresh[2])


def jose(bench: Bench) -> Iterator[Any]:
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    quick = bench.quick
    sizes: list[tuple[str, int | None, bool, str, float | None, int]] = [
        ("1.5 KB Thai credential", None, False, "≤ 1.3", 1.3, 20),
        ("100 claims", 100, False, "≤ 1.6", 1.6, 10),
        ("1,000 claims", 1000, False, "≤ 3.0", 3.0, 3),
        ("70 object-valued claims", 70, True, "≤ 1.5", 1.5, 10),
        ("1,000 object-valued claims", 1000, True, "≤ 4", 4.0, 2),
    ]
    key = generate_key("Ed25519")
    issuer = thaivc.Issuer(key, clock=clock)
    verifier = thaivc.Verifier(Policy(), clock=clock)
    t = bench.table("vc+jwt, EdDSA (Ed25519), every check on")
    for label, claims, objects, target, limit, per_round in sizes:
        count = bench.rounds * per_round + 1
        creds = [thai_credential(s, claims, objects=objects) for s in _fresh_subjects(count)]
        tokens = [issuer.issue(c) for c in creds]
        assert verifier.check(tokens[0]).ok, verifier.check(tokens[0]).to_json()
        cases = [Case(tok, _raw_verifier(key, tok), _pyjwt_decoder(key, tok)) for tok in tokens]
        ref = (lambda c: c.extra()) if claims is None else None
        _verify_rows(
            bench, t, f"{label} ({len(tokens[0])} B)", cases, verifier.check, per_round=per_round,
            target=target, limit=limit, reference=ref,
        )
        if claims is None:
            issue_cases = [Case(c, _raw_signer(key, tok)) for c, tok in zip(creds, tokens, strict=True)]
            floor, ours = bench.measure([lambda c: c.floor(), lambda c: issuer.issue(c.item)], issue_cases, per_round)
            t.row("raw sign — 1.5 KB Thai credential", floor)
            t.row("thaivc issue, fresh subjects (÷ raw sign) — 1.5 KB Thai credential", ours, "≤ 1.7", 1.7)
    # cold: the first token from an issuer key never seen (did:key resolution, header rules, …)
    cold = []
    for subject in _fresh_subjects(bench.rounds + 1):
        k = generate_key("Ed25519")
        tok = thaivc.Issuer(k, clock=clock).issue(thai_credential(subject))
        cold.append(Case(tok, _raw_verifier(k, tok)))
    floor, ours = bench.measure([lambda c: c.floor(), lambda c: verifier.check(c.item)], cold, 1)
    t.row("thaivc verify, first token of a never-seen issuer key — 1.5 KB (cold)", ours)
    yield t

    p256 = generate_key("P-256")
    es_issuer = thaivc.Issuer(p256, clock=clock)
    t = bench.table("vc+jwt, ES256 (P-256), every check on")
    tokens = [es_issuer.issue(thai_credential(s)) for s in _fresh_subjects(bench.rounds * 20 + 1)]
    cases = [Case(tok, _raw_verifier(p256, tok), _pyjwt_decoder(p256, tok)) for tok in tokens]
    _verify_rows(bench, t, f"1.5 KB Thai credential ({len(tokens[0])} B)", cases, verifier.check, per_round=20,
                 reference=lambda c: c.extra())
    yield t

    # Streaming: memory must not grow with the number of tokens verified.
    tokens = [issuer.issue(thai_credential(s)) for s in _fresh_subjects(50)]
    count = 20_000 if quick else 100_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verified = sum(1 for i in range(count) if verifier.check(tokens[i % len(tokens)]).ok)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = bench.table(f"streaming verification of {count:,} tokens")
    t.row(f"verified {verified:,}; max RSS {before:.0f} → {after:.0f} MB (must not grow; the figure includes "
          "this process's input pools)", Stat(0.0))
    yield t


def _di_credential(subject: str, claims: int | None = None, prefix: str = "") -> dict[str, Any]:
    """The Thai credential for Data Integrity: its subject terms need a context that defines them
    (the v2 context has no ``@vocab``), so the bundled examples context is added."""
    credential = thai_credential(subject, claims, prefix=prefix)
    credential["@context"] = [*credential["@context"], "https://www.w3.org/ns/credentials/examples/v2"]
    return credential


_SHAPES = itertools.count()


def di(bench: Bench) -> Iterator[Any]:
    from thaivc.di import add_proof
    from thaivc.engine.verify.di import default_contexts

    clock = FixedClock.at("2026-06-01T00:00:00Z")
    key = generate_key("Ed25519")
    contexts = default_contexts()
    verifier = thaivc.Verifier(Policy(), clock=clock, contexts=contexts)
    public = key.public.crypto
    message = bytes(64)  # what a suite signs: two SHA-256 digests
    signature = key.sign(message)

    def floor() -> None:
        public.verify(signature, message)

    def sign(doc: dict[str, Any], suite: str) -> dict[str, Any]:
        return add_proof(dict(doc, issuer=key.did), key, suite, clock=clock)  # type: ignore[no-any-return]

    rows = [
        ("eddsa-rdfc-2022", None, "1.5 KB Thai credential", "≤ 4", 4.0, 5),
        ("eddsa-jcs-2022", None, "1.5 KB Thai credential", "≤ 1.5", 1.5, 10),
        ("eddsa-rdfc-2022", 1000, "1,000 claims", "≤ 35", 35.0, 1),
        ("eddsa-jcs-2022", 1000, "1,000 claims", "", None, 2),
    ]
    t = bench.table("Data Integrity, Ed25519 (floor: raw verify of the 64-byte hash data)")
    for suite, claims, label, target, limit, per_round in rows:
        count = bench.rounds * per_round + 1
        docs = [sign(_di_credential(s, claims), suite) for s in _fresh_subjects(count)]
        assert verifier.check(docs[0]).ok, verifier.check(docs[0]).to_json()
        cases = [Case(d, floor) for d in docs]
        _verify_rows(
            bench, t, f"{suite}, {label}", cases, verifier.check, per_round=per_round, target=target, limit=limit
        )
        if claims is None:
            issue = [Case(_di_credential(s), floor) for s in _fresh_subjects(bench.rounds * 3 + 1)]
            _, ours = bench.measure([lambda c: c.floor(), lambda c, s=suite: sign(c.item, s)], issue, 3)
            t.row(f"thaivc issue (÷ raw verify), fresh subjects — {suite}, {label}", ours)
        if suite == "eddsa-rdfc-2022" and claims is None:
            # cold: every credential has a shape (member names) this process has never seen
            cold = [Case(sign(_di_credential(s, prefix=f"shape{next(_SHAPES)}"), suite), floor)
                    for s in _fresh_subjects(bench.rounds + 1)]
            assert verifier.check(cold[0].item).ok, verifier.check(cold[0].item).to_json()
            _, ours = bench.measure([lambda c: c.floor(), lambda c: verifier.check(c.item)], cold, 1)
            t.row(f"thaivc verify, first credential of a never-seen shape — {suite}, {label} (cold)",
                  ours, "≤ 12", 12.0)
    yield t


class _AdmitEveryChallenge:
    """A challenge store that admits a challenge every time, so one presentation can be timed
    repeatedly; a real store consumes it once (and the replay is refused)."""

    def consume(self, challenge: str) -> bool:
        return True


_SD_CLAIMS = ("givenName", "familyName", "birthDate", "citizenId", "nationality", "gender", "province", "ial")


def _sd_credential(subject_did: str) -> dict[str, Any]:
    credential = thai_credential(subject_did)
    credential["credentialSubject"] = {
        "id": subject_did, "givenName": "สมหญิง", "familyName": "ใจดี", "birthDate": "1995-08-12",
        "citizenId": "1101700203451", "nationality": "TH", "gender": "F", "province": "กรุงเทพมหานคร", "ial": "2.3",
    }
    return credential


def sdjwt(bench: Bench) -> Iterator[Any]:
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    agency = generate_key("P-256")
    issuer = thaivc.Issuer(agency, clock=clock)
    disclosable = [f"/credentialSubject/{c}" for c in _SD_CLAIMS]
    domain = "https://rd.go.th"
    verifier = thaivc.Verifier(Policy(), clock=clock, challenge_store=_AdmitEveryChallenge())
    per_round = 8
    cases = []
    for _ in range(bench.rounds * per_round + 1):
        wallet = generate_key("P-256")  # a fresh wallet key (and so a fresh subject) per presentation
        sd = issuer.issue(_sd_credential(wallet.did), format="dc+sd-jwt", disclosable=disclosable)
        challenge = thaivc.new_challenge()
        presented = thaivc.Holder(wallet, clock=clock).present(
            [sd], disclose=disclosable[:4], challenge=challenge, domain=domain
        )
        issuer_jwt, kb_jwt = presented.split("~", 1)[0], presented.rsplit("~", 1)[1]
        raw_issuer, raw_kb = _raw_verifier(agency, issuer_jwt), _raw_verifier(wallet, kb_jwt)
        cases.append(Case((presented, challenge), raw_issuer, raw_kb))
    report = verifier.check(cases[0].item[0], challenge=cases[0].item[1], domain=domain)
    assert report.ok and len(report.details["disclosed"]) == 4, report.to_json()

    def ours(c: Case) -> Any:
        return verifier.check(c.item[0], challenge=c.item[1], domain=domain)

    def both(c: Case) -> None:
        c.floor()
        c.extra()

    fresh = bench.measure([lambda c: c.floor(), both, ours], cases, per_round)
    repeated = bench.measure([lambda c: c.floor(), ours], cases, per_round, fresh=False)
    t = bench.table("SD-JWT VC, ES256 (P-256), key binding on, 4 of 8 claims disclosed")
    t.row(f"raw ES256 verify of the issuer JWT ({len(cases[0].item[0].split('~')[0])} B)", fresh[0])
    t.row("raw ES256 verify of the issuer JWT and the KB-JWT", fresh[1])
    t.row(f"thaivc verify, fresh wallet key per presentation — SD-JWT+KB ({len(cases[0].item[0])} B)",
          fresh[2], "≤ 2.6", 2.6)
    t.row("thaivc verify, one presentation repeated — SD-JWT+KB", repeated[1])

    issue_cases = []
    for subject in _fresh_subjects(bench.rounds * per_round + 1):
        credential = _sd_credential(subject)
        sd = issuer.issue(credential, format="dc+sd-jwt", disclosable=disclosable)
        issue_cases.append(Case(credential, _raw_signer(agency, sd)))
    floor, issued = bench.measure(
        [lambda c: c.floor(), lambda c: issuer.issue(c.item, format="dc+sd-jwt", disclosable=disclosable)],
        issue_cases, per_round,
    )
    t.row("raw ES256 sign of the issuer JWT (deterministic, as thaivc signs)", floor)
    t.row("thaivc issue dc+sd-jwt, 8 disclosable claims (÷ raw sign)", issued, "≤ 8", 8.0)
    yield t


def status(bench: Bench) -> Iterator[Any]:
    import tempfile
    import time
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from thaivc.status import FetchResult, SqliteStatusStore, StatusChecker, StatusRegistry

    clock = FixedClock.at("2026-03-01T00:00:00Z")
    issuer_id, base = "did:example:bench", "https://status.example/bench"
    private = Ed25519PrivateKey.generate()
    bodies: dict[str, bytes] = {}

    def sign(document: dict[str, Any]) -> str:
        return pyjwt.encode(document, private, algorithm="EdDSA", headers={"typ": "vc+jwt"})

    def verify(token: str | dict[str, Any]) -> dict[str, Any]:
        assert isinstance(token, str)
        payload: dict[str, Any] = pyjwt.decode(
            token, private.public_key(), algorithms=["EdDSA"], options={"verify_exp": False, "verify_iat": False,
                                                                        "verify_nbf": False, "verify_aud": False}
        )
        return payload

    def fetch(url: str) -> FetchResult:
        return FetchResult(url, 200, bodies[url], "application/vc+jwt", None)

    t = bench.table("credential status (W3C Bitstring Status List)")
    with tempfile.TemporaryDirectory() as tmp:
        registry = StatusRegistry(SqliteStatusStore(Path(tmp) / "s.db"), base_url=base, issuer_id=issuer_id,
                                  clock=clock)
        entries = [registry.entry_for(f"c{i}") for i in range(64)]
        registry.revoke_many([f"c{i}" for i in range(0, 64, 2)])
        list_id = registry.allocate("c0").list_id
        bodies[registry.list_url(list_id)] = registry.publish(list_id, sign=sign).body.encode()
        checker = StatusChecker(fetch, verify, clock=clock)
        assert checker.check_entry(entries[0], issuer=issuer_id).code == "status.revoked"
        assert checker.check_entry(entries[1], issuer=issuer_id).ok
        (cached,) = bench.measure(
            [lambda e: checker.check_entry(e, issuer=issuer_id)], [entries[1]], 16, fresh=False
        )
        t.row("status check of one entry against a cached list", cached)

        batch = StatusRegistry(SqliteStatusStore(Path(tmp) / "batch.db"), base_url=base, issuer_id=issuer_id)
        count = 100_000
        ids = [f"urn:uuid:{i:08d}" for i in range(count)]
        started = time.perf_counter()
        batch.allocate_many(ids)
        allocated = time.perf_counter() - started
        started = time.perf_counter()
        assert batch.revoke_many(ids) == count
        revoked = time.perf_counter() - started
        t.row(f"allocate {count:,} credentials in one batch, SQLite", Stat(allocated), unit="s")
        t.row(f"revoke {count:,} credentials in one batch, SQLite", Stat(revoked), unit="s")
    yield from _postgres_allocation(bench, t)


def _postgres_allocation(bench: Bench, t: Any) -> Iterator[Any]:
    """1,000,000 allocations in PostgreSQL (100,000 with --quick, scaled), beside a raw ``COPY`` of as
    many rows of the same shape: the database's own floor."""
    import time

    from thaivc.status import PostgresStatusStore, StatusRegistry

    count = 100_000 if bench.quick else 1_000_000
    with _postgres() as dsn:
        if dsn is None:
            t.row("status allocation, 1,000,000 entries, PostgreSQL — no PostgreSQL here", Stat(float("nan")),
                  "≤ 20 s", 20.0, unit="s")
            yield t
            return
        import psycopg

        with psycopg.connect(dsn, autocommit=True) as conn:
            # the floor has the entry table's shape and both its constraints (one index each)
            conn.execute("CREATE TABLE raw_floor (list_id TEXT, idx INTEGER, issuer_id TEXT, purpose TEXT,"
                         " credential_id TEXT, value INTEGER, PRIMARY KEY (list_id, idx),"
                         " UNIQUE (issuer_id, purpose, credential_id))")
            server_before, client_before = _postgres_server_cpu(conn), time.process_time()
            started = time.perf_counter()
            with conn.cursor() as cur, cur.copy("COPY raw_floor FROM STDIN") as copy:
                for i in range(count):
                    copy.write_row((f"l{i // 65536}", i % 65536, "did:example:bench", "revocation",
                                    f"urn:uuid:{i:08d}", 0))
            raw = time.perf_counter() - started
            floor_cpu = time.process_time() - client_before + _postgres_server_cpu(conn) - server_before
        store = PostgresStatusStore(dsn)
        try:
            registry = StatusRegistry(store, base_url="https://status.example/bench", issuer_id="did:example:bench")
            ids = [f"urn:uuid:{i:08d}" for i in range(count)]
            with psycopg.connect(dsn, autocommit=True) as conn:
                server_before, client_before = _postgres_server_cpu(conn), time.process_time()
                started = time.perf_counter()
                for start in range(0, count, 100_000):
                    registry.allocate_many(ids[start : start + 100_000])
                took = time.perf_counter() - started
                cpu = time.process_time() - client_before, _postgres_server_cpu(conn) - server_before
        finally:
            store.close()
        scale = 1_000_000 / count
        note = "" if scale == 1 else f", measured {count:,} × {scale:.0f}"
        t.row(f"raw COPY of {count:,} entry rows, PostgreSQL (the database's floor{note})", Stat(raw * scale),
              unit="s")
        t.row(f"status allocation, 1,000,000 entries in batches of 100,000, PostgreSQL{note}",
              Stat(took * scale, took / raw, None, None), "≤ 20 s", 20.0, unit="s")
        if floor_cpu > 0:  # not NaN (NaN > 0 is false): the server's processes could be read
            t.row(f"  raw COPY's CPU time: this process + the PostgreSQL server's processes{note}",
                  Stat(floor_cpu * scale), unit="s")
            t.row(f"  allocation's CPU time: this process {cpu[0] * scale:.1f} s + the server's {cpu[1] * scale:.1f} s"
                  " (load-independent)", Stat(sum(cpu) * scale, sum(cpu) / floor_cpu, None, None), unit="s")
    yield t


def _postgres_server_cpu(conn: Any) -> float:
    """User + system CPU seconds of every process of the PostgreSQL server ``conn`` is connected to
    (its postmaster and the postmaster's children, from ``/proc``), or NaN where that cannot be read:
    on a loaded machine the wall time mostly measures the other work, the CPU time what was done."""
    def stat(pid: int) -> tuple[int, float]:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        postmaster = stat(int(conn.execute("SELECT pg_backend_pid()").fetchone()[0]))[0]
        total = stat(postmaster)[1]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError):
                    parent, used = stat(int(entry))
                    total += used if parent == postmaster else 0.0
    except (OSError, ValueError, IndexError):
        return float("nan")
    return total


@contextlib.contextmanager
def _postgres() -> Iterator[str | None]:
    """A throwaway PostgreSQL (``THAIVC_BENCH_PG_DSN``, or started as the test suite starts one —
    with fsync off, as there), or ``None``."""
    dsn = os.environ.get("THAIVC_BENCH_PG_DSN")
    if dsn:
        yield dsn
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    try:
        from postgres_server import _LocalPostgres
        from thaivc.testing.binaries import postgres_bindir
    except ImportError:
        yield None
        return
    found = postgres_bindir()
    if found is None:
        yield None
        return
    server = _LocalPostgres(found[0])
    try:
        base = server.start()
    except (RuntimeError, OSError):
        server.stop()
        yield None
        return
    try:
        yield base
    finally:
        server.stop()


def _self_peak() -> float:
    from thaivc.batch.worker import peak_rss_mb

    return peak_rss_mb()


def batch(bench: Bench) -> Iterator[Any]:
    """``issue_many``: dc+sd-jwt with status entries, every core, SQLite; scaled to 1,000,000."""
    import json
    import tempfile
    import time

    from thaivc.batch import issue_many
    from thaivc.status import SqliteStatusStore

    count = 2_000 if bench.quick else 20_000
    key = generate_key("Ed25519")
    wallets = [generate_key("P-256").did for _ in range(64)]
    template = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"],
    }
    t = bench.table(f"batch issuance: {count:,} dc+sd-jwt with revocation entries, {os.cpu_count()} worker processes")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for i in range(count):
                subject = {"id": wallets[i % 64], "citizenId": f"{i:013d}", "givenName": "สมหญิง",
                           "familyName": "ใจดี", "birthDate": "1995-08-12"}
                fh.write(json.dumps(subject, ensure_ascii=False) + "\n")
        db = str(Path(tmp) / "status.db")
        store = SqliteStatusStore(db)
        store.save_settings({"issuer_id": key.did, "base_url": "https://status.example/l", "list_size": "131072"})
        store.close()
        before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        before_self = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        result = issue_many(source, Path(tmp) / "out", key=key, template=template, status_db=db)
        took = time.perf_counter() - started
        after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        after_self = resource.getrusage(resource.RUSAGE_SELF)
        assert result.issued == count, result
    # CPU time of the workers and the parent: what the batch costs whatever else the machine runs
    cpu = sum(getattr(after_children, f) - getattr(before_children, f) for f in ("ru_utime", "ru_stime"))
    cpu += sum(getattr(after_self, f) - getattr(before_self, f) for f in ("ru_utime", "ru_stime"))
    cores = os.cpu_count() or 1
    t.row(f"issued {count:,} in {took:.1f} s wall: {count / took:,.0f} credentials/s; "
          f"peak RSS of a worker {result.peak_rss_mb:.0f} MB (of this bench process {_self_peak():.0f} MB)",
          Stat(took / count * 1e6))
    t.row(f"CPU time per credential (all processes; {cores} idle cores would issue {cores * count / cpu:,.0f}/s)",
          Stat(cpu / count * 1e6))
    t.row(f"1,000,000 dc+sd-jwt with status on {cores} cores, wall time at this load (from {count:,})",
          Stat(took / count * 1_000_000), "≤ 180 s", 180.0, unit="s")
    t.row(f"1,000,000 dc+sd-jwt with status on {cores} idle cores (CPU time ÷ {cores}, from {count:,})",
          Stat(cpu / count * 1_000_000 / cores), unit="s")
    yield t


# -- one work budget per request (docs/security.md#l7) ---------------------------------------------

_V2 = "https://www.w3.org/ns/credentials/v2"
_LINK = "https://example.org/link"
_MEMBER = "https://example.org/member"


def _hostile_credential(issuer: str, subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": subject,
    }


def _unsigned_proof(key: PrivateKey, **extra: Any) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": key.kid,
        "proofPurpose": "assertionMethod",
        "created": "2026-01-01T00:00:00Z",
        "proofValue": "z" + "1" * 64,
        **extra,
    }


def _hostile_inputs(key: PrivateKey, clock: FixedClock) -> dict[str, Any]:
    """The worst inputs under the 64 KiB cap found for the budget, by the attack they stand for."""
    from thaivc.di import add_proof
    from thaivc.engine.holder import Holder

    ring = {_MEMBER: [{"@id": f"_:n{i}", _LINK: {"@id": f"_:n{(i + 1) % 24}"}} for i in range(24)]}
    chain = add_proof(_hostile_credential(key.did, ring), key, proof_id="urn:p:0", clock=clock)
    for i in range(1, 32):
        previous = [f"urn:p:{j}" for j in range(i)]
        chain = add_proof(chain, key, proof_id=f"urn:p:{i}", previous_proof=previous, clock=clock)
    clique = {
        _MEMBER: [{"@id": f"_:c{i}", _LINK: [{"@id": f"_:c{j}"} for j in range(6) if j != i]} for i in range(6)]
    }
    proof_set = _hostile_credential(key.did, clique)
    proof_set["proof"] = [_unsigned_proof(key, nonce=str(i)) for i in range(32)]
    literals = _hostile_credential(key.did, {_LINK: [f"v{i}" for i in range(5000)]})
    literals["proof"] = _unsigned_proof(key)
    merged = _hostile_credential(key.did, {_MEMBER: [{"@id": "urn:x:1", _LINK: f"v{i}"} for i in range(900)]})
    merged["proof"] = _unsigned_proof(key)
    inner = _hostile_credential(key.did, {_LINK: [f"v{i}" for i in range(400)]})
    inner["proof"] = _unsigned_proof(key)
    vp = Holder(key, clock=clock).presentation([inner] * 16)
    vp["proof"] = _unsigned_proof(key, proofPurpose="authentication")
    return {
        "32 genuine chained proofs over blank nodes (the review's)": chain,
        "32 proofs over a blank-node clique (RDFC limit)": proof_set,
        "5,000 values on one property (pyld n²)": literals,
        "900 objects merged into one node (pyld n²)": merged,
        "presentation of 16 × 400-value credentials": vp,
    }


def budget(bench: Bench) -> Iterator[Any]:
    """Worst inputs under the size cap: each is refused within the one budget of its ``check()``."""
    import json
    import time

    from thaivc.core.budget import DEFAULT_BUDGET, request_budget

    clock = FixedClock.at("2026-06-01T00:00:00Z")
    key = generate_key("Ed25519")
    verifier = thaivc.Verifier(Policy(), clock=clock)
    quick = bench.quick
    t = bench.table(f"One work budget per check() — {DEFAULT_BUDGET:,} units; µs for the whole refusal")
    for name, doc in _hostile_inputs(key, clock).items():
        text = json.dumps(doc, ensure_ascii=False)
        best = float("inf")
        for _ in range(2 if quick else 5):
            with request_budget() as spent:
                started = time.perf_counter()
                report = verifier.check(text)
                best = min(best, time.perf_counter() - started)
        verdict = f"{report.status}: {report.codes[0] if report.codes else '-'}"
        size = len(text.encode("utf-8")) // 1024
        t.row(f"{name} — {size} KB, {spent.spent:,} units; < 1 s ({verdict})", Stat(best * 1e6))
    yield t


SECTIONS: dict[str, Callable[..., Iterator[Any]]] = {
    "jose": jose,
    "di": di,
    "sdjwt": sdjwt,
    "status": status,
    "batch": batch,
    "budget": budget,
}
