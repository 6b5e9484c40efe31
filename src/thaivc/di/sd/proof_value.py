"""The ``ecdsa-sd-2023`` ``proofValue``: multibase ``u`` (base64url, no padding) of a three-byte
header and a CBOR array (vc-di-ecdsa §3.5.2–3.5.8).

* base proof, header ``d9 5d 00``: ``[baseSignature, publicKey, hmacKey, signatures, mandatoryPointers]``;
* derived proof, header ``d9 5d 01``: ``[baseSignature, publicKey, signatures, labelMap, mandatoryIndexes]``
  where ``labelMap`` is compressed: ``c14nN`` → the integer ``N``, ``u…`` → the 32 decoded bytes.

Parsing is strict, because every field steers what the verifier hashes: sizes are capped before
decoding (``input.too_large``), every member must have its exact type and length, the mandatory
indexes must be strictly increasing, and the CBOR must be the one encoding :mod:`cbor2` would produce
for those values (re-encoded and compared), so a proof value has exactly one spelling. Anything else
is ``di.sd_proof_value``. CBOR is :mod:`cbor2`'s.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import cbor2

from thaivc.core.errors import InputError

__all__ = [
    "BASE_HEADER",
    "DERIVED_HEADER",
    "MAX_PROOF_VALUE",
    "MAX_STATEMENTS",
    "BaseProofValue",
    "DerivedProofValue",
    "parse_base",
    "parse_derived",
    "proof_value_kind",
    "serialize_base",
    "serialize_derived",
]

BASE_HEADER: Final = b"\xd9\x5d\x00"
DERIVED_HEADER: Final = b"\xd9\x5d\x01"
#: Statements one credential may sign individually (each costs a signature check to verify).
MAX_STATEMENTS: Final = 1024
#: Characters of a proofValue: MAX_STATEMENTS signatures and a label map fit with room to spare.
MAX_PROOF_VALUE: Final = 160_000
_P256_MULTIKEY: Final = b"\x80\x24"
_B64URL: Final = re.compile(r"[A-Za-z0-9_-]*")
_LABEL: Final = re.compile(r"c14n(0|[1-9][0-9]{0,8})")


@dataclass(frozen=True, slots=True)
class BaseProofValue:
    """What the issuer hands the holder: everything needed to derive, including the HMAC key."""

    base_signature: bytes
    public_key: bytes
    hmac_key: bytes
    signatures: tuple[bytes, ...]
    mandatory_pointers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DerivedProofValue:
    """What the verifier gets: the base signature, the statements' signatures, the label map."""

    base_signature: bytes
    public_key: bytes
    signatures: tuple[bytes, ...]
    label_map: dict[str, str]
    mandatory_indexes: tuple[int, ...]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InputError("di.sd_proof_value", "the proofValue is not base64url without padding")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - the pattern above rules these out
        raise InputError("di.sd_proof_value", "the proofValue is not base64url") from None
    if _b64(raw) != text:
        raise InputError("di.sd_proof_value", "the proofValue is not canonical base64url")
    return raw


def _bad(detail: str) -> InputError:
    return InputError("di.sd_proof_value", detail)


def proof_value_kind(value: object) -> str:
    """``"base"`` or ``"derived"`` from the header alone (``di.sd_proof_value`` for anything else)."""
    raw = _decode(value)
    return "base" if raw[:3] == BASE_HEADER else "derived"


def _decode(value: object) -> bytes:
    if not isinstance(value, str) or not value.startswith("u"):
        raise _bad("an ecdsa-sd-2023 proofValue is a multibase base64url ('u') string")
    if len(value) > MAX_PROOF_VALUE:
        raise InputError("input.too_large", f"the proofValue is longer than {MAX_PROOF_VALUE} characters")
    raw = _unb64(value[1:])
    if raw[:3] not in (BASE_HEADER, DERIVED_HEADER):
        raise _bad("the proofValue header is neither an ecdsa-sd-2023 base nor a derived proof")
    return raw


def _components(value: object, header: bytes, kind: str) -> list[Any]:
    raw = _decode(value)
    if raw[:3] != header:
        other = "derived" if kind == "base" else "base"
        code = "di.sd_base_proof" if kind == "derived" else "di.sd_proof_value"
        raise InputError(code, f"an ecdsa-sd-2023 {other} proof where a {kind} proof is required")
    try:
        components = cbor2.loads(raw[3:])
    except Exception as exc:  # cbor2 raises several types, RecursionError included
        raise _bad(f"the proofValue is not CBOR ({type(exc).__name__})") from None
    if not isinstance(components, list) or len(components) != 5:
        raise _bad("the proofValue is not a CBOR array of five components")
    try:
        canonical = cbor2.dumps(components)
    except Exception:  # pragma: no cover - values cbor2 decoded always re-encode
        raise _bad("the proofValue does not re-encode") from None
    if canonical != raw[3:]:
        raise _bad("the proofValue's CBOR is not in its one canonical encoding")
    return components


