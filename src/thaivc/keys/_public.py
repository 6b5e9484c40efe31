"""Public verification keys: parsing from JWK / Multikey / ``cryptography``, and raw verification.

Everything that reaches a verifier as key material passes through :class:`PublicKey`, so the checks
live here once: only signing curves (Ed25519, P-256, P-384), no private members, no encryption
keys, points on the curve and, for Ed25519, no small-order or mixed-order points. Signatures are
taken in their *raw* JOSE / Data Integrity form (Ed25519 ``R‖S``, ECDSA fixed-length ``r‖s``), the
only form those specifications allow; DER is refused so that one signature has one spelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, NoReturn, cast, get_args

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from thaivc.core import fastpath
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.keys import _ed25519
from thaivc.keys._multicodec import Codec, decode_multikey, encode_multikey
from thaivc.keys._thumbprint import jwk_thumbprint

__all__ = [
    "ALGORITHMS",
    "CURVES",
    "KeyType",
    "PublicKey",
    "VerifyKey",
    "key_type_of",
    "require_jwk_header",
]

KeyType = Literal["Ed25519", "P-256", "P-384"]
KEY_TYPES: Final[tuple[KeyType, ...]] = get_args(KeyType)

#: The one JOSE algorithm each key type signs with; never inferred from an untrusted header.
ALGORITHMS: Final[dict[KeyType, str]] = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}

VerifyKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


class _Curve:
    """Per-curve constants for P-256 / P-384 (FIPS 186-4 D.1.2)."""

    __slots__ = ("codec", "crypto", "hash", "n", "p", "size")

    def __init__(self, crypto: ec.EllipticCurve, p: int, n: int, hash_: hashes.HashAlgorithm, codec: Codec):
        self.crypto = crypto
        self.p = p
        self.n = n
        self.size = (p.bit_length() + 7) // 8
        self.hash = hash_
        self.codec = codec


CURVES: Final[dict[KeyType, _Curve]] = {
    "P-256": _Curve(
        ec.SECP256R1(),
        2**256 - 2**224 + 2**192 + 2**96 - 1,
        0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        hashes.SHA256(),
        "p256-pub",
    ),
    "P-384": _Curve(
        ec.SECP384R1(),
        2**384 - 2**128 - 2**96 + 2**32 - 1,
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973,
        hashes.SHA384(),
        "p384-pub",
    ),
}
_CURVE_BY_NAME: Final[dict[str, KeyType]] = {"secp256r1": "P-256", "secp384r1": "P-384"}
_SIGNING_OPS: Final = frozenset({"sign", "verify"})
_HASH_NAMES: Final[dict[KeyType, str]] = {"Ed25519": "sha256", "P-256": "sha256", "P-384": "sha384"}


def _invalid(detail: str) -> NoReturn:
    raise ThaiVCError("key.invalid", detail)


@fastpath.memo("keys Ed25519 point checks", "the Ed25519 subgroup test: ~1.6 ms of every Ed25519 verify", 1024)
def _ed25519_point_ok(raw: bytes) -> str | None:
    """Why an Ed25519 public key is unsafe, or ``None``. Cached: the subgroup test costs ~ms."""
    point = _ed25519.decode_point(raw)
    if point is None:
        return "Ed25519 public key is not a canonical curve point"
    if _ed25519.has_small_order(point):
        return "Ed25519 public key has small order"
    if not _ed25519.in_prime_order_subgroup(point):
        return "Ed25519 public key has a torsion component (mixed order)"
    return None


def _b64_member(jwk: Mapping[str, Any], name: str, length: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        _invalid(f"JWK member {name!r} is missing or not a string")
    try:
        raw = b64url_decode(value)
    except ValueError:
        _invalid(f"JWK member {name!r} is not canonical base64url")
    if len(raw) != length:
        _invalid(f"JWK member {name!r} must be {length} bytes")
    return raw


def require_jwk_header(jwk: object, *, allow_private: bool) -> tuple[KeyType, Mapping[str, Any]]:
    """Validate the members every signing JWK shares; return its key type.

    ``kty``/``crv`` select the key type; RSA and X25519 are refused outright, ``use`` must be
    ``sig`` and ``key_ops`` only ``sign``/``verify`` if present, and ``alg`` must be the key
    type's algorithm if present: a key declared for encryption is never used to verify.
    """
    if not isinstance(jwk, Mapping):
        _invalid("a JWK must be a JSON object")
    kty = jwk.get("kty")
    crv = jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        key_type: KeyType = "Ed25519"
    elif kty == "EC" and crv in ("P-256", "P-384"):
        key_type = cast(KeyType, crv)
    elif kty == "OKP" and crv in ("X25519", "X448"):
        _invalid(f"{crv} is a key-agreement key, not a signing key")
    elif kty == "RSA":
        _invalid("RSA keys are not supported")
    elif kty == "EC" and crv == "P-521":
        # a deliberate refusal (docs/interop.md): the algorithm is what is not allowed, so say so
        raise ThaiVCError(
            "jose.alg_not_allowed", "P-521 keys (ES512) are not supported: thaivc signs with P-256, P-384, Ed25519"
        )
    else:
        _invalid("unknown or unsupported kty/crv")
    if "use" in jwk and jwk["use"] != "sig":
        _invalid("JWK 'use' is not 'sig'")
    if "key_ops" in jwk:
        ops = jwk["key_ops"]
        if not isinstance(ops, list) or not all(isinstance(op, str) for op in ops):
            _invalid("JWK 'key_ops' must be an array of strings")
        if not set(ops) <= _SIGNING_OPS:
            _invalid("JWK 'key_ops' allows more than signing and verifying")
    if "alg" in jwk and jwk["alg"] != ALGORITHMS[key_type]:
        _invalid(f"JWK 'alg' does not match a {key_type} key")
    if not allow_private and "d" in jwk:
        _invalid("a private JWK ('d' present) where a public key is expected")
    return key_type, jwk


class PublicKey:
    """An immutable, validated public signing key (Ed25519, P-256 or P-384)."""

    __slots__ = ("_crypto", "_key_type", "_multikey", "_raw")

    _key_type: KeyType
    _crypto: VerifyKey
    _raw: bytes  # Ed25519 raw key or SEC1 compressed point: the identity of the key
    _multikey: str

    def __init__(self, key_type: KeyType, crypto: VerifyKey, raw: bytes) -> None:
        """Internal: use :meth:`from_jwk`, :meth:`from_multikey` or :meth:`from_crypto`."""
        object.__setattr__(self, "_key_type", key_type)
        object.__setattr__(self, "_crypto", crypto)
        object.__setattr__(self, "_raw", raw)
        # _multikey is derived from _raw when first asked for (:attr:`multikey`): a wallet key met
        # once in a key-binding check never needs its base58 spelling (issue 16, SD-JWT+KB row)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PublicKey is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("PublicKey is immutable")

    # --- constructors -------------------------------------------------------------------------

    @classmethod
    def _ed25519(cls, raw: bytes) -> PublicKey:
        problem = _ed25519_point_ok(bytes(raw))
        if problem is not None:
            _invalid(problem)
        return cls("Ed25519", ed25519.Ed25519PublicKey.from_public_bytes(raw), bytes(raw))

    @classmethod
    def _ec(cls, key_type: KeyType, x: int, y: int) -> PublicKey:
        curve = CURVES[key_type]
        if not (0 <= x < curve.p and 0 <= y < curve.p):
            _invalid("EC coordinate outside the field")
        try:
            crypto = ec.EllipticCurvePublicNumbers(x, y, curve.crypto).public_key()
        except ValueError:
            _invalid(f"point is not on the {key_type} curve")
        # SEC1 compressed point of the validated (x, y): the parity of y, then x (what
        # public_bytes(X962, CompressedPoint) returns, without the round trip through OpenSSL)
        raw = bytes((2 | (y & 1),)) + x.to_bytes(curve.size, "big")
        return cls(key_type, crypto, raw)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicKey:
        """Parse a *public* JWK (RFC 7517/8037). A JWK carrying ``d`` is refused: see module doc."""
        key_type, jwk = require_jwk_header(jwk, allow_private=False)
        return cls._from_checked_jwk(key_type, jwk)

    @classmethod
    def _from_checked_jwk(cls, key_type: KeyType, jwk: Mapping[str, Any]) -> PublicKey:
        if key_type == "Ed25519":
            return cls._ed25519(_b64_member(jwk, "x", 32))
        size = CURVES[key_type].size
        x = int.from_bytes(_b64_member(jwk, "x", size), "big")
        y = int.from_bytes(_b64_member(jwk, "y", size), "big")
        return cls._ec(key_type, x, y)

    @classmethod
    def from_multikey(cls, value: str) -> PublicKey:
        """Parse a public Multikey ``publicKeyMultibase`` (``z6Mk…``, ``zDn…``, ``z82…``)."""
        codec, raw = decode_multikey(value)
        if codec == "ed25519-pub":
            return cls._ed25519(raw)
        key_type: KeyType
        if codec == "p256-pub":
            key_type = "P-256"
        elif codec == "p384-pub":
            key_type = "P-384"
        else:
            _invalid("a secret Multikey where a public key is expected")
        if raw[0] not in (2, 3):
            _invalid("EC Multikey must be a compressed point")
        try:
            crypto = ec.EllipticCurvePublicKey.from_encoded_point(CURVES[key_type].crypto, raw)
        except ValueError:
            _invalid(f"point is not on the {key_type} curve")
        return cls(key_type, crypto, raw)

    @classmethod
    def from_crypto(cls, obj: object) -> PublicKey:
        """Wrap a ``cryptography`` public key object, applying the same checks as the parsers."""
        if isinstance(obj, ed25519.Ed25519PublicKey):
            return cls._ed25519(obj.public_bytes_raw())
        if isinstance(obj, ec.EllipticCurvePublicKey):
            key_type = _CURVE_BY_NAME.get(obj.curve.name)
            if key_type is None:
                _invalid(f"unsupported curve {obj.curve.name}")
            nums = obj.public_numbers()
            return cls._ec(key_type, nums.x, nums.y)
        _invalid(f"not a supported public key object: {type(obj).__name__}")

    # --- attributes ---------------------------------------------------------------------------

    @property
    def key_type(self) -> KeyType:
        return self._key_type

    @property
    def alg(self) -> str:
        """The JOSE ``alg`` this key verifies: EdDSA, ES256 or ES384."""
        return ALGORITHMS[self._key_type]

    @property
    def hash_name(self) -> str:
        """Digest the Data Integrity cryptosuites pair with this key (sha384 only for P-384)."""
        return _HASH_NAMES[self._key_type]

    @property
    def crypto(self) -> VerifyKey:
        """The underlying ``cryptography`` public key object."""
        return self._crypto

    @property
    def multikey(self) -> str:
        """Multikey ``publicKeyMultibase``: ``z`` + base58btc(multicodec header ‖ key)."""
        try:
            return self._multikey
        except AttributeError:  # not derived yet: a pure function of the key, computed once
            codec: Codec = "ed25519-pub" if self._key_type == "Ed25519" else CURVES[self._key_type].codec
            value = encode_multikey(codec, self._raw)
            object.__setattr__(self, "_multikey", value)
            return value

    @property
    def raw(self) -> bytes:
        """Ed25519 raw public key or SEC1 compressed EC point."""
        return self._raw

    @property
    def jwk(self) -> dict[str, str]:
        """A fresh public JWK (only the RFC 7638 required members)."""
        if isinstance(self._crypto, ed25519.Ed25519PublicKey):
            return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(self._raw)}
        size = CURVES[self._key_type].size
        nums = self._crypto.public_numbers()
        return {
            "kty": "EC",
            "crv": self._key_type,
            "x": b64url_encode(nums.x.to_bytes(size, "big")),
            "y": b64url_encode(nums.y.to_bytes(size, "big")),
        }

    def thumbprint(self) -> str:
        """RFC 7638 JWK thumbprint: base64url(SHA-256(required members, sorted, no whitespace))."""
        return jwk_thumbprint(self.jwk)

    # --- verification -------------------------------------------------------------------------

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True iff ``signature`` (raw JOSE/DI form) is valid for ``data``. Never raises on bad input."""
        if not isinstance(signature, bytes | bytearray) or not isinstance(data, bytes | bytearray):
            return False
        if not isinstance(signature, bytes):
            signature = bytes(signature)
        if not isinstance(data, bytes):
            data = bytes(data)
        try:
            if isinstance(self._crypto, ed25519.Ed25519PublicKey):
                if len(signature) != 64 or not _ed25519.is_canonical_scalar(signature[32:]):
                    return False
                if not _ed25519.is_acceptable_r(signature[:32]):
                    return False
                self._crypto.verify(signature, data)
                return True
            curve = CURVES[self._key_type]
            if len(signature) != 2 * curve.size:
                return False
            r = int.from_bytes(signature[: curve.size], "big")
            s = int.from_bytes(signature[curve.size :], "big")
            if not (0 < r < curve.n and 0 < s < curve.n):
                return False
            self._crypto.verify(encode_dss_signature(r, s), data, _ecdsa_for(self._key_type))
            return True
        except (InvalidSignature, ValueError):
            return False

    # --- identity -----------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicKey):
            return NotImplemented
        return self._key_type == other._key_type and self._raw == other._raw

    def __hash__(self) -> int:
        return hash((self._key_type, self._raw))

    def __repr__(self) -> str:
        return f"PublicKey({self._key_type}, {self.multikey})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (PublicKey.from_multikey, (self.multikey,))


def key_type_of(value: str) -> KeyType:
    """Validate a caller-supplied key type name."""
    if value not in KEY_TYPES:
        raise ThaiVCError("key.unsupported", f"key type must be one of {', '.join(KEY_TYPES)}")
    return value


_ECDSA_BY_TYPE: dict[KeyType, ec.ECDSA] = {}


def _ecdsa_for(key_type: KeyType) -> ec.ECDSA:
    """The (immutable) ECDSA signature algorithm of a curve, built once rather than per verify."""
    algorithm = _ECDSA_BY_TYPE.get(key_type)
    if algorithm is None:
        algorithm = _ECDSA_BY_TYPE[key_type] = ec.ECDSA(CURVES[key_type].hash)
    return algorithm
