"""Group L (2026 review), status lists and their stores: items 12, 13 and 23.

* 12 — a trust list and a status checker work together: a status list signed by the credential's own
  issuer needs no trust entry of its own; a list signed by anyone else needs one, for the list's type
  (``BitstringStatusListCredential``, or ``StatusListToken`` for an IETF token), and the refusal
  names that type. Every format: ``vc+jwt`` and Data Integrity credentials with W3C lists,
  ``dc+sd-jwt`` with IETF tokens.
* 13 — one ``Verifier`` whose status lists come from a SQLite or PostgreSQL store is used from 16
  threads at once and every verdict is right (stores open one connection per thread).
* 23 — eight processes opening a brand-new SQLite store at the same instant all succeed, as does an
  opener that finds the fresh file locked by another writer.
"""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from thaivc import Issuer, Policy, Verifier
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.core.report import VerificationReport
from thaivc.di.sign import add_proof
from thaivc.keys import generate_key
from thaivc.status import (
    MIN_ENTRIES,
    PostgresStatusStore,
    RegistryFetcher,
    SqliteStatusStore,
    StaticFetcher,
    StatusChecker,
    StatusRegistry,
    encode_bitstring,
    http_status_checker,
    publish_lists,
)
from thaivc.status.sql_store import SqlStatusStore
from thaivc.trust import IssuerEntry, StaticTrustList, TrustDecision

from .conftest import forge, vp_header

T0 = "2026-03-01T00:00:00Z"
BASE = "https://status.example.go.th/lists"
ALL_FORMATS = ["vc+jwt", "di", "dc+sd-jwt"]


def _credential(cid: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": cid,
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:somchai", "name": "สมชาย ใจดี"},
        **extra,
    }


def _status_check(report: VerificationReport) -> tuple[str, str | None, str]:
    checks = [c for c in report.checks if c.name == "status"]
    assert checks, report.to_json()
    return report.status, checks[0].code, checks[0].detail


class Agency:
    """An issuer, the status registry whose lists it serves, and (optionally) a separate status host.

    ``host=True`` makes the lists be kept and signed by another DID (a status service): credentials
    then carry entries the agency did not sign the list for.
    """

    def __init__(self, store: SqlStatusStore, *, host: bool = False, list_format: str = "vc+jwt") -> None:
        self.clock = FixedClock.at(T0)
        self.issuer = Issuer(generate_key("Ed25519"), clock=self.clock)
        self.signer = Issuer(generate_key("Ed25519"), clock=self.clock) if host else self.issuer
        self.registry = StatusRegistry(store, base_url=BASE, issuer_id=self.signer.issuer_id, clock=self.clock)
        self.list_format = list_format
        self.count = 0

    def issue(self, fmt: str) -> tuple[Any, str]:
        """A credential in ``fmt`` with a revocation entry in the registry; returns it and its id."""
        self.count += 1
        cid = f"urn:uuid:00000000-0000-4000-8000-{self.count:012d}"
        if self.signer is self.issuer:
            return self.issuer.issue(_credential(cid), format=fmt, status=self.registry), cid
        if fmt == "dc+sd-jwt":
            claim = self.registry.entry_for(cid, "revocation", format="ietf")
            return self.issuer.issue(_credential(cid), format=fmt, status=claim), cid
        entry = self.registry.entry_for(cid, "revocation")
        return self.issuer.issue(_credential(cid, credentialStatus=entry), format=fmt), cid

    def publish(self) -> None:
        publish_lists(self.registry, self.signer, list_format=self.list_format)  # type: ignore[arg-type]

    def trust_list(self, *extra: IssuerEntry) -> StaticTrustList:
        """The agency trusted for what it issues, nothing else (no entry for any list type)."""
        entries = [IssuerEntry(self.issuer.issuer_id, frozenset({"VerifiableCredential"})), *extra]
        return StaticTrustList(entries, clock=self.clock)

    def verifier(self, trust: Any, **checker_options: Any) -> Verifier:
        checker = StatusChecker(RegistryFetcher(self.registry), **checker_options)
        return Verifier(
            Policy(require_key_binding=False), clock=self.clock, status_checker=checker, trust=trust
        )


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStatusStore]:
    store = SqliteStatusStore(tmp_path / "status.db")
    yield store
    store.close()


