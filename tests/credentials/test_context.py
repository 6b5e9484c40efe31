"""The thaivc v1 JSON-LD context: pinned, protected, no @vocab, and every term of every type expands.

``require_jsonld`` is the Data Integrity pre-flight (``di.data_loss`` when a term would not be
signed), so a document passing it here can be signed with an ``*-rdfc-*`` cryptosuite.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from thaivc.assurance import DocumentPresentedEvidence, Evidence, ThaidLoginEvidence
from thaivc.contexts import OWN, THAIVC_V1, ContextRegistry
from thaivc.core.errors import ThaiVCError
from thaivc.credentials import citizen_credential, foreigner_credential, juristic_credential
from thaivc.model.jsonld import require_jsonld
from thaivc.registries import FakeDbd

from ._samples import EVIDENCE_23, MAUNG, SOMCHAI

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
ISSUED = {"issuer": "did:example:agency", "validFrom": "2026-06-01T00:00:00Z"}


CONTEXT_DIR = Path(str(resources.files("thaivc.contexts").joinpath("data")))


def _context() -> dict[str, Any]:
    raw = resources.files("thaivc.contexts").joinpath("data", OWN[THAIVC_V1].path).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == OWN[THAIVC_V1].sha256
    return dict(json.loads(raw))


@pytest.fixture(scope="module")
def registry() -> ContextRegistry:
    return ContextRegistry.default(examples=False)


def test_context_is_pinned_and_loadable(registry: ContextRegistry) -> None:
    assert THAIVC_V1 in registry
    assert registry.load(THAIVC_V1) == _context()


def test_context_is_protected_and_has_no_vocab() -> None:
    ctx = _context()["@context"]
    assert ctx["@protected"] is True
    assert "@vocab" not in ctx and "@base" not in ctx


def _properties(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        for name in node.get("properties", {}):
            out.add(name)
        for value in node.values():
            _properties(value, out)
    elif isinstance(node, list):
        for value in node:
            _properties(value, out)


def _terms(ctx: dict[str, Any]) -> set[str]:
    terms = set(ctx)
    for scoped in ctx.values():
        if isinstance(scoped, dict) and isinstance(scoped.get("@context"), dict):
            terms |= _terms(scoped["@context"])
    return terms


def test_every_schema_property_is_a_context_term() -> None:
    """Each schema's properties are terms of the context its credentials use (ours, or delegation's)."""
    # terms the W3C v2 context defines (with Data Integrity's proof terms, which v2 embeds)
    v2_terms = {
        "id",
        "type",
        "@context",
        "issuer",
        "credentialSubject",
        "credentialSchema",
        "credentialStatus",
        "evidence",
        "validFrom",
        "validUntil",
        "name",
        "description",
        "proof",
        "proofPurpose",
        "verificationMethod",
        "created",
        "expires",
        "cryptosuite",
        "proofValue",
        "previousProof",
    }
    contexts = {
        "delegation-credential.json": ("thaivc-v1.jsonld", "delegation-v1.jsonld"),
    }
    for path in SCHEMAS.glob("*.json"):
        terms: set[str] = set()
        for name in contexts.get(path.name, ("thaivc-v1.jsonld",)):
            terms |= _terms(json.loads((CONTEXT_DIR / name).read_text(encoding="utf-8"))["@context"])
        found: set[str] = set()
        _properties(json.loads(path.read_text(encoding="utf-8")), found)
        assert found - terms - v2_terms == set(), path.name


def _issued(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, **ISSUED}


def test_citizen_document_expands_without_loss(registry: ContextRegistry) -> None:
    evidence = EVIDENCE_23.add(
        ThaidLoginEvidence(ial="2.3"),
        DocumentPresentedEvidence(document="thai_id_card", chip_read=True, in_person=True),
    )
    doc = citizen_credential("did:example:c", SOMCHAI, ial="2.3", aal="2.2", evidence=evidence)
    require_jsonld(_issued(doc), registry)


def test_foreigner_document_expands_without_loss(registry: ContextRegistry) -> None:
    require_jsonld(_issued(foreigner_credential("did:example:f", MAUNG, ial="1.3", evidence=Evidence())), registry)


@pytest.mark.parametrize("juristic_id", FakeDbd().juristic_ids())
def test_juristic_documents_expand_without_loss(registry: ContextRegistry, juristic_id: str) -> None:
    company = FakeDbd().lookup(juristic_id)
    require_jsonld(_issued(juristic_credential(company, retrieved_at=0, source="dbd:fake")), registry)


def test_an_undefined_term_is_caught(registry: ContextRegistry) -> None:
    """Negative control: the check above would notice a property the context forgot."""
    doc = _issued(citizen_credential("did:example:c", SOMCHAI, ial="1.3"))
    doc["credentialSubject"]["nickname"] = "ชาย"
    with pytest.raises(ThaiVCError) as err:
        require_jsonld(doc, registry)
    assert err.value.code == "di.data_loss"


def test_an_unknown_evidence_type_is_caught(registry: ContextRegistry) -> None:
    doc = _issued(citizen_credential("did:example:c", SOMCHAI, ial="2.3", evidence=EVIDENCE_23))
    doc["evidence"][0]["type"] = "dopa_card_check"
    with pytest.raises(ThaiVCError) as err:
        require_jsonld(doc, registry)
    assert err.value.code == "di.data_loss"


def test_rdfc_canonical_form_carries_every_claim(registry: ContextRegistry) -> None:
    """What an ``*-rdfc-*`` proof would sign: every subject value and evidence fact is a statement."""
    from thaivc.di.canon.jsonld_rdf import to_dataset
    from thaivc.di.canon.rdfc import canonicalize

    doc = _issued(citizen_credential("did:example:c", SOMCHAI, ial="2.3", aal="2.2", evidence=EVIDENCE_23))
    nquads = canonicalize(to_dataset(doc, registry.load)).nquads
    vocab = "https://contexts.thaivc.dev/vocab#"
    for term, value in doc["credentialSubject"].items():
        if isinstance(value, str) and term != "id":
            assert f'<{vocab}{term}> "{value}"' in nquads, term
    assert f"<{vocab}DopaCardStatusCheck>" in nquads
    assert f'<{vocab}checkedAt> "2026-06-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>' in nquads
    assert f'<{vocab}evidence_status> "valid"' in nquads
    assert f'<{vocab}houseNo> "99/1"' in nquads
