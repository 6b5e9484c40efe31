"""Strict base64url (RFC 4648 §5, no padding) with C-speed validation.

``base64.urlsafe_b64decode`` silently discards characters outside the alphabet and accepts
padding and non-zero trailing bits, so two different strings decode to the same bytes. JWS
signing inputs must be unambiguous: this decoder accepts exactly one spelling per byte string.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Final

__all__ = ["b64url_decode", "b64url_encode", "is_b64url"]

_ALPHABET: Final = re.compile(r"[A-Za-z0-9_-]*", re.ASCII)
# For a length ≡ 2 (mod 4) the last character carries 4 unused bits, for ≡ 3 it carries 2.
_LAST_2: Final = frozenset("AQgw")
_LAST_3: Final = frozenset("AEIMQUYcgkosw048")
_TO_STD: Final = bytes.maketrans(b"-_", b"+/")


def is_b64url(text: str) -> bool:
    """True iff ``text`` is canonical unpadded base64url."""
    if _ALPHABET.fullmatch(text) is None:
        return False
    rem = len(text) % 4
    if rem == 1:
        return False
    if rem == 2:
        return text[-1] in _LAST_2
    if rem == 3:
        return text[-1] in _LAST_3
    return True


def b64url_decode(text: str | bytes) -> bytes:
    """Decode canonical unpadded base64url; raise ``ValueError`` on anything else."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise ValueError("base64url must be ASCII") from None
    if not is_b64url(text):
        raise ValueError("not canonical unpadded base64url")
    data = text.encode("ascii").translate(_TO_STD) + b"=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except binascii.Error:
        raise ValueError("not canonical unpadded base64url") from None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
