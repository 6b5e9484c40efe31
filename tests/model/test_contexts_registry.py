"""Bundled contexts: pinned digests, provenance, and a loader that never reaches the network."""

from __future__ import annotations

import hashlib
import json
import socket
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from thaivc.contexts import BUNDLED, CREDENTIALS_V2, ContextRegistry, context_digest
from thaivc.contexts.registry import _read_bundled
from thaivc.core.errors import ThaiVCError, UsageError

DATA = resources.files("thaivc.contexts").joinpath("data")
VECTORS = Path(__file__).parent.parent / "vectors"
EXAMPLE_URL = "https://contexts.example.go.th/thai-id/v1"
EXAMPLE = {"@context": {"@protected": True, "citizenId": "https://vocab.example.go.th/#citizenId"}}


def bundled_bytes(path: str) -> bytes:
    return DATA.joinpath(*path.split("/")).read_bytes()


@pytest.mark.parametrize("url", sorted(BUNDLED))
def test_bundled_digest_matches_file(url: str) -> None:
    entry = BUNDLED[url]
    assert hashlib.sha256(bundled_bytes(entry.path)).hexdigest() == entry.sha256


@pytest.mark.parametrize("url", sorted(BUNDLED))
def test_bundled_files_are_the_vectors(url: str) -> None:
    """The shipped copy is byte-identical to the pinned W3C file kept with the test vectors."""
    name = BUNDLED[url].path
    candidates = [VECTORS / "contexts" / name, VECTORS / "vc-di-eddsa" / "lds-ed25519-2020-v1.json"]
    sources = [p.read_bytes() for p in candidates if p.exists()]
    assert bundled_bytes(name) in sources


def test_sources_note_lists_every_bundled_file_and_url() -> None:
    note = DATA.joinpath("SOURCES.md").read_text(encoding="utf-8")
    for url, entry in BUNDLED.items():
        assert f"`{entry.path}`" in note
        assert f"`{url}`" in note


def test_the_four_required_contexts_are_bundled() -> None:
    for url in (
        CREDENTIALS_V2,
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "https://www.w3.org/ns/credentials/status/v1",
    ):
        assert url in ContextRegistry.default()


def test_load_returns_the_parsed_document_as_a_private_copy() -> None:
    registry = ContextRegistry.default()
    first = registry.load(CREDENTIALS_V2)
    assert first == json.loads(bundled_bytes(BUNDLED[CREDENTIALS_V2].path))
    first["@context"]["VerifiableCredential"] = "https://evil.example/#VC"
    assert registry.load(CREDENTIALS_V2) != first


@pytest.mark.parametrize(
    "url",
    [
        "https://ctx.attacker.example/v1",
        "https://www.w3.org/ns/credentials/v2/",
        "http://www.w3.org/ns/credentials/v2",
        "",
    ],
)
def test_anything_else_is_not_allowed(url: str) -> None:
    with pytest.raises(ThaiVCError) as caught:
        ContextRegistry.default().load(url)
    assert caught.value.code == "di.context_not_allowed"


def test_document_loader_has_the_pyld_shape() -> None:
    loader = ContextRegistry.default().document_loader
    remote = loader(CREDENTIALS_V2, {})
    assert remote["contextUrl"] is None
    assert remote["documentUrl"] == CREDENTIALS_V2
    assert "@context" in remote["document"]
    with pytest.raises(ThaiVCError) as caught:
        loader("https://ctx.attacker.example/v1", {})
    assert caught.value.code == "di.context_not_allowed"


def test_loader_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    doc = {"@context": [CREDENTIALS_V2, "https://ctx.attacker.example/v1"], "type": "VerifiableCredential"}
    with pytest.raises(jsonld.JsonLdError) as caught:
        jsonld.expand(doc, ContextRegistry.default().jsonld_options())
    assert "not bundled or registered" in repr(caught.value.__cause__)


def test_register_a_pinned_mapping() -> None:
    registry = ContextRegistry.default()
    registry.register(EXAMPLE_URL, EXAMPLE, context_digest(EXAMPLE))
    assert registry.load(EXAMPLE_URL) == EXAMPLE
    assert registry.sha256(EXAMPLE_URL) == context_digest(EXAMPLE)
    assert EXAMPLE_URL not in ContextRegistry.default(), "registrations must not leak between registries"


def test_register_pinned_bytes() -> None:
    raw = json.dumps(EXAMPLE).encode()
    registry = ContextRegistry.default()
    registry.register(EXAMPLE_URL, raw, hashlib.sha256(raw).hexdigest())
    assert registry.load(EXAMPLE_URL) == EXAMPLE


def test_digest_mismatch_is_refused() -> None:
    registry = ContextRegistry.default()
    tampered = {"@context": {"@protected": True, "citizenId": "https://evil.example/#id"}}
    with pytest.raises(ThaiVCError) as caught:
        registry.register(EXAMPLE_URL, tampered, context_digest(EXAMPLE))
    assert caught.value.code == "di.context_not_allowed"
    assert EXAMPLE_URL not in registry


def test_conflicting_registration_and_frozen_registry_are_usage_errors() -> None:
    registry = ContextRegistry.default()
    other = {"@context": {"x": "https://e.example/#x"}}
    with pytest.raises(UsageError):
        registry.register(CREDENTIALS_V2, other, context_digest(other))
    with pytest.raises(UsageError):
        registry.register(EXAMPLE_URL, EXAMPLE, "not-a-digest")
    with pytest.raises(UsageError):
        registry.register(EXAMPLE_URL, {"no": "context"}, context_digest({"no": "context"}))
    registry.freeze()
    assert registry.frozen
    with pytest.raises(UsageError):
        registry.register(EXAMPLE_URL, EXAMPLE, context_digest(EXAMPLE))
    # re-registering identical content is harmless
    fresh = ContextRegistry.default()
    fresh.register(
        CREDENTIALS_V2, bundled_bytes(BUNDLED[CREDENTIALS_V2].path), BUNDLED[CREDENTIALS_V2].sha256
    )


def test_bundled_file_with_wrong_pin_is_refused() -> None:
    with pytest.raises(ThaiVCError) as caught:
        _read_bundled(BUNDLED[CREDENTIALS_V2].path, "0" * 64)
    assert caught.value.code == "di.context_not_allowed"


def test_contexts_are_processed_once_per_registry() -> None:
    calls: list[str] = []

    class Counting(ContextRegistry):
        def load(self, url: str) -> dict[str, Any]:
            calls.append(url)
            return super().load(url)

    registry = Counting.default()
    doc = {
        "@context": [CREDENTIALS_V2],
        "type": "VerifiableCredential",
        "credentialSubject": {"id": "did:ex:1"},
    }
    for _ in range(3):
        jsonld.expand(doc, registry.jsonld_options())
    assert calls == [CREDENTIALS_V2]