# -- 12: trust plus status ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ALL_FORMATS)
@pytest.mark.parametrize("list_format", ["vc+jwt", "di"])
def test_l12_list_signed_by_the_issuer_needs_no_trust_entry(
    sqlite_store: SqliteStatusStore, fmt: str, list_format: str
) -> None:
    agency = Agency(sqlite_store, list_format=list_format)
    good, _ = agency.issue(fmt)
    revoked, revoked_id = agency.issue(fmt)
    agency.registry.revoke(revoked_id)
    agency.publish()
    verifier = agency.verifier(agency.trust_list())

    report = verifier.check(good)
    assert report.status == "verified", report.to_json()
    assert "trust.untrusted_issuer" not in report.codes
    status, code, _ = _status_check(verifier.check(revoked))
    assert (status, code) == ("failed", "status.revoked")


def test_l12_trust_still_vets_the_credential_issuer(sqlite_store: SqliteStatusStore) -> None:
    """Skipping the trust question for the list never skips it for the credential."""
    agency = Agency(sqlite_store)
    token, _ = agency.issue("vc+jwt")
    agency.publish()
    stranger = StaticTrustList([IssuerEntry("did:web:someone-else.example", frozenset({"VerifiableCredential"}))])
    report = agency.verifier(stranger).check(token)
    assert report.status == "failed"
    assert [c.code for c in report.checks if c.status == "fail"] == ["trust.untrusted_issuer"]
    assert [c.status for c in report.checks if c.name == "status"] == ["pass"]


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_l12_list_from_another_signer_needs_its_own_trust_entry(sqlite_store: SqliteStatusStore, fmt: str) -> None:
    agency = Agency(sqlite_store, host=True)
    token, _ = agency.issue(fmt)
    agency.publish()
    list_type = "StatusListToken" if fmt == "dc+sd-jwt" else "BitstringStatusListCredential"

    status, code, detail = _status_check(agency.verifier(agency.trust_list()).check(token))
    assert (status, code) == ("failed", "status.verification")
    assert list_type in detail and agency.signer.issuer_id in detail

    # an entry for the host, but for other types, is not an entry for status lists
    other_types = IssuerEntry(agency.signer.issuer_id, frozenset({"VerifiableCredential", "ThaiCitizenCredential"}))
    status, code, detail = _status_check(agency.verifier(agency.trust_list(other_types)).check(token))
    assert (status, code) == ("failed", "status.verification")
    assert list_type in detail


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_l12_list_from_a_trusted_status_host_is_read(sqlite_store: SqliteStatusStore, fmt: str) -> None:
    agency = Agency(sqlite_store, host=True)
    good, _ = agency.issue(fmt)
    revoked, revoked_id = agency.issue(fmt)
    agency.registry.revoke(revoked_id)
    agency.publish()
    list_type = "StatusListToken" if fmt == "dc+sd-jwt" else "BitstringStatusListCredential"
    host = IssuerEntry(agency.signer.issuer_id, frozenset({list_type}))
    verifier = agency.verifier(agency.trust_list(host))
    assert verifier.check(good).status == "verified", verifier.check(good).to_json()
    assert _status_check(verifier.check(revoked))[:2] == ("failed", "status.revoked")


