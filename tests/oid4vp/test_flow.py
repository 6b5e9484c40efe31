"""The whole exchange in-process, on every store back-end, and every hostile response the endpoint must refuse."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

import thaivc
from thaivc.core.jsonutil import dumps_compact
from thaivc.oid4vc import HttpRequest, StateStore
from thaivc.oid4vp.dcql import DcqlQuery, claim, credential
from thaivc.oid4vp.request import AuthorizationRequest
from thaivc.oid4vp.verifier import PresentationVerifier, VerifierConfig
from thaivc.testing.x509 import X509Client, x509_client
from thaivc.wallet.present import PresentationWallet

from .conftest import citizen_doc, mount

HOST = "rd.go.th"
BASE = f"https://{HOST}/oid4vp"
NAME_AND_IAL = DcqlQuery.of(credential("pid", vct="ThaiCitizenCredential", claims=[
    claim(["credentialSubject", "givenNameTh"]), claim(["credentialSubject", "familyNameTh"]),
    claim(["credentialSubject", "ial"])]))


@pytest.fixture(scope="module")
def rd() -> X509Client:
    return x509_client(HOST)


def _setup(state: StateStore, rd: X509Client, *, mode: str = "direct_post.jwt", redirect: str | None = None,
           **kw: Any) -> tuple[PresentationVerifier, httpx.Client]:
    config = VerifierConfig(client_id=f"x509_san_dns:{HOST}", base_url=BASE, response_mode=mode,  # type: ignore[arg-type]
                            redirect_uri=redirect)
    verifier = PresentationVerifier(config, thaivc.Verifier(thaivc.Policy(require_status_check=False)), state,
                                    signer=rd.signer, x5c=rd.chain, **kw)
    return verifier, httpx.Client(transport=httpx.MockTransport(mount(verifier)))


def _wallet(key: thaivc.PrivateKey, http: httpx.Client, rd: X509Client, *creds: Any) -> PresentationWallet:
    wallet = PresentationWallet(key, http=http, x509_anchors=[rd.anchor])
    for c in creds:
        wallet.store(c)
    return wallet


@pytest.mark.parametrize("mode", ["direct_post.jwt", "direct_post"])
def test_cross_device_sd_jwt(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str,
                             mode: str) -> None:
    verifier, http = _setup(state, rd, mode=mode)
    tx = verifier.create(NAME_AND_IAL)
    assert tx.link.startswith("openid4vp://?client_id=x509_san_dns%3Ard.go.th&request_uri=")
    assert verifier.result(tx.id) is None                          # pending
    answer = _wallet(citizen, http, rd, sd_citizen).present(tx.link)
    assert answer.status_code == 200, answer.text
    result = verifier.result(tx.id)
    assert result is not None and result.ok, result and result.problems
    claims = result.claims("pid")
    assert claims is not None
    assert claims["credentialSubject"] == {"givenNameTh": "สมหญิง", "familyNameTh": "ใจดี", "ial": "2.3"}


def test_only_the_asked_claims_are_disclosed(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey,
                                             sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    tx = verifier.create(NAME_AND_IAL)
    wallet = _wallet(citizen, http, rd, sd_citizen)
    params = wallet.respond(wallet.read_request(tx.link))
    presentation = params["vp_token"]["pid"][0]
    report = thaivc.Verifier(thaivc.Policy(require_status_check=False)).check(
        presentation, challenge=tx.request.nonce, domain=tx.request.client_id)
    assert report.ok
    assert "address" not in report.document["credentialSubject"]       # type: ignore[index]


@pytest.mark.parametrize("fmt", ["vc+jwt", "di"])
def test_w3c_formats(state: StateStore, rd: X509Client, dopa: thaivc.PrivateKey, citizen: thaivc.PrivateKey,
                     fmt: str) -> None:
    cred = thaivc.Issuer(dopa).issue(citizen_doc(citizen.did), format=fmt)
    dcql_fmt = "jwt_vc_json" if fmt == "vc+jwt" else "ldp_vc"
    query = DcqlQuery.of(credential("pid", format=dcql_fmt, types=["ThaiCitizenCredential"],
                                    claims=[claim(["credentialSubject", "givenNameTh"])]))
    verifier, http = _setup(state, rd)
    tx = verifier.create(query)
    assert _wallet(citizen, http, rd, cred).present(tx.link).status_code == 200
    result = verifier.result(tx.id)
    assert result is not None and result.ok, result and result.problems
    assert "citizenId" not in result.claims("pid")["credentialSubject"]   # type: ignore[index]


def test_same_device_response_code(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey,
                                   sd_citizen: str) -> None:
    verifier, http = _setup(state, rd, redirect=f"https://{HOST}/done")
    tx = verifier.create(NAME_AND_IAL, same_device=True)
    answer = _wallet(citizen, http, rd, sd_citizen).present(tx.link)
    redirect = answer.json()["redirect_uri"]
    assert redirect.startswith(f"https://{HOST}/done#response_code=")
    code = redirect.split("=", 1)[1]
    with pytest.raises(thaivc.InputError) as err:
        verifier.result_for_code(tx.id, "guessed")
    assert err.value.code == "openid.response_code_invalid"
    assert verifier.result_for_code(tx.id, code).ok
    with pytest.raises(thaivc.InputError):                          # the code is single use
        verifier.result_for_code(tx.id, code)


# -- hostile responses ----------------------------------------------------------------------------

def _post(verifier: PresentationVerifier, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    answer = verifier.handle_response(HttpRequest("POST", "/response", {"Content-Type": "application/x-www-form-urlencoded"},
                                                  urlencode(form).encode()))
    return answer.status, answer.json()


def test_replay_of_a_whole_response(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey,
                                    sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    tx = verifier.create(NAME_AND_IAL)
    wallet = _wallet(citizen, http, rd, sd_citizen)
    request = wallet.read_request(tx.link)
    captured: list[bytes] = []
    original = http._transport

    def spy(req: httpx.Request) -> httpx.Response:
        if str(req.url).endswith("/response"):
            captured.append(req.content)
        return original.handle_request(req)  # type: ignore[attr-defined,no-any-return]

    spy_http = httpx.Client(transport=httpx.MockTransport(spy))
    PresentationWallet(citizen, http=spy_http, x509_anchors=[rd.anchor]).post(request, wallet.respond(request))
    assert verifier.result(tx.id).ok                                              # type: ignore[union-attr]
    answer = verifier.handle_response(HttpRequest("POST", "/response",
                                                  {"Content-Type": "application/x-www-form-urlencoded"}, captured[0]))
    assert answer.status == 400
    assert answer.json()["error"] == "invalid_request"
    assert answer.json()["thaivc_code"] == "openid.transaction_finished"
    assert verifier.result(tx.id).ok                                              # type: ignore[union-attr]


def test_response_for_an_unknown_transaction(state: StateStore, rd: X509Client) -> None:
    verifier, _ = _setup(state, rd, mode="direct_post")
    status, body = _post(verifier, {"state": "x" * 32, "vp_token": "{}"})
    assert status == 400 and body["error"] == "invalid_request" and body["thaivc_code"] == "openid.transaction_unknown"


def test_encrypted_response_to_no_transaction(state: StateStore, rd: X509Client) -> None:
    from thaivc.oid4vp.jwe import encrypt_response, new_response_key, public_jwk

    verifier, _ = _setup(state, rd)
    token = encrypt_response({"state": "x", "vp_token": {}}, public_jwk(new_response_key()))
    status, body = _post(verifier, {"response": token})
    assert status == 400 and body["thaivc_code"] == "openid.transaction_unknown"


def test_plain_response_where_encryption_was_asked(state: StateStore, rd: X509Client) -> None:
    verifier, _ = _setup(state, rd)
    tx = verifier.create(NAME_AND_IAL)
    status, body = _post(verifier, {"state": tx.request.state, "vp_token": "{}"})
    assert status == 400 and body["thaivc_code"] == "openid.response_invalid"


def _answer(verifier: PresentationVerifier, http: httpx.Client, rd: X509Client, key: thaivc.PrivateKey,
            creds: list[Any], tamper: Any) -> tuple[str, Any]:
    tx = verifier.create(NAME_AND_IAL)
    wallet = _wallet(key, http, rd, *creds)
    request = wallet.read_request(tx.link)
    params = tamper(wallet, request, wallet.respond(request))
    wallet.post(request, params)
    return tx.id, verifier.result(tx.id)


def test_unrequested_query_id(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    _, result = _answer(verifier, http, rd, citizen, [sd_citizen], lambda w, r, p: {**p, "vp_token": {"other": ["x"]}})
    assert not result.ok and result.code == "openid.credential_unrequested"


def test_missing_credential(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    query = DcqlQuery.of(*NAME_AND_IAL.credentials,
                         credential("co", format="ldp_vc", types=["JuristicPersonCredential"]))
    verifier, http = _setup(state, rd)
    tx = verifier.create(query)
    assert _wallet(citizen, http, rd, sd_citizen).present(tx.link).status_code == 200
    result = verifier.result(tx.id)
    assert result is not None and not result.ok and result.code == "openid.credential_missing"
    assert result.dcql is not None and result.dcql["queries"]["co"]["status"] == "absent"
    assert result.dcql["queries"]["pid"]["status"] == "satisfied"


def test_a_withheld_claim_never_satisfies_the_query(state: StateStore, rd: X509Client, dopa: thaivc.PrivateKey,
                                                   citizen: thaivc.PrivateKey) -> None:
    """Personal claims are disclosable ("checked when disclosed"): a wallet that withholds the citizen ID
    the verifier asked for presents a valid SD-JWT, and the query is still not satisfied."""
    from thaivc.credentials import citizen_disclosable
    from thaivc.wallet.present import Candidate

    doc = citizen_doc(citizen.did)
    sd = thaivc.Issuer(dopa).issue(doc, format="dc+sd-jwt", disclosable=citizen_disclosable(doc))
    query = DcqlQuery.of(credential("pid", vct="ThaiCitizenCredential", claims=[
        claim(["credentialSubject", "citizenId"]), claim(["credentialSubject", "ial"])]))
    verifier, http = _setup(state, rd)
    tx = verifier.create(query)
    wallet = _wallet(citizen, http, rd, sd)

    def withhold(request: AuthorizationRequest, found: Any) -> dict[str, Candidate]:
        first = found["pid"][0]
        kept = tuple(c for c in first.claims if c.path[-1] != "citizenId")
        return {"pid": Candidate(first.query, first.credential, kept)}

    request = wallet.read_request(tx.link)
    params = wallet.respond(request, withhold)
    assert wallet.post(request, params).status_code == 200
    result = verifier.result(tx.id)
    assert result is not None and not result.ok and result.code == "openid.credential_mismatch", result


def test_extra_credential(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)

    def extra(w: PresentationWallet, r: AuthorizationRequest, p: dict[str, Any]) -> dict[str, Any]:
        return {**p, "vp_token": {**p["vp_token"], "bonus": p["vp_token"]["pid"]}}

    _, result = _answer(verifier, http, rd, citizen, [sd_citizen], extra)
    assert not result.ok and result.code == "openid.credential_unrequested"


def test_two_where_one_was_asked(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)

    def twice(w: PresentationWallet, r: AuthorizationRequest, p: dict[str, Any]) -> dict[str, Any]:
        again = w.respond(r)["vp_token"]["pid"][0]
        return {**p, "vp_token": {"pid": [p["vp_token"]["pid"][0], again]}}

    _, result = _answer(verifier, http, rd, citizen, [sd_citizen], twice)
    assert not result.ok and result.code == "openid.credential_unrequested"


def test_nothing_presented(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    _, result = _answer(verifier, http, rd, citizen, [sd_citizen], lambda w, r, p: {**p, "vp_token": {}})
    assert not result.ok and result.code == "openid.response_invalid"


def test_kb_jwt_for_another_verifier(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey,
                                     sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)

    def elsewhere(w: PresentationWallet, r: AuthorizationRequest, p: dict[str, Any]) -> dict[str, Any]:
        vp = w.holder.present([sd_citizen], format="dc+sd-jwt", disclose=[], challenge=r.nonce, domain="x509_san_dns:evil.example")
        return {**p, "vp_token": {"pid": [vp]}}

    _, result = _answer(verifier, http, rd, citizen, [sd_citizen], elsewhere)
    assert not result.ok and result.code == "openid.presentation_invalid"
    assert any(p.code == "sdjwt.kb_replay" and "another verifier" in p.detail for p in result.problems)


def test_presentation_for_another_nonce(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey,
                                        sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)

    def stale(w: PresentationWallet, r: AuthorizationRequest, p: dict[str, Any]) -> dict[str, Any]:
        vp = w.holder.present([sd_citizen], format="dc+sd-jwt", disclose=[], challenge="an-older-nonce-000000", domain=r.client_id)
        return {**p, "vp_token": {"pid": [vp]}}

    _, result = _answer(verifier, http, rd, citizen, [sd_citizen], stale)
    assert not result.ok and result.code == "openid.presentation_invalid"


def test_someone_elses_credential(state: StateStore, rd: X509Client, dopa: thaivc.PrivateKey,
                                  citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    """A thief with the SD-JWT but not the citizen's key cannot make a KB-JWT the verifier accepts."""
    thief = thaivc.generate_key("P-256")
    verifier, http = _setup(state, rd)

    def stolen(w: PresentationWallet, r: AuthorizationRequest, p: dict[str, Any]) -> dict[str, Any]:
        vp = thaivc.Holder(thief).present([sd_citizen], format="dc+sd-jwt", disclose=[], challenge=r.nonce, domain=r.client_id)
        return {**p, "vp_token": {"pid": [vp]}}

    _, result = _answer(verifier, http, rd, citizen, [sd_citizen], stolen)
    assert not result.ok and result.code == "openid.presentation_invalid"


