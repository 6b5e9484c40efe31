"""RFC 8785 JCS: the RFC's own examples, the W3C cryptosuite vectors, and equality with ``rfc8785``."""

from __future__ import annotations

import json
import struct
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core.errors import InputError
from thaivc.core.jsonutil import loads_strict
from thaivc.di.canon import jcs
from thaivc.di.canon.jcs import canonicalize, format_number

# RFC 8785 §3.2.2 — the example of the whole transformation.
RFC_INPUT = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC_OUTPUT = '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'

# RFC 8785 §3.2.3 — member sorting by UTF-16 code units (the emoji sorts *before* U+FB33).
RFC_SORT_INPUT = r"""{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"""
RFC_SORT_ORDER = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]

# RFC 8785 Appendix B — IEEE 754 bit patterns and their canonical text.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def _double(bits: str) -> float:
    return float(struct.unpack(">d", bytes.fromhex(bits))[0])


def test_rfc_example_whole_document() -> None:
    value = loads_strict(RFC_INPUT)
    assert canonicalize(value) == RFC_OUTPUT.encode("utf-8")
    assert canonicalize(value) == rfc8785.dumps(value)


def test_rfc_example_member_order_is_utf16() -> None:
    value = loads_strict(RFC_SORT_INPUT)
    out = json.loads(canonicalize(value))
    assert list(out) == RFC_SORT_ORDER
    assert canonicalize(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_rfc_appendix_b_numbers(bits: str, expected: str) -> None:
    number = _double(bits)
    assert format_number(number) == expected
    assert canonicalize([number]) == f"[{expected}]".encode()
    assert rfc8785.dumps(number) == expected.encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_rfc_appendix_b_non_finite_rejected(bits: str) -> None:
    with pytest.raises(InputError) as info:
        canonicalize({"n": _double(bits)})
    assert info.value.code == "json.not_ijson"


@pytest.mark.parametrize(
    ("unsigned", "canonical"),
    [
        ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/eddsa-jcs-2022/canonDocJCS.txt"),
        ("vc-di-eddsa/eddsa-jcs-2022/proofConfigJCS.json", "vc-di-eddsa/eddsa-jcs-2022/proofCanonJCS.txt"),
        ("vc-di-ecdsa/unsigned.json", "vc-di-ecdsa/ecdsa-jcs-2019-p256/canonDocJCSECDSAP256.txt"),
    ],
)
def test_w3c_cryptosuite_vectors(vectors: Path, unsigned: str, canonical: str) -> None:
    document = loads_strict((vectors / unsigned).read_bytes())
    assert canonicalize(document) == (vectors / canonical).read_bytes().strip()


def test_thai_text_is_never_normalised() -> None:
    # "ปู่" as signed: tone mark (U+0E48) before the vowel (U+0E39) — not NFC order.
    signed = "\u0e1b\u0e48\u0e39"
    nfc = "\u0e1b\u0e39\u0e48"
    assert canonicalize({"name": signed}) == '{"name":"\u0e1b\u0e48\u0e39"}'.encode()
    assert canonicalize({"name": signed}) != canonicalize({"name": nfc})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, b"1"),
        (-0.0, b"0"),
        (100.0, b"100"),
        (1e21, b"1e+21"),
        (1e20, b"100000000000000000000"),
        (1e-7, b"1e-7"),
        (0.1, b"0.1"),
        (1.5e300, b"1.5e+300"),
        (123.456e-10, b"1.23456e-8"),
        (True, b"true"),
        (None, b"null"),
        (2**53 - 1, b"9007199254740991"),
        (-(2**53 - 1), b"-9007199254740991"),
        ("\u007f\u2028\U0001f600", '"\u007f\u2028\U0001f600"'.encode()),
        ("\x00\x1f\b\t\n\f\r", b'"\\u0000\\u001f\\b\\t\\n\\f\\r"'),
    ],
)
def test_scalars(value: Any, expected: bytes) -> None:
    assert canonicalize(value) == expected
    assert canonicalize(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [2**53, -(2**53), 10**30, {"a": [2**64]}])
def test_integers_beyond_2_53_rejected(value: Any) -> None:
    with pytest.raises(InputError) as info:
        canonicalize(value)
    assert info.value.code == "json.not_ijson"


@pytest.mark.parametrize(
    "value",
    [
        {"s": "\ud800"},  # lone surrogate in a value
        {"\udc00": 1},  # lone surrogate in a name, fast path
        {"\udc00": 1.5},  # and through the exact writer
        {1: "int key"},
        {"set": {1, 2}},
        b"bytes",
        float("nan"),
    ],
)
def test_non_ijson_rejected(value: Any) -> None:
    with pytest.raises(InputError) as info:
        canonicalize(value)
    assert info.value.code == "json.not_ijson"


def test_self_reference_and_deep_nesting_rejected() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    cyclic_exact: dict[str, Any] = {"n": 1.5}  # a float sends it to the exact writer
    cyclic_exact["self"] = cyclic_exact
    deep: Any = 0
    for _ in range(5000):
        deep = [deep]
    many: list[Any] = [[] for _ in range(jcs.MAX_CONTAINERS + 1)]
    for value in (cyclic, cyclic_exact, deep, (deep,), many):
        with pytest.raises(InputError) as info:
            canonicalize(value)
        assert info.value.code == "input.too_deep"


def test_moderate_nesting_is_fine() -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = {"a": [deep]}
    assert canonicalize(deep) == rfc8785.dumps(deep)


def test_fast_path_refuses_order_sensitive_names() -> None:
    # Code-point order puts U+FB33 before U+1F600; UTF-16 order the other way round.
    value = {"\ufb33": 1, "\U0001f600": 2}
    assert json.dumps(value, sort_keys=True, ensure_ascii=False).index("\ufb33") == 2
    assert list(json.loads(canonicalize(value))) == ["\U0001f600", "\ufb33"]


def test_subclasses_and_tuples_are_json() -> None:
    value = OrderedDict([("b", (1, 2.5)), ("a", True)])
    assert canonicalize(value) == b'{"a":true,"b":[1,2.5]}'
    assert canonicalize({"x": False, "y": 0}) == b'{"x":false,"y":0}'


def test_booleans_are_not_numbers() -> None:
    with pytest.raises(InputError):
        format_number(True)


# --- property: equal to the rfc8785 reference implementation on a broad corpus ---------------

_THAI = st.characters(min_codepoint=0x0E00, max_codepoint=0x0E7F)
_TEXT = st.text(
    alphabet=st.one_of(
        _THAI,
        st.characters(min_codepoint=0, max_codepoint=0x7F),
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji (astral)
        st.characters(min_codepoint=0xE000, max_codepoint=0xFFFD, codec="utf-8"),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    _TEXT,
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(_TEXT, children, max_size=5)),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(_JSON)
def test_equals_reference_implementation(value: Any) -> None:
    assert canonicalize(value) == rfc8785.dumps(value)


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_equal_reference_and_round_trip(number: float) -> None:
    text = format_number(number)
    assert text.encode() == rfc8785.dumps(number)
    assert float(text) == number


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_TEXT, st.integers(min_value=0, max_value=9), max_size=8))
def test_names_sorted_by_utf16_code_units(value: dict[str, int]) -> None:
    names = list(json.loads(canonicalize(value)))
    assert names == sorted(value, key=lambda name: name.encode("utf-16-be"))
