"""``[sd_jwt_vc]``: SD-JWT VCs with an https ``iss``, JWT VC Issuer Metadata and Type Metadata over HTTP.

Attacker first: a token signed by a key the metadata does not publish, a token claiming the service's
``iss`` from elsewhere, a kid of another key, a rotated key after its window, unknown and traversing
type names, and misconfigured issuers that must stop the start. Then the round trip: the library's
verifier resolves the service's metadata over an httpx transport that calls the ASGI app (no network).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_helpers import issuer_headers, write_config
from starlette.testclient import TestClient

import thaivc
from thaivc import Policy, Verifier, generate_key
from thaivc.did import DidJwkResolver, DidKeyResolver, UniversalResolver
from thaivc.did.web import DidWebResolver
from thaivc.jose.media import unenvelope
from thaivc.net import SafeHttpClient
from thaivc.sdjwt import https_key_id, require_vct_chain
from thaivc.server import ConfigError, load_config
from thaivc.status import StatusChecker, safe_http_fetcher
from thaivc.trust import IssuerMetadataResolver

HOST = "issuer.example.go.th"
ORIGIN = f"https://{HOST}"
DID = f"did:web:{HOST}"
TYPES = """
[sd_jwt_vc.types.ThaiCitizenCredential]
name_en = "Thai citizen"
description_en = "A citizen of Thailand"
name_th = "บัตรประชาชน"
"""


def section(issuer: str = ORIGIN, types: str = TYPES) -> str:
    return f'[sd_jwt_vc]\nissuer = "{issuer}"\n{types}'


@pytest.fixture
def app(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(section(), did=DID)


def _public_dns(host: str, port: Any, **_: Any) -> list[tuple[Any, ...]]:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]


def http_to(app: TestClient) -> SafeHttpClient:
    """The library's hardened client, its transport answering from the ASGI app (no socket, no DNS)."""

    def forward(request: httpx.Request) -> httpx.Response:
        got = app.request(request.method, str(request.url), headers=dict(request.headers))
        return httpx.Response(got.status_code, headers=got.headers, content=got.content)

    return SafeHttpClient(transport=httpx.MockTransport(forward), resolver=_public_dns)


def outside_verifier(app: TestClient, iss: str = ORIGIN) -> Verifier:
    """A relying party elsewhere: did:web, issuer metadata and status lists all fetched over HTTP."""
    http = http_to(app)
    resolver = UniversalResolver({"key": DidKeyResolver(), "jwk": DidJwkResolver(), "web": DidWebResolver(http)})
    return Verifier(
        resolver=resolver,
        sd_jwt_key_resolver=IssuerMetadataResolver(http),
        status_checker=StatusChecker(safe_http_fetcher(http), trusted_status_issuers={iss: [DID]}),
    )


HOLDER = generate_key("P-256")
RP = "https://rd.go.th"


def citizen(**extra: Any) -> dict[str, Any]:
    holder = HOLDER
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": holder.did, "givenNameTh": "สมชาย"},
        **extra,
    }


def issue_sd(app: TestClient, **options: Any) -> str:
    r = app.post(
        "/credentials/issue",
        headers=issuer_headers(),
        json={"credential": citizen(), "options": {"format": "dc+sd-jwt", **options}},
    )
    assert r.status_code == 201, r.text
    _media, token = unenvelope(r.json()["verifiableCredential"])
    assert isinstance(token, str)
    return token


def presented(verifier: Verifier, token: str) -> Any:
    """The holder presents ``token`` (with its KB-JWT) to ``verifier``; the report."""
    challenge = verifier.new_challenge(ttl=300)
    vp = thaivc.Holder(HOLDER).present([token], challenge=challenge, domain=RP, format="dc+sd-jwt", disclose=[])
    return verifier.check(vp, challenge=challenge, domain=RP)


def claims_of(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    import base64
    import json

    head, body = token.split("~", 1)[0].split(".")[:2]
    return tuple(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))) for part in (head, body))  # type: ignore[return-value]


# -- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (section("http://issuer.example.go.th"), "sd_jwt_vc.issuer"),
        (section("https://other.example.go.th"), "sd_jwt_vc.issuer"),
        (section(ORIGIN + "/t?x=1"), "sd_jwt_vc.issuer"),
        (section(ORIGIN + "/a/../b"), "sd_jwt_vc.issuer"),
        (section(ORIGIN + "evil.example"), "sd_jwt_vc.issuer"),
        (section(types='[sd_jwt_vc.types."../etc"]\nname_en = "x"\n'), "sd_jwt_vc.types"),
        (
            section(types='[sd_jwt_vc.types.A]\nname_en = "x"\nextends = "http://x.example/a"\n'),
            "sd_jwt_vc.types.A.extends",
        ),
        ('[sd_jwt_vc]\nissuer = "https://issuer.example.go.th"\nsecret = 1\n', "sd_jwt_vc.secret"),
    ],
)
def test_a_misconfigured_https_issuer_stops_the_start(tmp_path: Path, extra: str, named: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, extra, did=DID), environ={})
    assert any(e.startswith(named) for e in info.value.errors), info.value.errors


