"""JWT time claims (docs/security.md group D, case 20), VC/VP claim binding (B.17), effective expiry (D.23)."""

from __future__ import annotations

from typing import Any

import pytest

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.jose import effective_expiry, require_jwt_times, require_vc_jwt_claims
from thaivc.jose._datetime import parse_datetime_stamp

NOW = 1_750_000_000
LEEWAY = 300


def code(fn: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(ThaiVCError) as info:
        fn(*args, **kw)
    return info.value.code


# --- exp / nbf / iat types ---------------------------------------------------------------------


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize(
    "value",
    [
        "1700000000",
        True,
        False,
        None,
        [1],
        {"t": 1},
        float("inf"),
        float("-inf"),
        float("nan"),
        -1,
        -0.5,
        253402300800,
        1e309,
        10**20,
    ],
)
def test_time_claim_malformed(claim: str, value: object) -> None:
    assert code(require_jwt_times, {claim: value}, now=NOW) == "claims.malformed"


@pytest.mark.parametrize("value", [0, 0.0, 1, NOW, NOW + 0.25, 253402300799])
def test_time_claim_types_accepted(value: float) -> None:
    require_jwt_times({"iat": min(value, NOW)}, now=NOW)
    require_jwt_times({"exp": max(value, NOW + LEEWAY + 1)}, now=NOW)


def test_malformed_claim_is_reported_before_time_verdicts() -> None:
    assert code(require_jwt_times, {"exp": 1, "iat": "x"}, now=NOW) == "claims.malformed"


# --- boundaries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exp", "expired"),
    [
        (NOW - LEEWAY - 1, True),
        (NOW - LEEWAY, True),  # exp <= now - leeway
        (NOW - LEEWAY + 1, False),
        (NOW - 1, False),
        (NOW, False),
        (NOW + 1, False),
        (NOW + LEEWAY, False),
    ],
)
def test_exp_boundaries(exp: int, expired: bool) -> None:
    if expired:
        assert code(require_jwt_times, {"exp": exp}, now=NOW) == "time.expired"
    else:
        require_jwt_times({"exp": exp}, now=NOW)


@pytest.mark.parametrize("claim", ["nbf", "iat"])
@pytest.mark.parametrize(
    ("value", "future"),
    [
        (NOW - LEEWAY, False),
        (NOW - 1, False),
        (NOW, False),
        (NOW + 1, False),
        (NOW + LEEWAY - 1, False),
        (NOW + LEEWAY, False),  # not yet valid only when > now + leeway
        (NOW + LEEWAY + 1, True),
        (NOW + 10**6, True),
    ],
)
def test_nbf_iat_boundaries(claim: str, value: int, future: bool) -> None:
    if future:
        assert code(require_jwt_times, {claim: value}, now=NOW) == "time.not_yet_valid"
    else:
        require_jwt_times({claim: value}, now=NOW)


@pytest.mark.parametrize("leeway", [0, 1, 60, 300])
def test_leeway_is_honoured(leeway: int) -> None:
    require_jwt_times({"exp": NOW - leeway + 1, "nbf": NOW + leeway}, now=NOW, leeway=leeway)
    assert code(require_jwt_times, {"exp": NOW - leeway}, now=NOW, leeway=leeway) == "time.expired"
    assert code(require_jwt_times, {"nbf": NOW + leeway + 1}, now=NOW, leeway=leeway) == "time.not_yet_valid"


@pytest.mark.parametrize("leeway", [-1, 301, 3600, True, 1.5])
def test_leeway_out_of_range_is_misuse(leeway: Any) -> None:
    with pytest.raises(UsageError):
        require_jwt_times({}, now=NOW, leeway=leeway)


def test_now_must_be_finite() -> None:
    with pytest.raises(UsageError):
        require_jwt_times({}, now=float("nan"))


def test_absent_claims_pass() -> None:
    require_jwt_times({}, now=NOW)


# --- require_vc_jwt_claims -----------------------------------------------------------------------

ISSUER = "https://registrar.example"


@pytest.mark.parametrize(
    "payload",
    [
        {"issuer": ISSUER},
        {"iss": ISSUER, "issuer": ISSUER},
        {"iss": ISSUER, "issuer": {"id": ISSUER, "name": "กรมพัฒนาธุรกิจการค้า"}},
    ],
)
def test_credential_claims_ok(payload: dict[str, Any]) -> None:
    require_vc_jwt_claims(payload, kind="credential")


@pytest.mark.parametrize(
    "payload",
    [
        {"iss": "https://registrar.example.evil", "issuer": ISSUER},
        {"iss": "https://registrar.exampl", "issuer": ISSUER},
        {"iss": ISSUER + "/", "issuer": ISSUER},
        {"iss": "HTTPS://REGISTRAR.EXAMPLE", "issuer": ISSUER},
        {"iss": ISSUER, "issuer": {"id": "https://other.example"}},
        {"iss": ISSUER, "issuer": {"name": "no id"}},
        {"iss": ISSUER, "issuer": [ISSUER]},
        {"iss": ISSUER},
        {"iss": ISSUER, "issuer": None},
    ],
)
def test_issuer_mismatch(payload: dict[str, Any]) -> None:
    assert code(require_vc_jwt_claims, payload, kind="credential") == "vc.issuer_mismatch"


