"""The issuer's public seams: a dependency that did not answer (``IssuanceUnavailable``) and the signing hook.

An agency (or ``thaivc serve``) adds status, a register and an audit around issuance through these,
never by replacing the service's internals. The attacker's cases come first: a dependency failure
must issue nothing, a retry must issue once, a replayed request nothing, and any other fault must
still fail closed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from issuer_fixtures import CONFIGURATIONS, HOST, ISSUER_URL

from thaivc import Issuer, generate_key
from thaivc.core.clock import FixedClock
from thaivc.core.errors import InputError, ThaiVCError, UsageError
from thaivc.keys import PrivateKey, PublicKey
from thaivc.oid4vc import ErrorResponse, StateStore, mock_transport
from thaivc.oid4vc.keyjwt import sign_key_jwt
from thaivc.oid4vci import (
    PROOF_TYP,
    CredentialData,
    CredentialIssuerService,
    IssuanceDenied,
    IssuanceRequest,
    IssuanceUnavailable,
    IssuerConfig,
    Pending,
    SignBatch,
    SignCredential,
)
from thaivc.wallet import DeferredIssuance, IssuanceWallet, TokenGrant

CREDENTIAL = ISSUER_URL + "/credential"


@dataclass
class Registry:
    """The agency's dependency: answers, or does not (``down``), or says "not yet" (``pending``)."""

    down: bool = False
    pending: bool = False
    asked: list[IssuanceRequest] = field(default_factory=list)

    def callback(self, request: IssuanceRequest) -> CredentialData | Pending:
        self.asked.append(request)
        if self.down:
            raise IssuanceUnavailable("registry.unavailable", "DOPA did not answer within 1 s")
        if self.pending:
            return Pending(interval=1)
        return CredentialData(
            credential={
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential", "ThaiCitizenCard"],
                "credentialSubject": {"name": request.subject["name"], "ial": "2.3"},
            },
            disclosable=["/credentialSubject/name"],
        )


@dataclass
class World:
    service: CredentialIssuerService
    http: httpx.Client
    clock: FixedClock
    events: list[tuple[str, dict[str, Any]]]

    def wallet(self, key: PrivateKey | None = None) -> IssuanceWallet:
        if key is None:
            return IssuanceWallet(self.http, clock=self.clock)
        return IssuanceWallet(self.http, clock=self.clock, key_factory=lambda: key)

    def grant(self, wallet: IssuanceWallet, subject: Mapping[str, Any] | None = None) -> tuple[str, TokenGrant]:
        offer = self.service.create_offer(["citizen_sd_jwt"], subject or {"name": "สมหญิง"})
        grant = wallet.redeem_pre_authorized(wallet.resolve_offer(offer.offer), tx_code=offer.tx_code)
        return offer.offer_id, grant

    def post(self, wallet: IssuanceWallet, grant: TokenGrant, proofs: list[str]) -> httpx.Response:
        body = {"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": proofs}}
        headers = {"Content-Type": "application/json", **wallet._auth_headers(grant, "POST", CREDENTIAL)}
        return self.http.post(CREDENTIAL, content=json.dumps(body).encode(), headers=headers)

    def proof(self, wallet: IssuanceWallet, grant: TokenGrant, key: PrivateKey, nonce: str | None = None) -> str:
        return wallet.key_proof(key, issuer=ISSUER_URL, nonce=nonce or wallet.get_nonce(grant))

    def named(self, event: str) -> list[dict[str, Any]]:
        return [details for name, details in self.events if name == event]


def _world(
    state: StateStore,
    clock: FixedClock,
    callback: Any,
    sign: SignCredential | None = None,
    sign_batch: SignBatch | None = None,
    **config: Any,
) -> World:
    events: list[tuple[str, dict[str, Any]]] = []
    service = CredentialIssuerService(
        IssuerConfig(ISSUER_URL, CONFIGURATIONS, require_dpop=True, **config),
        issuer=Issuer(generate_key("P-256"), clock=clock),
        callback=callback,
        sign=sign,
        sign_batch=sign_batch,
        store=state,
        clock=clock,
        on_event=lambda event, details: events.append((event, dict(details))),
    )
    return World(service, httpx.Client(transport=mock_transport({HOST: service.handle})), clock, events)


