"""Items 2 and 3: an ``Enveloped*`` wrapper is itself a valid VCDM 2.0 object, and
``EnvelopedVerifiablePresentation`` is verified at top level and inside VC-API request bodies."""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.jose import envelope, sign_compact

from .helpers import RD, V2, clock, codes, credential, verifier


@pytest.fixture
def token() -> str:
    agency = thaivc.generate_key("Ed25519")
    return str(thaivc.Issuer(agency, clock=clock()).issue(credential(agency.did)))


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"@context": []}, "vc.context_invalid"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, "vc.context_invalid"),
        ({"@context": ["https://ctx.attacker.example/v1", V2]}, "vc.context_invalid"),
        ({"@context": None}, "vc.context_invalid"),
        ({"@context": ...}, "vc.context_invalid"),
        ({"type": ...}, "di.proof_missing"),  # no envelope type: an unsigned document
        ({"type": "VerifiableCredential"}, "di.proof_missing"),
        ({"type": "EnvelopedVerifiablePresentation"}, "jose.typ_mismatch"),
        ({"id": "https://example.com/vc"}, "jose.malformed"),
    ],
)
def test_a_malformed_envelope_is_refused(token: str, change: dict[str, Any], code: str) -> None:
    wrapped = envelope(token, "vc+jwt")
    for name, value in change.items():
        if value is ...:
            wrapped.pop(name)
        else:
            wrapped[name] = value
    report = verifier().check(wrapped)
    assert report.status == "failed"
    assert code in codes(report), report.to_json()


def test_a_well_formed_envelope_verifies(token: str) -> None:
    assert verifier().check(envelope(token, "vc+jwt")).ok
    as_list = {**envelope(token, "vc+jwt"), "@context": [V2]}
    assert verifier().check(as_list).ok


def _vp() -> tuple[str, str]:
    wallet = thaivc.generate_key("P-256")
    agency = thaivc.generate_key("Ed25519")
    token = thaivc.Issuer(agency, clock=clock()).issue(credential(wallet.did))
    challenge = thaivc.new_challenge()
    return thaivc.Holder(wallet, clock=clock()).present([token], challenge=challenge, domain=RD), challenge


def test_an_enveloped_presentation_verifies_at_top_level() -> None:
    vp, challenge = _vp()
    report = verifier().check(envelope(vp, "vp+jwt"), challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.format == "vp+jwt"


def test_an_enveloped_presentation_is_still_bound_to_its_challenge() -> None:
    vp, challenge = _vp()
    v = verifier()
    assert v.check(envelope(vp, "vp+jwt"), challenge=challenge, domain=RD).ok
    replay = v.check(envelope(vp, "vp+jwt"), challenge=challenge, domain=RD)
    assert replay.status == "failed" and "vp.challenge_replayed" in codes(replay)
    other = verifier().check(envelope(vp, "vp+jwt"), challenge=thaivc.new_challenge(), domain=RD)
    assert "vp.challenge_mismatch" in codes(other)


def test_a_credential_in_a_presentation_envelope_is_a_type_confusion(token: str) -> None:
    wrapped = {"@context": V2, "type": "EnvelopedVerifiablePresentation", "id": f"data:application/vp+jwt,{token}"}
    report = verifier().check(wrapped)
    assert report.status == "failed" and "jose.typ_mismatch" in codes(report)


def test_a_presentation_in_a_credential_envelope_is_refused() -> None:
    vp, challenge = _vp()
    wrapped = {"@context": V2, "type": "EnvelopedVerifiableCredential", "id": f"data:application/vp+jwt,{vp}"}
    report = verifier().check(wrapped, challenge=challenge, domain=RD)
    assert report.status == "failed" and "jose.typ_mismatch" in codes(report)


def test_an_enveloped_presentation_inside_a_presentation_is_refused() -> None:
    vp, _ = _vp()
    wallet = thaivc.generate_key("Ed25519")
    challenge = thaivc.new_challenge()
    payload = {
        "@context": [V2], "type": ["VerifiablePresentation"], "holder": wallet.did,
        "verifiableCredential": [envelope(vp, "vp+jwt")], "nonce": challenge, "aud": RD, "iat": 1780272000,
    }
    outer = sign_compact({"typ": "vp+jwt"}, payload, wallet)
    report = verifier().check(outer, challenge=challenge, domain=RD)
    assert report.status == "failed"
    assert codes(report) & {"vc.type_invalid", "vp.credential_invalid"}, report.to_json()


def test_vc_api_bodies_are_unwrapped() -> None:
    vp, challenge = _vp()
    body = {"verifiablePresentation": envelope(vp, "vp+jwt"), "options": {"challenge": challenge, "domain": RD}}
    assert verifier().check(body, challenge=challenge, domain=RD).ok
    agency = thaivc.generate_key("Ed25519")
    token = thaivc.Issuer(agency, clock=clock()).issue(credential(agency.did))
    assert verifier().check({"verifiableCredential": envelope(token, "vc+jwt"), "options": {}}).ok


def test_a_vc_api_body_cannot_choose_the_challenge() -> None:
    vp, challenge = _vp()
    body = {"verifiablePresentation": envelope(vp, "vp+jwt"), "options": {"challenge": challenge, "domain": RD}}
    # the caller did not issue this challenge: options cannot supply it
    assert verifier().check(body, domain=RD).status == "failed"
    report = verifier().check(body, challenge=thaivc.new_challenge(), domain=RD)
    assert report.status == "failed" and "vp.challenge_mismatch" in codes(report)


@pytest.mark.parametrize(
    "body",
    [
        {"verifiablePresentation": {"verifiablePresentation": {}}},
        {"verifiablePresentation": 5},
        {"verifiablePresentation": {}, "options": []},
    ],
)
def test_malformed_vc_api_bodies_fail_closed(body: dict[str, Any]) -> None:
    assert verifier().check(body).status == "failed"
