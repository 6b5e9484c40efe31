"""Disclosures (RFC 9901 §4.2): ``base64url(JSON([salt, name, value]))`` or ``[salt, value]``.

The digest is always computed over the disclosure *exactly as received* (its base64url text), never
over a re-encoding: two encodings of the same array are different disclosures, and re-encoding
would normalise Thai text or number spellings the issuer signed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, NamedTuple

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import dumps_compact_bytes, loads_strict

from ._hashing import b64_digest, b64_digest_of_ascii

__all__ = ["MAX_DISCLOSURE_BYTES", "Disclosure", "make_disclosure", "parse_disclosure"]

#: Cap on one encoded disclosure, checked before decoding (docs/security.md group A).
MAX_DISCLOSURE_BYTES: Final = 16 * 1024

#: Claim names a disclosure may never carry: they would forge SD-JWT structure (RFC 9901 §7.1).
FORBIDDEN_NAMES: Final = frozenset({"_sd", "..."})


class Disclosure(NamedTuple):
    """One decoded disclosure; ``name`` is ``None`` for an array element.

    A named tuple rather than a frozen dataclass: it is as immutable, and building one costs a
    quarter as much (a presentation builds one per disclosure on every verify).
    """

    encoded: str
    digest: str
    salt: str
    name: str | None
    value: Any


def make_disclosure(hasher: Callable[[bytes], Any], salt: str, name: str | None, value: Any) -> Disclosure:
    """Encode a disclosure for issuance. Text stays UTF-8 (``ensure_ascii=False``), never ``\\u``-escaped."""
    array: list[Any] = [salt, value] if name is None else [salt, name, value]
    encoded = b64url_encode(dumps_compact_bytes(array))
    return Disclosure(encoded, b64_digest(hasher, encoded), salt, name, value)


def parse_disclosure(encoded: str, hasher: Callable[[bytes], Any]) -> Disclosure:
    """Decode one received disclosure strictly; shape errors are ``sdjwt.disclosure_malformed``.

    The text is encoded to ASCII once: the same bytes are base64url-decoded and hashed, so the
    digest is over the disclosure exactly as received.
    """
    if len(encoded) > MAX_DISCLOSURE_BYTES:
        raise InputError("input.too_large", f"a disclosure of {len(encoded)} bytes exceeds the cap")
    try:
        ascii_text = encoded.encode("ascii")
        raw = b64url_decode(ascii_text)
    except ValueError:  # UnicodeEncodeError included: base64url is ASCII
        raise InputError("sdjwt.disclosure_malformed", "a disclosure is not canonical base64url") from None
    value = loads_strict(raw, max_bytes=MAX_DISCLOSURE_BYTES)
    if not isinstance(value, list):
        raise InputError("sdjwt.disclosure_malformed", "a disclosure is not a JSON array")
    size = len(value)
    if size == 3:
        salt, name, claim = value
        if not isinstance(salt, str):
            raise InputError("sdjwt.disclosure_malformed", "a disclosure salt is not a string")
        if not isinstance(name, str):
            raise InputError("sdjwt.disclosure_malformed", "a disclosure claim name is not a string")
        if name in FORBIDDEN_NAMES:
            raise InputError("sdjwt.disclosure_malformed", f"a disclosure uses the reserved name {name!r}")
    elif size == 2:
        salt, claim = value
        name = None
        if not isinstance(salt, str):
            raise InputError("sdjwt.disclosure_malformed", "a disclosure salt is not a string")
    else:
        raise InputError("sdjwt.disclosure_malformed", f"a disclosure has {size} elements, not 2 or 3")
    return Disclosure(encoded, b64_digest_of_ascii(hasher, ascii_text), salt, name, claim)