def test_without_the_section_nothing_is_published(client: TestClient) -> None:
    assert client.get("/.well-known/jwt-vc-issuer").status_code == 404
    assert client.get("/vct/ThaiCitizenCredential").status_code == 404


# -- issuer metadata -----------------------------------------------------------------------------


def test_metadata_publishes_the_key_the_tokens_name(app: TestClient) -> None:
    r = app.get("/.well-known/jwt-vc-issuer")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert "max-age=" in r.headers["cache-control"] and r.headers["etag"]
    doc = r.json()
    assert doc["issuer"] == ORIGIN
    header, payload = claims_of(issue_sd(app))
    assert payload["iss"] == ORIGIN
    assert payload["vct"] == f"{ORIGIN}/vct/ThaiCitizenCredential"
    assert [k["kid"] for k in doc["jwks"]["keys"]] == [header["kid"]]
    assert all("d" not in k for k in doc["jwks"]["keys"])  # never a private member
    again = app.get("/.well-known/jwt-vc-issuer", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_a_tenant_path_publishes_under_the_well_known_segment(make_client: Callable[..., TestClient]) -> None:
    app = make_client(section(ORIGIN + "/dopa"), did=DID)
    assert app.get("/.well-known/jwt-vc-issuer").status_code == 404
    assert app.get("/.well-known/jwt-vc-issuer/dopa").json()["issuer"] == ORIGIN + "/dopa"
    assert app.get("/dopa/vct/ThaiCitizenCredential").status_code == 200
    token = issue_sd(app)
    report = presented(outside_verifier(app, ORIGIN + "/dopa"), token)
    assert report.ok, report.problems


def test_rotated_keys_stay_published_until_their_window_ends(
    tmp_path: Path, make_client: Callable[..., TestClient]
) -> None:
    old, gone = generate_key("Ed25519"), generate_key("Ed25519")
    old.save(tmp_path / "old.jwk.json")
    gone.save(tmp_path / "gone.jwk.json")
    keys = (
        '[[issuer.keys]]\nid = "key-2"\nfile = "issuer.jwk.json"\n'
        '[[issuer.keys]]\nid = "key-1"\nfile = "old.jwk.json"\nverify_until = "2099-01-01T00:00:00Z"\n'
        '[[issuer.keys]]\nid = "key-0"\nfile = "gone.jwk.json"\nverify_until = "2001-01-01T00:00:00Z"\n'
    )
    app = make_client(section(), did=DID, keys=keys)
    kids = {k["kid"] for k in app.get("/.well-known/jwt-vc-issuer").json()["jwks"]["keys"]}
    assert https_key_id(old.public_key) in kids
    assert https_key_id(gone.public_key) not in kids
    assert len(kids) == 2


# -- verification through the metadata -----------------------------------------------------------


def test_a_service_issued_sd_jwt_vc_verifies_through_the_published_metadata(app: TestClient) -> None:
    token = issue_sd(app)
    report = presented(outside_verifier(app), token)
    assert report.ok, report.problems
    # the service's own verifier knows its own keys without fetching them
    challenge = app.post("/challenges").json()["challenge"]
    vp = thaivc.Holder(HOLDER).present([token], challenge=challenge, domain=RP, format="dc+sd-jwt", disclose=[])
    r = app.post(
        "/presentations/verify", json={"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": RP}}
    )
    assert r.status_code == 200, r.text


def test_a_revoked_https_sd_jwt_vc_fails_at_an_outside_verifier(app: TestClient) -> None:
    from server_helpers import admin_headers

    token = issue_sd(app)
    _header, payload = claims_of(token)
    r = app.post("/admin/status/revoke", json={"ids": [payload["id"]]}, headers=admin_headers())
    assert r.json()["counts"] == {"done": 1}
    report = presented(outside_verifier(app), token)
    assert not report.ok and "status.revoked" in [p.code for p in report.problems], report.problems


def test_a_token_signed_by_an_unpublished_key_is_refused(app: TestClient) -> None:
    """An attacker's key, the service's iss, the attacker's thumbprint as kid: no such key published."""
    forger = thaivc.Issuer(generate_key("Ed25519"), issuer_id=ORIGIN)
    token = forger.issue(citizen(), format="dc+sd-jwt")
    report = presented(outside_verifier(app), token)
    assert not report.ok
    assert report.problems[0].code == "key.not_found", report.problems


