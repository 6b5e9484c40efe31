"""The context check of Data Integrity verification gives the full walk's verdict, code and location.

:func:`thaivc.engine.verify.di.require_contexts` checks a root-only ``@context`` directly and falls back to the
full walk of :mod:`thaivc.model.jsonld` whenever a context may sit lower down; these tests compare
the two on documents built to land on either side of that line.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from thaivc.contexts import ContextRegistry
from thaivc.core.errors import ThaiVCError
from thaivc.engine.verify.di import default_contexts, require_contexts
from thaivc.model.jsonld import walk_contexts, without_proofs

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
UNKNOWN = "https://contexts.example/unknown/v1"


def _base() -> dict[str, Any]:
    return {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:somchai", "name": "สมชาย", "degree": {"type": "Degree"}},
        "proof": {"@context": [UNKNOWN], "type": "DataIntegrityProof"},  # never judged here
    }


def _full(doc: dict[str, Any], registry: ContextRegistry) -> tuple[str, Any] | None:
    try:
        walk_contexts(without_proofs(doc), registry, (), root=True)
    except RecursionError:
        return ("input.too_deep", None)
    except ThaiVCError as err:
        return (err.code, err.loc)
    return None


def _scanned(doc: dict[str, Any], registry: ContextRegistry) -> tuple[str, Any] | None:
    try:
        require_contexts(doc, registry)
    except ThaiVCError as err:
        return (err.code, None if err.code == "input.too_deep" else err.loc)
    return None


def _variants() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = [("plain", _base())]
    doc = _base()
    doc["@context"] = [V2, UNKNOWN]
    out.append(("unknown root context", doc))
    doc = _base()
    doc["@context"] = [V2, {"@vocab": "https://vocab.example/"}]
    out.append(("inline @vocab at the root", doc))
    doc = _base()
    doc["@context"] = [V2, 42]
    out.append(("root context not a URL", doc))
    doc = _base()
    doc["credentialSubject"]["degree"]["@context"] = [V2]
    out.append(("allowed nested context", doc))
    doc = _base()
    doc["credentialSubject"]["degree"]["@context"] = {"name": "https://schema.org/name"}
    out.append(("inline context below the root", doc))
    doc = _base()
    doc["credentialSubject"]["degree"] = [{"x": [{"@context": UNKNOWN}]}]
    out.append(("unknown context deep in a list", doc))
    doc = _base()
    doc["@context"] = [V2, UNKNOWN]
    doc["credentialSubject"]["@context"] = [UNKNOWN]
    out.append(("bad root and bad nested", doc))
    doc = _base()
    del doc["@context"]
    out.append(("no root context", doc))
    doc = _base()
    del doc["@context"]
    doc["credentialSubject"]["@context"] = [UNKNOWN]
    out.append(("only a nested context", doc))
    doc = _base()
    doc["verifiableCredential"] = {"@context": [V2, {"@base": "https://x.example/"}], "proof": {"@context": 1}}
    out.append(("embedded credential with an inline @base", doc))
    doc = _base()
    doc["verifiableCredential"] = [{"@context": [V2], "proof": {"@context": [UNKNOWN]}}]
    out.append(("embedded credential, its proof has a context", doc))
    doc = _base()
    doc["credentialSubject"]["tags"] = ("a", {"@context": UNKNOWN})
    out.append(("a tuple, which the full walk does not enter", doc))
    return out


@pytest.mark.parametrize(("name", "doc"), _variants(), ids=[name for name, _ in _variants()])
def test_same_verdict_as_the_full_walk(name: str, doc: dict[str, Any]) -> None:
    registry = default_contexts()
    before = copy.deepcopy(doc)
    assert _scanned(doc, registry) == _full(doc, registry)
    assert doc == before  # nothing is modified


def test_a_context_nested_anywhere_is_still_refused() -> None:
    registry = default_contexts()
    doc = _base()
    doc["credentialSubject"]["degree"]["@context"] = [UNKNOWN]
    with pytest.raises(ThaiVCError) as caught:
        require_contexts(doc, registry)
    assert caught.value.code == "di.context_not_allowed"
    assert caught.value.loc == ("credentialSubject", "degree", "@context", 0)


def test_a_value_that_contains_itself_is_refused_not_looped_over() -> None:
    doc = _base()
    loop: list[Any] = []
    loop.append(loop)
    doc["credentialSubject"]["loop"] = loop
    with pytest.raises(ThaiVCError) as caught:
        require_contexts(doc, default_contexts())
    assert caught.value.code == "input.too_deep"
