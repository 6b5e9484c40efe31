"""``proofValue`` as multibase base58btc (``z`` + base58btc), the only encoding the four suites use.

Decoding is strict: any other multibase prefix, a character outside the alphabet, or a length that
is not a raw signature of the suite's key type is refused, so one signature has one spelling.
"""

from __future__ import annotations

from typing import Final

from thaivc.core.errors import InputError
from thaivc.keys._base58 import ALPHABET, b58encode

__all__ = ["decode_proof_value", "encode_proof_value"]

#: base58btc character -> digit, every other byte -> 0xFF: validation and lookup in one C call.
_DIGITS: Final = bytes(ALPHABET.index(chr(b)) if chr(b) in ALPHABET else 0xFF for b in range(256))

_58_TO_THE_4: Final = 58**4

#: Raw signature sizes: Ed25519 and P-256 r‖s are 64 bytes, P-384 r‖s 96.
_SIGNATURE_SIZES: Final = {"Ed25519": 64, "P-256": 64, "P-384": 96}


def encode_proof_value(signature: bytes) -> str:
    """``z`` + base58btc(signature)."""
    return "z" + b58encode(signature)


def decode_proof_value(value: object, key_type: str) -> bytes:
    """The raw signature in ``value``; ``di.proof_invalid`` unless it is base58btc of the right size."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise InputError("di.proof_invalid", "proofValue is not a multibase base58btc ('z') string")
    if len(value) > 200:
        raise InputError("di.proof_invalid", "proofValue is far too long for a signature")
    raw = _b58decode(value[1:])
    expected = _SIGNATURE_SIZES.get(key_type)
    if expected is None or len(raw) != expected:
        raise InputError("di.proof_invalid", f"proofValue does not hold a {key_type} signature")
    return raw


def _b58decode(text: str) -> bytes:
    """base58btc to bytes (leading ``1`` = leading zero byte); ``di.proof_invalid`` on a bad character.

    The same mapping as :func:`thaivc.keys._base58.b58decode`, with the per-character lookup done by
    ``bytes.translate``: it sits on the verify hot path.
    """
    if not text.isascii():
        raise InputError("di.proof_invalid", "proofValue is not valid base58btc")
    digits = text.encode("ascii").translate(_DIGITS)
    if 0xFF in digits:
        raise InputError("di.proof_invalid", "proofValue is not valid base58btc")
    # four digits at a time: three small-integer steps, then one step on the growing big integer
    head = len(digits) % 4
    num = 0
    for digit in digits[:head]:
        num = num * 58 + digit
    quads = iter(digits[head:])
    for a, b, c, d in zip(quads, quads, quads, quads, strict=True):
        num = num * _58_TO_THE_4 + ((a * 58 + b) * 58 + c) * 58 + d
    zeros = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\0" * zeros + body