def _bytes(value: Any, length: int, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != length:
        raise _bad(f"{what} is not a {length}-byte string")
    return value


def _signatures(value: Any) -> tuple[bytes, ...]:
    if not isinstance(value, list):
        raise _bad("signatures is not an array")
    if len(value) > MAX_STATEMENTS:
        raise InputError("input.too_large", f"more than {MAX_STATEMENTS} statement signatures")
    return tuple(_bytes(s, 64, "a statement signature") for s in value)


def _public_key(value: Any) -> bytes:
    key = _bytes(value, 35, "the proof-scoped public key")
    if key[:2] != _P256_MULTIKEY:
        raise _bad("the proof-scoped public key is not a P-256 Multikey")
    return key


def parse_base(value: object) -> BaseProofValue:
    """parseBaseProofValue, strictly. The HMAC key must be 32 bytes."""
    base_signature, public_key, hmac_key, signatures, pointers = _components(value, BASE_HEADER, "base")
    if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
        raise _bad("mandatoryPointers is not an array of strings")
    return BaseProofValue(
        _bytes(base_signature, 64, "the base signature"),
        _public_key(public_key),
        _bytes(hmac_key, 32, "the HMAC key"),
        _signatures(signatures),
        tuple(pointers),
    )


def parse_derived(value: object) -> DerivedProofValue:
    """parseDerivedProofValue, strictly; ``di.sd_base_proof`` for a base proof."""
    base_signature, public_key, signatures, compressed, indexes = _components(value, DERIVED_HEADER, "derived")
    if not isinstance(compressed, dict):
        raise InputError("di.sd_label_map", "the label map is not a CBOR map")
    if len(compressed) > MAX_STATEMENTS:
        raise InputError("input.too_large", f"more than {MAX_STATEMENTS} label map entries")
    label_map: dict[str, str] = {}
    seen: set[bytes] = set()
    for key, label in compressed.items():
        if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key < 10**9:
            raise InputError("di.sd_label_map", "a label map key is not a canonical blank node number")
        if not isinstance(label, bytes) or len(label) != 32:
            raise InputError("di.sd_label_map", "a label map value is not a 32-byte HMAC")
        if label in seen:
            raise InputError("di.sd_label_map", "two canonical labels map to the same HMAC label")
        seen.add(label)
        label_map[f"c14n{key}"] = "u" + _b64(label)
    if not isinstance(indexes, list) or len(indexes) > MAX_STATEMENTS:
        raise _bad("mandatoryIndexes is not an array of at most MAX_STATEMENTS integers")
    if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in indexes):
        raise _bad("mandatoryIndexes holds something other than non-negative integers")
    if any(b <= a for a, b in itertools.pairwise(indexes)):
        raise _bad("mandatoryIndexes is not strictly increasing")
    return DerivedProofValue(
        _bytes(base_signature, 64, "the base signature"),
        _public_key(public_key),
        _signatures(signatures),
        label_map,
        tuple(indexes),
    )


def _encode(header: bytes, components: list[Any]) -> str:
    return "u" + _b64(header + cbor2.dumps(components))


def serialize_base(
    base_signature: bytes, public_key: bytes, hmac_key: bytes, signatures: Sequence[bytes], pointers: Sequence[str]
) -> str:
    """serializeBaseProofValue."""
    return _encode(BASE_HEADER, [base_signature, public_key, hmac_key, list(signatures), list(pointers)])


def serialize_derived(
    base_signature: bytes,
    public_key: bytes,
    signatures: Sequence[bytes],
    label_map: dict[str, str],
    mandatory_indexes: Sequence[int],
) -> str:
    """serializeDerivedProofValue, compressing the label map (entries in canonical-label order)."""
    compressed: dict[int, bytes] = {}
    for c14n, label in sorted(label_map.items(), key=lambda item: int(item[0][4:])):
        if not _LABEL.fullmatch(c14n) or not label.startswith("u"):
            raise InputError("di.sd_label_map", "a label map entry is not c14nN → u<base64url>")
        compressed[int(c14n[4:])] = _unb64(label[1:])
    return _encode(DERIVED_HEADER, [base_signature, public_key, list(signatures), compressed, list(mandatory_indexes)])
