"""PublicKey parsing: JWK and Multikey round trips, vector Multikeys, thumbprints, rejections."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.keys import PublicKey, generate_key, jwk_thumbprint, load_key
from thaivc.keys._base58 import b58encode

KEY_TYPES = ["Ed25519", "P-256", "P-384"]
P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1


def _code(exc: pytest.ExceptionInfo[ThaiVCError]) -> str:
    return exc.value.code


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_jwk_and_multikey_round_trip(key_type: str) -> None:
    pub = generate_key(key_type).public
    assert PublicKey.from_jwk(pub.jwk) == pub
    assert PublicKey.from_multikey(pub.multikey) == pub
    assert PublicKey.from_crypto(pub.crypto) == pub
    assert pub.key_type == key_type
    assert hash(PublicKey.from_multikey(pub.multikey)) == hash(pub)


@pytest.mark.parametrize(
    ("key_type", "alg", "hash_name", "prefix"),
    [
        ("Ed25519", "EdDSA", "sha256", "z6Mk"),
        ("P-256", "ES256", "sha256", "zDn"),
        ("P-384", "ES384", "sha384", "z82"),
    ],
)
def test_algorithm_hash_and_prefix(key_type: str, alg: str, hash_name: str, prefix: str) -> None:
    pub = generate_key(key_type).public
    assert (pub.alg, pub.hash_name) == (alg, hash_name)
    assert pub.multikey.startswith(prefix)


@pytest.mark.parametrize(
    "name", ["vc-di-eddsa/keyPair.json", "vc-di-ecdsa/p256KeyPair.json", "vc-di-ecdsa/p384KeyPair.json"]
)
def test_vector_key_pairs(vectors: Path, name: str) -> None:
    pair = json.loads((vectors / name).read_text())
    secret = pair.get("secretKeyMultibase", pair.get("privateKeyMultibase"))
    key = load_key(secret)
    # The Multikey we derive from the secret must equal the one the W3C suite publishes.
    assert key.public.multikey == pair["publicKeyMultibase"]  # type: ignore[union-attr]
    pub = PublicKey.from_multikey(pair["publicKeyMultibase"])
    assert pub == key.public  # type: ignore[union-attr]
    assert PublicKey.from_jwk(pub.jwk).multikey == pair["publicKeyMultibase"]


def test_optional_members_consistent_with_signing_are_accepted() -> None:
    pub = generate_key("P-256").public
    jwk = {**pub.jwk, "use": "sig", "key_ops": ["verify"], "alg": "ES256", "kid": "k1"}
    assert PublicKey.from_jwk(jwk) == pub


def test_jwk_is_a_fresh_copy() -> None:
    pub = generate_key().public
    jwk = pub.jwk
    jwk["x"] = "tampered"
    assert pub.jwk["x"] != "tampered"


def test_public_key_is_immutable() -> None:
    pub = generate_key().public
    with pytest.raises(AttributeError):
        pub._raw = b"x"
    with pytest.raises(AttributeError):
        pub.foo = 1


def test_rfc7638_example_thumbprint() -> None:
    # RFC 7638 §3.1: the RSA example key and its published thumbprint.
    jwk = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_rfc8037_ed25519_thumbprint() -> None:
    # RFC 8037 Appendix A.2/A.3: the Ed25519 example public key and its thumbprint.
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert PublicKey.from_jwk(jwk).thumbprint() == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert jwk_thumbprint({**jwk, "kid": "x", "use": "sig"}) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_thumbprint_requires_members() -> None:
    with pytest.raises(ThaiVCError) as exc:
        jwk_thumbprint({"kty": "EC", "crv": "P-256", "x": "AA"})
    assert _code(exc) == "key.invalid"
    with pytest.raises(ThaiVCError):
        jwk_thumbprint({"kty": "XYZ"})


def _ed_jwk() -> dict[str, Any]:
    return dict(generate_key().public_jwk)


def _p256_jwk() -> dict[str, Any]:
    return dict(generate_key("P-256").public_jwk)


def _rsa_jwk() -> dict[str, Any]:
    nums = rsa.generate_private_key(65537, 2048).public_key().public_numbers()
    return {
        "kty": "RSA",
        "n": b64url_encode(nums.n.to_bytes(256, "big")),
        "e": b64url_encode(nums.e.to_bytes(3, "big")),
    }


def _x25519_jwk() -> dict[str, Any]:
    raw = x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()
    return {"kty": "OKP", "crv": "X25519", "x": b64url_encode(raw)}


def _p256_off_curve() -> dict[str, Any]:
    jwk = _p256_jwk()
    y = int.from_bytes(b64url_decode(jwk["y"]), "big")
    jwk["y"] = b64url_encode(((y + 1) % P256_P).to_bytes(32, "big"))
    return jwk


P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B


def _p256_coordinate_too_big() -> dict[str, Any]:
    # A genuine curve point with a small x, then x written as x + p: the same point mod p, but a
    # non-canonical coordinate that must be refused rather than silently reduced.
    x = 0
    while pow((x**3 - 3 * x + P256_B) % P256_P, (P256_P - 1) // 2, P256_P) != 1:
        x += 1
    y = pow((x**3 - 3 * x + P256_B) % P256_P, (P256_P + 1) // 4, P256_P)
    good = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url_encode(x.to_bytes(32, "big")),
        "y": b64url_encode(y.to_bytes(32, "big")),
    }
    PublicKey.from_jwk(good)  # the canonical spelling is a valid key
    return {**good, "x": b64url_encode((x + P256_P).to_bytes(32, "big"))}


BAD_JWKS: dict[str, Callable[[], Any]] = {
    "not an object": lambda: ["kty", "OKP"],
    "unknown kty": lambda: {**_ed_jwk(), "kty": "XYZ"},
    "unknown crv": lambda: {**_p256_jwk(), "crv": "P-192"},  # P-521 is jose.alg_not_allowed (tests/conformance)
    "secp256k1": lambda: {**_p256_jwk(), "crv": "secp256k1"},
    "rsa": _rsa_jwk,
    "x25519": _x25519_jwk,
    "use enc": lambda: {**_ed_jwk(), "use": "enc"},
    "private d": lambda: dict(generate_key().private_jwk()),
    "key_ops encrypt": lambda: {**_ed_jwk(), "key_ops": ["verify", "encrypt"]},
    "key_ops not a list": lambda: {**_ed_jwk(), "key_ops": "verify"},
    "alg mismatch": lambda: {**_ed_jwk(), "alg": "ES256"},
    "x too short": lambda: {**_ed_jwk(), "x": b64url_encode(bytes(31))},
    "x padded": lambda: {**_ed_jwk(), "x": _ed_jwk()["x"] + "="},
    "x not a string": lambda: {**_ed_jwk(), "x": 5},
    "y missing": lambda: {k: v for k, v in _p256_jwk().items() if k != "y"},
    "off curve": _p256_off_curve,
    "coordinate >= p": _p256_coordinate_too_big,
}


@pytest.mark.parametrize("case", sorted(BAD_JWKS))
def test_bad_public_jwk_is_key_invalid(case: str) -> None:
    jwk = BAD_JWKS[case]()
    with pytest.raises(ThaiVCError) as exc:
        PublicKey.from_jwk(jwk)
    assert _code(exc) == "key.invalid"


def _multikey(header: bytes, body: bytes) -> str:
    return "z" + b58encode(header + body)


def _p256_compressed_off_curve() -> str:
    # Find an x with no square root of x^3 - 3x + b: its "compressed point" names no curve point.
    x = 1
    while pow((x**3 - 3 * x + P256_B) % P256_P, (P256_P - 1) // 2, P256_P) == 1:
        x += 1
    return _multikey(b"\x80\x24", b"\x02" + x.to_bytes(32, "big"))


BAD_MULTIKEYS: dict[str, Callable[[], Any]] = {
    "base64 multibase": lambda: "m" + generate_key().public.multikey[1:],
    "hex multibase": lambda: "f" + bytes.fromhex("ed01").hex() + "00" * 32,
    "not base58": lambda: "z0OIl" + generate_key().public.multikey[5:],
    "unknown codec x25519": lambda: _multikey(b"\xec\x01", bytes(32)),
    "ed25519 prefix ed00": lambda: _multikey(b"\xed\x00", generate_key().public.raw),
    "non-minimal varint": lambda: _multikey(b"\xed\x81\x00", generate_key().public.raw),
    "ed25519 31 bytes": lambda: _multikey(b"\xed\x01", generate_key().public.raw[:31]),
    "ed25519 33 bytes": lambda: _multikey(b"\xed\x01", generate_key().public.raw + b"\0"),
    "p256 uncompressed prefix": lambda: _multikey(
        b"\x80\x24", b"\x04" + generate_key("P-256").public.raw[1:]
    ),
    "p256 off curve": _p256_compressed_off_curve,
    "p384 wrong length": lambda: _multikey(b"\x81\x24", generate_key("P-256").public.raw),
    "secret multikey": lambda: _multikey(b"\x80\x26", bytes(range(32))),
    "empty": lambda: "z",
    "not a string": lambda: 42,
}


@pytest.mark.parametrize("case", sorted(BAD_MULTIKEYS))
def test_bad_multikey_is_key_invalid(case: str) -> None:
    with pytest.raises(ThaiVCError) as exc:
        PublicKey.from_multikey(BAD_MULTIKEYS[case]())
    assert _code(exc) == "key.invalid"


def test_from_crypto_rejects_other_objects() -> None:
    for obj in (
        rsa.generate_private_key(65537, 2048).public_key(),
        ec.generate_private_key(ec.SECP521R1()).public_key(),
        ed25519.Ed25519PrivateKey.generate(),
        "not a key",
    ):
        with pytest.raises(ThaiVCError) as exc:
            PublicKey.from_crypto(obj)
        assert _code(exc) == "key.invalid"
