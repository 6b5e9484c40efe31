"""OpenID4VCI end to end: the test wallet and the issuer service, over exactly the wire messages."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from issuer_fixtures import HOST, ISSUER_URL, VCT, make_setup

from thaivc import Policy, Verifier
from thaivc.core.b64 import b64url_decode
from thaivc.core.clock import FixedClock
from thaivc.oid4vc import HttpRequest, StateStore
from thaivc.oid4vci import OFFER_SCHEME, PRE_AUTHORIZED_GRANT
from thaivc.wallet import DeferredIssuance


def test_metadata_describes_what_the_endpoints_accept(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    meta = setup.http.get(f"https://{HOST}/.well-known/openid-credential-issuer/vci").json()
    assert meta["credential_issuer"] == ISSUER_URL
    assert meta["nonce_endpoint"] == ISSUER_URL + "/nonce"
    sd = meta["credential_configurations_supported"]["citizen_sd_jwt"]
    assert sd["format"] == "dc+sd-jwt" and sd["vct"] == VCT
    assert sd["proof_types_supported"] == {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}}
    assert {d["locale"] for d in sd["credential_metadata"]["display"]} == {"th", "en"}
    assert "jwk" in sd["cryptographic_binding_methods_supported"]
    oauth = setup.http.get(f"https://{HOST}/.well-known/oauth-authorization-server/vci").json()
    assert oauth["token_endpoint"] == ISSUER_URL + "/token"
    assert oauth["code_challenge_methods_supported"] == ["S256"]


def test_counter_flow_pre_authorized_with_tx_code(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง ใจดี", "pid": "1101700203451"})
    assert offer.tx_code is not None and len(offer.tx_code) == 6 and offer.tx_code.isdigit()
    tx = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["tx_code"]
    assert tx["input_mode"] == "numeric" and tx["length"] == 6 and "รหัส" in tx["description"]
    assert offer.tx_code not in offer.deep_link  # the code travels by another channel
    wallet = setup.wallet()
    received = wallet.receive(offer.deep_link, tx_code=offer.tx_code, batch=2)
    assert isinstance(received, list) and len(received) == 2
    # each copy bound to its own key, and the agency saw both keys and the subject the officer checked
    asked = setup.agency.asked[-1]
    assert asked.subject["pid"] == "1101700203451"
    assert {k.thumbprint() for k in asked.holder_keys} == {r.key.public_key.thumbprint() for r in received}
    policy = Policy(require_challenge=False, require_key_binding=False, require_status_check=False)
    verifier = Verifier(policy=policy)
    for item in received:
        report = verifier.check(item.credential)
        assert report.ok, report.problems
        assert item.vct == VCT
        payload = json.loads(b64url_decode(item.credential.split("~")[0].split(".")[1]))
        assert payload["cnf"]["jwk"] == item.key.public_jwk and payload["vct"] == VCT
    assert received[0].credential != received[1].credential
    # the notification endpoint
    assert wallet.last_notification is not None
    wallet.notify(*wallet.last_notification)
    assert setup.agency.notifications[0][0] == "credential_accepted"


def test_offer_by_reference_and_qr_codes(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_jwt"], {"name": "Somchai"}, by_reference=True)
    assert offer.deep_link.startswith(OFFER_SCHEME + "?credential_offer_uri=")
    uri = parse_qs(urlsplit(offer.deep_link).query)["credential_offer_uri"][0]
    assert uri.startswith(ISSUER_URL + "/offers/")
    assert offer.qr_png().startswith(b"\x89PNG")
    assert "<svg" in offer.qr_svg()
    by_value = setup.service.create_offer(["citizen_jwt"], {"name": "Somchai"})
    assert json.loads(parse_qs(urlsplit(by_value.deep_link).query)["credential_offer"][0]) == by_value.offer
    received = setup.wallet().receive(offer.deep_link, tx_code=offer.tx_code)
    assert isinstance(received, list)
    verifier = Verifier(policy=Policy(require_challenge=False, require_status_check=False))
    report = verifier.check(received[0].credential)
    assert report.ok, report.problems


def test_deferred_issuance(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    setup.agency.pending = True
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"})
    wallet = setup.wallet()
    pending = wallet.receive(offer.offer, tx_code=offer.tx_code)
    assert isinstance(pending, DeferredIssuance) and pending.interval == 3
    again = wallet.poll_deferred(pending)
    assert isinstance(again, DeferredIssuance) and again.transaction_id == pending.transaction_id
    setup.agency.pending = False
    done = wallet.poll_deferred(pending)
    assert isinstance(done, list) and len(done) == 1
    assert setup.agency.asked[-1].deferred
    # collected once: the transaction is gone
    from thaivc.oid4vc import ErrorResponse

    with pytest.raises(ErrorResponse) as info:
        wallet.poll_deferred(pending)
    assert info.value.error == "invalid_transaction_id"


def test_authorization_code_flow_with_pkce(state: StateStore, clock: FixedClock) -> None:
    import base64
    import hashlib
    import secrets

    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"}, grant="authorization_code")
    issuer_state = offer.offer["grants"]["authorization_code"]["issuer_state"]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    # the agency's ThaiD login succeeded; it asks the service for a code
    code = setup.service.authorize(
        client_id="wallet-app",
        redirect_uri="https://wallet.example/cb",
        code_challenge=challenge,
        code_challenge_method="S256",
        issuer_state=issuer_state,
        subject={"thaid_sub": "abc"},
    )
    wallet = setup.wallet()
    resolved = wallet.resolve_offer(offer.offer)
    grant = wallet.redeem_authorization_code(
        resolved, code=code, code_verifier=verifier, redirect_uri="https://wallet.example/cb", client_id="wallet-app"
    )
    received = wallet.request_credentials(grant)
    assert isinstance(received, list) and len(received) == 1
    assert setup.agency.asked[-1].subject == {"name": "สมหญิง", "thaid_sub": "abc"}


def test_bearer_tokens_when_dpop_not_required(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock, require_dpop=False)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"}, tx_code=False)
    received = setup.wallet(dpop=False).receive(offer.deep_link)
    assert isinstance(received, list) and len(received) == 1


def test_framework_free_request_round_trip(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    response = setup.service.handle(HttpRequest("POST", "/vci/nonce"))
    assert response.status == 200 and response.header("cache-control") == "no-store"
    assert isinstance(response.json()["c_nonce"], str)
    assert setup.service.handle(HttpRequest("GET", "/vci/nonce")).status == 405
    assert setup.service.handle(HttpRequest("GET", "/elsewhere")).status == 404
