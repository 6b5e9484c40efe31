"""``thaivc demo``: the end-to-end scenario on built-in sample data, told for a newcomer.

Part 1 follows one citizen credential from issue to verification (forgery, replay and
misdirection refused). Part 2 is the company story: two directors of บริษัท สยามบัญชี จำกัด are
identity-proofed at IAL 2.3, sign a power of attorney for their accountant on their own devices,
and the Revenue Department's verifier allows her tax filing — and refuses a single director's
signature, an act outside the scope, an expired or revoked power of attorney and a struck-off
company, each with its reason.

Part 3 (:mod:`thaivc.demo.wallet`) delivers a citizen credential to a wallet at a DOPA counter
(OpenID4VCI, pre-authorized offer with a transaction code) and presents it to the Revenue
Department's verifier (OpenID4VP, DCQL for name and IAL only).

Nothing here touches the network: keys are generated in memory, the people and companies are
synthetic (the fake DOPA and DBD), the verifier resolves only ``did:key``/``did:jwk``, the wallet
protocols run over an in-process transport, and revocation uses a Bitstring Status List in a
SQLite store in a temporary directory. The only files written are part 3's QR codes, into the
directory the demo names (``thaivc demo --out DIR``, else a new temporary directory).
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from thaivc.authority import parse_clause, render_tree
from thaivc.authorization.authorizer import AuthorityDecision
from thaivc.authorization.scenario import DEMO_COMPANY, StatusService, World
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.report import VerificationReport
from thaivc.delegation import delegation_credential, directors_from_registry, juristic_issuer_id, sign_as_director
from thaivc.engine.challenge import new_challenge
from thaivc.engine.holder import Holder
from thaivc.engine.issuer import Issuer
from thaivc.engine.verifier import Verifier
from thaivc.keys import Signer, generate_key

__all__ = ["run_authority_story", "run_demo", "sample_citizen_credential"]

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
            "citizenId": "1999900002032",
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


def run_demo(out: TextIO | None = None, *, directory: Path | None = None) -> int:
    """Run the three parts; return 0 only if every step behaved as it should.

    ``directory`` receives part 3's QR codes (PNG and SVG); by default a new temporary directory,
    left in place so that the codes can be looked at (its path is printed).
    """
    from thaivc.demo.wallet import run_wallet_story

    out = out or sys.stdout
    ok = _identity_story(out)
    _say(out)
    ok &= run_authority_story(out)
    _say(out)
    target = directory if directory is not None else Path(tempfile.mkdtemp(prefix="thaivc-demo-qr-"))
    ok &= run_wallet_story(out, target).ok
    _say(out)
    _say(out, "All steps behaved as expected." if ok else "Some steps did not behave as expected: see above.")
    return 0 if ok else 1


def _identity_story(out: TextIO) -> bool:
    """Part 1: a citizen credential from issue to verification."""
    ok = True
    _say(out, "thaivc demo — part 1: a Thai citizen credential from issue to verification\n")

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
    ok &= report.status == "failed" and "vp.challenge_replayed" in report.codes

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
    return ok


# -- part 2: a company acts through its directors and their attorney ---------------------------

STRUCK_OFF_COMPANY = "0995540000091"


def _decision_line(out: TextIO, decision: AuthorityDecision) -> None:
    verdict = {"allowed": "ALLOWED", "refused": "REFUSED", "indeterminate": "INDETERMINATE"}[decision.outcome]
    code = f" [{decision.code}]" if decision.code else ""
    _say(out, f"   Decision: {verdict}{code}")
    _say(out, f"     th: {decision.explanation_th}")
    _say(out, f"     en: {decision.explanation_en}")


def run_authority_story(out: TextIO | None = None) -> bool:
    """Part 2: directors, a power of attorney, and the Revenue Department's decision.

    Revocation runs on the Bitstring Status List stack with a SQLite store in a temporary
    directory, removed afterwards.
    """
    out = out or sys.stdout
    with tempfile.TemporaryDirectory(prefix="thaivc-demo-") as directory:
        return _authority_story(out, Path(directory))


def _authority_story(out: TextIO, directory: Path) -> bool:
    world = World()
    status = StatusService(directory, issuer_id=juristic_issuer_id(DEMO_COMPANY), clock=world.clock)
    _say(out, "thaivc demo — part 2: acting for a company\n")
    company = world.company(DEMO_COMPANY)
    _say(out, f"1. DBD's registry: {company.name_th} ({company.juristic_id}), status “{company.status_th}”.")
    _say(out, f"   Directors: {', '.join(f'{d.title}{d.full_name_th}' for d in company.directors)}")
    _say(out, f"   Signing clause: {company.signing_clause_th}")
    rule = parse_clause(company.signing_clause_th, directors_from_registry(company.directors))
    _say(out, "   Read as a rule:")
    for line in render_tree(rule).splitlines():
        _say(out, f"     {line}")

    _say(out, "\n2. DOPA identity-proofs both directors and the accountant: card check, face match, liveness.")
    somsak, piyanuch, accountant = world.person("somsak"), world.person("piyanuch"), world.person("somying")
    for p in (somsak, piyanuch, accountant):
        _say(out, f"   {p.name_th} ({p.citizen_id}) → ThaiCitizenCredential at IAL 2.3, wallet {p.did[:28]}…")
    certificate = world.company_credential()
    _say(out, "   DBD issues the company's registration credential (JuristicPersonCredential).")

    _say(out, "\n3. The directors grant a power of attorney to the accountant: tax filing, up to 5,000,000 baht,")
    _say(out, "   for one year, no sub-delegation, company seal declared, revocable: a status service allocates")
    _say(out, "   it a slot in a Bitstring Status List (SQLite store in a temporary directory).")
    poa_id = f"urn:uuid:{uuid.uuid4()}"
    entry = status.allocate(poa_id)
    unsigned = delegation_credential(
        credential_id=poa_id,
        grantor_id=company.juristic_id, grantor_name_th=company.name_th, attorney_did=accountant.did,
        attorney_citizen_id=accountant.citizen_id, acts=["tax_filing"], max_value_thb=5_000_000,
        description_th="ยื่นแบบแสดงรายการภาษีเงินได้นิติบุคคลและภาษีหัก ณ ที่จ่ายแทนบริษัท",
        valid_from=world.iso(), valid_until=world.iso(365), company_seal=True, credential_status=entry)
    once = sign_as_director(unsigned, somsak.key, clock=world.clock)
    _say(out, f"   {somsak.name_th} signs on his phone: 1 proof.")
    poa = sign_as_director(once, piyanuch.key, clock=world.clock)
    _say(out, f"   {piyanuch.name_th} signs on hers: {len(poa['proof'])} proofs (a Data Integrity proof set).")
    attached = [certificate, somsak.credential, piyanuch.credential]

    def file_taxes(delegation: dict[str, Any], *, act: str = "tax_filing", value: int = 250_000,
                   on_behalf_of: str = DEMO_COMPANY) -> AuthorityDecision:
        challenge = new_challenge()
        vp = world.present(accountant, [accountant.credential, *attached, delegation], challenge=challenge,
                           domain=REVENUE_DEPARTMENT)
        return world.verifier(status.checker()).authorize(vp, act=act, on_behalf_of=on_behalf_of, challenge=challenge,
                                          domain=REVENUE_DEPARTMENT, value_thb=value, policy=world.policy(),
                                          dbd=world.dbd)

    def revoke_then_file() -> AuthorityDecision:
        status.revoke(poa_id)
        return file_taxes(poa)

    ok = True
    _say(out, "\n4. The accountant files the company's tax return (250,000 baht) at the Revenue Department.")
    decision = file_taxes(poa)
    _decision_line(out, decision)
    ok &= decision.allowed

    refusals: list[tuple[str, str, Callable[[], AuthorityDecision]]] = [
        ("a power of attorney signed by one director only", "delegation.quorum_not_met", lambda: file_taxes(once)),
        ("a filing outside the delegated scope (a VAT refund)", "delegation.scope_exceeded",
         lambda: file_taxes(poa, act="vat_refund")),
        ("a power of attorney that expired last month", "delegation.chain_invalid",
         lambda: file_taxes(_expired(world, unsigned, somsak.key, piyanuch.key))),
        ("the same power of attorney after the company revoked it", "delegation.chain_invalid",
         revoke_then_file),
        ("acting for a company DBD lists as struck off (ร้าง)", "authority.entity_inactive",
         lambda: file_taxes(poa, on_behalf_of=STRUCK_OFF_COMPANY)),
    ]
    for n, (what, code, attempt) in enumerate(refusals, start=5):
        _say(out, f"\n{n}. Now {what}:")
        decision = attempt()
        _decision_line(out, decision)
        ok &= decision.outcome == "refused" and decision.code == code
    _say(out)
    _say(out, "Done: the attorney was allowed; too few signers, out-of-scope acts, expired and revoked powers of"
              " attorney and a struck-off company were refused." if ok
         else "Something did not behave as expected: see the decisions above.")
    return ok


def _expired(world: World, unsigned: dict[str, Any], *keys: Signer) -> dict[str, Any]:
    doc = dict(unsigned)
    doc["validFrom"], doc["validUntil"] = world.iso(-400), world.iso(-30)
    doc["id"] = unsigned["id"] + "-old"
    for key in keys:
        doc = sign_as_director(doc, key, clock=world.clock)
    return doc
