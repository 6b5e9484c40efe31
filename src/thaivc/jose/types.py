"""Structural types the JOSE layer needs from keys.

``thaivc.jose`` does not import ``thaivc.keys``: it states what it needs as Protocols, so the two
packages can evolve apart and tests can plug in any key object. The algorithm a signature is checked
with always comes from :attr:`VerificationKey.alg`, never from the untrusted header.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["JoseSigner", "VerificationKey"]


@runtime_checkable
class VerificationKey(Protocol):
    """A resolved public key that knows its one JOSE algorithm."""

    @property
    def alg(self) -> str:
        """``"EdDSA"``, ``"ES256"`` or ``"ES384"``: the only source of the algorithm."""
        ...

    def verify(self, signature: bytes, data: bytes) -> bool:
        """Check a raw signature (Ed25519: 64 bytes; ECDSA: ``r‖s``). ``False`` when it does not verify."""
        ...


@runtime_checkable
class JoseSigner(Protocol):
    """A private key (local or remote) that signs with one JOSE algorithm under one ``kid``."""

    @property
    def algorithm(self) -> str: ...

    @property
    def kid(self) -> str: ...

    def sign(self, data: bytes) -> bytes:
        """Return the raw JOSE signature over ``data``."""
        ...
