"""Group B of docs/security.md: JOSE header and algorithm attacks (SEC-07 … SEC-17), and their advisories.

Every hostile token here is assembled by hand; where the attack needs a genuine signature it is
made with the real key over the exact signing input, so a refusal proves the *rule* and not a
signature failure. Advisory regressions are named after the CVE/GHSA the catalogue cites.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import x25519

import thaivc
from thaivc.core.b64 import b64url_encode
from thaivc.did import UniversalResolver
from thaivc.keys import PrivateKey

from .conftest import (
    ISSUER,
    KEY_1,
    KEY_2,
    MakeVerifier,
    assert_first,
    assert_refused,
    encode_json,
    enveloped,
    forge,
    vc_header,
    vc_payload,
    vp_header,
    vp_payload,
)

# -- helpers ---------------------------------------------------------------------------------------


def hs_token(header: dict[str, Any], payload: dict[str, Any], secret: bytes, digest: str = "sha256") -> str:
    """An HMAC-signed compact JWS: the attacker's construction in every key-confusion advisory."""
    signing_input = b64url_encode(encode_json(header)) + "." + b64url_encode(encode_json(payload))
    mac = hmac.new(secret, signing_input.encode("ascii"), getattr(hashlib, digest)).digest()
    return signing_input + "." + b64url_encode(mac)


def public_forms(key: PrivateKey) -> dict[str, bytes]:
    """Every public encoding of the issuer's key that a careless library would take as an HMAC secret."""
    public = key.crypto.public_key()
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    return {
        "pem": public.public_bytes(serialization.Encoding.PEM, spki),
        "der": public.public_bytes(serialization.Encoding.DER, spki),
        "openssh": public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH),
        "jwk-json": json.dumps(key.public_jwk).encode(),
        "raw": key.public_key.raw,
    }


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Fail the test if anything opens a socket connection; records attempts."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("the verifier tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


# -- SEC-07 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", "", " none", "none\u0000"])
def test_sec07_alg_none_variants(verifier: thaivc.Verifier, wallet_key: PrivateKey, alg: str) -> None:
    """``alg: none`` in any spelling, with an empty signature: refused by the allowlist."""
    header = {"alg": alg, "typ": "vc+jwt", "kid": KEY_1}
    report = verifier.check(forge(header, vc_payload(wallet_key.did)))
    assert_first(report, "jose.alg_not_allowed", "CRYPTOGRAPHIC_SECURITY_ERROR")


