"""A :class:`~thaivc.keys.Signer` that delegates to a callback (a KMS, an HSM, a remote signer).

The callback receives the exact bytes to sign and returns the signature. It may return the raw
JOSE form or, as most KMS APIs do for ECDSA, a DER ``SEQUENCE{r, s}``; set ``der=True`` for the
latter and the signer converts it. Every signature is checked against ``public_key`` before it is
returned (``verify_output=True``), so a misconfigured key id in the KMS fails at issuance, not at
every verifier.
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.keys._public import CURVES, PublicKey

__all__ = ["CallbackSigner", "signer_unavailable"]


def signer_unavailable(exc: BaseException) -> ThaiVCError:
    """The error of a signing service that raised ``exc``: its type only, never its message."""
    return ThaiVCError("key.signer_unavailable", f"the signer raised {type(exc).__name__}")


class CallbackSigner:
    """Signs through ``callback(data) -> signature`` for verification method ``kid``."""

    __slots__ = ("_callback", "_der", "_kid", "_public", "_verify_output")

    def __init__(
        self,
        callback: Callable[[bytes], bytes],
        *,
        public_key: PublicKey,
        kid: str,
        der: bool = False,
        verify_output: bool = True,
    ) -> None:
        if not isinstance(public_key, PublicKey):
            raise UsageError("usage.invalid_argument", "public_key must be a thaivc PublicKey")
        if not isinstance(kid, str) or "#" not in kid:
            raise UsageError("usage.invalid_argument", "kid must be a DID URL with a fragment")
        self._callback = callback
        self._public = public_key
        self._kid = kid
        self._der = der
        self._verify_output = verify_output

    @property
    def algorithm(self) -> str:
        return self._public.alg

    @property
    def kid(self) -> str:
        return self._kid

    @property
    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, data: bytes) -> bytes:
        try:
            signature = self._callback(data)
        except ThaiVCError:
            raise
        except Exception as exc:  # whatever the KMS client raises: its outage, by type only
            raise signer_unavailable(exc) from None
        if not isinstance(signature, bytes | bytearray):
            raise ThaiVCError("crypto.bad_signature", "the signing callback did not return bytes")
        signature = bytes(signature)
        if self._der and self._public.key_type != "Ed25519":
            size = CURVES[self._public.key_type].size
            try:
                r, s = decode_dss_signature(signature)
                signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
            except (ValueError, OverflowError):
                raise ThaiVCError("crypto.bad_signature", "the signing callback returned bad DER") from None
        if self._verify_output and not self._public.verify(signature, data):
            raise ThaiVCError("crypto.bad_signature", "the signing callback's signature does not verify")
        return signature

    def __repr__(self) -> str:
        return f"CallbackSigner({self._public.key_type}, kid={self._kid!r})"
