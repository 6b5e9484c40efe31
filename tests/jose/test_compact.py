"""parse_compact / verify_compact / sign_compact: structure, header rules, round trips."""

from __future__ import annotations

import base64
import json

import pytest

from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import InputError, ThaiVCError, UsageError
from thaivc.jose import (
    ParsedJws,
    parse_compact,
    sign_compact,
    verify_compact,
)

from .conftest import CryptoSigner, make_signer
from .helpers import KID, PAYLOAD, VC_TYP, forge, header, seg

ALGS = ["EdDSA", "ES256", "ES384"]


def code_of(token: str | bytes, typ: frozenset[str] = VC_TYP, **kw: object) -> str:
    with pytest.raises(ThaiVCError) as info:
        parse_compact(token, expected_typ=typ, **kw)  # type: ignore[arg-type]
    return info.value.code


# --- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ALGS)
def test_sign_then_parse_and_verify(signers: dict[str, CryptoSigner], alg: str) -> None:
    signer = signers[alg]
    token = sign_compact({"typ": "vc+jwt", "cty": "vc"}, PAYLOAD, signer)
    parsed = parse_compact(token, expected_typ=VC_TYP)
    assert parsed.header == {"alg": alg, "kid": signer.kid, "typ": "vc+jwt", "cty": "vc"}
    assert parsed.payload == PAYLOAD
    verify_compact(parsed, signer.public())


def test_parse_accepts_bytes(signers: dict[str, CryptoSigner]) -> None:
    token = sign_compact({"typ": "vc+jwt"}, PAYLOAD, signers["EdDSA"])
    parsed = parse_compact(token.encode(), expected_typ=VC_TYP)
    assert parsed.signing_input == token.rsplit(".", 1)[0].encode()
    verify_compact(parsed, signers["EdDSA"].public())


def test_thai_text_is_signed_as_utf8_not_escaped(signers: dict[str, CryptoSigner]) -> None:
    token = sign_compact({"typ": "vc+jwt"}, PAYLOAD, signers["EdDSA"])
    parsed = parse_compact(token, expected_typ=VC_TYP)
    assert "สมชาย ใจดี".encode() in parsed.payload_bytes
    assert b"\\u0e" not in parsed.payload_bytes.lower()


def test_thai_text_is_not_normalised_before_verification(signers: dict[str, CryptoSigner]) -> None:
    # NFD-ish variant: SARA AM (U+0E33) vs NIKHAHIT + SARA AA; the signature covers the exact bytes
    payload = {**PAYLOAD, "credentialSubject": {"name": "\u0e19\u0e33"}}
    token = sign_compact({"typ": "vc+jwt"}, payload, signers["EdDSA"])
    h, _, s = token.split(".")
    variant = {**PAYLOAD, "credentialSubject": {"name": "\u0e19\u0e4d\u0e32"}}
    swapped = h + "." + seg(variant) + "." + s
    parsed = parse_compact(swapped, expected_typ=VC_TYP)
    with pytest.raises(InputError) as info:
        verify_compact(parsed, signers["EdDSA"].public())
    assert info.value.code == "crypto.bad_signature"


def test_payload_bytes_only_when_asked() -> None:
    # a payload that is not JSON is fine when the caller only wants the bytes
    odd = seg(header()) + "." + b64url_encode(b"\x00\xffbinary") + "." + b64url_encode(b"\x01" * 64)
    parsed = parse_compact(odd, expected_typ=VC_TYP, json_payload=False)
    assert parsed.payload_bytes == b"\x00\xffbinary"
    with pytest.raises(UsageError):
        _ = parsed.payload
    assert code_of(odd) == "json.not_ijson"


def test_parsed_is_frozen(signers: dict[str, CryptoSigner]) -> None:
    parsed = parse_compact(forge(header(), signer=signers["EdDSA"]), expected_typ=VC_TYP)
    assert isinstance(parsed, ParsedJws)
    with pytest.raises(AttributeError):
        parsed.signature = b""  # type: ignore[misc]


