"""The template fast path must give exactly what pyld gives: W3C vectors and generated credentials."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaivc.core import fastpath
from thaivc.core.budget import request_budget
from thaivc.core.errors import ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.di.canon.dataset import BlankNode, Dataset
from thaivc.di.canon.jsonld_fast import fast_convert, fast_path_stats, fast_to_dataset
from thaivc.di.canon.jsonld_rdf import ContextLoader, to_dataset
from thaivc.di.canon.prepared import PreparedDataset
from thaivc.di.canon.rdfc import canonicalize

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


def _outcome(convert: Any, doc: Mapping[str, Any], loader: ContextLoader) -> str:
    """Canonical N-Quads, or the error code: what a verifier would act on."""
    try:
        return canonicalize(convert(doc, loader), max_work=10**6).nquads
    except ThaiVCError as exc:
        return f"error {exc.code}"


def _prepared(doc: Mapping[str, Any], loader: ContextLoader) -> Any:
    """What the verifier canonicalises: pre-serialised rows when a template serves the document."""
    return fast_convert(doc, loader).dataset


def _assert_same(doc: Mapping[str, Any], loader: ContextLoader) -> None:
    expected = _outcome(to_dataset, copy.deepcopy(doc), loader)
    assert _outcome(fast_to_dataset, doc, loader) == expected
    assert _outcome(_prepared, doc, loader) == expected


def _vector_documents(vectors: Path) -> list[dict[str, Any]]:
    docs = []
    for path in sorted(vectors.glob("vc-di-e*/**/*.json")):
        if "eyPair" in path.name:
            continue
        doc = loads_strict(path.read_bytes())
        if isinstance(doc, dict) and "@context" in doc:
            docs.append(doc)
            if "proof" in doc:
                docs.append({k: v for k, v in doc.items() if k != "proof"})
    return docs


def test_vectors_equal_pyld_and_hit_templates(vectors: Path, fresh_loader: ContextLoader) -> None:
    loader = fresh_loader
    docs = _vector_documents(vectors)
    assert len(docs) >= 50
    for _ in range(2):
        for doc in docs:
            _assert_same(doc, loader)
    stats = fast_path_stats(loader)
    assert stats.hits >= len(docs) // 2  # second round is served from templates
    assert stats.misses > 0


def test_same_shape_new_values_uses_template(vectors: Path, fresh_loader: ContextLoader) -> None:
    loader = fresh_loader
    doc = loads_strict((vectors / "vc-di-eddsa/unsigned.json").read_bytes())
    fast_to_dataset(doc, loader)
    other = copy.deepcopy(doc)
    other["id"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    other["name"] = "บัตรประจำตัวประชาชน"
    other["credentialSubject"]["id"] = "did:example:สมชาย"
    hits = fast_path_stats(loader).hits
    _assert_same(other, loader)
    assert fast_path_stats(loader).hits == hits + 2  # as terms and as rows
    assert "บัตรประจำตัวประชาชน" in canonicalize(fast_to_dataset(other, loader)).nquads


def test_the_switch_turns_templates_off(vectors: Path, fresh_loader: ContextLoader) -> None:
    """``THAIVC_NO_FAST_PATHS`` means pyld converts every document: no template is used or learnt."""
    doc = loads_strict((vectors / "vc-di-eddsa/unsigned.json").read_bytes())
    fast_to_dataset(doc, fresh_loader)
    assert fast_path_stats(fresh_loader).misses == 1
    before = fast_path_stats(fresh_loader)
    counts = (before.hits, before.misses, before.fallbacks)
    with fastpath.disabled():
        converted = fast_convert(doc, fresh_loader)
        assert converted.shape is None and isinstance(converted.dataset, Dataset)
        assert canonicalize(converted.dataset).nquads == canonicalize(to_dataset(doc, fresh_loader)).nquads
    after = fast_path_stats(fresh_loader)
    assert (after.hits, after.misses, after.fallbacks) == counts
    assert "di.canon JSON-LD templates" in {entry.name for entry in fastpath.catalogue()}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.__setitem__("@context", [V2, {"ex": "https://example.org/#"}]),  # inline context
        lambda d: d["credentialSubject"].__setitem__("@context", [EXAMPLES]),  # nested context
        lambda d: d.__setitem__("@context", [V2, "https://ctx.attacker.example/v1"]),  # unknown URL
        lambda d: d["credentialSubject"].__setitem__("id", "relative/id"),  # IRI slot misfit
        lambda d: d["credentialSubject"].__setitem__("id", "_:b0"),  # blank-node label
        lambda d: d.__setitem__("issuer", "VerifiableCredential"),  # a term where an IRI goes
        lambda d: d.__setitem__("age", 10**22),  # integer pyld turns into a double
        lambda d: d.__setitem__("score", 1.5),
        lambda d: d.__setitem__("flag", True),
        lambda d: d.__setitem__("json", {"@value": {"a": "b"}, "@type": "@json"}),
    ],
)
def test_edge_documents_equal_pyld(vectors: Path, fresh_loader: ContextLoader, change: Any) -> None:
    loader = fresh_loader
    base = loads_strict((vectors / "vc-di-eddsa/unsigned.json").read_bytes())
    fast_to_dataset(base, loader)  # warm a template for the unchanged shape
    doc = copy.deepcopy(base)
    change(doc)
    _assert_same(doc, loader)
    _assert_same(doc, loader)  # and again, from whatever was cached


def test_floats_that_compare_equal(vectors: Path, fresh_loader: ContextLoader) -> None:
    # 0.0 == -0.0 == 0 in Python; floats are part of the shape, so each spelling gets pyld's answer.
    doc = loads_strict((vectors / "vc-di-eddsa/unsigned.json").read_bytes())
    for number in (0.0, -0.0, 0.0, 1e300, 0.1, 5e-324):
        doc["credentialSubject"]["score"] = number
        _assert_same(doc, fresh_loader)


def test_statements_with_three_blank_nodes_go_to_pyld(fresh_loader: ContextLoader) -> None:
    # "proof" is a graph container: the proof is a blank node in a blank-node graph, and an
    # anonymous object hanging off it gives a statement whose three positions are all blank nodes.
    doc = {
        "@context": [V2],
        "type": "VerifiableCredential",
        "issuer": "did:example:issuer",
        "credentialSubject": {"name": "ก"},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": {"type": "Multikey"},
        },
    }
    triple_blank = [
        q
        for q in to_dataset(doc, fresh_loader)
        if all(isinstance(t, BlankNode) for t in (q.subject, q.object, q.graph))
    ]
    assert triple_blank
    for _ in range(2):
        _assert_same(doc, fresh_loader)
    stats = fast_path_stats(fresh_loader)
    assert (stats.hits, stats.misses, stats.fallbacks) == (0, 1, 4)  # two rounds, terms and rows


# --- generated credentials ---------------------------------------------------------------------

_STRINGS = st.one_of(
    st.sampled_from(
        [
            "https://issuer.example.go.th/1",
            "did:example:123",
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#key-1",
            "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "relative",
            "",
            "_:b7",
            "ex:thing",
            "VerifiableCredential",
            "assertionMethod",
            "revocation",
            "2024-01-01T00:00:00Z",
            "ปู่",
            "https://www.w3.org/ns/credentials/v2",
            "urn:x-thaivc-slot:0",
            "7331000000000",
            "@id",
        ]
    ),
    st.text(max_size=6),
)
_LEAVES = st.one_of(
    _STRINGS,
    st.integers(min_value=-(10**22), max_value=10**22),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
_KEYS = st.sampled_from(
    [
        "id",
        "type",
        "name",
        "description",
        "issuer",
        "validFrom",
        "credentialSubject",
        "credentialStatus",
        "statusPurpose",
        "statusListIndex",
        "evidence",
        "termsOfUse",
        "proofPurpose",
        "verificationMethod",
        "cryptosuite",
        "citizenId",
        "ชื่อ",
        "https://schema.org/name",
    ]
)
_TYPES = st.sampled_from(
    [
        "VerifiableCredential",
        "DataIntegrityProof",
        "BitstringStatusListEntry",
        "ExampleThing",
        "https://t.example/T",
    ]
)


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda fields, types: {**fields, **({"type": types} if types else {})},
        st.dictionaries(_KEYS.filter(lambda k: k != "type"), children, max_size=4),
        st.one_of(st.none(), _TYPES, st.lists(_TYPES, min_size=1, max_size=2)),
    )


_VALUES = st.recursive(
    _LEAVES, lambda children: st.one_of(_node(children), st.lists(children, max_size=3)), max_leaves=12
)
_DOCS = st.builds(
    lambda ctx, body: {"@context": ctx, **body},
    st.sampled_from([[V2], [V2, EXAMPLES], V2]),
    _node(_VALUES),
)


def _revalue(node: Any, draw: Any) -> Any:
    """Same shape, new string and integer values: the case templates are for."""
    if isinstance(node, dict):
        return {k: (v if k in ("@context", "type") else _revalue(v, draw)) for k, v in node.items()}
    if isinstance(node, list):
        return [_revalue(v, draw) for v in node]
    if isinstance(node, str):
        return draw(_STRINGS)
    if type(node) is int:
        return draw(st.integers(min_value=-(10**22), max_value=10**22))
    return node


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_DOCS, st.data())
def test_generated_credentials_equal_pyld(
    context_loader: ContextLoader, doc: dict[str, Any], data: st.DataObject
) -> None:
    # one loader for the whole run, so templates learnt from one example serve the next ones
    _assert_same(doc, context_loader)
    _assert_same(_revalue(doc, data.draw), context_loader)


def _two_subjects(first: tuple[str, str], second: tuple[str, str]) -> dict[str, Any]:
    return {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": [{"id": first[0], "name": first[1]}, {"id": second[0], "name": second[1]}],
    }


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("did:example:a", "สมชาย"), ("did:example:a", "สมชาย")),  # both statements twice
        (("did:example:a", "สมชาย"), ("did:example:a", "สมหญิง")),  # the shared subject only
        (("did:example:issuer", "x"), ("did:example:b", "x")),  # a subject that is also the issuer
    ],
)
def test_values_that_make_statements_equal_are_merged_like_pyld(
    fresh_loader: ContextLoader, first: tuple[str, str], second: tuple[str, str]
) -> None:
    fast_to_dataset(_two_subjects(("did:example:p", "p"), ("did:example:q", "q")), fresh_loader)  # the template
    hits = fast_path_stats(fresh_loader).hits
    doc = _two_subjects(first, second)
    dataset = fast_to_dataset(doc, fresh_loader)
    assert fast_path_stats(fresh_loader).hits == hits + 1  # served from the template
    reference = to_dataset(copy.deepcopy(doc), fresh_loader)
    assert set(dataset) == set(reference)
    assert len(dataset) == len(reference) == len(set(dataset))  # no statement twice
    _assert_same(doc, fresh_loader)


def test_trusted_term_constructors_build_equal_terms() -> None:
    from thaivc.di.canon.dataset import IRI, Literal, Quad, make_literal, make_quad

    literal = make_literal("สมชาย", "http://www.w3.org/2001/XMLSchema#string", None)
    assert literal == Literal("สมชาย") and hash(literal) == hash(Literal("สมชาย"))
    assert repr(literal) == repr(Literal("สมชาย"))
    tagged = make_literal("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "th")
    assert tagged == Literal("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "th")
    assert tagged != Literal("x", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en")
    quad = make_quad(IRI("did:example:a"), IRI("https://schema.org/name"), literal, BlankNode("g"))
    same = Quad(IRI("did:example:a"), IRI("https://schema.org/name"), Literal("สมชาย"), BlankNode("g"))
    assert quad == same and hash(quad) == hash(same) and repr(quad) == repr(same)
    with pytest.raises(AttributeError):
        quad.subject = IRI("did:example:b")  # type: ignore[misc]  # still frozen


# --- pre-serialised rows (the verifier's route for a templated document) -------------------------


def _warm(vectors: Path, loader: ContextLoader) -> dict[str, Any]:
    doc: dict[str, Any] = loads_strict((vectors / "vc-di-eddsa/unsigned.json").read_bytes())
    fast_to_dataset(doc, loader)
    return doc


def test_a_templated_document_is_served_as_rows_and_without_fast_paths_as_terms(
    vectors: Path, fresh_loader: ContextLoader
) -> None:
    if not fastpath.enabled():
        pytest.skip("THAIVC_NO_FAST_PATHS is set: every document is served as terms")
    doc = _warm(vectors, fresh_loader)
    dataset = fast_convert(doc, fresh_loader).dataset
    assert isinstance(dataset, PreparedDataset) and dataset.rows() is not None
    assert set(dataset.as_dataset()) == set(to_dataset(copy.deepcopy(doc), fresh_loader))
    with fastpath.disabled():
        assert isinstance(fast_convert(doc, fresh_loader).dataset, Dataset)


@pytest.mark.parametrize(
    "value",
    [
        'a "quoted" name',
        "back\\slash \\u0041 and \\n spelt out",
        "line\nbreak\rreturn\ttab\bbell\fform",
        "nul \x00 unit \x1f del \x7f",
        "\u2028 separator \u00a0 nbsp",
        "ข้อมูล 🇹🇭 \U0001f600",
        "",
        "_:b0",
        "https://example.org/iri-looking-literal",
    ],
)
def test_literal_values_are_escaped_like_rdfc(vectors: Path, fresh_loader: ContextLoader, value: str) -> None:
    doc = _warm(vectors, fresh_loader)
    forged = copy.deepcopy(doc)
    forged["name"] = value
    forged["credentialSubject"]["alumniOf"] = value
    assert isinstance(fast_convert(forged, fresh_loader).dataset, PreparedDataset) == fastpath.enabled()
    _assert_same(forged, fresh_loader)


@pytest.mark.parametrize(
    "bad", ["https://example.org/{x}", "https://example.org/a<b", "urn:x:a^b", "urn:x:`", "urn:x:a|b"]
)
def test_an_iri_that_nquads_cannot_carry_is_refused_like_rdfc(
    vectors: Path, fresh_loader: ContextLoader, bad: str
) -> None:
    doc = _warm(vectors, fresh_loader)
    forged = copy.deepcopy(doc)
    forged["credentialSubject"]["id"] = bad
    dataset = fast_convert(forged, fresh_loader).dataset
    if fastpath.enabled():
        assert isinstance(dataset, PreparedDataset)
        assert dataset.rows() is None  # the rows decline; the terms meet the error where they always did
    assert _outcome(_prepared, forged, fresh_loader) == "error di.nquads_invalid"
    _assert_same(forged, fresh_loader)


def test_rows_are_never_reused_for_another_document(vectors: Path, fresh_loader: ContextLoader) -> None:
    doc = _warm(vectors, fresh_loader)
    first, second = copy.deepcopy(doc), copy.deepcopy(doc)
    second["credentialSubject"]["alumniOf"] = "มหาวิทยาลัยอื่น"
    a, b = fast_convert(first, fresh_loader).dataset, fast_convert(second, fresh_loader).dataset
    assert canonicalize(a).nquads != canonicalize(b).nquads
    assert "มหาวิทยาลัยอื่น" in canonicalize(b).nquads and "มหาวิทยาลัยอื่น" not in canonicalize(a).nquads


def test_rows_cost_the_budget_what_the_terms_cost(vectors: Path, fresh_loader: ContextLoader) -> None:
    if not fastpath.enabled():
        pytest.skip("THAIVC_NO_FAST_PATHS is set: no rows to compare")
    doc = _warm(vectors, fresh_loader)
    dataset = fast_convert(doc, fresh_loader).dataset
    assert isinstance(dataset, PreparedDataset)
    with request_budget(10**6) as on_rows:
        from_rows = canonicalize(dataset)
    with request_budget(10**6) as on_terms:
        from_terms = canonicalize(dataset.as_dataset())
    assert on_rows.spent == on_terms.spent > 0
    assert from_rows == from_terms
    # and a budget too small for the statements refuses both the same way
    for form in (dataset, dataset.as_dataset()):
        with request_budget(3), pytest.raises(ThaiVCError) as refused:
            canonicalize(form)
        assert refused.value.code == "di.canonicalization_limit"


def test_a_thousand_claims_give_the_same_rows(fresh_loader: ContextLoader) -> None:
    def doc(tag: str) -> dict[str, Any]:
        subject = {"id": f"did:example:{tag}", **{f"claim{i:04d}": f"ค่าที่ {i} {tag}" for i in range(1000)}}
        return {
            "@context": [V2, {"@vocab": "https://example.org/vocab#"}],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": subject,
        }

    fast_to_dataset(doc("first"), fresh_loader)
    _assert_same(doc("second"), fresh_loader)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=12) | st.text(max_size=12))
def test_the_quick_escape_check_agrees_with_the_regular_expression(text: str) -> None:
    from thaivc.di.canon.nquads import _LITERAL_SPECIAL, _escape_char, escape_literal

    expected = text if _LITERAL_SPECIAL.search(text) is None else _LITERAL_SPECIAL.sub(_escape_char, text)
    assert escape_literal(text) == expected
