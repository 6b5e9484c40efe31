"""DIDs: documents, verification relationships, and offline did:key / did:jwk resolution."""

from thaivc.did._document import RELATIONSHIPS, DidDocument, Relationship, VerificationMethod
from thaivc.did._methods import DidJwkResolver, DidKeyResolver, did_jwk, did_key
from thaivc.did._resolver import DidResolver, UniversalResolver
from thaivc.did._same import same_key_did

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
    "same_key_did",
]
