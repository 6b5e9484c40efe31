"""The seam for framework-free protocol handlers, and two service instances sharing one PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from server_helpers import admin_headers, credential, issuer_headers, write_config
from starlette.testclient import TestClient

from thaivc.server import build_app, create_app, load_config, mount_handler


@dataclass(frozen=True)
class FakeRequest:
    """The shape of thaivc.oid4vc.http.HttpRequest (built by keyword)."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    query: Mapping[str, str] = field(default_factory=dict)
    url: str = ""


@dataclass(frozen=True)
class FakeResponse:
    status: int
    headers: Mapping[str, str]
    body: bytes


def test_mount_handler_passes_the_request_and_returns_the_response(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path), environ={})
    app = build_app(config)
    seen: list[FakeRequest] = []

    def handler(request: FakeRequest) -> FakeResponse:
        seen.append(request)
        return FakeResponse(202, {"Content-Type": "application/json", "Cache-Control": "no-store"}, b'{"ok":true}')

    mount_handler(app, "/token", handler, request_type=FakeRequest, methods=("POST",))
    from thaivc.server.app import _cap_for  # the same guard create_app adds
    from thaivc.server.guard import Guard

    guarded = Guard(app, metrics=app.state.thaivc.metrics, cap_for=_cap_for(config), body_timeout=5, max_headers=64)
    with TestClient(guarded) as client:
        r = client.post("/token?x=1", content=b"grant_type=x", headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 202 and r.json() == {"ok": True}
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-request-id"]
        big = client.post("/token", content=b"x" * (config.limits.max_body_bytes + 1))
        assert big.status_code == 413  # the guard capped it before the handler
    assert len(seen) == 1
    request = seen[0]
    assert request.body == b"grant_type=x" and request.query == {"x": "1"}
    assert request.url == "https://issuer.example.go.th/token"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.postgres
def test_two_instances_on_one_postgresql_share_single_use_values(tmp_path: Path, pg_dsn: str) -> None:
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(pg_dsn)
    url = f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"
    config = load_config(write_config(tmp_path, db_url=url), environ={})
    with TestClient(create_app(config)) as one, TestClient(create_app(config)) as two:
        challenge = one.post("/challenges").json()["challenge"]
        from thaivc import Holder, generate_key
        from thaivc.jose.media import unenvelope

        wallet = generate_key("P-256")
        r = one.post("/credentials/issue", json={"credential": credential(credentialSubject={"id": wallet.did, "n": 1})},
                     headers=issuer_headers())
        assert r.status_code == 201, r.text
        _, token = unenvelope(r.json()["verifiableCredential"])
        vp = Holder(wallet).present([token], challenge=challenge, domain="https://rd.go.th")
        body: dict[str, Any] = {"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": "https://rd.go.th"}}
        assert two.post("/presentations/verify", json=body).status_code == 200
        replay = one.post("/presentations/verify", json=body)
        assert replay.status_code == 422 and replay.json()["code"] == "vp.challenge_replayed"
        # a revocation through one instance is seen by the other
        vc_id = one.get("/admin/credentials", headers=admin_headers()).json()["items"][0]["id"]
        assert two.post("/admin/status/revoke", json={"ids": [vc_id]}, headers=admin_headers()).json()["counts"] == {"done": 1}
        verdict = one.post("/credentials/verify", json={"verifiableCredential": r.json()["verifiableCredential"]})
        assert verdict.json()["code"] == "status.revoked"
        assert len(one.get("/admin/audit", headers=admin_headers()).json()["items"]) >= 2