def test_l12_a_proof_set_policy_for_credentials_does_not_bind_the_list(sqlite_store: SqliteStatusStore) -> None:
    """Co-signer rules are about credentials: a Data Integrity list signed by its issuer alone is read
    by a verifier whose proof-set policy requires a notary on credentials."""
    from thaivc.di.verify import ProofSetPolicy

    agency = Agency(sqlite_store, list_format="di")
    token, _ = agency.issue("vc+jwt")
    agency.publish()
    notary = generate_key("Ed25519").kid
    verifier = agency.verifier(agency.trust_list())
    verifier.proof_set_policy = ProofSetPolicy([notary])
    report = verifier.check(token)
    assert report.status == "verified", report.to_json()


def test_l12_authorize_reads_delegation_status_with_the_verifier_trust(sqlite_store: SqliteStatusStore) -> None:
    """``Verifier.authorize`` checks a delegation chain's status entries with the same rule."""
    from thaivc.authorization.authorizer import _status_callable
    from thaivc.jose.compact import parse_compact

    agency = Agency(sqlite_store, host=True)
    token, _ = agency.issue("vc+jwt")
    agency.publish()
    payload = parse_compact(token, expected_typ=frozenset({"vc+jwt"})).payload
    checker = StatusChecker(RegistryFetcher(agency.registry))
    Verifier(clock=agency.clock, status_checker=checker)  # binds the list verifier and clock
    host = IssuerEntry(agency.signer.issuer_id, frozenset({"BitstringStatusListCredential"}))

    check = _status_callable(checker, agency.trust_list(host))
    assert check is not None
    check(payload)  # admitted by the trust list: no error
    refuse = _status_callable(checker, agency.trust_list())
    assert refuse is not None
    with pytest.raises(ThaiVCError) as caught:
        refuse(payload)
    assert caught.value.code == "status.verification"
    assert "BitstringStatusListCredential" in caught.value.detail


def test_l12_trusted_status_issuers_still_admit_a_host(sqlite_store: SqliteStatusStore) -> None:
    """The checker's own per-issuer allowance keeps working next to a trust list."""
    agency = Agency(sqlite_store, host=True)
    token, _ = agency.issue("vc+jwt")
    agency.publish()
    verifier = agency.verifier(
        agency.trust_list(), trusted_status_issuers={agency.issuer.issuer_id: [agency.signer.issuer_id]}
    )
    assert verifier.check(token).status == "verified"


class _Undecided:
    """A trust source that trusts the agency but cannot answer about anyone else right now."""

    def __init__(self, trusted: str) -> None:
        self.trusted = trusted

    def check(self, issuer_id: str, credential: Any) -> TrustDecision:
        if issuer_id == self.trusted:
            return TrustDecision(issuer_id, ("VerifiableCredential",), "test")
        raise Indeterminate("trust.list_stale", "the trusted list could not be refreshed")


class _Broken(_Undecided):
    def check(self, issuer_id: str, credential: Any) -> TrustDecision:
        if issuer_id == self.trusted:
            return TrustDecision(issuer_id, ("VerifiableCredential",), "test")
        raise RuntimeError("boom")


@pytest.mark.parametrize("source", [_Undecided, _Broken])
def test_l12_a_trust_source_that_cannot_answer_about_the_list_is_indeterminate(
    sqlite_store: SqliteStatusStore, source: Callable[[str], Any]
) -> None:
    agency = Agency(sqlite_store, host=True)
    token, _ = agency.issue("vc+jwt")
    agency.publish()
    report = agency.verifier(source(agency.issuer.issuer_id)).check(token)
    status, code, _ = _status_check(report)
    assert (status, code) == ("indeterminate", "status.unavailable"), report.to_json()


def test_l12_http_status_checker_with_a_trust_list(sqlite_store: SqliteStatusStore) -> None:
    """The documented wiring (``verifier.status_checker = http_status_checker(verifier, …)``)."""
    agency = Agency(sqlite_store)
    token, _ = agency.issue("vc+jwt")
    agency.publish()
    verifier = Verifier(clock=agency.clock, trust=agency.trust_list())
    verifier.status_checker = http_status_checker(verifier, RegistryFetcher(agency.registry))
    assert verifier.check(token).status == "verified"


