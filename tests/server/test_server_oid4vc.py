"""OpenID4VCI and OpenID4VP inside ``thaivc serve``: the test wallet against the app, attacker first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from oid4vc_helpers import PROTOCOLS, SOMCHAI, offer_body
from server_helpers import ADMIN_KEY, admin_headers, issuer_headers, write_config
from starlette.testclient import TestClient

from thaivc.oid4vc import ErrorResponse
from thaivc.server import ConfigError, Database, create_app, load_config
from thaivc.server.db import MIGRATIONS
from thaivc.wallet import IssuanceWallet
from thaivc.wallet.present import PresentationWallet

ISSUER = "https://issuer.example.go.th/oid4vci"


@pytest.fixture
def app(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(PROTOCOLS)


def make_offer(client: TestClient, **extra: Any) -> dict[str, Any]:
    r = client.post("/admin/offers", json=offer_body(**extra), headers=admin_headers())
    assert r.status_code == 201, r.text
    made: dict[str, Any] = r.json()
    return made


def register(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/admin/credentials", headers=admin_headers()).json()["items"]
    return items


def audit(client: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get("/admin/audit", headers=admin_headers()).json()["items"]
    return items


def receive(client: TestClient, **kwargs: Any) -> list[Any]:
    made = make_offer(client)
    got = IssuanceWallet(client).receive(made["deepLink"], tx_code=made["txCode"], **kwargs)
    assert isinstance(got, list)
    return got


# -- attacker first: offers ---------------------------------------------------------------------------
def test_making_an_offer_needs_the_admin_scope(app: TestClient) -> None:
    assert app.post("/admin/offers", json=offer_body()).status_code == 401
    r = app.post("/admin/offers", json=offer_body(), headers=issuer_headers())
    assert r.status_code == 403 and r.json()["code"] == "service.forbidden"


@pytest.mark.parametrize("body", [
    {"configurations": ["nope"], "subject": SOMCHAI},
    {"configurations": [], "subject": SOMCHAI},
    {"configurations": "citizen", "subject": SOMCHAI},
    {"configurations": ["citizen"], "subject": "1999900001010"},
    {"configurations": ["citizen"], "subject": SOMCHAI, "txCode": "yes"},
    {"configurations": ["citizen"], "subject": SOMCHAI, "grant": "authorization_code"},
])
def test_a_malformed_offer_request_is_refused(app: TestClient, body: dict[str, Any]) -> None:
    r = app.post("/admin/offers", json=body, headers=admin_headers())
    assert r.status_code == 400 and r.json()["code"] == "service.bad_request", r.text


def test_an_oversized_subject_is_refused(app: TestClient) -> None:
    r = app.post("/admin/offers", json=offer_body(subject={"x": "ก" * 9000}), headers=admin_headers())
    assert r.status_code == 413 and r.json()["code"] == "input.too_large"


def test_an_offer_carries_no_subject_data(app: TestClient) -> None:
    made = make_offer(app)
    text = str(made["offer"]) + made["deepLink"]
    assert SOMCHAI["citizen_id"] not in text and SOMCHAI["laser_code"] not in text
    assert made["txCode"] not in text  # the code is read out by the officer, never inside the QR code


def test_a_pre_authorized_code_is_redeemed_once(app: TestClient) -> None:
    made = make_offer(app)
    wallet = IssuanceWallet(app)
    offer = wallet.resolve_offer(made["deepLink"])
    wallet.redeem_pre_authorized(offer, tx_code=made["txCode"])
    with pytest.raises(ErrorResponse) as caught:
        IssuanceWallet(app).redeem_pre_authorized(offer, tx_code=made["txCode"])
    assert caught.value.error == "invalid_grant"


def test_a_wrong_tx_code_gets_no_token(app: TestClient) -> None:
    made = make_offer(app)
    wrong = "0" * 6 if made["txCode"] != "0" * 6 else "1" * 6
    wallet = IssuanceWallet(app)
    with pytest.raises(ErrorResponse) as caught:
        wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=wrong)
    assert caught.value.error == "invalid_grant"
    assert register(app) == []


def test_a_card_dopa_refuses_is_not_issued(app: TestClient) -> None:
    made = app.post("/admin/offers", json=offer_body(subject={**SOMCHAI, "laser_code": "ZX0009999999"}),
                    headers=admin_headers()).json()
    with pytest.raises(ErrorResponse) as caught:
        IssuanceWallet(app).receive(made["deepLink"], tx_code=made["txCode"])
    assert caught.value.error == "credential_request_denied"
    assert register(app) == []


def test_the_token_endpoint_is_rate_limited_by_address(make_client: Callable[..., TestClient]) -> None:
    client = make_client(PROTOCOLS + "\n[limits]\nrate_per_ip = 3\n")
    codes = [client.post("/oid4vci/token", data={"grant_type": "x"}).status_code for _ in range(5)]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]


def test_without_the_section_no_protocol_route_exists(client: TestClient) -> None:
    assert client.get("/.well-known/openid-credential-issuer/oid4vci").status_code == 404
    assert client.post("/admin/offers", json=offer_body(), headers=admin_headers()).status_code == 404
    assert client.post("/oid4vp/transactions", json={"preset": "pid"}).status_code == 404


# -- attacker first: configuration -------------------------------------------------------------------
@pytest.mark.parametrize(("extra", "named"), [
    (PROTOCOLS.replace("thaivc.server.sample_callback:citizen", "not a callable"), "oid4vci.callback"),
    (PROTOCOLS.replace('vct = "https', 'xvct = "https'), "oid4vci.configurations.citizen"),
    (PROTOCOLS.replace('path = ["credentialSubject", "ial"]', 'path = []'), "oid4vp.presets.pid.dcql"),
    (PROTOCOLS + '\n[oid4vp]\nclient_id = "nonsense"\n', "oid4vp"),
    (PROTOCOLS.replace('kind = "fake"', 'kind = "gdx"'), "registries.dopa.base_url"),
])
def test_protocol_configuration_errors_are_named(tmp_path: Path, extra: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(tmp_path, extra), environ={})
    assert any(e.startswith(named) for e in caught.value.errors), caught.value.errors


def test_oid4vci_over_plain_http_is_refused_off_loopback(tmp_path: Path) -> None:
    path = write_config(tmp_path, PROTOCOLS)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={"THAIVC_PUBLIC_URL": "http://issuer.example.go.th"})
    assert any("https" in e for e in caught.value.errors)
    load_config(path, environ={"THAIVC_PUBLIC_URL": "http://127.0.0.1:8080"})


def test_a_callback_that_cannot_be_imported_stops_the_start(tmp_path: Path) -> None:
    extra = PROTOCOLS.replace("thaivc.server.sample_callback:citizen", "thaivc.server.no_such_module:citizen")
    config = load_config(write_config(tmp_path, extra), environ={})
    with pytest.raises(ConfigError) as caught:
        create_app(config)
    assert caught.value.errors[0].startswith("oid4vci.callback")


# -- issuance end to end ------------------------------------------------------------------------------
def test_metadata_names_the_service_and_its_key_algorithm(app: TestClient) -> None:
    meta = app.get("/.well-known/openid-credential-issuer/oid4vci").json()
    assert meta["credential_issuer"] == ISSUER
    assert meta["credential_endpoint"] == ISSUER + "/credential"
    citizen = meta["credential_configurations_supported"]["citizen"]
    assert citizen["credential_signing_alg_values_supported"] == ["EdDSA"]  # the issuer key is Ed25519
    oauth = app.get("/.well-known/oauth-authorization-server/oid4vci").json()
    assert oauth["token_endpoint"] == ISSUER + "/token"


def test_a_wallet_collects_a_batch_each_with_status_register_and_audit(app: TestClient) -> None:
    got = receive(app, batch=2)
    assert len(got) == 2 and got[0].key != got[1].key
    rows = register(app)
    assert len(rows) == 2
    for row in rows:
        assert row["format"] == "dc+sd-jwt" and row["status"] == {"revocation": "valid"}
        assert row["issuedBy"] == "oid4vci:registrar"
        assert "สมชาย" not in str(row) and SOMCHAI["citizen_id"] not in str(row)
    issued = [e for e in audit(app) if e["action"] == "issue"]
    assert {e["target"] for e in issued} == {r["id"] for r in rows}
    assert any(e["action"] == "offer" and e["actor"] == "registrar" for e in audit(app))


def test_a_jwt_credential_issued_over_oid4vci_verifies_at_the_vc_api(app: TestClient) -> None:
    made = make_offer(app, configurations=["citizen_jwt"])
    got = IssuanceWallet(app).receive(made["deepLink"], tx_code=made["txCode"])
    assert isinstance(got, list)
    r = app.post("/credentials/verify", json={"verifiableCredential": got[0].credential})
    assert r.status_code == 200 and r.json()["verified"] is True, r.text
    (row,) = register(app)
    assert row["format"] == "jwt_vc_json" and row["status"] == {"revocation": "valid"}


def test_offer_by_reference(app: TestClient) -> None:
    made = make_offer(app, byReference=True)
    assert made["offerUri"].startswith(ISSUER + "/offers/")
    got = IssuanceWallet(app).receive(made["deepLink"], tx_code=made["txCode"])
    assert isinstance(got, list) and len(got) == 1
    assert app.get("/oid4vci/offers/" + "x" * 200).status_code == 404


def test_state_is_shared_by_two_processes_on_one_database(make_client: Callable[..., TestClient]) -> None:
    first = make_client(PROTOCOLS)
    second = make_client(PROTOCOLS)  # same tmp dir: the same SQLite file and key
    made = make_offer(first)
    wallet = IssuanceWallet(first)
    offer = wallet.resolve_offer(made["deepLink"])
    wallet.redeem_pre_authorized(offer, tx_code=made["txCode"])
    with pytest.raises(ErrorResponse):
        IssuanceWallet(second).redeem_pre_authorized(offer, tx_code=made["txCode"])


def test_migrate_creates_the_protocol_state_table(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        applied = db.migrate()
        assert applied[:2] == [1, 2] and applied == sorted(MIGRATIONS)  # 2 is the protocol state table
        assert db.migrate() == []
        with db.transaction(write=False) as cur:
            cur.execute("SELECT COUNT(*) FROM thaivc_protocol_state")
    finally:
        db.close()


# -- presentation end to end --------------------------------------------------------------------------
def _transaction(client: TestClient, preset: str = "pid") -> dict[str, Any]:
    r = client.post("/oid4vp/transactions", json={"preset": preset})
    assert r.status_code == 201, r.text
    made: dict[str, Any] = r.json()
    return made


def _poll(client: TestClient, tx: dict[str, Any], token: str | None = None) -> Any:
    return client.get(f"/oid4vp/transactions/{tx['transactionId']}",
                      headers={"x-poll-token": token if token is not None else tx["pollToken"]})


def _holder(client: TestClient) -> PresentationWallet:
    stored = receive(client)[0]
    wallet = PresentationWallet(stored.key, http=client)
    wallet.store(stored.credential)
    return wallet


def test_presets_are_listed(app: TestClient) -> None:
    presets = app.get("/oid4vp/presets").json()
    assert presets["pid"]["dcql"]["credentials"][0]["id"] == "pid"


@pytest.mark.parametrize("body", [{"preset": "nope"}, {}, {"preset": "pid", "dcql": {}}])
def test_only_a_configured_preset_starts_a_transaction(app: TestClient, body: dict[str, Any]) -> None:
    r = app.post("/oid4vp/transactions", json=body)
    assert r.status_code == 400 and r.json()["code"] == "service.bad_request"


def test_a_wallet_presents_and_the_agency_reads_only_what_it_asked(app: TestClient) -> None:
    wallet = _holder(app)
    tx = _transaction(app)
    assert _poll(app, tx).json()["status"] == "pending"
    answer = wallet.present(tx["link"])
    assert answer.status_code == 200, answer.text
    result = _poll(app, tx).json()
    assert result["status"] == "verified", result
    subject = result["dcql"]["queries"]["pid"]["credentials"][0]["credentialSubject"]
    assert subject == {"givenNameTh": "สมชาย", "ial": "2.3"}  # not citizenId, not the family name


def test_the_result_needs_the_poll_token_not_just_the_id_in_the_qr_code(app: TestClient) -> None:
    wallet = _holder(app)
    tx = _transaction(app)
    wallet.present(tx["link"])
    for token in ("", "guess", tx["pollToken"] + "x"):
        r = _poll(app, tx, token)
        assert r.status_code == 404 and r.json()["code"] == "service.not_found"
    assert app.get(f"/oid4vp/transactions/{tx['transactionId']}").status_code == 404
    for bad in ("..%2F..%2Fetc%2Fpasswd", "x" * 65, "a%00b"):
        assert app.get(f"/oid4vp/transactions/{bad}", headers={"x-poll-token": "t"}).status_code == 404


def test_a_replayed_response_is_refused(app: TestClient) -> None:
    wallet = _holder(app)
    tx = _transaction(app)
    request = wallet.read_request(tx["link"])
    response = wallet.respond(request)
    assert wallet.post(request, response).status_code == 200
    again = wallet.post(request, response)
    assert again.status_code == 400 and again.json()["thaivc_code"] == "openid.transaction_finished"
    # and the request object is gone once answered
    assert app.get(tx["requestUri"].replace("https://issuer.example.go.th", "")).status_code == 400


def test_a_response_made_for_another_transaction_is_refused(app: TestClient) -> None:
    wallet = _holder(app)
    first, second = _transaction(app), _transaction(app)
    request_one = wallet.read_request(first["link"])
    request_two = wallet.read_request(second["link"])
    answer_one = wallet.respond(request_one)
    # transaction one's answer encrypted to transaction two: another state, refused before it is taken
    refused = wallet.post(request_two, answer_one)
    assert refused.status_code == 400 and refused.json()["thaivc_code"] == "openid.response_invalid"
    assert _poll(app, second).json()["status"] == "pending"
    # presentations bound to transaction one's nonce under transaction two's state: mis-bound, failed
    wallet.post(request_two, {**answer_one, "state": request_two.state})
    result = _poll(app, second).json()
    assert result["status"] == "failed", result
    assert _poll(app, first).json()["status"] == "pending"


def test_a_revoked_credential_is_refused_at_presentation(app: TestClient) -> None:
    wallet = _holder(app)
    (row,) = register(app)
    r = app.post("/admin/status/revoke", json={"ids": [row["id"]]}, headers={"X-API-Key": ADMIN_KEY})
    assert r.json()["counts"] == {"done": 1}
    tx = _transaction(app)
    wallet.present(tx["link"])
    result = _poll(app, tx).json()
    assert result["status"] == "failed"
    assert "status.revoked" in str(result["problems"])


def test_the_sample_configuration_issues_and_verifies_over_the_wallet_protocols(tmp_path: Path) -> None:
    from thaivc.cli import main

    assert main(["serve", "sample", str(tmp_path / "serve")]) == 0
    config = load_config(tmp_path / "serve" / "thaivc-server.toml", environ={})
    api_key = (tmp_path / "serve" / "api-key.txt").read_text(encoding="utf-8").strip()
    with TestClient(create_app(config), base_url="http://127.0.0.1:8080") as client:
        r = client.post("/admin/offers", json=offer_body(), headers={"X-API-Key": api_key})
        assert r.status_code == 201, r.text
        made = r.json()
        got = IssuanceWallet(client, allow_insecure_http=True).receive(made["deepLink"], tx_code=made["txCode"])
        assert isinstance(got, list)
        holder = PresentationWallet(got[0].key, http=client, allow_insecure_loopback=True)
        holder.store(got[0].credential)
        tx = _transaction(client)
        holder.present(tx["link"])
        assert _poll(client, tx).json()["status"] == "verified"
