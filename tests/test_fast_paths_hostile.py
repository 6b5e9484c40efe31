"""The SD-JWT validity memo and the Data Integrity walks change costs, never answers.

Attacker's inputs first: an SD-JWT whose ``exp`` disagrees with a ``validUntil`` the memo already
holds (from an honest credential with the same instant), an unparseable ``validUntil`` seen twice,
and Data Integrity documents with integral floats, nested ``@context``, ``null``/empty members and
oversized integers — each verified cold, warm and with every fast path off, reports compared whole.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import thaivc
from thaivc.core import fastpath
from thaivc.core.clock import FixedClock
from thaivc.di import add_proof
from thaivc.sdjwt import issue_sd_jwt

CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
RD = "https://rd.go.th"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
UNTIL, UNTIL_TS = "2026-12-31T23:59:59Z", 1798761599
FROM, FROM_TS = "2026-01-01T00:00:00Z", 1767225600


def _reports(items: list[tuple[Any, dict[str, Any]]]) -> list[dict[str, Any]]:
    verifier = thaivc.Verifier(clock=CLOCK)  # one challenge store per run: a replay is a replay in each
    return [verifier.check(item, **options).to_json() for item, options in items]


def _three_ways(items: list[tuple[Any, dict[str, Any]]]) -> list[dict[str, Any]]:
    fastpath.clear_all()
    cold = _reports(items)
    warm = _reports(items)
    with fastpath.disabled():
        slow = _reports(items)
    assert cold == warm == slow
    return slow


def _codes(report: dict[str, Any]) -> set[str]:
    return {check["code"] for check in report["checks"] if check.get("code")}


# --- SD-JWT: validFrom/validUntil against nbf/exp, memoised -------------------------------------


def _sd_presentation(agency: thaivc.PrivateKey, **claims: Any) -> tuple[str, str]:
    wallet = thaivc.generate_key("P-256")
    payload = {
        "@context": [V2],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": wallet.did, "givenName": "สมหญิง"},
        "issuer": agency.did,
        "iss": agency.did,
        "vct": "ThaiCitizenCredential",
        "iat": FROM_TS,
        "validFrom": FROM,
        "validUntil": UNTIL,
        "exp": UNTIL_TS,
        "nbf": FROM_TS,
        **claims,
    }
    sd = issue_sd_jwt(
        payload, disclosable=["/credentialSubject/givenName"], signer=agency, holder_jwk=wallet.public_jwk
    )
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=CLOCK).present([sd], challenge=challenge, domain=RD, disclose=[])
    return vp, challenge


def test_a_remembered_instant_never_hides_a_disagreeing_exp() -> None:
    agency = thaivc.generate_key("P-256")
    honest = _sd_presentation(agency)
    later_exp = _sd_presentation(agency, exp=UNTIL_TS + 86400)  # same validUntil, an exp a day later
    early_nbf = _sd_presentation(agency, nbf=FROM_TS - 86400)
    unparseable = _sd_presentation(agency, validUntil="2026-13-45T99:99:99Z", exp=UNTIL_TS)
    items = [(vp, {"challenge": c, "domain": RD}) for vp, c in (honest, later_exp, early_nbf, unparseable, honest)]
    reports = _three_ways(items)
    assert reports[0]["status"] == "verified"
    assert reports[1]["status"] == "failed" and "vc.validity_mismatch" in _codes(reports[1])
    assert reports[2]["status"] == "failed" and "vc.validity_mismatch" in _codes(reports[2])
    assert reports[3]["status"] == "failed" and "vc.datetime_invalid" in _codes(reports[3])
    assert reports[4]["status"] == "failed"  # the honest presentation again: a replayed challenge


# --- Data Integrity: the container-only walks and JCS through orjson --------------------------


@pytest.fixture(scope="module")
def issuer() -> thaivc.PrivateKey:
    return thaivc.generate_key("Ed25519")


def _signed(key: thaivc.PrivateKey, suite: str, subject: dict[str, Any]) -> dict[str, Any]:
    doc = {
        "@context": [V2, EXAMPLES],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "issuer": key.did,
        "credentialSubject": subject,
    }
    return add_proof(doc, key, suite, clock=CLOCK)  # type: ignore[no-any-return]


def _tampered(doc: dict[str, Any], **subject: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(doc))
    copy["credentialSubject"].update(subject)
    return copy


@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "eddsa-rdfc-2022"])
def test_hostile_documents_get_the_same_report_with_and_without_fast_paths(
    issuer: thaivc.PrivateKey, suite: str
) -> None:
    plain = _signed(issuer, suite, {"id": "did:example:1", "alumniOf": "จุฬาลงกรณ์มหาวิทยาลัย"})
    floats = _signed(issuer, suite, {"id": "did:example:2", "alumniOf": "x", "score": 42.0, "ratio": 0.5})
    items: list[tuple[Any, dict[str, Any]]] = [
        (plain, {}),
        (floats, {}),  # 42.0 was signed as 42: the report's document says 42
        (_tampered(plain, alumniOf="มหาวิทยาลัยอื่น"), {}),
        (_tampered(plain, extra=None), {}),  # a null member: unsigned under RDFC, a changed hash under JCS
        (_tampered(plain, extra=[]), {}),
        (_tampered(plain, nested={"@context": {"x": "https://evil.example/x"}, "x": 1}), {}),
        (_tampered(plain, big=2**60), {}),  # beyond I-JSON: JCS refuses to canonicalise it
        (_tampered(plain, text="\ud800"), {}),  # a lone surrogate
        (_tampered(floats, score=42), {}),  # the integer the float was signed as: still verifies
    ]
    reports = _three_ways(items)
    statuses = [report["status"] for report in reports]
    assert statuses[:3] == ["verified", "verified", "failed"]
    assert all(status == "failed" for status in statuses[3:8]), statuses
    assert statuses[8] == "verified"
    assert reports[1]["document"]["credentialSubject"]["score"] == 42
    assert type(reports[1]["document"]["credentialSubject"]["score"]) is int
    assert reports[1]["document"]["credentialSubject"]["ratio"] == 0.5


def test_rdfc_rows_written_from_templates_give_the_same_reports(issuer: thaivc.PrivateKey) -> None:
    # a warm shape's document and proof configuration are canonicalised from pre-serialised rows;
    # escapes, IRIs N-Quads cannot carry and changed proof values must be judged as from the terms
    subject = {"id": "did:example:3", "alumniOf": {"id": "did:example:uni", "name": 'a "b" \\ c\nd\x00'}}
    escaped = _signed(issuer, "eddsa-rdfc-2022", subject)
    spoofed = json.loads(json.dumps(escaped))
    spoofed["proof"]["created"] = "2026-01-01T00:00:01Z"
    bad_method = json.loads(json.dumps(escaped))
    bad_method["proof"]["verificationMethod"] += "{x}"
    literally = {"id": "did:example:uni", "name": 'a \\"b\\" \\\\ c\\nd\\u0000'}  # the escaped spelling
    items: list[tuple[Any, dict[str, Any]]] = [
        (escaped, {}),
        (_tampered(escaped, alumniOf=literally), {}),
        (_tampered(escaped, alumniOf={"id": "https://example.org/{x}", "name": "x"}), {}),  # not for N-Quads
        (_tampered(escaped, alumniOf={"id": "did:example:a<b", "name": "x"}), {}),
        (spoofed, {}),
        (bad_method, {}),
    ]
    reports = _three_ways(items)
    assert reports[0]["status"] == "verified"
    codes = [_codes(report) for report in reports[1:]]
    assert codes == [
        {"di.proof_invalid"},
        {"di.data_loss"},
        {"di.data_loss"},
        {"di.proof_invalid"},
        {"did.invalid"},
    ], codes


def test_an_empty_suite_registry_accepts_no_proof(issuer: thaivc.PrivateKey) -> None:
    # a verifier narrowed to no cryptosuite must not fall back to the standard five
    from thaivc.di.suites import CryptosuiteRegistry
    from thaivc.di.verify import ProofEnv, ProofExpectation, check_proof_set

    doc = _signed(issuer, "eddsa-jcs-2022", {"id": "did:example:1", "alumniOf": "x"})
    expect = ProofExpectation(purpose="assertionMethod", controller=issuer.did)
    assert check_proof_set(doc, ProofEnv(clock=CLOCK), expect).proofs[0].status == "pass"
    refused = check_proof_set(doc, ProofEnv(clock=CLOCK, suites=CryptosuiteRegistry([])), expect)
    assert refused.proofs[0].status == "fail" and refused.proofs[0].code == "di.proof_invalid"
