"""Group C of docs/security.md: signature primitives (SEC-18, SEC-19) through ``Verifier.check``.

The header, payload, key and issuer binding are all genuine; only the signature bytes (or, for
the Ed25519 key cases, the key itself) are hostile, so every refusal is the primitive's.
"""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.keys import PrivateKey
from thaivc.keys import _ed25519 as ed
from thaivc.keys._base58 import b58encode

from .conftest import assert_first, encode_json, forge, vc_header, vc_payload

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
ED_L = ed.L
ED_P = 2**255 - 19


def _signing_input(key: PrivateKey, wallet: str) -> str:
    header = vc_header(key)
    return b64url_encode(encode_json(header)) + "." + b64url_encode(encode_json(vc_payload(wallet, issuer=key.did)))


@pytest.fixture(scope="module")
def p256() -> PrivateKey:
    return thaivc.generate_key("P-256")


@pytest.fixture(scope="module")
def p384() -> PrivateKey:
    return thaivc.generate_key("P-384")


def _ecdsa_variants(key: PrivateKey, signing_input: str) -> dict[str, bytes]:
    good = key.sign(signing_input.encode())
    size = len(good) // 2
    r, s = good[:size], good[size:]
    n = P256_N.to_bytes(32, "big")
    der = key.crypto.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))  # type: ignore[call-arg]
    return {
        "psychic-r0-s0": bytes(64),
        "r0-valid-s": bytes(32) + s,
        "valid-r-s0": r + bytes(32),
        "r-equals-n": n + s,
        "s-equals-n": r + n,
        "r-s-all-ones": b"\xff" * 64,
        "der-encoded": der,
        "63-bytes": good[:-1],
        "65-bytes": good + b"\x00",
        "65-bytes-leading-zero": b"\x00" + good,
        "swapped-r-s": s + r,
        "flipped-bit": good[:-1] + bytes([good[-1] ^ 1]),
    }


