"""``x509_san_dns:`` verifier client ids in ``thaivc serve``: certificate chain and key from files.

Attacker (and operator-mistake) first: a certificate for another DNS name, a key that is not the
leaf's, a chain that does not parse, an expired leaf, a DNS name that is not the service's host, the
files without an x509 client, a missing file. Then the signed request object end to end with the
library wallet, which trusts the chain's root, and one that does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from oid4vc_helpers import PROTOCOLS, offer_body
from server_helpers import admin_headers, write_config
from starlette.testclient import TestClient

from thaivc import generate_key
from thaivc.core.errors import ThaiVCError
from thaivc.server import ConfigError, load_config
from thaivc.testing.x509 import X509Client, x509_client
from thaivc.wallet import IssuanceWallet
from thaivc.wallet.present import PresentationWallet

HOST = "issuer.example.go.th"
CLIENT = f"x509_san_dns:{HOST}"


def write_pki(tmp: Path, client: X509Client, *, key: object | None = None) -> None:
    (tmp / "verifier-chain.pem").write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in client.chain))
    crypto = key if key is not None else client.signer.crypto
    pem = crypto.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())  # type: ignore[attr-defined]
    (tmp / "verifier-key.pem").write_bytes(pem)


def section(client_id: str = CLIENT, files: bool = True) -> str:
    lines = f'[oid4vp]\nclient_id = "{client_id}"\n'
    if files:
        lines += 'x509_chain_file = "verifier-chain.pem"\nx509_key_file = "verifier-key.pem"\n'
    return lines + PROTOCOLS


def errors_of(tmp: Path, extra: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp, extra), environ={})
    return list(info.value.errors)


@pytest.fixture
def pki() -> X509Client:
    return x509_client(HOST)


# -- configuration, attacker first ---------------------------------------------------------------


def test_a_certificate_for_another_name_stops_the_start(tmp_path: Path) -> None:
    write_pki(tmp_path, x509_client("evil.example"))
    assert any("subjectAltName" in e for e in errors_of(tmp_path, section())), errors_of(tmp_path, section())


def test_a_key_that_is_not_the_leafs_stops_the_start(tmp_path: Path, pki: X509Client) -> None:
    write_pki(tmp_path, pki, key=generate_key("P-256").crypto)
    assert any(e.startswith("oid4vp.x509_key_file") for e in errors_of(tmp_path, section()))


def test_a_chain_that_does_not_parse_stops_the_start(tmp_path: Path, pki: X509Client) -> None:
    write_pki(tmp_path, pki)
    (tmp_path / "verifier-chain.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert any(e.startswith("oid4vp.x509_chain_file") for e in errors_of(tmp_path, section()))
    (tmp_path / "verifier-chain.pem").write_text("")
    assert any(e.startswith("oid4vp.x509_chain_file") for e in errors_of(tmp_path, section()))


def test_an_expired_leaf_stops_the_start(tmp_path: Path) -> None:
    old = x509_client(HOST, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=400), days=30)
    write_pki(tmp_path, old)
    assert any("not valid now" in e for e in errors_of(tmp_path, section()))


def test_the_dns_name_must_be_the_services_host(tmp_path: Path) -> None:
    write_pki(tmp_path, x509_client("rd.go.th"))
    assert any(e.startswith("oid4vp.client_id") for e in errors_of(tmp_path, section("x509_san_dns:rd.go.th")))


def test_files_are_needed_and_only_for_an_x509_client(tmp_path: Path, pki: X509Client) -> None:
    assert any(e.startswith("oid4vp") for e in errors_of(tmp_path, section(files=False)))
    write_pki(tmp_path, pki)
    did_client = section("decentralized_identifier:did:web:issuer.example.go.th")
    assert any(e.startswith("oid4vp.x509_chain_file") for e in errors_of(tmp_path, did_client))
    (tmp_path / "verifier-key.pem").unlink()
    assert any("no such file" in e for e in errors_of(tmp_path, section()))


def test_an_encrypted_or_garbage_key_is_named(tmp_path: Path, pki: X509Client) -> None:
    write_pki(tmp_path, pki)
    (tmp_path / "verifier-key.pem").write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    assert any(e.startswith("oid4vp.x509_key_file") for e in errors_of(tmp_path, section()))


# -- end to end ----------------------------------------------------------------------------------


@pytest.fixture
def app(tmp_path: Path, pki: X509Client, make_client: Callable[..., TestClient]) -> TestClient:
    write_pki(tmp_path, pki)
    return make_client(section())


def _wallet(app: TestClient, anchor: object) -> PresentationWallet:
    made = app.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    stored = IssuanceWallet(app).receive(made["deepLink"], tx_code=made["txCode"])[0]
    wallet = PresentationWallet(stored.key, http=app, x509_anchors=[anchor])  # type: ignore[list-item]
    wallet.store(stored.credential)
    return wallet


def test_a_wallet_trusting_the_root_verifies_the_signed_request_and_presents(app: TestClient, pki: X509Client) -> None:
    wallet = _wallet(app, pki.anchor)
    tx = app.post("/oid4vp/transactions", json={"preset": "pid"}).json()
    assert tx["link"].startswith("openid4vp://?client_id=x509_san_dns%3Aissuer.example.go.th&request_uri=")
    request = wallet.read_request(tx["link"])  # x5c chain checked against the anchor, SAN against the host
    assert request.client_id == CLIENT
    assert wallet.post(request, wallet.respond(request)).status_code == 200
    result = app.get(f"/oid4vp/transactions/{tx['transactionId']}", headers={"x-poll-token": tx["pollToken"]})
    assert result.json()["status"] == "verified", result.text


def test_a_wallet_trusting_another_root_refuses_the_request(app: TestClient) -> None:
    wallet = _wallet(app, x509_client("other.example").anchor)
    tx = app.post("/oid4vp/transactions", json={"preset": "pid"}).json()
    with pytest.raises(ThaiVCError) as info:
        wallet.read_request(tx["link"])
    assert info.value.code == "openid.client_id_mismatch"
