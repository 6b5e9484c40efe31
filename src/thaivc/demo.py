"""``thaivc demo``: the end-to-end scenario on built-in sample data, told for a newcomer.

Nothing here touches the network or the disk: keys are generated in memory, the people are
synthetic, and the verifier resolves only ``did:key``.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from thaivc.b64 import b64url_decode, b64url_encode
from thaivc.challenge import new_challenge
from thaivc.holder import Holder
from thaivc.issuer import Issuer
from thaivc.keys import generate_key
from thaivc.report import VerificationReport
from thaivc.verifier import Verifier

__all__ = ["run_demo", "sample_citizen_credential"]

REVENUE_DEPARTMENT = "https://rd.go.th"


def sample_citizen_credential(subject_did: str) -> dict[str, Any]:
    """A Thai citizen credential for a synthetic person (the ID passes the check digit only)."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "name": [
            {"@value": "บัตรประจำตัวประชาชนดิจิทัล", "@language": "th"},
            {"@value": "Digital citizen card", "@language": "en"},
        ],
        "credentialSubject": {
            "id": subject_did,
            "citizenId": "1101700203451",
            "name": {"title": "นางสาว", "givenName": "สมหญิง", "familyName": "ใจดี"},
            "nameEn": {"title": "Miss", "givenName": "Somying", "familyName": "Jaidee"},
            "birthDate": "1995-08-12",
            "ial": "2.3",
        },
    }


def _say(out: TextIO, text: str = "") -> None:
    out.write(text + "\n")


def _verdict(report: VerificationReport) -> str:
    if report.ok:
        return "VERIFIED"
    first = report.problems[0] if report.problems else None
    reason = f"{first.code} — {first.detail}" if first else "no reason recorded"
    return f"{report.status.upper()} ({reason})"


def run_demo(out: TextIO | None = None) -> int:
    """Run the scenario; return 0 only if every step behaved as it should."""
    out = out or sys.stdout
    ok = True
    _say(out, "thaivc demo — a Thai citizen credential from issue to verification\n")

    _say(out, "1. The Department of Provincial Administration (DOPA) creates its signing key.")
    agency = generate_key("Ed25519")
    _say(out, f"   DOPA's identifier (a DID): {agency.did[:40]}…")
    _say(out, "2. A citizen's wallet creates her own key.")
    citizen = generate_key("P-256")
    _say(out, f"   Her identifier: {citizen.did[:40]}…\n")

    _say(out, "3. DOPA issues her a credential with her Thai name, signed as a vc+jwt token.")
    token = Issuer(agency).issue(sample_citizen_credential(citizen.did))
    _say(out, f"   {len(token)} characters, begins {token[:32]}…\n")

    verifier = Verifier()
    _say(out, "4. The Revenue Department's e-service asks for proof of identity.")
    challenge = new_challenge()
    _say(out, f"   It sends a one-time challenge: {challenge}")
    vp = Holder(citizen).present([token], challenge=challenge, domain=REVENUE_DEPARTMENT)
    _say(out, "   Her wallet answers with a presentation signed by her key, bound to that challenge.")
    report = verifier.check(vp, challenge=challenge, domain=REVENUE_DEPARTMENT)
    _say(out, f"   Verdict: {_verdict(report)}")
    for check in report.checks:
        _say(out, f"     {'✔' if check.status == 'pass' else '–' if check.status == 'skip' else '✘'} {check.name}")
    if report.ok and report.children and report.children[0].document:
        subject = report.children[0].document["credentialSubject"]["name"]
        _say(out, f"   The service may now trust: {subject['title']}{subject['givenName']} {subject['familyName']}\n")
    ok &= report.ok

    _say(out, "5. Someone alters the name inside her credential and tries again.")
    header, payload, signature = token.split(".")
    forged_payload = b64url_decode(payload).replace("สมหญิง".encode(), "สมชาย".encode())
    forged = ".".join([header, b64url_encode(forged_payload), signature])
    challenge2 = new_challenge()
    forged_vp = Holder(citizen).present([forged], challenge=challenge2, domain=REVENUE_DEPARTMENT)
    report = verifier.check(forged_vp, challenge=challenge2, domain=REVENUE_DEPARTMENT)
    _say(out, f"   Verdict: {_verdict(report)}")
    inner = report.children[0] if report.children else None
    if inner is not None:
        _say(out, f"   Inside: the credential itself is {_verdict(inner)}")
    _say(out, "   DOPA's signature covers every byte, so the change is caught.\n")
    ok &= report.status == "failed" and inner is not None and "crypto.bad_signature" in inner.codes

    _say(out, "6. An eavesdropper replays her genuine presentation from step 4.")
    report = verifier.check(vp, challenge=challenge, domain=REVENUE_DEPARTMENT)
    _say(out, f"   Verdict: {_verdict(report)}")
    _say(out, "   Each challenge is accepted once, so a copied presentation is worthless.\n")
    ok &= report.status == "failed" and "vp.challenge_mismatch" in report.codes

    _say(out, "7. The same presentation sent to a different agency's service.")
    other = Verifier()
    report = other.check(vp, challenge=challenge, domain="https://www.dbd.go.th")
    _say(out, f"   Verdict: {_verdict(report)}\n")
    ok &= report.status == "failed" and "vp.domain_mismatch" in report.codes

    _say(
        out,
        "Done: the genuine presentation was accepted; forgery, replay and misdirection were refused."
        if ok
        else "Something did not behave as expected: see the verdicts above.",
    )
    return 0 if ok else 1