def test_sec18_malformed_ecdsa_signatures(verifier: thaivc.Verifier, p256: PrivateKey, wallet_key: PrivateKey) -> None:
    signing_input = _signing_input(p256, wallet_key.did)
    good = p256.sign(signing_input.encode())
    assert verifier.check(signing_input + "." + b64url_encode(good)).ok
    for name, signature in _ecdsa_variants(p256, signing_input).items():
        report = verifier.check(signing_input + "." + b64url_encode(signature))
        assert report.codes[:1] == ["crypto.bad_signature"], (name, report.to_json())
        assert_first(report, "crypto.bad_signature", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec18_der_signatures_are_70_to_72_bytes(p256: PrivateKey, wallet_key: PrivateKey) -> None:
    """The DER variant above is really DER of the right length, so the refusal is about its form."""
    der = _ecdsa_variants(p256, _signing_input(p256, wallet_key.did))["der-encoded"]
    assert der[0] == 0x30 and 68 <= len(der) <= 72


def test_cve_2022_21449_psychic_signature(
    verifier: thaivc.Verifier, p256: PrivateKey, p384: PrivateKey, wallet_key: PrivateKey
) -> None:
    """CVE-2022-21449 (nodejs/node#42863): r = s = 0 verifies every message in a broken ECDSA."""
    for key, size in ((p256, 64), (p384, 96)):
        signing_input = _signing_input(key, wallet_key.did)
        report = verifier.check(signing_input + "." + b64url_encode(bytes(size)))
        assert_first(report, "crypto.bad_signature", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_wycheproof_special_r_s_values(verifier: thaivc.Verifier, p256: PrivateKey, wallet_key: PrivateKey) -> None:
    """Wycheproof ecdsa_secp256r1_sha256_p1363: r, s in {0, 1, n-1, n, n+1, p} combinations."""
    p = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
    values = [0, 1, P256_N - 1, P256_N, P256_N + 1, p, p + 1, 2**256 - 1]
    signing_input = _signing_input(p256, wallet_key.did)
    for r in values:
        for s in values:
            signature = r.to_bytes(33, "big")[-32:] + s.to_bytes(33, "big")[-32:]
            report = verifier.check(signing_input + "." + b64url_encode(signature))
            assert_first(report, "crypto.bad_signature")


# -- SEC-19 ----------------------------------------------------------------------------------------


def _ed_scalar(key: PrivateKey) -> int:
    seed = key.crypto.private_bytes_raw()  # type: ignore[union-attr]
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a


def test_sec19_non_canonical_s(verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey) -> None:
    """S + L is the same scalar mod L; OpenSSL would accept it, thaivc refuses (malleability)."""
    header, payload = vc_header(issuer_key), vc_payload(wallet_key.did)
    token = forge(header, payload, issuer_key)
    assert verifier.check(token).ok
    signing_input, _, sig_b64 = token.rpartition(".")
    sig = b64url_decode(sig_b64)
    s = int.from_bytes(sig[32:], "little")
    for bad_s in (s + ED_L, ED_L, 2**256 - 1, s + 2 * ED_L if s + 2 * ED_L < 2**256 else ED_L + 1):
        malleated = sig[:32] + bad_s.to_bytes(32, "little")
        report = verifier.check(signing_input + "." + b64url_encode(malleated))
        assert_first(report, "crypto.bad_signature", "CRYPTOGRAPHIC_SECURITY_ERROR")


@pytest.mark.parametrize("r_hex", sorted(h.hex() for h in ed.SMALL_ORDER_ENCODINGS))
def test_sec19_small_order_r(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, r_hex: str
) -> None:
    """R of small order with S = k·a: a cofactored verifier accepts it; thaivc refuses any such R."""
    header, payload = vc_header(issuer_key), vc_payload(wallet_key.did)
    signing_input = b64url_encode(encode_json(header)) + "." + b64url_encode(encode_json(payload))
    r_enc = bytes.fromhex(r_hex)
    k = int.from_bytes(hashlib.sha512(r_enc + issuer_key.public_key.raw + signing_input.encode()).digest(), "little")
    s = (k % ED_L) * _ed_scalar(issuer_key) % ED_L
    report = verifier.check(signing_input + "." + b64url_encode(r_enc + s.to_bytes(32, "little")))
    assert_first(report, "crypto.bad_signature", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec19_non_canonical_r(verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey) -> None:
    token = forge(vc_header(issuer_key), vc_payload(wallet_key.did), issuer_key)
    signing_input, _, sig_b64 = token.rpartition(".")
    sig = b64url_decode(sig_b64)
    for y in (ED_P + 1, ED_P, 2**255 - 1):
        report = verifier.check(signing_input + "." + b64url_encode(y.to_bytes(32, "little") + sig[32:]))
        assert_first(report, "crypto.bad_signature")


def _did_key_ed25519(raw: bytes) -> str:
    return "did:key:z" + b58encode(b"\xed\x01" + raw)


@pytest.mark.parametrize("key_hex", sorted(h.hex() for h in ed.SMALL_ORDER_ENCODINGS))
def test_sec19_small_order_public_key(verifier: thaivc.Verifier, wallet_key: PrivateKey, key_hex: str) -> None:
    """A = small-order point, R = identity, S = 0 "verifies" every message under OpenSSL.

    thaivc refuses the key itself when the DID is resolved (``key.invalid``, as SEC-62 names for bad
    did:key keys), which is before, and stricter than, SEC-19's ``crypto.bad_signature``.
    """
    did = _did_key_ed25519(bytes.fromhex(key_hex))
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": did + "#" + did[len("did:key:") :]}
    identity = bytes.fromhex("01" + "00" * 31)
    report = verifier.check(forge(header, vc_payload(wallet_key.did, issuer=did), signature=identity + bytes(32)))
    assert_first(report, "key.invalid", "MALFORMED_VALUE_ERROR")
    assert report.check("signature") is None


def test_sec19_mixed_order_public_key(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """A + T (T of order 8): a signature by the torsion-free key does not carry over."""
    a = ed.decode_point(issuer_key.public_key.raw)
    t = ed.decode_point(bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"))
    assert a is not None and t is not None
    did = _did_key_ed25519(ed.encode_point(ed.add(a, t)))
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": did + "#" + did[len("did:key:") :]}
    report = verifier.check(forge(header, vc_payload(wallet_key.did, issuer=did), issuer_key))
    assert_first(report, "key.invalid", "MALFORMED_VALUE_ERROR")


@pytest.mark.parametrize("length", [0, 1, 63, 65, 128])
def test_sec19_wrong_length_ed25519_signature(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, length: int
) -> None:
    token = forge(vc_header(issuer_key), vc_payload(wallet_key.did), signature=b"\x01" * length)
    assert_first(verifier.check(token), "crypto.bad_signature")
