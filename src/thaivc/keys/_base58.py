"""Bitcoin-alphabet base58 (``base58btc``), the encoding behind multibase ``z`` strings.

No base58 package is a dependency, and Multikey values are short (35–70 bytes), so a small
big-integer codec is enough. The decoder accepts exactly one spelling per byte string: characters
outside the alphabet are rejected rather than skipped, and leading ``1`` characters map one-to-one
to leading zero bytes, so re-encoding the output always gives the input back.
"""

from __future__ import annotations

from typing import Final

__all__ = ["b58decode", "b58encode"]

ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX: Final[dict[str, int]] = {c: i for i, c in enumerate(ALPHABET)}
#: Multikey strings are under 120 characters; this cap keeps the quadratic big-int work bounded.
MAX_LEN: Final = 512


def b58encode(data: bytes) -> str:
    """Encode ``data`` as base58btc (no multibase prefix)."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    num = int.from_bytes(data, "big")
    out: list[str] = []
    while num:
        num, rem = divmod(num, 58)
        out.append(ALPHABET[rem])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Decode base58btc; raise ``ValueError`` on a character outside the alphabet or an over-long input."""
    if len(text) > MAX_LEN:
        raise ValueError("base58 input too long")
    num = 0
    for char in text:
        digit = _INDEX.get(char)
        if digit is None:
            raise ValueError("character outside the base58btc alphabet")
        num = num * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\0" * zeros + body
