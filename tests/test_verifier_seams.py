"""What the pipelines of ``thaivc.engine.verify`` ask of the verifier, as public methods (issue 10).

``Verifier.redeem_challenge`` spends a challenge once; ``Verifier.check_embedded`` reports a
credential found inside a presentation, one level deeper and without the presentation's challenge.
The pipelines call these instead of the verifier's private methods (``tests/test_architecture.py``
checks that no module reads another object's privates); here, the attacker's inputs against them.
"""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.core.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.engine.challenge import MemoryChallengeStore
from thaivc.jose.media import envelope

CLOCK = thaivc.FixedClock.at("2026-01-15T00:00:00Z")
DOMAIN = "https://rd.go.th"


@pytest.fixture(scope="module")
def world() -> dict[str, Any]:
    agency, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    issuer, holder = thaivc.Issuer(agency, clock=CLOCK), thaivc.Holder(wallet, clock=CLOCK)
    claims = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": "สมหญิง ใจดี"},
    }
    jwt = issuer.issue(claims, format="vc+jwt")
    return {"jwt": jwt, "holder": holder, "vp": holder.present([jwt], challenge="c-outer", domain=DOMAIN)}


# -- redeem_challenge ------------------------------------------------------------------------------


def test_a_challenge_is_redeemed_once_then_replayed() -> None:
    verifier = thaivc.Verifier(clock=CLOCK)
    assert verifier.redeem_challenge("c-1") == "fresh"
    assert verifier.redeem_challenge("c-1") == "replayed"


def test_an_unissued_or_oversized_challenge_is_unknown_when_issuance_is_required() -> None:
    verifier = thaivc.Verifier(thaivc.Policy(require_issued_challenge=True), clock=CLOCK)
    issued = verifier.new_challenge()
    assert verifier.redeem_challenge("c-never-issued") == "unknown"
    assert verifier.redeem_challenge("x" * 100_000) == "unknown"
    assert verifier.redeem_challenge(issued) == "fresh"
    assert verifier.redeem_challenge(issued) == "replayed"


def test_the_call_store_is_spent_not_the_verifiers() -> None:
    verifier, other = thaivc.Verifier(clock=CLOCK), MemoryChallengeStore(clock=CLOCK)
    assert verifier.redeem_challenge("c-2", other) == "fresh"
    assert verifier.redeem_challenge("c-2", other) == "replayed"
    assert verifier.redeem_challenge("c-2") == "fresh"  # the verifier's own store never saw it


class _BrokenStore:
    def consume(self, challenge: str) -> bool:
        raise OSError("the database went away")


def test_a_broken_store_is_indeterminate_never_fresh() -> None:
    verifier = thaivc.Verifier(clock=CLOCK)
    with pytest.raises(Indeterminate) as caught:
        verifier.redeem_challenge("c-3", _BrokenStore())
    assert caught.value.code == "vp.challenge_unknown"


class _UnavailableStore:
    def consume(self, challenge: str) -> bool:
        raise ThaiVCError("service.unavailable", "the database did not answer")


def test_a_store_that_names_its_outage_keeps_its_code() -> None:
    """An outage the store reports in thaivc's words stays that outage (a service answers 503 and the
    caller retries), never a "challenge unknown" that sends the operator looking at the wallet."""
    verifier = thaivc.Verifier(clock=CLOCK)
    with pytest.raises(Indeterminate) as caught:
        verifier.redeem_challenge("c-4", _UnavailableStore())
    assert caught.value.code == "service.unavailable"


def test_a_presentation_answering_through_a_broken_store_is_not_verified(world: dict[str, Any]) -> None:
    verifier = thaivc.Verifier(clock=CLOCK, challenge_store=_BrokenStore())
    report = verifier.check(world["vp"], challenge="c-outer", domain=DOMAIN)
    assert report.status == "indeterminate"
    assert report.check("challenge") is not None and report.check("challenge").code == "vp.challenge_unknown"


# -- check_embedded --------------------------------------------------------------------------------


def test_an_embedded_credential_is_verified_one_level_down(world: dict[str, Any]) -> None:
    report = thaivc.Verifier(clock=CLOCK).check_embedded(envelope(world["jwt"], "vc+jwt"), depth=0)
    assert report.ok and report.format == "vc+jwt"


def test_a_presentation_inside_a_presentation_is_refused(world: dict[str, Any]) -> None:
    verifier = thaivc.Verifier(clock=CLOCK)
    report = verifier.check_embedded(world["vp"], depth=0)
    assert report.status == "failed" and report.codes == ["jose.typ_mismatch"]
    assert verifier.redeem_challenge("c-outer") == "fresh"  # the nested one consumed nothing


def test_the_presentations_challenge_is_not_passed_on(world: dict[str, Any]) -> None:
    """An embedded credential answers no challenge, and is not refused for lacking one."""
    report = thaivc.Verifier(clock=CLOCK).check_embedded(world["jwt"], depth=0)
    assert report.ok and report.check("challenge") is None


@pytest.mark.parametrize(
    ("item", "code"),
    [
        ("", "jose.malformed"),
        (42, "input.unreadable"),
        ({"type": "EnvelopedVerifiableCredential", "id": "data:application/vp+jwt,eyJ"}, "jose.typ_mismatch"),
        ('{"a": 1, "a": 2}', "json.duplicate_key"),
        ("x" * 2_000_000, "input.too_large"),
    ],
)
def test_an_item_that_is_no_credential_is_a_failed_report_not_a_raise(item: object, code: str) -> None:
    report = thaivc.Verifier(clock=CLOCK).check_embedded(item, depth=0)
    assert report.status == "failed" and report.document is None
    assert [c.name for c in report.checks] == ["parse"] and report.codes == [code]


def test_a_forged_embedded_credential_fails(world: dict[str, Any]) -> None:
    header, payload, signature = world["jwt"].split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    report = thaivc.Verifier(clock=CLOCK).check_embedded(forged, depth=0)
    assert report.status == "failed" and report.check("signature") is not None


@pytest.mark.parametrize("depth", [-1, True, 1.0, "0", None])
def test_a_depth_that_is_no_depth_is_a_usage_error(world: dict[str, Any], depth: object) -> None:
    with pytest.raises(UsageError):
        thaivc.Verifier(clock=CLOCK).check_embedded(world["jwt"], depth=depth)  # type: ignore[arg-type]


def test_a_presentation_reports_its_forged_credential_through_check_embedded(world: dict[str, Any]) -> None:
    header, payload, signature = world["jwt"].split(".")
    vp = world["holder"].present([f"{header}.{payload}.{signature[:-4]}AAAA"], challenge="c-9", domain=DOMAIN)
    report = thaivc.Verifier(clock=CLOCK).check(vp, challenge="c-9", domain=DOMAIN)
    assert report.status == "failed" and report.codes == ["vp.credential_invalid"]
    [child] = report.children
    assert child.status == "failed" and child.check("signature") is not None
    assert child.check("signature").code == "crypto.bad_signature"
