"""Group A of docs/security.md: input hygiene (SEC-01 … SEC-06), through ``Verifier.check``.

Each test feeds hostile input to the composed verifier and asserts the exact problem code the
catalogue names; a refusal must come from the hygiene check itself (it is the *first* problem),
never from a later stage that happened to fail too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import thaivc
from thaivc.core.b64 import b64url_encode
from thaivc.keys import PrivateKey

from .conftest import (
    ISSUER,
    KEY_1,
    V2,
    MakeVerifier,
    assert_first,
    encode_json,
    forge,
    vc_header,
    vc_payload,
)

KIB = 1024
MIB = 1024 * KIB


def test_baseline_verifies(verifier: thaivc.Verifier, good_vc: str) -> None:
    """The baseline every attack below mutates is accepted: the refusals are the attacks' doing."""
    report = verifier.check(good_vc)
    assert report.status == "verified", report.to_json()


def _di_document(subject: dict[str, Any], cryptosuite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    """A credential carrying a (dummy) Data Integrity proof: the DI path must refuse it earlier."""
    return {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": subject,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": cryptosuite,
            "verificationMethod": KEY_1,
            "proofPurpose": "assertionMethod",
            "created": "2026-01-01T00:00:00Z",
            "proofValue": "z" + "1" * 64,  # well-formed: 64 zero bytes, so later checks are reached
        },
    }


def _sd_jwt(issuer_key: PrivateKey, wallet: str, disclosure: bytes) -> str:
    """An SD-JWT (``dc+sd-jwt``) whose one disclosure is ``disclosure`` (already JSON bytes)."""
    header = {"alg": issuer_key.alg, "typ": "dc+sd-jwt", "kid": issuer_key.kid}
    payload = {"iss": ISSUER, "vct": "https://registrar.example/citizen", "sub": wallet, "_sd_alg": "sha-256"}
    return forge(header, payload, issuer_key) + "~" + b64url_encode(disclosure) + "~"


# -- SEC-01 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
@pytest.mark.parametrize(
    "variant",
    [
        "compact-jws-over-64kib",
        "garbage-over-64kib",
        "sd-jwt-over-64kib",
        "vp-over-64kib",
        "header-segment-over-4kib",
        "header-garbage-over-4kib",
    ],
)
def test_sec01_oversized_input(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, variant: str, as_bytes: bool
) -> None:
    """Size caps apply before base64 or JSON decoding: undecodable junk gets the same code."""
    big = "A" * (64 * KIB)
    if variant == "compact-jws-over-64kib":
        token = forge(vc_header(issuer_key), vc_payload(wallet_key.did, padding=big), issuer_key)
    elif variant == "garbage-over-64kib":
        token = "!" * (64 * KIB + 1)  # not base64 at all: only a size check can name it
    elif variant == "sd-jwt-over-64kib":
        token = forge(vc_header(issuer_key), vc_payload(wallet_key.did), issuer_key) + "~" + big + "~"
    elif variant == "vp-over-64kib":
        header = {"alg": wallet_key.alg, "typ": "vp+jwt", "kid": wallet_key.kid}
        token = forge(header, {"@context": [V2], "type": ["VerifiablePresentation"], "x": big}, wallet_key)
    elif variant == "header-segment-over-4kib":
        token = forge(vc_header(issuer_key, x="A" * (4 * KIB)), vc_payload(wallet_key.did), issuer_key)
    else:
        token = "%" * (4 * KIB + 1) + ".eyJ9.AA"  # not base64: refused by length alone
    report = verifier.check(token.encode("ascii") if as_bytes else token)
    assert_first(report, "input.too_large", "PARSING_ERROR")


def test_sec01_oversized_disclosure(verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey) -> None:
    """A single disclosure over 16 KiB inside an SD-JWT that is itself under the 64 KiB cap."""
    disclosure = encode_json(["c2FsdA", "note", "ก" * (6 * KIB)])  # 3 UTF-8 bytes per Thai letter
    assert 16 * KIB < len(disclosure) < 40 * KIB
    report = verifier.check(_sd_jwt(issuer_key, wallet_key.did, disclosure))
    assert_first(report, "input.too_large", "PARSING_ERROR")


