"""Collecting a deferred credential happens once, whoever polls and however often.

Two polls for one ``transaction_id`` at the same instant (a wallet that retries on a slow answer, two
workers behind a load balancer) must not both ask the callback and both sign: the loser would find
the transaction gone and answer "already collected", leaving a registered, valid credential nobody
received. The attacker's cases: polls racing from threads (on two store handles, as two workers
would), a poll while another is collecting, a poll whose claim went stale, a poll with another
grant's token, a replay after collection, and a transaction kept alive by polling past its lifetime.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from issuer_fixtures import CONFIGURATIONS, HOST, ISSUER_URL
from oid4vc_workers import StoreFactory

from thaivc import Issuer, generate_key
from thaivc.core.clock import FixedClock
from thaivc.keys import PublicKey
from thaivc.oid4vc import ErrorResponse, HttpRequest, HttpResponse, mock_transport
from thaivc.oid4vci import (
    CredentialData,
    CredentialIssuerService,
    IssuanceRequest,
    IssuanceUnavailable,
    IssuerConfig,
    Pending,
)
from thaivc.wallet import DeferredIssuance, IssuanceWallet, TokenGrant

DEFERRED = ISSUER_URL + "/deferred"
TTL = 600
LEASE = 30


@dataclass
class Agency:
    """The callback (pending until ``ready``, optionally held at a gate) and the signing hook (counted)."""

    ready: bool = False
    signer_down: bool = False
    #: while set, the first callback call that finds the record ready waits here (a slow back office)
    gate: threading.Event | None = None
    in_callback: threading.Event = field(default_factory=threading.Event)
    delay: float = 0.0
    asked: int = 0
    signed: list[str] = field(default_factory=list)
    services: list[CredentialIssuerService] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def callback(self, request: IssuanceRequest) -> CredentialData | Pending:
        with self.lock:
            self.asked += 1
            gate, self.gate = self.gate, None  # only the first caller is held
        if request.deferred:
            self.in_callback.set()
            if gate is not None:
                assert gate.wait(10), "the test never opened the gate"
            time.sleep(self.delay)
        if not (self.ready and request.deferred):
            return Pending(interval=2)
        return CredentialData(
            credential={
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential", "ThaiCitizenCard"],
                "credentialSubject": {"name": request.subject["name"], "ial": "2.3"},
            },
            disclosable=["/credentialSubject/name"],
        )

    def sign(self, request: IssuanceRequest, data: CredentialData, key: PublicKey) -> Any:
        """The public ``sign`` hook, counting every credential that comes into existence."""
        if self.signer_down:
            raise IssuanceUnavailable("key.signer_unavailable", "the signing service did not answer")
        credential = self.services[0].default_sign(request, data, key)
        with self.lock:
            self.signed.append(credential)
        return credential


@dataclass
class World:
    agency: Agency
    services: list[CredentialIssuerService]
    clock: FixedClock
    route: threading.local

    def wallet(self) -> IssuanceWallet:
        def handle(request: HttpRequest) -> HttpResponse:
            return self.services[getattr(self.route, "worker", 0)].handle(request)

        return IssuanceWallet(httpx.Client(transport=mock_transport({HOST: handle})), clock=self.clock)

    def deferred(self, wallet: IssuanceWallet) -> DeferredIssuance:
        offer = self.services[0].create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"})
        pending = wallet.receive(offer.offer, tx_code=offer.tx_code)
        assert isinstance(pending, DeferredIssuance)
        return pending

    def poll(self, wallet: IssuanceWallet, pending: DeferredIssuance, worker: int = 0) -> Any:
        """The wallet's poll through ``worker``: credentials, a pending issuance, or the refusal."""
        self.route.worker = worker
        try:
            return wallet.poll_deferred(pending)
        except ErrorResponse as refusal:
            return refusal


