"""RFC 7638 JWK thumbprints (and RFC 8037 §2 for OKP keys).

The thumbprint hashes only the *required* members of the key type, sorted, without whitespace,
so two JWKs for the same key agree whatever optional members (``kid``, ``alg``, ``use``) they
carry. Handles RSA and ``oct`` too, because thumbprints are also computed over keys thaivc does
not sign with (e.g. to compare a ``cnf.jkt``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import ThaiVCError

__all__ = ["jwk_thumbprint"]

REQUIRED_MEMBERS: Final[dict[str, tuple[str, ...]]] = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
    "oct": ("k", "kty"),
}


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """base64url(SHA-256(canonical required members)) of ``jwk``; ``key.invalid`` if one is missing."""
    if not isinstance(jwk, Mapping):
        raise ThaiVCError("key.invalid", "a JWK must be a JSON object")
    members = REQUIRED_MEMBERS.get(jwk.get("kty"))  # type: ignore[arg-type]
    if members is None:
        raise ThaiVCError("key.invalid", "unknown kty")
    subset: dict[str, str] = {}
    for name in members:
        value = jwk.get(name)
        if not isinstance(value, str):
            raise ThaiVCError("key.invalid", f"JWK member {name!r} is missing or not a string")
        subset[name] = value
    canonical = json.dumps(subset, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())