def test_a_token_naming_the_published_kid_but_signed_elsewhere_is_refused(app: TestClient) -> None:
    header, _ = claims_of(issue_sd(app))
    forger_key = generate_key("Ed25519")

    class Impostor:
        algorithm = forger_key.algorithm
        kid = header["kid"]
        public_key = forger_key.public_key

        def sign(self, data: bytes) -> bytes:
            return forger_key.sign(data)

    from thaivc.sdjwt import issue_sd_jwt

    claims = {**citizen(), "iss": ORIGIN, "vct": f"{ORIGIN}/vct/ThaiCitizenCredential", "iat": 1_800_000_000}
    token = issue_sd_jwt(claims, disclosable=[], signer=Impostor(), holder_jwk=dict(HOLDER.public_key.jwk))
    report = presented(outside_verifier(app), token)
    assert not report.ok
    assert report.problems[0].code == "crypto.bad_signature", report.problems


def test_another_host_cannot_borrow_the_services_metadata(app: TestClient) -> None:
    """A token claiming iss = another https host: its metadata is fetched from that host, not from here."""
    forged = thaivc.Issuer(generate_key("Ed25519"), issuer_id="https://evil.example").issue(
        citizen(), format="dc+sd-jwt"
    )
    report = presented(outside_verifier(app), forged)
    assert not report.ok


# -- type metadata -------------------------------------------------------------------------------


def test_type_metadata_is_served_with_caching_and_checks_as_a_vct_chain(app: TestClient) -> None:
    r = app.get("/vct/ThaiCitizenCredential")
    assert r.status_code == 200 and r.headers["etag"] and "max-age=" in r.headers["cache-control"]
    doc = r.json()
    vct = f"{ORIGIN}/vct/ThaiCitizenCredential"
    assert doc["vct"] == vct
    assert {d["locale"] for d in doc["display"]} == {"en", "th"}
    assert app.get("/vct/ThaiCitizenCredential", headers={"If-None-Match": r.headers["etag"]}).status_code == 304

    def lookup(url: str) -> dict[str, Any] | None:
        got = app.get(url)
        return got.json() if got.status_code == 200 else None

    assert require_vct_chain(vct, lookup) == [vct]


@pytest.mark.parametrize(
    "path",
    ["/vct/Unknown", "/vct/..%2F..%2Fetc%2Fpasswd", "/vct/a%00b", "/vct/" + "A" * 300, "/vct/thaicitizencredential"],
)
def test_unknown_and_traversing_type_names_are_404(app: TestClient, path: str) -> None:
    r = app.get(path)
    assert r.status_code == 404
    if r.headers["content-type"].startswith("application/problem+json"):
        assert r.json()["code"] == "service.not_found"


def test_the_new_endpoints_are_on_the_openapi_page(app: TestClient) -> None:
    paths = app.get("/openapi.json").json()["paths"]
    for path in ("/.well-known/jwt-vc-issuer", "/vct/{name}"):
        responses = paths[path]["get"]["responses"]
        assert {"200", "304", "404"} <= set(responses), (path, responses)


# -- OpenID4VCI and OpenID4VP with the https issuer ----------------------------------------------


def test_a_wallet_collects_an_https_sd_jwt_vc_and_presents_it_back(make_client: Callable[..., TestClient]) -> None:
    from oid4vc_helpers import PROTOCOLS, VCT, offer_body
    from server_helpers import admin_headers

    from thaivc.wallet import IssuanceWallet
    from thaivc.wallet.present import PresentationWallet

    app = make_client(section() + PROTOCOLS, did=DID)
    made = app.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    stored = IssuanceWallet(app).receive(made["deepLink"], tx_code=made["txCode"])[0]
    header, payload = claims_of(stored.credential)
    assert payload["iss"] == ORIGIN and payload["vct"] == VCT
    kids = [k["kid"] for k in app.get("/.well-known/jwt-vc-issuer").json()["jwks"]["keys"]]
    assert header["kid"] in kids
    assert "status_list" in payload["status"]  # revocable through the DID's list
    # an outside verifier resolves it through the metadata (its KB-JWT is the wallet's)
    outside = outside_verifier(app)
    challenge = outside.new_challenge(ttl=300)
    vp = thaivc.Holder(stored.key).present(
        [stored.credential], challenge=challenge, domain=RP, format="dc+sd-jwt", disclose=[]
    )
    report = outside.check(vp, challenge=challenge, domain=RP)
    assert report.ok, report.problems
    # and the service's own OpenID4VP verifier accepts it (its own keys, from memory)
    checks = Verifier(  # a wallet checks what it stores: the issuer's key from the metadata too
        Policy(require_key_binding=False, require_status_check=False, require_challenge=False),
        sd_jwt_key_resolver=IssuerMetadataResolver(http_to(app)),
    )
    web = UniversalResolver({"key": DidKeyResolver(), "web": DidWebResolver(http_to(app))})  # the verifier's DID
    wallet = PresentationWallet(stored.key, http=app, verifier=checks, resolver=web)
    wallet.store(stored.credential)
    tx = app.post("/oid4vp/transactions", json={"preset": "pid"}).json()
    assert wallet.present(tx["link"]).status_code == 200
    result = app.get(f"/oid4vp/transactions/{tx['transactionId']}", headers={"x-poll-token": tx["pollToken"]})
    assert result.json()["status"] == "verified", result.text
