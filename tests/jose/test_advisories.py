"""One test per published advisory or attack class (docs/security.md groups B, C, cases 7, 8, 18, 19).

Each forged token is built here from first principles (``hmac``, raw byte surgery), so the tests
do not depend on any JOSE library reproducing the bug.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.jose import parse_compact, verify_compact

from .conftest import ORDER, CryptoSigner
from .helpers import PAYLOAD, VC_TYP, forge, header, seg

ED25519_L = 2**252 + 27742317777372353535851937790883648493


def _code(token: str, key: object | None = None) -> str:
    with pytest.raises(ThaiVCError) as info:
        parsed = parse_compact(token, expected_typ=VC_TYP)
        verify_compact(parsed, key)  # type: ignore[arg-type]
    return info.value.code


def _hs256(secret: bytes, alg: str = "HS256") -> str:
    signing_input = seg(header(alg=alg)) + "." + seg(PAYLOAD)
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url_encode(mac)


def _public_forms(signer: CryptoSigner) -> dict[str, bytes]:
    pub = signer.key.public_key()
    raw = (
        pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if signer.algorithm == "EdDSA"
        else b""
    )
    forms = {
        "pem": pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        "der": pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo),
        "openssh": pub.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH),
    }
    if raw:
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
        forms["jwk"] = json.dumps(jwk).encode()
    return forms


@pytest.mark.parametrize("form", ["pem", "der", "openssh", "jwk"])
def test_cve_2022_29217_hs256_with_public_key_pem(signers: dict[str, CryptoSigner], form: str) -> None:
    """PyJWT CVE-2022-29217, python-jose CVE-2024-33663 (+ DER bypass), Authlib CVE-2024-37568."""
    secret = _public_forms(signers["EdDSA"])[form]
    token = _hs256(secret)
    # sanity: the forgery is a correct HMAC over the token under the public key bytes
    h, p, s = token.split(".")
    assert hmac.compare_digest(
        hmac.new(secret, f"{h}.{p}".encode(), hashlib.sha256).digest(), b64url_decode(s)
    )
    assert _code(token, signers["EdDSA"].public()) == "jose.alg_not_allowed"


@pytest.mark.parametrize("form", ["pem", "der"])
@pytest.mark.parametrize("alg", ["ES256", "ES384"])
def test_cve_2024_33663_hs256_with_ec_public_key(
    signers: dict[str, CryptoSigner], alg: str, form: str
) -> None:
    token = _hs256(_public_forms(signers[alg])[form])
    assert _code(token, signers[alg].public()) == "jose.alg_not_allowed"


@pytest.mark.parametrize("alg", ["HS384", "HS512", "hs256"])
def test_hmac_family_refused(signers: dict[str, CryptoSigner], alg: str) -> None:
    assert _code(_hs256(b"secret", alg), signers["EdDSA"].public()) == "jose.alg_not_allowed"


def test_cve_2020_28042_null_signature(signers: dict[str, CryptoSigner]) -> None:
    token = forge(header(), signer=signers["EdDSA"])
    stripped = token.rsplit(".", 1)[0] + "."
    assert _code(stripped, signers["EdDSA"].public()) == "crypto.bad_signature"


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_unsigned_token(alg: str) -> None:
    token = seg(header(alg=alg)) + "." + seg(PAYLOAD) + "."
    assert _code(token) == "jose.alg_not_allowed"


# --- ECDSA signatures (docs/security.md group C, case 18) -----------------------------------------------------


def _es_token(signer: CryptoSigner) -> tuple[str, bytes]:
    token = forge(header(alg=signer.algorithm), signer=signer)
    return token.rsplit(".", 1)[0], b64url_decode(token.rsplit(".", 1)[1])


def _with_sig(signing_input: str, signature: bytes) -> str:
    return signing_input + "." + b64url_encode(signature)


@pytest.mark.parametrize("alg", ["ES256", "ES384"])
def test_genuine_ecdsa_signature_verifies(signers: dict[str, CryptoSigner], alg: str) -> None:
    signing_input, sig = _es_token(signers[alg])
    verify_compact(parse_compact(_with_sig(signing_input, sig), expected_typ=VC_TYP), signers[alg].public())


@pytest.mark.parametrize("alg", ["ES256", "ES384"])
def test_cve_2022_21449_psychic_signature(signers: dict[str, CryptoSigner], alg: str) -> None:
    signing_input, sig = _es_token(signers[alg])
    zero = bytes(len(sig))
    assert _code(_with_sig(signing_input, zero), signers[alg].public()) == "crypto.bad_signature"


@pytest.mark.parametrize("alg", ["ES256", "ES384"])
@pytest.mark.parametrize("which", ["r", "s", "both"])
def test_ecdsa_r_or_s_equal_to_n(signers: dict[str, CryptoSigner], alg: str, which: str) -> None:
    signing_input, sig = _es_token(signers[alg])
    size = len(sig) // 2
    r, s = sig[:size], sig[size:]
    n = ORDER[alg].to_bytes(size, "big")
    forged = (n if which in ("r", "both") else r) + (n if which in ("s", "both") else s)
    assert _code(_with_sig(signing_input, forged), signers[alg].public()) == "crypto.bad_signature"


@pytest.mark.parametrize("alg", ["ES256", "ES384"])
def test_ecdsa_der_instead_of_raw(signers: dict[str, CryptoSigner], alg: str) -> None:
    signing_input = seg(header(alg=alg)) + "." + seg(PAYLOAD)
    key = signers[alg].key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    digest = hashes.SHA256() if alg == "ES256" else hashes.SHA384()
    der = key.sign(signing_input.encode(), ec.ECDSA(digest))
    assert der[0] == 0x30  # a genuine DER signature over the exact input
    assert _code(_with_sig(signing_input, der), signers[alg].public()) == "crypto.bad_signature"


@pytest.mark.parametrize("alg", ["ES256", "ES384"])
@pytest.mark.parametrize("change", ["drop_last", "drop_first", "append_zero", "prepend_zero"])
def test_ecdsa_wrong_length(signers: dict[str, CryptoSigner], alg: str, change: str) -> None:
    signing_input, sig = _es_token(signers[alg])
    forged = {
        "drop_last": sig[:-1],
        "drop_first": sig[1:],
        "append_zero": sig + b"\x00",
        "prepend_zero": b"\x00" + sig,
    }[change]
    assert _code(_with_sig(signing_input, forged), signers[alg].public()) == "crypto.bad_signature"


# --- Ed25519 (docs/security.md group C, case 19) -------------------------------------------------------------


def test_ed25519_non_canonical_s(signers: dict[str, CryptoSigner]) -> None:
    token = forge(header(), signer=signers["EdDSA"])
    signing_input, sig_seg = token.rsplit(".", 1)
    sig = b64url_decode(sig_seg)
    s = int.from_bytes(sig[32:], "little") + ED25519_L  # same value mod L, not canonical
    forged = sig[:32] + s.to_bytes(32, "little")
    assert _code(_with_sig(signing_input, forged), signers["EdDSA"].public()) == "crypto.bad_signature"


@pytest.mark.parametrize("length", [0, 1, 63, 65, 128])
def test_ed25519_wrong_length(signers: dict[str, CryptoSigner], length: int) -> None:
    signing_input = seg(header()) + "." + seg(PAYLOAD)
    token = signing_input + "." + b64url_encode(b"\x07" * length) if length else signing_input + "."
    assert _code(token, signers["EdDSA"].public()) == "crypto.bad_signature"


def test_signature_from_another_token_is_refused(signers: dict[str, CryptoSigner]) -> None:
    # token substitution (jwcrypto CVE-2022-3102 family): a genuine signature on different content
    a = forge(header(), signer=signers["EdDSA"])
    b = forge(header(), {**PAYLOAD, "id": "urn:uuid:other"}, signer=signers["EdDSA"])
    spliced = b.rsplit(".", 1)[0] + "." + a.rsplit(".", 1)[1]
    with pytest.raises(InputError) as info:
        verify_compact(parse_compact(spliced, expected_typ=VC_TYP), signers["EdDSA"].public())
    assert info.value.code == "crypto.bad_signature"
