"""Every hostile case on the issuer side, refused with the error name OpenID4VCI / RFC 6749 / RFC 9449 give it."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from issuer_fixtures import HOST, ISSUER_URL, Setup, make_setup

from thaivc import generate_key
from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.keys import PrivateKey
from thaivc.oid4vc import ErrorResponse, HttpRequest, StateStore
from thaivc.oid4vc.dpop import make_dpop_proof
from thaivc.oid4vc.keyjwt import sign_key_jwt
from thaivc.oid4vci import PRE_AUTHORIZED_GRANT, PROOF_TYP, CredentialIssuerService
from thaivc.wallet import TokenGrant

TOKEN = ISSUER_URL + "/token"
CREDENTIAL = ISSUER_URL + "/credential"


def _grant(setup: Setup, **offer_options: Any) -> tuple[Any, TokenGrant]:
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "สมหญิง"}, **offer_options)
    wallet = setup.wallet()
    return wallet, wallet.redeem_pre_authorized(wallet.resolve_offer(offer.offer), tx_code=offer.tx_code)


def _token_post(setup: Setup, form: dict[str, str], dpop_key: PrivateKey | None = None) -> httpx.Response:
    key = dpop_key or generate_key("P-256")
    proof = make_dpop_proof(key, method="POST", url=TOKEN, now=setup.clock.now())
    return setup.http.post(TOKEN, data=form, headers={"DPoP": proof})


def _credential_post(setup: Setup, wallet: Any, grant: TokenGrant, body: Any) -> httpx.Response:
    headers = {"Content-Type": "application/json", **wallet._auth_headers(grant, "POST", CREDENTIAL)}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return setup.http.post(CREDENTIAL, content=content, headers=headers)


def _error(response: httpx.Response) -> str:
    return str(response.json()["error"])


# -- pre-authorized code and tx_code -----------------------------------------------------------------
def test_replayed_pre_authorized_code(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"})
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": offer.tx_code or ""}
    assert _token_post(setup, form).status_code == 200
    again = _token_post(setup, form)
    assert again.status_code == 400 and _error(again) == "invalid_grant"


def test_expired_pre_authorized_code(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"})
    clock.advance(301)
    form = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"],
        "tx_code": offer.tx_code or "",
    }
    assert _error(_token_post(setup, form)) == "invalid_grant"


def test_guessed_tx_code_locks_the_offer(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"})
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    wrong = "000000" if offer.tx_code != "000000" else "111111"
    for _ in range(5):
        response = _token_post(
            setup, {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": wrong}
        )
        assert response.status_code == 400 and _error(response) == "invalid_grant"
    # the right code no longer helps: the offer is dead after the fifth wrong try
    right = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": offer.tx_code or ""}
    assert _error(_token_post(setup, right)) == "invalid_grant"


def test_missing_tx_code_counts_and_is_invalid_request(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"})
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    response = _token_post(setup, {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code})
    assert _error(response) == "invalid_request"


def test_tx_code_where_none_was_offered(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"}, tx_code=False)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, "tx_code": "123456"}
    assert _error(_token_post(setup, form)) == "invalid_request"


def test_repeated_form_field_is_refused(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    proof = make_dpop_proof(generate_key("P-256"), method="POST", url=TOKEN, now=clock.now())
    body = b"grant_type=x&grant_type=y"
    headers = {"DPoP": proof, "Content-Type": "application/x-www-form-urlencoded"}
    response = setup.http.post(TOKEN, content=body, headers=headers)
    assert _error(response) == "invalid_request"


def test_unknown_grant_type(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    assert _error(_token_post(setup, {"grant_type": "password"})) == "unsupported_grant_type"


# -- authorization code + PKCE -----------------------------------------------------------------------
def _pkce() -> tuple[str, str]:
    import hashlib
    import secrets

    verifier = secrets.token_urlsafe(48)
    return verifier, b64url_encode(hashlib.sha256(verifier.encode()).digest())


@pytest.mark.parametrize("tamper", ["verifier", "redirect", "client", "replay"])
def test_authorization_code_misuse(state: StateStore, clock: FixedClock, tamper: str) -> None:
    setup = make_setup(state, clock)
    verifier, challenge = _pkce()
    code = setup.service.authorize(
        client_id="w",
        redirect_uri="https://w.example/cb",
        code_challenge=challenge,
        code_challenge_method="S256",
        subject={"name": "x"},
        configuration_ids=["citizen_sd_jwt"],
    )
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": "https://w.example/cb",
        "client_id": "w",
    }
    if tamper == "verifier":
        form["code_verifier"] = _pkce()[0]
    elif tamper == "redirect":
        form["redirect_uri"] = "https://evil.example/cb"
    elif tamper == "client":
        form["client_id"] = "other"
    else:
        assert _token_post(setup, form).status_code == 200
    assert _error(_token_post(setup, form)) == "invalid_grant"


def test_plain_pkce_refused(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    with pytest.raises(Exception) as info:
        setup.service.authorize(
            client_id="w",
            redirect_uri="https://w.example/cb",
            code_challenge="x" * 43,
            code_challenge_method="plain",
            subject={"name": "x"},
            configuration_ids=["citizen_sd_jwt"],
        )
    assert getattr(info.value, "code", None) == "openid.malformed"


# -- DPoP --------------------------------------------------------------------------------------------
def test_dpop_required_and_replay_refused(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"}, tx_code=False)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}
    assert _error(setup.http.post(TOKEN, data=form)) == "invalid_dpop_proof"  # none sent
    proof = make_dpop_proof(generate_key("P-256"), method="POST", url=TOKEN, now=clock.now())
    assert setup.http.post(TOKEN, data=form, headers={"DPoP": proof}).status_code == 200
    offer2 = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"}, tx_code=False)
    form2 = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": offer2.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"],
    }
    replay = setup.http.post(TOKEN, data=form2, headers={"DPoP": proof})
    assert _error(replay) == "invalid_dpop_proof" and "replayed" in replay.json()["error_description"]


@pytest.mark.parametrize("fault", ["htm", "htu", "stale", "typ"])
def test_bad_dpop_proof_at_token_endpoint(state: StateStore, clock: FixedClock, fault: str) -> None:
    setup = make_setup(state, clock)
    key = generate_key("P-256")
    method, url, now = "POST", TOKEN, clock.now()
    if fault == "htm":
        method = "GET"
    elif fault == "htu":
        url = "https://elsewhere.example/token"
    elif fault == "stale":
        now -= 600
    proof = make_dpop_proof(key, method=method, url=url, now=now)
    if fault == "typ":
        proof = sign_key_jwt("JWT", {"jti": "a" * 16, "htm": "POST", "htu": TOKEN, "iat": int(now)}, key)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"}, tx_code=False)
    code = offer.offer["grants"][PRE_AUTHORIZED_GRANT]["pre-authorized_code"]
    response = setup.http.post(
        TOKEN, data={"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code}, headers={"DPoP": proof}
    )
    assert _error(response) == "invalid_dpop_proof"


def test_dpop_bound_token_needs_the_same_key(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    nonce = wallet.get_nonce(grant)
    body = {
        "credential_configuration_id": "citizen_sd_jwt",
        "proofs": {"jwt": [wallet.key_proof(generate_key("P-256"), issuer=ISSUER_URL, nonce=nonce)]},
    }
    thief = generate_key("P-256")
    proof = make_dpop_proof(thief, method="POST", url=CREDENTIAL, now=clock.now(), access_token=grant.access_token)
    headers = {"Content-Type": "application/json", "Authorization": f"DPoP {grant.access_token}", "DPoP": proof}
    stolen = setup.http.post(CREDENTIAL, content=json.dumps(body), headers=headers)
    assert stolen.status_code == 401 and _error(stolen) == "invalid_dpop_proof"
    as_bearer = setup.http.post(
        CREDENTIAL,
        content=json.dumps(body),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {grant.access_token}"},
    )
    assert as_bearer.status_code == 401 and _error(as_bearer) == "invalid_token"
    unknown = setup.http.post(
        CREDENTIAL, content=b"{}", headers={"Content-Type": "application/json", "Authorization": "Bearer nope"}
    )
    assert unknown.status_code == 401 and _error(unknown) == "invalid_token"


# -- key proofs --------------------------------------------------------------------------------------
def _proof(key: PrivateKey, clock: FixedClock, nonce: str, **overrides: Any) -> str:
    payload = {"aud": ISSUER_URL, "iat": int(clock.now()), "nonce": nonce, **overrides}
    return sign_key_jwt(PROOF_TYP, payload, key)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"aud": "https://other-issuer.example"}, "invalid_proof"),
        ({"iat": 0}, "invalid_proof"),
        ({"nonce": "never-issued"}, "invalid_nonce"),
        ({"nonce": None}, "invalid_nonce"),
    ],
)
def test_bad_key_proof_claims(state: StateStore, clock: FixedClock, overrides: dict[str, Any], error: str) -> None:
    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    nonce = wallet.get_nonce(grant)
    claims = {k: v for k, v in {"nonce": nonce, **overrides}.items() if v is not None}
    token = sign_key_jwt(
        PROOF_TYP,
        {"aud": ISSUER_URL, "iat": int(clock.now()), **{k: v for k, v in claims.items()}},
        generate_key("P-256"),
    )
    if "aud" in overrides or "iat" in overrides:
        token = _proof(generate_key("P-256"), clock, nonce, **overrides)
    response = _credential_post(
        setup, wallet, grant, {"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": [token]}}
    )
    assert response.status_code == 400 and _error(response) == error


def test_proof_signed_by_another_key_than_its_jwk(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    nonce = wallet.get_nonce(grant)
    honest, other = generate_key("P-256"), generate_key("P-256")
    header = {"alg": "ES256", "typ": PROOF_TYP, "jwk": honest.public_jwk}
    payload = {"aud": ISSUER_URL, "iat": int(clock.now()), "nonce": nonce}
    signing_input = b64url_encode(json.dumps(header).encode()) + "." + b64url_encode(json.dumps(payload).encode())
    forged = signing_input + "." + b64url_encode(other.sign(signing_input.encode()))
    response = _credential_post(
        setup, wallet, grant, {"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": [forged]}}
    )
    assert _error(response) == "invalid_proof"
    # the nonce was not burnt by the forgery: the honest proof still gets the credential
    response = _credential_post(
        setup,
        wallet,
        grant,
        {"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": [_proof(honest, clock, nonce)]}},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("fault", ["typ", "private_jwk", "eddsa_not_offered", "x5c", "both"])
def test_malformed_key_proof_headers(state: StateStore, clock: FixedClock, fault: str) -> None:
    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    nonce = wallet.get_nonce(grant)
    key = generate_key("Ed25519" if fault == "eddsa_not_offered" else "P-256")
    header: dict[str, Any] = {"alg": key.algorithm, "typ": PROOF_TYP, "jwk": key.public_jwk}
    if fault == "typ":
        header["typ"] = "JWT"
    elif fault == "private_jwk":
        header["jwk"] = key.private_jwk()
    elif fault == "x5c":
        header["x5c"] = ["MIIB"]
    elif fault == "both":
        header["kid"] = "did:key:z#z"
    payload = {"aud": ISSUER_URL, "iat": int(clock.now()), "nonce": nonce}
    signing_input = b64url_encode(json.dumps(header).encode()) + "." + b64url_encode(json.dumps(payload).encode())
    token = signing_input + "." + b64url_encode(key.sign(signing_input.encode()))
    response = _credential_post(
        setup, wallet, grant, {"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": [token]}}
    )
    assert _error(response) == "invalid_proof"


def test_nonce_is_single_use(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    nonce = wallet.get_nonce(grant)
    body = {
        "credential_configuration_id": "citizen_sd_jwt",
        "proofs": {"jwt": [_proof(generate_key("P-256"), clock, nonce)]},
    }
    assert _credential_post(setup, wallet, grant, body).status_code == 200
    body = {
        "credential_configuration_id": "citizen_sd_jwt",
        "proofs": {"jwt": [_proof(generate_key("P-256"), clock, nonce)]},
    }
    assert _error(_credential_post(setup, wallet, grant, body)) == "invalid_nonce"


def test_same_key_never_accepted_twice_for_one_offer(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    key = generate_key("P-256")
    first = {
        "credential_configuration_id": "citizen_sd_jwt",
        "proofs": {"jwt": [_proof(key, clock, wallet.get_nonce(grant))]},
    }
    assert _credential_post(setup, wallet, grant, first).status_code == 200
    second = {
        "credential_configuration_id": "citizen_sd_jwt",
        "proofs": {"jwt": [_proof(key, clock, wallet.get_nonce(grant))]},
    }
    assert _error(_credential_post(setup, wallet, grant, second)) == "invalid_proof"
    nonce = wallet.get_nonce(grant)
    twice = {
        "credential_configuration_id": "citizen_sd_jwt",
        "proofs": {"jwt": [_proof(k, clock, nonce) for k in (key, key)]},
    }
    assert _error(_credential_post(setup, wallet, grant, twice)) == "invalid_proof"


def test_batch_size_capped(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock, max_batch=2)
    wallet, grant = _grant(setup)
    nonce = wallet.get_nonce(grant)
    body = {
        "credential_configuration_id": "citizen_sd_jwt",
        "proofs": {"jwt": [_proof(generate_key("P-256"), clock, nonce) for _ in range(3)]},
    }
    assert _error(_credential_post(setup, wallet, grant, body)) == "invalid_proof"


def test_kid_as_did_jwk_is_accepted_and_did_web_refused(state: StateStore, clock: FixedClock) -> None:
    from thaivc.did import did_jwk

    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    key = generate_key("P-256")
    bound = key.bind(did_jwk(key.public_key), did_jwk(key.public_key) + "#0")
    token = sign_key_jwt(
        PROOF_TYP, {"aud": ISSUER_URL, "iat": int(clock.now()), "nonce": wallet.get_nonce(grant)}, bound, use_kid=True
    )
    assert (
        _credential_post(
            setup, wallet, grant, {"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": [token]}}
        ).status_code
        == 200
    )
    web = key.bind("did:web:evil.example", "did:web:evil.example#k")
    token = sign_key_jwt(
        PROOF_TYP, {"aud": ISSUER_URL, "iat": int(clock.now()), "nonce": wallet.get_nonce(grant)}, web, use_kid=True
    )
    assert (
        _error(
            _credential_post(
                setup, wallet, grant, {"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": [token]}}
            )
        )
        == "invalid_proof"
    )


# -- credential request shape --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"credential_configuration_id": "nope", "proofs": {"jwt": ["x"]}}, "unknown_credential_configuration"),
        ({"credential_configuration_id": "citizen_jwt", "proofs": {"jwt": ["x"]}}, "credential_request_denied"),
        ({"credential_identifier": "x"}, "unknown_credential_identifier"),
        ({"credential_configuration_id": "citizen_sd_jwt", "proof": {"jwt": "x"}}, "invalid_credential_request"),
        ({"credential_configuration_id": "citizen_sd_jwt", "proofs": {"attestation": ["x"]}}, "invalid_proof"),
        ({"credential_configuration_id": "citizen_sd_jwt", "proofs": {"jwt": "x"}}, "invalid_proof"),
        (b'{"credential_configuration_id":"a","credential_configuration_id":"b"}', "invalid_credential_request"),
        (b"x" * 300_000, "invalid_request"),
    ],
)
def test_credential_request_refusals(state: StateStore, clock: FixedClock, body: Any, error: str) -> None:
    setup = make_setup(state, clock)
    wallet, grant = _grant(setup)
    assert _error(_credential_post(setup, wallet, grant, body)) == error


def test_callback_denial_and_unissuable_data(state: StateStore, clock: FixedClock) -> None:
    from thaivc.oid4vci import IssuanceDenied

    setup = make_setup(state, clock)

    def deny(request: Any) -> Any:
        raise IssuanceDenied("the card was reported stolen")

    # no monkeypatching of library objects: a new service with this callback

    service = CredentialIssuerService(
        setup.service.config, issuer=setup.service.issuer, callback=deny, store=state, clock=clock
    )
    http = httpx.Client(
        transport=__import__("thaivc.oid4vc", fromlist=["mock_transport"]).mock_transport({HOST: service.handle})
    )
    offer = service.create_offer(["citizen_sd_jwt"], {"name": "x"})
    from thaivc.wallet import IssuanceWallet

    wallet = IssuanceWallet(http, clock=clock)
    with pytest.raises(ErrorResponse) as info:
        wallet.receive(offer.deep_link, tx_code=offer.tx_code)
    assert info.value.error == "credential_request_denied"


# -- wallet-side checks -------------------------------------------------------------------------------
def test_wallet_refuses_metadata_for_another_issuer(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    offer = setup.service.create_offer(["citizen_sd_jwt"], {"name": "x"})
    forged = {**offer.offer, "credential_issuer": ISSUER_URL + "2"}
    with pytest.raises(Exception) as info:
        setup.wallet().receive(forged, tx_code=offer.tx_code)
    assert getattr(info.value, "code", None) in {"openid.malformed", "openid.error_response"}
    with pytest.raises(Exception) as info:
        setup.wallet().resolve_offer({**offer.offer, "credential_issuer": "http://" + HOST + "/vci"})
    assert getattr(info.value, "code", None) == "openid.malformed"


def test_oversized_body_anywhere_is_413(state: StateStore, clock: FixedClock) -> None:
    setup = make_setup(state, clock)
    response = setup.service.handle(
        HttpRequest("POST", "/vci/token", {"Content-Type": "application/x-www-form-urlencoded"}, b"a" * 300_000)
    )
    assert response.status == 413 and response.json()["error"] == "invalid_request"
