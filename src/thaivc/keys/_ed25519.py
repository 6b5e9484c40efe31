"""Ed25519 checks that OpenSSL's verifier does not make on its own (docs/security.md group C).

OpenSSL verifies RFC 8032 signatures *cofactorless* and accepts any point it can decode. That
leaves room for the "Taming the many EdDSAs" malleability tricks: a small-order public key (every
message then verifies with some signature), a small-order ``R``, a non-canonical ``S``, or a key
with a torsion component (mixed order) that lets two different verifiers disagree. No installed
library exposes Edwards point arithmetic, so the few operations needed are written here with
Python integers (extended twisted-Edwards coordinates, RFC 8032 §5.1). They only *reject*: the
signature itself is still checked by ``cryptography``.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "SMALL_ORDER_ENCODINGS",
    "L",
    "add",
    "decode_point",
    "encode_point",
    "has_small_order",
    "in_prime_order_subgroup",
    "is_acceptable_r",
    "is_canonical_scalar",
]

P: Final = 2**255 - 19
L: Final = 2**252 + 27742317777372353535851937790883648493
_D: Final = (-121665 * pow(121666, P - 2, P)) % P
_SQRT_M1: Final = pow(2, (P - 1) // 4, P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z
_IDENTITY: Final[Point] = (0, 1, 1, 0)


#: Encodings of the eight points of order dividing 8, in canonical form (libsodium's blocklist;
#: "Taming the many EdDSAs", table 6c) plus the two spellings with a set sign bit on x = 0.
#: Non-canonical ``y >= p`` spellings are refused separately by :func:`is_acceptable_r`.
SMALL_ORDER_ENCODINGS: Final = frozenset(
    bytes.fromhex(h)
    for h in (
        "0100000000000000000000000000000000000000000000000000000000000000",  # identity
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # order 2
        "0000000000000000000000000000000000000000000000000000000000000000",  # order 4
        "0000000000000000000000000000000000000000000000000000000000000080",  # order 4
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8
        "0100000000000000000000000000000000000000000000000000000000000080",  # identity, sign bit set
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",  # order 2, sign bit set
    )
)


def is_acceptable_r(enc: bytes) -> bool:
    """Cheap per-signature test of ``R``: canonical ``y`` and not a small-order point.

    Decoding ``R`` fully would cost two big modular exponentiations per verification; comparing
    against the fixed list of small-order encodings gives the same answer for this purpose
    (a non-curve ``R`` is refused by the signature check itself).
    """
    y = int.from_bytes(enc, "little") & ((1 << 255) - 1)
    return y < P and enc not in SMALL_ORDER_ENCODINGS


def decode_point(enc: bytes) -> Point | None:
    """RFC 8032 §5.1.3 decoding; ``None`` for anything non-canonical or off the curve.

    Rejecting ``y >= p`` and a set sign bit on ``x = 0`` removes the non-canonical spellings of
    the small-order points as well, so the small-order test below needs only canonical inputs.
    """
    if len(enc) != 32:
        return None
    num = int.from_bytes(enc, "little")
    sign = num >> 255
    y = num & ((1 << 255) - 1)
    if y >= P:
        return None
    u = (y * y - 1) % P
    v = (_D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    vxx = (v * x * x) % P
    if vxx == u:
        pass
    elif vxx == (-u) % P:
        x = (x * _SQRT_M1) % P
    else:
        return None
    if x == 0 and sign:
        return None
    if (x & 1) != sign:
        x = P - x
    return (x, y, 1, (x * y) % P)


def encode_point(p: Point) -> bytes:
    """RFC 8032 §5.1.2 encoding (used to build test points; verification only decodes)."""
    x, y, z, _ = p
    zinv = pow(z, P - 2, P)
    x, y = (x * zinv) % P, (y * zinv) % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def add(p: Point, q: Point) -> Point:
    """Point addition on the twisted Edwards curve (complete formula, RFC 8032 §5.1.4)."""
    return _add(p, q)


def _add(p: Point, q: Point) -> Point:
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = ((y1 - x1) * (y2 - x2)) % P
    b = ((y1 + x1) * (y2 + x2)) % P
    c = (2 * t1 * t2 * _D) % P
    d = (2 * z1 * z2) % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return ((e * f) % P, (g * h) % P, (f * g) % P, (e * h) % P)


def _is_identity(p: Point) -> bool:
    x, y, z, _ = p
    return x % P == 0 and (y - z) % P == 0


def _mul(scalar: int, p: Point) -> Point:
    acc = _IDENTITY
    while scalar:
        if scalar & 1:
            acc = _add(acc, p)
        p = _add(p, p)
        scalar >>= 1
    return acc


def has_small_order(p: Point) -> bool:
    """True for the eight points of order dividing 8 (the cofactor): ``[8]P`` is the identity."""
    q = _add(p, p)
    q = _add(q, q)
    q = _add(q, q)
    return _is_identity(q)


def in_prime_order_subgroup(p: Point) -> bool:
    """True iff ``[L]P`` is the identity, i.e. the point has no torsion component."""
    return _is_identity(_mul(L, p))


def is_canonical_scalar(enc: bytes) -> bool:
    """RFC 8032 §5.1.7: the ``S`` half of a signature must be below the group order ``L``."""
    return int.from_bytes(enc, "little") < L
