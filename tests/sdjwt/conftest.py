"""Test JWS backend over ``cryptography`` (ES256, ES384, EdDSA) and shared SD-JWT fixtures.

The backend implements the seam of ``thaivc.sdjwt._jws`` independently of ``thaivc.jose`` so the
SD-JWT layer is tested on its own. It is strict where SD-JWT relies on strictness (canonical
base64url, strict JSON, alg taken from the key, typ checked) and nothing more.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import dumps_compact, loads_strict

PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey

_CURVES: dict[str, tuple[str, Any, int]] = {
    "secp256r1": ("ES256", hashes.SHA256(), 32),
    "secp384r1": ("ES384", hashes.SHA384(), 48),
    "secp521r1": ("ES512", hashes.SHA512(), 66),
}


def alg_of(key: PrivateKey | PublicKey) -> str:
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    return _CURVES[key.curve.name][0]


class TestSigner:
    """Signs a compact JWS; ``alg`` and ``kid`` come from the key, never from the caller."""

    __test__ = False

    def __init__(self, key: PrivateKey, kid: str | None = None) -> None:
        self.key = key
        self.kid = kid
        self.alg = alg_of(key)

    def sign(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        h = {"alg": self.alg, **header}
        if self.kid is not None:
            h["kid"] = self.kid
        return self.sign_raw(h, payload)

    def sign_raw(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        """Sign exactly ``header`` (tests use this to forge headers)."""
        signing_input = (
            b64url_encode(dumps_compact(header).encode()) + "." + b64url_encode(dumps_compact(payload).encode())
        )
        data = signing_input.encode("ascii")
        if isinstance(self.key, ed25519.Ed25519PrivateKey):
            sig = self.key.sign(data)
        else:
            _, hash_alg, size = _CURVES[self.key.curve.name]
            r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(hash_alg)))
            sig = r.to_bytes(size, "big") + s.to_bytes(size, "big")
        return signing_input + "." + b64url_encode(sig)

    @property
    def public_jwk(self) -> dict[str, Any]:
        return public_jwk(self.key.public_key())


class TestVerifier:
    """Verifies a compact JWS with one key (the algorithm comes from the key)."""

    __test__ = False

    def __init__(self, key: PublicKey) -> None:
        self.key = key
        self.key_alg = alg_of(key)

    def verify(self, token: str, expected_typ: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        parts = token.split(".")
        if len(parts) != 3:
            raise InputError("jose.malformed", "not three segments")
        try:
            h_raw, p_raw, sig = (b64url_decode(p) for p in parts)
        except ValueError:
            raise InputError("jose.malformed", "bad base64url") from None
        header = loads_strict(h_raw, require_object=True)
        payload = loads_strict(p_raw, require_object=True)
        if header.get("alg") not in {"EdDSA", "ES256", "ES384", "ES512"}:
            raise InputError("jose.alg_not_allowed", "alg not allowed")
        if header["alg"] != self.key_alg:
            raise InputError("jose.alg_key_mismatch", "alg does not fit the key")
        if {"jwk", "jku", "x5u", "x5c"} & header.keys():
            raise InputError("jose.untrusted_key_source", "key in header")
        if header.get("typ") not in expected_typ:
            raise InputError("jose.typ_mismatch", "unexpected typ")
        data = (parts[0] + "." + parts[1]).encode("ascii")
        try:
            if isinstance(self.key, ed25519.Ed25519PublicKey):
                self.key.verify(sig, data)
            else:
                _, hash_alg, size = _CURVES[self.key.curve.name]
                if len(sig) != 2 * size:
                    raise InputError("crypto.bad_signature", "wrong signature length")
                r, s = int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big")
                if r == 0 or s == 0:
                    raise InputError("crypto.bad_signature", "zero r or s")
                self.key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_alg))
        except InvalidSignature:
            raise InputError("crypto.bad_signature", "signature does not verify") from None
        return header, payload


def public_jwk(key: PublicKey) -> dict[str, Any]:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return dict(OKPAlgorithm.to_jwk(key, as_dict=True))
    return dict(ECAlgorithm.to_jwk(key, as_dict=True))


def load_jwk(jwk: dict[str, Any]) -> TestVerifier:
    """cnf.jwk → verifier (PyJWT parses the JWK; cryptography checks the point is on the curve)."""
    try:
        if jwk.get("kty") == "OKP":
            key: Any = OKPAlgorithm.from_jwk(jwk)
        elif jwk.get("kty") == "EC":
            key = ECAlgorithm.from_jwk(jwk)
        else:
            raise InputError("key.unsupported", "unsupported kty")
    except InputError:
        raise
    except Exception:
        raise InputError("key.invalid", "bad JWK") from None
    if not isinstance(key, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise InputError("key.invalid", "not a public key")
    return TestVerifier(key)


class SeededRandom:
    """A deterministic stand-in for :mod:`secrets` (tests only)."""

    def __init__(self, seed: int) -> None:
        self._r = random.Random(seed)

    def token_bytes(self, nbytes: int) -> bytes:
        return self._r.randbytes(nbytes)

    def randbelow(self, exclusive_upper_bound: int) -> int:
        return self._r.randrange(exclusive_upper_bound)


NOW = 1_767_225_600  # 2026-01-01T00:00:00Z
ISS = "https://registrar.example.go.th"
VCT = "https://credentials.example.go.th/citizen"


@pytest.fixture(scope="session")
def issuer() -> TestSigner:
    return TestSigner(ec.generate_private_key(ec.SECP256R1()), kid=ISS + "#key-1")


@pytest.fixture(scope="session")
def holder() -> TestSigner:
    return TestSigner(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(scope="session")
def attacker() -> TestSigner:
    return TestSigner(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(scope="session", params=["seam", "jose"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run verification through the test backend of this file and through ``thaivc.jose``/``keys``."""
    return str(request.param)


