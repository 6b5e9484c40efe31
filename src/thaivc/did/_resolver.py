"""The resolver seam and the method router.

Network resolution is opt-in (docs/security.md group I): the default :class:`UniversalResolver` knows
only did:key and did:jwk, and a did:web DID without a configured resolver is *indeterminate*,
not invalid and never fetched.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Protocol, runtime_checkable

from thaivc.core import fastpath
from thaivc.core.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.did._document import DidDocument, VerificationMethod
from thaivc.did._methods import CACHE_SIZE, DidJwkResolver, DidKeyResolver
from thaivc.did._syntax import require_did, split_did_url

__all__ = ["DidResolver", "UniversalResolver"]

#: Methods whose documents are fixed by the DID itself; a missing fragment there is a bad key id.
_SELF_CERTIFYING: Final = frozenset({"key", "jwk"})
#: Methods thaivc knows how to resolve when a network resolver is configured.
_NETWORK_METHODS: Final = frozenset({"web"})


@runtime_checkable
class DidResolver(Protocol):
    """Turns a DID into its document or raises a :class:`~thaivc.core.errors.ThaiVCError`."""

    def resolve(self, did: str) -> DidDocument: ...


class UniversalResolver:
    """Routes a DID to the resolver registered for its method (default: did:key and did:jwk)."""

    __slots__ = ("_cached_vm", "_methods")

    def __init__(self, methods: Mapping[str, DidResolver] | None = None) -> None:
        if methods is None:
            methods = {"key": DidKeyResolver(), "jwk": DidJwkResolver()}
        for name, resolver in methods.items():
            if not isinstance(resolver, DidResolver):
                raise UsageError("usage.invalid_argument", f"resolver for {name!r} has no resolve()")
        self._methods: Mapping[str, DidResolver] = MappingProxyType(dict(methods))
        # Per instance, so that a resolver's cache never outlives its configuration.
        self._cached_vm = functools.lru_cache(maxsize=CACHE_SIZE)(self._resolve_vm)

    @property
    def methods(self) -> Mapping[str, DidResolver]:
        return self._methods

    def resolve(self, did: str) -> DidDocument:
        method = require_did(did)
        resolver = self._methods.get(method)
        if resolver is not None:
            return resolver.resolve(did)
        if method in _NETWORK_METHODS:
            raise Indeterminate("did.resolver_unavailable", f"no resolver configured for did:{method}")
        raise ThaiVCError("did.method_not_supported", f"did:{method} is not supported")

    def resolve_verification_method(self, vm_id: str) -> tuple[DidDocument, VerificationMethod]:
        """Resolve ``did…#fragment`` to its document and method.

        The method must be defined in the document of the DID it names. For did:key and did:jwk
        a fragment that is not the key's own is ``key.invalid`` (docs/security.md group I); for other
        methods it is ``key.not_found``. Results for the pure built-in methods are cached (a fast path,
        per resolver: :mod:`thaivc.core.fastpath` turns it off).
        """
        if isinstance(vm_id, str) and vm_id.startswith(("did:key:", "did:jwk:")):
            resolver = self._methods.get(vm_id[4:7])
            if isinstance(resolver, DidKeyResolver | DidJwkResolver) and fastpath.ON[0]:
                return self._cached_vm(vm_id)
        return self._resolve_vm(vm_id)

    def _resolve_vm(self, vm_id: str) -> tuple[DidDocument, VerificationMethod]:
        did, _ = split_did_url(vm_id)
        document = self.resolve(did)
        if document.id != did:
            raise ThaiVCError("did.id_mismatch", "the resolver returned a document for another DID")
        vm = document.find(vm_id)
        if vm is None:
            if require_did(did) in _SELF_CERTIFYING:
                raise ThaiVCError("key.invalid", "the fragment does not name this DID's key")
            raise ThaiVCError("key.not_found", "no verification method with this id in the DID document")
        return document, vm
