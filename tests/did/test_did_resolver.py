"""UniversalResolver routing: docs/security.md group I, case 63 (no network configured), method and syntax errors."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from thaivc.core.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.did import DidDocument, DidResolver, UniversalResolver, VerificationMethod
from thaivc.keys import generate_key


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve a name or open a socket fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "call",
    [
        lambda r: r.resolve("did:web:registrar.example"),
        lambda r: r.resolve("did:web:registrar.example:issuers:dbd"),
        lambda r: r.resolve_verification_method("did:web:registrar.example#key-1"),
        lambda r: r.resolve("did:web:localhost"),
    ],
)
def test_i63_did_web_without_resolver_is_indeterminate(call: Any) -> None:
    with pytest.raises(Indeterminate) as exc:
        call(UniversalResolver())
    assert exc.value.code == "did.resolver_unavailable"


@pytest.mark.parametrize("did", ["did:ion:EiAbc", "did:ethr:0xabc", "did:example:123"])
def test_unknown_method_is_not_supported(did: str) -> None:
    with pytest.raises(ThaiVCError) as exc:
        UniversalResolver().resolve(did)
    assert exc.value.code == "did.method_not_supported"
    assert not isinstance(exc.value, Indeterminate)


def test_jwk_not_configured_is_not_supported() -> None:
    key = generate_key()
    resolver = UniversalResolver({"key": UniversalResolver().methods["key"]})
    assert resolver.resolve(key.did).id == key.did
    with pytest.raises(ThaiVCError) as exc:
        resolver.resolve("did:jwk:" + "e30")
    assert exc.value.code == "did.method_not_supported"


@pytest.mark.parametrize(
    "did",
    [
        "",
        "did",
        "did:",
        "did:key",
        "did:key:",
        "DID:key:z6Mk",
        "did:KEY:z6Mk",
        "did:key:z6Mk ",
        "did:key:z6Mk#frag",
        "did:key:z6Mk/path",
        "did:key:ไทย",
        "did:web:a..%G1",
        "did:key:" + "z" * 3000,
        None,
        42,
    ],
)
def test_malformed_dids_are_did_invalid(did: Any) -> None:
    with pytest.raises(ThaiVCError) as exc:
        UniversalResolver().resolve(did)
    assert exc.value.code == "did.invalid"


@pytest.mark.parametrize(
    "vm_id",
    ["did:key:z6Mk", "did:key:z6Mk#", "did:key:z6Mk#a b", "#key-1", "did:key:z6Mk?q=1#k", None, ""],
)
def test_malformed_vm_ids_are_did_invalid(vm_id: Any) -> None:
    with pytest.raises(ThaiVCError) as exc:
        UniversalResolver().resolve_verification_method(vm_id)
    assert exc.value.code == "did.invalid"


class StaticResolver:
    """A resolver answering from a fixed table, standing in for a configured did:web resolver."""

    def __init__(self, docs: dict[str, DidDocument]) -> None:
        self.docs = docs
        self.calls = 0

    def resolve(self, did: str) -> DidDocument:
        self.calls += 1
        if did not in self.docs:
            raise ThaiVCError("did.not_found", "no such DID")
        return self.docs[did]


def _web_doc(did: str) -> tuple[DidDocument, str]:
    key = generate_key("P-256")
    vm = VerificationMethod(f"{did}#key-1", "JsonWebKey", did, key.public)
    return DidDocument(id=did, verification_methods=(vm,), assertion_method=(vm.id,)), vm.id


def test_configured_web_resolver_is_used_and_not_cached() -> None:
    doc, vm_id = _web_doc("did:web:registrar.example")
    web = StaticResolver({"did:web:registrar.example": doc})
    resolver = UniversalResolver({"web": web})
    assert isinstance(web, DidResolver)
    got_doc, vm = resolver.resolve_verification_method(vm_id)
    assert got_doc is doc and vm.id == vm_id
    resolver.resolve_verification_method(vm_id)
    assert web.calls == 2  # network-backed documents change; only pure methods are cached here
    with pytest.raises(ThaiVCError) as exc:
        resolver.resolve_verification_method("did:web:registrar.example#key-2")
    assert exc.value.code == "key.not_found"
    with pytest.raises(ThaiVCError) as exc:
        resolver.resolve("did:web:other.example")
    assert exc.value.code == "did.not_found"


def test_document_for_another_did_is_refused() -> None:
    doc, _ = _web_doc("did:web:attacker.example")
    resolver = UniversalResolver({"web": StaticResolver({"did:web:registrar.example": doc})})
    with pytest.raises(ThaiVCError) as exc:
        resolver.resolve_verification_method("did:web:registrar.example#key-1")
    assert exc.value.code == "did.id_mismatch"


def test_registering_a_non_resolver_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        UniversalResolver({"web": object()})  # type: ignore[dict-item]


def test_methods_mapping_is_read_only() -> None:
    resolver = UniversalResolver()
    assert set(resolver.methods) == {"key", "jwk"}
    with pytest.raises(TypeError):
        resolver.methods["web"] = StaticResolver({})  # type: ignore[index]
