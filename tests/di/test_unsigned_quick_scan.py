"""The quick scan in front of the unsigned-member search may only ever say "nothing to find".

:func:`thaivc.di.unsigned.require_rdfc_document` refuses what RDFC expansion would drop (``null``,
``[]``, an empty object under a keyword, a keyword that is none); a quick scan lets a plainly
clean document skip the search. Attacker's inputs: every refusable construct, hidden at depth, in
lists, under JSON-literal terms and keyword members, must still reach the search and be refused
with the same code and path as with fast paths off.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core import fastpath
from thaivc.core.errors import ThaiVCError
from thaivc.di.unsigned import _plainly_signed, require_rdfc_document

JSON_TERMS = frozenset({"jsonSchema"})


def _outcome(doc: dict[str, Any]) -> str:
    try:
        require_rdfc_document(doc, JSON_TERMS)
    except ThaiVCError as err:
        return f"{err.code}: {err}"
    return "pass"


_KEYS = st.sampled_from(
    ["name", "id", "type", "@value", "@type", "@language", "@id", "@foo", "@index", "jsonSchema", "a@b"]
)
_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=3), st.just("@json")
)
_VALUES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(_KEYS, children, max_size=3)),
    max_leaves=15,
)


@settings(max_examples=3000, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=4))
def test_clean_means_the_search_finds_nothing(doc: dict[str, Any]) -> None:
    if _plainly_signed(doc):
        with fastpath.disabled():
            assert _outcome(doc) == "pass"


@pytest.mark.parametrize(
    "doc",
    [
        {"credentialSubject": {"name": None}},
        {"credentialSubject": {"tags": []}},
        {"credentialSubject": [{"a": "b"}, {"deep": [{"x": None}]}]},
        {"credentialSubject": {"@foo": "bar"}},
        {"name": {"@value": None}},
        {"name": {"@id": {}}},
        {"jsonSchema": {"x": None}, "credentialSubject": {"y": None}},
        {"type": ["VerifiableCredential", None]},
        {},
    ],
)
def test_refusals_are_the_same_with_and_without_fast_paths(doc: dict[str, Any]) -> None:
    fast = _outcome(doc)
    with fastpath.disabled():
        slow = _outcome(doc)
    assert fast == slow
    assert not _plainly_signed(doc)


def test_an_honest_credential_is_plainly_signed() -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": [{"@value": "บัตร", "@language": "th"}],
        "credentialSubject": {"id": "did:example:1", "age": 42, "score": 1.5, "adult": True},
    }
    assert _plainly_signed(doc)
    assert _outcome(doc) == "pass"