@pytest.mark.parametrize("fmt", ["vp+jwt", "di", "dc+sd-jwt"])
def test_l12_a_presentation_is_never_a_status_list(fmt: str) -> None:
    """A list is a credential of its issuer: a holder-signed presentation (or an SD-JWT, bound to its
    ``iss``) shaped like the victim's list and naming the victim as ``issuer`` must not be read, even
    when the policy requires neither a challenge nor key binding."""
    clock = FixedClock.at(T0)
    victim = Issuer(generate_key("Ed25519"), clock=clock)
    attacker = generate_key("Ed25519")
    holder = attacker.kid.split("#", 1)[0]
    url = BASE + "/forged"
    fake: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiablePresentation", "BitstringStatusListCredential"],
        "holder": holder,
        "issuer": victim.issuer_id,
        "validFrom": T0,
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(bytes(MIN_ENTRIES // 8)),
        },
    }
    if fmt == "vp+jwt":
        body: Any = forge(vp_header(attacker), {**fake, "iat": int(clock.now())}, attacker)
    elif fmt == "dc+sd-jwt":
        fake["type"] = ["VerifiableCredential", "BitstringStatusListCredential"]
        claims = {**fake, "iss": holder, "iat": int(clock.now()), "vct": "BitstringStatusListCredential"}
        body = forge({"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": attacker.kid}, claims, attacker) + "~"
    else:
        signed = add_proof(fake, attacker, "eddsa-jcs-2022", proof_purpose="authentication", clock=clock)
        body = json.dumps(signed)
    entry = {
        "id": url + "#0",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "0",
        "statusListCredential": url,
    }
    token = victim.issue(_credential("urn:uuid:00000000-0000-4000-8000-000000000001", credentialStatus=entry))
    checker = StatusChecker(StaticFetcher({url: body}))
    policy = Policy(require_challenge=False, require_key_binding=False)
    verifier = Verifier(policy, clock=clock, status_checker=checker)
    status, code, _ = _status_check(verifier.check(token))
    assert (status, code) == ("failed", "status.verification")


# -- 13: one verifier, one store, many threads ------------------------------------------------

THREADS = 16


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStatusStore]:
    """A store opened in the test's thread, to be used from others."""
    store: SqlStatusStore
    if request.param == "sqlite":
        store = SqliteStatusStore(tmp_path / "status.db")
    else:
        store = PostgresStatusStore(request.getfixturevalue("pg_dsn"))
    yield store
    store.close()


def _in_threads(work: Callable[[int], list[Any]]) -> list[Any]:
    """Run ``work(i)`` in 16 threads released together; every result, or the first exception."""
    barrier = threading.Barrier(THREADS)

    def run(i: int) -> list[Any]:
        barrier.wait(timeout=60)
        return work(i)

    with ThreadPoolExecutor(THREADS) as pool:
        return [item for chunk in pool.map(run, range(THREADS)) for item in chunk]


def test_l13_sixteen_threads_share_one_verifier(shared_store: SqlStatusStore) -> None:
    agency = Agency(shared_store)
    issued = []
    for n in range(12):
        fmt = ALL_FORMATS[n % 3]
        secured, cid = agency.issue(fmt)
        if n % 4 == 0:
            agency.registry.revoke(cid)
        issued.append((secured, "status.revoked" if n % 4 == 0 else None))
    agency.publish()
    # max_age=0: nothing is cached, every check reads the list from the store, in its own thread
    checker = StatusChecker(RegistryFetcher(agency.registry, max_age=0))
    verifier = Verifier(Policy(require_key_binding=False), clock=agency.clock, status_checker=checker)

    def work(i: int) -> list[Any]:
        out = []
        for _ in range(3):
            for n, (secured, _expected) in enumerate(issued):
                status, code, detail = _status_check(verifier.check(secured))
                out.append((n, status, code, detail))
        return out

    expected = {n: ("failed" if code else "verified", code) for n, (_, code) in enumerate(issued)}
    wrong = [r for r in _in_threads(work) if (r[1], r[2]) != expected[r[0]]]
    assert wrong == [], wrong[:3]
    assert checker._fetch.calls == THREADS * 3 * len(issued)  # type: ignore[attr-defined]


