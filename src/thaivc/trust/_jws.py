"""Detached compact JWS (RFC 7515 Appendix F) over a trusted list's exact bytes.

The key is always the configured anchor's: header members that carry or point to keys are refused,
as are ``crit`` and ``b64`` (RFC 7797), so the signed bytes are exactly ``b64(header).b64(list)``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.keys import ALGORITHMS, PublicKey

__all__ = ["verify_detached"]

MAX_JWS_BYTES: Final = 8192
_KEY_MEMBERS: Final = ("jwk", "jku", "x5u", "x5c", "crit", "b64")


def _bad(detail: str) -> ThaiVCError:
    return ThaiVCError("trust.list_invalid", detail)


def verify_detached(
    jws: str | bytes, content: bytes, anchor: PublicKey, *, allowed_typ: Collection[str], kid: str | None = None
) -> None:
    """Raise ``trust.list_invalid`` unless ``jws`` is the anchor's detached signature on ``content``."""
    if isinstance(jws, bytes):
        try:
            jws = jws.decode("ascii")
        except UnicodeDecodeError:
            raise _bad("the signature is not ASCII") from None
    jws = jws.strip()
    if len(jws) > MAX_JWS_BYTES:
        raise _bad("the signature is too large")
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "" or not parts[0] or not parts[2]:
        raise _bad("not a detached compact JWS (header..signature)")
    try:
        header = loads_strict(b64url_decode(parts[0]), require_object=True)
        signature = b64url_decode(parts[2])
    except InputError as err:
        raise _bad(f"malformed JWS: {err.code}") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS.values() or alg != anchor.alg:
        raise _bad(f"alg {alg!r} is not the trust anchor's algorithm")
    if header.get("typ") not in allowed_typ:
        raise _bad(f"typ {header.get('typ')!r} is not allowed for a trusted list")
    for member in _KEY_MEMBERS:
        if member in header:
            raise _bad(f"header member {member!r} is refused: the key comes from configuration")
    if kid is not None and header.get("kid") != kid:
        raise _bad("kid does not name the configured trust anchor")
    signing_input = (parts[0] + "." + b64url_encode(content)).encode("ascii")
    if not anchor.verify(signature, signing_input):
        raise _bad("the signature does not verify with the trust anchor")