def test_sec01_rdfc_poisoned_dataset(verifier: thaivc.Verifier) -> None:
    """A clique of blank nodes ("dataset poisoning") must hit the RDFC work cap, not spin."""
    n = 24
    nodes = [
        {"@id": f"_:b{i}", "https://example.org/link": [{"@id": f"_:b{j}"} for j in range(n) if j != i]}
        for i in range(n)
    ]
    subject = {"https://example.org/member": nodes}
    report = verifier.check(_di_document(subject))
    assert_first(report, "di.canonicalization_limit", "PROOF_TRANSFORMATION_ERROR")


# -- SEC-02 ------------------------------------------------------------------------------------------


def test_sec02_deep_nesting(make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey) -> None:
    """``[`` × 200 000 and friends: refused as ``input.too_deep``; RecursionError never escapes."""
    roomy = make_verifier(max_bytes=MIB)  # room enough that the depth cap, not the size cap, decides
    cases: dict[str, tuple[thaivc.Verifier, object]] = {
        "payload-200000-brackets": (roomy, forge(vc_header(issuer_key), b"[" * 200_000, issuer_key)),
        "payload-object-200000-brackets": (
            roomy,
            forge(vc_header(issuer_key), b'{"a":' + b"[" * 200_000, issuer_key),
        ),
        "payload-within-default-cap": (
            make_verifier(),
            forge(vc_header(issuer_key), b'{"a":' + b"[" * 20_000 + b"]" * 20_000 + b"}", issuer_key),
        ),
        "payload-depth-65": (
            make_verifier(),
            forge(vc_header(issuer_key), b'{"a":' + b"[" * 64 + b"]" * 64 + b"}", issuer_key),
        ),
        "header-deep": (make_verifier(), forge(b'{"alg":"EdDSA","x":' + b"[" * 2000, b"{}")),
        "json-document-200000-brackets": (roomy, '{"proof":' + "[" * 200_000 + "]" * 200_000 + "}"),
        "json-document-bytes": (roomy, b'{"proof":' + b"{" * 200_000),
    }
    for name, (verifier, item) in cases.items():
        report = verifier.check(item)
        assert_first(report, "input.too_deep", "PARSING_ERROR", case=name)


def test_sec02_nesting_at_cap_is_not_refused_for_depth(make_verifier: MakeVerifier, issuer_key: PrivateKey) -> None:
    """Depth 64 is allowed: the cap is 64, so the refusal above is the cap and not a parse bug."""
    report = make_verifier().check(forge(vc_header(issuer_key), b'{"a":' + b"[" * 63 + b"]" * 63 + b"}", issuer_key))
    assert "input.too_deep" not in report.codes
    assert report.status == "failed"  # the payload is not a credential


def test_sec02_deep_disclosure(verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey) -> None:
    disclosure = b'["c2FsdA","note",' + b"[" * 5000 + b"]" * 5000 + b"]"
    report = verifier.check(_sd_jwt(issuer_key, wallet_key.did, disclosure))
    assert_first(report, "input.too_deep", "PARSING_ERROR")


def test_sec02_deep_did_document(verifier: thaivc.Verifier, wallet_key: PrivateKey) -> None:
    """A did:jwk whose "document" is ``[`` nested past the cap: refused, never a RecursionError."""
    did = "did:jwk:" + b64url_encode(b"[" * 200)
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": did + "#0"}
    report = verifier.check(forge(header, vc_payload(wallet_key.did, issuer=did), wallet_key))
    assert_first(report, "input.too_deep", "PARSING_ERROR")


# -- SEC-03 ------------------------------------------------------------------------------------------


