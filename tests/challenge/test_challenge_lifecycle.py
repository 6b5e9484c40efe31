"""The challenge lifecycle belongs to the library (issue 15, item 10).

``Verifier.new_challenge(ttl=…)`` records what it issued; with ``Policy(require_issued_challenge=True)``
a presentation answering a challenge the verifier never issued, or one that expired, is refused
(``vp.challenge_unknown``); a second answer is ``vp.challenge_replayed``; no challenge at all is
``vp.challenge_missing``; a different one ``vp.challenge_mismatch``. The same for every presentation
format and every store: memory, SQLite, PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import thaivc
from thaivc.core.errors import UsageError
from thaivc.engine.challenge import MemoryChallengeStore
from thaivc.engine.challenge_sql import PostgresChallengeStore, SqliteChallengeStore

DOMAIN = "https://rd.go.th"
START = "2026-03-01T00:00:00Z"
Store = Any


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[thaivc.FixedClock], Store]]:
    opened: list[Any] = []

    def make(clock: thaivc.FixedClock) -> Store:
        if request.param == "memory":
            return MemoryChallengeStore(clock=clock)
        store: Any = (SqliteChallengeStore(tmp_path / "challenges.db", clock=clock) if request.param == "sqlite"
                      else PostgresChallengeStore(request.getfixturevalue("pg_dsn"), clock=clock))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def clock() -> thaivc.FixedClock:
    return thaivc.FixedClock.at(START)


@pytest.fixture
def parties(clock: thaivc.FixedClock) -> tuple[str, thaivc.PrivateKey]:
    dopa = thaivc.generate_key("Ed25519")
    wallet = thaivc.generate_key("P-256")
    token = thaivc.Issuer(dopa, clock=clock).issue({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": "สมหญิง"},
    }, format="vc+jwt")
    return token, wallet


def strict(store: Store, clock: thaivc.FixedClock) -> thaivc.Verifier:
    return thaivc.Verifier(thaivc.Policy(require_issued_challenge=True), clock=clock, challenge_store=store)


FORMATS = ["vp+jwt", "di"]


def _present(parties: tuple[str, thaivc.PrivateKey], clock: thaivc.FixedClock, challenge: str, fmt: str) -> Any:
    token, wallet = parties
    return thaivc.Holder(wallet, clock=clock).present([token], challenge=challenge, domain=DOMAIN, format=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_issued_challenge_is_accepted_once(make_store: Any, clock: thaivc.FixedClock, parties: Any,
                                               fmt: str) -> None:
    verifier = strict(make_store(clock), clock)
    challenge = verifier.new_challenge(ttl=120)
    vp = _present(parties, clock, challenge, fmt)
    assert verifier.check(vp, challenge=challenge, domain=DOMAIN).ok
    again = verifier.check(vp, challenge=challenge, domain=DOMAIN)
    assert again.status == "failed" and again.codes == ["vp.challenge_replayed"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_challenge_the_verifier_never_issued_is_refused(make_store: Any, clock: thaivc.FixedClock, parties: Any,
                                                          fmt: str) -> None:
    """The holder (or an attacker replaying a recorded login) picks the challenge: refused, its own code."""
    verifier = strict(make_store(clock), clock)
    made_up = thaivc.new_challenge()  # unguessable, but nobody issued it
    report = verifier.check(_present(parties, clock, made_up, fmt), challenge=made_up, domain=DOMAIN)
    assert report.status == "failed" and report.codes == ["vp.challenge_unknown"]
    assert report.problems[0].type.endswith("INVALID_CHALLENGE_ERROR")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_expired_challenge_is_refused(make_store: Any, clock: thaivc.FixedClock, parties: Any, fmt: str) -> None:
    verifier = strict(make_store(clock), clock)
    challenge = verifier.new_challenge(ttl=60)
    vp = _present(parties, clock, challenge, fmt)
    clock.advance(61)
    report = verifier.check(vp, challenge=challenge, domain=DOMAIN)
    assert report.status == "failed" and report.codes == ["vp.challenge_unknown"]
    assert "expired" in report.problems[0].detail


def test_a_forged_presentation_does_not_spend_an_issued_challenge(make_store: Any, clock: thaivc.FixedClock,
                                                                   parties: Any) -> None:
    verifier = strict(make_store(clock), clock)
    challenge = verifier.new_challenge()
    vp = _present(parties, clock, challenge, "vp+jwt")
    head, body, sig = vp.split(".")
    forged = f"{head}.{body}.{sig[:-4]}AAAA"
    assert verifier.check(forged, challenge=challenge, domain=DOMAIN).status == "failed"
    assert verifier.check(vp, challenge=challenge, domain=DOMAIN).ok


def test_missing_and_mismatched_have_their_own_codes(make_store: Any, clock: thaivc.FixedClock, parties: Any) -> None:
    verifier = strict(make_store(clock), clock)
    issued = verifier.new_challenge()
    vp = _present(parties, clock, issued, "vp+jwt")
    assert verifier.check(vp, domain=DOMAIN).codes == ["vp.challenge_missing"]
    other = verifier.new_challenge()
    assert verifier.check(vp, challenge=other, domain=DOMAIN).codes == ["vp.challenge_mismatch"]
    assert verifier.check(vp, challenge=issued, domain=DOMAIN).ok  # neither refusal spent it


def test_sd_jwt_key_binding_answers_through_the_same_lifecycle(make_store: Any, clock: thaivc.FixedClock) -> None:
    dopa, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    sd = thaivc.Issuer(dopa, clock=clock).issue({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": "สมหญิง"}}, format="dc+sd-jwt",
        disclosable=["/credentialSubject/name"])
    verifier = strict(make_store(clock), clock)
    made_up = thaivc.new_challenge()
    holder = thaivc.Holder(wallet, clock=clock)
    assert verifier.check(holder.present([sd], challenge=made_up, domain=DOMAIN), challenge=made_up,
                          domain=DOMAIN).codes == ["vp.challenge_unknown"]
    issued = verifier.new_challenge()
    vp = holder.present([sd], challenge=issued, domain=DOMAIN)
    assert verifier.check(vp, challenge=issued, domain=DOMAIN).ok
    assert verifier.check(vp, challenge=issued, domain=DOMAIN).codes == ["vp.challenge_replayed"]


def test_two_workers_answering_at_once_win_once(make_store: Any, clock: thaivc.FixedClock) -> None:
    store = make_store(clock)
    store.issue("c-1", ttl=60)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def answer() -> None:
        barrier.wait()
        results.append(store.redeem("c-1", require_issued=True))

    threads = [threading.Thread(target=answer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["fresh"] + ["replayed"] * 7


def test_an_oversized_challenge_never_reaches_the_store(make_store: Any, clock: thaivc.FixedClock,
                                                        parties: Any) -> None:
    verifier = strict(make_store(clock), clock)
    huge = "x" * 10_000
    report = verifier.check(_present(parties, clock, huge, "vp+jwt"), challenge=huge, domain=DOMAIN)
    assert report.codes == ["vp.challenge_unknown"]


def test_without_the_policy_an_unissued_challenge_is_still_single_use(make_store: Any, clock: thaivc.FixedClock,
                                                                      parties: Any) -> None:
    verifier = thaivc.Verifier(clock=clock, challenge_store=make_store(clock))
    challenge = thaivc.new_challenge()
    vp = _present(parties, clock, challenge, "vp+jwt")
    assert verifier.check(vp, challenge=challenge, domain=DOMAIN).ok
    assert verifier.check(vp, challenge=challenge, domain=DOMAIN).codes == ["vp.challenge_replayed"]


def test_sqlite_stores_digests_not_challenges(tmp_path: Path, clock: thaivc.FixedClock) -> None:
    store = SqliteChallengeStore(tmp_path / "c.db", clock=clock)
    verifier = thaivc.Verifier(thaivc.Policy(require_issued_challenge=True), clock=clock, challenge_store=store)
    challenge = verifier.new_challenge()
    store.close()
    with sqlite3.connect(tmp_path / "c.db") as db:
        rows = db.execute("SELECT digest FROM thaivc_challenge").fetchall()
    assert len(rows) == 1 and challenge not in rows[0][0]


def test_two_verifiers_share_one_sqlite_ledger(tmp_path: Path, clock: thaivc.FixedClock, parties: Any) -> None:
    a = strict(SqliteChallengeStore(tmp_path / "c.db", clock=clock), clock)
    b = strict(SqliteChallengeStore(tmp_path / "c.db", clock=clock), clock)
    challenge = a.new_challenge()
    vp = _present(parties, clock, challenge, "vp+jwt")
    assert b.check(vp, challenge=challenge, domain=DOMAIN).ok
    assert a.check(vp, challenge=challenge, domain=DOMAIN).codes == ["vp.challenge_replayed"]


def test_misuse_is_a_usage_error(clock: thaivc.FixedClock) -> None:
    class PlainStore:
        def consume(self, challenge: str) -> bool:
            return True

    with pytest.raises(UsageError):
        thaivc.Verifier(thaivc.Policy(require_issued_challenge=True), challenge_store=PlainStore())
    verifier = thaivc.Verifier(clock=clock)
    for ttl in (0, -1, 10**9, True):
        with pytest.raises(UsageError):
            verifier.new_challenge(ttl=ttl)


def test_a_broken_store_is_indeterminate(tmp_path: Path, clock: thaivc.FixedClock, parties: Any) -> None:
    store = SqliteChallengeStore(tmp_path / "c.db", clock=clock)
    verifier = strict(store, clock)
    challenge = verifier.new_challenge()
    vp = _present(parties, clock, challenge, "vp+jwt")
    store.close()
    report = verifier.check(vp, challenge=challenge, domain=DOMAIN)
    assert report.status == "indeterminate" and "vp.challenge_unknown" in report.codes