@dataclass
class Signer:
    """A signing hook in the service's manner: its own step around the library's default signing."""

    down: bool = False
    refuse: bool = False
    deny: bool = False
    signed: list[tuple[str, str]] = field(default_factory=list)  # (holder key thumbprint, credential)
    service: CredentialIssuerService | None = None

    def sign(self, request: IssuanceRequest, data: CredentialData, key: PublicKey) -> Any:
        if self.down:
            raise IssuanceUnavailable("status.store", "the status list store did not answer")
        if self.refuse:
            raise InputError("input.invalid", "the register refuses this credential")
        if self.deny:
            raise IssuanceDenied("input.invalid")
        assert self.service is not None
        credential = self.service.default_sign(request, data, key)
        self.signed.append((key.thumbprint(), credential))
        return credential


# -- a dependency that did not answer ----------------------------------------------------------------------
def test_an_unavailable_registry_is_a_503_with_its_code_and_nothing_issued(
    state: StateStore, clock: FixedClock
) -> None:
    registry = Registry(down=True)
    world = _world(state, clock, registry.callback)
    wallet = world.wallet()
    offer_id, grant = world.grant(wallet)
    response = world.post(wallet, grant, [world.proof(wallet, grant, generate_key("P-256"))])
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5" and response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == "temporarily_unavailable" and body["thaivc_code"] == "registry.unavailable"
    assert "credentials" not in body and "notification_id" not in body
    assert body["error_description"].startswith("registry.unavailable: DOPA did not answer")
    assert world.named("credential_unavailable") == [{"offer_id": offer_id, "code": "registry.unavailable"}]
    assert world.named("credential_issued") == [] and world.named("credential_denied") == []
    assert registry.asked[0].offer_id == offer_id  # the agency can tie the request to the offer it made
    with pytest.raises(ErrorResponse) as caught:  # and the test wallet sees the spec's error name
        wallet.request_credentials(grant)
    assert caught.value.status == 503 and caught.value.error == "temporarily_unavailable"


def test_after_recovery_the_same_key_collects_once_and_a_replay_gets_nothing(
    state: StateStore, clock: FixedClock
) -> None:
    registry = Registry(down=True)
    signer = Signer()
    world = _world(state, clock, registry.callback, sign=signer.sign)
    signer.service = world.service
    key = generate_key("P-256")
    wallet = world.wallet(key)
    _, grant = world.grant(wallet)
    first_proof = world.proof(wallet, grant, key)
    assert world.post(wallet, grant, [first_proof]).status_code == 503
    registry.down = False
    # the request that met the outage, replayed as it was: its nonce was spent, nothing is issued
    replay = world.post(wallet, grant, [first_proof])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_nonce"
    # the wallet retries the way the spec says: a fresh nonce, the same key and the same access token
    got = wallet.request_credentials(grant)
    assert isinstance(got, list) and len(got) == 1
    assert [thumbprint for thumbprint, _ in signer.signed] == [key.public_key.thumbprint()]
    # the same key once more, with a fresh nonce: it already has its credential for this offer
    again = world.post(wallet, grant, [world.proof(wallet, grant, key)])
    assert again.status_code == 400 and again.json()["error"] == "invalid_proof"
    assert len(signer.signed) == 1 and len(world.named("credential_issued")) == 1


def test_a_signing_hook_that_meets_an_outage_is_a_503_and_the_retry_works(state: StateStore, clock: FixedClock) -> None:
    registry = Registry()
    signer = Signer(down=True)
    world = _world(state, clock, registry.callback, sign=signer.sign)
    signer.service = world.service
    keys = [generate_key("P-256"), generate_key("P-256")]
    wallet = world.wallet()
    offer_id, grant = world.grant(wallet)
    nonce = wallet.get_nonce(grant)
    response = world.post(wallet, grant, [world.proof(wallet, grant, k, nonce) for k in keys])
    assert response.status_code == 503 and response.json()["thaivc_code"] == "status.store"
    assert world.named("credential_unavailable") == [{"offer_id": offer_id, "code": "status.store"}]
    signer.down = False
    nonce = wallet.get_nonce(grant)
    response = world.post(wallet, grant, [world.proof(wallet, grant, k, nonce) for k in keys])
    assert response.status_code == 200 and len(response.json()["credentials"]) == 2
    assert sorted(t for t, _ in signer.signed) == sorted(k.public_key.thumbprint() for k in keys)


