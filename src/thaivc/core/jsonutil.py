"""The one strict JSON entry point for untrusted input.

Every header, payload, disclosure, DID document, status list and file the library reads from outside
goes through :func:`loads_strict`. Python's ``json`` module is permissive in ways attackers use:
it keeps the last of duplicate member names, accepts ``NaN``/``Infinity``, lets lone surrogates
through ``\\ud800`` escapes and raises ``RecursionError`` on deep nesting. This module closes each of
those doors while keeping the C scanner on the hot path (the checks cost a few microseconds on a
credential-sized document; see ``make bench``).

**The fast path** (issue 16, ``make bench`` rows "vc+jwt verify"): a document is first parsed with
``orjson`` and accepted only when ``orjson`` writes the parsed value back to exactly the input bytes.
That equality is the proof the strict rules need: a duplicate member would be lost (shorter output),
``NaN``/``Infinity`` and overflowing numbers do not parse or do not re-serialise, a lone surrogate
cannot be encoded, and every escape, whitespace or number spelling other than the one canonical form
differs. Whatever the fast path does not accept goes to the strict parser, which alone decides and
words every refusal, so error codes never depend on the fast path. The depth cap is checked on the
accepted text with C-speed passes (the strict path keeps its per-character scan). A property
test (``tests/test_core_fast_paths.py``) holds both paths to the same value or the same error code.
Setting ``THAIVC_NO_FAST_PATHS`` in the environment turns it off (:mod:`thaivc.core.fastpath`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, Final

import orjson

from thaivc.core import fastpath
from thaivc.core.errors import InputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "MAX_SAFE_INTEGER",
    "dumps_compact",
    "dumps_compact_bytes",
    "loads_strict",
]

DEFAULT_MAX_BYTES: Final = 64 * 1024
DEFAULT_MAX_DEPTH: Final = 64
MAX_SAFE_INTEGER: Final = 2**53 - 1


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InputError("json.duplicate_key", f"duplicate member name {key[:64]!r}")
            seen.add(key)
    return obj


def _reject_constant(name: str) -> Any:
    raise InputError("json.not_ijson", f"{name} is not allowed in I-JSON")


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise InputError("json.not_ijson", "number overflows a double")
    return value


_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_pairs_hook, parse_constant=_reject_constant, parse_float=_parse_float
)


#: The decoder's own C scanner (``JSONDecoder.__init__`` builds it) and JSON's whitespace rule.
_SCAN: Final[Callable[[str, int], tuple[Any, int]]] = getattr(_DECODER, "scan_once")  # noqa: B009
_WHITESPACE_END: Final = re.compile(r"[ \t\n\r]*").match
_WHITESPACE: Final = frozenset(" \t\n\r")
fastpath.register("core.jsonutil C scanner", "~0.5-1 µs per strict JSON parse", lambda: None)


def _end_of_whitespace(text: str, pos: int) -> int:
    match = _WHITESPACE_END(text, pos)
    return match.end() if match is not None else pos


def _decode(text: str) -> Any:
    """``_DECODER.decode`` without its two Python frames: the same C scanner, whitespace rule and
    error messages as :meth:`json.JSONDecoder.decode` / ``raw_decode``."""
    if not fastpath.ON[0]:
        return _DECODER.decode(text)
    start = _end_of_whitespace(text, 0) if text[:1] in _WHITESPACE else 0
    try:
        value, end = _SCAN(text, start)
    except StopIteration as err:
        raise json.JSONDecodeError("Expecting value", text, err.value) from None
    if end != len(text):
        end = _end_of_whitespace(text, end)
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    return value


def _check_strings(value: Any, *, safe_integers: bool) -> None:
    """Reject lone surrogates (and, for JCS input, integers beyond ±2**53)."""
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError("json.not_ijson", "lone surrogate in a string") from None
        elif isinstance(node, dict):
            for k, v in node.items():
                stack.append(k)
                stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
        elif safe_integers and isinstance(node, int) and not isinstance(node, bool) and abs(node) > MAX_SAFE_INTEGER:
            raise InputError("json.not_ijson", "integer beyond ±2^53")


def loads_strict(
    data: str | bytes | bytearray | memoryview,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    require_object: bool = False,
    safe_integers: bool = False,
) -> Any:
    """Parse untrusted JSON, raising :class:`~thaivc.core.errors.InputError` with a stable code.

    ``max_bytes`` is checked before any decoding. ``safe_integers`` additionally enforces the
    I-JSON integer range, which JCS-signed data requires.
    """
    if type(data) is bytes and fastpath.ON[0] and len(data) <= max_bytes:
        # the common call (a JWT payload, a disclosure): straight to the fast path, one frame less
        accepted = _fast(data, max_depth, require_object, safe_integers)
        if accepted is not _DECLINED:
            return accepted
    return _parse(
        data,
        max_bytes=max_bytes,
        max_depth=max_depth,
        require_object=require_object,
        safe_integers=safe_integers,
        fast=fastpath.ON[0],
    )


def _parse(
    data: str | bytes | bytearray | memoryview,
    *,
    max_bytes: int,
    max_depth: int,
    require_object: bool,
    safe_integers: bool,
    fast: bool,
) -> Any:
    """:func:`loads_strict` with the fast path chosen by the caller (the property test runs both)."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = data if type(data) is bytes else bytes(data)  # no copy of what is already bytes
        if len(raw) > max_bytes:
            raise InputError("input.too_large", f"{len(raw)} bytes exceeds the cap of {max_bytes}")
        if fast:
            accepted = _fast(raw, max_depth, require_object, safe_integers)
            if accepted is not _DECLINED:
                return accepted
        if raw.startswith(b"\xef\xbb\xbf"):
            raise InputError("json.not_ijson", "byte order mark before JSON")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("json.not_ijson", "invalid UTF-8") from None
    elif isinstance(data, str):
        text = data
        # a str is at least len() bytes in UTF-8: a cheap pre-check before encoding
        if len(text) > max_bytes:
            raise InputError("input.too_large", f"text exceeds the cap of {max_bytes} bytes")
        encoded = text.encode("utf-8", "surrogatepass")
        if len(encoded) > max_bytes:
            raise InputError("input.too_large", f"text exceeds the cap of {max_bytes} bytes")
        if fast:
            # a lone surrogate survives "surrogatepass" but never orjson's UTF-8 check: declined
            accepted = _fast(encoded, max_depth, require_object, safe_integers)
            if accepted is not _DECLINED:
                return accepted
        if text.startswith("\ufeff"):
            raise InputError("json.not_ijson", "byte order mark before JSON")
    else:
        raise InputError("input.unreadable", f"cannot parse {type(data).__name__} as JSON")

    # Bracket count bounds depth from above: only a document with many brackets needs the walk,
    # and a very deep one is refused before the recursive C scanner ever sees it.
    brackets = text.count("[") + text.count("{")
    if brackets > max_depth and _depth_prefix_exceeds(text, max_depth):
        raise InputError("input.too_deep", f"nesting deeper than {max_depth}")
    try:
        value = _decode(text)
    except InputError:
        raise
    except RecursionError:
        raise InputError("input.too_deep", "nesting too deep to parse") from None
    except ValueError as exc:  # JSONDecodeError, and int() beyond 4300 digits
        message = str(exc)
        if "integer string conversion" in message or "Exceeds the limit" in message:
            raise InputError("json.not_ijson", "integer too large") from None
        raise InputError("json.invalid", message[:200]) from None
    if safe_integers or "\\u" in text:
        _check_strings(value, safe_integers=safe_integers)
    if require_object and not isinstance(value, dict):
        raise InputError("json.not_object", "the top-level JSON value must be an object")
    return value


