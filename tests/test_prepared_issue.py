"""``Issuer.prepare_sd_jwt`` + ``issue_prepared``: checked once, signed later, never signed unchecked.

Attacks first: a prepared credential changed after its check, handed to another issuer, or never
prepared at all; rows that issuance refuses must be refused by the check (before any status index
is drawn). Then the prepared route must sign what ``issue`` signs, and the verifier must accept it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import thaivc
from thaivc.core.b64 import b64url_decode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.engine.issuer import PreparedIssue

RD = "https://rd.go.th"
CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
AGENCY = thaivc.generate_key("Ed25519")
WALLET = thaivc.generate_key("P-256")
DISCLOSABLE = ("/credentialSubject/givenName", "/credentialSubject/birthDate")
STATUS = {"status_list": {"idx": 4711, "uri": "https://status.example/lists/token/abc"}}


def credential(**subject: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ExampleCredential"],
        "id": "urn:uuid:5b1f7c2e-8e0a-4d0c-9a6b-6b1c3f7e2a91",
        "credentialSubject": {"id": WALLET.did, "givenName": "สมหญิง", "birthDate": "1995-08-12", **subject},
    }


def _issuer() -> thaivc.Issuer:
    return thaivc.Issuer(AGENCY, clock=CLOCK)


def _parts(token: str) -> tuple[dict[str, Any], list[list[Any]]]:
    jwt, *disclosures = token.split("~")[:-1]
    payload = loads_strict(b64url_decode(jwt.split(".")[1]))
    return payload, [loads_strict(b64url_decode(d)) for d in disclosures]


def _without_digests(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_digests(v) for k, v in node.items() if k != "_sd"}
    return node


# -- attacks ------------------------------------------------------------------------------------


def test_claims_changed_after_the_check_are_refused() -> None:
    issuer = _issuer()
    prepared = issuer.prepare_sd_jwt(credential(), disclosable=DISCLOSABLE)
    prepared.claims["credentialSubject"]["givenName"] = "ส\u200bมหญิง"  # a hidden control, after the check
    with pytest.raises(UsageError, match="changed after"):
        issuer.issue_prepared(prepared)
    other = issuer.prepare_sd_jwt(credential(), disclosable=DISCLOSABLE)
    other.claims["type"] = ["VerifiableCredential"]
    with pytest.raises(UsageError, match="changed after"):
        issuer.issue_prepared(other)


def test_a_forged_fingerprint_or_another_issuer_is_refused() -> None:
    issuer = _issuer()
    prepared = issuer.prepare_sd_jwt(credential(), disclosable=DISCLOSABLE)
    with pytest.raises(UsageError, match="another issuer"):
        _issuer().issue_prepared(prepared)  # same key, another Issuer object: its own checks, its clock
    forged = dataclasses.replace(prepared, claims={**prepared.claims, "validFrom": "2569-01-01T00:00:00Z"})
    with pytest.raises(UsageError, match="changed after"):
        issuer.issue_prepared(forged)
    with pytest.raises(UsageError, match="another issuer"):
        issuer.issue_prepared(prepared.claims)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ({"givenName": "สม\u200dหญิง"}, "text.forbidden_char"),
        ({"nested": {"_sd": ["forged digest"]}}, "usage.invalid_argument"),
        ({"id": 42}, None),
    ],
)
def test_rows_issue_refuses_are_refused_by_the_check(bad: dict[str, Any], code: str | None) -> None:
    with pytest.raises(ThaiVCError) as caught:
        prepared = _issuer().prepare_sd_jwt(credential(**bad), disclosable=DISCLOSABLE)
        _issuer().issue_prepared(prepared)
    if code is not None:
        assert caught.value.code == code
    with pytest.raises(ThaiVCError):  # and issue() agrees
        _issuer().issue(credential(**bad), format="dc+sd-jwt", disclosable=DISCLOSABLE)


def test_buddhist_year_and_fixed_claims_are_refused_by_the_check() -> None:
    with pytest.raises(ThaiVCError) as caught:
        _issuer().prepare_sd_jwt({**credential(), "validFrom": "2569-06-01T00:00:00Z"})
    assert caught.value.code == "time.implausible_year"
    with pytest.raises(UsageError, match="must stay plaintext"):
        _issuer().prepare_sd_jwt(credential(), disclosable=["/credentialSubject/id"])
    with pytest.raises(UsageError):
        _issuer().prepare_sd_jwt(credential(), disclosable="/credentialSubject/givenName")
    with pytest.raises(UsageError, match="status"):
        _issuer().prepare_sd_jwt({**credential(), "status": STATUS})


# -- the same credential as issue() --------------------------------------------------------------


def test_prepared_route_signs_what_issue_signs() -> None:
    issuer = _issuer()
    direct = issuer.issue(credential(), format="dc+sd-jwt", disclosable=DISCLOSABLE, status=STATUS)
    prepared = issuer.issue_prepared(issuer.prepare_sd_jwt(credential(), disclosable=DISCLOSABLE), status=STATUS)
    (p1, d1), (p2, d2) = _parts(direct), _parts(prepared)
    assert _without_digests(p1) == _without_digests(p2)
    assert p2["status"] == STATUS and p2["cnf"] == {"jwk": dict(WALLET.public_key.jwk)}
    assert sorted(d[1:] for d in d1) == sorted(d[1:] for d in d2)
    assert len(p2["credentialSubject"]["_sd"]) == 2


def test_prepared_credential_verifies() -> None:
    issuer = _issuer()
    prepared = issuer.prepare_sd_jwt(credential(), disclosable=DISCLOSABLE)
    assert isinstance(prepared, PreparedIssue) and prepared.id == credential()["id"]
    token = issuer.issue_prepared(prepared)
    challenge = thaivc.new_challenge()
    presented = thaivc.Holder(WALLET, clock=CLOCK).present(
        [token], disclose=["/credentialSubject/birthDate"], challenge=challenge, domain=RD
    )
    report = thaivc.Verifier(clock=CLOCK).check(presented, challenge=challenge, domain=RD)
    assert report.ok, report.to_json()
    assert report.details["disclosed"] == ["/credentialSubject/birthDate"]


def test_status_claim_is_checked_with_the_schema_of_an_own_type() -> None:
    citizen = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {
            "id": WALLET.did,
            "givenName": "สมหญิง",
            "familyName": "ใจดี",
            "birthDate": "1995-08-12",
            "citizenId": "1999900002032",
        },
    }
    issuer = _issuer()
    disclosable = ["/credentialSubject/birthDate"]
    direct = issuer.issue(citizen, format="dc+sd-jwt", disclosable=disclosable, status=STATUS)
    prepared = issuer.issue_prepared(issuer.prepare_sd_jwt(citizen, disclosable=disclosable), status=STATUS)
    assert _parts(direct)[0]["status"] == _parts(prepared)[0]["status"] == STATUS
