"""RDFC-1.0 and canonical N-Quads beyond the W3C suite: parser strictness, escaping, limits, invariance.

pyld's URDNA2015 (the same algorithm under its pre-Recommendation name) serves as an independent
oracle on generated graphs.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from thaivc.core.errors import InputError, UsageError
from thaivc.di.canon.dataset import (
    DEFAULT_GRAPH,
    IRI,
    RDF_DIR_LANG_STRING,
    RDF_LANG_STRING,
    BlankNode,
    Dataset,
    Literal,
    Quad,
)
from thaivc.di.canon.nquads import parse_nquads, serialize_nquads, serialize_quad
from thaivc.di.canon.rdfc import canonicalize, canonicalize_nquads

P = IRI("urn:ex:p")


# --- N-Quads ---------------------------------------------------------------------------------


def test_parse_all_term_kinds() -> None:
    text = (
        "<urn:s> <urn:p> <urn:o> .\n"
        '_:b0 <urn:p> "x"@th-TH <urn:g> .\r\n'
        '<urn:s> <urn:p> "ข้อความ"@th--rtl _:g .  # comment\n'
        '\t<urn:s>\t<urn:p>\t"1"^^<http://www.w3.org/2001/XMLSchema#integer>\t.\n'
        "# only a comment\n"
        "\n"
        '<urn:s> <urn:p> "\\u0E01\\U0001F600\\t" .\n'
    )
    quads = parse_nquads(text).quads
    assert quads[0] == Quad(IRI("urn:s"), IRI("urn:p"), IRI("urn:o"), DEFAULT_GRAPH)
    assert quads[1] == Quad(BlankNode("b0"), IRI("urn:p"), Literal("x", RDF_LANG_STRING, "th-TH"), IRI("urn:g"))
    assert quads[2].object == Literal("ข้อความ", RDF_DIR_LANG_STRING, "th", "rtl")
    assert quads[2].graph == BlankNode("g")
    assert quads[3].object == Literal("1", "http://www.w3.org/2001/XMLSchema#integer")
    assert quads[4].object == Literal("\u0e01\U0001f600\t")
    assert len(quads) == 5


def test_duplicates_are_dropped_and_order_kept() -> None:
    dataset = parse_nquads("<urn:b> <urn:p> <urn:o> .\n<urn:a> <urn:p> <urn:o> .\n<urn:b> <urn:p> <urn:o> .\n")
    assert [q.subject for q in dataset] == [IRI("urn:b"), IRI("urn:a")]


@pytest.mark.parametrize(
    "text",
    [
        "<urn:s> <urn:p> <urn:o>\n",  # no final dot
        "<urn:s> <urn:p> .\n",
        '"lit" <urn:p> <urn:o> .\n',  # literal subject
        "<urn:s> _:p <urn:o> .\n",  # blank-node predicate
        "<urn s> <urn:p> <urn:o> .\n",  # space in an IRI
        '<urn:s> <urn:p> "\\ud800" .\n',  # escape to a lone surrogate
        "<urn:s> <urn:p> <urn:\\u0020x> .\n",  # escape to a forbidden IRI character
        '<urn:s> <urn:p> "x"@ .\n',
        '<urn:s> <urn:p> "x\\q" .\n',  # unknown escape
        "<urn:s> <urn:p> <urn:o> <urn:g> <urn:h> .\n",
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_nquads(text)
    assert info.value.code == "di.nquads_invalid"


def test_canonical_literal_escaping() -> None:
    literal = Literal("\x00\x07\b\t\n\x0b\f\r\x1f\"\\'\x7f\x80é\U0001f600")
    line = serialize_quad(Quad(IRI("urn:s"), P, literal))
    assert line == '<urn:s> <urn:ex:p> "\\u0000\\u0007\\b\\t\\n\\u000B\\f\\r\\u001F\\"\\\\\'\\u007F\x80é\U0001f600" .\n'


def test_serialise_datatypes_language_direction_and_graph() -> None:
    quads = [
        Quad(IRI("urn:s"), P, Literal("a")),  # xsd:string is implicit
        Quad(IRI("urn:s"), P, Literal("b", RDF_LANG_STRING, "en")),
        Quad(IRI("urn:s"), P, Literal("c", RDF_DIR_LANG_STRING, "ar", "rtl")),
        Quad(IRI("urn:s"), P, Literal("1", "urn:dt"), BlankNode("g")),
    ]
    assert serialize_nquads(Dataset.of(quads)).splitlines() == [
        '<urn:s> <urn:ex:p> "a" .',
        '<urn:s> <urn:ex:p> "b"@en .',
        '<urn:s> <urn:ex:p> "c"@ar--rtl .',
        '<urn:s> <urn:ex:p> "1"^^<urn:dt> _:g .',
    ]


@pytest.mark.parametrize("bad", ["urn:a b", "urn:<x>", "urn:\\x", 'urn:"'])
def test_serialiser_refuses_iris_it_cannot_write(bad: str) -> None:
    with pytest.raises(InputError) as info:
        canonicalize([Quad(IRI(bad), P, IRI("urn:o"))])
    assert info.value.code == "di.nquads_invalid"


_LEXICAL = st.text(alphabet=st.characters(codec="utf-8"), max_size=10)
_LANG = st.from_regex(r"[a-z]{2,3}(-[A-Za-z0-9]{2,4})?", fullmatch=True)
_IRIS = st.builds(IRI, st.from_regex(r"urn:ex:[a-z0-9]{1,4}", fullmatch=True))
_BNODES = st.builds(BlankNode, st.sampled_from([f"b{i}" for i in range(6)]))
_LITERALS = st.one_of(
    st.builds(Literal, _LEXICAL),
    st.builds(lambda v, tag: Literal(v, RDF_LANG_STRING, tag), _LEXICAL, _LANG),
    st.builds(
        lambda v, tag, d: Literal(v, RDF_DIR_LANG_STRING, tag, d),
        _LEXICAL,
        _LANG,
        st.sampled_from(["ltr", "rtl"]),
    ),
    st.builds(Literal, _LEXICAL, st.sampled_from(["urn:dt", "http://www.w3.org/2001/XMLSchema#integer"])),
)
_QUADS = st.builds(
    Quad,
    st.one_of(_IRIS, _BNODES),
    _IRIS,
    st.one_of(_IRIS, _BNODES, _LITERALS),
    st.one_of(st.just(DEFAULT_GRAPH), _IRIS, _BNODES),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_QUADS, max_size=12))
def test_nquads_round_trip(quads: list[Quad]) -> None:
    dataset = Dataset.of(quads)
    assert parse_nquads(serialize_nquads(dataset)) == dataset


# --- canonicalisation -------------------------------------------------------------------------


def _relabel_and_shuffle(dataset: Dataset, seed: int) -> Dataset:
    rng = random.Random(seed)
    labels = sorted(dataset.blank_nodes())
    fresh = [f"x{i}" for i in range(len(labels))]
    rng.shuffle(fresh)
    mapping = dict(zip(labels, fresh, strict=True))

    def term(t: Any) -> Any:
        return BlankNode(mapping[t.id]) if isinstance(t, BlankNode) else t

    quads = [Quad(term(q.subject), q.predicate, term(q.object), term(q.graph)) for q in dataset]
    rng.shuffle(quads)
    return Dataset.of(quads)


_GRAPHS = st.lists(
    st.builds(
        Quad,
        _BNODES,
        st.sampled_from([IRI("urn:ex:p"), IRI("urn:ex:q")]),
        st.one_of(_BNODES, st.sampled_from([IRI("urn:ex:o"), Literal("v")])),
        st.one_of(st.just(DEFAULT_GRAPH), _BNODES),
    ),
    max_size=10,
)


def _three_blank_nodes(quad: Quad) -> bool:
    return all(isinstance(t, BlankNode) for t in (quad.subject, quad.object, quad.graph))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_GRAPHS, st.integers(min_value=0, max_value=2**32))
def test_canonical_form_ignores_labels_and_order(quads: list[Quad], seed: int) -> None:
    # RDFC-1.0 is order-independent except for one known gap: Hash Related Blank Node hashes each
    # neighbour of a quad on its own, so in a quad whose subject, object *and* graph are all blank
    # nodes the pairing is lost, two non-interchangeable nodes can tie, and the tie is broken by input
    # order (see test_tie_broken_by_input_order). Such quads are left out here.
    dataset = Dataset.of(q for q in quads if not _three_blank_nodes(q))
    first = canonicalize(dataset, max_work=10**6)
    second = canonicalize(_relabel_and_shuffle(dataset, seed), max_work=10**6)
    assert first.nquads == second.nquads
    assert set(first.issued.values()) == {f"c14n{i}" for i in range(len(dataset.blank_nodes()))}


def _no_repeated_blank_node(quad: Quad) -> bool:
    labels = [t.id for t in (quad.subject, quad.object, quad.graph) if isinstance(t, BlankNode)]
    return len(labels) == len(set(labels))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_GRAPHS)
def test_equals_pyld_urdna2015(quads: list[Quad]) -> None:
    # pyld files a quad twice under a blank node that occurs twice in it (``_:a <p> _:a``), where
    # RDFC-1.0 keeps a set (W3C tests 018/019 cover that case), so such quads are left out here.
    # Quads with three blank nodes can produce ties that pyld breaks in set order (hash-seeded), not
    # input order: see test_tie_broken_by_input_order. They are left out as well.
    quads = [q for q in quads if _no_repeated_blank_node(q) and not _three_blank_nodes(q)]
    text = serialize_nquads(Dataset.of(quads))
    expected = jsonld.normalize(
        text,
        {"algorithm": "URDNA2015", "inputFormat": "application/n-quads", "format": "application/n-quads"},
    )
    assert canonicalize_nquads(text, max_work=10**6).nquads == expected


def test_sha384_changes_hashes_not_content() -> None:
    text = '_:a <urn:ex:p> _:b .\n_:b <urn:ex:p> _:a .\n_:a <urn:ex:q> "x" .\n'
    sha256 = canonicalize_nquads(text)
    sha384 = canonicalize_nquads(text, hash_name="sha384")
    assert sorted(sha256.issued.values()) == sorted(sha384.issued.values()) == ["c14n0", "c14n1"]
    assert len(sha256.lines) == len(sha384.lines) == 3


def test_no_blank_nodes_costs_no_work() -> None:
    result = canonicalize_nquads('<urn:b> <urn:p> "2" .\n<urn:a> <urn:p> "1" .\n', max_work=0)
    assert result.nquads == '<urn:a> <urn:p> "1" .\n<urn:b> <urn:p> "2" .\n'
    assert result.work == 0
    assert dict(result.issued) == {}


def test_work_limit_is_enforced_and_counted() -> None:
    # Two automorphic blank nodes need Hash N-Degree Quads: some work, and a limit below it fails.
    text = "_:a <urn:ex:p> _:b .\n_:b <urn:ex:p> _:a .\n"
    needed = canonicalize_nquads(text).work
    assert needed > 0
    assert canonicalize_nquads(text, max_work=needed).work == needed
    with pytest.raises(InputError) as info:
        canonicalize_nquads(text, max_work=needed - 1)
    assert info.value.code == "di.canonicalization_limit"


def test_very_deep_blank_node_chains_fail_closed() -> None:
    size = 1500
    ring = "".join(f"_:n{i} <urn:ex:p> _:n{(i + 1) % size} .\n" for i in range(size))
    with pytest.raises(InputError) as info:
        canonicalize_nquads(ring, max_work=10**7)
    assert info.value.code == "di.canonicalization_limit"


@pytest.mark.parametrize(("kwargs"), [{"hash_name": "md5"}, {"max_work": -1}, {"max_work": True}, {"max_work": 1.5}])
def test_bad_arguments_are_usage_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        canonicalize([], **kwargs)


def test_issued_map_is_read_only() -> None:
    result = canonicalize_nquads('_:z <urn:ex:p> "x" .\n')
    assert dict(result.issued) == {"z": "c14n0"}
    with pytest.raises(TypeError):
        result.issued["z"] = "c14n9"  # type: ignore[index]


def test_work_counts_the_quads_each_call_reads() -> None:
    # Two interchangeable blank nodes with 3,000 statements each: few calls, but each reads a lot.
    lines = [f'_:h{k} <urn:ex:q> "v{i}" .\n' for k in (1, 2) for i in range(3000)]
    text = "".join(lines) + "_:h1 <urn:ex:p> _:h2 .\n_:h2 <urn:ex:p> _:h1 .\n"
    with pytest.raises(InputError) as info:
        canonicalize_nquads(text)
    assert info.value.code == "di.canonicalization_limit"
    result = canonicalize_nquads(text, max_work=10**6)
    assert result.work > 6000
    assert sorted(result.issued.values()) == ["c14n0", "c14n1"]


def test_tie_broken_by_input_order() -> None:
    # _:x and _:y tie (same N-degree hash) although swapping them is no automorphism: the first
    # quad's graph carries a marker the second's lacks. RDFC-1.0 resolves the tie by input order, so
    # callers must present quads in the same order as the signer (thaivc keeps pyld's order).
    marker = "_:m <urn:ex:q> <urn:ex:mark> .\n"
    one = "_:x <urn:ex:p> _:y _:m .\n_:y <urn:ex:p> _:x _:n .\n"
    other = "_:y <urn:ex:p> _:x _:n .\n_:x <urn:ex:p> _:y _:m .\n"
    first = canonicalize_nquads(marker + one).nquads
    assert first == canonicalize_nquads(marker + one).nquads  # deterministic for one order
    outputs = {canonicalize_nquads(marker + one).nquads, canonicalize_nquads(marker + other).nquads}
    assert len(outputs) == 2
