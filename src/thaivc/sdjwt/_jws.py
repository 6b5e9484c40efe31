"""The JWS seam: how the SD-JWT layer signs and verifies compact JWS without owning JOSE.

SD-JWT is a layer over compact JWS (the issuer-signed JWT and the key-binding JWT). The strict
JOSE rules (algorithm allowlist, header hygiene, signature encoding) live in :mod:`thaivc.jose`;
this module only names the two operations the SD-JWT layer needs, so tests and other backends can
be injected without touching the SD-JWT logic.

:func:`peek_compact` decodes a token *without* verifying it, for the holder reading its own stored
credential to choose disclosures; nothing it returns is trusted as verified.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from thaivc.core.b64 import b64url_decode
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import loads_strict

__all__ = ["JwsSigner", "JwsVerifier", "peek_compact"]


@runtime_checkable
class JwsSigner(Protocol):
    """Produces a compact JWS over ``payload``; sets ``alg`` (and ``kid``) from its own key."""

    def sign(self, header: dict[str, Any], payload: dict[str, Any]) -> str: ...


@runtime_checkable
class JwsVerifier(Protocol):
    """Verifies a compact JWS with one already-resolved key.

    Returns the verified ``(header, payload)``; raises :class:`~thaivc.core.errors.ThaiVCError` when the
    token is malformed, its ``typ`` is not in ``expected_typ``, or the signature does not verify.
    """

    def verify(self, token: str, expected_typ: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]: ...


def peek_compact(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decode the header and payload of a compact JWS without checking its signature.

    Strict all the same (canonical base64url, strict JSON, objects only): an unverified value that
    does not even parse is refused here with ``sdjwt.malformed`` rather than reaching a resolver.
    """
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise InputError("sdjwt.malformed", "the issuer-signed JWT is not a compact JWS")
    try:
        header_raw = b64url_decode(parts[0])
        payload_raw = b64url_decode(parts[1])
    except ValueError:
        raise InputError("sdjwt.malformed", "the issuer-signed JWT is not canonical base64url") from None
    header = loads_strict(header_raw, require_object=True)
    payload = loads_strict(payload_raw, require_object=True)
    return header, payload