def test_sec03_duplicate_member_names(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """``{"alg":"ES256","alg":"none"}``: Python's json would keep the last value; thaivc refuses."""
    payload = encode_json(vc_payload(wallet_key.did))
    dup_payload = payload[:-1] + b',"issuer":"did:key:z6MkAttacker"}'
    document = json.dumps(_di_document({"id": wallet_key.did, "name": "x"}))
    cases: dict[str, object] = {
        "header-alg": forge(b'{"alg":"ES256","alg":"none","typ":"vc+jwt"}', payload),
        "header-alg-reversed": forge(
            b'{"alg":"none","alg":"EdDSA","typ":"vc+jwt","kid":"' + issuer_key.kid.encode() + b'"}', payload, issuer_key
        ),
        "header-typ": forge(b'{"alg":"EdDSA","typ":"vc+jwt","typ":"vp+jwt"}', payload, issuer_key),
        "payload-issuer-signed": forge(vc_header(issuer_key), dup_payload, issuer_key),
        "payload-nested": forge(
            vc_header(issuer_key), payload[:-1] + b',"credentialSubject":{"id":"a","id":"b"}}', issuer_key
        ),
        "di-document-text": document[:-1] + ', "proof": {}}',
        "di-document-bytes": (document[:-1] + ', "issuer": "did:key:z6MkAttacker"}').encode(),
    }
    for name, item in cases.items():
        assert_first(verifier.check(item), "json.duplicate_key", "PARSING_ERROR", case=name)


def test_sec03_duplicate_in_disclosure(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    disclosure = b'["c2FsdA","address",{"province":"Bangkok","province":"Nonthaburi"}]'
    assert_first(verifier.check(_sd_jwt(issuer_key, wallet_key.did, disclosure)), "json.duplicate_key", "PARSING_ERROR")


# -- SEC-04 ------------------------------------------------------------------------------------------

_NOT_IJSON_PAYLOADS = {
    "exp-NaN": b'{"exp":NaN}',
    "exp-Infinity": b'{"exp":Infinity}',
    "exp-minus-Infinity": b'{"exp":-Infinity}',
    "float-overflow": b'{"exp":1e400}',
    "integer-over-4300-digits": b'{"exp":' + b"9" * 4301 + b"}",
    "lone-surrogate": b'{"issuer":"\\ud800"}',
    "lone-low-surrogate-key": b'{"\\udc00":1}',
    "invalid-utf8": b'{"name":"\xff\xfe"}',
    "overlong-utf8": b'{"name":"\xc0\xaf"}',
    "bom": b'\xef\xbb\xbf{"exp":1}',
}


@pytest.mark.parametrize("payload", _NOT_IJSON_PAYLOADS.values(), ids=_NOT_IJSON_PAYLOADS.keys())
def test_sec04_payload_not_ijson(verifier: thaivc.Verifier, issuer_key: PrivateKey, payload: bytes) -> None:
    """Signed by the real issuer, and still refused: a NaN ``exp`` would otherwise never expire."""
    report = verifier.check(forge(vc_header(issuer_key), payload, issuer_key))
    assert_first(report, "json.not_ijson", "PARSING_ERROR")


@pytest.mark.parametrize(
    "header",
    [b'{"alg":"EdDSA","typ":"vc+jwt","x":NaN}', b'{"alg":"EdDSA","typ":"vc+jwt","x":"\\udfff"}', b"\xef\xbb\xbf{}"],
    ids=["NaN", "lone-surrogate", "bom"],
)
def test_sec04_header_not_ijson(verifier: thaivc.Verifier, header: bytes) -> None:
    assert_first(verifier.check(forge(header, b"{}")), "json.not_ijson", "PARSING_ERROR")


@pytest.mark.parametrize(
    "document",
    [
        '\ufeff{"proof":{}}'.encode(),
        b'{"proof":{},"name":"\xff"}',
        b'{"proof":{},"n":NaN}',
        '{"proof":{},"name":"\\ud800"}',
    ],
    ids=["bom-bytes", "invalid-utf8-bytes", "NaN", "lone-surrogate"],
)
def test_sec04_json_input_not_ijson(verifier: thaivc.Verifier, document: object) -> None:
    """The same rules hold for a JSON document handed to ``check`` as bytes or text."""
    assert_first(verifier.check(document), "json.not_ijson", "PARSING_ERROR")


def test_sec04_beyond_2_53_in_jcs_signed_data(verifier: thaivc.Verifier, wallet_key: PrivateKey) -> None:
    """I-JSON integers stop at ±2^53; JCS-signed data cannot carry 2^53 + 1 faithfully."""
    doc = _di_document({"id": wallet_key.did, "serial": 2**53 + 1}, cryptosuite="eddsa-jcs-2022")
    assert_first(verifier.check(json.dumps(doc)), "json.not_ijson", "PARSING_ERROR")


# -- SEC-05 ------------------------------------------------------------------------------------------


def _noncanonical_tail(segment: str) -> str:
    """Set the unused low bits of the last base64url character (a second spelling of the same bytes)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    unused = {2: 4, 3: 2}[len(segment) % 4]
    index = alphabet.index(segment[-1])
    assert index % (1 << unused) == 0
    return segment[:-1] + alphabet[index + 1]


def _broken_structures(token: str) -> dict[str, str]:
    h, p, s = token.split(".")
    return {
        "h.p": f"{h}.{p}",
        "h.p.s.x": f"{h}.{p}.{s}.x",
        ".p.s": f".{p}.{s}",
        "h..s": f"{h}..{s}",
        "empty": "",
        "whitespace-only": " \n\t",
        "dots-only": "..",
        "padding-in-signature": f"{h}.{p}.{s}==",
        "padding-in-header": f"{h}=.{p}.{s}",
        "plus-in-signature": f"{h}.{p}.+{s[1:]}",
        "slash-in-signature": f"{h}.{p}./{s[1:]}",
        "plus-in-payload": f"{h}.+{p[1:]}.{s}",
        "space-in-payload": f"{h}.{p[:10]} {p[10:]}.{s}",
        "newline-in-signature": f"{h}.{p}.{s[:10]}\n{s[10:]}",
        "tab-in-header": f"{h[:5]}\t{h[5:]}.{p}.{s}",
        "nonzero-trailing-bits-signature": f"{h}.{p}.{_noncanonical_tail(s)}",
        "non-ascii": f"{h}.{p}.{s[:-1]}é",
    }


def test_sec05_broken_jose_structure(verifier: thaivc.Verifier, good_vc: str) -> None:
    for name, token in _broken_structures(good_vc).items():
        report = verifier.check(token)
        assert_first(report, "jose.malformed", "PARSING_ERROR", case=name)


def test_sec05_nonzero_trailing_bits_header_and_payload(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """Lengths chosen so header and payload segments both end in a partial base64 quantum."""
    for pad in range(3):
        token = forge(vc_header(issuer_key, x="x" * pad), vc_payload(wallet_key.did, y="y" * pad), issuer_key)
        assert verifier.check(token).ok
        h, p, s = token.split(".")
        if len(h) % 4:
            assert_first(verifier.check(f"{_noncanonical_tail(h)}.{p}.{s}"), "jose.malformed")
        if len(p) % 4:
            assert_first(verifier.check(f"{h}.{_noncanonical_tail(p)}.{s}"), "jose.malformed")


# -- SEC-06 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [b"[]", b'"vc"', b"1", b"null", b"true", b'[{"issuer":"x"}]'])
def test_sec06_payload_not_an_object(verifier: thaivc.Verifier, issuer_key: PrivateKey, payload: bytes) -> None:
    report = verifier.check(forge(vc_header(issuer_key), payload, issuer_key))
    assert_first(report, "json.not_object", "PARSING_ERROR")


@pytest.mark.parametrize("header", [b"[]", b'"EdDSA"', b"0", b"null"])
def test_sec06_header_not_an_object(verifier: thaivc.Verifier, header: bytes) -> None:
    assert_first(verifier.check(forge(header, b"{}")), "json.not_object", "PARSING_ERROR")


@pytest.mark.parametrize("value", [[1, 2], "[1,2]", b"[]", 42, None, 3.5, ("a",)], ids=repr)
def test_sec06_top_level_not_an_object(verifier: thaivc.Verifier, value: object) -> None:
    """A top level that is neither a token nor an object is a parsing error, whatever its Python type."""
    report = verifier.check(value)
    assert report.status == "failed" and report.document is None
    assert report.problems[0].type is not None and report.problems[0].type.endswith("PARSING_ERROR"), report.to_json()


def test_sec06_di_proof_not_a_map(verifier: thaivc.Verifier, wallet_key: PrivateKey) -> None:
    """A DI ``proof`` that is neither a map nor a list of maps is a parsing error."""
    for proof in ("z3FXQ", 7, None, ["z3FXQ"], [{"type": "DataIntegrityProof"}, "x"], True):
        doc = _di_document({"id": wallet_key.did, "name": "x"})
        doc["proof"] = proof
        report = verifier.check(doc)
        assert report.status == "failed" and report.document is None
        problem_type = report.problems[0].type
        assert problem_type is not None and problem_type.endswith("PARSING_ERROR"), (proof, report.to_json())
