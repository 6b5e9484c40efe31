"""Item 4: VCDM 2.0 §4.5 (JSON-LD meaning) holds for every securing mechanism, ``vc+jwt`` included.

The W3C fixture ``credential-type-mapped-nonurl-fail`` (a type mapped to ``https ://not-a-url``) was
signed and verified as ``vc+jwt`` and ``eddsa-jcs-2022``; a token signed by another library with an
attacker's context, an inline ``@vocab`` or a redefined term verified too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import thaivc
from thaivc.core.errors import ThaiVCError

from .helpers import V2, clock, codes, credential, sign_raw, verifier

SUITE = Path(__file__).parents[1] / "vectors" / "vc-data-model-2.0-test-suite"


def _fixture(name: str, issuer: str) -> dict[str, Any]:
    doc = json.loads((SUITE / name).read_text(encoding="utf-8"))
    doc["issuer"] = issuer
    return dict(doc)


@pytest.mark.parametrize(
    ("fmt", "suite"), [("vc+jwt", None), ("di", "eddsa-jcs-2022"), ("di", "eddsa-rdfc-2022"), ("dc+sd-jwt", None)]
)
def test_the_w3c_type_mapped_nonurl_fixture_is_not_issued(fmt: str, suite: str | None) -> None:
    key = thaivc.generate_key("Ed25519")
    doc = _fixture("credential-type-mapped-nonurl-fail.json", key.did)
    options: dict[str, Any] = {"cryptosuite": suite} if suite else {}
    with pytest.raises(ThaiVCError) as info:
        thaivc.Issuer(key, clock=clock()).issue(doc, format=fmt, **options)  # type: ignore[arg-type]
    assert info.value.code == "di.data_loss"


BAD_CONTEXTS: list[Any] = [
    pytest.param([V2, {"ExampleTestCredential": "https ://not-a-url#ExampleTestCredential"}], "di.data_loss",
                 id="type-mapped-nonurl"),
    pytest.param([V2, {"name": None}], "di.data_loss", id="term-mapped-null"),
    pytest.param([V2, {"Thing": {"@id": "relative#x"}}], "di.data_loss", id="relative-iri"),
    pytest.param([V2, {"Thing": {"@id": "https://ex.example/x", "@type": "not an iri"}}], "di.data_loss",
                 id="type-coercion-nonurl"),
    pytest.param([V2, {"@vocab": "https://attacker.example/#"}], "di.vocab_not_allowed", id="inline-vocab"),
    pytest.param([V2, "https://ctx.attacker.example/v1"], "di.context_not_allowed", id="unknown-context"),
    pytest.param([V2, {"VerifiableCredential": "https://attacker.example/#VC"}], "di.context_not_allowed",
                 id="redefined-protected-term"),
]


@pytest.mark.parametrize(("context", "code"), BAD_CONTEXTS)
def test_vc_jwt_verification_applies_the_context_rules(context: list[Any], code: str) -> None:
    # signed by another library that runs no JSON-LD checks: the signature is fine, the meaning is not
    key = thaivc.generate_key("Ed25519")
    payload = {**credential(key.did), "@context": context, "issuer": key.did, "iat": 1780000000}
    token = sign_raw(key, {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.kid}, payload)
    report = verifier().check(token)
    assert report.status == "failed"
    assert code in codes(report), report.to_json()
    assert report.document is None


def test_vp_jwt_verification_applies_the_context_rules() -> None:
    key = thaivc.generate_key("Ed25519")
    challenge = thaivc.new_challenge()
    payload = {
        "@context": [V2, {"@vocab": "https://attacker.example/#"}], "type": ["VerifiablePresentation"],
        "holder": key.did, "nonce": challenge, "iat": 1780000000,
    }
    token = sign_raw(key, {"alg": "EdDSA", "typ": "vp+jwt", "kid": key.kid}, payload)
    report = verifier().check(token, challenge=challenge)
    assert "di.vocab_not_allowed" in codes(report)


def test_a_well_formed_inline_context_still_verifies() -> None:
    key = thaivc.generate_key("Ed25519")
    doc = credential(key.did)
    doc["@context"] = [V2, {"ThaiCitizenCredential": "https://example.go.th/vocab#ThaiCitizenCredential"}]
    token = thaivc.Issuer(key, clock=clock()).issue(doc)
    assert verifier().check(token).ok


def test_the_verifiers_own_registry_admits_its_contexts() -> None:
    import hashlib

    from thaivc.contexts import ContextRegistry

    key = thaivc.generate_key("Ed25519")
    url = "https://contexts.example.go.th/thai/v1"
    raw = json.dumps({"@context": {"@protected": True, "Thai": "https://example.go.th/v#Thai"}}).encode()
    registry = ContextRegistry.default()
    registry.register(url, raw, hashlib.sha256(raw).hexdigest())
    payload = {**credential(key.did), "@context": [V2, url], "issuer": key.did, "iat": 1780000000}
    token = sign_raw(key, {"alg": "EdDSA", "typ": "vc+jwt", "kid": key.kid}, payload)
    assert "di.context_not_allowed" in codes(verifier().check(token))
    assert thaivc.Verifier(clock=clock(), contexts=registry).check(token).ok
