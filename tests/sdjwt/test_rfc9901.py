"""Cross-checks against the examples of RFC 9901 (§4.2, §5.1, §5.2; keys from Appendix A.5).

These inputs were produced by another implementation (the specification's example generator), so
they pin digest computation, claim reconstruction, ``sd_hash`` and KB-JWT verification to the
standard rather than to our own issuer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.sdjwt import verify_sd_jwt
from thaivc.sdjwt._disclosure import parse_disclosure
from thaivc.sdjwt._kb import sd_hash

from .conftest import TestVerifier, load_jwk

DATA = Path(__file__).parent / "data"
ISSUER_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
    "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8",
}
EXAMPLE_TYP = frozenset({"example+sd-jwt"})
KB_IAT = 1748361941

# RFC 9901 §5.1: disclosure contents → the SHA-256 digest printed next to them.
SECTION_5_1 = [
    ('["2GLC42sKQveCfGfryNRN9w", "given_name", "John"]', "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4"),
    ('["eluV5Og3gSNII8EYnsxA_A", "family_name", "Doe"]', "TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo"),
    (
        '["6Ij7tM-a5iVPGboS5tmvVA", "email", "johndoe@example.com"]',
        "JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE",
    ),
    (
        '["eI8ZWm9QnKPpNPeNenHdhQ", "phone_number", "+1-202-555-0101"]',
        "PorFbpKuVu6xymJagvkFsFXAbRoc2JGlAUA2BA4o7cI",
    ),
    (
        '["Qg_O64zqAxe412a108iroA", "phone_number_verified", true]',
        "XQ_3kPKt1XyX7KANkqVR6yZ2Va5NrPIvPYbyMvRKBMM",
    ),
    ('["Pc33JM2LchcU_lHggv_ufQ", "birthdate", "1940-01-01"]', "gbOsI4Edq2x2Kw-w5wPEzakob9hV1cRD0ATN3oQL9JM"),
    ('["G02NSrQfjFXQ7Io09syajA", "updated_at", 1570000000]', "CrQe7S5kqBAHt-nMYXgc6bdt2SH5aTY1sU_M-PgkjPI"),
    ('["lklxF5jMYlGTPUovMNIvCA", "US"]', "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo"),
    ('["nPuoQnkRFq3BIeAm7AnXFA", "DE"]', "7Cf6JkPudry3lcbwHgeZ8khAv1U1OSlerP0VkBJrWZ0"),
]


def _issuer_verifier() -> TestVerifier:
    key = ECAlgorithm.from_jwk(ISSUER_JWK)
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return TestVerifier(key)


def _verify(text: str, **kw: Any) -> Any:
    kw.setdefault("issuer_key_resolver", lambda header, payload: _issuer_verifier())
    kw.setdefault("now", KB_IAT)
    kw.setdefault("accepted_typ", EXAMPLE_TYP)
    kw.setdefault("holder_key_loader", load_jwk)
    return verify_sd_jwt(text, **kw)


@pytest.mark.parametrize(("contents", "digest"), SECTION_5_1)
def test_section_5_1_disclosure_digests(contents: str, digest: str) -> None:
    encoded = b64url_encode(contents.encode())
    parsed = parse_disclosure(encoded, hashlib.sha256)
    assert parsed.digest == digest
    assert parsed.encoded == encoded


def test_section_4_2_1_non_ascii_disclosure_keeps_its_exact_bytes() -> None:
    # RFC 9901 §4.2.1: "Möbius" as raw UTF-8; the digest is over this exact encoding.
    encoded = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    parsed = parse_disclosure(encoded, hashlib.sha256)
    assert parsed.value == "Möbius"
    assert parsed.digest == b64url_encode(hashlib.sha256(encoded.encode()).digest())


def test_section_5_1_full_sd_jwt() -> None:
    result = _verify((DATA / "rfc9901-5.1-sd-jwt.txt").read_text(), require_kb=False)
    assert result.payload == {
        "iss": "https://issuer.example.com",
        "iat": 1683000000,
        "exp": 1883000000,
        "sub": "user_42",
        "given_name": "John",
        "family_name": "Doe",
        "email": "johndoe@example.com",
        "phone_number": "+1-202-555-0101",
        "phone_number_verified": True,
        "address": {
            "street_address": "123 Main St",
            "locality": "Anytown",
            "region": "Anystate",
            "country": "US",
        },
        "birthdate": "1940-01-01",
        "updated_at": 1570000000,
        "nationalities": ["US", "DE"],
        "cnf": result.payload["cnf"],
    }
    assert len(result.disclosed) == 10
    assert result.header == {"alg": "ES256", "typ": "example+sd-jwt"}


def test_section_5_2_presentation_with_key_binding() -> None:
    text = (DATA / "rfc9901-5.2-presentation.txt").read_text()
    signed_part = text[: text.rindex("~") + 1]
    assert sd_hash(hashlib.sha256, signed_part) == "1-Lcf6CiBmP72JDFuBF0bvalS-FzIlXyiCkJXp7pJmc"
    result = _verify(text, require_kb=True, expected_nonce="1234567890", expected_aud="https://verifier.example.org")
    assert result.disclosed == ["/address", "/family_name", "/given_name", "/nationalities/0"]
    assert result.payload["nationalities"] == ["US"]
    assert "email" not in result.payload
    assert result.kb_payload == {
        "nonce": "1234567890",
        "aud": "https://verifier.example.org",
        "iat": KB_IAT,
        "sd_hash": "1-Lcf6CiBmP72JDFuBF0bvalS-FzIlXyiCkJXp7pJmc",
    }
    assert result.holder_jwk["x"] == "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc"


def test_section_5_2_is_not_an_sd_jwt_vc() -> None:
    """Without opting into the RFC's placeholder profile, its typ is refused."""
    text = (DATA / "rfc9901-5.2-presentation.txt").read_text()
    with pytest.raises(ThaiVCError) as info:
        _verify(text, require_kb=False, accepted_typ=frozenset({"dc+sd-jwt", "vc+sd-jwt"}))
    assert info.value.code == "jose.typ_mismatch"


def test_section_5_2_replayed_later_is_refused() -> None:
    text = (DATA / "rfc9901-5.2-presentation.txt").read_text()
    with pytest.raises(ThaiVCError) as info:
        _verify(text, now=KB_IAT + 301, require_kb=True, expected_nonce="1234567890")
    assert info.value.code == "sdjwt.kb_replay"
