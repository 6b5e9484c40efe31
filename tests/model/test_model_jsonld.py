"""JSON-LD checks: offline contexts, no @vocab injection, no silent data loss (docs/security.md group E, cases 25–27)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.contexts import CREDENTIALS_V2, ContextRegistry, context_digest
from thaivc.core.errors import ThaiVCError
from thaivc.model import require_jsonld

VECTORS = Path(__file__).parent.parent / "vectors"
REGISTRY = ContextRegistry.default()


def credential(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:dopa.go.th",
        "credentialSubject": {"id": "did:example:subject", "name": "สมชาย ใจดี"},
    }
    doc.update(extra)
    return doc


def code_of(doc: dict[str, Any], registry: ContextRegistry = REGISTRY) -> str | None:
    try:
        require_jsonld(doc, registry)
    except ThaiVCError as exc:
        return exc.code
    return None


def test_plain_credential_passes_and_is_not_modified() -> None:
    doc = credential()
    pristine = copy.deepcopy(doc)
    assert code_of(doc) is None
    assert doc == pristine


@pytest.mark.parametrize(
    "context",
    [
        [CREDENTIALS_V2, "https://ctx.attacker.example/v1"],
        [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2#"],
        [CREDENTIALS_V2, {"@import": "https://ctx.attacker.example/v1"}],
        [
            CREDENTIALS_V2,
            {"Thing": {"@id": "https://e.example/#T", "@context": "https://ctx.attacker.example/v1"}},
        ],
    ],
)
def test_unknown_remote_contexts_are_never_fetched(context: list[Any]) -> None:
    assert code_of(credential(**{"@context": context})) == "di.context_not_allowed"


@pytest.mark.parametrize(
    "inline",
    [
        {"@vocab": "https://evil.example/#"},
        {"@vocab": None},
        {"@base": "https://evil.example/"},
        {"Thing": {"@id": "https://e.example/#T", "@context": {"@vocab": "https://evil.example/#"}}},
    ],
)
def test_vocab_and_base_are_refused(inline: dict[str, Any]) -> None:
    assert code_of(credential(**{"@context": [CREDENTIALS_V2, inline]})) == "di.vocab_not_allowed"


@pytest.mark.parametrize(
    "inline",
    [
        {"name": "https://evil.example/#name"},  # protected in the v2 context
        {"VerifiableCredential": "https://evil.example/#VC"},
        {"id": "https://evil.example/#id"},
    ],
)
def test_redefining_terms_is_refused(inline: dict[str, Any]) -> None:
    assert code_of(credential(**{"@context": [CREDENTIALS_V2, inline]})) == "di.context_not_allowed"


def test_inline_context_may_add_terms() -> None:
    doc = credential(
        **{"@context": [CREDENTIALS_V2, {"ThaiCitizen": "https://vocab.example.go.th/#ThaiCitizen"}]}
    )
    doc["type"] = ["VerifiableCredential", "ThaiCitizen"]
    assert code_of(doc) is None


def test_inline_redefinition_within_one_context_list_is_refused() -> None:
    doc = credential(
        **{"@context": [CREDENTIALS_V2, {"Ex": "https://e.example/#A"}, {"Ex": "https://evil.example/#B"}]}
    )
    assert code_of(doc) == "di.context_not_allowed"


def test_undefined_term_is_data_loss() -> None:
    """The pinned v2 context has no @vocab: an undefined claim would not be signed under RDFC."""
    doc = credential()
    doc["credentialSubject"]["givenName"] = "สมชาย"
    assert code_of(doc) == "di.data_loss"
    doc["@context"] = [CREDENTIALS_V2, {"givenName": "https://schema.org/givenName"}]
    assert code_of(doc) is None


def test_nested_inline_context_in_subject_is_refused() -> None:
    doc = credential()
    doc["credentialSubject"]["@context"] = {"givenName": "https://evil.example/#given"}
    assert code_of(doc) == "di.context_not_allowed"


def test_term_mapped_to_null_is_data_loss() -> None:
    doc = credential(**{"@context": [CREDENTIALS_V2, {"secret": None}]})
    doc["credentialSubject"]["secret"] = "not signed under RDF"
    assert code_of(doc) == "di.data_loss"


def test_relative_identifier_is_data_loss() -> None:
    assert code_of(credential(id="credentials/1")) == "di.data_loss"
    doc = credential()
    doc["credentialSubject"]["id"] = "subject"
    assert code_of(doc) == "di.data_loss"


def test_undefined_term_under_v1_context_is_data_loss() -> None:
    """The VC 1.1 context has no @vocab: an undefined property would silently vanish."""
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:dopa.go.th",
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject", "undefinedClaim": "x"},
    }
    assert code_of(doc) == "di.data_loss"
    del doc["credentialSubject"]["undefinedClaim"]
    assert code_of(doc) is None


def test_document_that_is_not_a_credential_is_refused() -> None:
    doc = {"@context": [CREDENTIALS_V2], "type": ["https://e.example/#NotACredential"], "name": "x"}
    assert code_of(doc) == "vc.type_invalid"
    # without the credential type its scoped context does not apply: its terms would be lost
    assert code_of(credential(type=["https://e.example/#NotACredential"])) == "di.data_loss"
    assert code_of("x") == "vc.malformed"  # type: ignore[arg-type]


def test_registered_context_is_usable() -> None:
    url = "https://contexts.example.go.th/thai-id/v1"
    context = {"@context": {"@protected": True, "citizenId": "https://vocab.example.go.th/#citizenId"}}
    doc = credential(**{"@context": [CREDENTIALS_V2, url]})
    doc["credentialSubject"]["citizenId"] = "1101700230705"
    assert code_of(doc) == "di.context_not_allowed"
    registry = ContextRegistry.default()
    registry.register(url, context, context_digest(context))
    assert code_of(doc, registry) is None


def test_proofs_are_left_to_the_cryptosuite() -> None:
    """A proof's own terms are checked by thaivc.di, so an unknown proof type is not data loss here."""
    doc = credential(
        proof={"type": "Ed25519Signature2020", "proofValue": "z3x", "created": "2025-01-01T00:00:00Z"}
    )
    assert code_of(doc) is None


SIGNED_VECTORS = sorted(
    p.relative_to(VECTORS).as_posix()
    for p in (VECTORS / "vc-di-eddsa").rglob("*.json")
    if p.name.startswith(("signed", "unsigned", "employmentAuth"))
)


def test_signed_vectors_were_found() -> None:
    assert len(SIGNED_VECTORS) >= 10


@pytest.mark.parametrize("path", SIGNED_VECTORS)
def test_w3c_eddsa_vectors_pass(path: str) -> None:
    """Every VCDM 2.0 document of the vc-di-eddsa suite, signed or not, passes the checks."""
    doc = json.loads((VECTORS / path).read_text(encoding="utf-8"))
    assert code_of(doc) is None


def test_deep_nesting_fails_closed() -> None:
    doc = credential()
    node: dict[str, Any] = doc["credentialSubject"]
    for _ in range(5000):
        node["name"] = {"name": None}
        node = node["name"]
    assert code_of(doc) == "input.too_deep"


def test_production_registry_leaves_out_the_examples_vocab() -> None:
    doc = credential(**{"@context": [CREDENTIALS_V2, "https://www.w3.org/ns/credentials/examples/v2"]})
    doc["credentialSubject"]["anyClaim"] = "x"
    assert code_of(doc) is None  # the examples context's @vocab defines every term
    assert code_of(doc, ContextRegistry.default(examples=False)) == "di.context_not_allowed"