def test_l13_sixteen_threads_issue_and_revoke_through_one_store(shared_store: SqlStatusStore) -> None:
    """The issuer side of the same server: allocation and revocation from every thread."""
    registry = StatusRegistry(
        shared_store, base_url=BASE, issuer_id="did:web:dopa.example.go.th", list_size=1024, min_list_size=8
    )

    def work(i: int) -> list[Any]:
        out = []
        for n in range(10):
            cid = f"t{i}-c{n}"
            allocation = registry.allocate(cid)
            if n % 2:
                registry.revoke(cid)
            out.append((cid, allocation.list_id, allocation.index))
        return out

    results = _in_threads(work)
    assert len(results) == THREADS * 10
    assert len({(list_id, idx) for _, list_id, idx in results}) == len(results), "an index was handed out twice"
    revoked = {cid for cid, *_ in results if int(cid.rsplit("c", 1)[1]) % 2}
    for list_id in {list_id for _, list_id, _ in results}:
        for _, cid, value in shared_store.entries(list_id):
            assert value == (1 if cid in revoked else 0), cid


def test_l13_close_closes_the_connection_of_every_thread(tmp_path: Path) -> None:
    path = tmp_path / "status.db"
    store = SqliteStatusStore(path)
    registry = StatusRegistry(store, base_url=BASE, issuer_id="did:web:x.example", list_size=1024, min_list_size=8)
    _in_threads(lambda i: [registry.allocate(f"c{i}")])
    store.close()
    # only a database nobody holds open can leave WAL mode
    with sqlite3.connect(path) as probe:
        assert probe.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    for attempt in (lambda: store.lookup("did:web:x.example", "revocation", "c0"), lambda: registry.allocate("c99")):
        with pytest.raises(ThaiVCError) as caught:
            attempt()
        assert caught.value.code == "status.store"


def test_l13_in_memory_store_is_one_database_for_every_thread() -> None:
    store = SqliteStatusStore(":memory:")
    registry = StatusRegistry(store, base_url=BASE, issuer_id="did:web:x.example", list_size=1024, min_list_size=8)
    allocations = _in_threads(lambda i: [registry.allocate(f"c{i}")])
    assert {a.credential_id for a in allocations} == {store.lookup("did:web:x.example", "revocation", f"c{i}").credential_id  # type: ignore[union-attr]
                                                     for i in range(THREADS)}
    store.close()


# -- 23: workers that start together ----------------------------------------------------------

PROCESSES = 8
ROUNDS = 15


def _open_fresh_stores(directory: str, barrier: Any, results: Any, rounds: int) -> None:
    """Child process: for each round, wait for every sibling, then open that round's new file."""
    for round_ in range(rounds):
        barrier.wait(120)
        try:
            store = SqliteStatusStore(Path(directory) / f"round-{round_}.db", busy_timeout=30)
            registry = StatusRegistry(
                store, base_url=BASE, issuer_id="did:web:x.example", list_size=64, min_list_size=8
            )
            registry.allocate(f"{multiprocessing.current_process().name}-{round_}")
            store.close()
            results.put("ok")
        except Exception as exc:  # reported to the parent, which asserts on it
            results.put(f"{type(exc).__name__}: {exc}")


