"""W3C Bitstring Status List v1.0: the bitstring, its encoding and its indices.

Encoding (BSL §Bitstring Encoding): the bitstring is GZIP-compressed, then written as multibase
base64url without padding, i.e. prefixed with ``u``. Bit order: entry 0 is the **most significant**
bit of the first byte (docs/security.md group H); an entry of ``statusSize`` bits is read in the same
left-to-right order as an unsigned big-endian number. This is the opposite of the IETF Token Status
List (see :mod:`thaivc.status.token_status_list`), which is why each format has its own class.

Decoding is done once per fetched list; :meth:`Bitstring.get` is then index arithmetic only.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError
from thaivc.status.inflate import DEFAULT_MAX_INFLATE, inflate_capped

__all__ = [
    "MAX_STATUS_SIZE",
    "MIN_ENTRIES",
    "Bitstring",
    "BitstringBuilder",
    "decode_encoded_list",
    "encode_bitstring",
    "parse_index",
    "parse_status_messages",
]

#: The smallest list the spec allows (16 KiB of one-bit entries): smaller lists harm herd privacy.
MIN_ENTRIES: Final = 131_072
#: Largest ``statusSize`` accepted; it needs ``2**statusSize`` status messages, so more is absurd.
MAX_STATUS_SIZE: Final = 16
# Indices are ASCII digits only: int() also takes " 5 ", "1_000" and Thai digits (docs/security.md group H). At most 19
# digits (int64) bounds the work int() does on hostile input.
_HEX_STATUS_RE: Final = re.compile(r"0x[0-9a-fA-F]{1,8}", re.ASCII)


def parse_index(value: object, *, entries: int | None = None) -> int:
    """Parse a ``statusListIndex``: a string of ASCII digits, below ``entries`` when given.

    Anything else (an integer, ``-1``, ``0x10``, ``1e3``, ``" 5"``, ``1_000``, ``๑๒``) raises
    ``InputError("status.index_invalid")`` (RANGE_ERROR).
    """
    # For an ASCII string, isdigit() is exactly [0-9] (other digits, e.g. ๑ or ², are not ASCII).
    if not isinstance(value, str) or not (0 < len(value) <= 19 and value.isascii() and value.isdigit()):
        raise InputError("status.index_invalid", "statusListIndex must be a string of ASCII digits")
    index = int(value)
    if entries is not None and index >= entries:
        raise InputError("status.index_invalid", f"index {index} is past the end of the list ({entries})")
    return index


def _check_status_size(status_size: int) -> None:
    if isinstance(status_size, bool) or not isinstance(status_size, int):
        raise InputError("status.malformed", "statusSize must be an integer")
    if not 1 <= status_size <= MAX_STATUS_SIZE:
        raise InputError("status.malformed", f"statusSize must be between 1 and {MAX_STATUS_SIZE}")


@dataclass(frozen=True, slots=True)
class Bitstring:
    """A decoded W3C status bitstring: ``data`` read as ``len(data) * 8 // status_size`` entries."""

    data: bytes
    status_size: int = 1

    def __post_init__(self) -> None:
        _check_status_size(self.status_size)

    @property
    def entries(self) -> int:
        return len(self.data) * 8 // self.status_size

    def get(self, index: int) -> int:
        """The value of entry ``index`` (MSB-first). Raises ``status.index_invalid`` past the end."""
        if index < 0 or index >= self.entries:
            raise InputError("status.index_invalid", f"index {index} is outside the list ({self.entries})")
        size = self.status_size
        if size == 1:
            return (self.data[index >> 3] >> (7 - (index & 7))) & 1
        start = index * size
        end = start + size
        first, last = start >> 3, (end + 7) >> 3
        chunk = int.from_bytes(self.data[first:last], "big")
        return (chunk >> (last * 8 - end)) & ((1 << size) - 1)

    def with_size(self, status_size: int) -> Bitstring:
        """The same bytes read with another ``statusSize`` (the entry, not the list, carries it)."""
        return self if status_size == self.status_size else Bitstring(self.data, status_size)


