"""The signing seam: anything that can produce a raw signature under a known ``kid``.

Issuers and holders depend on this Protocol, never on :class:`PrivateKey`, so a key held in a KMS
or HSM plugs in without the library ever seeing private material.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from thaivc.keys._public import PublicKey

__all__ = ["Signer"]


@runtime_checkable
class Signer(Protocol):
    """Produces raw JOSE/DI signatures (Ed25519 ``R‖S``, ECDSA ``r‖s``) for one verification method."""

    @property
    def algorithm(self) -> str:
        """JOSE ``alg``: EdDSA, ES256 or ES384."""
        ...

    @property
    def kid(self) -> str:
        """Verification-method id (an absolute DID URL)."""
        ...

    @property
    def public_key(self) -> PublicKey:
        """The public half, used to check what was signed and to build DID documents."""
        ...

    def sign(self, data: bytes) -> bytes: ...
