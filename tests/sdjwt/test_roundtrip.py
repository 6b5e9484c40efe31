"""Issue → present → verify with flat, array-element and nested disclosures, decoys and Thai text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from thaivc.core.b64 import b64url_decode
from thaivc.core.errors import UsageError
from thaivc.sdjwt import issue_sd_jwt, present_sd_jwt
from thaivc.sdjwt._jws import peek_compact

from .conftest import ISS, NOW, VCT, SeededRandom, TestSigner, base_claims

ALL = [
    "/given_name",
    "/family_name",
    "/birthdate",
    "/nationalities/0",
    "/nationalities/1",
    "/address",
    "/address/locality",
    "/address/postal_code",
]


def _issue(issuer: TestSigner, holder: TestSigner | None = None, **kw: Any) -> str:
    kw.setdefault("disclosable", ALL)
    return issue_sd_jwt(base_claims(), signer=issuer, holder_jwk=holder.public_jwk if holder else None, **kw)


def _decoded(disclosure: str) -> list[Any]:
    array = json.loads(b64url_decode(disclosure))
    assert isinstance(array, list)
    return array


def test_issued_form(issuer: TestSigner, holder: TestSigner) -> None:
    sd_jwt = _issue(issuer, holder)
    assert sd_jwt.endswith("~")
    jwt, *disclosures, last = sd_jwt.split("~")
    assert last == ""
    assert len(disclosures) == len(ALL)
    header, payload = peek_compact(jwt)
    assert header["typ"] == "dc+sd-jwt"
    assert payload["_sd_alg"] == "sha-256"
    assert payload["cnf"] == {"jwk": holder.public_jwk}
    for name in ("iss", "vct", "iat", "exp"):
        assert name in payload
    for name in ("given_name", "family_name", "birthdate", "address"):
        assert name not in payload
    assert payload["_sd"] == sorted(payload["_sd"])
    assert all(set(e) == {"..."} for e in payload["nationalities"])
    for d in disclosures:
        array = _decoded(d)
        assert len(b64url_decode(array[0])) == 16  # 128-bit salt
    # nested: the address disclosure carries _sd for its own disclosable members
    address = next(_decoded(d)[2] for d in disclosures if _decoded(d)[1:2] == ["address"])
    assert set(address) == {"country", "_sd"}
    assert len(address["_sd"]) == 2


def test_full_disclosure_round_trip(issuer: TestSigner, verify: Callable[..., Any]) -> None:
    sd_jwt = _issue(issuer)
    result = verify(sd_jwt)
    assert result.payload == {**base_claims()}
    assert sorted(result.disclosed) == sorted(ALL)
    assert result.header["typ"] == "dc+sd-jwt"
    assert result.kb_payload is None


def test_selective_presentation_reports_disclosed_pointers(
    issuer: TestSigner, holder: TestSigner, verify: Callable[..., Any]
) -> None:
    sd_jwt = _issue(issuer, holder)
    vp = present_sd_jwt(
        sd_jwt,
        disclose=["/given_name", "/address/locality", "/nationalities/1"],
        holder_signer=holder,
        nonce="n-0S6",
        aud="https://rd.go.th",
        iat=NOW,
    )
    result = verify(vp, require_kb=True, expected_nonce="n-0S6", expected_aud="https://rd.go.th")
    # the parent /address came along automatically; its postal_code and the other claims did not
    assert result.disclosed == ["/address", "/address/locality", "/given_name", "/nationalities/0"]
    assert result.payload["given_name"] == "สมชาย"
    assert result.payload["nationalities"] == ["JP"]  # withheld element removed: pointers index this
    assert result.payload["address"] == {"country": "TH", "locality": "กรุงเทพมหานคร"}
    for hidden in ("family_name", "birthdate"):
        assert hidden not in result.payload
    assert result.holder_jwk == holder.public_jwk
    assert result.kb_payload["nonce"] == "n-0S6"
    assert result.kb_header["typ"] == "kb+jwt"
    assert "_sd" not in json.dumps(result.payload)


def test_nothing_disclosed(issuer: TestSigner, verify: Callable[..., Any]) -> None:
    vp = present_sd_jwt(_issue(issuer), disclose=[])
    assert vp.count("~") == 1
    result = verify(vp)
    assert result.disclosed == []
    assert result.payload == {
        "iss": ISS,
        "vct": VCT,
        "iat": NOW - 3600,
        "exp": NOW + 86400 * 365,
        "nationalities": [],
    }


@pytest.mark.parametrize("decoys", [1, 5, 32])
def test_decoys_are_added_and_ignored(issuer: TestSigner, verify: Callable[..., Any], decoys: int) -> None:
    sd_jwt = _issue(issuer, decoys=decoys, rng=SeededRandom(decoys))
    _, payload = peek_compact(sd_jwt.split("~")[0])
    top_real = 4  # given_name, family_name, birthdate, address
    assert len(payload["_sd"]) >= top_real
    counts = [len(payload["_sd"]) - top_real]
    for seed in range(20):
        sd = _issue(issuer, decoys=decoys, rng=SeededRandom(seed + 100))
        counts.append(len(peek_compact(sd.split("~")[0])[1]["_sd"]) - top_real)
    assert max(counts) <= decoys
    assert max(counts) > 0
    result = verify(sd_jwt)
    assert result.payload == base_claims()


def test_seeded_issuance_is_deterministic_in_disclosures(issuer: TestSigner) -> None:
    a = _issue(issuer, rng=SeededRandom(7), decoys=3).split("~")
    b = _issue(issuer, rng=SeededRandom(7), decoys=3).split("~")
    assert a[1:] == b[1:]
    assert peek_compact(a[0])[1] == peek_compact(b[0])[1]
    c = _issue(issuer, rng=SeededRandom(8), decoys=3).split("~")
    assert a[1:] != c[1:]


@pytest.mark.parametrize("sd_alg", ["sha-256", "sha-384", "sha-512"])
def test_hash_algorithms(issuer: TestSigner, holder: TestSigner, verify: Callable[..., Any], sd_alg: str) -> None:
    sd_jwt = _issue(issuer, holder, sd_alg=sd_alg)
    vp = present_sd_jwt(sd_jwt, disclose=["/birthdate"], holder_signer=holder, nonce="n", aud="a", iat=NOW)
    result = verify(vp, require_kb=True, expected_nonce="n", expected_aud="a")
    assert result.disclosed == ["/birthdate"]
    digest_len = {"sha-256": 43, "sha-384": 64, "sha-512": 86}[sd_alg]
    assert len(result.kb_payload["sd_hash"]) == digest_len


def test_thai_text_stays_utf8_in_disclosures(issuer: TestSigner) -> None:
    sd_jwt = _issue(issuer)
    raw = [b64url_decode(d) for d in sd_jwt.split("~")[1:-1]]
    assert any("สมชาย".encode() in r for r in raw)
    assert not any(b"\\u" in r for r in raw)


def test_thai_claim_names(issuer: TestSigner, verify: Callable[..., Any]) -> None:
    claims = {"iss": ISS, "vct": VCT, "ชื่อ": "สมหญิง", "เลขบัตร": "1101700203451", "ที่อยู่": {"จังหวัด": "เชียงใหม่"}}
    sd_jwt = issue_sd_jwt(claims, disclosable=["/ชื่อ", "/ที่อยู่", "/ที่อยู่/จังหวัด"], signer=issuer)
    vp = present_sd_jwt(sd_jwt, disclose=["/ที่อยู่/จังหวัด"])
    result = verify(vp)
    assert result.disclosed == ["/ที่อยู่", "/ที่อยู่/จังหวัด"]
    assert result.payload == {"iss": ISS, "vct": VCT, "เลขบัตร": "1101700203451", "ที่อยู่": {"จังหวัด": "เชียงใหม่"}}


def test_non_nfc_claims_are_refused_not_normalised(issuer: TestSigner) -> None:
    claims = {"iss": ISS, "vct": VCT, "name": "\u0e1b\u0e48\u0e39"}  # ปู่ with tone before vowel
    with pytest.raises(UsageError):
        issue_sd_jwt(claims, disclosable=["/name"], signer=issuer)


def test_pointer_escapes(issuer: TestSigner, verify: Callable[..., Any]) -> None:
    claims = {"iss": ISS, "vct": VCT, "a/b": 1, "m~n": 2}
    sd_jwt = issue_sd_jwt(claims, disclosable=["/a~1b", "/m~0n"], signer=issuer)
    assert sorted(verify(sd_jwt).disclosed) == ["/a~1b", "/m~0n"]


@pytest.mark.parametrize(
    "pointers",
    [
        ["/iss"],
        ["/vct"],
        ["/iat"],
        ["/exp"],
        ["/status"],
        ["/nbf"],
        ["/missing"],
        ["given_name"],
        ["/nationalities/2"],
        ["/nationalities/01"],
        ["/nationalities/-"],
        ["/a~2"],
    ],
)
def test_issuance_refuses_bad_pointers(issuer: TestSigner, pointers: list[str]) -> None:
    claims = {
        **base_claims(),
        "status": {"status_list": {"idx": 1, "uri": "https://x.example/l"}},
        "nbf": NOW,
    }
    with pytest.raises(UsageError) as info:
        issue_sd_jwt(claims, disclosable=pointers, signer=issuer)
    assert info.value.code == "usage.invalid_argument"


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"x": value}
    return value


@pytest.mark.parametrize(
    ("claims", "kw"),
    [
        ({"vct": VCT}, {}),
        ({"iss": ISS}, {}),
        ({"iss": ISS, "vct": VCT, "_sd": []}, {}),
        ({"iss": ISS, "vct": VCT, "x": [{"...": "y"}]}, {}),
        ({"iss": ISS, "vct": VCT}, {"typ": "vc+sd-jwt"}),
        ({"iss": ISS, "vct": VCT}, {"sd_alg": "md5"}),
        ({"iss": ISS, "vct": VCT}, {"decoys": 33}),
        ({"iss": ISS, "vct": VCT}, {"decoys": -1}),
        ({"iss": ISS, "vct": VCT}, {"holder_jwk": {"kty": "EC", "d": "secret"}}),
        ({"iss": ISS, "vct": VCT}, {"holder_jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}}),
        ({"iss": ISS, "vct": VCT}, {"holder_jwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}}),
        ({"iss": ISS, "vct": VCT, "iat": "2024-01-01T00:00:00Z"}, {}),
        ({"iss": ISS, "vct": VCT, "exp": True}, {}),
        ({"iss": ISS, "vct": VCT, "cnf": {}}, {"holder_jwk": {"kty": "EC"}}),
        ({"iss": ISS, "vct": VCT, "when": object()}, {}),
        ({"iss": ISS, "vct": VCT, "ratio": float("nan")}, {}),
        ({"iss": ISS, "vct": VCT, "tags": {1, 2}}, {}),
        ({"iss": ISS, "vct": VCT, 7: "x"}, {}),
        ({"iss": ISS, "vct": VCT, "deep": _nested(70)}, {}),
    ],
)
def test_issuance_usage_errors(issuer: TestSigner, claims: dict[str, Any], kw: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        issue_sd_jwt(claims, disclosable=[], signer=issuer, **kw)


def test_present_unknown_pointer_is_usage_error(issuer: TestSigner) -> None:
    with pytest.raises(UsageError):
        present_sd_jwt(_issue(issuer), disclose=["/nope"])
    with pytest.raises(UsageError):
        present_sd_jwt(_issue(issuer), disclose="/given_name")


def test_present_kb_needs_cnf_and_arguments(issuer: TestSigner, holder: TestSigner) -> None:
    with pytest.raises(UsageError):
        present_sd_jwt(_issue(issuer), disclose=[], holder_signer=holder, nonce="n", aud="a", iat=NOW)
    with pytest.raises(UsageError):
        present_sd_jwt(_issue(issuer, holder), disclose=[], holder_signer=holder, nonce="n", iat=NOW)
    with pytest.raises(UsageError):
        present_sd_jwt(_issue(issuer, holder), disclose=[], nonce="n")


def test_array_of_objects_with_nested_disclosures(issuer: TestSigner, verify: Callable[..., Any]) -> None:
    claims = {
        "iss": ISS,
        "vct": VCT,
        "phones": [
            {"type": "work", "number": "+66-2-000-0000"},
            {"type": "mobile", "number": "+66-81-000-0000"},
        ],
    }
    sd_jwt = issue_sd_jwt(claims, disclosable=["/phones/0", "/phones/0/number", "/phones/1/number"], signer=issuer)
    vp = present_sd_jwt(sd_jwt, disclose=["/phones/0/type", "/phones/1/number"])
    result = verify(vp)
    assert result.payload["phones"] == [{"type": "work"}, {"type": "mobile", "number": "+66-81-000-0000"}]
    assert result.disclosed == ["/phones/0", "/phones/1/number"]
