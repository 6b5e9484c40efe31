"""Company profile: DBD lookup → JuristicPersonCredential → verify → directors and signing rule.

Runs offline against thaivc's DBD fake (synthetic companies). The story:

1. An agency looks up บริษัท มั่งมีเทรดดิ้ง (a synthetic company) in DBD and issues a
   JuristicPersonCredential carrying its directors and its signing clause, verbatim.
2. A verifier checks the credential (signature, time, schema).
3. The verifier reads the signing clause with thaivc.authority.parse_clause and prints who may sign.
4. A struck-off company (ร้าง) is refused: an inactive entity gets no credential.
"""

from __future__ import annotations

import sys

import thaivc
from thaivc.authority import parse_clause, render_tree
from thaivc.core.clock import FixedClock
from thaivc.credentials import issue_juristic
from thaivc.registries import FakeDbd


def main() -> int:
    clock = FixedClock.at("2026-06-01T09:00:00Z")
    dbd = FakeDbd()
    agency = thaivc.Issuer(thaivc.generate_key("Ed25519"), clock=clock)

    issued = issue_juristic("0995545000021", dbd=dbd, issuer=agency)
    print(f"1. DBD profile of {issued.company.name_th} ({issued.company.juristic_id}) issued as a credential")

    report = thaivc.Verifier(clock=clock).check(issued.credential)
    print(f"2. Verification: {report.status}; checks: {', '.join(c.name for c in report.checks)}")
    if not report.ok or report.document is None:
        print(f"   problems: {[p.code for p in report.problems]}")
        return 1
    subject = report.document["credentialSubject"]
    print(f"   company: {subject['legalNameTh']} / {subject.get('legalNameEn', '-')}")
    print(f"   status: {subject['juristicStatusTh']} ({subject.get('juristicStatusEn', '?')})")
    for director in subject["directors"]:
        print(
            f"   {director['role']}: {director.get('titleTh', '')}{director['givenNameTh']} {director['familyNameTh']}"
        )
    print(f"   signing clause: {subject['signingClauseTh']}")

    names = [f"{d['givenNameTh']} {d['familyNameTh']}" for d in subject["directors"]]
    rule = parse_clause(subject["signingClauseTh"], names)
    print("3. Who may sign for the company:")
    if rule.needs_review:
        print(f"   needs human review: {rule.review_reason}")
    for line in render_tree(rule).splitlines():
        print(f"   {line}")

    try:
        issue_juristic("0995540000091", dbd=dbd, issuer=agency)
    except thaivc.ThaiVCError as err:
        print(f"4. บริษัท ร้างแล้ว จำกัด: refused ({err.code}) — {err.detail}")
        return 0
    print("4. an inactive company was issued a credential: this must not happen")
    return 1


if __name__ == "__main__":
    sys.exit(main())
