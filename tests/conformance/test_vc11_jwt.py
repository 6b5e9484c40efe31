"""Item 7: VC 1.1 JWTs (``typ: JWT``, ``vc``/``vp`` claims) are refused by default and read on opt-in,
mapped per VC-JWT 1.1 §6.3.1, with the format named in the report."""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.keys import PrivateKey

from .helpers import RD, codes, sign_raw, verifier

V1 = "https://www.w3.org/2018/credentials/v1"
NBF, EXP = 1767225600, 1798761599  # 2026-01-01, 2026-12-31T23:59:59Z (the clock is 2026-06-01)


def vc11(issuer: PrivateKey, subject: str, **claims: Any) -> str:
    payload: dict[str, Any] = {
        "iss": issuer.did, "sub": subject, "nbf": NBF, "exp": EXP, "jti": "urn:uuid:5b1e2a86-0000-4000-8000-000000000001",
        "vc": {
            "@context": [V1], "type": ["VerifiableCredential", "ThaiCitizenCredential"],
            "credentialSubject": {"name": "สมหญิง ใจดี"},
        },
    }
    payload.update(claims)
    return sign_raw(issuer, {"alg": issuer.alg, "typ": "JWT", "kid": issuer.kid}, payload)


def vp11(holder: PrivateKey, credentials: list[str], nonce: str, **claims: Any) -> str:
    payload: dict[str, Any] = {
        "iss": holder.did, "aud": RD, "nonce": nonce, "iat": NBF + 86400 * 150,
        "vp": {"@context": [V1], "type": ["VerifiablePresentation"], "verifiableCredential": credentials},
    }
    payload.update(claims)
    return sign_raw(holder, {"alg": holder.alg, "typ": "JWT", "kid": holder.kid}, payload)


@pytest.fixture
def keys() -> tuple[PrivateKey, PrivateKey]:
    return thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")


def test_refused_by_default(keys: tuple[PrivateKey, PrivateKey]) -> None:
    issuer, wallet = keys
    report = verifier().check(vc11(issuer, wallet.did))
    assert report.status == "failed" and "jose.typ_mismatch" in codes(report)


def test_opt_in_maps_the_registered_claims(keys: tuple[PrivateKey, PrivateKey]) -> None:
    issuer, wallet = keys
    report = verifier(accept_vcdm11_jwt=True).check(vc11(issuer, wallet.did))
    assert report.ok, report.to_json()
    assert report.format == "jwt_vc_json" and report.details["data_model"] == "1.1"
    doc = report.document
    assert doc is not None
    assert doc["issuer"] == issuer.did
    assert doc["credentialSubject"]["id"] == wallet.did
    assert doc["id"] == "urn:uuid:5b1e2a86-0000-4000-8000-000000000001"
    assert doc["issuanceDate"] == "2026-01-01T00:00:00Z" and doc["expirationDate"] == "2026-12-31T23:59:59Z"


def test_a_presentation_binds_challenge_domain_and_holder(keys: tuple[PrivateKey, PrivateKey]) -> None:
    issuer, wallet = keys
    challenge = thaivc.new_challenge()
    vp = vp11(wallet, [vc11(issuer, wallet.did)], challenge)
    v = verifier(accept_vcdm11_jwt=True)
    report = v.check(vp, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.format == "jwt_vp_json"
    replay = v.check(vp, challenge=challenge, domain=RD)
    assert "vp.challenge_replayed" in codes(replay)


def test_a_presentation_of_someone_elses_credential_fails(keys: tuple[PrivateKey, PrivateKey]) -> None:
    issuer, wallet = keys
    thief = thaivc.generate_key("Ed25519")
    challenge = thaivc.new_challenge()
    report = verifier(accept_vcdm11_jwt=True).check(
        vp11(thief, [vc11(issuer, wallet.did)], challenge), challenge=challenge, domain=RD
    )
    assert report.status == "failed" and "vp.holder_not_subject" in codes(report)


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"iss": "did:example:someone-else"}, "vc.issuer_key_mismatch"),
        ({"exp": NBF + 3600}, "time.expired"),
        ({"nbf": EXP}, "time.not_yet_valid"),
        ({"exp": "1798761599"}, "claims.malformed"),
        ({"vp": {"@context": [V1], "type": ["VerifiablePresentation"]}}, "vc.legacy_jwt_claims"),
        ({"vc": "not an object"}, "vc.legacy_jwt_claims"),
        ({"vc": {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                 "credentialSubject": {}}}, "vc.context_invalid"),
        ({"vc": {"@context": [V1], "type": ["VerifiableCredential"], "issuer": "did:example:other",
                 "credentialSubject": {"name": "x"}}}, "vc.issuer_mismatch"),
        ({"vc": {"@context": [V1], "type": ["VerifiableCredential"], "credentialSubject": {"name": "x"},
                 "issuanceDate": "2020-01-01T00:00:00Z"}}, "vc.datetime_invalid"),
        ({"vc": {"@context": [V1], "type": ["Other"], "credentialSubject": {"name": "x"}}}, "vc.type_invalid"),
        ({"sub": 5}, "vc.subject_invalid"),
    ],
)
def test_forged_or_contradictory_claims_fail(keys: tuple[PrivateKey, PrivateKey], claims: dict[str, Any],
                                             code: str) -> None:
    issuer, wallet = keys
    report = verifier(accept_vcdm11_jwt=True).check(vc11(issuer, wallet.did, **claims))
    assert report.status == "failed"
    assert code in codes(report), report.to_json()


def test_a_bad_signature_fails(keys: tuple[PrivateKey, PrivateKey]) -> None:
    issuer, wallet = keys
    head, body, sig = vc11(issuer, wallet.did).split(".")
    report = verifier(accept_vcdm11_jwt=True).check(f"{head}.{body}.{sig[::-1]}")
    assert report.status == "failed"


def test_a_vc11_token_is_never_read_from_a_vcdm2_envelope(keys: tuple[PrivateKey, PrivateKey]) -> None:
    issuer, wallet = keys
    wrapped = {"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
               "id": "data:application/vc+jwt," + vc11(issuer, wallet.did)}
    report = verifier(accept_vcdm11_jwt=True).check(wrapped)
    assert report.status == "failed" and "jose.typ_mismatch" in codes(report)


def test_a_vc_claim_in_a_vc_jwt_is_still_refused(keys: tuple[PrivateKey, PrivateKey]) -> None:
    issuer, wallet = keys
    payload = {"vc": {}, "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
               "issuer": issuer.did, "credentialSubject": {"id": wallet.did}}
    token = sign_raw(issuer, {"alg": issuer.alg, "typ": "vc+jwt", "kid": issuer.kid}, payload)
    assert "vc.legacy_jwt_claims" in codes(verifier(accept_vcdm11_jwt=True).check(token))