#: What :func:`_fast` returns when it does not accept (``None`` is a JSON value).
_DECLINED: Final = object()
#: Quotes and brackets kept (brackets folded to one kind of pair); every other byte deleted.
_BRACKET_TABLE: Final = bytes.maketrans(b"[{]}", b"(())")
_NOT_STRUCTURE: Final = bytes(set(range(256)) - set(b'"[{]}'))
#: A string left after :func:`_valid_json_deeper_than` dropped everything but quotes and brackets.
_STRING_LEFT: Final = re.compile(rb'"[^"]*"')


def _fast(raw: bytes, max_depth: int, require_object: bool, safe_integers: bool) -> Any:
    """Accept ``raw`` only if it is orjson's own spelling of its value; else :data:`_DECLINED`.

    orjson bounds nesting itself (it refuses more than 1024 levels without recursing), so parsing
    first is safe; the depth cap is then checked on the text now known to be valid JSON. Every
    refusal is left to the strict path (which words it), so this never raises.
    """
    try:
        value = orjson.loads(raw)
        if orjson.dumps(value) != raw:
            return _DECLINED
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _DECLINED
    if _valid_json_deeper_than(raw, max_depth):
        return _DECLINED
    if require_object and type(value) is not dict:
        return _DECLINED
    if safe_integers:
        try:
            _check_strings(value, safe_integers=True)
        except InputError:
            return _DECLINED
    return value


