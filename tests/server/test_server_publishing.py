"""Status lists (both formats, ETag, conditional GET), did:web with key rotation, administration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from server_helpers import ADMIN_KEY, admin_headers, credential, issuer_headers
from starlette.testclient import TestClient

from thaivc import generate_key


def issue(client: TestClient, **options: Any) -> dict[str, Any]:
    r = client.post("/credentials/issue", json={"credential": credential(), "options": options},
                    headers=issuer_headers())
    assert r.status_code == 201, r.text
    vc: dict[str, Any] = r.json()["verifiableCredential"]
    return vc


def list_path(vc: dict[str, Any]) -> str:
    url = vc["credentialStatus"]["statusListCredential"]
    return str(url).removeprefix("https://issuer.example.go.th")


# -- status lists -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["..%2F..%2Fetc%2Fpasswd", "..", "a" * 65, "x%00y", "%2e%2e", "list;drop"])
def test_path_traversal_in_list_ids_is_not_found(client: TestClient, name: str) -> None:
    for path in (f"/status/{name}", f"/status/token/{name}"):
        r = client.get(path)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["code"] == "service.not_found"


def test_w3c_list_with_etag_and_conditional_get(client: TestClient) -> None:
    vc = issue(client, format="di")
    r = client.get(list_path(vc))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vc+jwt")
    etag = r.headers["etag"]
    assert r.headers["cache-control"].startswith("public, max-age=")
    again = client.get(list_path(vc), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(list_path(vc), headers={"If-None-Match": '"other"'}).status_code == 200


def test_ietf_token_list(client: TestClient) -> None:
    vc = issue(client, format="dc+sd-jwt")
    from thaivc.jose.media import unenvelope

    _, token = unenvelope(vc)
    assert token
    lists = client.get("/admin/credentials", headers=admin_headers()).json()["items"]
    assert lists[0]["format"] == "dc+sd-jwt"
    # the IETF token of the list the credential points at
    import base64

    payload = json.loads(base64.urlsafe_b64decode(token.split("~")[0].split(".")[1] + "=="))
    uri = payload["status"]["status_list"]["uri"].removeprefix("https://issuer.example.go.th")
    r = client.get(uri)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/statuslist+jwt")


def test_revocation_changes_the_list_and_the_etag(client: TestClient) -> None:
    vc = issue(client, format="di")
    before = client.get(list_path(vc)).headers["etag"]
    r = client.post("/admin/status/revoke", json={"ids": [vc["id"]]}, headers=admin_headers())
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {"done": 1}
    after = client.get(list_path(vc), headers={"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["etag"] != before
    verdict = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert verdict.status_code == 422
    assert verdict.json()["code"] == "status.revoked"


# -- administration ---------------------------------------------------------------------------------
def test_admin_needs_the_admin_scope(client: TestClient) -> None:
    assert client.get("/admin/credentials").status_code == 401
    assert client.get("/admin/credentials", headers=issuer_headers()).status_code == 403
    assert client.post("/admin/status/revoke", json={"ids": ["x"]}, headers=issuer_headers()).status_code == 403


def test_unknown_action_is_not_found(client: TestClient) -> None:
    r = client.post("/admin/status/delete", json={"ids": ["x"]}, headers=admin_headers())
    assert r.status_code == 404


def test_csv_dry_run_reports_each_row_and_changes_nothing(client: TestClient) -> None:
    a = issue(client, format="di", statusPurposes=["revocation", "suspension"])
    b = issue(client, format="di", statusPurposes=["revocation", "suspension"])
    csv = f"id\n{a['id']}\nurn:uuid:unknown\n{b['id']}\n{a['id']}\n\"bad id\"\n".encode()
    r = client.post("/admin/status/suspend?dryRun=true", content=csv,
                    headers={**admin_headers(), "content-type": "text/csv"})
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert [row["outcome"] for row in rows] == ["would_do", "not_found", "would_do", "duplicate", "invalid"]
    assert client.post("/credentials/verify", json={"verifiableCredential": a}).status_code == 200
    r = client.post("/admin/status/suspend", content=csv, headers={**admin_headers(), "content-type": "text/csv"})
    assert r.json()["counts"]["done"] == 2
    assert client.post("/credentials/verify", json={"verifiableCredential": a}).json()["code"] == "status.suspended"
    r = client.post("/admin/status/reinstate", json={"ids": [a["id"]]}, headers=admin_headers())
    assert r.json()["counts"] == {"done": 1}
    assert client.post("/credentials/verify", json={"verifiableCredential": a}).status_code == 200


def test_register_lists_no_claims_and_the_audit_log_is_append_only(client: TestClient, tmp_path: Path) -> None:
    vc = issue(client, format="di")
    client.post("/admin/status/revoke", json={"ids": [vc["id"]]}, headers=admin_headers())
    page = client.get("/admin/credentials", headers=admin_headers()).json()
    text = json.dumps(page, ensure_ascii=False)
    assert "สมชาย" not in text and "did:example:somchai" not in text
    item = page["items"][0]
    assert item["id"] == vc["id"] and item["status"] == {"revocation": "revoked"}
    assert len(item["subjectHash"]) == 64
    audit = client.get("/admin/audit", headers=admin_headers()).json()["items"]
    assert [(e["action"], e["outcome"]) for e in audit[:3]] == [("revoke", "done"), ("revoke", "requested"),
                                                                ("issue", "issued")]
    assert audit[0]["actor"] == "registrar"
    import sqlite3

    conn = sqlite3.connect(tmp_path / "service.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE thaivc_audit SET outcome = 'forged'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM thaivc_audit")


def test_admin_page_limits_are_bounded(client: TestClient) -> None:
    assert client.get("/admin/credentials?limit=100000", headers=admin_headers()).status_code == 400
    assert client.get("/admin/credentials?limit=abc", headers=admin_headers()).status_code in (400, 422)
    assert ADMIN_KEY


# -- did:web and rotation ---------------------------------------------------------------------------
def test_did_web_document_with_a_rotated_key(make_client: Any, tmp_path: Path) -> None:
    generate_key("Ed25519").save(tmp_path / "old.jwk.json")
    generate_key("Ed25519").save(tmp_path / "older.jwk.json")
    keys = (
        '[[issuer.keys]]\nid = "key-2"\nfile = "issuer.jwk.json"\n\n'
        '[[issuer.keys]]\nid = "key-1"\nfile = "old.jwk.json"\nverify_until = "2099-01-01T00:00:00Z"\n\n'
        '[[issuer.keys]]\nid = "key-0"\nfile = "older.jwk.json"\nverify_until = "2001-01-01T00:00:00Z"\n'
    )
    client = make_client(did="did:web:issuer.example.go.th", keys=keys)
    doc = client.get("/.well-known/did.json").json()
    ids = [vm["id"] for vm in doc["verificationMethod"]]
    assert ids == ["did:web:issuer.example.go.th#key-2", "did:web:issuer.example.go.th#key-1"]
    assert doc["assertionMethod"] == ids
    assert doc["authentication"] == ["did:web:issuer.example.go.th#key-2"]
    r = client.post("/credentials/issue", json={"credential": credential(), "options": {"format": "vc+jwt"}},
                    headers=issuer_headers())
    assert r.status_code == 201, r.text
    vc = r.json()["verifiableCredential"]
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 200
