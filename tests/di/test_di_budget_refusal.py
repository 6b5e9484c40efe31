"""A work-budget refusal during the JSON-LD meaning check ends the check: nothing is converted twice.

The JSON-LD step converts the unsecured document with the template fast path, which hands what it
cannot template to pyld. pyld's value comparisons are charged to the request's budget; a document
whose comparisons are quadratic exhausts it. That refusal must be final: neither the template
builder (which runs pyld on a placeholder copy) nor the meaning check (which would fall back to
pyld's full expansion) may catch it and start the same work over — and the shape must not be
remembered as "does not template" because one request ran out of budget.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from thaivc import Verifier
from thaivc.contexts import ContextRegistry
from thaivc.core.budget import BUDGET_CODE, request_budget
from thaivc.core.clock import FixedClock
from thaivc.di import add_proof
from thaivc.di.canon import jsonld_fast
from thaivc.di.canon.jsonld_fast import fast_convert
from thaivc.di.canon.jsonld_rdf import ContextLoader
from thaivc.di.transform import loader_for
from thaivc.engine.policy import Policy
from thaivc.engine.verify import di as engine_di
from thaivc.testing.plugin import seeded_key

CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
#: Units for the whole check: enough for an honest credential's linear passes, far too few for the
#: n²/2 value comparisons pyld makes on one property with VALUES values.
LIMIT = 6_000
VALUES = 300


def _hostile(tag: str) -> dict[str, Any]:
    """A signed credential whose one property carries many distinct values (quadratic in pyld)."""
    key = seeded_key("budget-refusal-issuer", "Ed25519")
    credential = {
        "@context": CONTEXTS,
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:somying", f"alumniOf{tag}": [f"v{i}" for i in range(VALUES)]},
    }
    return add_proof(credential, key, "eddsa-rdfc-2022", clock=CLOCK)


def _fresh_verifier() -> Verifier:
    """A verifier whose context registry has no templates yet (signing filled the shared one's)."""
    return Verifier(Policy(), clock=CLOCK, contexts=ContextRegistry.default())


class _Counts:
    def __init__(self) -> None:
        self.pyld_conversions = 0
        self.full_checks = 0


def _count(monkeypatch: pytest.MonkeyPatch) -> _Counts:
    """Count pyld conversions made by the fast path and full JSON-LD checks made by the engine."""
    counts = _Counts()
    real_to_dataset = jsonld_fast.to_dataset
    real_check = engine_di.require_jsonld

    def to_dataset(doc: Mapping[str, Any], loader: ContextLoader) -> Any:
        counts.pyld_conversions += 1
        return real_to_dataset(doc, loader)

    def require_jsonld(doc: dict[str, Any], registry: Any) -> None:
        counts.full_checks += 1
        real_check(doc, registry)

    monkeypatch.setattr(jsonld_fast, "to_dataset", to_dataset)
    monkeypatch.setattr(engine_di, "require_jsonld", require_jsonld)
    return counts


def test_a_budget_refusal_ends_the_meaning_check(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _hostile("A")
    counts = _count(monkeypatch)
    with request_budget(LIMIT) as budget:
        report = _fresh_verifier().check(doc)
    assert not report.ok
    context = next(check for check in report.to_json()["checks"] if check["name"] == "context")
    assert context["code"] == BUDGET_CODE
    # one pyld run (the template probe), stopped at the ceiling; no second run, no full expansion
    assert counts.pyld_conversions == 1
    assert counts.full_checks == 0
    # the refusal was the last charge: nothing after it was paid for (a retry would have paid again)
    assert budget.spent - budget.limit <= VALUES


def test_a_budget_refusal_is_not_remembered_as_an_untemplatable_shape() -> None:
    doc = {key: value for key, value in _hostile("B").items() if key != "proof"}
    loader = loader_for(ContextRegistry.default())  # a registry of its own: no template yet
    with request_budget(LIMIT), pytest.raises(Exception) as refused:
        fast_convert(doc, loader)
    assert getattr(refused.value, "code", None) == BUDGET_CODE
    # the same shape, converted with room to spare, is served by a template
    assert fast_convert(doc, loader).shape is not None


def test_an_honest_credential_under_the_same_budget_passes() -> None:
    key = seeded_key("budget-refusal-issuer", "Ed25519")
    credential = {
        "@context": CONTEXTS,
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:somying", "alumniOf": ["v1", "v2", "v3"]},
    }
    signed = add_proof(credential, key, "eddsa-rdfc-2022", clock=CLOCK)
    with request_budget(LIMIT):
        report = _fresh_verifier().check(signed)
    assert report.ok, report.to_json()
