"""Property test: the fast validator and the pydantic models reach the same verdict.

Valid credentials and presentations are generated, then mutated at random places (a member
replaced by arbitrary JSON or by a near-miss value, deleted, or added). Both implementations must
accept, or both must reject with the same code, and neither may raise anything but a
``ThaiVCError`` (fail closed).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaivc.core.errors import ThaiVCError
from thaivc.model import Credential, Presentation, require_credential, require_presentation

V2 = "https://www.w3.org/ns/credentials/v2"
GOOD_URLS = [
    "did:example:issuer",
    "https://example.org/a#b",
    "urn:uuid:9c9a36f8-518f-4976",
    "did:web:dopa.go.th",
]
NEAR_MISSES = [
    "fake-issuer",
    "https ://not-a-url",
    "",
    "did example",
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T00:00:00z",
    "๒๐๒๔-01-01T00:00:00Z",
    "2568-01-01T00:00:00Z",
    "2024-01-01T00:00:00",
    "2024-01-01T07:00:00+07:00",
    "VerifiableCredential",
    "VerifiablePresentation",
    "EnvelopedVerifiableCredential",
    "data:application/vc+jwt,eyJ.eyJ.sig",
    "en",
    "th-TH",
    "rtl",
    "up",
    V2,
    "https://www.w3.org/ns/credentials/examples/v2",
]
DATES = [
    "2024-01-01T00:00:00Z",
    "2023-12-31T23:59:59.999Z",
    "2024-01-01T06:59:59+07:00",
    "2024-01-01T00:00:00",
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01 00:00:00Z",
    "2024-01-01T00:00:60Z",
    "2024-01-01T00:00:00+14:01",
    "๒๐๒๔-01-01T00:00:00Z",
    "2568-01-01T00:00:00Z",
]
KEYS = [
    "id",
    "type",
    "name",
    "description",
    "@value",
    "@language",
    "@direction",
    "claim",
    "@context",
    "credential_subject",
    "valid_until",
    "issuer",
    "holder",
    "verifiable_credential",
]

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=4),
    st.sampled_from(GOOD_URLS + NEAR_MISSES),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def language_text(draw: st.DrawFn) -> Any:
    value = {"@value": draw(st.text(max_size=8)), "@language": draw(st.sampled_from(["en", "th", "fr"]))}
    if draw(st.booleans()):
        value["@direction"] = draw(st.sampled_from(["ltr", "rtl"]))
    return draw(st.sampled_from([draw(st.text(max_size=8)), value, [value, value]]))


def typed(kind: str, *, with_id: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": kind}
    if with_id:
        entry["id"] = "https://example.org/" + kind
    return entry


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [
            V2,
            *draw(st.lists(st.sampled_from([*GOOD_URLS[1:2], {"Ex": "https://e.org/#Ex"}]), max_size=2)),
        ],
        "type": [
            "VerifiableCredential",
            *draw(st.lists(st.sampled_from(["Ex", "https://e.org/#T"]), max_size=2)),
        ],
        "issuer": draw(st.sampled_from([GOOD_URLS[0], {"id": GOOD_URLS[3], "name": "กรมการปกครอง"}])),
        "credentialSubject": draw(
            st.sampled_from([{"id": GOOD_URLS[0]}, {"claim": "x"}, [{"id": GOOD_URLS[2]}, {"claim": 1}]])
        ),
    }
    if draw(st.booleans()):
        doc["id"] = draw(st.sampled_from(GOOD_URLS))
    if draw(st.booleans()):
        doc["validFrom"] = "2024-01-01T00:00:00Z"
    if draw(st.booleans()):
        doc["validUntil"] = draw(st.sampled_from(["2030-01-01T00:00:00.5Z", "2029-12-31T19:00:00-05:00"]))
    if draw(st.booleans()):
        doc["name"] = draw(language_text())
    if draw(st.booleans()):
        doc["description"] = draw(language_text())
    for field, id_required in [
        ("credentialStatus", False),
        ("credentialSchema", True),
        ("evidence", False),
        ("termsOfUse", False),
        ("refreshService", False),
        ("proof", False),
    ]:
        if draw(st.integers(0, 3)) == 0:
            entry = typed(field.title(), with_id=id_required or draw(st.booleans()))
            doc[field] = draw(st.sampled_from([entry, [entry, entry]]))
    return doc


@st.composite
def presentations(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"]}
    if draw(st.booleans()):
        doc["holder"] = draw(st.sampled_from([GOOD_URLS[0], {"id": GOOD_URLS[3]}]))
    if draw(st.booleans()):
        enveloped = {"@context": V2, "type": "EnvelopedVerifiableCredential", "id": NEAR_MISSES[14]}
        doc["verifiableCredential"] = draw(st.lists(st.one_of(credentials(), st.just(enveloped)), max_size=2))
    if draw(st.booleans()):
        doc["proof"] = {"type": "DataIntegrityProof"}
    return doc


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(paths(value, (*prefix, index)))
    return found


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    doc = copy.deepcopy(draw(base))
    if draw(st.integers(0, 3)) == 0:
        doc[draw(st.sampled_from(["validFrom", "validUntil"]))] = draw(st.sampled_from(DATES))
    for _ in range(draw(st.integers(0, 2))):
        candidates = [p for p in paths(doc) if p]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(JSON)
    return doc


def outcome(check: Callable[[Any], Any], doc: dict[str, Any]) -> str | None:
    try:
        check(doc)
    except ThaiVCError as exc:
        return exc.code
    return None


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(credentials()))
def test_credential_model_and_fast_validator_agree(doc: dict[str, Any]) -> None:
    assert outcome(require_credential, doc) == outcome(Credential.model_validate, doc)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(presentations()))
def test_presentation_model_and_fast_validator_agree(doc: dict[str, Any]) -> None:
    assert outcome(require_presentation, doc) == outcome(Presentation.model_validate, doc)


@settings(max_examples=100, deadline=None)
@given(credentials())
def test_generated_credentials_are_valid(doc: dict[str, Any]) -> None:
    """The generator itself produces valid credentials, so the mutations are what gets tested."""
    assert outcome(require_credential, doc) is None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(credentials()))
def test_jsonld_check_fails_closed(doc: dict[str, Any]) -> None:
    """Whatever the document, require_jsonld either passes or raises a catalogued ThaiVCError."""
    from thaivc.contexts import ContextRegistry
    from thaivc.core.errors import is_known_code
    from thaivc.model import require_jsonld

    pristine = copy.deepcopy(doc)
    code = outcome(lambda d: require_jsonld(d, ContextRegistry.default()), doc)
    assert code is None or is_known_code(code)
    assert doc == pristine
