"""VC-JOSE end to end: issue, present, verify, with every check reported."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.jsonutil import loads_strict
from thaivc.keys import CallbackSigner

NOW = "2026-06-01T00:00:00Z"
RD = "https://rd.go.th"


def credential(subject: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": subject, "name": {"givenName": "สมหญิง", "familyName": "ใจดี"}},
        **extra,
    }


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.at(NOW)


@pytest.mark.parametrize("issuer_type", ["Ed25519", "P-256", "P-384"])
@pytest.mark.parametrize("holder_type", ["Ed25519", "P-256"])
def test_issue_present_verify(issuer_type: str, holder_type: str, clock: FixedClock) -> None:
    agency, wallet = thaivc.generate_key(issuer_type), thaivc.generate_key(holder_type)
    token = thaivc.Issuer(agency, clock=clock).issue(credential(wallet.did))
    header = loads_strict(b64url_decode(token.split(".")[0]))
    assert header == {"alg": agency.alg, "typ": "vc+jwt", "kid": agency.kid}
    verifier = thaivc.Verifier(clock=clock)
    report = verifier.check(token)
    assert report.ok, report.to_json()
    assert [c.name for c in report.checks] == [
        "parse",
        "alg",
        "claims",
        "model",
        "key",
        "signature",
        "time",
        "status",
        "trust",
    ]
    assert report.document is not None and report.document["issuer"] == agency.did
    assert report.document["validFrom"] == NOW

    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock).present([token], challenge=challenge, domain=RD)
    report = verifier.check(vp, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.format == "vp+jwt"
    assert report.children[0].ok
    assert verifier.verify(token)["credentialSubject"]["id"] == wallet.did


def test_issuer_normalises_thai_to_nfc(clock: FixedClock) -> None:
    agency, wallet = thaivc.generate_key(), thaivc.generate_key()
    not_nfc = "\u0e1b\u0e48\u0e39"  # ปู่ typed tone-before-vowel
    token = thaivc.Issuer(agency, clock=clock).issue(credential(wallet.did, description=not_nfc))
    payload = loads_strict(b64url_decode(token.split(".")[1]))
    assert payload["description"] == unicodedata.normalize("NFC", not_nfc) != not_nfc

    def strings(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in [k, *strings(v)]]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return []

    assert all(unicodedata.is_normalized("NFC", s) for s in strings(payload))


def test_verifier_never_normalises_sec64(clock: FixedClock) -> None:
    """SEC-64: a relay that NFC-normalises signed text breaks the signature."""
    agency, wallet = thaivc.generate_key(), thaivc.generate_key()
    signer_header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": agency.kid}
    doc = credential(wallet.did, issuer=agency.did, description="\u0e1b\u0e48\u0e39")
    from thaivc.jose.compact import sign_compact

    token = sign_compact(signer_header, doc, agency)  # signed as typed, bypassing issuer NFC
    verifier = thaivc.Verifier(clock=clock)
    assert verifier.check(token).ok
    head, payload, sig = token.split(".")
    relayed = b64url_decode(payload).decode().replace("\u0e1b\u0e48\u0e39", "\u0e1b\u0e39\u0e48")
    forged = f"{head}.{b64url_encode(relayed.encode())}.{sig}"
    report = verifier.check(forged)
    assert report.status == "failed" and report.codes == ["crypto.bad_signature"]


@pytest.mark.parametrize("char", ["\u200b", "\u202e"])
def test_issuer_refuses_hidden_controls_sec65(char: str) -> None:
    agency = thaivc.generate_key()
    with pytest.raises(thaivc.ThaiVCError) as info:
        thaivc.Issuer(agency).issue(credential(agency.did, description=f"สม{char}ชาย"))
    assert info.value.code == "text.forbidden_char"


def test_issuer_refuses_foreign_issuer_and_invalid_model() -> None:
    agency = thaivc.generate_key()
    with pytest.raises(thaivc.UsageError):
        thaivc.Issuer(agency).issue(credential(agency.did, issuer="did:web:other.example"))
    with pytest.raises(thaivc.ThaiVCError) as info:
        thaivc.Issuer(agency).issue({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["X"]})
    assert info.value.code.startswith("vc.")


def test_signer_seam_callback(clock: FixedClock) -> None:
    """A key that lives elsewhere (KMS/HSM) signs through a callback and verifies the same."""
    hidden = thaivc.generate_key("P-256")
    calls: list[bytes] = []

    def remote_sign(data: bytes) -> bytes:
        calls.append(data)
        return hidden.sign(data)

    signer = CallbackSigner(remote_sign, public_key=hidden.public, kid=hidden.kid)
    token = thaivc.Issuer(signer, clock=clock).issue(credential(hidden.did))
    assert len(calls) == 1
    assert thaivc.Verifier(clock=clock).check(token).ok


def test_check_accepts_bytes_json_and_envelope(clock: FixedClock) -> None:
    agency = thaivc.generate_key()
    token = thaivc.Issuer(agency, clock=clock).issue(credential(agency.did))
    verifier = thaivc.Verifier(clock=clock)
    assert verifier.check(token.encode()).ok
    assert verifier.check(f"  {token}\n").ok
    envelope = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+jwt,{token}",
    }
    assert verifier.check(envelope).ok


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "input.unreadable"),
        (42, "input.unreadable"),
        ("", "jose.malformed"),
        ({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}, "di.proof_missing"),
        ({"type": ["VerifiablePresentation"]}, "vp.unsigned"),
        ('{"payload":"x","signatures":[]}', "jose.serialization_not_allowed"),
        (b"\xff\xfe", "input.unreadable"),
        ("x" * 70_000, "input.too_large"),
    ],
)
def test_check_never_raises(value: object, code: str) -> None:
    report = thaivc.Verifier().check(value)
    assert report.status == "failed"
    assert code in report.codes


def test_verify_raises_with_report(clock: FixedClock) -> None:
    with pytest.raises(thaivc.VerificationFailed) as info:
        thaivc.Verifier(clock=clock).verify("a.b.c")
    assert info.value.report.status == "failed"
    assert info.value.code == info.value.report.problems[0].code


def test_status_entry_without_checker_is_indeterminate(clock: FixedClock) -> None:
    agency = thaivc.generate_key()
    status = {
        "id": "https://status.example/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://status.example/1",
    }
    token = thaivc.Issuer(agency, clock=clock).issue(credential(agency.did, credentialStatus=status))
    report = thaivc.Verifier(clock=clock).check(token)
    assert report.status == "indeterminate"
    assert report.codes == ["status.not_checked"]
    assert report.document is None
    relaxed = thaivc.Verifier(thaivc.Policy(require_status_check=False), clock=clock)
    assert relaxed.check(token).ok


def test_time_window(clock: FixedClock) -> None:
    agency = thaivc.generate_key()
    issuer = thaivc.Issuer(agency, clock=clock)
    token = issuer.issue(credential(agency.did, validUntil="2026-06-01T01:00:00Z"))
    verifier = thaivc.Verifier(clock=clock)
    assert verifier.check(token).ok
    clock.advance(3600 + 300)  # exactly at validUntil + leeway: still inside
    assert verifier.check(token).ok
    clock.advance(1)
    report = verifier.check(token)
    assert report.codes == ["time.expired"]
    future = thaivc.Issuer(agency, clock=FixedClock.at("2027-01-01T00:00:00Z")).issue(credential(agency.did))
    report = thaivc.Verifier(clock=FixedClock.at(NOW)).check(future)
    assert "time.not_yet_valid" in report.codes


def test_report_to_json_is_serialisable(clock: FixedClock) -> None:
    import json

    report = thaivc.Verifier(clock=clock).check("eyJhbGciOiJub25lIn0.e30.")
    data = json.loads(json.dumps(report.to_json()))
    assert data["status"] == "failed"
    assert data["problems"][0]["code"]
    assert data["problems"][0]["type"].startswith("https://")