def _start_together(directory: Path, rounds: int, *, parent_joins: bool = False) -> tuple[list[Any], Any, Any]:
    """Spawn the children; with ``parent_joins`` the barrier also waits for the caller."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES + (1 if parent_joins else 0))
    results = ctx.Queue()
    children = [
        ctx.Process(target=_open_fresh_stores, args=(str(directory), barrier, results, rounds))
        for _ in range(PROCESSES)
    ]
    for child in children:
        child.start()
    return children, barrier, results


def _outcomes(children: list[Any], results: Any, count: int, directory: Path, rounds: int) -> list[str]:
    outcomes = [results.get(timeout=300) for _ in range(count)]
    for child in children:
        child.join(60)
    assert [o for o in outcomes if o != "ok"] == []
    for round_ in range(rounds):
        store = SqliteStatusStore(directory / f"round-{round_}.db")
        assert sum(info.allocated for info in store.lists("did:web:x.example")) == PROCESSES
        assert store.integrity_check() == "ok"
        store.close()
    return outcomes


@pytest.mark.slow
def test_l23_processes_opening_a_new_sqlite_store_at_once_all_succeed(tmp_path: Path) -> None:
    children, _, results = _start_together(tmp_path, ROUNDS)
    _outcomes(children, results, PROCESSES * ROUNDS, tmp_path, ROUNDS)


@pytest.mark.slow
def test_l23_processes_opening_a_new_store_another_writer_holds_all_succeed(tmp_path: Path) -> None:
    """The same start, while another program holds the brand-new file (still in rollback-journal
    mode) for half a second: SQLite refuses the switch to WAL at once, without waiting."""
    children, barrier, results = _start_together(tmp_path, 1, parent_joins=True)
    release = _hold_lock(tmp_path / "round-0.db", "BEGIN IMMEDIATE", 0.5, start=lambda: barrier.wait(120))
    try:
        _outcomes(children, results, PROCESSES, tmp_path, 1)
    finally:
        release.join()


def _hold_lock(path: Path, begin: str, seconds: float, *, start: Callable[[], Any] | None = None) -> threading.Thread:
    """Another writer that holds ``path`` locked (the file is new: no WAL yet) until ``seconds``
    after ``start()`` returns (at once without one)."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute(begin)

    def release() -> None:
        if start is not None:
            start()
        time.sleep(seconds)
        holder.execute("COMMIT")
        holder.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


@pytest.mark.parametrize("begin", ["BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"])
def test_l23_opening_waits_for_a_writer_on_a_new_file(tmp_path: Path, begin: str) -> None:
    path = tmp_path / "status.db"
    release = _hold_lock(path, begin, 0.3)
    started = time.monotonic()
    try:
        store = SqliteStatusStore(path, busy_timeout=10)
    finally:
        release.join()
    assert time.monotonic() - started >= 0.25  # it waited rather than failing or skipping WAL
    assert store.integrity_check() == "ok"
    with sqlite3.connect(path) as probe:
        assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_l23_opening_gives_up_after_busy_timeout_with_a_code(tmp_path: Path) -> None:
    path = tmp_path / "status.db"
    release = _hold_lock(path, "BEGIN IMMEDIATE", 3.0)
    started = time.monotonic()
    try:
        with pytest.raises(ThaiVCError) as caught:
            SqliteStatusStore(path, busy_timeout=0.5)
        waited = time.monotonic() - started
    finally:
        release.join()
    assert caught.value.code == "status.store"
    assert 0.3 <= waited < 2.5


def _create_schema_in(dsn: str, barrier: Any, results: Any) -> None:
    barrier.wait(60)
    try:
        PostgresStatusStore(dsn).close()
        results.put("ok")
    except Exception as exc:  # reported to the parent, which asserts on it
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
@pytest.mark.postgres
def test_l23_processes_creating_the_postgres_schema_at_once_all_succeed(pg_dsn: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    children = [ctx.Process(target=_create_schema_in, args=(pg_dsn, barrier, results)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=300) for _ in range(PROCESSES)]
    for child in children:
        child.join(60)
    assert outcomes == ["ok"] * PROCESSES
