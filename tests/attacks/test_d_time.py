"""Group D of docs/security.md: claims and time (SEC-20 … SEC-23), against an injected ``FixedClock``.

Every token is genuinely signed by the registrar; only its time claims move. Boundaries are tested
to the second: now, now ± leeway and ± 1 s, with the default 300 s leeway and with none.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import thaivc
from thaivc.core.clock import DEFAULT_LEEWAY, FixedClock
from thaivc.engine.issuer import to_xsd_datetime
from thaivc.keys import PrivateKey

from .conftest import ISSUER, NOW, MakeVerifier, assert_first, forge, vc_header, vc_payload

L = DEFAULT_LEEWAY


def _token(issuer_key: PrivateKey, wallet: str, **claims: Any) -> str:
    payload = vc_payload(wallet, **claims)
    for name, value in list(payload.items()):
        if value is _DROP:
            del payload[name]
    return forge(vc_header(issuer_key), payload, issuer_key)


_DROP = object()


# -- SEC-20 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leeway", "offset", "expired"),
    [
        (L, -L - 1, True),
        (L, -L, True),  # exp ≤ now − leeway
        (L, -L + 1, False),
        (L, -1, False),
        (L, 0, False),
        (L, 1, False),
        (L, L, False),
        (0, -1, True),
        (0, 0, True),  # exp ≤ now
        (0, 1, False),
    ],
)
def test_sec20_exp_boundaries(
    make_verifier: MakeVerifier,
    issuer_key: PrivateKey,
    wallet_key: PrivateKey,
    leeway: int,
    offset: int,
    expired: bool,
) -> None:
    report = make_verifier(leeway=leeway).check(_token(issuer_key, wallet_key.did, exp=NOW + offset, iat=NOW - 3600))
    if expired:
        assert_first(report, "time.expired", "RANGE_ERROR")
        assert report.check("signature") is not None and report.check("signature").status == "pass"  # type: ignore[union-attr]
    else:
        assert report.ok, report.to_json()


@pytest.mark.parametrize("claim", ["nbf", "iat"])
@pytest.mark.parametrize(
    ("leeway", "offset", "early"),
    [
        (L, L + 1, True),  # nbf/iat > now + leeway
        (L, L, False),
        (L, L - 1, False),
        (L, 1, False),
        (L, 0, False),
        (L, -L, False),
        (L, -L - 1, False),
        (0, 1, True),
        (0, 0, False),
        (0, -1, False),
    ],
)
def test_sec20_nbf_iat_boundaries(
    make_verifier: MakeVerifier,
    issuer_key: PrivateKey,
    wallet_key: PrivateKey,
    claim: str,
    leeway: int,
    offset: int,
    early: bool,
) -> None:
    claims: dict[str, Any] = {claim: NOW + offset}
    if claim == "nbf":
        claims["iat"] = NOW - 3600
    claims["validFrom"] = to_xsd_datetime(NOW - 3600)
    report = make_verifier(leeway=leeway).check(_token(issuer_key, wallet_key.did, **claims))
    if early:
        assert_first(report, "time.not_yet_valid", "RANGE_ERROR")
    else:
        assert report.ok, report.to_json()


def test_sec20_clock_moves_past_expiry(
    make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """The same token, the clock advanced one second at a time across exp + leeway."""
    token = _token(issuer_key, wallet_key.did, exp=NOW + 60)
    clock = FixedClock(NOW + 60 + L - 1)
    assert make_verifier(clock_=clock).check(token).ok
    clock.advance(1)
    assert_first(make_verifier(clock_=clock).check(token), "time.expired")


_MALFORMED_NUMERIC_DATES: dict[str, Any] = {
    "string": "1700000000",
    "true": True,
    "false": False,
    "negative": -1,
    "negative-float": -0.5,
    "year-10000": 253402300800,
    "huge-int": 10**30,
    "null": None,
    "list": [NOW],
    "object": {"$date": NOW},
    "iso-string": "2026-06-01T00:00:00Z",
}


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
@pytest.mark.parametrize("value", _MALFORMED_NUMERIC_DATES.values(), ids=_MALFORMED_NUMERIC_DATES.keys())
def test_sec20_malformed_time_claims(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, claim: str, value: Any
) -> None:
    """Type-checked before compared: ``"1700000000" < now`` must never be evaluated."""
    report = verifier.check(_token(issuer_key, wallet_key.did, **{claim: value}))
    assert_first(report, "claims.malformed", "MALFORMED_VALUE_ERROR")


def test_sec20_exp_1e309(verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey) -> None:
    """``1e309`` overflows a double to infinity: an exp that would never pass.

    docs/security.md group D, case 20 names ``claims.malformed``; the strict JSON floor refuses the overflow earlier,
    while parsing, as ``json.not_ijson`` (A.4: not I-JSON). Refusing before any claim is read is the
    stricter of the two, so that is the code thaivc gives (docs/architecture.md).
    """
    payload = json.dumps(vc_payload(wallet_key.did)).encode()
    token = forge(vc_header(issuer_key), payload[:-1] + b', "exp": 1e309}', issuer_key)
    assert_first(verifier.check(token), "json.not_ijson", "PARSING_ERROR")


def test_sec20_largest_valid_numeric_date(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """9999-12-31T23:59:59Z is the last acceptable exp: the year-10000 refusal is the range's doing."""
    assert verifier.check(_token(issuer_key, wallet_key.did, exp=253402300799)).ok


