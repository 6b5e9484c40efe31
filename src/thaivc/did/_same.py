"""Whether two DIDs name the same key, for the methods whose identifier *is* the key.

A did:jwk encodes a JWK as JSON, and JSON has more than one spelling of one object: thaivc writes
the members sorted, Digital Bazaar's libraries as given. Both are valid, and both name one key, so
"is the holder the subject?" and "is this key the issuer's?" must compare keys, not strings, or a
peer's wallet is refused for its JSON member order. A did:key and a did:jwk of one key are the same
key too. Every other DID is an identifier in its own right (two did:web with one key are two
parties), so for them only the exact string counts.
"""

from __future__ import annotations

import functools
from typing import Final

from thaivc.core.errors import ThaiVCError
from thaivc.did._methods import DidJwkResolver, DidKeyResolver

__all__ = ["same_key_did"]

_KEY_METHODS: Final = ("did:key:", "did:jwk:")
#: A did:jwk is a few hundred characters; anything longer is not compared by key (exact only).
_MAX_DID_CHARS: Final = 2048


def same_key_did(a: object, b: object) -> bool:
    """``True`` when ``a`` and ``b`` are the same DID, or key-derived DIDs of the same public key.

    Key-derived means did:key or did:jwk, resolved offline; a DID that does not resolve is never
    the same as anything but itself. The comparison is of RFC 7638 thumbprints, which ignore member
    order and any member but the key's own (``kid``, ``use``, ``alg`` …).
    """
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    if a == b:
        return True
    return _thumbprint(a) is not None and _thumbprint(a) == _thumbprint(b)


@functools.lru_cache(maxsize=1024)
def _thumbprint(did: str) -> str | None:
    if len(did) > _MAX_DID_CHARS or not did.startswith(_KEY_METHODS) or "#" in did:
        return None
    resolver = DidKeyResolver() if did.startswith("did:key:") else DidJwkResolver()
    try:
        methods = resolver.resolve(did).verification_methods
    except ThaiVCError:
        return None
    if len(methods) != 1:
        return None
    return methods[0].public_key.thumbprint()
