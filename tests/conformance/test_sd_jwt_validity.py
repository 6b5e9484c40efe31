"""Item 9: ``validUntil``/``validFrom`` become ``exp``/``nbf`` on issue; disagreeing claims are refused."""

from __future__ import annotations

import pytest

import thaivc
from thaivc.core.clock import FixedClock
from thaivc.core.errors import UsageError
from thaivc.sdjwt import issue_sd_jwt

from .helpers import RD, clock, codes, credential, segments, verifier

UNTIL = "2026-12-31T23:59:59Z"
UNTIL_TS = 1798761599
FROM = "2026-01-01T00:00:00Z"
FROM_TS = 1767225600


def _issue(**extra: object) -> tuple[thaivc.PrivateKey, thaivc.PrivateKey, str]:
    agency, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("Ed25519")
    doc = credential(wallet.did, validFrom=FROM, validUntil=UNTIL, **extra)
    return agency, wallet, thaivc.Issuer(agency, clock=clock()).issue(doc, format="dc+sd-jwt")


def test_issue_maps_valid_until_to_exp_and_valid_from_to_nbf() -> None:
    _, _, sd = _issue()
    payload = segments(sd)[1]
    assert payload["exp"] == UNTIL_TS and payload["nbf"] == FROM_TS


def test_fractional_seconds_never_widen_the_window() -> None:
    agency = thaivc.generate_key("Ed25519")
    doc = credential(agency.did, validFrom="2026-01-01T00:00:00.5Z", validUntil="2026-12-31T23:59:59.5Z")
    payload = segments(thaivc.Issuer(agency, clock=clock()).issue(doc, format="dc+sd-jwt"))[1]
    assert payload["exp"] == UNTIL_TS and payload["nbf"] == FROM_TS + 1


def test_an_expired_credential_is_expired_by_exp_alone() -> None:
    # what any other SD-JWT VC verifier (reading only exp) now sees
    _, wallet, sd = _issue()
    later = FixedClock.at("2027-01-02T00:00:00Z")
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=later).present([sd], challenge=challenge, domain=RD, disclose=[])
    report = thaivc.Verifier(clock=later).check(vp, challenge=challenge, domain=RD)
    assert report.status == "failed" and "time.expired" in codes(report)


def test_a_conflicting_exp_is_refused_on_issue() -> None:
    agency = thaivc.generate_key("Ed25519")
    doc = credential(agency.did, validUntil=UNTIL, exp=UNTIL_TS + 86400)
    with pytest.raises(UsageError):
        thaivc.Issuer(agency, clock=clock()).issue(doc, format="dc+sd-jwt")


@pytest.mark.parametrize(
    ("claim", "value"),
    [("exp", UNTIL_TS + 86400 * 365), ("exp", UNTIL_TS - 86400), ("nbf", FROM_TS - 86400), ("exp", "1798761599")],
)
def test_a_token_whose_claims_disagree_is_refused(claim: str, value: object) -> None:
    # another issuer (or a bug) sets exp far beyond validUntil: two expiries for one credential
    agency, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("Ed25519")
    claims = {
        **credential(wallet.did, validFrom=FROM, validUntil=UNTIL),
        "issuer": agency.did, "iss": agency.did, "vct": "ThaiCitizenCredential", "iat": FROM_TS,
        "exp": UNTIL_TS, "nbf": FROM_TS,
    }
    claims[claim] = value
    if not isinstance(value, int):
        with pytest.raises(UsageError):
            issue_sd_jwt(claims, disclosable=[], signer=agency, holder_jwk=wallet.public_jwk)
        return
    sd = issue_sd_jwt(claims, disclosable=[], signer=agency, holder_jwk=wallet.public_jwk)
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    report = verifier().check(vp, challenge=challenge, domain=RD)
    assert report.status == "failed"
    assert "vc.validity_mismatch" in codes(report)


def test_agreeing_claims_pass() -> None:
    _, wallet, sd = _issue()
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    report = verifier().check(vp, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
