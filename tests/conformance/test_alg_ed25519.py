"""Item 6, RFC 9864: ``alg: "Ed25519"`` is read as well as ``EdDSA``; ``EdDSA`` stays the default."""

from __future__ import annotations

import pytest

import thaivc
from thaivc.core.errors import UsageError
from thaivc.jose import parse_compact, sign_compact, verify_compact

from .helpers import RD, clock, codes, credential, segments, sign_raw, verifier


def _payload(key: thaivc.PrivateKey, holder: str) -> dict[str, object]:
    doc = credential(holder, issuer=key.did, validFrom="2026-01-01T00:00:00Z")
    return {**doc, "iat": 1780000000}


def test_a_token_signed_as_ed25519_verifies() -> None:
    key, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    token = sign_raw(key, {"alg": "Ed25519", "typ": "vc+jwt", "kid": key.kid}, _payload(key, wallet.did))
    report = verifier().check(token)
    assert report.ok, report.to_json()
    assert next(c for c in report.checks if c.name == "alg").detail == "Ed25519"


def test_ed25519_alg_with_an_ec_key_is_refused() -> None:
    # the spelling names the key type: Ed25519 over a P-256 key is an algorithm/key confusion
    key = thaivc.generate_key("P-256")
    token = sign_raw(key, {"alg": "Ed25519", "typ": "vc+jwt", "kid": key.kid}, _payload(key, key.did))
    report = verifier().check(token)
    assert report.status == "failed"
    assert "jose.alg_key_mismatch" in codes(report)


def test_forged_signature_under_the_new_name_fails() -> None:
    key = thaivc.generate_key("Ed25519")
    token = sign_raw(key, {"alg": "Ed25519", "typ": "vc+jwt", "kid": key.kid}, _payload(key, key.did))
    head, body, sig = token.split(".")
    forged = f"{head}.{body}.{sig[:-4]}AAAA"
    assert "crypto.bad_signature" in codes(verifier().check(forged))


def test_policy_can_refuse_the_new_name() -> None:
    key = thaivc.generate_key("Ed25519")
    token = sign_raw(key, {"alg": "Ed25519", "typ": "vc+jwt", "kid": key.kid}, _payload(key, key.did))
    report = verifier(allowed_algs=frozenset({"EdDSA", "ES256"})).check(token)
    assert report.status == "failed" and "jose.alg_not_allowed" in codes(report)


@pytest.mark.parametrize("alg", ["ed25519", "ED25519", "Ed448", "EdDSA25519"])
def test_lookalike_names_are_refused(alg: str) -> None:
    key = thaivc.generate_key("Ed25519")
    token = sign_raw(key, {"alg": alg, "typ": "vc+jwt", "kid": key.kid}, _payload(key, key.did))
    assert "jose.alg_not_allowed" in codes(verifier().check(token))


def test_default_issuance_still_says_eddsa_and_the_option_says_ed25519() -> None:
    key, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("Ed25519")
    old = thaivc.Issuer(key, clock=clock()).issue(credential(wallet.did))
    new = thaivc.Issuer(key, clock=clock(), fully_specified_alg=True).issue(credential(wallet.did))
    assert segments(old)[0]["alg"] == "EdDSA"
    assert segments(new)[0]["alg"] == "Ed25519"
    assert verifier().check(new).ok
    sd = thaivc.Issuer(key, clock=clock(), fully_specified_alg=True).issue(
        credential(wallet.did), format="dc+sd-jwt", disclosable=["/credentialSubject/name"]
    )
    assert segments(sd)[0]["alg"] == "Ed25519"
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    assert verifier().check(vp, challenge=challenge, domain=RD).ok


def test_the_option_leaves_ec_keys_alone() -> None:
    key = thaivc.generate_key("P-384")
    token = thaivc.Issuer(key, clock=clock(), fully_specified_alg=True).issue(credential(key.did))
    assert segments(token)[0]["alg"] == "ES384"


def test_sign_compact_refuses_a_header_alg_of_another_key_type() -> None:
    key = thaivc.generate_key("P-256")
    with pytest.raises(UsageError):
        sign_compact({"typ": "vc+jwt", "alg": "Ed25519"}, {}, key)


def test_verify_compact_maps_only_ed25519_to_eddsa() -> None:
    key = thaivc.generate_key("Ed25519")
    token = sign_compact({"typ": "vc+jwt"}, {"a": 1}, key, fully_specified=True)
    parsed = parse_compact(token, expected_typ=frozenset({"vc+jwt"}))
    verify_compact(parsed, key.public_key)
