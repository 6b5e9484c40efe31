"""Item 13: P-521 (``ES512``) is refused, deliberately and clearly, as ``jose.alg_not_allowed``.

The vc-jose-cose suite signs with a P-521 key (``vm-p521.json``); ``ecdsa-rdfc-2019`` defines no
P-521, and the Thai programme's profile names P-256, P-384 and Ed25519. docs/interop.md records the
choice. Whatever carries the P-521 key — the token's ``alg``, a did:jwk, a JWK — the answer is one
code, never ``crypto.bad_signature`` or an internal error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.keys import PublicKey, load_key

from .helpers import codes, credential, verifier

VM = json.loads((Path(__file__).parents[1] / "vectors" / "vc-jose-cose-test-suite" / "vm-p521.json").read_text())


def _p521_sign(alg: str, kid: str, issuer: str) -> str:
    secret = VM["secretKeyJwk"]
    d = int.from_bytes(b64url_decode(secret["d"]), "big")
    private = ec.derive_private_key(d, ec.SECP521R1())
    header = {"alg": alg, "typ": "vc+jwt", "kid": kid}
    payload = {**credential(issuer), "issuer": issuer, "iat": 1780000000}
    signing_input = ".".join(
        b64url_encode(json.dumps(v, separators=(",", ":")).encode()) for v in (header, payload)
    )
    r, s = decode_dss_signature(private.sign(signing_input.encode(), ec.ECDSA(hashes.SHA512())))
    return signing_input + "." + b64url_encode(r.to_bytes(66, "big") + s.to_bytes(66, "big"))


def _did_jwk() -> str:
    public = {k: VM["publicKeyJwk"][k] for k in ("kty", "crv", "x", "y")}
    return "did:jwk:" + b64url_encode(json.dumps(public, separators=(",", ":")).encode())


def test_an_es512_token_is_refused_as_alg_not_allowed() -> None:
    did = _did_jwk()
    report = verifier().check(_p521_sign("ES512", did + "#0", did))
    assert report.status == "failed"
    assert codes(report) == {"jose.alg_not_allowed"}


def test_a_p521_key_under_another_alg_name_is_refused_the_same_way() -> None:
    did = _did_jwk()
    report = verifier().check(_p521_sign("ES256", did + "#0", did))
    assert report.status == "failed"
    assert "jose.alg_not_allowed" in codes(report), report.to_json()


def test_a_p521_jwk_is_refused_with_the_reason() -> None:
    with pytest.raises(ThaiVCError) as info:
        PublicKey.from_jwk(VM["publicKeyJwk"])
    assert info.value.code == "jose.alg_not_allowed" and "P-521" in info.value.detail
    with pytest.raises(ThaiVCError) as info:
        load_key(VM["secretKeyJwk"])
    assert info.value.code == "jose.alg_not_allowed"


def test_no_p521_key_can_be_generated() -> None:
    with pytest.raises(ThaiVCError):
        thaivc.generate_key("P-521")
