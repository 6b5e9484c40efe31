"""Default JWS backend and the coercions that keep the injection seam.

Callers may hand the SD-JWT layer either an object that already speaks the seam of
:mod:`thaivc.sdjwt._jws` (``sign(header, payload)`` / ``verify(token, expected_typ)``) or, once
:mod:`thaivc.jose` is available, a plain key. This module is the one place that decides which.
"""

from __future__ import annotations

from typing import Any

from thaivc.errors import UsageError

from ._jws import JwsSigner, JwsVerifier

__all__ = ["KeyLike", "SignerLike", "as_signer", "as_verifier", "default_holder_key_loader"]

KeyLike = JwsVerifier
SignerLike = JwsSigner


def as_verifier(key: KeyLike) -> JwsVerifier:
    if callable(getattr(key, "verify", None)):
        return key
    raise UsageError("usage.invalid_argument", f"{type(key).__name__} cannot verify a compact JWS")


def as_signer(signer: SignerLike) -> JwsSigner:
    if callable(getattr(signer, "sign", None)):
        return signer
    raise UsageError("usage.invalid_argument", f"{type(signer).__name__} cannot sign a compact JWS")


def default_holder_key_loader(jwk: dict[str, Any]) -> JwsVerifier:
    raise UsageError("usage.invalid_argument", "no holder_key_loader configured for cnf.jwk")
