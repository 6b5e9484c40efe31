"""Strict base64url (RFC 4648 §5, no padding) with C-speed validation.

``base64.urlsafe_b64decode`` silently discards characters outside the alphabet and accepts
padding and non-zero trailing bits, so two different strings decode to the same bytes. JWS
signing inputs must be unambiguous: this decoder accepts exactly one spelling per byte string.

The spelling rules are checked here; the decoding itself is pybase64's SIMD codec (a fast path,
:mod:`thaivc.core.fastpath`; the stdlib's ``a2b_base64`` spends ~4 ns a byte, more than the
signature check of a 50 kB token), or ``binascii`` with ``THAIVC_NO_FAST_PATHS`` set.
"""

from __future__ import annotations

import base64
import binascii
from typing import Final

import pybase64

from thaivc.core import fastpath

__all__ = ["b64url_decode", "b64url_encode", "is_b64url"]

# For a length ≡ 2 (mod 4) the last character carries 4 unused bits, for ≡ 3 it carries 2.
_LAST_2: Final = frozenset(b"AQgw")
_LAST_3: Final = frozenset(b"AEIMQUYcgkosw048")
_TO_STD: Final = bytes.maketrans(b"-_", b"+/")


def _canonical_bytes(raw: bytes) -> bytes | None:
    """Standard-alphabet, padded form of canonical base64url ``raw``; ``None`` if not canonical.

    Characters outside the alphabet are left for ``a2b_base64(strict_mode=True)`` to refuse; the
    two characters that translation would smuggle in (``+``, ``/``) and padding are refused here,
    with C-speed membership tests instead of a per-character scan.
    """
    if b"+" in raw or b"/" in raw or b"=" in raw:
        return None
    rem = len(raw) % 4
    if rem == 1:
        return None
    if rem == 2 and raw[-1] not in _LAST_2:
        return None
    if rem == 3 and raw[-1] not in _LAST_3:
        return None
    return raw.translate(_TO_STD) + b"=" * (-rem % 4)


def is_b64url(text: str) -> bool:
    """True iff ``text`` is canonical unpadded base64url."""
    try:
        b64url_decode(text)
    except ValueError:
        return False
    return True


def b64url_decode(text: str | bytes) -> bytes:
    """Decode canonical unpadded base64url; raise ``ValueError`` on anything else."""
    if isinstance(text, str):
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("base64url must be ASCII") from None
    else:
        raw = text if type(text) is bytes else bytes(text)  # no copy of what is already bytes
    return _decode_fast(raw) if fastpath.ON[0] else _decode_strict(raw)


def _decode_strict(raw: bytes) -> bytes:
    """The reference decoder: the stdlib's, after :func:`_canonical_bytes`."""
    data = _canonical_bytes(raw)
    if data is None:
        raise ValueError("not canonical unpadded base64url")
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except binascii.Error:
        raise ValueError("not canonical unpadded base64url") from None


def _decode_fast(raw: bytes) -> bytes:
    """The same rules as :func:`_canonical_bytes`, decoded by pybase64 in the URL-safe alphabet.

    ``validate=True`` refuses every byte outside the alphabet (and misplaced padding); ``+`` and
    ``/``, which pybase64 still accepts beside ``-_``, and any ``=`` are refused first.
    """
    if b"+" in raw or b"/" in raw or b"=" in raw:
        raise ValueError("not canonical unpadded base64url")
    rem = len(raw) % 4
    if rem == 1 or (rem == 2 and raw[-1] not in _LAST_2) or (rem == 3 and raw[-1] not in _LAST_3):
        raise ValueError("not canonical unpadded base64url")
    try:
        return pybase64.b64decode(raw + b"=" * (-rem % 4), altchars=b"-_", validate=True)
    except ValueError:  # binascii.Error
        raise ValueError("not canonical unpadded base64url") from None


def b64url_encode(data: bytes) -> str:
    if fastpath.ON[0]:
        return pybase64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