# -- SEC-21 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(L + 1, "time.not_yet_valid"), (L, None), (0, None), (-86400, None), (86400, "time.not_yet_valid")],
)
def test_sec21_valid_from(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, offset: int, expected: str | None
) -> None:
    token = _token(issuer_key, wallet_key.did, validFrom=to_xsd_datetime(NOW + offset), iat=NOW - 3600)
    report = verifier.check(token)
    if expected:
        assert_first(report, expected, "RANGE_ERROR")
    else:
        assert report.ok, report.to_json()


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-L - 1, "time.expired"), (-86400, "time.expired"), (-L, None), (0, None), (86400, None)],
)
def test_sec21_valid_until(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, offset: int, expected: str | None
) -> None:
    token = _token(
        issuer_key,
        wallet_key.did,
        validFrom=to_xsd_datetime(NOW - 2 * 86400),
        validUntil=to_xsd_datetime(NOW + offset),
    )
    report = verifier.check(token)
    if expected:
        assert_first(report, expected, "RANGE_ERROR")
    else:
        assert report.ok, report.to_json()


def test_sec21_valid_until_before_valid_from(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    token = _token(
        issuer_key,
        wallet_key.did,
        validFrom=to_xsd_datetime(NOW - 3600),
        validUntil=to_xsd_datetime(NOW - 3601),
    )
    assert_first(verifier.check(token), "vc.validity_range", "MALFORMED_VALUE_ERROR")


def test_sec21_w3c_validuntil_validfrom_fail_vector(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, vectors: Path
) -> None:
    """vc-data-model-2.0-test-suite credential-validUntil-validFrom-fail.json, its placeholders filled."""
    doc = json.loads((vectors / "vc-data-model-2.0-test-suite/credential-validUntil-validFrom-fail.json").read_text())
    assert (doc["validFrom"], doc["validUntil"]) == ("FUTURE DATE", "PAST DATE")
    doc.update(validFrom=to_xsd_datetime(NOW + 86400), validUntil=to_xsd_datetime(NOW - 86400), issuer=ISSUER)
    assert_first(
        verifier.check(forge(vc_header(issuer_key), doc, issuer_key)), "vc.validity_range", "MALFORMED_VALUE_ERROR"
    )


# -- SEC-22 ----------------------------------------------------------------------------------------

_BAD_STAMPS = {
    "feb-30": "2024-02-30T00:00:00Z",
    "hour-24": "2026-01-01T24:00:00Z",
    "lower-z": "2026-01-01T00:00:00z",
    "lower-t": "2026-01-01t00:00:00Z",
    "thai-digits": "๒๐๒๕-๐๑-๐๑T00:00:00Z",
    "thai-digit-in-time": "2025-01-01T0๐:00:00Z",
    "arabic-indic-digits": "٢٠٢٥-01-01T00:00:00Z",
    "space-separator": "2025-01-01 00:00:00Z",
    "date-only": "2025-01-01",
    "leap-second": "2016-12-31T23:59:60Z",
    "offset-hours-only": "2025-01-01T00:00:00+07",
    "offset-out-of-range": "2025-01-01T00:00:00+15:00",
    "rfc2822": "Sun, 26 Feb 2023 01:22:14 +0000",
    "w3c-vector": "Sat 25 Feb 2023 07:16:31 PM CST",
    "number": 1735689600,
    "empty": "",
    "trailing-newline": "2025-01-01T00:00:00Z\n",
}


@pytest.mark.parametrize("field", ["validFrom", "validUntil"])
@pytest.mark.parametrize("value", _BAD_STAMPS.values(), ids=_BAD_STAMPS.keys())
def test_sec22_malformed_date_time_stamps(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, field: str, value: Any
) -> None:
    claims: dict[str, Any] = {field: value}
    if field == "validUntil":
        claims["validFrom"] = "2025-01-01T00:00:00Z"
    report = verifier.check(_token(issuer_key, wallet_key.did, **claims))
    assert_first(report, "vc.datetime_invalid", "MALFORMED_VALUE_ERROR")


def test_sec22_no_offset_is_utc_with_a_warning(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    report = verifier.check(_token(issuer_key, wallet_key.did, validFrom="2025-01-01T00:00:00"))
    assert report.ok, report.to_json()
    assert any("offset" in w or "UTC" in w for w in report.warnings), report.warnings
    # read as UTC: one second past now + leeway is still in the future, naive or not
    future = to_xsd_datetime(NOW + L + 1).rstrip("Z")
    assert_first(verifier.check(_token(issuer_key, wallet_key.did, validFrom=future)), "time.not_yet_valid")


@pytest.mark.parametrize("field", ["validFrom", "validUntil"])
@pytest.mark.parametrize("stamp", ["2568-01-01T00:00:00Z", "2569-06-01T00:00:00+07:00", "2568-01-01T00:00:00"])
def test_sec22_buddhist_era_year(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, field: str, stamp: str
) -> None:
    """2568 is 2025 CE + 543: well-formed, but past the policy's horizon (``max_year``)."""
    claims: dict[str, Any] = {field: stamp}
    if field == "validUntil":
        claims["validFrom"] = "2025-01-01T00:00:00Z"
    assert_first(verifier.check(_token(issuer_key, wallet_key.did, **claims)), "time.implausible_year", "RANGE_ERROR")


def test_sec22_max_year_is_policy(make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey) -> None:
    """``max_year`` decides: a validUntil in 2150 passes the default, not a policy capped at 2100."""
    token = _token(issuer_key, wallet_key.did, validUntil="2150-01-01T00:00:00Z")
    assert make_verifier().check(token).ok
    assert_first(make_verifier(max_year=2100).check(token), "time.implausible_year")


# -- SEC-23 ----------------------------------------------------------------------------------------


def test_sec23_exp_later_than_valid_until(
    make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """exp = now + 1 day, validUntil = now + 1 h: effective expiry is validUntil, and it binds."""
    until = NOW + 3600
    token = _token(issuer_key, wallet_key.did, exp=NOW + 86400, validUntil=to_xsd_datetime(until))
    report = make_verifier().check(token)
    assert report.ok, report.to_json()
    assert report.details["effective_expiry"] == until
    later = FixedClock(until + L + 1)  # past validUntil (+ leeway), long before exp
    assert_first(make_verifier(clock_=later).check(token), "time.expired", "RANGE_ERROR")


def test_sec23_valid_until_absent_and_exp_short(
    make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    token = _token(issuer_key, wallet_key.did, exp=NOW + 120)
    report = make_verifier().check(token)
    assert report.ok and report.details["effective_expiry"] == NOW + 120
    assert_first(make_verifier(clock_=FixedClock(NOW + 120 + L)).check(token), "time.expired")


def test_sec23_exp_earlier_than_valid_until(
    make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """The signature's lifetime ends first: exp binds even though the data is still valid."""
    token = _token(issuer_key, wallet_key.did, exp=NOW + 60, validUntil=to_xsd_datetime(NOW + 86400))
    report = make_verifier().check(token)
    assert report.ok and report.details["effective_expiry"] == NOW + 60
    assert_first(make_verifier(clock_=FixedClock(NOW + 60 + L)).check(token), "time.expired")


def test_sec23_neither_exp_nor_valid_until(verifier: thaivc.Verifier, good_vc: str) -> None:
    report = verifier.check(good_vc)
    assert report.ok and "effective_expiry" not in report.details


def test_sec23_expiry_is_reported_after_the_signature(
    make_verifier: MakeVerifier, issuer_key: PrivateKey, wallet_key: PrivateKey
) -> None:
    """An expired credential still shows a passing signature: expiry never hides a forgery, or vice versa."""
    token = _token(issuer_key, wallet_key.did, exp=NOW - 86400, iat=NOW - 2 * 86400)
    report = make_verifier().check(token)
    names = [c.name for c in report.checks]
    assert names.index("signature") < names.index("time")
    assert report.check("signature").status == "pass"  # type: ignore[union-attr]
    assert report.check("time").code == "time.expired"  # type: ignore[union-attr]
    assert {"status", "trust"} <= set(names)  # the checks after time still ran
