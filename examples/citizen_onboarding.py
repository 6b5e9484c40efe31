"""Citizen onboarding: DOPA card + face check → ThaiCitizenCredential → wallet → verifier at IAL2.3.

Runs offline against thaivc's DOPA fake (synthetic people). The story:

1. An agency reads Somchai's ID card and asks DOPA (the fake) to check it by laser code, then
   compares a live selfie with DOPA's photo and runs a liveness check.
2. The evidence supports IAL2.3, so the agency issues a ThaiCitizenCredential to his wallet DID.
3. His wallet presents it to the Revenue Department, bound to the RD's challenge and domain.
4. The RD verifies the presentation and requires IAL2.3 with thaivc.assurance.AssurancePolicy,
   re-deriving the level from the evidence rather than trusting the claim.
5. A second citizen whose card has expired gets nothing, and is told why.
"""

from __future__ import annotations

import sys

import thaivc
from thaivc.assurance import AssurancePolicy, Evidence
from thaivc.core.clock import FixedClock
from thaivc.credentials import CardData, proof_citizen
from thaivc.registries import FakeDopa
from thaivc.thai import ThaiName

RD = "https://rd.go.th"


def main() -> int:
    clock = FixedClock.at("2026-06-01T09:00:00Z")
    dopa = FakeDopa(clock=clock)
    agency = thaivc.Issuer(thaivc.generate_key("P-256"), clock=clock)
    wallet_key = thaivc.generate_key("Ed25519")

    card = CardData(
        citizen_id="1999900001010",
        names=ThaiName(title_th="นาย", given_th="สมชาย", family_th="ใจดี", given_en="Somchai", family_en="Jaidee"),
        birth_date_be="25380812",
        laser_code="ZX0-0010000-01",
    )
    print("1. Identity proofing of นายสมชาย ใจดี (card 1999900001010) with DOPA")
    result = proof_citizen(
        card,
        dopa=dopa,
        face=dopa,
        face_image_ref="img:somchai:live",
        liveness=True,
        issuer=agency,
        subject_did=wallet_key.did,
        min_ial="2.3",
    )
    credential = result.credential
    if not result.ok or credential is None:
        print(f"   unexpected refusal: {result.problems}")
        return 1
    for item in result.evidence.items:
        print(f"   evidence: {item.type} passed={item.passed}")
    print(f"   derived assurance: IAL{result.ial}")
    print(f"2. Issued a ThaiCitizenCredential to {wallet_key.did[:32]}…")

    challenge = thaivc.new_challenge()
    presentation = thaivc.Holder(wallet_key, clock=clock).present([credential], challenge=challenge, domain=RD)
    print("3. The wallet presented it to the Revenue Department")

    verifier = thaivc.Verifier(clock=clock)
    report = verifier.check(presentation, challenge=challenge, domain=RD)
    print(f"4. Verification: {report.status}")
    if not report.ok or not report.children:
        print(f"   problems: {[p.code for p in report.problems]}")
        return 1
    credential = report.children[0].document or {}
    subject = credential["credentialSubject"]
    print(f"   schema check: {report.children[0].check('schema').status}")  # type: ignore[union-attr]
    decision = AssurancePolicy(min_ial="2.3").evaluate(
        subject["ial"], Evidence.from_vc_evidence(credential["evidence"])
    )
    print(f"   assurance policy (IAL2.3 required): {'accepted' if decision.ok else 'refused'} — {decision.detail}")
    print(f"   welcome, {subject['titleTh']}{subject['givenNameTh']} {subject['familyNameTh']}")
    if not decision.ok:
        return 1

    expired = CardData("3999900001059", ThaiName(given_th="ประเสริฐ", family_th="มั่นคง"), "25050315", "ZX0001000005")
    refused = proof_citizen(expired, dopa=dopa, issuer=agency, subject_did=thaivc.generate_key().did)
    problem = refused.problems[0]
    print(f"5. นายประเสริฐ มั่นคง: no credential ({problem.code}) — {problem.detail}")
    return 0 if refused.credential is None else 1


if __name__ == "__main__":
    sys.exit(main())