# --- structure (docs/security.md group A, case 5) ---------------------------------------------------------------

GOOD_H = seg(header())
GOOD_P = seg(PAYLOAD)
GOOD_S = b64url_encode(b"\x01" * 64)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# same bytes under a lenient decoder, but the 4 unused trailing bits are no longer zero
NONCANON_S = GOOD_S[:-1] + _ALPHABET[_ALPHABET.index(GOOD_S[-1]) + 1]


@pytest.mark.parametrize(
    "token",
    [
        "",
        f"{GOOD_H}.{GOOD_P}",
        f"{GOOD_H}.{GOOD_P}.{GOOD_S}.x",
        f"{GOOD_H}.{GOOD_P}.{GOOD_S}.{GOOD_S}.{GOOD_S}",  # 5-segment JWE shape
        f".{GOOD_P}.{GOOD_S}",
        f"{GOOD_H}..{GOOD_S}",
        "..",
        f"{GOOD_H}=.{GOOD_P}.{GOOD_S}",  # padding
        f"{GOOD_H}.{GOOD_P}.{GOOD_S}==",
        f"{GOOD_H}.{GOOD_P[:-1]}+.{GOOD_S}",  # standard alphabet
        f"{GOOD_H}.{GOOD_P}.{GOOD_S[:-2]}/A",
        f"{GOOD_H}.{GOOD_P}.{GOOD_S} ",  # whitespace
        f" {GOOD_H}.{GOOD_P}.{GOOD_S}",
        f"{GOOD_H}.{GOOD_P}.{GOOD_S}\n",
        f"{GOOD_H[:10]} {GOOD_H[10:]}.{GOOD_P}.{GOOD_S}",
        f"{GOOD_H}.{GOOD_P}.{NONCANON_S}",  # non-zero trailing bits
        f"{GOOD_H}.{GOOD_P}.A",  # impossible length
        f"{GOOD_H}.{GOOD_P}.{GOOD_S}\u0e01",  # non-ASCII
        seg({"alg": "EdDSA", "typ": "vc+jwt", "enc": "A256GCM"}) + f".{GOOD_P}.{GOOD_S}",
        seg({"alg": "EdDSA", "typ": "vc+jwt", "zip": "DEF"}) + f".{GOOD_P}.{GOOD_S}",
    ],
)
def test_broken_structure_is_malformed(token: str) -> None:
    assert code_of(token) == "jose.malformed"


def test_trailing_bits_case_is_really_noncanonical() -> None:
    # guard the fixture above: the altered signature decodes leniently to the same bytes
    assert NONCANON_S != GOOD_S
    assert base64.urlsafe_b64decode(NONCANON_S + "==") == base64.urlsafe_b64decode(GOOD_S + "==")


@pytest.mark.parametrize("payload_seg", [seg([1, 2]), seg("str"), b64url_encode(b"{bad json")])
def test_payload_must_be_a_json_object(payload_seg: str) -> None:
    assert code_of(f"{GOOD_H}.{payload_seg}.{GOOD_S}") in {"json.not_object", "json.invalid"}


def test_header_must_be_a_json_object() -> None:
    assert code_of(f"{seg(['alg'])}.{GOOD_P}.{GOOD_S}") == "json.not_object"


def test_duplicate_alg_in_header() -> None:
    dup = b64url_encode(b'{"alg":"EdDSA","alg":"none","typ":"vc+jwt"}')
    assert code_of(f"{dup}.{GOOD_P}.{GOOD_S}") == "json.duplicate_key"


@pytest.mark.parametrize(
    "token",
    [
        '{"payload":"x","signatures":[]}',
        '  {"payload":"x","protected":"e30","signature":"AA"}',
        b'{"payload":"x","header":{"alg":"EdDSA"}}',
    ],
)
def test_json_serialization_not_allowed(token: str | bytes) -> None:
    assert code_of(token) == "jose.serialization_not_allowed"


def test_empty_signature_is_bad_signature() -> None:
    assert code_of(f"{GOOD_H}.{GOOD_P}.") == "crypto.bad_signature"


