"""docs/security.md group C, case 19: Ed25519 small-order and mixed-order keys, small-order R, and S >= L.

The small-order points are the eight points of the curve's 8-torsion subgroup. Their canonical
encodings are listed in libsodium's blocklist and in "Taming the many EdDSAs" (Chalkias et al.,
2020, table 6c); they are reproduced below and each one is re-checked to have [8]P = identity
with an independent double-and-add, so a typo in the table cannot make the test pass vacuously.
Non-canonical encodings are generated: y + p for the two small-order points whose y < 19
(y = 0 and y = 1), and a set sign bit on the two points with x = 0 (y = 1 and y = -1).
"""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from thaivc.core.errors import ThaiVCError
from thaivc.keys import PublicKey, generate_key
from thaivc.keys import _ed25519 as ed
from thaivc.keys._base58 import b58encode

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493

SMALL_ORDER_CANONICAL = [
    "0100000000000000000000000000000000000000000000000000000000000000",  # identity (order 1)
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = -1 (order 2)
    "0000000000000000000000000000000000000000000000000000000000000000",  # y = 0, x = +sqrt(-1) (order 4)
    "0000000000000000000000000000000000000000000000000000000000000080",  # y = 0, x = -sqrt(-1) (order 4)
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # order 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # order 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # order 8
]


def _noncanonical() -> list[str]:
    out = []
    for y in (0, 1):  # y + p still fits in 255 bits only for y < 19
        for sign in (0, 1):
            out.append(((y + P) | (sign << 255)).to_bytes(32, "little").hex())
    out.append(((1) | (1 << 255)).to_bytes(32, "little").hex())  # identity with "negative zero" x
    out.append(((P - 1) | (1 << 255)).to_bytes(32, "little").hex())  # order 2 with "negative zero" x
    return out


SMALL_ORDER_NONCANONICAL = _noncanonical()


def _mul_independent(k: int, point: ed.Point) -> ed.Point:
    acc: ed.Point = (0, 1, 1, 0)
    for bit in bin(k)[2:]:
        acc = ed.add(acc, acc)
        if bit == "1":
            acc = ed.add(acc, point)
    return acc


def _is_identity(point: ed.Point) -> bool:
    x, y, z, _ = point
    return x % P == 0 and (y - z) % P == 0


@pytest.mark.parametrize("enc", SMALL_ORDER_CANONICAL)
def test_table_really_lists_small_order_points(enc: str) -> None:
    point = ed.decode_point(bytes.fromhex(enc))
    assert point is not None
    assert _is_identity(_mul_independent(8, point))


def test_module_blocklist_matches_independent_list() -> None:
    # The verifier's fast R check uses its own table; every entry must be small order and every
    # small-order spelling (canonical, or non-canonical with y < p) must be in it.
    expected = {bytes.fromhex(h) for h in SMALL_ORDER_CANONICAL + SMALL_ORDER_NONCANONICAL}
    expected_lt_p = {e for e in expected if int.from_bytes(e, "little") & ((1 << 255) - 1) < P}
    assert expected_lt_p == set(ed.SMALL_ORDER_ENCODINGS)
    for enc in SMALL_ORDER_CANONICAL + SMALL_ORDER_NONCANONICAL:
        assert not ed.is_acceptable_r(bytes.fromhex(enc))


@pytest.mark.parametrize("enc", SMALL_ORDER_CANONICAL + SMALL_ORDER_NONCANONICAL)
def test_small_order_public_keys_are_key_invalid(enc: str) -> None:
    raw = bytes.fromhex(enc)
    with pytest.raises(ThaiVCError) as exc:
        PublicKey.from_multikey("z" + b58encode(b"\xed\x01" + raw))
    assert exc.value.code == "key.invalid"
    with pytest.raises(ThaiVCError):
        PublicKey.from_crypto(ed25519.Ed25519PublicKey.from_public_bytes(raw))


def test_identity_key_forgery_is_blocked() -> None:
    # With A = identity, R = identity and S = 0 the verification equation [S]B = R + [k]A holds
    # for every message. OpenSSL (cofactorless, no key check) accepts it; thaivc refuses the key.
    identity = bytes.fromhex(SMALL_ORDER_CANONICAL[0])
    raw_key = ed25519.Ed25519PublicKey.from_public_bytes(identity)
    raw_key.verify(identity + bytes(32), b"any message at all")  # accepted by the library below us
    with pytest.raises(ThaiVCError) as exc:
        PublicKey.from_crypto(raw_key)
    assert exc.value.code == "key.invalid"


def test_mixed_order_public_key_is_key_invalid() -> None:
    # A + T for an order-8 point T: a valid-looking key with a torsion component.
    good = generate_key().public
    a = ed.decode_point(good.raw)
    t = ed.decode_point(bytes.fromhex(SMALL_ORDER_CANONICAL[4]))
    assert a is not None and t is not None
    mixed = ed.encode_point(ed.add(a, t))
    with pytest.raises(ThaiVCError) as exc:
        PublicKey.from_multikey("z" + b58encode(b"\xed\x01" + mixed))
    assert exc.value.code == "key.invalid"


def test_non_canonical_s_is_rejected() -> None:
    key = generate_key()
    sig = key.sign(b"m")
    s = int.from_bytes(sig[32:], "little")
    assert s < L
    malleated = sig[:32] + (s + L).to_bytes(32, "little")
    assert key.public.verify(sig, b"m")
    assert key.public.verify(malleated, b"m") is False
    assert key.public.verify(sig[:32] + L.to_bytes(32, "little"), b"m") is False


def _clamped_scalar(seed: bytes) -> tuple[int, bytes]:
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


@pytest.mark.parametrize("enc", SMALL_ORDER_CANONICAL + SMALL_ORDER_NONCANONICAL)
def test_small_order_r_is_rejected(enc: str) -> None:
    # S = k*a with R a small-order point: [8][S]B = [8]R + [8][k]A holds, so a cofactored
    # verifier would accept this signature. thaivc refuses any small-order R outright.
    seed = bytes(range(32))
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    pub = PublicKey.from_crypto(key.public_key())
    a, _ = _clamped_scalar(seed)
    r_enc = bytes.fromhex(enc)
    msg = b"message"
    k = int.from_bytes(hashlib.sha512(r_enc + pub.raw + msg).digest(), "little") % L
    s = (k * a) % L
    assert pub.verify(r_enc + s.to_bytes(32, "little"), msg) is False


def test_non_canonical_r_is_rejected() -> None:
    key = generate_key()
    sig = key.sign(b"m")
    bad_r = (P + 1).to_bytes(32, "little")  # y = p + 1, a non-canonical identity
    assert key.public.verify(bad_r + sig[32:], b"m") is False


def test_valid_keys_pass_the_checks() -> None:
    for _ in range(5):
        pub = generate_key().public
        point = ed.decode_point(pub.raw)
        assert point is not None
        assert not ed.has_small_order(point)
        assert _is_identity(_mul_independent(L, point))
