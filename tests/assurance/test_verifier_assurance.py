"""Assurance as policy (issue 15, item 9): ``check()`` enforces the minimum IAL itself.

The claimed IAL counts only as far as the credential's own evidence supports it, exactly as in
``authorize``; a credential claiming 2.3 with no evidence is ``assurance.too_low``, one with broken
evidence fails, and the rule reaches credentials nested in a presentation.
"""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.assurance import AssurancePolicy, DocumentPresentedEvidence, Evidence, ThaidLoginEvidence
from thaivc.core.errors import UsageError

CLOCK = thaivc.FixedClock.at("2026-03-01T00:00:00Z")


def _credential(subject: str, *, ial: object = "2.3", evidence: Any = None,
                types: tuple[str, ...] = ("ThaiCitizenCredential",)) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", *types],
        "credentialSubject": {"id": subject, "name": "สมหญิง ใจดี"},
    }
    if ial is not None:
        doc["credentialSubject"]["ial"] = ial
    if evidence is not None:
        doc["evidence"] = evidence
    return doc


@pytest.fixture(scope="module")
def keys() -> tuple[thaivc.PrivateKey, thaivc.PrivateKey]:
    return thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")


def _issue(keys: Any, doc: dict[str, Any], fmt: str = "vc+jwt") -> Any:
    if fmt == "di":  # JCS: the test credential's terms need no context of their own
        return thaivc.Issuer(keys[0], clock=CLOCK).issue(doc, format="di", cryptosuite="eddsa-jcs-2022")
    return thaivc.Issuer(keys[0], clock=CLOCK).issue(doc, format=fmt)


def _verifier(**kw: Any) -> thaivc.Verifier:
    return thaivc.Verifier(clock=CLOCK, assurance=AssurancePolicy(**kw))


THAID_23 = Evidence.of(ThaidLoginEvidence(ial="2.3")).to_vc_evidence()


@pytest.mark.parametrize("fmt", ["vc+jwt", "di"])
def test_a_claim_backed_by_evidence_passes(keys: Any, fmt: str) -> None:
    report = _verifier(min_ial="2.3").check(_issue(keys, _credential(keys[1].did, evidence=THAID_23), fmt))
    assert report.ok and report.check("assurance").status == "pass"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["vc+jwt", "di"])
def test_a_claim_without_evidence_is_too_low(keys: Any, fmt: str) -> None:
    """The issuer says 2.3 and shows nothing: the claim alone never meets the policy."""
    report = _verifier(min_ial="2.3").check(_issue(keys, _credential(keys[1].did), fmt))
    assert report.status == "failed" and report.codes == ["assurance.too_low"]
    assert "evidence supports" in report.problems[0].detail


def test_a_credential_that_claims_no_ial_is_too_low(keys: Any) -> None:
    report = _verifier(min_ial="1.1").check(_issue(keys, _credential(keys[1].did, ial=None)))
    assert report.codes == ["assurance.too_low"]


def test_an_inflated_claim_counts_only_as_far_as_the_evidence(keys: Any) -> None:
    ial_12 = Evidence.of(DocumentPresentedEvidence(document="thai_id_card")).to_vc_evidence()
    doc = _credential(keys[1].did, ial="3", evidence=ial_12)
    assert _verifier(min_ial="1.2").check(_issue(keys, doc)).ok
    assert _verifier(min_ial="2.3").check(_issue(keys, doc)).codes == ["assurance.too_low"]


def test_forged_evidence_fails_closed(keys: Any) -> None:
    doc = _credential(keys[1].did, evidence=[{"type": "thaid_login", "ial": "2.3", "extra": "x" * 10}])
    report = _verifier(min_ial="2.3").check(_issue(keys, doc))
    assert report.status == "failed" and report.codes == ["assurance.evidence_invalid"]


def test_per_type_levels_and_scoping(keys: Any) -> None:
    low = Evidence.of(DocumentPresentedEvidence(document="thai_id_card")).to_vc_evidence()
    alumni = _credential(keys[1].did, ial=None, types=("AlumniCredential",))
    citizen = _credential(keys[1].did, ial="1.2", evidence=low)
    scoped = _verifier(min_ial="1.1", types=frozenset({"ThaiCitizenCredential"}),
                       per_type={"ThaiCitizenCredential": "2.3"})
    assert scoped.check(_issue(keys, alumni)).ok  # not covered: skipped, not refused
    assert scoped.check(_issue(keys, alumni)).check("assurance").status == "skip"  # type: ignore[union-attr]
    assert scoped.check(_issue(keys, citizen)).codes == ["assurance.too_low"]


def test_nested_credentials_are_held_to_the_policy(keys: Any) -> None:
    verifier = _verifier(min_ial="2.3")
    token = _issue(keys, _credential(keys[1].did))
    challenge = verifier.new_challenge()
    vp = thaivc.Holder(keys[1], clock=CLOCK).present([token], challenge=challenge, domain="https://rd.go.th")
    report = verifier.check(vp, challenge=challenge, domain="https://rd.go.th")
    assert report.status == "failed" and "assurance.too_low" in report.all_codes


def test_misuse() -> None:
    with pytest.raises(UsageError):
        thaivc.Verifier(assurance="2.3")  # type: ignore[arg-type]
    with pytest.raises(thaivc.ThaiVCError):
        AssurancePolicy(min_ial="9.9")