# --- size caps (docs/security.md group A, case 1) ---------------------------------------------------------------


def test_oversized_token_refused_before_decoding() -> None:
    # not even valid base64: the cap must fire first
    assert code_of("!" * 70_000) == "input.too_large"
    assert code_of(b"!" * 65_537) == "input.too_large"
    assert code_of("!" * 101, max_bytes=100) == "input.too_large"


def test_oversized_header_segment() -> None:
    big = seg(header(x="a" * 5000))
    assert code_of(f"{big}.{GOOD_P}.{GOOD_S}") == "input.too_large"
    assert code_of(f"{GOOD_H}.{GOOD_P}.{GOOD_S}", max_header_bytes=10) == "input.too_large"


def test_token_at_the_cap_is_read() -> None:
    token = forge(header())
    parsed = parse_compact(token, expected_typ=VC_TYP, max_bytes=len(token))
    assert parsed.header["kid"] == KID
    assert code_of(token, max_bytes=len(token) - 1) == "input.too_large"


def test_unreadable_input_type() -> None:
    assert code_of(12345) == "input.unreadable"  # type: ignore[arg-type]


def test_expected_typ_must_not_be_empty() -> None:
    with pytest.raises(UsageError):
        parse_compact(forge(header()), expected_typ=frozenset())


# --- alg (docs/security.md group B, cases 7, 8) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "alg",
    [
        "none",
        "None",
        "NONE",
        "nOnE",
        "HS256",
        "HS384",
        "HS512",
        "RS256",
        "RS512",
        "PS256",
        "ES256K",
        "ES512",
        "eddsa",
        "EDDSA",
        "es256",
        "ed25519",  # RFC 9864's "Ed25519" is accepted (tests/conformance/test_alg_ed25519.py); its case is not
        "Ed448",
        "",
        " EdDSA",
        1,
        None,
        True,
        ["EdDSA"],
        {"name": "EdDSA"},
        ...,
    ],
)
def test_alg_not_allowed(alg: object) -> None:
    assert code_of(forge(header(alg=alg))) == "jose.alg_not_allowed"


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_with_empty_signature(alg: str) -> None:
    token = seg(header(alg=alg)) + "." + GOOD_P + "."
    assert code_of(token) == "jose.alg_not_allowed"


# --- key material in the header (B.10) -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("jwk", {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}),
        ("jku", "https://attacker.example/jwks"),
        ("jku", "http://169.254.169.254/"),
        ("x5u", "https://attacker.example/cert.pem"),
        ("x5c", ["MIIB"]),
        ("x5t", "abc"),
        ("x5t#S256", "abc"),
    ],
)
def test_untrusted_key_source(name: str, value: object) -> None:
    assert code_of(forge(header(**{name: value}))) == "jose.untrusted_key_source"


# --- crit and b64 (B.13) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"crit": ["x-unknown"], "x-unknown": 1},
        {"crit": []},
        {"crit": ["alg"]},
        {"crit": "b64"},
        {"crit": None},
        {"b64": False},
        {"b64": True},
        {"crit": ["b64"], "b64": False},
    ],
)
def test_crit_unsupported(extra: dict[str, object]) -> None:
    assert code_of(forge(header(**extra))) == "jose.crit_unsupported"


# --- kid (B.11) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kid",
    [
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:web:registrar.example#key-1",
        "did:web:registrar.example%3A8443:issuers:dbd#key-1",
        "did:jwk:eyJrdHkiOiJPS1AifQ#0",
        "did:web:example.com/path/to?service=x#frag",
        "https://example.issuer/vc-jose-cose#key-4",
        "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5#k",
    ],
)
def test_kid_accepted(kid: str) -> None:
    assert parse_compact(forge(header(kid=kid)), expected_typ=VC_TYP).header["kid"] == kid


