"""Item 8: a KB-JWT names no ``kid`` (its key is ``cnf.jwk``), so strict wallet-profile verifiers accept it."""

from __future__ import annotations

import thaivc

from .helpers import RD, clock, credential, segments, verifier


def test_kb_jwt_has_no_kid_and_still_binds() -> None:
    agency, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    sd = thaivc.Issuer(agency, clock=clock()).issue(
        credential(wallet.did), format="dc+sd-jwt", disclosable=["/credentialSubject/name"]
    )
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    kb = vp.rsplit("~", 1)[1]
    header, _ = segments(kb)
    assert header == {"alg": "ES256", "typ": "kb+jwt"}
    # the issuer-signed JWT still names its DID key: that kid does point at something
    assert segments(vp)[0]["kid"] == agency.kid
    assert verifier().check(vp, challenge=challenge, domain=RD).ok


def test_a_kb_jwt_signed_by_another_key_still_fails_without_kid() -> None:
    agency, wallet, thief = (thaivc.generate_key("Ed25519") for _ in range(3))
    sd = thaivc.Issuer(agency, clock=clock()).issue(credential(wallet.did), format="dc+sd-jwt")
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(thief, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    report = verifier().check(vp, challenge=challenge, domain=RD)
    assert report.status == "failed"
    assert "sdjwt.kb_invalid" in {c.code for c in report.checks}
