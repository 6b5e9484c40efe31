"""IETF Token Status List (draft-ietf-oauth-status-list): ``statuslist+jwt`` lists and ``status``.

Differences from the W3C bitstring that matter for correctness:

* compression is DEFLATE in the **ZLIB** container (not GZIP) and ``lst`` is plain base64url (no
  multibase prefix);
* ``bits`` is 1, 2, 4 or 8, so an entry never straddles a byte;
* bit order is **LSB-first**: entry 0 occupies the least significant ``bits`` of byte 0 (the
  draft's example ``[0xB9, 0xA3]`` reads 1,0,0,1,1,1,0,1, 1,1,0,0,0,1,0,1);
* ``idx`` in the referenced token is a JSON integer, not a string;
* values: 0 VALID, 1 INVALID, 2 SUSPENDED, 3 and above application-specific;
* ``ttl`` is in seconds (the W3C ``ttl`` is in milliseconds).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError
from thaivc.status.inflate import DEFAULT_MAX_INFLATE, inflate_capped

__all__ = [
    "ALLOWED_BITS",
    "INVALID",
    "SUSPENDED",
    "VALID",
    "StatusReference",
    "TokenStatusList",
    "TokenStatusListBuilder",
    "decode_status_list",
    "parse_status_claim",
    "status_list_token_payload",
]

VALID: Final = 0
INVALID: Final = 1
SUSPENDED: Final = 2
ALLOWED_BITS: Final = (1, 2, 4, 8)
_MAX_IDX: Final = 2**53 - 1


@dataclass(frozen=True, slots=True)
class TokenStatusList:
    """A decoded token status list: ``data`` holds ``len(data) * 8 // bits`` statuses, LSB-first."""

    data: bytes
    bits: int

    def __post_init__(self) -> None:
        if self.bits not in ALLOWED_BITS:
            raise InputError("status.malformed", "bits must be 1, 2, 4 or 8")

    @property
    def entries(self) -> int:
        return len(self.data) * 8 // self.bits

    def get(self, index: int) -> int:
        if index < 0 or index >= self.entries:
            raise InputError("status.index_invalid", f"idx {index} is outside the list ({self.entries})")
        position = index * self.bits
        return (self.data[position >> 3] >> (position & 7)) & ((1 << self.bits) - 1)


class TokenStatusListBuilder:
    """A mutable LSB-first status array for the issuer side."""

    __slots__ = ("_data", "bits", "entries")

    def __init__(self, entries: int, bits: int = 1) -> None:
        if bits not in ALLOWED_BITS:
            raise ValueError("bits must be 1, 2, 4 or 8")
        if entries <= 0:
            raise ValueError("a status list needs at least one entry")
        self.entries = entries
        self.bits = bits
        self._data = bytearray((entries * bits + 7) // 8)

    def set(self, index: int, value: int) -> None:
        if not 0 <= index < self.entries:
            raise ValueError(f"index {index} is outside the list ({self.entries})")
        if not 0 <= value < (1 << self.bits):
            raise ValueError(f"value {value} does not fit in {self.bits} bits")
        position = index * self.bits
        shift = position & 7
        mask = ((1 << self.bits) - 1) << shift
        byte = position >> 3
        self._data[byte] = (self._data[byte] & ~mask & 0xFF) | (value << shift)

    def set_many(self, values: Iterable[tuple[int, int]]) -> None:
        for index, value in values:
            self.set(index, value)

    def freeze(self) -> TokenStatusList:
        return TokenStatusList(bytes(self._data), self.bits)

    def to_json(self) -> dict[str, Any]:
        """The ``status_list`` object: ``{"bits": …, "lst": base64url(zlib(bytes))}``."""
        return {"bits": self.bits, "lst": b64url_encode(zlib.compress(bytes(self._data), 9))}


def decode_status_list(value: object, *, max_inflate: int = DEFAULT_MAX_INFLATE) -> TokenStatusList:
    """Decode a ``status_list`` object ``{"bits", "lst"}`` of a verified status list token.

    A malformed object, non-canonical base64url, non-ZLIB data or trailing bytes raise
    ``status.verification``; inflating past the cap raises ``status.too_large``.
    """
    if not isinstance(value, Mapping):
        raise InputError("status.verification", "status_list is not an object")
    bits = value.get("bits")
    lst = value.get("lst")
    if isinstance(bits, bool) or bits not in ALLOWED_BITS:
        raise InputError("status.verification", "status_list.bits must be 1, 2, 4 or 8")
    if not isinstance(lst, str):
        raise InputError("status.verification", "status_list.lst must be a base64url string")
    try:
        compressed = b64url_decode(lst)
    except ValueError:
        raise InputError("status.verification", "status_list.lst is not canonical base64url") from None
    raw = inflate_capped(compressed, container="zlib", max_output=max_inflate)
    return TokenStatusList(raw, int(bits))


@dataclass(frozen=True, slots=True)
class StatusReference:
    """The ``status.status_list`` claim of a referenced token."""

    idx: int
    uri: str


def parse_status_claim(claims: Mapping[str, Any]) -> StatusReference:
    """Read ``status: {status_list: {idx, uri}}`` from a referenced token's claims.

    ``idx`` must be a non-negative JSON integer (not a bool, float or string); ``uri`` a string.
    """
    status = claims.get("status")
    if not isinstance(status, Mapping):
        raise InputError("status.malformed", "the status claim is missing or not an object")
    ref = status.get("status_list")
    if not isinstance(ref, Mapping):
        raise InputError("status.malformed", "status.status_list is missing or not an object")
    idx = ref.get("idx")
    uri = ref.get("uri")
    if isinstance(idx, bool) or not isinstance(idx, int) or not 0 <= idx <= _MAX_IDX:
        raise InputError("status.index_invalid", "status_list.idx must be a non-negative integer")
    if not isinstance(uri, str) or not uri:
        raise InputError("status.malformed", "status_list.uri must be a non-empty string")
    return StatusReference(idx=idx, uri=uri)


def status_list_token_payload(
    *,
    subject: str,
    status_list: Mapping[str, Any],
    issued_at: int,
    expires_at: int | None = None,
    ttl: int | None = None,
    issuer: str | None = None,
) -> dict[str, Any]:
    """The JWT payload of a ``statuslist+jwt``: ``sub``, ``iat``, optional ``exp``/``ttl``/``iss``.

    The signer must put ``typ: statuslist+jwt`` in the protected header; that is its job.
    """
    payload: dict[str, Any] = {"sub": subject, "iat": issued_at, "status_list": dict(status_list)}
    if issuer is not None:
        payload["iss"] = issuer
    if expires_at is not None:
        payload["exp"] = expires_at
    if ttl is not None:
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        payload["ttl"] = ttl
    return payload