def _world(store_factory: StoreFactory, clock: FixedClock, workers: int = 1) -> World:
    """``workers`` services on their own store handles to one database, signing with one key."""
    agency = Agency()
    key = generate_key("P-256")
    services = [
        CredentialIssuerService(
            IssuerConfig(
                ISSUER_URL,
                CONFIGURATIONS,
                require_dpop=True,
                deferred_ttl=TTL,
                deferred_claim_ttl=LEASE,
                access_token_ttl=2 * TTL,  # the token outlives the transaction: its own lifetime is tested
            ),
            issuer=Issuer(key, clock=clock),
            callback=agency.callback,
            sign=agency.sign,
            store=store_factory(clock),
            clock=clock,
        )
        for _ in range(workers)
    ]
    agency.services = services
    return World(agency, services, clock, threading.local())


def _in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(target()))
    thread.start()
    return thread, out


def _refused(answer: Any, error: str) -> bool:
    return isinstance(answer, ErrorResponse) and answer.error == error


# -- racing polls ------------------------------------------------------------------------------------------
def test_polls_racing_from_threads_sign_one_credential(store_factory: StoreFactory, clock: FixedClock) -> None:
    world = _world(store_factory, clock, workers=2)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    world.agency.ready, world.agency.delay = True, 0.2
    barrier = threading.Barrier(4)

    def poll(worker: int) -> Any:
        barrier.wait(5)
        return world.poll(wallet, pending, worker)

    threads = [_in_thread(lambda w=w: poll(w % 2)) for w in range(4)]  # type: ignore[misc]
    for thread, _ in threads:
        thread.join(15)
    answers = [out[0] for _, out in threads]
    collected = [a for a in answers if isinstance(a, list)]
    assert len(collected) == 1 and len(collected[0]) == 1
    assert len(world.agency.signed) == 1  # one credential came into existence, and the wallet has it
    assert collected[0][0].credential == world.agency.signed[0]
    # every other poll is told "not yet" (the wallet polls again), never "already collected"
    assert all(isinstance(a, DeferredIssuance) for a in answers if a is not collected[0])
    assert _refused(world.poll(wallet, pending), "invalid_transaction_id")
    assert len(world.agency.signed) == 1


def test_a_poll_while_another_collects_is_pending_and_signs_nothing(
    store_factory: StoreFactory, clock: FixedClock
) -> None:
    world = _world(store_factory, clock, workers=2)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    world.agency.ready, world.agency.gate = True, threading.Event()
    gate = world.agency.gate
    first, out = _in_thread(lambda: world.poll(wallet, pending, 0))
    assert world.agency.in_callback.wait(10)
    asked = world.agency.asked
    second = world.poll(wallet, pending, 1)  # while the first is inside the callback
    assert isinstance(second, DeferredIssuance) and second.transaction_id == pending.transaction_id
    assert world.agency.asked == asked  # the loser did not even ask the agency
    gate.set()
    first.join(15)
    assert isinstance(out[0], list) and len(out[0]) == 1
    assert len(world.agency.signed) == 1
    assert _refused(world.poll(wallet, pending, 1), "invalid_transaction_id")  # replay after collection


def test_a_poll_whose_claim_went_stale_signs_nothing(store_factory: StoreFactory, clock: FixedClock) -> None:
    """A collector slower than the lease lost its claim: another poll may take over; the first signs nothing."""
    world = _world(store_factory, clock, workers=2)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    world.agency.ready, world.agency.gate = True, threading.Event()
    gate = world.agency.gate
    slow, out = _in_thread(lambda: world.poll(wallet, pending, 0))
    assert world.agency.in_callback.wait(10)
    clock.advance(LEASE + 1)  # the slow poll's claim is stale: a crashed worker must not lock the citizen out
    world.agency.ready = False
    assert isinstance(world.poll(wallet, pending, 1), DeferredIssuance)  # took over, still pending, put back
    world.agency.ready = True
    gate.set()
    slow.join(15)
    assert isinstance(out[0], DeferredIssuance)  # its claim is gone: told "not yet", nothing signed
    assert world.agency.signed == []
    got = world.poll(wallet, pending, 1)
    assert isinstance(got, list) and len(got) == 1 and len(world.agency.signed) == 1


