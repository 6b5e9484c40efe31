"""Streaming inflate with an output cap.

Status lists arrive compressed, and an all-zero bitstring compresses about 1000:1, so a list of one
megabyte can claim a gigabyte once inflated (docs/security.md group H). ``gzip.decompress`` and
``zlib.decompress`` inflate everything before the caller can look at the size; here the output is
produced in bounded chunks through ``zlib.decompressobj(...).decompress(data, max_length)`` and the
work stops as soon as the cap is passed.

The container is fixed by the caller (``gzip`` for W3C Bitstring Status List, ``zlib`` for the IETF
Token Status List): automatic detection would let one format pass for the other. Trailing bytes
after the end of the stream are refused, so one list has one spelling.
"""

from __future__ import annotations

import zlib
from typing import Final, Literal

from thaivc.core.errors import InputError

__all__ = ["DEFAULT_MAX_INFLATE", "inflate_capped"]

#: Default cap on an inflated status list: 16 MiB (134 million one-bit entries).
DEFAULT_MAX_INFLATE: Final = 16 * 1024 * 1024

_WBITS: Final[dict[str, int]] = {"gzip": 16 + zlib.MAX_WBITS, "zlib": zlib.MAX_WBITS}
_CHUNK: Final = 1024 * 1024


def inflate_capped(
    data: bytes,
    *,
    container: Literal["gzip", "zlib"],
    max_output: int = DEFAULT_MAX_INFLATE,
    error_code: str = "status.verification",
) -> bytes:
    """Inflate ``data`` (one complete ``container`` stream) to at most ``max_output`` bytes.

    Raises ``InputError("status.too_large")`` once the output passes the cap, and
    ``InputError(error_code)`` for a stream that is not of the given container, is truncated, is
    corrupt or is followed by trailing bytes.
    """
    if max_output < 0:
        raise ValueError("max_output must not be negative")
    inflater = zlib.decompressobj(_WBITS[container])
    out = bytearray()
    pending = data
    try:
        while True:
            room = max_output + 1 - len(out)
            chunk = inflater.decompress(pending, min(_CHUNK, room))
            out += chunk
            if len(out) > max_output:
                raise InputError("status.too_large", f"the list inflates past {max_output} bytes")
            pending = inflater.unconsumed_tail
            if inflater.eof:
                break
            if not pending and not chunk:
                raise InputError(error_code, f"truncated {container} stream")
    except zlib.error as exc:
        raise InputError(error_code, f"not a valid {container} stream: {exc}") from None
    if inflater.unused_data:
        raise InputError(error_code, f"trailing bytes after the {container} stream")
    return bytes(out)