def issuer_key(backend: str, signer: TestSigner) -> Any:
    """What a key resolver returns: a seam verifier, or a raw ``thaivc.keys.PublicKey``."""
    public = signer.key.public_key()
    if backend == "jose":
        from thaivc.keys import PublicKey

        return PublicKey.from_crypto(public)
    return TestVerifier(public)


@pytest.fixture(scope="session")
def resolver(backend: str, issuer: TestSigner) -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    key = issuer_key(backend, issuer)

    def resolve(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        if payload.get("iss") != ISS:
            raise InputError("trust.untrusted_issuer", "unknown issuer")
        return key

    return resolve


@pytest.fixture(scope="session")
def lax(backend: str, issuer: TestSigner) -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    """A resolver that returns the issuer key whatever the payload says (for payloads without iss)."""
    key = issuer_key(backend, issuer)
    return lambda header, payload: key


def base_claims() -> dict[str, Any]:
    return {
        "iss": ISS,
        "vct": VCT,
        "iat": NOW - 3600,
        "exp": NOW + 86400 * 365,
        "given_name": "สมชาย",
        "family_name": "ใจดี",
        "birthdate": "1990-05-17",
        "nationalities": ["TH", "JP"],
        "address": {"locality": "กรุงเทพมหานคร", "country": "TH", "postal_code": "10200"},
    }


@pytest.fixture
def verify(backend: str, resolver: Callable[..., Any]) -> Callable[..., Any]:
    """``verify_sd_jwt`` with this suite's resolver, clock and holder-key loader as defaults."""
    from thaivc.sdjwt import verify_sd_jwt

    def run(presentation: str, **kw: Any) -> Any:
        kw.setdefault("issuer_key_resolver", resolver)
        kw.setdefault("now", NOW)
        kw.setdefault("require_kb", False)
        if backend == "seam":
            kw.setdefault("holder_key_loader", load_jwk)
        return verify_sd_jwt(presentation, **kw)

    return run


def encode_disclosure(array: list[Any]) -> str:
    return b64url_encode(dumps_compact(array).encode())


def digest_of(encoded: str, alg: str = "sha-256") -> str:
    """Independent digest computation (hashlib directly), for crafting hostile inputs."""
    return b64url_encode(hashlib.new(alg.replace("-", ""), encoded.encode("ascii")).digest())


def craft(
    signer: TestSigner,
    payload: dict[str, Any],
    disclosures: list[str],
    *,
    header: dict[str, Any] | None = None,
) -> str:
    """Sign an arbitrary (possibly hostile) payload as the issuer and attach ``disclosures``."""
    token = signer.sign_raw({"alg": signer.alg, "typ": "dc+sd-jwt", **(header or {})}, payload)
    return token + "~" + "".join(d + "~" for d in disclosures)


def plain_payload(**extra: Any) -> dict[str, Any]:
    return {"iss": ISS, "vct": VCT, "iat": NOW - 60, "_sd_alg": "sha-256", **extra}