# -- pending, outage, lifetime -----------------------------------------------------------------------------
def test_a_poll_while_pending_keeps_the_transaction(store_factory: StoreFactory, clock: FixedClock) -> None:
    world = _world(store_factory, clock)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    for _ in range(3):
        assert isinstance(world.poll(wallet, pending), DeferredIssuance)  # no claim left behind
    world.agency.ready = True
    got = world.poll(wallet, pending)
    assert isinstance(got, list) and len(got) == 1 and len(world.agency.signed) == 1
    assert _refused(world.poll(wallet, pending), "invalid_transaction_id")


def test_an_outage_mid_issue_lets_the_wallet_retry_and_collect_once(
    store_factory: StoreFactory, clock: FixedClock
) -> None:
    world = _world(store_factory, clock)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    world.agency.ready, world.agency.signer_down = True, True
    down = world.poll(wallet, pending)
    assert isinstance(down, ErrorResponse) and down.status == 503
    assert world.agency.signed == []
    world.agency.signer_down = False
    got = world.poll(wallet, pending)  # at once: the failed collection did not leave its claim behind
    assert isinstance(got, list) and len(got) == 1 and len(world.agency.signed) == 1
    assert _refused(world.poll(wallet, pending), "invalid_transaction_id")
    assert len(world.agency.signed) == 1


def test_a_crashing_callback_leaves_the_transaction_collectable(store_factory: StoreFactory, clock: FixedClock) -> None:
    world = _world(store_factory, clock)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    original = world.agency.callback

    def crash(request: IssuanceRequest) -> CredentialData | Pending:
        raise RuntimeError("the agency's code crashed")

    world.services[0].callback = crash
    crashed = world.poll(wallet, pending)
    assert isinstance(crashed, ErrorResponse) and crashed.status == 500
    world.services[0].callback = original
    world.agency.ready = True
    got = world.poll(wallet, pending)
    assert isinstance(got, list) and len(got) == 1


@pytest.mark.parametrize("outcome", ["pending", "outage"])
def test_putting_the_transaction_back_never_extends_its_lifetime(
    store_factory: StoreFactory, clock: FixedClock, outcome: str
) -> None:
    world = _world(store_factory, clock)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    clock.advance(TTL - 5)
    world.agency.ready = outcome == "outage"
    world.agency.signer_down = outcome == "outage"
    answer = world.poll(wallet, pending)
    assert isinstance(answer, DeferredIssuance if outcome == "pending" else ErrorResponse)
    clock.advance(10)  # past the lifetime the transaction was created with
    world.agency.ready, world.agency.signer_down = True, False
    assert _refused(world.poll(wallet, pending), "invalid_transaction_id")
    assert world.agency.signed == []


# -- mis-bound and malformed -------------------------------------------------------------------------------
def _post_deferred(world: World, wallet: IssuanceWallet, grant: TokenGrant, transaction_id: Any) -> httpx.Response:
    body = json.dumps({"transaction_id": transaction_id}).encode()
    headers = {"Content-Type": "application/json", **wallet._auth_headers(grant, "POST", DEFERRED)}
    return wallet.http.post(DEFERRED, content=body, headers=headers)


def test_another_grants_poll_neither_collects_nor_blocks_the_owner(
    store_factory: StoreFactory, clock: FixedClock
) -> None:
    world = _world(store_factory, clock)
    owner, thief = world.wallet(), world.wallet()
    pending = world.deferred(owner)
    other = world.deferred(thief)
    world.agency.ready = True
    stolen = _post_deferred(world, thief, other.grant, pending.transaction_id)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_transaction_id"
    assert world.agency.signed == []
    got = world.poll(owner, pending)  # the foreign poll took no claim on the owner's transaction
    assert isinstance(got, list) and len(got) == 1


@pytest.mark.parametrize("transaction_id", ["x" * 129, 12345, None, "unknown-transaction"])
def test_malformed_or_unknown_transaction_ids_are_refused(
    store_factory: StoreFactory, clock: FixedClock, transaction_id: Any
) -> None:
    world = _world(store_factory, clock)
    wallet = world.wallet()
    pending = world.deferred(wallet)
    world.agency.ready = True
    answer = _post_deferred(world, wallet, pending.grant, transaction_id)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_transaction_id"
    assert world.agency.signed == []
