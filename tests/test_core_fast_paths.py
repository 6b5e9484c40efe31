"""The fast paths of the core floor (strict JSON, base64url) are the strict code, only faster (issue 16).

Each test runs both paths on the same input and demands the same value (types and float spellings
included) or the same error code. The adversarial inputs come first: duplicate members, NaN and
overflowing numbers, lone surrogates, escapes, byte order marks, invalid UTF-8, deep and unbalanced
nesting, brackets hidden in strings, oversized input.
"""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaivc.core.errors import InputError
from thaivc.core.jsonutil import _depth_prefix_exceeds, _parse, _valid_json_deeper_than, loads_strict


def _outcome(data: str | bytes, fast: bool, **options: Any) -> tuple[str, Any]:
    kwargs: dict[str, Any] = {"max_bytes": 65536, "max_depth": 64, "require_object": False, "safe_integers": False}
    kwargs.update(options)
    try:
        return "value", _typed(_parse(data, fast=fast, **kwargs))
    except InputError as err:
        return "error", err.code


def _typed(value: Any) -> Any:
    """A comparable form that tells 1 from 1.0 from True and -0.0 from 0.0, and keeps member order."""
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, float):
        return ("float", repr(value))
    return (type(value).__name__, value)


def _same(data: str | bytes, **options: Any) -> tuple[str, Any]:
    fast, strict = _outcome(data, True, **options), _outcome(data, False, **options)
    assert fast == strict, (data[:200], fast, strict)
    return fast


# -- the attacker's inputs, one by one ------------------------------------------------------------

ADVERSARIAL: list[tuple[bytes, str]] = [
    (b'{"a":1,"a":2}', "json.duplicate_key"),
    (b'{"a":{"b":1,"b":1}}', "json.duplicate_key"),
    (b'[NaN]', "json.not_ijson"),
    (b'[Infinity]', "json.not_ijson"),
    (b'[-Infinity]', "json.not_ijson"),
    (b'[1e309]', "json.not_ijson"),
    (b'["\\ud800"]', "json.not_ijson"),
    (b'{"\\udc00":1}', "json.not_ijson"),
    (b'["\xed\xa0\x80"]', "json.not_ijson"),
    (b'\xef\xbb\xbf{}', "json.not_ijson"),
    (b'{"a":"\xff"}', "json.not_ijson"),
    (b"[" * 65 + b"]" * 65, "input.too_deep"),
    (b"[" * 5000, "input.too_deep"),
    (b"[" * 64 + b"]" * 64 + b"]", "json.invalid"),
    (b'{"a":1}x', "json.invalid"),
    (b"", "json.invalid"),
    (b"[1,]", "json.invalid"),
    (b"'a'", "json.invalid"),
    (b"1" * 5000, "json.not_ijson"),
]


@pytest.mark.parametrize(("data", "code"), ADVERSARIAL)
def test_every_strict_refusal_survives_the_fast_path(data: bytes, code: str) -> None:
    assert _same(data) == ("error", code)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    assert _same(text) == ("error", code)


def test_oversized_input_is_refused_before_any_parser() -> None:
    big = orjson.dumps({"a": "x" * 70_000})
    assert _same(big) == ("error", "input.too_large")
    assert _same(big.decode()) == ("error", "input.too_large")


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    inside = orjson.dumps({"s": "[" * 500, "t": "\\\"{{{{", "u": ["]]]]"]})
    assert _same(inside)[0] == "value"
    assert not _valid_json_deeper_than(inside, 2) and _valid_json_deeper_than(inside, 1)


def test_escaped_quotes_and_backslashes_do_not_hide_brackets() -> None:
    # a string ending in an escaped backslash, then real nesting: the quote after \\\\ closes it
    deep = b'["\\\\",' + b"[" * 64 + b"]" * 64 + b"]"
    assert _valid_json_deeper_than(deep, 64)
    assert _same(deep) == ("error", "input.too_deep")
    hidden = b'["\\"' + b"[" * 70 + b'"]'
    assert not _valid_json_deeper_than(hidden, 1)
    assert _same(hidden)[0] == "value"


def test_depth_at_the_cap_is_accepted_and_one_more_is_not() -> None:
    at_cap = b"[" * 64 + b"]" * 64
    assert _same(at_cap)[0] == "value"
    assert not _valid_json_deeper_than(at_cap, 64) and _valid_json_deeper_than(b"[" + at_cap + b"]", 64)
    assert _same(b"[" + at_cap + b"]") == ("error", "input.too_deep")


def test_safe_integers_and_require_object_hold_on_the_fast_path() -> None:
    assert _same(b'{"a":9007199254740992}', safe_integers=True) == ("error", "json.not_ijson")
    assert _same(b'{"a":9007199254740991}', safe_integers=True)[0] == "value"
    assert _same(b"[]", require_object=True) == ("error", "json.not_object")
    assert _same(b"null")[0] == "value"