class BitstringBuilder:
    """A mutable bitstring for the issuer side; :meth:`encode` gives the ``encodedList``."""

    __slots__ = ("_data", "entries", "status_size")

    def __init__(self, entries: int, status_size: int = 1) -> None:
        _check_status_size(status_size)
        if entries <= 0:
            raise ValueError("a status list needs at least one entry")
        self.entries = entries
        self.status_size = status_size
        self._data = bytearray((entries * status_size + 7) // 8)

    def set(self, index: int, value: int) -> None:
        size = self.status_size
        if not 0 <= index < self.entries:
            raise ValueError(f"index {index} is outside the list ({self.entries})")
        if not 0 <= value < (1 << size):
            raise ValueError(f"value {value} does not fit in {size} bits")
        start = index * size
        end = start + size
        first, last = start >> 3, (end + 7) >> 3
        shift = last * 8 - end
        width = (last - first) * 8
        chunk = int.from_bytes(self._data[first:last], "big")
        mask = ((1 << size) - 1) << shift
        chunk = (chunk & ~mask & ((1 << width) - 1)) | (value << shift)
        self._data[first:last] = chunk.to_bytes(last - first, "big")

    def set_many(self, values: Iterable[tuple[int, int]]) -> None:
        for index, value in values:
            self.set(index, value)

    def freeze(self) -> Bitstring:
        return Bitstring(bytes(self._data), self.status_size)

    def encode(self) -> str:
        return encode_bitstring(bytes(self._data))


def encode_bitstring(data: bytes) -> str:
    """GZIP (``mtime=0``, so publishing is deterministic) then multibase base64url (``u``)."""
    return "u" + b64url_encode(gzip.compress(data, compresslevel=9, mtime=0))


def decode_encoded_list(
    encoded: object,
    *,
    status_size: int = 1,
    min_entries: int = MIN_ENTRIES,
    max_inflate: int = DEFAULT_MAX_INFLATE,
) -> Bitstring:
    """Decode an ``encodedList``.

    Errors: not a ``u``-prefixed canonical base64url string, not GZIP, truncated or with trailing
    bytes → ``status.verification``; inflating past ``max_inflate`` → ``status.too_large``; fewer
    than ``min_entries`` entries of ``status_size`` bits → ``status.list_too_short``.
    """
    _check_status_size(status_size)
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise InputError("status.verification", "encodedList is not multibase base64url ('u' prefix)")
    try:
        compressed = b64url_decode(encoded[1:])
    except ValueError:
        raise InputError("status.verification", "encodedList is not canonical base64url") from None
    raw = inflate_capped(compressed, container="gzip", max_output=max_inflate)
    bits = Bitstring(raw, status_size)
    if bits.entries < min_entries:
        raise InputError(
            "status.list_too_short", f"{bits.entries} entries of {status_size} bits; minimum {min_entries}"
        )
    return bits


def parse_status_messages(value: object, status_size: int) -> tuple[str, ...] | None:
    """Validate ``statusMessage`` against ``statusSize``; return the messages indexed by value.

    BSL: when ``statusSize`` > 1 the entry MUST carry ``statusMessage`` with one message per
    possible value (``2**statusSize``); when present it must always match that count (docs/security.md group H).
    """
    _check_status_size(status_size)
    if value is None:
        if status_size > 1:
            raise InputError("status.malformed", "statusSize > 1 requires statusMessage")
        return None
    count = 1 << status_size
    if not isinstance(value, list) or len(value) != count:
        raise InputError("status.malformed", f"statusMessage must list exactly {count} messages")
    messages: dict[int, str] = {}
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise InputError("status.malformed", "a statusMessage item is not an object", loc=(i,))
        status: Any = item.get("status")
        message: Any = item.get("message")
        if not isinstance(status, str) or _HEX_STATUS_RE.fullmatch(status) is None:
            raise InputError("status.malformed", "statusMessage status must be a 0x hex string", loc=(i,))
        if not isinstance(message, str):
            raise InputError("status.malformed", "statusMessage message must be a string", loc=(i,))
        number = int(status[2:], 16)
        if number >= count or number in messages:
            raise InputError("status.malformed", f"statusMessage status {status} out of range or repeated")
        messages[number] = message
    return tuple(messages[i] for i in range(count))
