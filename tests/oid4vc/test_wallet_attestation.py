"""Wallet attestation at the token endpoint (OAuth 2.0 Attestation-Based Client Authentication, HAIP).

Attacker's tests first: missing, wrong signer, untrusted provider, expired, PoP replayed, PoP by
another key, PoP for another server, stale PoP, oversized — each refused with the draft's error name,
on every store back-end, and never at the cost of the citizen's pre-authorized code.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from issuer_fixtures import ISSUER_URL, Setup, make_setup

from thaivc import generate_key
from thaivc.core.clock import FixedClock
from thaivc.keys import PrivateKey
from thaivc.oid4vc import ErrorResponse, StateStore, make_attestation_pop, make_client_attestation
from thaivc.oid4vc.attestation import ATTESTATION_HEADER, POP_HEADER
from thaivc.oid4vc.dpop import make_dpop_proof
from thaivc.oid4vci import PRE_AUTHORIZED_GRANT
from thaivc.wallet import WalletAttestation

PROVIDER = "https://wallet-provider.example.th"
CLIENT_ID = "th.example.wallet"
TOKEN = ISSUER_URL + "/token"


@pytest.fixture(scope="module")
def provider() -> PrivateKey:
    return generate_key("P-256")


def _setup(state: StateStore, clock: FixedClock, provider: PrivateKey, **config: Any) -> Setup:
    config.setdefault("require_client_attestation", True)
    return make_setup(state, clock, attesters={PROVIDER: provider.public_key}, **config)


def _attestation(clock: FixedClock, signer: PrivateKey, instance: PrivateKey, *, issuer: str = PROVIDER,
                 ttl: int = 3600, at: float | None = None) -> str:
    now = clock.now() if at is None else at
    return make_client_attestation(signer, issuer=issuer, client_id=CLIENT_ID, instance_key=instance.public_key,
                                   now=now, ttl=ttl)


def _token(setup: Setup, headers: dict[str, str]) -> httpx.Response:
    """A token request for a fresh offer with the given attestation headers (and a DPoP proof)."""
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"})
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": offer.tx_code or ""}
    proof = make_dpop_proof(generate_key("P-256"), method="POST", url=TOKEN, now=setup.clock.now())
    return setup.http.post(TOKEN, data=form, headers={"DPoP": proof, **headers})


def _headers(attestation: str, pop: str) -> dict[str, str]:
    return {ATTESTATION_HEADER: attestation, POP_HEADER: pop}


def _refused(response: httpx.Response, error: str) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"] == error, response.text


def test_attested_wallet_receives_its_credential(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance = generate_key("P-256")
    wallet = setup.wallet(attestation=WalletAttestation(_attestation(clock, provider, instance), instance))
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"})
    received = wallet.receive(offer.deep_link, tx_code=offer.tx_code)
    assert len(received) == 1
    oauth = setup.http.get("https://issuer.dopa.example.go.th/.well-known/oauth-authorization-server/vci").json()
    assert oauth["token_endpoint_auth_methods_supported"] == ["attest_jwt_client_auth"]
    assert oauth["client_attestation_pop_signing_alg_values_supported"] == ["ES256"]


def test_missing_attestation(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    wallet = setup.wallet()  # no attestation: a well-behaved wallet, but not one a provider vouches for
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"})
    with pytest.raises(ErrorResponse) as info:
        wallet.receive(offer.deep_link, tx_code=offer.tx_code)
    assert (info.value.status, info.value.error) == (401, "invalid_client")
    instance = generate_key("P-256")
    only_pop = {POP_HEADER: make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now())}
    _refused(_token(setup, only_pop), "invalid_client")


def test_attestation_signed_by_the_wrong_key(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance, forger = generate_key("P-256"), generate_key("P-256")
    forged = _attestation(clock, forger, instance)  # claims to be the trusted provider
    pop = make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now())
    _refused(_token(setup, _headers(forged, pop)), "invalid_client_attestation")


def test_attestation_from_an_untrusted_provider(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance, other = generate_key("P-256"), generate_key("P-256")
    attestation = _attestation(clock, other, instance, issuer="https://rogue-wallets.example")
    pop = make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now())
    _refused(_token(setup, _headers(attestation, pop)), "invalid_client_attestation")


def test_expired_attestation(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance = generate_key("P-256")
    old = _attestation(clock, provider, instance, ttl=3600, at=clock.now() - 7200)
    pop = make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now())
    _refused(_token(setup, _headers(old, pop)), "use_fresh_attestation")


def test_replayed_pop(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance = generate_key("P-256")
    headers = _headers(_attestation(clock, provider, instance),
                       make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now()))
    assert _token(setup, headers).status_code == 200
    _refused(_token(setup, headers), "invalid_client_attestation")  # the same pair, captured and replayed


def test_pop_signed_by_another_key(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance, thief = generate_key("P-256"), generate_key("P-256")
    stolen = _attestation(clock, provider, instance)  # a genuine attestation, without its instance key
    _refused(_token(setup, _headers(stolen, make_attestation_pop(thief, audience=ISSUER_URL, now=clock.now()))),
             "invalid_client_attestation")


def test_pop_for_another_server_or_stale(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance = generate_key("P-256")
    attestation = _attestation(clock, provider, instance)
    elsewhere = make_attestation_pop(instance, audience="https://issuer.other.example", now=clock.now())
    _refused(_token(setup, _headers(attestation, elsewhere)), "invalid_client_attestation")
    stale = make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now() - 600)
    _refused(_token(setup, _headers(attestation, stale)), "invalid_client_attestation")


def test_oversized_or_garbage_attestation(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance = generate_key("P-256")
    pop = make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now())
    _refused(_token(setup, _headers("e" * 20_000, pop)), "invalid_client_attestation")
    _refused(_token(setup, _headers("not.a.jwt", pop)), "invalid_client_attestation")


def test_a_refused_attestation_burns_no_code(state: StateStore, clock: FixedClock, provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider)
    instance = generate_key("P-256")
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"})
    bad = setup.wallet(attestation=WalletAttestation(_attestation(clock, generate_key("P-256"), instance), instance))
    with pytest.raises(ErrorResponse):
        bad.receive(offer.deep_link, tx_code=offer.tx_code)
    good = setup.wallet(attestation=WalletAttestation(_attestation(clock, provider, instance), instance))
    assert len(good.receive(offer.deep_link, tx_code=offer.tx_code)) == 1


def test_optional_attestation_is_still_checked_when_sent(state: StateStore, clock: FixedClock,
                                                         provider: PrivateKey) -> None:
    setup = _setup(state, clock, provider, require_client_attestation=False)
    instance = generate_key("P-256")
    pop = make_attestation_pop(instance, audience=ISSUER_URL, now=clock.now())
    assert _token(setup, {}).status_code == 200  # not required: a wallet without one is served
    _refused(_token(setup, _headers(_attestation(clock, generate_key("P-256"), instance), pop)),
             "invalid_client_attestation")  # but a bad one is never ignored


def test_required_attestation_needs_trusted_attesters(state: StateStore, clock: FixedClock) -> None:
    from thaivc.core.errors import UsageError

    with pytest.raises(UsageError):
        make_setup(state, clock, require_client_attestation=True)