def test_the_fast_path_accepts_what_thaivc_issues() -> None:
    doc = {"name": "สมหญิง", "n": [1, 2.5, -0.0, True, None], "o": {"v": "1", "u": "บาท"}}
    issued = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    assert orjson.dumps(orjson.loads(issued)) == issued  # so it is the fast path that accepts it
    assert loads_strict(issued) == doc


# -- arbitrary documents, spelled every way, then damaged -------------------------------------

_scalars = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=5),
    max_leaves=30,
)


def _spellings(value: Any) -> list[bytes]:
    out = [
        json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"),
        json.dumps(value).encode(),
        json.dumps(value, indent=1).encode(),
    ]
    with contextlib.suppress(orjson.JSONEncodeError):
        out.append(orjson.dumps(value))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_values)
def test_fast_and_strict_agree_on_every_spelling(value: Any) -> None:
    for data in _spellings(value):
        _same(data)
        _same(data, safe_integers=True, require_object=True)
        with contextlib.suppress(UnicodeDecodeError):
            _same(data.decode("utf-8"))


_damage = st.sampled_from([
    b'"', b"\\", b"[", b"]", b"{", b"}", b",", b":", b"NaN", b"1e400", b"\\ud800", b"\xff", b"\xed\xa0\x80",
    b" ", b"-0", b"1.0", b"00", b"\xef\xbb\xbf", b'"a":1,"a":2', b"[" * 70, b"]" * 70, b"\\u0000",
])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_values, st.lists(st.tuples(st.integers(min_value=0), _damage, st.booleans()), min_size=1, max_size=4))
def test_fast_and_strict_agree_on_damaged_documents(value: Any, edits: list[tuple[int, bytes, bool]]) -> None:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    for where, piece, replace in edits:
        at = where % (len(data) + 1)
        data = data[:at] + piece + data[at + (len(piece) if replace else 0):]
    _same(data)
    _same(data, max_depth=8)
    with contextlib.suppress(UnicodeDecodeError):
        _same(data.decode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_fast_and_strict_agree_on_arbitrary_bytes(data: bytes) -> None:
    _same(data)
    _same(data, max_depth=3)


@settings(max_examples=300, deadline=None)
@given(_values, st.integers(min_value=1, max_value=10))
def test_the_depth_passes_equal_the_exact_scan_on_valid_json(value: Any, limit: int) -> None:
    for data in _spellings(value):
        text = data.decode("utf-8", "surrogatepass")
        assert _valid_json_deeper_than(data, limit) == _depth_prefix_exceeds(text, limit)


# -- base64url: pybase64 behind the same spelling rules ---------------------------------------------

_B64_DAMAGE = st.sampled_from([b"+", b"/", b"=", b"==", b" ", b"\n", b"\x00", b"\xff", b"A", b"B", b"-", b"_", b"."])


def _b64_outcome(decode: Any, raw: bytes) -> tuple[str, bytes]:
    try:
        return "value", decode(raw)
    except ValueError:
        return "error", b""


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=64), st.lists(st.tuples(st.integers(min_value=0), _B64_DAMAGE, st.booleans()), max_size=3))
def test_pybase64_decodes_exactly_what_the_strict_decoder_does(data: bytes, edits: list[tuple[int, bytes, bool]]) -> None:
    from thaivc.core.b64 import _decode_fast, _decode_strict

    raw = base64.urlsafe_b64encode(data).rstrip(b"=")
    assert _decode_fast(raw) == _decode_strict(raw) == data
    for where, piece, replace in edits:
        at = where % (len(raw) + 1)
        raw = raw[:at] + piece + raw[at + (len(piece) if replace else 0):]
    assert _b64_outcome(_decode_fast, raw) == _b64_outcome(_decode_strict, raw)


@pytest.mark.parametrize("raw", [b"QQ", b"QR", b"QUE", b"QUF", b"Q", b"QQ==", b"Q+Q", b"Q/Q", b"Q Q", b"", b"-_-_"])
def test_non_canonical_base64url_is_refused_on_both_paths(raw: bytes) -> None:
    from thaivc.core.b64 import _decode_fast, _decode_strict

    assert _b64_outcome(_decode_fast, raw) == _b64_outcome(_decode_strict, raw)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_pybase64_encodes_as_the_stdlib_does(data: bytes) -> None:
    from thaivc.core.b64 import b64url_encode

    assert b64url_encode(data) == base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- issuance: the orjson copy of normalize_document -------------------------------------------------

_TRICKY_TEXT = st.text(
    alphabet=st.sampled_from(
        [*list('ae"\\\n\x00\x1fก่ำ'), "́", "̧", "̀", "\u200b", "\u202e", "\ufeff", "ᄀ", "ᅡ", "é", "Å", "ำ", "ํ", "า", "�"]
    ),
    max_size=8,
)
_issuable = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | _TRICKY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(_TRICKY_TEXT | st.integers(-3, 3), inner, max_size=4),
    max_leaves=20,
)