@pytest.mark.parametrize("kind", ["credential", "presentation"])
@pytest.mark.parametrize("claim", ["vc", "vp"])
def test_legacy_claims(kind: Any, claim: str) -> None:
    payload = {"iss": ISSUER, "issuer": ISSUER, "holder": ISSUER, claim: {"type": ["VerifiableCredential"]}}
    assert code(require_vc_jwt_claims, payload, kind=kind) == "vc.legacy_jwt_claims"


@pytest.mark.parametrize("iss", [1, None, ["x"], {"id": ISSUER}])
def test_iss_must_be_a_string(iss: object) -> None:
    assert code(require_vc_jwt_claims, {"iss": iss, "issuer": ISSUER}, kind="credential") == "claims.malformed"


HOLDER = "did:example:holder"


@pytest.mark.parametrize(
    ("payload", "ok"),
    [
        ({"holder": HOLDER}, True),
        ({"iss": HOLDER, "holder": HOLDER}, True),
        ({"iss": HOLDER, "holder": {"id": HOLDER}}, True),
        ({"iss": HOLDER + "x", "holder": HOLDER}, False),
        ({"iss": HOLDER, "holder": {"id": "did:example:other"}}, False),
        ({"iss": HOLDER}, False),
        ({"iss": HOLDER, "issuer": HOLDER}, False),  # issuer is not the VP's binding claim
    ],
)
def test_presentation_holder(payload: dict[str, Any], ok: bool) -> None:
    if ok:
        require_vc_jwt_claims(payload, kind="presentation")
    else:
        assert code(require_vc_jwt_claims, payload, kind="presentation") == "vp.holder_mismatch"


def test_kind_is_checked() -> None:
    with pytest.raises(UsageError):
        require_vc_jwt_claims({}, kind="thing")  # type: ignore[arg-type]


# --- effective_expiry --------------------------------------------------------------------------

T_2025 = 1735689600  # 2025-01-01T00:00:00Z


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({}, None),
        ({"exp": T_2025}, T_2025),
        ({"validUntil": "2025-01-01T00:00:00Z"}, T_2025),
        ({"exp": T_2025 + 10, "validUntil": "2025-01-01T00:00:00Z"}, T_2025),  # exp > validUntil
        ({"exp": T_2025 - 10, "validUntil": "2025-01-01T00:00:00Z"}, T_2025 - 10),  # short exp
        ({"validUntil": "2025-01-01T07:00:00+07:00"}, T_2025),
        ({"validUntil": "2024-12-31T19:00:00-05:00"}, T_2025),
        ({"validUntil": "2025-01-01T00:00:00.5Z"}, T_2025 + 0.5),
    ],
)
def test_effective_expiry(payload: dict[str, Any], expected: float | None) -> None:
    assert effective_expiry(payload) == expected


def test_effective_expiry_feeds_time_check() -> None:
    payload = {"exp": T_2025 + 86400, "validUntil": "2025-01-01T00:00:00Z"}
    expiry = effective_expiry(payload)
    assert expiry is not None
    require_jwt_times(payload, now=T_2025 + 3600)  # exp alone still fine ...
    assert expiry <= T_2025 + 3600 - LEEWAY  # ... but validUntil has passed


def test_effective_expiry_refuses_bad_exp() -> None:
    assert code(effective_expiry, {"exp": "1735689600"}) == "claims.malformed"


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-30T00:00:00Z",
        "2025-01-01T24:00:00Z",
        "2025-01-01T00:00:60Z",
        "2025-13-01T00:00:00Z",
        "2025-01-01T00:00:00z",
        "2025-01-01t00:00:00Z",
        "2025-01-01 00:00:00Z",
        "2025-01-01T00:00:00",  # no offset: not a dateTimeStamp
        "2025-01-01",
        "๒๐๒๕-01-01T00:00:00Z",  # Thai digits
        "2025-01-01T00:00:00+15:00",
        "2025-01-01T00:00:00+14:30",
        "2025-01-01T00:00:00+07:60",
        "2025-01-01T00:00:00+0700",
        "0000-01-01T00:00:00Z",
        "+2025-01-01T00:00:00Z",
        " 2025-01-01T00:00:00Z",
        "2025-01-01T00:00:00Z ",
        "2025-01-01T00:00:00.Z",
        "",
        1735689600,
        None,
    ],
)
def test_valid_until_malformed(value: object) -> None:
    assert code(effective_expiry, {"validUntil": value}) == "vc.datetime_invalid"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2024-02-29T00:00:00Z", 1709164800.0),
        ("2025-01-01T00:00:00+14:00", T_2025 - 14 * 3600),
        ("2025-01-01T00:00:00-00:00", T_2025),
        ("9999-12-31T23:59:59Z", 253402300799.0),
    ],
)
def test_datetime_stamp_values(value: str, expected: float) -> None:
    assert parse_datetime_stamp(value) == expected


def test_datetime_stamp_range_edges() -> None:
    # the first and last instants datetime can hold, pushed further by the extreme offsets
    assert parse_datetime_stamp("0001-01-01T00:00:00+14:00") == -62135596800.0 - 14 * 3600
    assert parse_datetime_stamp("9999-12-31T23:59:59-14:00") == 253402300799.0 + 14 * 3600
