"""The offline DID methods: did:key (Multikey) and did:jwk (a base64url JWK).

Both are pure functions of the DID string, so their documents are cached in a bounded LRU: a
verifier resolving the same issuer key for every credential pays a dictionary lookup.
"""

from __future__ import annotations

import json
from typing import Final

from thaivc.core import fastpath
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.did._document import DidDocument, VerificationMethod
from thaivc.did._syntax import require_did
from thaivc.keys import PublicKey
from thaivc.keys._public import require_jwk_header

__all__ = ["CACHE_SIZE", "DidJwkResolver", "DidKeyResolver", "did_jwk", "did_key"]

#: Documents kept per method. Each is a few hundred bytes; the bound stops a flood of distinct
#: DIDs from growing memory without limit.
CACHE_SIZE: Final = 4096
#: A did:jwk carries one public JWK: a few hundred bytes at most.
_MAX_JWK_BYTES: Final = 1024


def did_key(public: PublicKey) -> str:
    """``did:key:`` + the key's Multikey (``z6Mk…`` Ed25519, ``zDn…`` P-256, ``z82…`` P-384)."""
    return "did:key:" + public.multikey


def did_jwk(public: PublicKey) -> str:
    """``did:jwk:`` + base64url of the public JWK in RFC 7638 member order, so it is reproducible."""
    text = json.dumps(public.jwk, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "did:jwk:" + b64url_encode(text.encode("ascii"))


def _all_relationships(did: str, vm: VerificationMethod) -> DidDocument:
    ids = (vm.id,)
    return DidDocument(
        id=did,
        verification_methods=(vm,),
        assertion_method=ids,
        authentication=ids,
        capability_invocation=ids,
        capability_delegation=ids,
    )


def _require_method(did: str, method: str) -> None:
    if require_did(did) != method:
        raise ThaiVCError("did.invalid", f"not a did:{method} DID")


@fastpath.memo("did did:key documents", "a did:key document by its DID: one key decode and check", CACHE_SIZE)
def _resolve_did_key(did: str) -> DidDocument:
    _require_method(did, "key")
    multikey = did[len("did:key:") :]
    if ":" in multikey:
        raise ThaiVCError("did.invalid", "did:key takes exactly one Multikey")
    public = PublicKey.from_multikey(multikey)  # key.invalid for prefix, codec, length, curve
    vm = VerificationMethod(f"{did}#{multikey}", "Multikey", did, public)
    return _all_relationships(did, vm)


@fastpath.memo("did did:jwk documents", "a did:jwk document by its DID: base64, JSON and key import", CACHE_SIZE)
def _resolve_did_jwk(did: str) -> DidDocument:
    _require_method(did, "jwk")
    encoded = did[len("did:jwk:") :]
    try:
        raw = b64url_decode(encoded)
    except ValueError:
        raise ThaiVCError("did.invalid", "did:jwk is not canonical base64url") from None
    try:
        jwk = loads_strict(raw, max_bytes=_MAX_JWK_BYTES, require_object=True)
    except ThaiVCError as exc:
        if exc.code.startswith("input."):
            raise  # size and depth caps keep their own codes (docs/security.md group A)
        raise ThaiVCError("did.invalid", f"did:jwk does not hold a JSON object ({exc.code})") from None
    if "d" in jwk:
        raise ThaiVCError("key.invalid", "did:jwk carries a private key")
    require_jwk_header(jwk, allow_private=False)  # use:"enc", X25519, RSA -> key.invalid
    vm = VerificationMethod(f"{did}#0", "JsonWebKey", did, PublicKey.from_jwk(jwk))
    return _all_relationships(did, vm)


class DidKeyResolver:
    """did:key, offline: one Multikey method ``did:key:z…#z…`` in all four relationships."""

    method: Final = "key"

    def resolve(self, did: str) -> DidDocument:
        return _resolve_did_key(did)


class DidJwkResolver:
    """did:jwk, offline: one JsonWebKey method ``did:jwk:…#0`` in all four relationships.

    The did:jwk specification puts ``use:"enc"`` keys under keyAgreement only; thaivc verifies
    signatures and so refuses such keys outright (docs/security.md group I).
    """

    method: Final = "jwk"

    def resolve(self, did: str) -> DidDocument:
        return _resolve_did_jwk(did)