def _normalize_outcome(fn: Any, value: Any) -> tuple[str, Any]:
    from thaivc.core.errors import ThaiVCError

    try:
        return "value", _typed_loose(fn(value))
    except ThaiVCError as err:
        return "error", (err.code, err.loc)


def _typed_loose(value: Any) -> Any:
    if isinstance(value, dict):
        return ("dict", [(_typed_loose(k), _typed_loose(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed_loose(v) for v in value])
    if isinstance(value, float):
        return ("float", repr(value))
    return (type(value).__name__, value)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_TRICKY_TEXT, _issuable, max_size=5))
def test_the_fast_copy_normalises_exactly_as_the_walk(doc: dict[str, Any]) -> None:
    from thaivc.engine.issuer import _normalize_walk, _normalized_copy

    walked = _normalize_outcome(lambda v: _normalize_walk(v, ()), doc)
    fast = _normalized_copy(doc)
    if fast is not None:
        assert walked == ("value", _typed_loose(fast))


@pytest.mark.parametrize(
    "doc",
    [
        {"name": "e\u0301"},  # NFD: composes
        {"e\u0301": 1},  # in a key
        {"name": "a\u200bb"},  # zero-width space
        {"n": ["\u202e"]},  # bidi override
        {"n": float("nan")},
        {"n": float("inf")},
        {"n": (1, 2)},
        {1: "a"},
        {"n": "\u212b"},  # Angstrom sign: a singleton that NFC replaces
    ],
)
def test_the_fast_copy_declines_whatever_the_walk_would_change_or_refuse(doc: dict[str, Any]) -> None:
    from thaivc.engine.issuer import _normalized_copy, normalize_document

    assert _normalized_copy(doc) is None
    from thaivc.core.errors import ThaiVCError

    try:
        out = normalize_document(doc)
    except ThaiVCError as err:  # refused on the walk, with the location of the offending value
        assert err.code in {"text.forbidden_char", "json.not_ijson"} and err.loc
        return
    assert out is not None  # changed (NFC, lists for tuples) or passed as the walk passes it


def test_every_forbidden_character_starts_with_a_byte_the_fast_copy_looks_for() -> None:
    from thaivc.engine.issuer import FORBIDDEN_CHARS

    assert all(c.encode()[0] in b"\xe2\xef" for c in FORBIDDEN_CHARS)


# -- issuance: orjson's text where it reads back as the same value --------------------------------------

_odd = st.sampled_from([float("nan"), float("inf"), -float("inf"), (1, "a"), 10**30, -0.0, 1e16, 1e-7, 5e-324])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_scalars | _odd | _TRICKY_TEXT, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(_TRICKY_TEXT | st.integers(-2, 2), inner, max_size=4), max_leaves=20))
def test_fast_compact_text_is_the_same_json_or_the_same_refusal(value: Any) -> None:
    from thaivc.core.errors import ThaiVCError
    from thaivc.core.jsonutil import dumps_compact, dumps_compact_bytes

    try:
        strict = dumps_compact(value).encode("utf-8")
    except ThaiVCError as err:  # what JSON cannot say: the same code both ways
        with pytest.raises(ThaiVCError) as fast_err:
            dumps_compact_bytes(value)
        assert fast_err.value.code == err.code
        return
    fast = dumps_compact_bytes(value)
    assert _typed(json.loads(fast)) == _typed(json.loads(strict))
    if not _has_float(value):
        assert fast == strict  # byte for byte; only a float may be spelt otherwise (1e16 for 1e+16)


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_float(k) or _has_float(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


def test_fast_compact_text_refuses_what_json_refuses() -> None:
    import dataclasses
    import datetime
    import uuid

    from thaivc.core.jsonutil import dumps_compact_bytes

    @dataclasses.dataclass
    class Point:
        x: int

    from thaivc.core.errors import ThaiVCError

    for bad in [float("nan"), {"a": float("inf")}, datetime.datetime(2026, 1, 1), uuid.uuid4(), Point(1), {"s": "\ud800"},
                {1: "a"}]:
        with pytest.raises(ThaiVCError) as err:  # a code, never a bare TypeError/ValueError/UnicodeEncodeError
            dumps_compact_bytes(bad)
        assert err.value.code == "json.not_ijson"


@pytest.mark.parametrize("key_type", ["P-256", "P-384"])
def test_a_jwk_key_is_the_same_key_with_the_same_identity(key_type: str) -> None:
    from cryptography.hazmat.primitives import serialization

    from thaivc.keys import PublicKey, generate_key

    for _ in range(20):
        key = generate_key(key_type).public
        parsed = PublicKey.from_jwk(key.jwk)
        compressed = parsed.crypto.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
        assert parsed.raw == compressed == key.raw
        assert parsed.multikey == key.multikey and parsed == key and hash(parsed) == hash(key)