def test_oversized_body(state: StateStore, rd: X509Client) -> None:
    verifier, _ = _setup(state, rd, mode="direct_post")
    status, body = _post(verifier, {"state": "x", "vp_token": "a" * 300_000})
    assert status == 413 and body["thaivc_code"] == "input.too_large"


def test_repeated_form_field(state: StateStore, rd: X509Client) -> None:
    verifier, _ = _setup(state, rd, mode="direct_post")
    answer = verifier.handle_response(HttpRequest("POST", "/response", {"Content-Type": "application/x-www-form-urlencoded"},
                                                  b"state=a&state=b"))
    assert answer.status == 400 and answer.json()["error"] == "invalid_request"


def test_request_uri_of_unknown_transaction(state: StateStore, rd: X509Client) -> None:
    verifier, _ = _setup(state, rd)
    answer = verifier.handle_request_uri(HttpRequest("GET", "/request/nope"), "nope")
    assert answer.status == 400 and answer.json()["thaivc_code"] == "openid.transaction_unknown"


def test_wallet_refuses_a_request_from_an_untrusted_verifier(state: StateStore, rd: X509Client,
                                                            citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    tx = verifier.create(NAME_AND_IAL)
    stranger_root = x509_client("other.example").anchor
    wallet = PresentationWallet(citizen, http=http, x509_anchors=[stranger_root])
    with pytest.raises(thaivc.InputError) as err:
        wallet.read_request(tx.link)
    assert err.value.code == "openid.client_id_mismatch"


def test_wallet_refuses_a_link_whose_client_id_differs(state: StateStore, rd: X509Client,
                                                      citizen: thaivc.PrivateKey) -> None:
    verifier, http = _setup(state, rd)
    tx = verifier.create(NAME_AND_IAL)
    link = tx.link.replace("rd.go.th&", "tax-refund.example&")
    with pytest.raises(thaivc.InputError) as err:
        PresentationWallet(citizen, http=http, x509_anchors=[rd.anchor]).read_request(link)
    assert err.value.code == "openid.client_id_mismatch"


def test_wallet_declines(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    tx = verifier.create(NAME_AND_IAL)
    answer = _wallet(citizen, http, rd, sd_citizen).present(tx.link, choose=lambda r, c: None)
    assert answer.status_code == 200
    result = verifier.result(tx.id)
    assert result is not None and not result.ok and result.code == "openid.response_invalid"
    _ = dumps_compact


def test_stale_transaction(rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    from thaivc.core.clock import FixedClock
    from thaivc.oid4vc import MemoryStateStore

    clock = FixedClock.at("2026-03-01T09:00:00Z")
    verifier, http = _setup(MemoryStateStore(clock=clock), rd)
    tx = verifier.create(NAME_AND_IAL)
    wallet = _wallet(citizen, http, rd, sd_citizen)
    request = wallet.read_request(tx.link)
    params = wallet.respond(request)
    clock.advance(verifier.config.request_ttl + 1)
    answer = wallet.post(request, params)
    assert answer.status_code == 400 and answer.json()["thaivc_code"] == "openid.transaction_unknown"
    assert verifier.result(tx.id) is None


def test_response_encrypted_for_one_transaction_with_anothers_state(state: StateStore, rd: X509Client,
                                                                    citizen: thaivc.PrivateKey,
                                                                    sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    first, second = verifier.create(NAME_AND_IAL), verifier.create(NAME_AND_IAL)
    wallet = _wallet(citizen, http, rd, sd_citizen)
    req1, req2 = wallet.read_request(first.link), wallet.read_request(second.link)
    params = {**wallet.respond(req2), "state": req2.state}
    answer = wallet.post(req1, params)                 # encrypted to the first, state of the second
    assert answer.status_code == 400 and answer.json()["thaivc_code"] == "openid.response_invalid"
    assert verifier.result(first.id) is None and verifier.result(second.id) is None


def test_request_uri_is_gone_once_answered(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey,
                                           sd_citizen: str) -> None:
    verifier, http = _setup(state, rd)
    tx = verifier.create(NAME_AND_IAL)
    _wallet(citizen, http, rd, sd_citizen).present(tx.link)
    answer = verifier.handle_request_uri(HttpRequest("GET", "/request/x"), tx.id)
    assert answer.status == 400 and answer.json()["thaivc_code"] == "openid.transaction_unknown"


def test_an_accept_hook_that_raises_fails_the_transaction(state: StateStore, rd: X509Client,
                                                          citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    def broken(doc: Any) -> None:
        raise RuntimeError("agency bug")

    verifier, http = _setup(state, rd, accept=broken)
    tx = verifier.create(NAME_AND_IAL)
    assert _wallet(citizen, http, rd, sd_citizen).present(tx.link).status_code == 200
    result = verifier.result(tx.id)
    assert result is not None and not result.ok and result.code == "internal.error"


def test_an_accept_hook_refuses(state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey,
                                sd_citizen: str) -> None:
    from thaivc.core.report import Problem

    verifier, http = _setup(state, rd, accept=lambda doc: Problem.of("assurance.too_low", "IAL 3 needed"))
    tx = verifier.create(NAME_AND_IAL)
    _wallet(citizen, http, rd, sd_citizen).present(tx.link)
    result = verifier.result(tx.id)
    assert result is not None and not result.ok and result.code == "assurance.too_low"


# -- a store that stops answering ---------------------------------------------------------------------------
def test_a_state_store_that_stops_answering_is_a_503_on_every_endpoint(
    state: StateStore, rd: X509Client, citizen: thaivc.PrivateKey, sd_citizen: str
) -> None:
    """Not 400 ``invalid_request`` (the wallet did nothing wrong), not a raise (a 500 in the adapter):
    ``503 temporarily_unavailable``, ``Retry-After``, the code, and none of the store's own words."""
    verifier, http = _setup(state, rd)
    tx, other = verifier.create(NAME_AND_IAL), verifier.create(NAME_AND_IAL)
    wallet = _wallet(citizen, http, rd, sd_citizen)
    request = wallet.read_request(tx.link)
    params = wallet.respond(request)
    state.close()
    assert other.request_uri is not None
    answers = [
        (r.status_code, r.headers, r.json())
        for r in (wallet.post(request, params), http.get(other.request_uri), http.post(other.request_uri))
    ]
    status = verifier.handle_status(HttpRequest("GET", "/status/" + tx.id), tx.id)
    answers.append((status.status, status.headers, status.json()))
    for code, headers, body in answers:
        assert code == 503, body
        assert body["error"] == "temporarily_unavailable" and body["thaivc_code"] == "openid.store", body
        assert dict(headers).get("Retry-After", dict(headers).get("retry-after")) == "5"
        assert body["error_description"] == "openid.store: the protocol state store failed"
    with pytest.raises(thaivc.ThaiVCError) as caught:  # the Python API raises the code, as before
        verifier.result(tx.id)
    assert caught.value.code == "openid.store"
