"""The default backend: ``thaivc.jose`` for compact JWS and ``thaivc.keys`` for keys and ``cnf.jwk``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from thaivc.core.errors import ThaiVCError
from thaivc.keys import PublicKey, generate_key
from thaivc.sdjwt import issue_sd_jwt, present_sd_jwt, verify_sd_jwt
from thaivc.sdjwt._backend import JoseJwsVerifier
from thaivc.sdjwt._jws import peek_compact

from .conftest import ISS, NOW, VCT, TestSigner, base_claims, craft, public_jwk

DATA = Path(__file__).parent / "data"


def _code(fn: Any) -> str:
    with pytest.raises(ThaiVCError) as info:
        fn()
    return info.value.code


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_keys_end_to_end(key_type: str) -> None:
    issuer = generate_key(key_type)
    holder = generate_key("P-256")
    sd_jwt = issue_sd_jwt(
        base_claims(),
        disclosable=["/given_name", "/address", "/address/locality"],
        signer=issuer,
        holder_jwk=holder.public_jwk,
        decoys=4,
    )
    header, _ = peek_compact(sd_jwt.split("~", 1)[0])
    assert header == {"alg": issuer.algorithm, "kid": issuer.kid, "typ": "dc+sd-jwt"}
    vp = present_sd_jwt(sd_jwt, disclose=["/address/locality"], holder_signer=holder, nonce="n", aud="a", iat=NOW)
    kb_header, _ = peek_compact(vp.rsplit("~", 1)[1])
    assert kb_header["typ"] == "kb+jwt"
    assert kb_header["alg"] == "ES256"
    result = verify_sd_jwt(
        vp,
        issuer_key_resolver=lambda h, p: issuer.public_key,
        now=NOW,
        require_kb=True,
        expected_nonce="n",
        expected_aud="a",
    )
    assert result.disclosed == ["/address", "/address/locality"]
    assert result.payload["address"]["locality"] == "กรุงเทพมหานคร"
    assert result.holder_jwk == holder.public_jwk


def test_issuer_key_of_another_type_is_an_alg_key_mismatch() -> None:
    issuer = generate_key("P-256")
    other = generate_key("Ed25519")
    sd_jwt = issue_sd_jwt(base_claims(), disclosable=[], signer=issuer)
    code = _code(
        lambda: verify_sd_jwt(sd_jwt, issuer_key_resolver=lambda h, p: other.public_key, now=NOW, require_kb=False)
    )
    assert code == "jose.alg_key_mismatch"


def test_holder_key_outside_the_allowlist_is_kb_invalid() -> None:
    issuer = TestSigner(ec.generate_private_key(ec.SECP256R1()))
    holder = TestSigner(ec.generate_private_key(ec.SECP521R1()))  # ES512: not a thaivc algorithm
    holder_jwk = public_jwk(holder.key.public_key())
    with pytest.raises(ThaiVCError) as info:  # thaivc never issues such a binding ...
        issue_sd_jwt(base_claims(), disclosable=[], signer=issuer, holder_jwk=holder_jwk)
    assert info.value.code == "usage.invalid_argument"
    # ... and refuses one made elsewhere
    part = craft(issuer, {**base_claims(), "_sd_alg": "sha-256", "cnf": {"jwk": holder_jwk}}, [])
    vp = part + holder.sign({"typ": "kb+jwt"}, {"iat": NOW, "aud": "a", "nonce": "n", "sd_hash": "x"})
    issuer_key = PublicKey.from_crypto(issuer.key.public_key())
    code = _code(
        lambda: verify_sd_jwt(
            vp, issuer_key_resolver=lambda h, p: issuer_key, now=NOW, require_kb=True, expected_nonce="n"
        )
    )
    assert code == "sdjwt.kb_invalid"


def test_issuing_with_an_unusable_signer_is_a_usage_error() -> None:
    with pytest.raises(ThaiVCError) as info:
        issue_sd_jwt({"iss": ISS, "vct": VCT}, disclosable=[], signer=object())  # type: ignore[arg-type]
    assert info.value.code == "usage.invalid_argument"


def test_rfc9901_section_5_2_through_jose() -> None:
    key = PublicKey.from_jwk(
        {
            "kty": "EC",
            "crv": "P-256",
            "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
            "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8",
        }
    )
    result = verify_sd_jwt(
        (DATA / "rfc9901-5.2-presentation.txt").read_text(),
        issuer_key_resolver=lambda h, p: key,
        now=1748361941,
        require_kb=True,
        expected_nonce="1234567890",
        expected_aud="https://verifier.example.org",
        accepted_typ=frozenset({"example+sd-jwt"}),
    )
    assert result.payload["given_name"] == "John"


def test_w3c_nested_vector_is_es512_and_refused_by_the_allowlist(vectors: Path) -> None:
    text = (vectors / "vc-jose-cose-test-suite" / "credential-sdjwt-nested.txt").read_text().strip()
    key = generate_key("P-256").public_key  # any allowlisted key: the alg check comes first
    verifier = JoseJwsVerifier(key, allow_thumbprint_kid=True)
    code = _code(lambda: verify_sd_jwt(text, issuer_key_resolver=lambda h, p: verifier, now=NOW, require_kb=False))
    assert code == "jose.alg_not_allowed"