@pytest.mark.parametrize(
    "kid",
    [
        "../../../../dev/null",
        "did:web:example.com#../../etc/passwd",
        "https://example.com/a/../b#k",
        "' OR '1'='1",
        "did:example:x#k' OR '1'='1",
        "|sleep 10",
        "did:example:x#k|sleep",
        "did:example:x#k;drop",
        'did:example:x#k"',
        "did:example:x#k\x00",
        "did:example:x#k\n",
        "did:example:x #k",
        "did:example:x#k\u200b",
        "did:example:x#\u0e01",
        "a" * 513,
        "did:example:x#" + "a" * 499,  # 513 characters
        "did:example:" + "a" * 600 + "#k",
        "did:example:x",  # no fragment
        "https://example.com/key",  # no fragment
        "key-1",
        "#key-1",
        "did:example:x#",
        "DID:example:x#k",
        "did::x#k",
        "",
        1,
        None,
        ["did:example:x#k"],
        {"id": "did:example:x#k"},
        True,
        "2aOHaQxsWVT4mLsUkdtlCnUV-au0BBR-5yPYaPaCc5k",  # thumbprint: only when allowed
    ],
)
def test_kid_invalid(kid: object) -> None:
    assert code_of(forge(header(kid=kid))) == "jose.kid_invalid"


def test_kid_4kib() -> None:
    token = forge(header(kid="did:example:x#" + "a" * 4096))
    # with the default 4 KiB header cap, the header is refused before it is decoded ...
    assert code_of(token) == "input.too_large"
    # ... and with a larger cap, the kid rule still refuses it
    assert code_of(token, max_header_bytes=16384) == "jose.kid_invalid"


def test_kid_at_length_limit() -> None:
    kid = "did:example:x#" + "a" * (512 - 14)
    assert len(kid) == 512
    assert parse_compact(forge(header(kid=kid)), expected_typ=VC_TYP).header["kid"] == kid


def test_thumbprint_kid_only_when_allowed() -> None:
    token = forge(header(kid="2aOHaQxsWVT4mLsUkdtlCnUV-au0BBR-5yPYaPaCc5k"))
    assert parse_compact(token, expected_typ=VC_TYP, allow_thumbprint_kid=True).header["kid"]
    # the option admits only the thumbprint shape, not injection strings
    assert code_of(forge(header(kid="../../dev/null")), allow_thumbprint_kid=True) == "jose.kid_invalid"
    assert code_of(forge(header(kid="a" * 42)), allow_thumbprint_kid=True) == "jose.kid_invalid"


def test_kid_is_optional() -> None:
    assert "kid" not in parse_compact(forge(header(kid=...)), expected_typ=VC_TYP).header


# --- typ / cty (B.14) ----------------------------------------------------------------------

ALL_TYPS = ["vc+jwt", "vp+jwt", "kb+jwt", "dc+sd-jwt", "vc+sd-jwt", "statuslist+jwt"]


@pytest.mark.parametrize("expected", ALL_TYPS)
@pytest.mark.parametrize(
    "actual", [*ALL_TYPS, "JWT", "jwt", "VC+JWT", "application/vc+jwt", "", 1, None, ...]
)
def test_typ_confusion(expected: str, actual: object) -> None:
    token = forge(header(typ=actual))
    if actual == expected:
        assert parse_compact(token, expected_typ=frozenset({expected})).header["typ"] == expected
    else:
        assert code_of(token, frozenset({expected})) == "jose.typ_mismatch"


@pytest.mark.parametrize(
    ("typ", "cty", "ok"),
    [
        ("vc+jwt", "vc", True),
        ("vp+jwt", "vp", True),
        ("vc+jwt", "vp", False),
        ("vp+jwt", "vc", False),
        ("vc+jwt", "JWT", False),
        ("vc+jwt", "bad+cty", False),
        ("vc+jwt", 1, False),
        ("vc+jwt", None, False),
        ("kb+jwt", "vc", False),
        ("dc+sd-jwt", "vc", False),
        ("statuslist+jwt", "vc", False),
    ],
)
def test_cty(typ: str, cty: object, ok: bool) -> None:
    token = forge(header(typ=typ, cty=cty))
    if ok:
        assert parse_compact(token, expected_typ=frozenset({typ})).header["cty"] == cty
    else:
        assert code_of(token, frozenset({typ})) == "jose.typ_mismatch"


