"""Disclosures (RFC 9901 §4.2): ``base64url(JSON([salt, name, value]))`` or ``[salt, value]``.

The digest is always computed over the disclosure *exactly as received* (its base64url text), never
over a re-encoding: two encodings of the same array are different disclosures, and re-encoding
would normalise Thai text or number spellings the issuer signed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from thaivc.b64 import b64url_decode, b64url_encode
from thaivc.errors import InputError
from thaivc.jsonutil import dumps_compact, loads_strict

from ._hashing import b64_digest

__all__ = ["MAX_DISCLOSURE_BYTES", "Disclosure", "make_disclosure", "parse_disclosure"]

#: Cap on one encoded disclosure, checked before decoding (security.md case 1).
MAX_DISCLOSURE_BYTES: Final = 16 * 1024

#: Claim names a disclosure may never carry: they would forge SD-JWT structure (RFC 9901 §7.1).
FORBIDDEN_NAMES: Final = frozenset({"_sd", "..."})


@dataclass(frozen=True, slots=True)
class Disclosure:
    """One decoded disclosure; ``name`` is ``None`` for an array element."""

    encoded: str
    digest: str
    salt: str
    name: str | None
    value: Any


def make_disclosure(hasher: Callable[[bytes], Any], salt: str, name: str | None, value: Any) -> Disclosure:
    """Encode a disclosure for issuance. Text stays UTF-8 (``ensure_ascii=False``), never ``\\u``-escaped."""
    array: list[Any] = [salt, value] if name is None else [salt, name, value]
    encoded = b64url_encode(dumps_compact(array).encode("utf-8"))
    return Disclosure(encoded, b64_digest(hasher, encoded), salt, name, value)


def parse_disclosure(encoded: str, hasher: Callable[[bytes], Any]) -> Disclosure:
    """Decode one received disclosure strictly; shape errors are ``sdjwt.disclosure_malformed``."""
    if len(encoded) > MAX_DISCLOSURE_BYTES:
        raise InputError("input.too_large", f"a disclosure of {len(encoded)} bytes exceeds the cap")
    try:
        raw = b64url_decode(encoded)
    except ValueError:
        raise InputError("sdjwt.disclosure_malformed", "a disclosure is not canonical base64url") from None
    value = loads_strict(raw, max_bytes=MAX_DISCLOSURE_BYTES)
    if not isinstance(value, list):
        raise InputError("sdjwt.disclosure_malformed", "a disclosure is not a JSON array")
    if len(value) not in (2, 3):
        raise InputError("sdjwt.disclosure_malformed", f"a disclosure has {len(value)} elements, not 2 or 3")
    salt = value[0]
    if not isinstance(salt, str):
        raise InputError("sdjwt.disclosure_malformed", "a disclosure salt is not a string")
    name: str | None = None
    if len(value) == 3:
        name = value[1]
        if not isinstance(name, str):
            raise InputError("sdjwt.disclosure_malformed", "a disclosure claim name is not a string")
        if name in FORBIDDEN_NAMES:
            raise InputError("sdjwt.disclosure_malformed", f"a disclosure uses the reserved name {name!r}")
    return Disclosure(encoded, b64_digest(hasher, encoded), salt, name, value[-1])
