"""The W3C VC-API contract: issue, verify, challenges; refusals as RFC 9457 problem details with codes."""

from __future__ import annotations

from typing import Any

import pytest
from server_helpers import VERIFY_ONLY_KEY, credential, issuer_headers
from starlette.testclient import TestClient

from thaivc import Holder, generate_key
from thaivc.core.errors import CODES
from thaivc.jose.media import unenvelope


def issue(client: TestClient, cred: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    r = client.post("/credentials/issue", json={"credential": cred or credential(), "options": options},
                    headers=issuer_headers())
    assert r.status_code == 201, r.text
    vc: dict[str, Any] = r.json()["verifiableCredential"]
    return vc


def assert_problem(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    assert body["code"] in CODES
    assert body["status"] == status
    assert body["type"].startswith("https://")
    return body


# -- attacker first ---------------------------------------------------------------------------------
def test_issue_needs_credentials(client: TestClient) -> None:
    r = client.post("/credentials/issue", json={"credential": credential()})
    assert_problem(r, 401, "service.unauthorized")
    assert "Bearer" in r.headers["www-authenticate"]


def test_issue_refuses_a_wrong_api_key(client: TestClient) -> None:
    r = client.post("/credentials/issue", json={"credential": credential()}, headers={"X-API-Key": "guess" * 8})
    assert_problem(r, 401, "service.unauthorized")


def test_issue_refuses_a_client_without_the_scope(client: TestClient) -> None:
    r = client.post("/credentials/issue", json={"credential": credential()},
                    headers={"Authorization": f"Bearer {VERIFY_ONLY_KEY}"})
    assert_problem(r, 403, "service.forbidden")


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"1", b"null"])
def test_a_body_that_is_not_an_object_is_refused(client: TestClient, body: bytes) -> None:
    r = client.post("/credentials/verify", content=body, headers={"content-type": "application/json"})
    assert_problem(r, 400, "json.not_object")


def test_duplicate_keys_are_refused(client: TestClient) -> None:
    r = client.post("/credentials/verify", content=b'{"verifiableCredential": {}, "verifiableCredential": {}}',
                    headers={"content-type": "application/json"})
    assert_problem(r, 400, "json.duplicate_key")


def test_wrong_content_type_is_refused(client: TestClient) -> None:
    r = client.post("/credentials/verify", content=b'{"verifiableCredential": {}}',
                    headers={"content-type": "text/plain"})
    assert_problem(r, 415, "service.unsupported_media_type")


def test_issue_refuses_what_the_verifier_would_refuse(client: TestClient) -> None:
    bad = credential()
    del bad["credentialSubject"]
    r = client.post("/credentials/issue", json={"credential": bad}, headers=issuer_headers())
    assert_problem(r, 422, "vc.subject_invalid")


def test_issue_refuses_another_issuer(client: TestClient) -> None:
    r = client.post("/credentials/issue", json={"credential": credential(issuer="did:example:someone-else")},
                    headers=issuer_headers())
    assert_problem(r, 422, "usage.invalid_argument")


def test_issue_refuses_unknown_options(client: TestClient) -> None:
    r = client.post("/credentials/issue", json={"credential": credential(), "options": {"proofPurpose": "x"}},
                    headers=issuer_headers())
    assert_problem(r, 400, "service.bad_request")


def test_a_forged_credential_fails_with_its_code(client: TestClient) -> None:
    vc = issue(client)
    media, token = unenvelope(vc)
    head, payload, sig = token.split(".")
    forged = f"{head}.{payload}.{sig[:-4]}AAAA"
    vc["id"] = f"data:application/{media},{forged}"
    r = client.post("/credentials/verify", json={"verifiableCredential": vc})
    body = assert_problem(r, 422, "crypto.bad_signature")
    assert body["verified"] is False
    assert body["verdict"] == "failed"


def test_a_presentation_sent_as_a_credential_is_refused(client: TestClient) -> None:
    r = client.post("/credentials/verify", json={"verifiableCredential": {
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}})
    assert_problem(r, 400, "service.bad_request")


def test_a_replayed_presentation_is_refused(client: TestClient) -> None:
    wallet = generate_key("P-256")
    vc = issue(client, credential(credentialSubject={"id": wallet.did, "name": "x"}))
    _, token = unenvelope(vc)
    challenge = client.post("/challenges").json()["challenge"]
    vp = Holder(wallet).present([token], challenge=challenge, domain="https://rd.go.th")
    body = {"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": "https://rd.go.th"}}
    first = client.post("/presentations/verify", json=body)
    assert first.status_code == 200, first.text
    assert first.json()["verified"] is True
    again = client.post("/presentations/verify", json=body)
    assert_problem(again, 422, "vp.challenge_replayed")


def test_a_challenge_the_service_never_issued_is_refused(client: TestClient) -> None:
    wallet = generate_key("P-256")
    vc = issue(client, credential(credentialSubject={"id": wallet.did, "name": "x"}))
    _, token = unenvelope(vc)
    vp = Holder(wallet).present([token], challenge="attacker-chosen-challenge", domain="https://rd.go.th")
    r = client.post("/presentations/verify", json={"verifiablePresentation": vp, "options": {
        "challenge": "attacker-chosen-challenge", "domain": "https://rd.go.th"}})
    assert_problem(r, 422, "vp.challenge_unknown")