def test_header_rule_order() -> None:
    # one header breaking every rule yields the first rule's code, then the next, and so on
    h = header(alg="HS256", jwk={}, crit=[], enc="A128GCM", kid="..", typ="JWT")
    expected = [
        ("alg", "EdDSA", "jose.untrusted_key_source"),
        ("jwk", ..., "jose.crit_unsupported"),
        ("crit", ..., "jose.malformed"),
        ("enc", ..., "jose.kid_invalid"),
        ("kid", ..., "jose.typ_mismatch"),
    ]
    assert code_of(forge(h)) == "jose.alg_not_allowed"
    for name, value, code in expected:
        h = {**h, name: value}
        h = {k: v for k, v in h.items() if v is not ...}
        assert code_of(forge(h)) == code


# --- verify_compact (B.9) --------------------------------------------------------------------


@pytest.mark.parametrize(("header_alg", "key_alg"), [(a, b) for a in ALGS for b in ALGS if a != b])
def test_alg_key_mismatch(signers: dict[str, CryptoSigner], header_alg: str, key_alg: str) -> None:
    token = forge(header(alg=header_alg), signer=signers[header_alg])
    parsed = parse_compact(token, expected_typ=VC_TYP)
    with pytest.raises(InputError) as info:
        verify_compact(parsed, signers[key_alg].public())
    assert info.value.code == "jose.alg_key_mismatch"


def test_algorithm_comes_from_the_key(signers: dict[str, CryptoSigner]) -> None:
    calls: list[bytes] = []

    class SpyKey:
        alg = "EdDSA"

        def verify(self, signature: bytes, data: bytes) -> bool:
            calls.append(data)
            return signers["EdDSA"].public().verify(signature, data)

    token = forge(header(), signer=signers["EdDSA"])
    verify_compact(parse_compact(token, expected_typ=VC_TYP), SpyKey())
    assert calls == [token.rsplit(".", 1)[0].encode()]


@pytest.mark.parametrize("alg", ["HS256", "ES512", "RS256", "none", "eddsa", None, ["EdDSA"], 1])
def test_key_with_disallowed_alg_is_refused(alg: object) -> None:
    class OddKey:
        def __init__(self) -> None:
            self.alg = alg

        def verify(self, signature: bytes, data: bytes) -> bool:
            return True

    parsed = ParsedJws(
        header={"alg": alg}, payload_json={}, payload_bytes=b"{}", signing_input=b"x", signature=b"y"
    )
    with pytest.raises(InputError) as info:
        verify_compact(parsed, OddKey())  # type: ignore[arg-type]
    assert info.value.code == "crypto.unsupported"


@pytest.mark.parametrize("behaviour", ["raise", "none", "truthy"])
def test_misbehaving_key_fails_closed(signers: dict[str, CryptoSigner], behaviour: str) -> None:
    class BadKey:
        alg = "EdDSA"

        def verify(self, signature: bytes, data: bytes) -> object:
            if behaviour == "raise":
                raise ValueError("boom")
            return None if behaviour == "none" else 1

    parsed = parse_compact(forge(header(), signer=signers["EdDSA"]), expected_typ=VC_TYP)
    with pytest.raises(InputError) as info:
        verify_compact(parsed, BadKey())  # type: ignore[arg-type]
    assert info.value.code == "crypto.bad_signature"


@pytest.mark.parametrize("alg", ALGS)
def test_wrong_key_same_alg(signers: dict[str, CryptoSigner], alg: str) -> None:
    parsed = parse_compact(forge(header(alg=alg), signer=signers[alg]), expected_typ=VC_TYP)
    with pytest.raises(InputError) as info:
        verify_compact(parsed, make_signer(alg).public())
    assert info.value.code == "crypto.bad_signature"