def test_a_code_outside_the_catalogue_is_not_passed_on(state: StateStore, clock: FixedClock) -> None:
    def callback(request: IssuanceRequest) -> CredentialData:
        raise IssuanceUnavailable("agency.db\r\nX-Injected: 1", "x" * 5000, retry_after=30)

    world = _world(state, clock, callback)
    wallet = world.wallet()
    offer_id, grant = world.grant(wallet)
    response = world.post(wallet, grant, [world.proof(wallet, grant, generate_key("P-256"))])
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    body = response.json()
    assert body["thaivc_code"] == "service.unavailable" and len(body["error_description"]) <= 300
    assert "X-Injected" not in response.headers
    assert world.named("credential_unavailable") == [{"offer_id": offer_id, "code": "service.unavailable"}]


@pytest.mark.parametrize("retry_after", [0, -1, 10**9, True])
def test_a_retry_after_out_of_range_is_refused_where_it_is_made(retry_after: int) -> None:
    with pytest.raises(ValueError, match="retry_after"):
        IssuanceUnavailable("registry.unavailable", "down", retry_after=retry_after)


def test_an_outage_on_the_deferred_endpoint_keeps_the_transaction(state: StateStore, clock: FixedClock) -> None:
    registry = Registry(pending=True)
    world = _world(state, clock, registry.callback)
    key = generate_key("P-256")
    wallet = world.wallet(key)
    _, grant = world.grant(wallet)
    pending = wallet.request_credentials(grant)
    assert isinstance(pending, DeferredIssuance)
    registry.pending, registry.down = False, True
    with pytest.raises(ErrorResponse) as caught:
        wallet.poll_deferred(pending)
    assert caught.value.status == 503
    registry.down = False
    got = wallet.poll_deferred(pending)
    assert isinstance(got, list) and len(got) == 1
    with pytest.raises(ErrorResponse) as caught:  # collected: the transaction is gone
        wallet.poll_deferred(pending)
    assert caught.value.error == "invalid_transaction_id"
    # the outage on the deferred endpoint did not free the key for a second credential
    again = world.post(wallet, grant, [world.proof(wallet, grant, key)])
    assert again.status_code == 400 and again.json()["error"] == "invalid_proof"


# -- any other fault still fails closed --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fault", "description"),
    [
        (RuntimeError("the agency's code crashed"), None),
        (InputError("input.invalid", "the agency's data is odd"), "input.invalid"),
    ],
)
def test_any_other_callback_fault_fails_closed_as_before(
    state: StateStore, clock: FixedClock, fault: Exception, description: str | None
) -> None:
    def callback(request: IssuanceRequest) -> CredentialData:
        raise fault

    world = _world(state, clock, callback)
    key = generate_key("P-256")
    wallet = world.wallet(key)
    _, grant = world.grant(wallet)
    response = world.post(wallet, grant, [world.proof(wallet, grant, key)])
    assert response.status_code == 500 and response.json()["error"] == "server_error"
    assert response.json().get("error_description") == description
    assert "Retry-After" not in response.headers
    assert world.named("credential_issued") == [] and world.named("credential_unavailable") == []
    # not an outage: the key stays spent for this offer
    again = world.post(wallet, grant, [world.proof(wallet, grant, key)])
    assert again.json()["error"] == "invalid_proof"


@pytest.mark.parametrize("how", ["refuse", "deny"])
def test_a_signing_hook_refusal_is_a_denial(state: StateStore, clock: FixedClock, how: str) -> None:
    signer = Signer(refuse=how == "refuse", deny=how == "deny")
    world = _world(state, clock, Registry().callback, sign=signer.sign)
    signer.service = world.service
    wallet = world.wallet()
    offer_id, grant = world.grant(wallet)
    response = world.post(wallet, grant, [world.proof(wallet, grant, generate_key("P-256"))])
    assert response.status_code == 400 and response.json()["error"] == "credential_request_denied"
    assert response.json()["error_description"] == "input.invalid"
    expected = {"offer_id": offer_id, "code": "input.invalid"} if how == "refuse" else {"offer_id": offer_id}
    assert world.named("credential_denied") == [expected]


