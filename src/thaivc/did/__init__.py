"""DIDs: documents, verification relationships, and offline did:key / did:jwk resolution."""

from thaivc.did._document import RELATIONSHIPS, DidDocument, Relationship, VerificationMethod
from thaivc.did._methods import DidJwkResolver, DidKeyResolver, did_jwk, did_key
from thaivc.did._resolver import DidResolver, UniversalResolver

__all__ = [
    "RELATIONSHIPS",
    "DidDocument",
    "DidJwkResolver",
    "DidKeyResolver",
    "DidResolver",
    "Relationship",
    "UniversalResolver",
    "VerificationMethod",
    "did_jwk",
    "did_key",
]
