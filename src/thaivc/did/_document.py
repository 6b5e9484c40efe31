"""DID documents and verification methods (DID Core, Controlled Identifiers 1.0).

:meth:`DidDocument.from_json` parses documents from any method strictly: it never fetches
contexts, treats ``@context`` as plain data, and admits only methods whose key passes
:class:`~thaivc.keys.PublicKey` validation. Authorisation is answered only from the verification
relationships, never from mere presence in ``verificationMethod``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Final, Literal, NoReturn

from thaivc.core.errors import ThaiVCError
from thaivc.did._syntax import require_did, split_did_url
from thaivc.keys import PublicKey

__all__ = ["RELATIONSHIPS", "DidDocument", "Relationship", "VerificationMethod"]

Relationship = Literal["assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"]
RELATIONSHIPS: Final[tuple[Relationship, ...]] = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
)
VM_TYPES: Final = ("Multikey", "JsonWebKey")
DID_CONTEXT: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT: Final = "https://w3id.org/security/multikey/v1"
JWK_CONTEXT: Final = "https://w3id.org/security/jwk/v1"
#: Parsing an Ed25519 method costs about a millisecond (subgroup check); real documents have a
#: handful of methods, so a cap keeps a hostile 64 KiB document from buying seconds of CPU.
MAX_METHODS: Final = 64
#: Members that would put private key material into a public document.
_PRIVATE_MEMBERS: Final = ("secretKeyMultibase", "privateKeyMultibase", "privateKeyJwk")


def _bad(detail: str, loc: tuple[str | int, ...] = ()) -> NoReturn:
    raise ThaiVCError("did.invalid", detail, loc=loc)


@dataclasses.dataclass(frozen=True, slots=True)
class VerificationMethod:
    """One verification method: an absolute ``id``, its ``controller`` DID and the validated key."""

    id: str
    type: Literal["Multikey", "JsonWebKey"]
    controller: str
    public_key: PublicKey

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type, "controller": self.controller}
        if self.type == "Multikey":
            out["publicKeyMultibase"] = self.public_key.multikey
        else:
            out["publicKeyJwk"] = self.public_key.jwk
        return out


def _absolute(ref: object, doc_id: str, loc: tuple[str | int, ...]) -> str:
    """Resolve a method reference (``#frag`` or an absolute DID URL of this document)."""
    if not isinstance(ref, str) or not ref:
        _bad("a verification-method reference must be a non-empty string", loc)
    if ref.startswith("#"):
        ref = doc_id + ref
    if not ref.startswith(doc_id + "#") or len(ref) == len(doc_id) + 1:
        _bad("a verification-method id must be '#fragment' of this DID document", loc)
    return ref


def _reference(ref: object, doc_id: str, loc: tuple[str | int, ...]) -> str:
    """A relationship entry: ``#frag`` or any absolute DID URL.

    A reference into another DID document is kept (DID Core allows it) but never resolves here:
    :meth:`DidDocument.is_authorized` also requires the method to be defined in this document.
    """
    if isinstance(ref, str) and ref.startswith("#"):
        return _absolute(ref, doc_id, loc)
    try:
        split_did_url(ref)
    except ThaiVCError:
        _bad("a relationship entry must be a method id or an embedded method", loc)
    assert isinstance(ref, str)
    return ref


def _parse_vm(obj: object, doc_id: str, loc: tuple[str | int, ...]) -> VerificationMethod | None:
    """Parse one method; ``None`` for a well-formed method of a type thaivc does not verify with."""
    if not isinstance(obj, Mapping):
        _bad("a verification method must be an object", loc)
    vm_id = _absolute(obj.get("id"), doc_id, (*loc, "id"))
    controller = obj.get("controller")
    if not isinstance(controller, str):
        _bad("verification method 'controller' must be a string", (*loc, "controller"))
    require_did(controller)
    vm_type = obj.get("type")
    if not isinstance(vm_type, str):
        _bad("verification method 'type' must be a string", (*loc, "type"))
    if any(member in obj for member in _PRIVATE_MEMBERS):
        raise ThaiVCError("key.invalid", "private key material in a DID document", loc=loc)
    if vm_type == "Multikey":
        if "publicKeyJwk" in obj:
            _bad("a Multikey method carries publicKeyJwk", loc)
        value = obj.get("publicKeyMultibase")
        if not isinstance(value, str):
            _bad("Multikey without a string publicKeyMultibase", (*loc, "publicKeyMultibase"))
        return VerificationMethod(vm_id, "Multikey", controller, PublicKey.from_multikey(value))
    if vm_type == "JsonWebKey":
        if "publicKeyMultibase" in obj:
            _bad("a JsonWebKey method carries publicKeyMultibase", loc)
        jwk = obj.get("publicKeyJwk")
        if not isinstance(jwk, Mapping):
            _bad("JsonWebKey without a publicKeyJwk object", (*loc, "publicKeyJwk"))
        return VerificationMethod(vm_id, "JsonWebKey", controller, PublicKey.from_jwk(jwk))
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class DidDocument:
    """A resolved DID document, reduced to what verification needs.

    Relationship tuples hold absolute method ids. ``verification_methods`` holds every usable
    method, including those embedded in a relationship (they are authorised only there).
    """

    id: str
    verification_methods: tuple[VerificationMethod, ...] = ()
    assertion_method: tuple[str, ...] = ()
    authentication: tuple[str, ...] = ()
    capability_invocation: tuple[str, ...] = ()
    capability_delegation: tuple[str, ...] = ()
    _index: Mapping[str, VerificationMethod] = dataclasses.field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _relations: Mapping[str, frozenset[str]] = dataclasses.field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        require_did(self.id)
        if len(self.verification_methods) > MAX_METHODS:
            raise ThaiVCError("did.resolution_limit", f"more than {MAX_METHODS} verification methods")
        for name in ("assertion_method", "authentication", "capability_invocation", "capability_delegation"):
            refs = tuple(self._absolute(ref) for ref in getattr(self, name))
            object.__setattr__(self, name, refs)
        index: dict[str, VerificationMethod] = {}
        for vm in self.verification_methods:
            if not vm.id.startswith(self.id + "#") or len(vm.id) == len(self.id) + 1:
                _bad(f"verification method {vm.id!r} is not a '#fragment' of {self.id!r}")
            if vm.id in index and index[vm.id] != vm:
                _bad(f"two different verification methods share the id {vm.id!r}")
            index[vm.id] = vm
        object.__setattr__(self, "_index", index)
        object.__setattr__(
            self,
            "_relations",
            {
                "assertionMethod": frozenset(self.assertion_method),
                "authentication": frozenset(self.authentication),
                "capabilityInvocation": frozenset(self.capability_invocation),
                "capabilityDelegation": frozenset(self.capability_delegation),
            },
        )

    def _absolute(self, vm_id: str) -> str:
        if not isinstance(vm_id, str):
            _bad("a verification-method id must be a string")
        return self.id + vm_id if vm_id.startswith("#") else vm_id

    def find(self, vm_id: str) -> VerificationMethod | None:
        """The method with this id (absolute, or ``#fragment`` relative to this document)."""
        if not isinstance(vm_id, str):
            return None
        return self._index.get(self._absolute(vm_id))

    def is_authorized(self, vm_id: str, relationship: Relationship) -> bool:
        """True iff ``vm_id`` is a method of this document listed under ``relationship``."""
        allowed = self._relations.get(relationship)
        if allowed is None or not isinstance(vm_id, str):
            return False
        absolute = self._absolute(vm_id)
        return absolute in allowed and absolute in self._index

    def to_json(self) -> dict[str, Any]:
        """W3C DID document JSON; embedded methods are listed in ``verificationMethod``."""
        context = [DID_CONTEXT]
        types = {vm.type for vm in self.verification_methods}
        if "Multikey" in types:
            context.append(MULTIKEY_CONTEXT)
        if "JsonWebKey" in types:
            context.append(JWK_CONTEXT)
        out: dict[str, Any] = {"@context": context, "id": self.id}
        if self.verification_methods:
            out["verificationMethod"] = [vm.to_json() for vm in self.verification_methods]
        lists = (
            self.assertion_method,
            self.authentication,
            self.capability_invocation,
            self.capability_delegation,
        )
        for name, refs in zip(RELATIONSHIPS, lists, strict=True):
            if refs:
                out[name] = list(refs)
        return out

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], *, expected_id: str | None = None) -> DidDocument:
        """Parse a DID document that has already been through :func:`thaivc.core.jsonutil.loads_strict`.

        ``expected_id`` is the DID that was resolved; a document about another DID is refused
        with ``did.id_mismatch`` (docs/security.md group I).
        """
        if not isinstance(obj, Mapping):
            _bad("a DID document must be a JSON object")
        doc_id = obj.get("id")
        if not isinstance(doc_id, str):
            _bad("DID document 'id' must be a string", ("id",))
        require_did(doc_id)
        if expected_id is not None and doc_id != expected_id:
            raise ThaiVCError("did.id_mismatch", "the DID document describes another DID", loc=("id",))
        methods: list[VerificationMethod] = []
        declared = obj.get("verificationMethod", [])
        if not isinstance(declared, list):
            _bad("'verificationMethod' must be an array", ("verificationMethod",))
        if len(declared) > MAX_METHODS:
            raise ThaiVCError("did.resolution_limit", f"more than {MAX_METHODS} verification methods")
        for i, item in enumerate(declared):
            vm = _parse_vm(item, doc_id, ("verificationMethod", i))
            if vm is not None:
                methods.append(vm)
        relations = {name: _relationship(obj, name, doc_id, methods) for name in RELATIONSHIPS}
        return cls(
            id=doc_id,
            verification_methods=tuple(methods),
            assertion_method=relations["assertionMethod"],
            authentication=relations["authentication"],
            capability_invocation=relations["capabilityInvocation"],
            capability_delegation=relations["capabilityDelegation"],
        )


def _relationship(obj: Mapping[str, Any], name: str, doc_id: str, methods: list[VerificationMethod]) -> tuple[str, ...]:
    """The references of one verification relationship; a method embedded there joins ``methods``."""
    entries = obj.get(name, [])
    if not isinstance(entries, list):
        _bad(f"{name!r} must be an array", (name,))
    refs: list[str] = []
    for i, entry in enumerate(entries):
        if isinstance(entry, Mapping):
            vm = _parse_vm(entry, doc_id, (name, i))
            if vm is None:
                continue
            methods.append(vm)
            refs.append(vm.id)
        else:
            refs.append(_reference(entry, doc_id, (name, i)))
    return tuple(refs)
