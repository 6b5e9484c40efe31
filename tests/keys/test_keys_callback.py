"""CallbackSigner: the KMS/HSM seam signs through a callback and is checked before use."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.keys import CallbackSigner, PrivateKey, Signer, generate_key


class FakeKms:
    """Holds the private key out of the signer's reach, like a remote KMS; counts calls."""

    def __init__(self, key: PrivateKey) -> None:
        self._key = key
        self.calls: list[bytes] = []

    def sign_raw(self, data: bytes) -> bytes:
        self.calls.append(data)
        return self._key.sign(data)

    def sign_der(self, data: bytes) -> bytes:
        # Most cloud KMS APIs return ECDSA signatures as DER.
        self.calls.append(data)
        crypto = self._key.crypto
        assert isinstance(crypto, ec.EllipticCurvePrivateKey)
        return crypto.sign(data, ec.ECDSA(hashes.SHA256()))


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_signs_through_callback(key_type: str) -> None:
    key = generate_key(key_type)
    kms = FakeKms(key)
    signer = CallbackSigner(kms.sign_raw, public_key=key.public, kid=key.kid)
    assert isinstance(signer, Signer)
    assert signer.algorithm == key.alg and signer.kid == key.kid and signer.public_key == key.public
    sig = signer.sign(b"to be signed")
    assert kms.calls == [b"to be signed"]
    assert key.public.verify(sig, b"to be signed")
    assert key.private_jwk()["d"] not in repr(signer)


def test_der_output_is_converted() -> None:
    key = generate_key("P-256")
    kms = FakeKms(key)
    signer = CallbackSigner(kms.sign_der, public_key=key.public, kid=key.kid, der=True)
    sig = signer.sign(b"data")
    assert len(sig) == 64 and key.public.verify(sig, b"data")


def test_wrong_key_in_kms_fails_at_signing() -> None:
    key, other = generate_key(), generate_key()
    signer = CallbackSigner(FakeKms(other).sign_raw, public_key=key.public, kid=key.kid)
    with pytest.raises(ThaiVCError) as exc:
        signer.sign(b"data")
    assert exc.value.code == "crypto.bad_signature"


@pytest.mark.parametrize("output", [None, "text", b"\x30\x00garbage"])
def test_bad_callback_output(output: object) -> None:
    key = generate_key("P-256")
    signer = CallbackSigner(lambda _: output, public_key=key.public, kid=key.kid, der=True)  # type: ignore[arg-type, return-value]
    with pytest.raises(ThaiVCError) as exc:
        signer.sign(b"data")
    assert exc.value.code == "crypto.bad_signature"


def test_unchecked_mode_returns_callback_output() -> None:
    key = generate_key()
    signer = CallbackSigner(lambda _: b"\0" * 64, public_key=key.public, kid=key.kid, verify_output=False)
    assert signer.sign(b"data") == b"\0" * 64


def test_constructor_validates_arguments() -> None:
    key = generate_key()
    with pytest.raises(UsageError):
        CallbackSigner(key.sign, public_key=key.public_jwk, kid=key.kid)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        CallbackSigner(key.sign, public_key=key.public, kid="no-fragment")
