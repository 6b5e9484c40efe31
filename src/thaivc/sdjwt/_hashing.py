"""Digest algorithms for ``_sd_alg`` and ``sd_hash`` (RFC 9901 §4.1.1, §9.4).

Only the SHA-2 family is allowed: a truncated or broken hash (``md5``, ``sha-256-32``) would let a
holder find a second disclosure for a digest the issuer signed. Names are the IANA "Named
Information Hash Algorithm" names, compared case-sensitively.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Callable
from typing import Any, Final

from thaivc.core.errors import InputError

__all__ = ["ALLOWED_SD_ALGS", "DEFAULT_SD_ALG", "b64_digest", "b64_digest_of_ascii", "hash_function"]

DEFAULT_SD_ALG: Final = "sha-256"

_HASHES: Final[dict[str, Callable[[bytes], Any]]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}

#: The ``_sd_alg`` values thaivc accepts and issues.
ALLOWED_SD_ALGS: Final = frozenset(_HASHES)

_TO_URL: Final = bytes.maketrans(b"+/", b"-_")


def hash_function(name: object) -> Callable[[bytes], Any]:
    """The hashlib constructor for an ``_sd_alg`` value; anything else is refused."""
    if not isinstance(name, str) or name not in _HASHES:
        shown = name[:32] if isinstance(name, str) else type(name).__name__
        raise InputError("sdjwt.hash_alg_not_allowed", f"_sd_alg {shown!r} is not allowed")
    return _HASHES[name]


def b64_digest(hasher: Callable[[bytes], Any], text: str) -> str:
    """base64url(hash(ASCII bytes of ``text``)): the digest form used by ``_sd``, ``...`` and ``sd_hash``.

    Every disclosure and every presentation is hashed once per verify, so the encoding is the one
    ``thaivc.core.b64.b64url_encode`` performs, written out with the ``binascii`` calls directly (no
    ``base64`` module frames in between).
    """
    return b64_digest_of_ascii(hasher, text.encode("ascii"))


def b64_digest_of_ascii(hasher: Callable[[bytes], Any], data: bytes) -> str:
    """:func:`b64_digest` for text already encoded as ASCII bytes (a disclosure is encoded once)."""
    digest = hasher(data).digest()
    return binascii.b2a_base64(digest, newline=False).translate(_TO_URL).rstrip(b"=").decode("ascii")
