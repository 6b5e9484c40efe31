"""Items 5 (JWT VC Issuer Metadata half) and 10: an issuer named by an https URL.

thaivc issues under ``Issuer(key, issuer_id="https://…")`` (``kid`` = the key's thumbprint, ``vct`` a
URL under the issuer), publishes ``/.well-known/jwt-vc-issuer`` and Type Metadata documents, and
verifies such ``vc+jwt``, ``vp+jwt``-carried and ``dc+sd-jwt`` credentials by fetching the metadata
through :class:`thaivc.net.SafeHttpClient` (``httpx.MockTransport`` here: no network).
"""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest

import thaivc
from thaivc.core.errors import UsageError
from thaivc.credentials.metadata import thai_type_metadata
from thaivc.net import SafeHttpClient
from thaivc.sdjwt import issuer_metadata_document, issuer_metadata_url, require_vct_chain
from thaivc.trust import IssuerMetadataResolver

from .helpers import RD, clock, codes, credential, segments

ISS = "https://issuer.dopa.go.th"


def public_dns(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]


def verifier_serving(documents: dict[str, Any], calls: list[str] | None = None) -> thaivc.Verifier:
    def handler(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(str(request.url))
        body = documents.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        return httpx.Response(200, json=body, headers={"content-type": "application/json"})

    client = SafeHttpClient(transport=httpx.MockTransport(handler), resolver=public_dns)
    resolver = IssuerMetadataResolver(client, clock=clock())
    return thaivc.Verifier(clock=clock(), sd_jwt_key_resolver=resolver)


@pytest.fixture
def agency() -> thaivc.PrivateKey:
    return thaivc.generate_key("Ed25519")


def published(agency: thaivc.PrivateKey, *extra: thaivc.PublicKey) -> dict[str, Any]:
    return {issuer_metadata_url(ISS): issuer_metadata_document(ISS, [agency.public_key, *extra])}


def test_the_metadata_document_names_the_key_by_thumbprint(agency: thaivc.PrivateKey) -> None:
    doc = issuer_metadata_document(ISS, [agency.public_key])
    assert doc["issuer"] == ISS
    assert doc["jwks"]["keys"] == [{**agency.public_jwk, "kid": agency.public_key.thumbprint(), "use": "sig",
                                    "alg": "EdDSA"}]
    assert issuer_metadata_url(ISS) == "https://issuer.dopa.go.th/.well-known/jwt-vc-issuer"
    with pytest.raises(UsageError):
        issuer_metadata_document("http://issuer.dopa.go.th", [agency.public_key])
    with pytest.raises(UsageError):
        issuer_metadata_document(ISS, [])


def test_vc_jwt_from_an_https_issuer_verifies(agency: thaivc.PrivateKey) -> None:
    wallet = thaivc.generate_key("Ed25519")
    token = thaivc.Issuer(agency, issuer_id=ISS, clock=clock(), fully_specified_alg=True).issue(credential(wallet.did))
    header, payload = segments(token)
    assert header["kid"] == agency.public_key.thumbprint() and payload["issuer"] == ISS
    calls: list[str] = []
    report = verifier_serving(published(agency), calls).check(token)
    assert report.ok, report.to_json()
    assert calls == ["https://issuer.dopa.go.th/.well-known/jwt-vc-issuer"]
    # and inside a presentation
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([token], challenge=challenge, domain=RD)
    assert verifier_serving(published(agency)).check(vp, challenge=challenge, domain=RD).ok


def test_without_a_resolver_an_https_issuer_is_indeterminate(agency: thaivc.PrivateKey) -> None:
    token = thaivc.Issuer(agency, issuer_id=ISS, clock=clock()).issue(credential(agency.did))
    report = thaivc.Verifier(clock=clock()).check(token)
    assert report.status == "indeterminate"


def test_a_key_the_issuer_does_not_publish_fails(agency: thaivc.PrivateKey) -> None:
    attacker = thaivc.generate_key("Ed25519")
    forged = thaivc.Issuer(attacker, issuer_id=ISS, clock=clock()).issue(credential(attacker.did))
    report = verifier_serving(published(agency)).check(forged)
    assert report.status == "failed" and "key.not_found" in codes(report)


def test_metadata_about_another_issuer_is_refused(agency: thaivc.PrivateKey) -> None:
    token = thaivc.Issuer(agency, issuer_id=ISS, clock=clock()).issue(credential(agency.did))
    other = {issuer_metadata_url(ISS): {**issuer_metadata_document(ISS, [agency.public_key]),
                                        "issuer": "https://evil.example"}}
    report = verifier_serving(other).check(token)
    assert report.status == "failed" and "vc.issuer_mismatch" in codes(report)


def test_a_signature_by_the_published_key_over_other_bytes_fails(agency: thaivc.PrivateKey) -> None:
    token = thaivc.Issuer(agency, issuer_id=ISS, clock=clock()).issue(credential(agency.did))
    head, body, sig = token.split(".")
    report = verifier_serving(published(agency)).check(f"{head}.{body}.{sig[::-1]}")
    assert report.status == "failed"


def test_metadata_is_fetched_only_from_the_issuers_own_host(agency: thaivc.PrivateKey) -> None:
    # an attacker names their own host as issuer: their metadata is fetched, and it vouches for them only
    evil = "https://evil.example"
    attacker = thaivc.generate_key("Ed25519")
    token = thaivc.Issuer(attacker, issuer_id=evil, clock=clock()).issue(credential(attacker.did))
    calls: list[str] = []
    report = verifier_serving({}, calls).check(token)
    assert report.status != "verified"
    assert calls == ["https://evil.example/.well-known/jwt-vc-issuer"]


def test_sd_jwt_vc_from_an_https_issuer_with_type_metadata(agency: thaivc.PrivateKey) -> None:
    wallet = thaivc.generate_key("P-256")
    sd = thaivc.Issuer(agency, issuer_id=ISS, clock=clock()).issue(credential(wallet.did), format="dc+sd-jwt",
                                                                   disclosable=["/credentialSubject/name"])
    header, payload = segments(sd)
    assert payload["vct"] == "https://issuer.dopa.go.th/vct/ThaiCitizenCredential"
    assert header["kid"] == agency.public_key.thumbprint()
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    assert verifier_serving(published(agency)).check(vp, challenge=challenge, domain=RD).ok

    types = thai_type_metadata(ISS)
    meta = types[payload["vct"]]
    assert {d["locale"]: d["name"] for d in meta["display"]}["th"] == "บัตรประจำตัวประชาชนดิจิทัล"
    assert meta["name"] == "Thai citizen credential"
    assert require_vct_chain(payload["vct"], types.get) == [payload["vct"]]
    assert all(vct.startswith(ISS + "/vct/") for vct in types)
    json.dumps(types, ensure_ascii=False)
