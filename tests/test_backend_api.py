"""The backend developer's API (issue 15, items 8 and 11).

Item 8: ``report.all_codes`` carries nested causes (``vp.credential_invalid`` *and*
``status.revoked``), and ``report.for_type`` finds the child report of a credential type.
Item 11: ``Issuer.issue_with_id`` returns the id it invented, the key revocation needs.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

import thaivc
from thaivc.status import (
    MemoryStatusCache,
    RegistryFetcher,
    SqliteStatusStore,
    StatusChecker,
    StatusRegistry,
    publish_lists,
)

CLOCK = thaivc.FixedClock.at("2026-03-01T09:00:00Z")
DOMAIN = "https://rd.go.th"


def _doc(subject: str, *types: str) -> dict[str, object]:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", *types],
            "credentialSubject": {"id": subject, "name": "สมชาย ใจดี"}}


def test_issue_with_id_invents_the_id_revocation_needs(tmp_path: Path) -> None:
    issuer = thaivc.Issuer(thaivc.generate_key("Ed25519"), clock=CLOCK)
    wallet = thaivc.generate_key("P-256")
    registry = StatusRegistry(SqliteStatusStore(tmp_path / "s.db"), base_url="https://status.example/lists",
                              issuer_id=issuer.issuer_id, clock=CLOCK)
    issued = issuer.issue_with_id(_doc(wallet.did, "ThaiCitizenCredential"), status=registry)
    assert issued.id.startswith("urn:uuid:") and uuid.UUID(issued.id.removeprefix("urn:uuid:"))
    publish_lists(registry, issuer)
    checker = StatusChecker(RegistryFetcher(registry))
    verifier = thaivc.Verifier(clock=CLOCK, status_checker=checker)
    assert verifier.check(issued.credential).ok
    assert verifier.check(issued.credential).document["id"] == issued.id  # type: ignore[index]
    registry.revoke(issued.id)  # the id from issue_with_id is the one the registry filed
    publish_lists(registry, issuer)
    checker.cache = MemoryStatusCache()

    # item 8: the presentation fails for its credential; all_codes says why
    challenge = verifier.new_challenge()
    vp = thaivc.Holder(wallet, clock=CLOCK).present([issued.credential], challenge=challenge, domain=DOMAIN)
    report = verifier.check(vp, challenge=challenge, domain=DOMAIN)
    assert report.status == "failed"
    assert "vp.credential_invalid" in report.codes and "status.revoked" not in report.codes
    assert report.all_codes[0] == report.codes[0] and "status.revoked" in report.all_codes
    assert len(report.all_codes) == len(set(report.all_codes))


def test_issue_with_id_keeps_a_given_id_and_refuses_a_bad_one() -> None:
    issuer = thaivc.Issuer(thaivc.generate_key("Ed25519"), clock=CLOCK)
    doc = {**_doc("did:example:a"), "id": "https://rd.go.th/credentials/42"}
    for fmt in ("vc+jwt", "di", "dc+sd-jwt"):
        kwargs = {"cryptosuite": "eddsa-jcs-2022"} if fmt == "di" else {}
        assert issuer.issue_with_id(doc, format=fmt, **kwargs).id == "https://rd.go.th/credentials/42"
    with pytest.raises(thaivc.UsageError):
        issuer.issue_with_id({**_doc("did:example:a"), "id": ["a", "b"]})


def test_for_type_finds_the_child_report() -> None:
    dopa, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    issuer = thaivc.Issuer(dopa, clock=CLOCK)
    citizen = issuer.issue(_doc(wallet.did, "ThaiCitizenCredential"))
    alumni = issuer.issue(_doc(wallet.did, "AlumniCredential"))
    verifier = thaivc.Verifier(clock=CLOCK)
    challenge = verifier.new_challenge()
    vp = thaivc.Holder(wallet, clock=CLOCK).present([citizen, alumni], challenge=challenge, domain=DOMAIN)
    report = verifier.check(vp, challenge=challenge, domain=DOMAIN)
    assert report.ok
    found = report.for_type("AlumniCredential")
    assert found is not None and found is report.children[1]
    assert report.for_type("VerifiablePresentation") is report
    assert report.for_type("DriverLicence") is None