def _valid_json_deeper_than(raw: bytes, limit: int) -> bool:
    """Whether *valid* JSON ``raw`` nests more than ``limit`` deep, in C-speed passes.

    In valid JSON a backslash occurs only inside strings, as an escape pair, so deleting ``\\\\``
    pairs and then ``\\"`` leaves exactly the quotes that open and close strings; what lies between
    a closing and the next opening quote is outside strings. Its brackets, folded to ``()``, lose
    exactly one level per ``replace("()", "")`` pass. Not for arbitrary text: the strict path keeps the exact
    per-character scan for that.
    """
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    folded = raw.translate(_BRACKET_TABLE, _NOT_STRUCTURE)
    # every level is opened by a bracket, in a string or not: few opening brackets prove the depth
    # (one pass over the short folded text instead of two over the document)
    if folded.count(b"(") <= limit:
        return False
    # only quotes and brackets remain; dropping each adjacent pair of quotes either empties a string
    # or joins two strings with nothing between them, so the brackets outside strings stay as they were
    if folded.count(b'""') * 2 == folded.count(b'"'):
        # every quote is one of an adjacent pair, so pairs (1, 2), (3, 4), … — the strings — hold
        # no bracket: dropping the quotes leaves the brackets outside strings (no copy per string)
        pairs = folded.translate(None, b'"')
    else:
        folded = folded.replace(b'""', b"")
        pairs = _STRING_LEFT.sub(b"", folded) if b'"' in folded else folded
    for _ in range(limit):
        if not pairs:
            return False
        pairs = pairs.replace(b"()", b"")
    return bool(pairs)


def _depth_prefix_exceeds(text: str, limit: int) -> bool:
    """Scan bracket depth outside strings; cheap guard against 200,000 ``[`` before parsing."""
    depth = 0
    in_string = False
    escape = False
    for ch in text:
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def dumps_compact(value: Any) -> str:
    """Compact JSON for issuance: UTF-8 text kept as-is (never ``\\u`` escaped), no NaN.

    What JSON cannot say is refused with ``json.not_ijson``, never a bare ``TypeError`` or
    ``ValueError``: a set, bytes or any other object, NaN and infinities, and a member name that is
    not a string (``json`` would sign the key ``1`` as ``"1"``, which is not what the caller wrote).
    """
    _require_string_names(value)
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError("json.not_ijson", f"not a JSON value: {str(exc)[:120]}") from None
    except RecursionError:
        raise InputError("input.too_deep", "the value nests too deeply to write as JSON") from None
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no UTF-8 text can carry it (I-JSON, RFC 7493 §2.1)
            raise InputError("json.not_ijson", "a string holds a lone surrogate") from None
    return text


def _require_string_names(value: Any) -> None:
    """Refuse a non-string member name anywhere in ``value`` (a loop: no recursion limit to meet;
    each container once, so a value that contains itself ends here and ``json`` names the cycle)."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            for key, member in item.items():
                if not isinstance(key, str):
                    raise InputError("json.not_ijson", f"a member name is {type(key).__name__}, not a string")
                if isinstance(member, dict | list | tuple):
                    stack.append(member)
        elif isinstance(item, list | tuple):
            stack.extend(v for v in item if isinstance(v, dict | list | tuple))


#: orjson writes these natively where ``json`` refuses or writes them otherwise: let it refuse them.
_PASSTHROUGH: Final = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def dumps_compact_bytes(value: Any) -> bytes:
    """:func:`dumps_compact` as UTF-8 bytes, what a signer needs.

    Fast path (:mod:`thaivc.core.fastpath`): orjson's text, kept only when it reads back equal to
    ``value`` — which fails for NaN and infinities (orjson writes ``null``), UUIDs and plain enums;
    datetimes, dataclasses, subclasses and non-string keys make orjson refuse. What is kept is
    byte for byte ``dumps_compact``'s text except, for some floats, the spelling of the same double
    (``1e16`` for ``1e+16``); everything else takes the ``json`` route and its refusals.
    """
    if fastpath.ON[0]:
        try:
            out = orjson.dumps(value, option=_PASSTHROUGH)
        except orjson.JSONEncodeError:
            pass
        else:
            if orjson.loads(out) == value:
                return out
    return dumps_compact(value).encode("utf-8")
