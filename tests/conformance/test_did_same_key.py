"""Item 11: "same key" comparisons (holder = subject, issuer = key controller) compare keys, not strings.

Digital Bazaar writes a did:jwk with the JWK members as given (``kty``, ``crv``, ``x``…); thaivc sorts
them. Both are valid did:jwk of one key; a presentation by a wallet built on either must bind to a
credential issued to the other. ``tests/interop`` checks the same with DIDs the JS library made.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import thaivc
from thaivc.core.b64 import b64url_encode
from thaivc.did import did_jwk, same_key_did
from thaivc.jose import sign_compact
from thaivc.keys import PrivateKey

from .helpers import RD, V2, clock, codes, credential, verifier


def js_did_jwk(key: PrivateKey, *extra: tuple[str, str]) -> str:
    """A did:jwk with members in the order Digital Bazaar's libraries write them (not sorted)."""
    jwk: dict[str, Any] = {"kty": key.public_jwk["kty"], "crv": key.public_jwk["crv"], "x": key.public_jwk["x"]}
    if "y" in key.public_jwk:
        jwk["y"] = key.public_jwk["y"]
    jwk.update(extra)
    return "did:jwk:" + b64url_encode(json.dumps(jwk, separators=(",", ":")).encode())


def as_did(key: PrivateKey, did: str) -> PrivateKey:
    return PrivateKey(key.crypto, did=did, kid=did + "#0")


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256"])
def test_the_two_spellings_differ_and_name_one_key(key_type: str) -> None:
    key = thaivc.generate_key(key_type)  # type: ignore[arg-type]
    ours, theirs = did_jwk(key.public_key), js_did_jwk(key)
    assert ours != theirs
    assert same_key_did(ours, theirs) and same_key_did(theirs, key.did)  # did:key of the same key too
    assert not same_key_did(theirs, did_jwk(thaivc.generate_key(key_type).public_key))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("did:web:a.example", "did:web:b.example"),
        ("did:jwk:!!!", "did:jwk:!!!x"),
        ("did:jwk:e30", "did:jwk:e30"),  # equal strings are equal, resolvable or not
        (None, None),
        ("did:jwk:e30#0", "did:jwk:e30#0"),
    ],
)
def test_other_dids_compare_as_strings(a: object, b: object) -> None:
    assert same_key_did(a, b) is (a == b and a is not None)


def test_a_jwk_with_private_members_is_no_match() -> None:
    key = thaivc.generate_key("Ed25519")
    with_d = js_did_jwk(key, ("d", key.private_jwk()["d"]))
    assert not same_key_did(with_d, did_jwk(key.public_key))


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256"])
def test_holder_binding_across_spellings(key_type: str) -> None:
    wallet = thaivc.generate_key(key_type)  # type: ignore[arg-type]
    agency = thaivc.generate_key("Ed25519")
    token = thaivc.Issuer(agency, clock=clock()).issue(credential(did_jwk(wallet.public_key)))
    js_wallet = as_did(wallet, js_did_jwk(wallet))
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(js_wallet, clock=clock()).present([token], challenge=challenge, domain=RD)
    report = verifier().check(vp, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()


def test_another_key_is_still_not_the_subject() -> None:
    wallet, thief = thaivc.generate_key("Ed25519"), thaivc.generate_key("Ed25519")
    agency = thaivc.generate_key("Ed25519")
    token = thaivc.Issuer(agency, clock=clock()).issue(credential(did_jwk(wallet.public_key)))
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(as_did(thief, js_did_jwk(thief)), clock=clock()).present([token], challenge=challenge, domain=RD)
    report = verifier().check(vp, challenge=challenge, domain=RD)
    assert report.status == "failed" and "vp.holder_not_subject" in codes(report)


def test_issuer_named_in_one_spelling_signed_under_the_other() -> None:
    agency = thaivc.generate_key("P-256")
    theirs = js_did_jwk(agency)
    payload = {**credential(agency.did), "issuer": theirs, "iat": 1780000000}
    token = sign_compact({"typ": "vc+jwt"}, payload, as_did(agency, did_jwk(agency.public_key)))
    assert verifier().check(token).ok
    forged = sign_compact({"typ": "vc+jwt"}, payload, as_did(thaivc.generate_key("P-256"), did_jwk(
        thaivc.generate_key("P-256").public_key)))
    assert "vc.issuer_key_mismatch" in codes(verifier().check(forged))


def test_data_integrity_controller_across_spellings() -> None:
    agency = thaivc.generate_key("Ed25519")
    signer = as_did(agency, did_jwk(agency.public_key))
    doc = {**credential(agency.did), "issuer": js_did_jwk(agency), "validFrom": "2026-01-01T00:00:00Z"}
    from thaivc.di import add_proof

    signed = add_proof(doc, signer, "eddsa-jcs-2022", created="2026-05-01T00:00:00Z")
    assert verifier().check(signed).ok
    doc["issuer"] = js_did_jwk(thaivc.generate_key("Ed25519"))
    other = add_proof(doc, signer, "eddsa-jcs-2022", created="2026-05-01T00:00:00Z")
    assert verifier().check(other).status == "failed"


def test_sd_jwt_issuer_kid_across_spellings() -> None:
    agency, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("Ed25519")
    theirs = js_did_jwk(agency)
    sd = thaivc.Issuer(as_did(agency, did_jwk(agency.public_key)), issuer_id=theirs, clock=clock()).issue(
        {**credential(wallet.did), "@context": [V2]}, format="dc+sd-jwt"
    )
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    assert verifier().check(vp, challenge=challenge, domain=RD).ok
