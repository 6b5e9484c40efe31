"""``relatedResource`` (VCDM 2.0 §5.3): the shape of each entry and whether given bytes match its digests.

A credential may pin other resources — its contexts above all — by digest, so that a change to a
context after issuance is detectable. This module is pure: it checks an entry's shape and compares
bytes the caller already holds; where the bytes come from (bundled contexts, documents a verifier
registered; never the network) is the verifier's business.

Digests: ``digestSRI`` is W3C Subresource Integrity (``sha256-``/``sha384-``/``sha512-`` and standard
base64); ``digestMultibase`` is a multibase (``z`` base58btc or ``u`` base64url) multihash of
SHA-2 or SHA-3 (256/384/512). Every digest an entry carries must match, so a weak or wrong second
digest cannot ride along with a right one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any, Final

from thaivc.core.b64 import b64url_decode
from thaivc.core.errors import InputError
from thaivc.keys._base58 import b58decode
from thaivc.model._rules import is_url

__all__ = ["MAX_RELATED", "digests_match", "require_related_entries"]

#: More related resources than this in one credential is refused (each may cost a hash).
MAX_RELATED: Final = 64
_SRI: Final = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
#: multihash code → (hashlib name, digest length)
_MULTIHASH: Final = {
    0x12: ("sha256", 32),
    0x20: ("sha384", 48),
    0x13: ("sha512", 64),
    0x16: ("sha3_256", 32),
    0x15: ("sha3_384", 48),
    0x14: ("sha3_512", 64),
}
_CODE: Final = "vc.related_resource_invalid"


def require_related_entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``relatedResource`` entries of ``doc`` (``[]`` when absent), refused unless well-formed.

    Each entry is an object with a URL ``id`` (unique in the credential) and at least one of
    ``digestSRI``/``digestMultibase``, each parseable; ``mediaType`` if present is a string.
    """
    if "relatedResource" not in doc:
        return []
    value = doc["relatedResource"]
    entries = value if isinstance(value, list) else [value]
    if not entries:
        raise InputError(_CODE, "relatedResource is empty", loc=("relatedResource",))
    if len(entries) > MAX_RELATED:
        raise InputError("input.too_large", f"more than {MAX_RELATED} related resources", loc=("relatedResource",))
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        loc = ("relatedResource", index)
        if not isinstance(entry, dict):
            raise InputError(_CODE, "a related resource is not an object", loc=loc)
        ident = entry.get("id")
        if not is_url(ident):
            raise InputError(_CODE, "a related resource needs a URL id", loc=(*loc, "id"))
        assert isinstance(ident, str)
        if ident in seen:
            raise InputError(_CODE, f"related resource {ident[:100]!r} is listed twice", loc=(*loc, "id"))
        seen.add(ident)
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            raise InputError(_CODE, "a related resource needs digestSRI or digestMultibase", loc=loc)
        if "mediaType" in entry and not isinstance(entry["mediaType"], str):
            raise InputError(_CODE, "mediaType is not a string", loc=(*loc, "mediaType"))
        _expected(entry, loc)
    return entries


def digests_match(entry: dict[str, Any], content: bytes) -> bool:
    """Whether every digest of a (well-formed) entry matches ``content``, compared in constant time."""
    return all(
        hmac.compare_digest(hashlib.new(name, content).digest(), digest) for name, digest in _expected(entry, ())
    )


def _expected(entry: dict[str, Any], loc: tuple[str | int, ...]) -> list[tuple[str, bytes]]:
    """``(hash name, expected digest)`` for each digest the entry carries; refuses a malformed one."""
    out: list[tuple[str, bytes]] = []
    sri = entry.get("digestSRI")
    if sri is not None:
        out.append(_parse_sri(sri, (*loc, "digestSRI")))
    multibase = entry.get("digestMultibase")
    if multibase is not None:
        out.append(_parse_multibase(multibase, (*loc, "digestMultibase")))
    return out


def _parse_sri(value: object, loc: tuple[str | int, ...]) -> tuple[str, bytes]:
    if not isinstance(value, str) or "-" not in value or len(value) > 200:
        raise InputError(_CODE, "digestSRI is not <alg>-<base64>", loc=loc)
    alg, _, encoded = value.partition("-")
    name = _SRI.get(alg)
    if name is None:
        raise InputError(_CODE, f"digestSRI algorithm {alg[:20]!r} is not sha256/384/512", loc=loc)
    try:
        digest = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(_CODE, "digestSRI is not base64", loc=loc) from None
    if len(digest) != hashlib.new(name).digest_size:
        raise InputError(_CODE, "digestSRI has the wrong length for its algorithm", loc=loc)
    return name, digest


def _parse_multibase(value: object, loc: tuple[str | int, ...]) -> tuple[str, bytes]:
    if not isinstance(value, str) or len(value) < 2 or len(value) > 200:
        raise InputError(_CODE, "digestMultibase is not a multibase string", loc=loc)
    try:
        if value[0] == "z":
            raw = b58decode(value[1:])
        elif value[0] == "u":
            raw = b64url_decode(value[1:])
        else:
            raise ValueError
    except (ValueError, InputError):
        raise InputError(_CODE, "digestMultibase is not base58btc (z) or base64url (u)", loc=loc) from None
    if len(raw) < 2 or raw[0] not in _MULTIHASH:
        raise InputError(_CODE, "digestMultibase is not a SHA-2/SHA-3 multihash", loc=loc)
    name, size = _MULTIHASH[raw[0]]
    if raw[1] != size or len(raw) != 2 + size:
        raise InputError(_CODE, "digestMultibase has the wrong length for its hash", loc=loc)
    return name, raw[2:]