def test_a_presentation_for_another_domain_is_refused(client: TestClient) -> None:
    wallet = generate_key("P-256")
    vc = issue(client, credential(credentialSubject={"id": wallet.did, "name": "x"}))
    _, token = unenvelope(vc)
    challenge = client.post("/challenges").json()["challenge"]
    vp = Holder(wallet).present([token], challenge=challenge, domain="https://evil.example")
    r = client.post("/presentations/verify", json={"verifiablePresentation": vp, "options": {
        "challenge": challenge, "domain": "https://rd.go.th"}})
    assert r.status_code == 422
    assert r.json()["code"] in ("vp.domain_mismatch", "claims.audience_mismatch")


# -- the happy paths --------------------------------------------------------------------------------
def test_a_bare_sd_jwt_without_key_binding_is_refused(client: TestClient) -> None:
    wallet = generate_key("P-256")
    vc = issue(client, credential(credentialSubject={"id": wallet.did, "name": "x"}), format="dc+sd-jwt")
    r = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert_problem(r, 422, "sdjwt.kb_required")


def test_sd_jwt_presentation_with_key_binding(client: TestClient) -> None:
    wallet = generate_key("P-256")
    vc = issue(client, credential(credentialSubject={"id": wallet.did, "name": "x"}), format="dc+sd-jwt",
               disclosable=["/credentialSubject/name"])
    _, token = unenvelope(vc)
    challenge = client.post("/challenges").json()["challenge"]
    presented = Holder(wallet).present([token], challenge=challenge, domain="https://rd.go.th",
                                       format="dc+sd-jwt", disclose=["/credentialSubject/name"])
    body = {"verifiablePresentation": presented, "options": {"challenge": challenge, "domain": "https://rd.go.th"}}
    r = client.post("/presentations/verify", json=body)
    assert r.status_code == 200, r.text
    assert_problem(client.post("/presentations/verify", json=body), 422, "vp.challenge_replayed")


@pytest.mark.parametrize("fmt", ["vc+jwt", "di"])
def test_issue_then_verify_each_format(client: TestClient, fmt: str) -> None:
    vc = issue(client, format=fmt)
    r = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verified"] is True
    assert "document" not in body  # claims are not echoed
    names = [c["name"] for c in body["checks"]]
    assert "status" in names


def test_di_with_a_named_cryptosuite(client: TestClient) -> None:
    vc = issue(client, format="di", cryptosuite="eddsa-jcs-2022")
    assert vc["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 200


def test_issued_credentials_are_revocable_by_default(client: TestClient) -> None:
    vc = issue(client, format="di")
    assert vc["credentialStatus"]["statusPurpose"] == "revocation"
    assert vc["credentialStatus"]["statusListCredential"].startswith("https://issuer.example.go.th/status/")
    assert vc["id"].startswith("urn:uuid:")


def test_challenges_are_fresh_and_not_cached(client: TestClient) -> None:
    a = client.post("/challenges")
    b = client.post("/challenges")
    assert a.status_code == 201
    assert a.json()["challenge"] != b.json()["challenge"]
    assert a.headers["cache-control"] == "no-store"


def test_verification_can_be_made_private(make_client: Any) -> None:
    client = make_client("", environ={"THAIVC_AUTH__PUBLIC_VERIFICATION": "false"})
    r = client.post("/credentials/verify", json={"verifiableCredential": {}})
    assert_problem(r, 401, "service.unauthorized")
    r = client.post("/credentials/verify", json={"verifiableCredential": {}},
                    headers={"Authorization": f"Bearer {VERIFY_ONLY_KEY}"})
    assert r.status_code == 422


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert_problem(client.get("/nope"), 404, "service.not_found")
    assert_problem(client.get("/credentials/issue"), 405, "service.method_not_allowed")


def test_every_response_has_a_request_id(client: TestClient) -> None:
    r = client.get("/healthz", headers={"X-Request-Id": "abcdef0123456789"})
    assert r.headers["x-request-id"] == "abcdef0123456789"
    r = client.get("/healthz", headers={"X-Request-Id": "bad id\x01"})
    assert r.headers["x-request-id"] != "bad id"


def test_a_challenge_ledger_out_of_reach_is_the_services_503_not_the_wallets_error(
    client: TestClient, tmp_path: Any
) -> None:
    """The database failing while the challenge is spent is an outage (503, retry), never a 422 that
    blames the presentation ("challenge unknown") — and never a pass."""
    import sqlite3

    wallet = generate_key("P-256")
    vc = issue(client, credential(credentialSubject={"id": wallet.did, "name": "x"}))
    _, token = unenvelope(vc)
    challenge = client.post("/challenges").json()["challenge"]
    vp = Holder(wallet).present([token], challenge=challenge, domain="https://rd.go.th")
    with sqlite3.connect(tmp_path / "service.db") as db:  # the ledger goes away under the running service
        db.execute("ALTER TABLE thaivc_challenge RENAME TO thaivc_challenge_gone")
    r = client.post("/presentations/verify", json={"verifiablePresentation": vp, "options": {
        "challenge": challenge, "domain": "https://rd.go.th"}})
    assert_problem(r, 503, "service.unavailable")
    assert r.json()["verified"] is False