@pytest.mark.parametrize("alg", ALGS)
def test_payload_swap_breaks_signature(signers: dict[str, CryptoSigner], alg: str) -> None:
    token = forge(header(alg=alg), signer=signers[alg])
    h, _, s = token.split(".")
    forged = f"{h}.{seg({**PAYLOAD, 'issuer': 'did:example:evil'})}.{s}"
    with pytest.raises(InputError) as info:
        verify_compact(parse_compact(forged, expected_typ=VC_TYP), signers[alg].public())
    assert info.value.code == "crypto.bad_signature"


# --- sign_compact misuse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "hdr",
    [
        {},  # no typ
        {"typ": "vc+jwt", "alg": "ES256"},  # conflicts with the Ed25519 signer
        {"typ": "vc+jwt", "kid": "did:example:other#k"},
        {"typ": "vc+jwt", "jwk": {}},
        {"typ": "vc+jwt", "crit": ["exp"]},
        {"typ": "vc+jwt", "cty": "vp"},
    ],
)
def test_sign_refuses_bad_headers(signers: dict[str, CryptoSigner], hdr: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        sign_compact(hdr, PAYLOAD, signers["EdDSA"])


def test_sign_refuses_bad_kid_and_alg() -> None:
    with pytest.raises(UsageError):
        sign_compact({"typ": "vc+jwt"}, PAYLOAD, make_signer("EdDSA", kid="../../x"))

    class HmacSigner:
        algorithm = "HS256"
        kid = KID

        def sign(self, data: bytes) -> bytes:
            return b"x"

    with pytest.raises(UsageError):
        sign_compact({"typ": "vc+jwt"}, PAYLOAD, HmacSigner())


def test_sign_refuses_nan_in_payload(signers: dict[str, CryptoSigner]) -> None:
    # a structured refusal with a code, not the bare ValueError json.dumps raises
    with pytest.raises(ThaiVCError) as err:
        sign_compact({"typ": "vc+jwt"}, {"exp": float("nan")}, signers["EdDSA"])
    assert err.value.code == "json.not_ijson"


def test_signed_header_is_compact_json(signers: dict[str, CryptoSigner]) -> None:
    token = sign_compact({"typ": "vc+jwt"}, PAYLOAD, signers["ES256"])
    raw = base64.urlsafe_b64decode(token.split(".")[0] + "==")
    assert b" " not in raw
    assert json.loads(raw) == {"alg": "ES256", "kid": KID, "typ": "vc+jwt"}


# --- hostile JSON inside the segments (docs/security.md group A, cases 2–4) ----------------------------------


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b'{"a":' * 100 + b"1" + b"}" * 100, "input.too_deep"),
        (b'{"iss":"did:example:a","iss":"did:example:b"}', "json.duplicate_key"),
        (b'{"exp":NaN}', "json.not_ijson"),
        (b'{"exp":Infinity}', "json.not_ijson"),
        (b'{"name":"\\ud800"}', "json.not_ijson"),
        (b'\xef\xbb\xbf{"a":1}', "json.not_ijson"),
        (b'{"name":"\xff"}', "json.not_ijson"),
    ],
)
def test_hostile_payload_json(payload: bytes, code: str) -> None:
    token = f"{GOOD_H}.{b64url_encode(payload)}.{GOOD_S}"
    assert code_of(token) == code


def test_hostile_header_json() -> None:
    deep = b64url_encode(b'{"alg":"EdDSA","typ":"vc+jwt","x":' + b"[" * 100 + b"]" * 100 + b"}")
    assert code_of(f"{deep}.{GOOD_P}.{GOOD_S}") == "input.too_deep"


def test_public_names() -> None:
    import thaivc.jose as jose

    assert len(set(jose.__all__)) == len(jose.__all__)
    assert all(hasattr(jose, name) for name in jose.__all__)
    assert {name for name in dir(jose) if name.isidentifier() and not name.startswith("_")} - set(jose.__all__) <= {
        "annotations",
        "claims",
        "compact",
        "media",
        "types",
        "vc11",
    }
