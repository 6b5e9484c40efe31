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

The result is I-JSON (RFC 7493) or an error: NaN, infinities, integers beyond ±2**53 and lone
surrogates raise :class:`~thaivc.errors.InputError` ``json.not_ijson``. Strings are never normalised:
``"ปู่"`` keeps its code points in the order the signer used.
"""

from __future__ import annotations

import json
import math
import re
from typing import Final

from thaivc.errors import InputError

__all__ = ["MAX_DEPTH", "canonicalize", "format_number"]

#: Deepest nesting accepted; also what stops a self-referencing structure.
MAX_DEPTH: Final = 256

_MAX_SAFE_INTEGER: Final = 2**53 - 1

_FAST_ENCODE: Final = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, check_circular=False
).encode

_STRING_ENCODE: Final = json.JSONEncoder(ensure_ascii=False).encode

# A character that could make code-point order differ from UTF-16 order: an astral one or one at or
# above U+E000. Its absence from the whole output proves the sorted order is the JCS order.
_ORDER_SENSITIVE: Final = re.compile("[\ue000-\U0010ffff]")


def canonicalize(value: object) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON value.

    ``value`` is what :func:`thaivc.jsonutil.loads_strict` returns: ``dict`` with ``str`` keys,
    ``list``, ``str``, ``int``, ``float``, ``bool`` or ``None``.
    """
    needs_exact = _scan(value, 0)
    if not needs_exact:
        text = _FAST_ENCODE(value)
        if not _ORDER_SENSITIVE.search(text):
            return _to_utf8(text)
    parts: list[str] = []
    _write(value, parts)
    return _to_utf8("".join(parts))


def _to_utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("json.not_ijson", "lone surrogate in a string") from None


def _check_number(value: int | float) -> bool:
    """Validate one number; ``True`` when it is a float (the fast path cannot print it)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError("json.not_ijson", "NaN and Infinity have no JSON form")
        return True
    if -_MAX_SAFE_INTEGER <= value <= _MAX_SAFE_INTEGER:
        return False
    raise InputError("json.not_ijson", "integer beyond ±2^53 cannot be represented exactly")


def _scan(value: object, depth: int) -> bool:
    """Validate ``value``; ``True`` when it holds a float and so needs the exact writer."""
    if depth > MAX_DEPTH:
        raise InputError("input.too_deep", f"nesting deeper than {MAX_DEPTH}")
    kind = type(value)
    if kind is dict:
        assert isinstance(value, dict)
        for key in value:
            if type(key) is not str:
                raise InputError("json.not_ijson", "an object member name is not a string")
        children: object = value.values()
    elif kind is list or kind is tuple:
        children = value
    elif kind is str or kind is bool or value is None:
        return False
    elif kind is int or kind is float:
        assert isinstance(value, int | float)
        return _check_number(value)
    else:
        return _scan_unusual(value, depth)
    exact = False
    assert isinstance(children, type({}.values()) | list | tuple)
    for child in children:
        ckind = type(child)
        if ckind is str or ckind is bool or child is None:
            continue
        if ckind is int or ckind is float:
            exact = _check_number(child) or exact
        else:
            exact = _scan(child, depth + 1) or exact
    return exact


def _scan_unusual(value: object, depth: int) -> bool:
    """Subclasses of the JSON types go through the exact writer; anything else is refused."""
    if isinstance(value, bool | str):
        return True
    if isinstance(value, int | float):
        _check_number(value)
        return True
    if isinstance(value, dict):
        _scan(dict(value), depth)
        return True
    if isinstance(value, list | tuple):
        _scan(list(value), depth)
        return True
    raise InputError("json.not_ijson", f"{type(value).__name__} is not a JSON value")


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
    else:  # pragma: no cover - _scan refuses these first
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
