"""SD-JWT VC through the public roles: Issuer, Holder, Verifier."""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.core.clock import FixedClock

RD = "https://rd.go.th"


def credential(subject: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {
            "id": subject,
            "givenName": "สมหญิง",
            "familyName": "ใจดี",
            "birthDate": "1995-08-12",
            "citizenId": "1999900002032",
        },
    }


@pytest.fixture
def setup() -> tuple[FixedClock, thaivc.PrivateKey, thaivc.PrivateKey, str]:
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    agency, wallet = thaivc.generate_key("P-256"), thaivc.generate_key("P-256")
    sd = thaivc.Issuer(agency, clock=clock).issue(
        credential(wallet.did),
        format="dc+sd-jwt",
        disclosable=["/credentialSubject/birthDate", "/credentialSubject/citizenId"],
    )
    return clock, agency, wallet, sd


def test_selective_disclosure_round_trip(setup: tuple[FixedClock, thaivc.PrivateKey, thaivc.PrivateKey, str]) -> None:
    clock, agency, wallet, sd = setup
    verifier = thaivc.Verifier(clock=clock)
    challenge = thaivc.new_challenge()
    presented = thaivc.Holder(wallet, clock=clock).present(
        [sd], disclose=["/credentialSubject/birthDate"], challenge=challenge, domain=RD
    )
    report = verifier.check(presented, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.format == "dc+sd-jwt"
    assert report.details["disclosed"] == ["/credentialSubject/birthDate"]
    subject = report.document["credentialSubject"] if report.document else {}
    assert subject["birthDate"] == "1995-08-12" and "citizenId" not in subject
    assert report.document and report.document["iss"] == agency.did
    # the same presentation again: the challenge was consumed
    again = verifier.check(presented, challenge=challenge, domain=RD)
    assert again.status == "failed" and again.codes == ["vp.challenge_replayed"]


def test_key_binding_required_by_policy(setup: tuple[FixedClock, thaivc.PrivateKey, thaivc.PrivateKey, str]) -> None:
    clock, _, _, sd = setup
    report = thaivc.Verifier(clock=clock).check(sd, challenge="c", domain=RD)
    assert report.codes == ["sdjwt.kb_required"]
    report = thaivc.Verifier(clock=clock).check(sd)
    assert report.codes == ["sdjwt.kb_required"]
    relaxed = thaivc.Verifier(thaivc.Policy(require_key_binding=False), clock=clock)
    assert relaxed.check(sd).ok


def test_wrong_issuer_key_is_refused(setup: tuple[FixedClock, thaivc.PrivateKey, thaivc.PrivateKey, str]) -> None:
    clock, _, wallet, _ = setup
    impostor = thaivc.generate_key("P-256")
    forged = thaivc.Issuer(impostor, issuer_id="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", clock=clock)
    sd = forged.issue(credential(wallet.did), format="dc+sd-jwt", disclosable=[])
    report = thaivc.Verifier(thaivc.Policy(require_key_binding=False), clock=clock).check(sd)
    assert report.status == "failed" and report.codes == ["vc.issuer_key_mismatch"]


def test_sd_jwt_enveloped_in_a_presentation(
    setup: tuple[FixedClock, thaivc.PrivateKey, thaivc.PrivateKey, str],
) -> None:
    clock, _, wallet, sd = setup
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock).present([sd], challenge=challenge, domain=RD)
    report = thaivc.Verifier(clock=clock).check(vp, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.children[0].format == "dc+sd-jwt"
