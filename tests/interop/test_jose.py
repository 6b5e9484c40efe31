"""vc+jwt and vp+jwt against npm ``jose`` (pinned in interop/package.json), both directions.

``jose`` 6 signs Ed25519 as RFC 9864's ``alg: "Ed25519"``: thaivc reads it (issue 11 item 6) and, with
``Issuer(fully_specified_alg=True)``, writes it. Both sides check the signature, ``typ`` and times
(jose's ``jwtVerify`` at the same instant as thaivc's fixed clock); a tampered token is refused by both.
"""

from __future__ import annotations

import pytest

import thaivc
from thaivc.core.clock import FixedClock
from thaivc.jose import envelope
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

from .matrix import THEY_TO_US, US_TO_THEM
from .node import require, run

pytestmark = pytest.mark.interop
VC = "vc+jwt (alg Ed25519, EdDSA, ES256)"
NOW = 1780272000  # 2026-06-01T00:00:00Z
CLOCK = FixedClock(NOW)
RD = "https://rd.go.th"


@pytest.fixture(autouse=True)
def _jose() -> None:
    require("jose")


def payload(issuer: PrivateKey, subject: str) -> dict[str, object]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "issuer": issuer.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": subject, "name": {"givenName": "สมหญิง", "familyName": "ใจดี"}},
        "iat": NOW - 60,
    }


def js_sign(key: PrivateKey, header: dict[str, str], body: dict[str, object]) -> str:
    token: str = run("jose.mjs", {"op": "sign", "jwk": key.private_jwk(), "header": header, "payload": body})["token"]
    return token


def js_verify(key: PrivateKey, token: str, typ: str) -> dict[str, object]:
    return run("jose.mjs", {"op": "verify", "token": token, "jwk": key.public_jwk, "typ": typ, "currentDate": NOW})


def tamper(token: str) -> str:
    head, body, sig = token.split(".")
    return f"{head}.{body}.{'A' if sig[0] != 'A' else 'B'}{sig[1:]}"


@pytest.mark.matrix(VC, "npm jose", THEY_TO_US)
@pytest.mark.parametrize(("key_type", "alg"), [("Ed25519", "Ed25519"), ("Ed25519", "EdDSA"), ("P-256", "ES256")])
def test_jose_signs_thaivc_verifies(key_type: str, alg: str) -> None:
    issuer, wallet = seeded_key(f"jose-{key_type}", key_type), seeded_key("jose-wallet")
    token = js_sign(issuer, {"alg": alg, "typ": "vc+jwt", "kid": issuer.kid}, payload(issuer, wallet.did))
    report = thaivc.Verifier(clock=CLOCK).check(token)
    assert report.ok, report.to_json()
    assert thaivc.Verifier(clock=CLOCK).check(tamper(token)).status == "failed"


@pytest.mark.matrix(VC, "npm jose", US_TO_THEM)
@pytest.mark.parametrize(("key_type", "fully_specified"), [("Ed25519", True), ("Ed25519", False), ("P-256", False)])
def test_thaivc_signs_jose_verifies(key_type: str, fully_specified: bool) -> None:
    issuer, wallet = seeded_key(f"jose-{key_type}", key_type), seeded_key("jose-wallet")
    doc = payload(issuer, wallet.did)
    del doc["iat"]
    token = thaivc.Issuer(issuer, clock=CLOCK, fully_specified_alg=fully_specified).issue(doc)
    verdict = js_verify(issuer, token, "vc+jwt")
    assert verdict["verified"] is True, verdict
    assert verdict["header"]["alg"] == ("Ed25519" if fully_specified else issuer.alg)  # type: ignore[index]
    assert js_verify(issuer, tamper(token), "vc+jwt")["verified"] is False
    assert js_verify(issuer, token, "vp+jwt")["verified"] is False  # jose checks typ too


@pytest.mark.matrix("vp+jwt", "npm jose", THEY_TO_US)
def test_jose_presents_thaivc_verifies() -> None:
    issuer, wallet = seeded_key("jose-Ed25519"), seeded_key("jose-wallet-p256", "P-256")
    credential = thaivc.Issuer(issuer, clock=CLOCK).issue({k: v for k, v in payload(issuer, wallet.did).items()
                                                           if k != "iat"})
    challenge = thaivc.new_challenge()
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
        "holder": wallet.did, "verifiableCredential": [envelope(credential, "vc+jwt")],
        "nonce": challenge, "aud": RD, "iat": NOW - 5, "exp": NOW + 300,
    }
    token = js_sign(wallet, {"alg": "ES256", "typ": "vp+jwt", "kid": wallet.kid}, vp)
    verifier = thaivc.Verifier(clock=CLOCK)
    report = verifier.check(token, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert verifier.check(token, challenge=challenge, domain=RD).status == "failed"  # a replay


@pytest.mark.matrix("vp+jwt", "npm jose", US_TO_THEM)
def test_thaivc_presents_jose_verifies() -> None:
    issuer, wallet = seeded_key("jose-Ed25519"), seeded_key("jose-wallet")
    credential = thaivc.Issuer(issuer, clock=CLOCK).issue({k: v for k, v in payload(issuer, wallet.did).items()
                                                           if k != "iat"})
    vp = thaivc.Holder(wallet, clock=CLOCK).present([credential], challenge="n-0S6_WzA2Mj", domain=RD)
    verdict = js_verify(wallet, vp, "vp+jwt")
    assert verdict["verified"] is True, verdict
    assert verdict["payload"]["nonce"] == "n-0S6_WzA2Mj"  # type: ignore[index]
    assert js_verify(wallet, tamper(vp), "vp+jwt")["verified"] is False
