"""SD-JWT VC with key binding against ``@sd-jwt/sd-jwt-vc`` (npm) and the PyPI ``sd-jwt`` reference.

Both directions each: the peer issues and presents (with a KB-JWT), thaivc verifies; thaivc issues
and presents, the peer verifies. thaivc's KB-JWT carries no ``kid`` (item 8), and its ``exp``/``nbf``
come from ``validUntil``/``validFrom`` (item 9): the peer's own time checks see the credential's
validity. The PyPI reference runs in Python (no node needed); its KB-JWT is fixed to ES256 and its
``iat`` to the machine's time, so those tests verify on the system clock.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

import thaivc
from thaivc.core.clock import FixedClock
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

from .matrix import THEY_TO_US, US_TO_THEM
from .node import require, run

FORMAT = "dc+sd-jwt + KB-JWT"
NOW = 1780272000  # 2026-06-01T00:00:00Z
CLOCK = FixedClock(NOW)
RD = "https://rd.go.th"


def body(issuer: PrivateKey, subject: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "issuer": issuer.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2031-01-01T00:00:00Z",
        "credentialSubject": {"id": subject, "name": {"givenName": "สมหญิง", "familyName": "ใจดี"}, "age_over_20": True},
    }


def tamper_disclosure(presentation: str) -> str:
    parts = presentation.split("~")
    parts[1] = parts[1][:-2] + ("AA" if parts[1][-2:] != "AA" else "BB")
    return "~".join(parts)


# -- @sd-jwt/sd-jwt-vc ---------------------------------------------------------------------------


@pytest.mark.interop
@pytest.mark.matrix(FORMAT, "@sd-jwt/sd-jwt-vc", THEY_TO_US)
@pytest.mark.parametrize("key_type", ["Ed25519", "P-256"])
def test_sd_jwt_vc_issues_and_presents_thaivc_verifies(key_type: str) -> None:
    require("@sd-jwt/sd-jwt-vc")
    issuer, wallet = seeded_key(f"sdjs-{key_type}", key_type), seeded_key("sdjs-wallet", "P-256")
    claims = {**body(issuer, wallet.did), "iss": issuer.did, "iat": NOW - 60, "vct": "ThaiCitizenCredential",
              "nbf": 1767225600, "exp": 1924992000, "cnf": {"jwk": wallet.public_jwk}}
    issued = run("sdjwt.mjs", {"op": "issue", "jwk": issuer.private_jwk(), "alg": issuer.alg, "kid": issuer.kid,
                               "claims": claims, "disclosureFrame": {"credentialSubject": {"_sd": ["name", "age_over_20"]}}})
    challenge = thaivc.new_challenge()
    presented = run("sdjwt.mjs", {"op": "present", "token": issued["token"],
                                  "presentationFrame": {"credentialSubject": {"age_over_20": True}},
                                  "holder": {"jwk": wallet.private_jwk(), "alg": "ES256"},
                                  "nonce": challenge, "aud": RD, "iat": NOW - 5})["token"]
    verifier = thaivc.Verifier(clock=CLOCK)
    report = verifier.check(presented, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.document is not None
    assert report.document["credentialSubject"]["age_over_20"] is True
    assert "name" not in report.document["credentialSubject"]
    assert thaivc.Verifier(clock=CLOCK).check(tamper_disclosure(presented), challenge=challenge,
                                              domain=RD).status == "failed"
    assert verifier.check(presented, challenge=challenge, domain=RD).status == "failed"  # a replay


@pytest.mark.interop
@pytest.mark.matrix(FORMAT, "@sd-jwt/sd-jwt-vc", US_TO_THEM)
@pytest.mark.parametrize("key_type", ["Ed25519", "P-256"])
def test_thaivc_issues_and_presents_sd_jwt_vc_verifies(key_type: str) -> None:
    require("@sd-jwt/sd-jwt-vc")
    issuer, wallet = seeded_key(f"sdjs-{key_type}", key_type), seeded_key("sdjs-wallet", "P-256")
    issued = thaivc.Issuer(issuer, clock=CLOCK).issue(
        body(issuer, wallet.did), format="dc+sd-jwt",
        disclosable=["/credentialSubject/name", "/credentialSubject/age_over_20"],
    )
    vp = thaivc.Holder(wallet, clock=CLOCK).present([issued], challenge="nonce-1234", domain=RD,
                                                    disclose=["/credentialSubject/age_over_20"])
    verdict = run("sdjwt.mjs", {"op": "verify", "token": vp, "jwk": issuer.public_jwk, "nonce": "nonce-1234",
                                "currentDate": NOW})
    assert verdict["verified"] is True, verdict
    assert verdict["payload"]["credentialSubject"]["age_over_20"] is True
    assert "kid" not in verdict["kb"]["header"]
    assert verdict["payload"]["exp"] == 1924992000  # validUntil, readable by a verifier that knows no VCDM
    # the peer's own time check: after validUntil it refuses the credential too
    later = run("sdjwt.mjs", {"op": "verify", "token": vp, "jwk": issuer.public_jwk, "nonce": "nonce-1234",
                              "currentDate": 1924992000 + 3600})
    assert later["verified"] is False
    tampered = run("sdjwt.mjs", {"op": "verify", "token": tamper_disclosure(vp), "jwk": issuer.public_jwk,
                                 "nonce": "nonce-1234", "currentDate": NOW})
    assert tampered["verified"] is False


# -- PyPI sd-jwt (the reference implementation) -------------------------------------------------


def _jwk(key: PrivateKey, *, private: bool) -> Any:
    from jwcrypto.jwk import JWK

    return JWK.from_json(json.dumps(key.private_jwk() if private else key.public_jwk))


@pytest.mark.matrix(FORMAT, "PyPI sd-jwt (reference)", THEY_TO_US)
def test_reference_issues_and_presents_thaivc_verifies() -> None:
    from sd_jwt.common import SDObj
    from sd_jwt.holder import SDJWTHolder
    from sd_jwt.issuer import SDJWTIssuer

    issuer, wallet = seeded_key("sdpy-issuer", "P-256"), seeded_key("sdpy-wallet", "P-256")
    now = int(time.time())
    doc = body(issuer, wallet.did)
    subject = doc["credentialSubject"]
    doc["credentialSubject"] = {"id": subject["id"], SDObj("name"): subject["name"],
                                SDObj("age_over_20"): True}
    claims = {**doc, "iss": issuer.did, "iat": now - 60, "vct": "ThaiCitizenCredential",
              "nbf": 1767225600, "exp": 1924992000}
    issued = SDJWTIssuer(claims, _jwk(issuer, private=True), holder_key=_jwk(wallet, private=False),
                         sign_alg="ES256",
                         extra_header_parameters={"typ": "dc+sd-jwt", "kid": issuer.kid}).sd_jwt_issuance
    challenge = thaivc.new_challenge()
    holder = SDJWTHolder(issued)
    holder.create_presentation({"credentialSubject": {"age_over_20": True}}, nonce=challenge, aud=RD,
                               holder_key=_jwk(wallet, private=True), sign_alg="ES256")
    verifier = thaivc.Verifier()
    report = verifier.check(holder.sd_jwt_presentation, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.document is not None and "name" not in report.document["credentialSubject"]
    assert thaivc.Verifier().check(tamper_disclosure(holder.sd_jwt_presentation), challenge=challenge,
                                   domain=RD).status == "failed"


@pytest.mark.matrix(FORMAT, "PyPI sd-jwt (reference)", US_TO_THEM)
def test_thaivc_issues_and_presents_reference_verifies() -> None:
    from sd_jwt.verifier import SDJWTVerifier

    issuer, wallet = seeded_key("sdpy-issuer", "Ed25519"), seeded_key("sdpy-wallet", "P-256")
    issued = thaivc.Issuer(issuer).issue(body(issuer, wallet.did), format="dc+sd-jwt",
                                         disclosable=["/credentialSubject/name", "/credentialSubject/age_over_20"])
    vp = thaivc.Holder(wallet).present([issued], challenge="nonce-5678", domain=RD,
                                       disclose=["/credentialSubject/age_over_20"])

    def issuer_key(iss: str, header: dict[str, Any]) -> Any:
        assert iss == issuer.did and header["kid"] == issuer.kid
        return _jwk(issuer, private=False)

    verified = SDJWTVerifier(vp, issuer_key, expected_aud=RD, expected_nonce="nonce-5678").get_verified_payload()
    assert verified["credentialSubject"]["age_over_20"] is True
    assert "name" not in verified["credentialSubject"]
    with pytest.raises(Exception):
        SDJWTVerifier(vp, issuer_key, expected_aud=RD, expected_nonce="another-nonce")
    with pytest.raises(Exception):
        SDJWTVerifier(tamper_disclosure(vp), issuer_key, expected_aud=RD, expected_nonce="nonce-5678").get_verified_payload()
