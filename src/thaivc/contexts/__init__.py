"""Bundled, hash-pinned JSON-LD contexts and an offline document loader.

thaivc never fetches a context from the network: a verifier that did would let whoever controls
the context URL (or the network path to it) change what a signed credential means. Everything a
JSON-LD processor may load comes from a :class:`ContextRegistry`.
"""

from __future__ import annotations

from thaivc.contexts._bundled import (
    BUNDLED,
    CREDENTIALS_V1,
    CREDENTIALS_V2,
    DELEGATION_V1,
    EXAMPLES_V2,
    OWN,
    THAIVC_V1,
    BundledContext,
)
from thaivc.contexts.registry import ContextRegistry, DocumentLoader, RemoteDocument, context_digest

__all__ = [
    "BUNDLED",
    "CREDENTIALS_V1",
    "CREDENTIALS_V2",
    "DELEGATION_V1",
    "EXAMPLES_V2",
    "OWN",
    "THAIVC_V1",
    "BundledContext",
    "ContextRegistry",
    "DocumentLoader",
    "RemoteDocument",
    "context_digest",
]