@pytest.mark.parametrize("alg", ["none", "nOnE"])
def test_sec07_alg_none_with_a_signature(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, alg: str
) -> None:
    """A genuine signature does not make ``none`` acceptable either."""
    header = {"alg": alg, "typ": "vc+jwt", "kid": KEY_1}
    report = verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "jose.alg_not_allowed", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_cve_2020_28042_null_signature(verifier: thaivc.Verifier, good_vc: str) -> None:
    """A valid header and payload with the third segment emptied ("null signature")."""
    head, payload, _ = good_vc.split(".")
    report = verifier.check(f"{head}.{payload}.")
    assert_first(report, "crypto.bad_signature", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_wycheproof_tc16_alg_none_signature_stripped(verifier: thaivc.Verifier, good_vc: str) -> None:
    """Wycheproof tcId 16: the issuer's token re-headed with ``alg: none`` and no signature."""
    _, payload, _ = good_vc.split(".")
    head = b64url_encode(b'{"alg":"none","typ":"vc+jwt"}')
    assert_first(verifier.check(f"{head}.{payload}."), "jose.alg_not_allowed")


# -- SEC-08 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["pem", "der", "openssh", "jwk-json", "raw"])
@pytest.mark.parametrize(("alg", "digest"), [("HS256", "sha256"), ("HS384", "sha384"), ("HS512", "sha512")])
def test_sec08_hmac_signed_with_public_key(
    verifier: thaivc.Verifier,
    issuer_key: PrivateKey,
    wallet_key: PrivateKey,
    form: str,
    alg: str,
    digest: str,
) -> None:
    """The issuer's public key, in every encoding, used as an HMAC secret: the allowlist is asymmetric."""
    secret = public_forms(issuer_key)[form]
    token = hs_token({"alg": alg, "typ": "vc+jwt", "kid": KEY_1}, vc_payload(wallet_key.did), secret, digest)
    assert_first(verifier.check(token), "jose.alg_not_allowed", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec08_hmac_without_kid_tries_no_key(
    make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey, resolver: UniversalResolver
) -> None:
    """No kid: the algorithm still comes from the key, never the header; nothing is even resolved."""
    web = resolver.methods["web"]
    before = len(web.calls)  # type: ignore[attr-defined]
    token = hs_token({"alg": "HS256", "typ": "vc+jwt"}, vc_payload(wallet_key.did), public_forms(issuer_key)["pem"])
    assert_first(make_verifier().check(token), "jose.alg_not_allowed")
    assert len(web.calls) == before  # type: ignore[attr-defined]


def test_cve_2022_29217_hs256_signed_with_public_key_pem(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """PyJWT CVE-2022-29217 (GHSA-ffqj-6fqr-9h24): HS256 keyed with an Ed25519 public key file.

    Both attacker tokens from PyJWT's own regression test (tests/test_advisory.py) are replayed
    verbatim, then the same construction against this issuer's PEM public key.
    """
    pyjwt_okp = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ0ZXN0IjoxMjM0fQ.6ulDpqSlbHmQ8bZXhZRLFko9SwcHrghCwh8d-exJEE4"
    pyjwt_ssh_ec = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0ZXN0IjoxMjM0fQ.5eYfbrbeGYmWfypQ6rMWXNZ8bdHcqKng5GPr9MJZITU"
    for token in (pyjwt_okp, pyjwt_ssh_ec):
        assert_first(verifier.check(token), "jose.alg_not_allowed", "CRYPTOGRAPHIC_SECURITY_ERROR")
    pem = issuer_key.crypto.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = hs_token({"alg": "HS256", "typ": "vc+jwt", "kid": KEY_1}, vc_payload(wallet_key.did), pem)
    assert_first(verifier.check(token), "jose.alg_not_allowed")


def test_cve_2026_48526_hs256_with_public_key(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """SAP/cloud-pysec#82: the same confusion one layer up (a token library trusting the header alg)."""
    token = hs_token(
        {"alg": "HS256", "typ": "JWT", "kid": KEY_1}, vc_payload(wallet_key.did), public_forms(issuer_key)["pem"]
    )
    assert_first(verifier.check(token), "jose.alg_not_allowed")


def test_cve_2024_33663_python_jose_hs256_with_ec_public_key(
    make_verifier: MakeVerifier, wallet_key: PrivateKey
) -> None:
    """python-jose CVE-2024-33663: an ECDSA key's PEM accepted as an HMAC secret.

    The issuer here is a P-256 did:key so the attacker holds exactly what an ECDSA verifier resolves.
    """
    ec_issuer = thaivc.generate_key("P-256")
    pem = ec_issuer.crypto.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    payload = vc_payload(wallet_key.did, issuer=ec_issuer.did)
    token = hs_token({"alg": "HS256", "typ": "vc+jwt", "kid": ec_issuer.kid}, payload, pem)
    assert_first(make_verifier().check(token), "jose.alg_not_allowed")


def test_python_jose_414_der_bypass(make_verifier: MakeVerifier, wallet_key: PrivateKey) -> None:
    """mpdavis/python-jose#414: the PEM blocklist is bypassed by giving the key in DER."""
    ec_issuer = thaivc.generate_key("P-256")
    der = ec_issuer.crypto.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    payload = vc_payload(wallet_key.did, issuer=ec_issuer.did)
    token = hs_token({"alg": "HS256", "typ": "vc+jwt", "kid": ec_issuer.kid}, payload, der)
    assert_first(make_verifier().check(token), "jose.alg_not_allowed")


def test_cve_2024_37568_authlib_hs256_with_public_jwk(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """Authlib CVE-2024-37568 (authlib/joserfc#27): a public JWK's JSON used as the HMAC key."""
    secret = json.dumps(issuer_key.public_jwk, separators=(",", ":")).encode()
    token = hs_token({"alg": "HS256", "typ": "vc+jwt", "kid": KEY_1}, vc_payload(wallet_key.did), secret)
    assert_first(verifier.check(token), "jose.alg_not_allowed")


def test_wycheproof_tc31_hs256_with_asymmetric_key(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """Wycheproof tcId 31: symmetric/asymmetric confusion keyed with the public key's raw bytes."""
    token = hs_token({"alg": "HS256", "typ": "vc+jwt"}, vc_payload(wallet_key.did), issuer_key.public_key.raw)
    assert_first(verifier.check(token), "jose.alg_not_allowed")


# -- SEC-09 ----------------------------------------------------------------------------------------


def _self_issued(key: PrivateKey, alg: str, wallet: str) -> str:
    """A did:key issuer signing with its own key but naming ``alg`` (the key decides, not the header)."""
    header = {"alg": alg, "typ": "vc+jwt", "kid": key.kid}
    return forge(header, vc_payload(wallet, issuer=key.did), key)


@pytest.mark.parametrize(
    ("key_type", "alg"),
    [
        ("P-384", "ES256"),
        ("Ed25519", "ES256"),
        ("P-256", "ES384"),
        ("P-256", "EdDSA"),
        ("Ed25519", "ES384"),
        ("P-384", "EdDSA"),
    ],
)
def test_sec09_alg_key_mismatch(verifier: thaivc.Verifier, wallet_key: PrivateKey, key_type: str, alg: str) -> None:
    key = thaivc.generate_key(key_type)
    assert verifier.check(_self_issued(key, key.alg, wallet_key.did)).ok  # baseline with the right alg
    report = verifier.check(_self_issued(key, alg, wallet_key.did))
    assert_first(report, "jose.alg_key_mismatch", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec09_eddsa_with_x25519_key(verifier: thaivc.Verifier, wallet_key: PrivateKey) -> None:
    """``EdDSA`` naming an X25519 (key-agreement) key.

    thaivc cannot even hold an X25519 key as a verification key: resolving it is refused as
    ``key.invalid`` (SEC-62: key-agreement keys are not signing keys), which is earlier than the
    algorithm comparison that SEC-09's ``jose.alg_key_mismatch`` names.
    """
    raw = x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()
    did = "did:jwk:" + b64url_encode(json.dumps({"kty": "OKP", "crv": "X25519", "x": b64url_encode(raw)}).encode())
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": did + "#0"}
    report = verifier.check(forge(header, vc_payload(wallet_key.did, issuer=did), signature=b"\x01" * 64))
    assert_first(report, "key.invalid", "MALFORMED_VALUE_ERROR")
    assert report.check("signature") is None


@pytest.mark.parametrize("alg", ["ES256K", "RS256", "PS256", "ES512", "EdDSA25519", "ed25519", "Ed448", "es256"])
def test_sec09_alg_outside_allowlist(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, alg: str
) -> None:
    """Algorithms outside the allowlist are refused before any key is resolved (SEC-08's code).

    RFC 9864's ``Ed25519`` is in the allowlist (it names EdDSA with an Ed25519 key exactly); its
    case variants are not, and ``Ed25519`` over an EC key is ``jose.alg_key_mismatch``
    (``tests/conformance/test_alg_ed25519.py``).
    """
    report = verifier.check(forge({"alg": alg, "typ": "vc+jwt", "kid": KEY_1}, vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "jose.alg_not_allowed", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec09_policy_narrows_the_allowlist(make_verifier: MakeVerifier, good_vc: str) -> None:
    """A policy without EdDSA refuses an EdDSA token whose signature is perfect."""
    report = make_verifier(allowed_algs=frozenset({"ES256"})).check(good_vc)
    assert_refused(report, "jose.alg_not_allowed")


# -- SEC-10 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("jwk", "attacker"),
        ("jku", "https://attacker.example/jwks"),
        ("jku", "http://169.254.169.254/"),
        ("x5u", "https://attacker.example/jwks"),
        ("x5u", "http://169.254.169.254/latest/meta-data/"),
        ("x5c", ["MIIBszCCAVmgAwIBAgIUXnotanchor"]),
        ("x5t", "dGh1bWJwcmludA"),
        ("x5t#S256", "dGh1bWJwcmludA"),
    ],
)
def test_sec10_key_material_in_header(
    verifier: thaivc.Verifier,
    attacker_key: PrivateKey,
    wallet_key: PrivateKey,
    no_network: list[object],
    member: str,
    value: Any,
) -> None:
    """Signed by the attacker with the key it supplies; the verifier never fetches, never uses it."""
    if value == "attacker":
        value = attacker_key.public_jwk
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": KEY_1, member: value}
    report = verifier.check(forge(header, vc_payload(wallet_key.did), attacker_key))
    assert_first(report, "jose.untrusted_key_source", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_cve_2018_0114_embedded_jwk_without_kid(
    verifier: thaivc.Verifier, attacker_key: PrivateKey, wallet_key: PrivateKey, no_network: list[object]
) -> None:
    """CVE-2018-0114 (node-jose): the token carries its own ``jwk`` and is signed by it; no kid."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "jwk": attacker_key.public_jwk}
    report = verifier.check(forge(header, vc_payload(wallet_key.did), attacker_key))
    assert_first(report, "jose.untrusted_key_source")


def test_cve_2026_27962_authlib_embedded_jwk(
    verifier: thaivc.Verifier, attacker_key: PrivateKey, wallet_key: PrivateKey, no_network: list[object]
) -> None:
    """Authlib CVE-2026-27962 (GHSA-wvwj-cvrp-7pv5): key taken from the header's ``jwk``."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": attacker_key.kid, "jwk": attacker_key.public_jwk}
    report = verifier.check(forge(header, vc_payload(wallet_key.did, issuer=attacker_key.did), attacker_key))
    assert_first(report, "jose.untrusted_key_source")


def test_wycheproof_tc32_embedded_jwk(
    verifier: thaivc.Verifier, attacker_key: PrivateKey, wallet_key: PrivateKey, no_network: list[object]
) -> None:
    """Wycheproof tcId 32: a genuine issuer kid with an embedded attacker jwk alongside."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": KEY_1, "jwk": attacker_key.public_jwk}
    assert_first(verifier.check(forge(header, vc_payload(wallet_key.did), attacker_key)), "jose.untrusted_key_source")


# -- SEC-11 ----------------------------------------------------------------------------------------

_KID_INJECTIONS: dict[str, Any] = {
    "path-traversal": "../../../../dev/null",
    "path-traversal-in-did": ISSUER + "#../../../../dev/null",
    "sql": "' OR '1'='1",
    "sql-in-did": ISSUER + "#key-1' OR '1'='1",
    "shell": "|sleep 10",
    "shell-in-did": ISSUER + "#key-1|sleep 10",
    "2KiB": ISSUER + "#" + "k" * 2048,
    "2KiB-plain": "k" * 2048,
    "513-chars": ISSUER + "#" + "k" * (512 - len(ISSUER)),
    "null-byte": ISSUER + "#key-1\u0000",
    "newline": ISSUER + "#key-1\n",
    "empty": "",
    "int": 1,
    "float": 1.5,
    "bool": True,
    "null": None,
    "list": [KEY_1],
    "object": {"id": KEY_1},
}


@pytest.mark.parametrize("kid", _KID_INJECTIONS.values(), ids=_KID_INJECTIONS.keys())
def test_sec11_kid_injection(
    verifier: thaivc.Verifier,
    issuer_key: PrivateKey,
    wallet_key: PrivateKey,
    resolver: UniversalResolver,
    kid: Any,
) -> None:
    """A hostile ``kid`` never reaches a lookup: refused by shape, before resolution."""
    web = resolver.methods["web"]
    before = len(web.calls)  # type: ignore[attr-defined]
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": kid}
    report = verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "jose.kid_invalid", "MALFORMED_VALUE_ERROR")
    assert len(web.calls) == before  # type: ignore[attr-defined]


@pytest.mark.parametrize("kid", [ISSUER + "#" + "k" * 4096, "k" * 4096], ids=["did", "plain"])
def test_sec11_kid_4kib(verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, kid: str) -> None:
    """A 4 KiB ``kid`` cannot fit the 4 KiB header cap once base64-encoded: the size cap refuses it
    first, before the header is even decoded (kids up to that size are covered above)."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": kid}
    report = verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "input.too_large", "PARSING_ERROR")


# -- SEC-12 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_iss", [True, False])
def test_sec12_kid_of_another_did(
    verifier: thaivc.Verifier, attacker_key: PrivateKey, wallet_key: PrivateKey, with_iss: bool
) -> None:
    """``issuer`` = did:web:registrar.example, ``kid`` = the attacker's did:key: not the issuer's key."""
    extra = {"iss": ISSUER} if with_iss else {}
    token = forge(vc_header(attacker_key), vc_payload(wallet_key.did, **extra), attacker_key)
    assert_first(verifier.check(token), "vc.issuer_key_mismatch", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec12_kid_naming_a_lookalike_did(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """Prefix tricks on the DID part of ``kid`` are other DIDs, compared exactly."""
    for kid in (
        "did:web:registrar.example.evil#key-1",
        "did:web:registrar.exampl#key-1",
        "did:web:registrar.example:x#key-1",
    ):
        header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": kid}
        assert_first(
            verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key)), "vc.issuer_key_mismatch", case=kid
        )


def test_sec12_no_kid_tries_only_assertion_keys(
    verifier: thaivc.Verifier,
    issuer_key: PrivateKey,
    issuer_auth_key: PrivateKey,
    attacker_key: PrivateKey,
    wallet_key: PrivateKey,
) -> None:
    """Without ``kid`` only the issuer's assertionMethod keys are tried, never other methods."""
    header = {"alg": "EdDSA", "typ": "vc+jwt"}
    payload = vc_payload(wallet_key.did)
    assert verifier.check(forge(header, payload, issuer_key)).ok  # key-1: assertionMethod
    # key-2 is the issuer's, but only for authentication; the attacker's key is nobody's.
    for signer in (issuer_auth_key, attacker_key):
        report = verifier.check(forge(header, payload, signer))
        assert_first(report, "crypto.bad_signature", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec12_kid_of_a_non_assertion_method(
    verifier: thaivc.Verifier, issuer_auth_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """key-2 named explicitly: it is the issuer's, but not authorised to assert credentials."""
    token = forge(vc_header(issuer_auth_key), vc_payload(wallet_key.did), issuer_auth_key)
    assert issuer_auth_key.kid == KEY_2
    assert_first(verifier.check(token), "did.vm_not_authorized", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec12_max_kid_candidates(
    make_verifier: MakeVerifier, resolver: UniversalResolver, wallet_key: PrivateKey
) -> None:
    """At most ``max_kid_candidates`` keys are tried: a key listed past the cap is never reached."""
    from thaivc.did import DidDocument, DidJwkResolver, DidKeyResolver, VerificationMethod

    from .conftest import StaticResolver

    did = "did:web:many.example"
    keys = [thaivc.generate_key().bind(did, f"{did}#k{i}") for i in range(3)]
    doc = DidDocument(
        id=did,
        verification_methods=tuple(VerificationMethod(k.kid, "Multikey", did, k.public_key) for k in keys),
        assertion_method=tuple(k.kid for k in keys),
    )
    many = UniversalResolver({"key": DidKeyResolver(), "jwk": DidJwkResolver(), "web": StaticResolver({did: doc})})
    token = forge({"alg": "EdDSA", "typ": "vc+jwt"}, vc_payload(wallet_key.did, issuer=did), keys[2])
    clock = thaivc.FixedClock.at("2026-06-01T00:00:00Z")
    assert thaivc.Verifier(policy=thaivc.Policy(max_kid_candidates=3), resolver=many, clock=clock).check(token).ok
    report = thaivc.Verifier(policy=thaivc.Policy(max_kid_candidates=2), resolver=many, clock=clock).check(token)
    assert_first(report, "crypto.bad_signature")


def test_sec12_unknown_fragment_of_the_issuer(
    verifier: thaivc.Verifier, attacker_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": ISSUER + "#attacker"}
    assert_first(verifier.check(forge(header, vc_payload(wallet_key.did), attacker_key)), "key.not_found")


# -- SEC-13 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"crit": ["x-unknown"], "x-unknown": 1},
        {"crit": ["x-unknown"]},
        {"crit": []},
        {"crit": ["alg"]},
        {"crit": "b64"},
        {"crit": ["b64"], "b64": False},
        {"b64": False},
        {"b64": True},
        {"crit": None},
    ],
    ids=[
        "unknown-present",
        "unknown-absent",
        "empty",
        "alg",
        "string-b64",
        "b64-false-crit",
        "b64-false",
        "b64-true",
        "null",
    ],
)
def test_sec13_crit_and_b64(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, extra: dict[str, Any]
) -> None:
    report = verifier.check(forge(vc_header(issuer_key, **extra), vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "jose.crit_unsupported", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_cve_2026_32597_pyjwt_unknown_crit_accepted(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """PyJWT CVE-2026-32597 (GHSA-752w-5fwx-jx9f): a ``crit`` extension the verifier does not know."""
    header = vc_header(issuer_key, crit=["exp-policy"])
    header["exp-policy"] = "never"
    assert_first(verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key)), "jose.crit_unsupported")


def test_cve_2025_59420_authlib_crit_ignored(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """Authlib CVE-2025-59420: ``crit`` names a parameter that changes verification semantics."""
    header = vc_header(issuer_key, crit=["cnf-override"])
    header["cnf-override"] = {"jwk": issuer_key.public_jwk}
    assert_first(verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key)), "jose.crit_unsupported")


def test_joserfc_102_unencoded_payload_skips_size_checks(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """authlib/joserfc#102: a ``b64:false`` (RFC 7797) token carries its payload raw."""
    header = encode_json(vc_header(issuer_key, b64=False, crit=["b64"]))
    raw_payload = json.dumps(vc_payload(wallet_key.did))
    signing_input = b64url_encode(header) + "." + raw_payload
    token = signing_input + "." + b64url_encode(issuer_key.sign(signing_input.encode()))
    report = verifier.check(token)
    assert report.status == "failed" and report.codes[0] in {"jose.crit_unsupported", "jose.malformed"}


# -- SEC-14 ----------------------------------------------------------------------------------------

_WRONG_TYP: dict[str, Any] = {
    "JWT": "JWT",
    "missing": None,
    "kb+jwt": "kb+jwt",
    "dc+sd-jwt": "dc+sd-jwt",
    "vc+sd-jwt": "vc+sd-jwt",
    "statuslist+jwt": "statuslist+jwt",
    "application/vc+jwt": "application/vc+jwt",
    "VC+JWT": "VC+JWT",
    "vc+ld+jwt": "vc+ld+jwt",
    "int": 1,
    "list": ["vc+jwt"],
}


@pytest.mark.parametrize("typ", _WRONG_TYP.values(), ids=_WRONG_TYP.keys())
def test_sec14_typ_confusion_credential(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, typ: Any
) -> None:
    header: dict[str, Any] = {"alg": "EdDSA", "kid": KEY_1}
    if typ is not None:
        header["typ"] = typ
    report = verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "jose.typ_mismatch", "MALFORMED_VALUE_ERROR")


@pytest.mark.parametrize(
    ("typ", "cty"),
    [("vc+jwt", "vp"), ("vc+jwt", "JWT"), ("vc+jwt", "json"), ("vc+jwt", "vc+jwt"), ("vp+jwt", "vc"), ("vc+jwt", 1)],
)
def test_sec14_unexpected_cty(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, typ: str, cty: Any
) -> None:
    header = {"alg": "EdDSA", "typ": typ, "kid": KEY_1, "cty": cty}
    report = verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "jose.typ_mismatch")


@pytest.mark.parametrize("declared", ["vc+jwt", "dc+sd-jwt", "vc+sd-jwt"])
def test_sec14_vp_token_where_a_credential_is_expected(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str, declared: str
) -> None:
    """A ``vp+jwt`` in a credential envelope, at the top level and inside a presentation."""
    inner_vp = forge(vp_header(wallet_key), vp_payload(wallet_key.did, [enveloped(good_vc)]), wallet_key)
    assert_first(verifier.check(enveloped(inner_vp, declared)), "jose.typ_mismatch")
    outer = forge(vp_header(wallet_key), vp_payload(wallet_key.did, [enveloped(inner_vp, declared)]), wallet_key)
    report = verifier.check(outer)
    assert_refused(report, "vp.credential_invalid")
    assert report.children == () or report.children[0].codes[0] == "jose.typ_mismatch"
    assert any(c.code == "vp.credential_invalid" and "jose.typ_mismatch" in c.detail for c in report.checks)


def test_sec14_vc_token_in_an_sd_jwt_envelope(verifier: thaivc.Verifier, good_vc: str) -> None:
    """Envelope says ``dc+sd-jwt``, content is a ``vc+jwt``: the declared type binds."""
    assert_first(verifier.check(enveloped(good_vc, "dc+sd-jwt")), "jose.typ_mismatch")


@pytest.mark.parametrize("typ", ["kb+jwt", "dc+sd-jwt", "JWT", None])
def test_sec14_typ_confusion_presentation(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str, typ: str | None
) -> None:
    header: dict[str, Any] = {"alg": "EdDSA", "kid": wallet_key.kid}
    if typ is not None:
        header["typ"] = typ
    report = verifier.check(forge(header, vp_payload(wallet_key.did, [enveloped(good_vc)]), wallet_key), challenge="c")
    assert_first(report, "jose.typ_mismatch")


# -- SEC-15 ----------------------------------------------------------------------------------------


def _json_serializations(good_vc: str, attacker_key: PrivateKey) -> dict[str, dict[str, Any]]:
    head, payload, sig = good_vc.split(".")
    attacker_head = b64url_encode(encode_json({"alg": "EdDSA", "typ": "vc+jwt", "kid": attacker_key.kid}))
    attacker_sig = b64url_encode(attacker_key.sign(f"{attacker_head}.{payload}".encode()))
    return {
        "general-two-signatures": {
            "payload": payload,
            "signatures": [
                {"protected": attacker_head, "signature": attacker_sig},
                {"protected": head, "signature": sig},
            ],
        },
        "general-one-signature": {"payload": payload, "signatures": [{"protected": head, "signature": sig}]},
        "flattened": {"payload": payload, "protected": head, "signature": sig},
        "flattened-unprotected-alg": {
            "payload": payload,
            "protected": head,
            "header": {"alg": "none"},
            "signature": sig,
        },
        "flattened-unprotected-kid": {
            "payload": payload,
            "protected": head,
            "header": {"kid": attacker_key.kid},
            "signature": sig,
        },
        "flattened-unprotected-jwk": {
            "payload": payload,
            "protected": attacker_head,
            "header": {"jwk": attacker_key.public_jwk},
            "signature": attacker_sig,
        },
        "flattened-no-protected": {"payload": payload, "header": {"alg": "EdDSA", "kid": KEY_1}, "signature": sig},
        "sd-jwt-json": {
            "payload": payload,
            "protected": head,
            "signature": sig,
            "header": {"disclosures": [], "kb_jwt": "x"},
        },
    }


@pytest.mark.parametrize(
    "name",
    [
        "general-two-signatures",
        "general-one-signature",
        "flattened",
        "flattened-unprotected-alg",
        "flattened-unprotected-kid",
        "flattened-unprotected-jwk",
        "flattened-no-protected",
        "sd-jwt-json",
    ],
)
@pytest.mark.parametrize("given_as", ["dict", "text", "bytes", "text-with-whitespace"])
def test_sec15_jws_json_serialization(
    verifier: thaivc.Verifier, good_vc: str, attacker_key: PrivateKey, name: str, given_as: str
) -> None:
    """Only compact is accepted; a JSON serialization is refused whole, whatever its signatures say."""
    value = _json_serializations(good_vc, attacker_key)[name]
    item: object = {
        "dict": value,
        "text": json.dumps(value),
        "bytes": json.dumps(value).encode(),
        "text-with-whitespace": "\n  " + json.dumps(value, indent=2),
    }[given_as]
    assert_first(verifier.check(item), "jose.serialization_not_allowed", "PARSING_ERROR")


def test_wycheproof_tc17_rejects_valid_json_serialization(verifier: thaivc.Verifier, good_vc: str) -> None:
    """Wycheproof tcId 17: a *valid* flattened JSON serialization is still refused."""
    head, payload, sig = good_vc.split(".")
    assert verifier.check(good_vc).ok
    flattened = {"protected": head, "payload": payload, "signature": sig}
    assert_first(verifier.check(json.dumps(flattened)), "jose.serialization_not_allowed")


# -- SEC-16 ----------------------------------------------------------------------------------------


def test_sec16_jwe_five_segments(verifier: thaivc.Verifier, good_vc: str) -> None:
    head = b64url_encode(b'{"alg":"RSA-OAEP","enc":"A256GCM","typ":"vc+jwt"}')
    for token in (f"{head}.AAAA.AAAA.AAAA.AAAA", f"{head}...AAAA.", good_vc + ".AAAA.AAAA"):
        assert_first(verifier.check(token), "jose.malformed", "PARSING_ERROR", case=token[:40])


@pytest.mark.parametrize(
    "extra",
    [{"enc": "A256GCM"}, {"zip": "DEF"}, {"enc": "A128CBC-HS256", "zip": "DEF"}, {"zip": "GZIP"}],
    ids=["enc", "zip", "enc-zip", "zip-other"],
)
def test_sec16_enc_or_zip_in_jws_header(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, extra: dict[str, Any]
) -> None:
    report = verifier.check(forge(vc_header(issuer_key, **extra), vc_payload(wallet_key.did), issuer_key))
    assert_first(report, "jose.malformed", "PARSING_ERROR")


def test_cve_2023_51774_json_jwt_sign_encrypt_confusion(verifier: thaivc.Verifier, issuer_key: PrivateKey) -> None:
    """nov/json-jwt#113: a JWE handed over where a JWS is expected, hoping it is decrypted as "valid"."""
    header = b64url_encode(encode_json({"alg": "dir", "enc": "A128GCM", "kid": KEY_1, "typ": "vc+jwt"}))
    jwe = f"{header}..{b64url_encode(b'iv-iv-iv-iv-')}.{b64url_encode(b'ciphertext')}.{b64url_encode(b'tag-tag-tag-tag-')}"
    assert_first(verifier.check(jwe), "jose.malformed")


def test_cve_2024_28102_jwcrypto_deflate_bomb(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, no_network: list[object]
) -> None:
    """latchset/jwcrypto#349: a ``zip: DEF`` payload that inflates ~1000:1; thaivc never inflates."""
    bomb = zlib.compress(b'{"a":"' + b"A" * 40_000_000 + b'"}', 9)[2:-4]
    assert len(bomb) < 48 * 1024
    token = forge(vc_header(issuer_key, zip="DEF"), bomb, issuer_key)
    assert_first(verifier.check(token), "jose.malformed")


def test_ghsa_cjwg_qfpm_7377_python_jose_deflate_bomb(verifier: thaivc.Verifier, issuer_key: PrivateKey) -> None:
    """mpdavis/python-jose#344: the same bomb inside a JWE compact form (five segments)."""
    bomb = zlib.compress(b"\x00" * 20_000_000, 9)
    header = b64url_encode(encode_json({"alg": "dir", "enc": "A128GCM", "zip": "DEF", "typ": "vc+jwt"}))
    jwe = f"{header}..AAAAAAAAAAAAAAAA.{b64url_encode(bomb)}.AAAAAAAAAAAAAAAAAAAAAA"
    assert_first(verifier.check(jwe), "jose.malformed")


def test_cve_2022_3102_jwcrypto_token_substitution(
    verifier: thaivc.Verifier, good_vc: str, issuer_key: PrivateKey
) -> None:
    """latchset/jwcrypto#299: a JWE substituted for the JWS the caller meant, with a valid JWS header."""
    head, payload, sig = good_vc.split(".")
    assert_first(verifier.check(f"{head}.{payload}.{sig}.{payload}.{sig}"), "jose.malformed")


# -- SEC-17 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"vc": {"type": ["VerifiableCredential"]}},
        {"vp": {"type": ["VerifiablePresentation"]}},
        {"vc": "oops", "vp": "nooo"},
    ],
    ids=["vc", "vp", "both"],
)
def test_sec17_legacy_vc_vp_claims(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, extra: dict[str, Any]
) -> None:
    token = forge(vc_header(issuer_key), vc_payload(wallet_key.did, **extra), issuer_key)
    assert_first(verifier.check(token), "vc.legacy_jwt_claims", "MALFORMED_VALUE_ERROR")


def test_sec17_legacy_vp_claim_in_presentation(verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str) -> None:
    payload = vp_payload(wallet_key.did, [enveloped(good_vc)], vp={"type": "VerifiablePresentation"})
    assert_first(verifier.check(forge(vp_header(wallet_key), payload, wallet_key)), "vc.legacy_jwt_claims")


@pytest.mark.parametrize(
    ("iss", "issuer"),
    [
        ("did:web:attacker.example", ISSUER),
        ("did:web:registrar.example.evil", ISSUER),
        ("did:web:registrar.exampl", ISSUER),
        ("DID:web:registrar.example", ISSUER),
        (ISSUER + " ", ISSUER),
        (ISSUER + "/", ISSUER),
        ("did:web:attacker.example", {"id": ISSUER, "name": "Registrar"}),
        (ISSUER + ".evil", {"id": ISSUER}),
        (1, ISSUER),
        (None, ISSUER),
    ],
)
def test_sec17_iss_differs_from_issuer(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, iss: Any, issuer: Any
) -> None:
    token = forge(vc_header(issuer_key), vc_payload(wallet_key.did, iss=iss, issuer=issuer), issuer_key)
    expected = "vc.issuer_mismatch" if isinstance(iss, str) else "claims.malformed"
    assert_first(verifier.check(token), expected, "MALFORMED_VALUE_ERROR")


def test_sec17_iss_equal_issuer_object_is_accepted(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """Exact equality with ``issuer.id`` passes, so the refusals above are the comparison's doing."""
    payload = vc_payload(wallet_key.did, iss=ISSUER, issuer={"id": ISSUER, "name": "กรมการปกครอง"})
    assert verifier.check(forge(vc_header(issuer_key), payload, issuer_key)).ok


def test_cve_2024_53861_pyjwt_partial_iss(verifier: thaivc.Verifier, wallet_key: PrivateKey) -> None:
    """jpadilla/pyjwt#1020: ``"abc" in "__abcd__"`` let a partial issuer match; here strings are equal or not."""
    rd = "https://registrar.example"
    key = thaivc.generate_key()
    payload = vc_payload(wallet_key.did, issuer=rd, iss="https://registrar.example.evil")
    token = forge({"alg": "EdDSA", "typ": "vc+jwt"}, payload, key)
    assert_first(verifier.check(token), "vc.issuer_mismatch")
    payload = vc_payload(wallet_key.did, issuer=rd, iss="registrar")
    assert_first(verifier.check(forge({"alg": "EdDSA", "typ": "vc+jwt"}, payload, key)), "vc.issuer_mismatch")


def test_sec17_vp_iss_differs_from_holder(verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str) -> None:
    payload = vp_payload(wallet_key.did, [enveloped(good_vc)], iss=wallet_key.did + "x")
    assert_first(verifier.check(forge(vp_header(wallet_key), payload, wallet_key)), "vp.holder_mismatch")


def test_group_b_never_contacts_the_network(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, no_network: list[object]
) -> None:
    """A sweep of group B headers under a socket guard: refusals are local decisions."""
    headers: list[dict[str, Any]] = [
        {"alg": "EdDSA", "typ": "vc+jwt", "jku": "https://attacker.example/jwks"},
        {"alg": "EdDSA", "typ": "vc+jwt", "x5u": "http://169.254.169.254/"},
        {"alg": "EdDSA", "typ": "vc+jwt", "kid": "https://attacker.example/keys#1"},
        {"alg": "EdDSA", "typ": "vc+jwt", "kid": "did:web:attacker.example#1"},
    ]
    for header in headers:
        assert verifier.check(forge(header, vc_payload(wallet_key.did), issuer_key)).status != "verified"
