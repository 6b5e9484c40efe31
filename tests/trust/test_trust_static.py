"""StaticTrustList: per-type policy, validity windows, exact ASCII issuer comparison, verifier wiring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import thaivc
from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError
from thaivc.testing.plugin import seeded_key
from thaivc.trust import StaticTrustList, TrustDecision, TrustSource, credential_types

DOPA = "did:web:dopa.go.th"
NOW = FixedClock.at("2026-06-01T00:00:00Z")

LIST: dict[str, Any] = {
    "issuers": [
        {
            "id": DOPA,
            "name_th": "กรมการปกครอง",
            "name_en": "Department of Provincial Administration",
            "credential_types": ["ThaiCitizenCredential"],
            "valid_from": "2026-01-01T00:00:00Z",
            "valid_until": "2027-01-01T00:00:00Z",
        },
        {"id": "did:web:dbd.go.th", "credential_types": ["JuristicPersonCredential", "DirectorCredential"]},
    ]
}


def cred(*types: str, **extra: Any) -> dict[str, Any]:
    return {"type": ["VerifiableCredential", *types], **extra}


def trust_list(clock: FixedClock = NOW) -> StaticTrustList:
    return StaticTrustList.from_json(LIST, clock=FixedClock(clock.timestamp))


def test_trusted_issuer_for_its_type() -> None:
    decision = trust_list().check(DOPA, cred("ThaiCitizenCredential"))
    assert decision == TrustDecision(
        DOPA, ("ThaiCitizenCredential",), "static", "กรมการปกครอง", "Department of Provincial Administration"
    )
    assert isinstance(trust_list(), TrustSource)


@pytest.mark.parametrize(
    ("issuer", "credential"),
    [
        ("did:web:evil.example", cred("ThaiCitizenCredential")),
        (DOPA, cred("JuristicPersonCredential")),
        (DOPA, cred("ThaiCitizenCredential", "JuristicPersonCredential")),
        (DOPA, cred()),
        ("did:web:DOPA.go.th", cred("ThaiCitizenCredential")),
        ("did:web:xn--dopa-9na.go.th", cred("ThaiCitizenCredential")),
        ("did:web:dopa.go.th ", cred("ThaiCitizenCredential")),
        ("did:web:dopa.go.th.", cred("ThaiCitizenCredential")),
    ],
)
def test_untrusted(issuer: str, credential: dict[str, Any]) -> None:
    with pytest.raises(ThaiVCError) as info:
        trust_list().check(issuer, credential)
    assert info.value.code == "trust.untrusted_issuer"


def test_several_types_must_all_be_covered() -> None:
    decision = trust_list().check("did:web:dbd.go.th", cred("JuristicPersonCredential", "DirectorCredential"))
    assert decision.credential_types == ("JuristicPersonCredential", "DirectorCredential")


def test_validity_window() -> None:
    before = FixedClock.at("2025-12-01T00:00:00Z")
    after = FixedClock.at("2027-02-01T00:00:00Z")
    for clock in (before, after):
        with pytest.raises(ThaiVCError) as info:
            trust_list(clock).check(DOPA, cred("ThaiCitizenCredential"))
        assert info.value.code == "trust.untrusted_issuer"


def test_sd_jwt_vct_counts_as_a_type() -> None:
    with pytest.raises(ThaiVCError):
        trust_list().check(DOPA, {"vct": "https://credentials.example/other"})
    assert credential_types({"vct": "urn:x", "type": "VerifiableCredential"}) == ("urn:x",)


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"issuers": {}},
        {"issuers": [{"id": DOPA}]},
        {"issuers": [{"id": DOPA, "credential_types": []}]},
        {"issuers": [{"id": DOPA, "credential_types": [1]}]},
        {"issuers": [{"id": "did:web:ไทย.th", "credential_types": ["X"]}]},
        {"issuers": [{"id": DOPA, "credential_types": ["X"], "valid_from": "2026-01-01"}]},
        {
            "issuers": [
                {
                    "id": DOPA,
                    "credential_types": ["X"],
                    "valid_from": "2027-01-01T00:00:00Z",
                    "valid_until": "2026-01-01T00:00:00Z",
                }
            ]
        },
    ],
)
def test_malformed_list(document: Any) -> None:
    with pytest.raises(ThaiVCError) as info:
        StaticTrustList.from_json(document)
    assert info.value.code == "trust.list_invalid"


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(LIST, ensure_ascii=False), encoding="utf-8")
    assert StaticTrustList.from_file(path, clock=NOW).check(DOPA, cred("ThaiCitizenCredential")).issuer_id == DOPA
    path.write_text('{"issuers": [], "issuers": []}', encoding="utf-8")
    with pytest.raises(ThaiVCError) as info:
        StaticTrustList.from_file(path)
    assert info.value.code == "trust.list_invalid"
    with pytest.raises(ThaiVCError):
        StaticTrustList.from_file(tmp_path / "missing.json")


# -- through the verifier ----------------------------------------------------------------------


def _token(clock: FixedClock) -> tuple[str, str]:
    key = seeded_key("static-trust-issuer")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": "did:example:citizen"},
    }
    return thaivc.Issuer(key, clock=clock).issue(credential), key.did


def test_verifier_trust_check_passes_for_listed_issuer(thaivc_clock: FixedClock) -> None:
    token, did = _token(thaivc_clock)
    trust = StaticTrustList.from_json({"issuers": [{"id": did, "credential_types": ["ThaiCitizenCredential"]}]})
    report = thaivc.Verifier(clock=thaivc_clock, trust=trust).check(token)
    assert report.status == "verified"
    check = report.check("trust")
    assert check is not None and check.status == "pass"


def test_verifier_fails_unlisted_issuer(thaivc_clock: FixedClock) -> None:
    token, _ = _token(thaivc_clock)
    trust = StaticTrustList.from_json(LIST)
    report = thaivc.Verifier(clock=thaivc_clock, trust=trust).check(token)
    assert report.status == "failed"
    assert report.codes == ["trust.untrusted_issuer"]
