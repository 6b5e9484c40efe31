"""JOSE media types and the ``Enveloped*`` wrapper of VCDM 2.0.

Each media type has its own validator upstream; this module only names them, says which ``cty``
each one tolerates, and converts between a compact token and the ``data:`` URL form that VCDM 2.0
uses to carry a secured credential inside a presentation (``EnvelopedVerifiableCredential``).
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Any, Final

from thaivc.core.errors import InputError
from thaivc.model import require_enveloped

__all__ = [
    "ALLOWED_CTY",
    "DC_SD_JWT",
    "KB_JWT",
    "STATUSLIST_JWT",
    "VC_JWT",
    "VC_SD_JWT",
    "VP_JWT",
    "envelope",
    "unenvelope",
]

VC_JWT: Final = "vc+jwt"
VP_JWT: Final = "vp+jwt"
KB_JWT: Final = "kb+jwt"
DC_SD_JWT: Final = "dc+sd-jwt"
#: Accepted on input only: the pre-2024 name of SD-JWT VC. thaivc never issues it.
VC_SD_JWT: Final = "vc+sd-jwt"
STATUSLIST_JWT: Final = "statuslist+jwt"

#: The ``cty`` values each ``typ`` tolerates (VC-JOSE-COSE §3.1–3.2). Absent from the map: no ``cty``
#: (SD-JWT VC, key-binding JWTs and status lists define none).
ALLOWED_CTY: Final = MappingProxyType(
    {VC_JWT: frozenset({"vc"}), VP_JWT: frozenset({"vp"}), VC_SD_JWT: frozenset({"vc"})},
)

_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
_EVC: Final = "EnvelopedVerifiableCredential"
_EVP: Final = "EnvelopedVerifiablePresentation"

# media type -> the Enveloped* type it must travel in
_ENVELOPE_OUT: Final = MappingProxyType({VC_JWT: _EVC, DC_SD_JWT: _EVC, VP_JWT: _EVP})
_ENVELOPE_IN: Final = MappingProxyType({**_ENVELOPE_OUT, VC_SD_JWT: _EVC})
_PREFIX: Final = "data:application/"
_MAX_ID_CHARS: Final = 65536 + 64
# compact JWS and SD-JWT alphabet: base64url, the segment dot and the disclosure tilde
_TOKEN_CHARS: Final = re.compile(r"[A-Za-z0-9_.~-]+", re.ASCII)


def envelope(token: str, media_type: str) -> dict[str, Any]:
    """Wrap a compact token as an ``Enveloped*`` object: ``id`` is ``data:application/<type>,<token>``."""
    kind = _ENVELOPE_OUT.get(media_type)
    if kind is None:
        raise InputError("jose.typ_mismatch", f"cannot envelope media type {media_type[:64]!r}")
    if _TOKEN_CHARS.fullmatch(token) is None:
        raise InputError("jose.malformed", "not a compact token (base64url segments, '.' and '~' only)")
    return {"@context": _V2_CONTEXT, "id": f"{_PREFIX}{media_type},{token}", "type": kind}


def unenvelope(obj: object) -> tuple[str, str]:
    """Return ``(media_type, token)`` from an ``Enveloped*`` object; reject any other media type.

    The object itself must be a VCDM 2.0 object (``@context`` starting with the v2 context, its
    ``type``, a ``data:`` URL ``id``): the wrapper is checked before its token is read.
    The token is returned as-is (no percent-decoding): compact serialisations never need it, so a
    ``%`` in the token is refused later by the strict base64url check.
    """
    if not isinstance(obj, dict):
        raise InputError("jose.malformed", "an enveloped credential must be a JSON object")
    ident = obj.get("id")
    if not isinstance(ident, str) or not ident.startswith(_PREFIX):
        raise InputError("jose.malformed", "id must be a data:application/… URL", loc=("id",))
    if len(ident) > _MAX_ID_CHARS:
        raise InputError("input.too_large", "enveloped token exceeds the size cap", loc=("id",))
    media_type, comma, token = ident[len(_PREFIX) :].partition(",")
    if not comma:
        raise InputError("jose.malformed", "data: URL without a comma", loc=("id",))
    kind = _ENVELOPE_IN.get(media_type)
    if kind is None:
        raise InputError("jose.typ_mismatch", f"media type {media_type[:64]!r} is not allowed", loc=("id",))
    if obj.get("type") != kind:
        raise InputError("jose.typ_mismatch", f"{media_type} must travel as {kind}", loc=("type",))
    if not token:
        raise InputError("jose.malformed", "empty token in data: URL", loc=("id",))
    require_enveloped(obj, (), kind)
    return media_type, token
