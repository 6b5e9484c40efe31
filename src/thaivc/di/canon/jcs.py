"""RFC 8785 JSON Canonicalization Scheme (JCS).

``eddsa-jcs-2022`` and ``ecdsa-jcs-2019`` sign ``SHA-256(JCS(document))``, so this function sits on
the verification hot path. The canonical form differs from a plain sorted, compact ``json.dumps`` in
exactly two places:

* numbers: JCS prints every number the way ECMAScript's ``Number.prototype.toString`` does
  (``1.0`` → ``1``, ``1e21`` → ``1e+21``, ``1e-7`` → ``1e-7``), while Python prints ``repr(float)``;
* member order: JCS sorts names by UTF-16 code units, Python by code points. The two orders agree
  except when one name has an astral character (a surrogate pair, ``0xD800..0xDBFF`` as first unit)
  where another has a BMP character at or above ``U+E000``.

String escaping is identical: both escape ``"``, ``\\`` and control characters (``\\b \\t \\n \\f
\\r`` by name, the rest as lower-case ``\\u00xx``) and emit every other character as is. So
:func:`canonicalize` scans the value once for floats and out-of-range integers, lets the C encoder do
the work when the fast path is provably identical, and falls back to an exact writer otherwise.

When fast paths are on (:mod:`thaivc.core.fastpath`) the C encoder is ``orjson`` with
``OPT_SORT_KEYS`` rather than :mod:`json`'s: on a value the pre-scan passed (only ``dict``, ``list``,
``str``, integers within ±2**53, booleans and ``None``) it writes the same bytes — the same escapes,
names in code-point (UTF-8 byte) order — in a fifth of the time, and whatever it refuses (a lone
surrogate, nesting past its limit) goes to the exact writer. ``tests/di/canon/test_canon_jcs_orjson.py`` holds it
to the strict route on generated values and on the RFC 8785 vectors.

The result is I-JSON (RFC 7493) or an error: NaN, infinities, integers beyond ±2**53 and lone
surrogates raise :class:`~thaivc.core.errors.InputError` ``json.not_ijson``. Strings are never normalised:
``"ปู่"`` keeps its code points in the order the signer used.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Final

import orjson

from thaivc.core import fastpath
from thaivc.core.budget import spend
from thaivc.core.errors import InputError

__all__ = ["MAX_CONTAINERS", "canonicalize", "format_number"]

#: Most containers (objects and arrays) the pre-scan visits; also what stops a self-referencing value.
MAX_CONTAINERS: Final = 100_000

_MAX_SAFE_INTEGER: Final = 2**53 - 1
#: Output bytes per unit of a request's work budget (see :mod:`thaivc.core.budget`).
_BYTES_PER_UNIT: Final = 16

_FAST_ENCODE: Final = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, check_circular=False
).encode

_STRING_ENCODE: Final = json.JSONEncoder(ensure_ascii=False).encode

_ORJSON_SORTED: Final = orjson.OPT_SORT_KEYS

fastpath.register(
    "di.canon.jcs orjson", "eddsa-jcs-2022 verify: the sorted compact text in ~1-2 µs instead of ~6-8 µs", lambda: None
)


def canonicalize(value: object) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    ``value`` is what :func:`thaivc.core.jsonutil.loads_strict` returns: ``dict`` with ``str`` keys,
    ``list``, ``str``, ``int``, ``float``, ``bool`` or ``None`` (subclasses and tuples are accepted
    and take the exact writer).
    """
    data = _canonical_bytes(value)
    # paid after the fact, by size: the serialisation is linear and C-fast, the budget only has to
    # stop it being repeated (one document re-serialised for each of many proofs)
    spend(1 + len(data) // _BYTES_PER_UNIT, "JSON canonicalisation")
    return data


def _canonical_bytes(value: object) -> bytes:
    try:
        if not _needs_exact_writer(value):
            data = _sorted_compact(value)
            if data is not None and (data.isascii() or not _order_may_differ(data)):
                return data
        parts: list[str] = []
        _write(value, parts)
        return _to_utf8("".join(parts))
    except RecursionError:
        raise InputError("input.too_deep", "nesting too deep, or a value that contains itself") from None


def _sorted_compact(value: object) -> bytes | None:
    """Sorted, compact UTF-8 JSON of a value the pre-scan passed; ``None`` when orjson declines it."""
    if fastpath.ON[0]:
        try:
            return orjson.dumps(value, option=_ORJSON_SORTED)
        except orjson.JSONEncodeError:
            return None  # a lone surrogate, or nesting past orjson's limit: the exact writer decides
    return _to_utf8(_FAST_ENCODE(value))


def _order_may_differ(data: bytes) -> bool:
    """Could code-point order differ from UTF-16 order anywhere in this text?

    Only if it has an astral character (UTF-8 lead byte F0-F4) *and* a BMP character at or above
    U+E000 (lead byte EE or EF). Each test is a ``memchr``; a Thai credential passes in well under
    a microsecond.
    """
    astral = b"\xf0" in data or b"\xf1" in data or b"\xf2" in data or b"\xf3" in data or b"\xf4" in data
    return astral and (b"\xee" in data or b"\xef" in data)


def _to_utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("json.not_ijson", "lone surrogate in a string") from None


def _check_number(value: int | float) -> None:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError("json.not_ijson", "NaN and Infinity have no JSON form")
    elif not -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER:
        raise InputError("json.not_ijson", "integer beyond ±2^53 cannot be represented exactly")


def _needs_exact_writer(value: object) -> bool:
    """Pre-scan for the fast path: ``True`` at the first float, non-``str`` name or unusual type.

    Integers are range-checked here because the fast path prints them without looking. Anything the
    fast path cannot prove right goes to :func:`_write`, which validates every value itself.
    """
    kind = type(value)
    if kind is not dict and kind is not list:
        return True
    limit = _MAX_SAFE_INTEGER
    stack: list[object] = [value]
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > MAX_CONTAINERS:
            raise InputError("input.too_deep", "too many nested values, or a value that contains itself")
        if type(node) is dict:
            for name in node:
                if type(name) is not str:
                    return True
            children: Iterable[object] = node.values()
        else:
            children = node  # type: ignore[assignment]  # a list: the caller put only dicts and lists here
        for child in children:
            ckind = type(child)
            if ckind is str or ckind is bool or child is None:
                continue
            if ckind is int:
                if not -limit <= child <= limit:  # type: ignore[operator]  # ckind is int
                    raise InputError("json.not_ijson", "integer beyond ±2^53 cannot be represented exactly")
            elif ckind is dict or ckind is list:
                stack.append(child)
            else:
                return True
    return False


def _utf16_key(name: str) -> bytes:
    return name.encode("utf-16-be", "surrogatepass")


def _write(value: object, out: list[str]) -> None:
    """The exact RFC 8785 writer (§3.2): UTF-16 member order, ECMAScript numbers."""
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_STRING_ENCODE(str(value)))
    elif isinstance(value, int | float):
        out.append(format_number(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for name in value:
            if not isinstance(name, str):
                raise InputError("json.not_ijson", "an object member name is not a string")
        for name in sorted(value, key=_utf16_key):
            if not first:
                out.append(",")
            first = False
            out.append(_STRING_ENCODE(str(name)))
            out.append(":")
            _write(value[name], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise InputError("json.not_ijson", f"{type(value).__name__} is not a JSON value")


def format_number(value: int | float) -> str:
    """Serialise a number as ECMAScript ``Number.prototype.toString`` does (ECMA-262 §6.1.6.1.20).

    Python's ``repr`` already yields the shortest digit string that round-trips (the same digits
    ECMAScript requires); only the placement of the decimal point and exponent differs.
    """
    if isinstance(value, bool):
        raise InputError("json.not_ijson", "a boolean is not a number")
    if isinstance(value, int):
        _check_number(value)
        return str(int(value))
    _check_number(value)
    number = float(value)
    if number == 0.0:
        return "0"  # ECMAScript prints -0 as "0"
    sign = "-" if number < 0 else ""
    mantissa, _, exp_text = repr(abs(number)).partition("e")
    exponent = int(exp_text) if exp_text else 0
    whole, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    digits = (whole + fraction).lstrip("0")
    # value = 0.<digits> × 10**n  with no leading zero in digits
    n = len(whole) + exponent if whole != "0" else exponent - (len(fraction) - len(fraction.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        exp_part = ("e+" if e >= 0 else "e-") + str(abs(e))
        body = digits + exp_part if k == 1 else digits[0] + "." + digits[1:] + exp_part
    return sign + body
