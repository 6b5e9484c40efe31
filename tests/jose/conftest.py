"""Test keys: a thin adapter from ``cryptography`` keys to the JOSE Protocols.

The adapter is deliberately independent of ``thaivc.keys`` (developed separately) so the JOSE layer
is tested against its Protocols alone. ECDSA signatures are converted between JOSE's raw ``r‖s``
and the DER form ``cryptography`` uses; on verify, the raw form is length- and range-checked
(r, s ∈ [1, n−1]) before conversion so malformed values are refused, not reinterpreted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from thaivc.core.b64 import b64url_decode

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey

_CURVES: dict[str, tuple[type[ec.EllipticCurve], Any, int, int]] = {
    # alg: (curve, hash, coordinate bytes, group order n)
    "ES256": (
        ec.SECP256R1,
        hashes.SHA256,
        32,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    ),
    "ES384": (
        ec.SECP384R1,
        hashes.SHA384,
        48,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
    ),
}
ORDER = {alg: spec[3] for alg, spec in _CURVES.items()}


def _alg_for(key: PublicKey) -> str:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "EdDSA"
    for alg, (curve, _, _, _) in _CURVES.items():
        if isinstance(key.curve, curve):
            return alg
    raise ValueError(f"unsupported curve {key.curve.name}")


@dataclass(frozen=True)
class CryptoPublicKey:
    """Satisfies ``thaivc.jose.VerificationKey``."""

    key: PublicKey

    @property
    def alg(self) -> str:
        return _alg_for(self.key)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            if isinstance(self.key, ed25519.Ed25519PublicKey):
                if len(signature) != 64:
                    return False
                self.key.verify(signature, data)
                return True
            _, hash_cls, size, order = _CURVES[self.alg]
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            if not (1 <= r < order and 1 <= s < order):
                return False
            self.key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_cls()))
            return True
        except InvalidSignature:
            return False


@dataclass(frozen=True)
class CryptoSigner:
    """Satisfies ``thaivc.jose.JoseSigner``."""

    key: PrivateKey
    kid: str

    @property
    def algorithm(self) -> str:
        return _alg_for(self.key.public_key())

    def public(self) -> CryptoPublicKey:
        return CryptoPublicKey(self.key.public_key())

    def sign(self, data: bytes) -> bytes:
        if isinstance(self.key, ed25519.Ed25519PrivateKey):
            return self.key.sign(data)
        _, hash_cls, size, _ = _CURVES[self.algorithm]
        r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(hash_cls())))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def _int(value: str) -> int:
    return int.from_bytes(b64url_decode(value), "big")


def public_from_jwk(jwk: dict[str, Any]) -> CryptoPublicKey:
    if jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519":
        return CryptoPublicKey(ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"])))
    curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}[jwk["crv"]]
    numbers = ec.EllipticCurvePublicNumbers(_int(jwk["x"]), _int(jwk["y"]), curve)
    return CryptoPublicKey(numbers.public_key())


def make_signer(alg: str, kid: str = "did:example:issuer#key-1") -> CryptoSigner:
    if alg == "EdDSA":
        return CryptoSigner(ed25519.Ed25519PrivateKey.generate(), kid)
    return CryptoSigner(ec.generate_private_key(_CURVES[alg][0]()), kid)


@pytest.fixture(scope="session")
def signers() -> dict[str, CryptoSigner]:
    """One fresh signer per allowed algorithm, shared across the session (key generation is slow)."""
    return {alg: make_signer(alg) for alg in ("EdDSA", "ES256", "ES384")}


@pytest.fixture(scope="session")
def jose_suite(vectors: Path) -> Path:
    return vectors / "vc-jose-cose-test-suite"


@pytest.fixture(scope="session")
def vm_key(jose_suite: Path) -> Callable[[str], CryptoPublicKey]:
    def load(name: str) -> CryptoPublicKey:
        doc = json.loads((jose_suite / f"vm-{name}.json").read_text("utf-8"))
        return public_from_jwk(doc["publicKeyJwk"])

    return load