def test_a_code_that_is_not_a_string_is_not_passed_on(state: StateStore, clock: FixedClock) -> None:
    def callback(request: IssuanceRequest) -> CredentialData:
        raise IssuanceUnavailable(["registry.unavailable"], "down")  # type: ignore[arg-type]

    world = _world(state, clock, callback)
    wallet = world.wallet()
    _, grant = world.grant(wallet)
    response = world.post(wallet, grant, [world.proof(wallet, grant, generate_key("P-256"))])
    assert response.status_code == 503 and response.json()["thaivc_code"] == "service.unavailable"


# -- the signing seam ----------------------------------------------------------------------------------------
def test_the_signing_hook_signs_each_proven_key_and_default_sign_binds_it(state: StateStore, clock: FixedClock) -> None:
    from thaivc import Policy, Verifier

    signer = Signer()
    world = _world(state, clock, Registry().callback, sign=signer.sign)
    signer.service = world.service
    wallet = world.wallet()
    _, grant = world.grant(wallet)
    got = wallet.request_credentials(grant, batch=2)
    assert isinstance(got, list) and len(got) == 2
    assert sorted(c.credential for c in got) == sorted(c for _, c in signer.signed)
    assert {t for t, _ in signer.signed} == {c.key.public_key.thumbprint() for c in got}
    policy = Policy(require_challenge=False, require_key_binding=False, require_status_check=False)
    report = Verifier(policy=policy).check(got[0].credential)
    assert report.ok, report.problems


def test_default_sign_with_another_issuer_binds_the_vcdm_subject(state: StateStore, clock: FixedClock) -> None:
    from thaivc.core.b64 import b64url_decode
    from thaivc.did import did_jwk

    world = _world(state, clock, Registry().callback)
    holder = generate_key("P-256").public_key
    other = Issuer(generate_key("P-256"), clock=clock)
    request = IssuanceRequest("citizen_jwt", CONFIGURATIONS["citizen_jwt"], {"name": "x"}, (holder,))
    data = CredentialData(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:forged", "name": "x"},
        }
    )
    token = world.service.default_sign(request, data, holder, issuer=other)
    header, payload = (json.loads(b64url_decode(part)) for part in token.split(".")[:2])
    assert payload["credentialSubject"]["id"] == did_jwk(holder)  # never what the data said
    assert header["kid"].startswith(other.issuer_id)
    assert data.credential["credentialSubject"]["id"] == "did:example:forged"  # the caller's data untouched


def test_proof_helper_is_the_spec_shape(state: StateStore, clock: FixedClock) -> None:
    """The proofs this file builds are the ones the hostile suite builds by hand."""
    world = _world(state, clock, Registry().callback)
    wallet = world.wallet()
    _, grant = world.grant(wallet)
    key = generate_key("P-256")
    nonce = wallet.get_nonce(grant)
    by_hand = sign_key_jwt(PROOF_TYP, {"aud": ISSUER_URL, "iat": int(clock.now()), "nonce": nonce}, key)
    assert world.post(wallet, grant, [by_hand]).status_code == 200


# -- the batch hook: a request's credentials, all or none ------------------------------------------------------
@dataclass
class Batch:
    """A batch hook in the service's manner: sign every copy, then commit them together (or fail)."""

    down_after: int | None = None  # copies signed before the outage
    short: bool = False
    committed: list[list[str]] = field(default_factory=list)
    service: CredentialIssuerService | None = None

    def sign_batch(self, request: IssuanceRequest, data: CredentialData) -> list[Any]:
        assert self.service is not None
        signed = []
        for n, key in enumerate(request.holder_keys):
            if self.down_after is not None and n >= self.down_after:
                raise IssuanceUnavailable("status.store", "the register did not answer")
            signed.append(self.service.default_sign(request, data, key))
        self.committed.append([str(c) for c in signed])
        return signed[:1] if self.short else signed


def test_a_batch_outage_on_key_2_answers_503_delivers_nothing_and_the_same_keys_collect_once(
    state: StateStore, clock: FixedClock
) -> None:
    batch = Batch(down_after=1)
    world = _world(state, clock, Registry().callback, sign_batch=batch.sign_batch)
    batch.service = world.service
    keys = [generate_key("P-256"), generate_key("P-256")]
    wallet = world.wallet()
    _, grant = world.grant(wallet)
    nonce = wallet.get_nonce(grant)
    response = world.post(wallet, grant, [world.proof(wallet, grant, k, nonce) for k in keys])
    assert response.status_code == 503 and "credentials" not in response.json()
    assert batch.committed == [] and world.named("credential_issued") == []
    batch.down_after = None
    nonce = wallet.get_nonce(grant)
    proofs = [world.proof(wallet, grant, k, nonce) for k in keys]
    response = world.post(wallet, grant, proofs)
    assert response.status_code == 200 and len(response.json()["credentials"]) == 2
    assert len(batch.committed) == 1
    nonce = wallet.get_nonce(grant)
    replay = world.post(wallet, grant, [world.proof(wallet, grant, k, nonce) for k in keys])
    assert replay.status_code == 400 and len(batch.committed) == 1  # the same keys collect once


