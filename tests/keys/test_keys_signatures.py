"""Raw signature handling: JOSE/DI forms only, deterministic ECDSA, fail-closed verification."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from thaivc.keys import generate_key

KEY_TYPES = ["Ed25519", "P-256", "P-384"]
ORDERS = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
}
SIZES = {"Ed25519": 64, "P-256": 64, "P-384": 96}


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_sign_verify_and_tamper(key_type: str) -> None:
    key = generate_key(key_type)
    sig = key.sign(b"payload")
    assert len(sig) == SIZES[key_type]
    assert key.public.verify(sig, b"payload")
    assert not key.public.verify(sig, b"payload!")
    flipped = bytes([sig[0] ^ 1]) + sig[1:]
    assert not key.public.verify(flipped, b"payload")
    assert not generate_key(key_type).public.verify(sig, b"payload")


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_signing_is_deterministic(key_type: str) -> None:
    # Ed25519 is deterministic by construction; ECDSA uses RFC 6979 nonces.
    key = generate_key(key_type)
    assert key.sign(b"same input") == key.sign(b"same input")
    assert key.sign(b"same input") != key.sign(b"other input")


@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
def test_ecdsa_signature_is_standard(key_type: str) -> None:
    # An independent check through cryptography's own DER verification.
    key = generate_key(key_type)
    sig = key.sign(b"data")
    half = len(sig) // 2
    der = encode_dss_signature(int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:], "big"))
    hash_alg = hashes.SHA256() if key_type == "P-256" else hashes.SHA384()
    key.public.crypto.verify(der, b"data", ec.ECDSA(hash_alg))  # type: ignore[call-arg]


@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
def test_ecdsa_rejects_der_lengths_and_out_of_range(key_type: str) -> None:
    key = generate_key(key_type)
    pub = key.public
    sig = key.sign(b"m")
    half = len(sig) // 2
    r, s = int.from_bytes(sig[:half], "big"), int.from_bytes(sig[half:], "big")
    n = ORDERS[key_type]
    assert pub.verify(sig, b"m")
    assert not pub.verify(encode_dss_signature(r, s), b"m")  # DER is not the JOSE form
    assert not pub.verify(sig[:-1], b"m")  # 63 / 95 bytes
    assert not pub.verify(sig + b"\0", b"m")  # 65 / 97 bytes
    assert not pub.verify(b"\0" * len(sig), b"m")  # r = s = 0
    assert not pub.verify(n.to_bytes(half, "big") + sig[half:], b"m")  # r = n
    assert not pub.verify(sig[:half] + n.to_bytes(half, "big"), b"m")  # s = n
    assert not pub.verify(sig[:half] + (0).to_bytes(half, "big"), b"m")  # s = 0


@pytest.mark.parametrize("key_type", KEY_TYPES)
@pytest.mark.parametrize("bad", [b"", b"\0", "not bytes", None, 12345])
def test_verify_never_raises(key_type: str, bad: object) -> None:
    pub = generate_key(key_type).public
    assert pub.verify(bad, b"data") is False  # type: ignore[arg-type]
    assert pub.verify(b"\0" * 64, bad) is False  # type: ignore[arg-type]


def test_ed25519_wrong_lengths() -> None:
    key = generate_key()
    sig = key.sign(b"m")
    assert not key.public.verify(sig[:63], b"m")
    assert not key.public.verify(sig + b"\0", b"m")
