"""The orjson route of :func:`thaivc.di.canon.jcs.canonicalize` writes what the strict route writes.

With fast paths on, a value the pre-scan passes (no float, no integer beyond ±2**53, only ``dict``,
``list``, ``str``, ``int``, ``bool`` and ``None``) is written by ``orjson`` with sorted keys; with
them off (``THAIVC_NO_FAST_PATHS=1``) by :mod:`json`'s C encoder; and the exact RFC 8785 writer is
the reference for both. Hostile values first: what the strict route refuses, the fast one refuses
with the same code, and nothing orjson declines is ever accepted on its say-so.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core import fastpath
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import loads_strict
from thaivc.di.canon import jcs
from thaivc.di.canon.jcs import canonicalize


def _exact(value: Any) -> bytes:
    parts: list[str] = []
    jcs._write(value, parts)
    return "".join(parts).encode("utf-8")


def _both(value: Any) -> bytes:
    """The canonical bytes with fast paths on and off, which must agree (and agree with the exact
    writer and the ``rfc8785`` reference)."""
    fast = canonicalize(value)
    with fastpath.disabled():
        strict = canonicalize(value)
    assert fast == strict == _exact(value) == rfc8785.dumps(value)
    return fast


def _code_both(value: Any) -> str:
    with pytest.raises(InputError) as fast:
        canonicalize(value)
    with fastpath.disabled(), pytest.raises(InputError) as strict:
        canonicalize(value)
    assert fast.value.code == strict.value.code
    return fast.value.code


# --- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        {"name": "\ud800"},  # a lone surrogate in a value: orjson declines, the exact writer refuses
        {"\udfff": "x"},  # and in a member name
        ["ok", ["\ud83d"]],
    ],
)
def test_lone_surrogates_are_refused_both_ways(value: Any) -> None:
    assert _code_both(value) == "json.not_ijson"


@pytest.mark.parametrize("value", [{"n": 2**53}, [-(2**53)], {"a": {"b": 2**63}}, {"big": 2**70}])
def test_integers_past_2_53_are_refused_both_ways(value: Any) -> None:
    # orjson would print 2**53 and 2**63 - 1 without a word: the pre-scan refuses them first
    assert _code_both(value) == "json.not_ijson"


def test_nesting_past_orjsons_limit_takes_the_exact_writer() -> None:
    deep: Any = "x"
    for _ in range(300):  # 600 containers: orjson stops at 255 levels and declines
        deep = {"a": [deep]}
    _both(deep)


def test_too_deep_and_self_referencing_are_refused_both_ways() -> None:
    deep: Any = 0
    for _ in range(5000):
        deep = [deep]
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    assert _code_both(deep) == "input.too_deep"
    assert _code_both(cyclic) == "input.too_deep"


def test_values_orjson_would_write_its_own_way_take_the_exact_writer() -> None:
    # a dict subclass, a tuple and a float: never handed to orjson, whose spelling of floats differs
    assert _both(OrderedDict([("b", 1), ("a", [True, None])])) == b'{"a":[true,null],"b":1}'
    assert canonicalize({"t": (1, 2)}) == b'{"t":[1,2]}'
    assert _both({"f": 1.0, "g": 1e21, "h": 1e-7}) == b'{"f":1,"g":1e+21,"h":1e-7}'


def test_order_sensitive_names_are_reordered_both_ways() -> None:
    # code-point order puts U+FB33 first, UTF-16 order the emoji: the guard catches orjson's order too
    assert _both({"\ufb33": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb33":1}'.encode()


def test_every_control_character_and_escape_matches() -> None:
    text = "".join(chr(c) for c in range(0x80)) + "\u2028\u2029\u00ad\ufeff\uffff\U0001f600ปู่"
    _both({text: text, "k": [text, {"x": text}]})


# --- the vectors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unsigned", "canonical"),
    [
        ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/eddsa-jcs-2022/canonDocJCS.txt"),
        ("vc-di-eddsa/eddsa-jcs-2022/proofConfigJCS.json", "vc-di-eddsa/eddsa-jcs-2022/proofCanonJCS.txt"),
        ("vc-di-ecdsa/unsigned.json", "vc-di-ecdsa/ecdsa-jcs-2019-p256/canonDocJCSECDSAP256.txt"),
    ],
)
def test_w3c_vectors_both_ways(vectors: Path, unsigned: str, canonical: str) -> None:
    document = loads_strict((vectors / unsigned).read_bytes())
    assert _both(document) == (vectors / canonical).read_bytes().strip()


# --- property: generated float-free values, the ones orjson writes ----------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F),  # Thai
        st.characters(min_codepoint=0, max_codepoint=0x7F),  # ASCII with every control character
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # astral
        st.characters(min_codepoint=0xE000, max_codepoint=0xFFFD, codec="utf-8"),  # high BMP
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1),
    _TEXT,
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(_TEXT, children, max_size=6)),
    max_leaves=40,
)


@settings(max_examples=500, deadline=None)
@given(_JSON)
def test_orjson_route_equals_the_strict_route(value: Any) -> None:
    _both(value)