def test_a_batch_hook_that_returns_too_few_credentials_is_refused(state: StateStore, clock: FixedClock) -> None:
    batch = Batch(short=True)
    world = _world(state, clock, Registry().callback, sign_batch=batch.sign_batch)
    batch.service = world.service
    wallet = world.wallet()
    _, grant = world.grant(wallet)
    with pytest.raises(ErrorResponse) as caught:
        wallet.request_credentials(grant, batch=2)
    assert caught.value.status == 400 and caught.value.error == "credential_request_denied"


def test_sign_and_sign_batch_together_are_refused(state: StateStore, clock: FixedClock) -> None:
    with pytest.raises(UsageError, match="not both"):
        _world(state, clock, Registry().callback, sign=Signer().sign, sign_batch=Batch().sign_batch)


# -- a store that does not answer is an outage, on every endpoint and in every hook -----------------------
def _outage(response: httpx.Response, code: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5" and response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["error"] == "temporarily_unavailable" and body["thaivc_code"] == code, body
    assert "credentials" not in body and "access_token" not in body and "c_nonce" not in body
    assert "no such table" not in response.text  # the store's own words stay out of the answer


def test_a_state_store_that_stops_answering_is_a_503_not_a_500(state: StateStore, clock: FixedClock) -> None:
    world = _world(state, clock, Registry().callback)
    wallet = world.wallet()
    offer = world.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"})
    _, grant = world.grant(wallet)
    proof = world.proof(wallet, grant, generate_key("P-256"))
    state.close()
    token_form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
        "pre-authorized_code": offer.offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"][
            "pre-authorized_code"
        ],
        "tx_code": offer.tx_code or "",
    }
    _outage(
        world.http.post(ISSUER_URL + "/token", data=token_form, headers=wallet._dpop("POST", ISSUER_URL + "/token")),
        "openid.store",
    )
    _outage(world.http.post(ISSUER_URL + "/nonce"), "openid.store")
    _outage(world.post(wallet, grant, [proof]), "openid.store")
    assert world.named("credential_issued") == []


@pytest.mark.parametrize("where", ["callback", "sign"])
def test_a_store_failure_inside_a_hook_is_an_outage_and_frees_the_keys(
    state: StateStore, clock: FixedClock, where: str
) -> None:
    """A ``status.store`` ThaiVCError from the callback or the signing hook was a 500 (callback) or a
    final 400 ``credential_request_denied`` (sign): it is the store's outage, so 503 and a retry."""
    broken = {"on": True}
    registry = Registry()

    def callback(request: IssuanceRequest) -> CredentialData | Pending:
        if where == "callback" and broken["on"]:
            raise ThaiVCError("status.store", "OperationalError: no such table: thaivc_status_entry")
        return registry.callback(request)

    signer = Signer()

    def sign(request: IssuanceRequest, data: CredentialData, key: PublicKey) -> Any:
        if where == "sign" and broken["on"]:
            raise ThaiVCError("status.store", "OperationalError: no such table: thaivc_status_entry")
        return signer.sign(request, data, key)

    world = _world(state, clock, callback, sign=sign)
    signer.service = world.service
    key = generate_key("P-256")
    wallet = world.wallet(key)
    offer_id, grant = world.grant(wallet)
    _outage(world.post(wallet, grant, [world.proof(wallet, grant, key)]), "status.store")
    assert world.named("credential_unavailable") == [{"offer_id": offer_id, "code": "status.store"}]
    assert world.named("credential_denied") == []
    broken["on"] = False  # the store is back: the same key, a fresh nonce, one credential
    again = world.post(wallet, grant, [world.proof(wallet, grant, key)])
    assert again.status_code == 200 and len(again.json()["credentials"]) == 1, again.text
