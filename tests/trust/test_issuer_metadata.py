"""JWT VC Issuer Metadata: URL construction, strict issuer match, inline and remote JWKS, kid choice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import thaivc
from net.fakes import FakeFetcher, json_result
from net.loopback import answers
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.net import FetchResult, SafeHttpClient
from thaivc.testing.plugin import seeded_key
from thaivc.trust import IssuerMetadataResolver, StaticTrustList, metadata_url

ISS = "https://issuer.dopa.go.th"
META = "https://issuer.dopa.go.th/.well-known/jwt-vc-issuer"
K1 = seeded_key("metadata-1")
K2 = seeded_key("metadata-2", "P-256")


def jwk(key: Any, kid: Any, **extra: Any) -> dict[str, Any]:
    return {**key.public.jwk, "kid": kid, **extra}


def inline(*keys: dict[str, Any], issuer: str = ISS) -> dict[str, Any]:
    return {"issuer": issuer, "jwks": {"keys": list(keys)}}


@pytest.mark.parametrize(
    ("iss", "url"),
    [
        (ISS, META),
        ("https://issuer.example/tenant/1", "https://issuer.example/.well-known/jwt-vc-issuer/tenant/1"),
        ("https://issuer.example/", "https://issuer.example/.well-known/jwt-vc-issuer"),
        ("https://issuer.example:8443", "https://issuer.example:8443/.well-known/jwt-vc-issuer"),
    ],
)
def test_metadata_url(iss: str, url: str) -> None:
    assert metadata_url(iss) == url


@pytest.mark.parametrize(
    "iss",
    ["http://issuer.example", "did:web:issuer.example", "https://u:p@issuer.example", "https://i.example/?q=1", 7],
)
def test_bad_iss(iss: Any) -> None:
    with pytest.raises(ThaiVCError) as info:
        metadata_url(iss)
    assert info.value.code == "vc.issuer_invalid"


def test_inline_jwks_selected_by_kid() -> None:
    fetcher = FakeFetcher({META: json_result(META, inline(jwk(K1, "k1"), jwk(K2, "k2")))})
    resolver = IssuerMetadataResolver(fetcher)
    assert resolver.issuer_key_resolver({"alg": "ES256", "kid": "k2"}, {"iss": ISS}) == K2.public
    assert resolver({"alg": "EdDSA", "kid": "k1"}, {"iss": ISS}) == K1.public
    assert fetcher.calls[0][3] == "application/json"


def test_kid_rules() -> None:
    two = IssuerMetadataResolver(FakeFetcher({META: json_result(META, inline(jwk(K1, "k1"), jwk(K2, "k2")))}))
    for header in ({"kid": "k3"}, {}):
        with pytest.raises(ThaiVCError) as info:
            two.issuer_key_resolver(header, {"iss": ISS})
        assert info.value.code == "key.not_found"
    with pytest.raises(ThaiVCError) as alg:
        two.issuer_key_resolver({"alg": "EdDSA", "kid": "k2"}, {"iss": ISS})
    assert alg.value.code == "jose.alg_key_mismatch"
    one = IssuerMetadataResolver(FakeFetcher({META: json_result(META, inline(jwk(K1, "k1")))}))
    assert one.issuer_key_resolver({}, {"iss": ISS}) == K1.public


def test_issuer_must_match_exactly() -> None:
    for other in ("https://issuer.dopa.go.th/", "https://evil.example", "https://ISSUER.dopa.go.th"):
        fetcher = FakeFetcher({META: json_result(META, inline(jwk(K1, "k1"), issuer=other))})
        with pytest.raises(ThaiVCError) as info:
            IssuerMetadataResolver(fetcher).metadata(ISS)
        assert info.value.code == "vc.issuer_mismatch"


def test_jwks_uri_fetched_through_the_same_fetcher() -> None:
    jwks_url = "https://keys.dopa.go.th/jwks.json"
    fetcher = FakeFetcher(
        {
            META: json_result(META, {"issuer": ISS, "jwks_uri": jwks_url}),
            jwks_url: json_result(jwks_url, {"keys": [jwk(K1, "k1")]}, content_type="application/jwk-set+json"),
        }
    )
    assert IssuerMetadataResolver(fetcher).issuer_key_resolver({"kid": "k1"}, {"iss": ISS}) == K1.public
    assert fetcher.urls == [META, jwks_url]


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"issuer": ISS}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": [jwk(K1, "k1")]}, "jwks_uri": "https://keys.example/j"}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks_uri": "http://keys.example/jwks"}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": []}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": []}}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": [jwk(K1, "k1"), jwk(K2, "k1")]}}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": [jwk(K1, 5)]}}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": [jwk(K1, f"k{i}") for i in range(33)]}}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": [jwk(K1, "k1", d="AAAA")]}}, "key.invalid"),
        ({"issuer": ISS, "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "short"}]}}, "key.invalid"),
    ],
)
def test_malformed_metadata(document: dict[str, Any], code: str) -> None:
    with pytest.raises(ThaiVCError) as info:
        IssuerMetadataResolver(FakeFetcher({META: json_result(META, document)})).metadata(ISS)
    assert info.value.code == code


def test_encryption_keys_are_not_signing_keys() -> None:
    fetcher = FakeFetcher({META: json_result(META, inline(jwk(K1, "k1", use="enc")))})
    with pytest.raises(ThaiVCError) as info:
        IssuerMetadataResolver(fetcher).issuer_key_resolver({"kid": "k1"}, {"iss": ISS})
    assert info.value.code == "key.not_found"


def test_transport_failures() -> None:
    with pytest.raises(Indeterminate) as down:
        IssuerMetadataResolver(FakeFetcher({META: Indeterminate("net.timeout")})).metadata(ISS)
    assert down.value.code == "trust.metadata_unavailable"
    with pytest.raises(ThaiVCError) as missing:
        IssuerMetadataResolver(FakeFetcher()).metadata(ISS)
    assert missing.value.code == "trust.metadata_unavailable" and not isinstance(missing.value, Indeterminate)
    html = FetchResult(META, 200, b"{}", "text/html", None)
    with pytest.raises(ThaiVCError) as typed:
        IssuerMetadataResolver(FakeFetcher({META: html})).metadata(ISS)
    assert typed.value.code == "sdjwt.malformed"


def test_iss_claim_required() -> None:
    with pytest.raises(ThaiVCError) as info:
        IssuerMetadataResolver(FakeFetcher()).issuer_key_resolver({"kid": "k1"}, {})
    assert info.value.code == "sdjwt.required_claim_missing"


def test_cache_by_max_age() -> None:
    now = FixedClock(1_000_000.0)
    fetcher = FakeFetcher({META: json_result(META, inline(jwk(K1, "k1")), max_age=300)})
    resolver = IssuerMetadataResolver(fetcher, clock=now)
    resolver.metadata(ISS)
    resolver.metadata(ISS)
    assert len(fetcher.calls) == 1
    now.advance(301)
    resolver.metadata(ISS)
    assert len(fetcher.calls) == 2


def test_with_safe_client_refuses_private_issuer_host() -> None:
    client = SafeHttpClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)), resolver=answers("10.0.0.1"))
    with pytest.raises(ThaiVCError) as info:
        IssuerMetadataResolver(client).metadata(ISS)
    assert info.value.code == "net.address_blocked" and not isinstance(info.value, Indeterminate)


# -- as the verifier's SD-JWT key resolver -------------------------------------------------------


def test_verifier_checks_an_sd_jwt_vc_from_an_https_issuer() -> None:
    # an https issuer's tokens name the key by its thumbprint, the kid its metadata publishes (issue 11 item 10)
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    agency, wallet = seeded_key("metadata-agency", "P-256"), seeded_key("metadata-wallet", "P-256")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": wallet.did, "birthDate": "1995-08-12"},
    }
    sd = thaivc.Issuer(agency, issuer_id=ISS, clock=clock).issue(
        credential, format="dc+sd-jwt", disclosable=["/credentialSubject/birthDate"]
    )
    fetcher = FakeFetcher({META: json_result(META, inline(jwk(agency, agency.public_key.thumbprint())))})
    # and its vct is a URL under the issuer, a type of its own the trust list names as well
    types = ["ThaiCitizenCredential", ISS.rstrip("/") + "/vct/ThaiCitizenCredential"]
    trust = StaticTrustList.from_json({"issuers": [{"id": ISS, "credential_types": types}]})
    verifier = thaivc.Verifier(
        clock=clock, sd_jwt_key_resolver=IssuerMetadataResolver(fetcher).issuer_key_resolver, trust=trust
    )
    challenge = thaivc.new_challenge()
    presented = thaivc.Holder(wallet, clock=clock).present(
        [sd], disclose=["/credentialSubject/birthDate"], challenge=challenge, domain="https://rd.go.th"
    )
    report = verifier.check(presented, challenge=challenge, domain="https://rd.go.th")
    assert report.ok, report.to_json()
    assert fetcher.urls == [META]

    impostor = FakeFetcher({META: json_result(META, inline(jwk(K2, agency.public_key.thumbprint())))})
    other = thaivc.Verifier(clock=clock, sd_jwt_key_resolver=IssuerMetadataResolver(impostor).issuer_key_resolver)
    challenge = thaivc.new_challenge()
    presented = thaivc.Holder(wallet, clock=clock).present(
        [sd], disclose=[], challenge=challenge, domain="https://rd.go.th"
    )
    refused = other.check(presented, challenge=challenge, domain="https://rd.go.th")
    assert refused.status == "failed", refused.to_json()
    assert refused.codes == ["crypto.bad_signature"]
