"""The ``~``-separated serialization (RFC 9901 §4): ``<jwt>~<d1>~…~<dn>~[<kb-jwt>]``.

Splitting happens on the raw text with size caps first, so nothing is decoded from an oversized
input (docs/security.md group A). Only the compact serialization is accepted.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from thaivc.core.errors import InputError

from ._disclosure import MAX_DISCLOSURE_BYTES

__all__ = ["MAX_SD_JWT_BYTES", "SdJwtParts", "split_sd_jwt"]

#: Cap on a whole SD-JWT or presentation, checked before any decoding.
MAX_SD_JWT_BYTES: Final = 64 * 1024


class SdJwtParts(NamedTuple):
    """The pieces of a serialized SD-JWT, as text. ``signed_part`` is what ``sd_hash`` covers."""

    jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None
    signed_part: str


def split_sd_jwt(text: str | bytes) -> SdJwtParts:
    """Split a serialized SD-JWT (+KB). Refuses oversize input, empty parts and non-ASCII text."""
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_SD_JWT_BYTES:
            raise InputError("input.too_large", f"{len(text)} bytes exceeds the cap of {MAX_SD_JWT_BYTES}")
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise InputError("sdjwt.malformed", "an SD-JWT is ASCII text") from None
    elif not isinstance(text, str):
        raise InputError("input.unreadable", f"cannot read an SD-JWT from {type(text).__name__}")
    if len(text) > MAX_SD_JWT_BYTES:
        raise InputError("input.too_large", f"{len(text)} characters exceeds the cap of {MAX_SD_JWT_BYTES}")
    if not text.isascii():
        raise InputError("sdjwt.malformed", "an SD-JWT is ASCII text")
    if text.startswith("{"):
        raise InputError("jose.serialization_not_allowed", "only the compact SD-JWT serialization is accepted")
    parts = text.split("~")
    if len(parts) < 2:
        raise InputError("sdjwt.malformed", "no '~' separator: not an SD-JWT")
    jwt, disclosures, last = parts[0], parts[1:-1], parts[-1]
    if not jwt:
        raise InputError("sdjwt.malformed", "the issuer-signed JWT is empty")
    for d in disclosures:
        if not d:
            raise InputError("sdjwt.malformed", "an empty disclosure ('~~')")
        if len(d) > MAX_DISCLOSURE_BYTES:
            raise InputError("input.too_large", f"a disclosure of {len(d)} bytes exceeds the cap")
    signed_part = text[: len(text) - len(last)]
    return SdJwtParts(jwt, tuple(disclosures), last or None, signed_part)


def join_sd_jwt(jwt: str, disclosures: list[str] | tuple[str, ...], kb_jwt: str | None = None) -> str:
    """Serialize; the result always ends with ``~`` unless a KB-JWT follows."""
    return jwt + "~" + "".join(d + "~" for d in disclosures) + (kb_jwt or "")
