"""Multikey: multibase ``z`` (base58btc) + multicodec varint header + raw key bytes.

Only the six codecs thaivc uses are known. Their unsigned-varint headers are fixed two-byte
strings, so matching the exact prefix also rejects non-minimal varint spellings of the same code.
"""

from __future__ import annotations

from typing import Final, Literal

from thaivc.core.errors import ThaiVCError
from thaivc.keys._base58 import b58decode, b58encode

__all__ = ["Codec", "decode_multikey", "encode_multikey"]

Codec = Literal["ed25519-pub", "p256-pub", "p384-pub", "ed25519-priv", "p256-priv", "p384-priv"]

#: codec name -> (varint header, exact key length). Public EC keys are SEC1 *compressed* points.
CODECS: Final[dict[Codec, tuple[bytes, int]]] = {
    "ed25519-pub": (b"\xed\x01", 32),  # 0xed
    "p256-pub": (b"\x80\x24", 33),  # 0x1200
    "p384-pub": (b"\x81\x24", 49),  # 0x1201
    "ed25519-priv": (b"\x80\x26", 32),  # 0x1300
    "p256-priv": (b"\x86\x26", 32),  # 0x1306
    "p384-priv": (b"\x87\x26", 48),  # 0x1307
}
_BY_HEADER: Final[dict[bytes, Codec]] = {hdr: name for name, (hdr, _) in CODECS.items()}


def encode_multikey(codec: Codec, key: bytes) -> str:
    header, length = CODECS[codec]
    if len(key) != length:
        raise ThaiVCError("key.invalid", f"{codec} key must be {length} bytes")
    return "z" + b58encode(header + key)


def decode_multikey(value: str) -> tuple[Codec, bytes]:
    """Split a Multikey string into its codec and raw key bytes, or raise ``key.invalid``."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ThaiVCError("key.invalid", "multibase prefix is not 'z' (base58btc)")
    try:
        raw = b58decode(value[1:])
    except ValueError as exc:
        raise ThaiVCError("key.invalid", f"bad base58btc: {exc}") from None
    codec = _BY_HEADER.get(raw[:2])
    if codec is None:
        raise ThaiVCError("key.invalid", "unknown multicodec")
    length = CODECS[codec][1]
    if len(raw) - 2 != length:
        raise ThaiVCError("key.invalid", f"{codec} key must be {length} bytes, got {len(raw) - 2}")
    return codec, raw[2:]
