"""Proofing flows fail closed: a credential only after every requested check passed."""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.assurance import AssurancePolicy, Evidence, LivenessEvidence
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.credentials import CardData, issue_juristic, proof_citizen
from thaivc.registries import ACTIVE_STATUS, JURISTIC_STATUSES, FakeDbd, FakeDopa, GdxDbdClient, GdxDopaClient
from thaivc.registries.dopa import CardCheckResult, FaceMatchResult
from thaivc.testing.gdx_server import GdxTestServer, unused_loopback_url
from thaivc.thai import ThaiName

AGENT_ID = "1999900000994"
EXAMPLES: list[dict[str, Any]] = list(FakeDopa().fixture["examples"])


def card_of(example: dict[str, Any]) -> CardData:
    q = example["query"]
    return CardData(
        example["citizen_id"],
        ThaiName(given_th=q["first_name_th"] or None, family_th=q["last_name_th"] or None),
        q["birth_date_be"],
        q["laser_code"],
    )


SOMCHAI_CARD = CardData(
    "1999900001010", ThaiName(title_th="นาย", given_th="สมชาย", family_th="ใจดี"), "25380812", "ZX0001000001"
)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e['citizen']}-{e['note']}" for e in EXAMPLES])
def test_issues_only_on_valid(
    example: dict[str, Any], dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(card_of(example), dopa=dopa, issuer=issuer, subject_did=wallet_key.did)
    if example["expect"]["status"] == "VALID":
        assert result.ok and result.credential is not None, result.problems
        assert str(result.ial) == "1.3"
        assert result.problems == ()
    else:
        assert result.credential is None
        assert result.document is None
        assert len(result.problems) == 1
        problem = result.problems[0]
        assert problem.code in {"registry.rejected", "thai.name_invalid"}
        if problem.code == "registry.rejected":
            # DOPA's own Thai description is kept for the officer and the citizen
            assert result.evidence.items[0].status == example["expect"]["status"].lower()  # type: ignore[union-attr]
            assert f"code {example['expect']['code']}" in problem.detail
            if example["expect"]["reason"]:
                assert example["expect"]["reason"] in problem.detail


@pytest.mark.parametrize(
    ("name", "card"),
    [
        (
            "expired",
            CardData("3999900001059", ThaiName(given_th="ประเสริฐ", family_th="มั่นคง"), "25050315", "ZX0001000005"),
        ),
        (
            "replaced",
            CardData("1999900001061", ThaiName(given_th="วิภา", family_th="แสงทอง"), "25301120", "ZX0001000006"),
        ),
        ("laser", CardData("1999900001079", ThaiName(given_th="อนุชา", family_th="บุญมา"), "25350101", "ZX0001000001")),
        (
            "data",
            CardData("1999900001087", ThaiName(given_th="กาญจนา", family_th="วงศ์ใหญ่"), "25290606", "ZX0001000008"),
        ),
        ("incomplete", CardData("3999900001091", ThaiName(given_th="สมบัติ", family_th="เก่าแก่"), "24900101", "")),
        ("chip", CardData("1999900001109", ThaiName(given_th="ชัยวัฒน์", family_th="พึ่งบุญ"), "25400101", "ZX0001000010")),
    ],
)
def test_named_failure_cases_issue_nothing(
    name: str, card: CardData, dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(card, dopa=dopa, issuer=issuer, subject_did=wallet_key.did)
    assert result.credential is None, name
    assert [p.code for p in result.problems] == ["registry.rejected"]
    assert result.evidence.items and not result.evidence.items[0].passed  # type: ignore[union-attr]


def test_registry_down_is_unavailable(issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey) -> None:
    client = GdxDopaClient(unused_loopback_url(), "key", "secret", AGENT_ID, timeout=0.5, retries=0, insecure=True)
    try:
        result = proof_citizen(SOMCHAI_CARD, dopa=client, issuer=issuer, subject_did=wallet_key.did)
    finally:
        client.close()
    assert result.credential is None
    assert [p.code for p in result.problems] == ["registry.unavailable"]
    assert result.evidence.items == ()


def test_adapter_crash_is_unavailable(issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey) -> None:
    class Broken:
        def check_card(self, *args: object) -> CardCheckResult:
            raise RuntimeError("socket closed")

    result = proof_citizen(SOMCHAI_CARD, dopa=Broken(), issuer=issuer, subject_did=wallet_key.did)
    assert result.credential is None
    assert [p.code for p in result.problems] == ["registry.unavailable"]


def test_through_the_gdx_wire(issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey) -> None:
    with GdxTestServer() as server:
        client = GdxDopaClient(server.base_url, server.consumer_key, server.consumer_secret, AGENT_ID, insecure=True)
        good = proof_citizen(SOMCHAI_CARD, dopa=client, issuer=issuer, subject_did=wallet_key.did)
        bad = proof_citizen(
            CardData("3999900001059", ThaiName(given_th="ประเสริฐ", family_th="มั่นคง"), "25050315", "ZX0001000005"),
            dopa=client,
            issuer=issuer,
            subject_did=wallet_key.did,
        )
        client.close()
    assert good.ok
    assert bad.credential is None and "บัตรหมดอายุ" in bad.problems[0].detail


def test_face_and_liveness_reach_ial_2_3(
    dopa: FakeDopa, issuer: thaivc.Issuer, verifier: thaivc.Verifier, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(
        SOMCHAI_CARD,
        dopa=dopa,
        face=dopa,
        face_image_ref="img:somchai:live",
        liveness=True,
        issuer=issuer,
        subject_did=wallet_key.did,
        min_ial="2.3",
    )
    assert result.ok
    assert str(result.ial) == "2.3"
    doc = verifier.verify(result.credential)
    assert doc["credentialSubject"]["ial"] == "2.3"
    assert doc["credentialSubject"]["id"] == wallet_key.did
    decision = AssurancePolicy(min_ial="2.3").evaluate(
        doc["credentialSubject"]["ial"], Evidence.from_vc_evidence(doc["evidence"])
    )
    assert decision.ok, decision.detail


@pytest.mark.parametrize("image", ["img:somchai:other-person", "img:somchai:blurred", "img:unknown"])
def test_face_mismatch_issues_nothing(
    image: str, dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(
        SOMCHAI_CARD, dopa=dopa, face=dopa, face_image_ref=image, issuer=issuer, subject_did=wallet_key.did
    )
    assert result.credential is None
    assert [p.code for p in result.problems] == ["registry.rejected"]
    assert [e.type for e in result.evidence.items] == ["dopa_card_status", "face_match"]


def test_face_service_error_is_unavailable(
    dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    class DownFace:
        def verify_face(self, citizen_id: str, image_ref: str) -> FaceMatchResult:
            raise Indeterminate("registry.unavailable", "face service timed out")

    result = proof_citizen(
        SOMCHAI_CARD, dopa=dopa, face=DownFace(), face_image_ref="x", issuer=issuer, subject_did=wallet_key.did
    )
    assert result.credential is None
    assert [p.code for p in result.problems] == ["registry.unavailable"]


def test_face_without_image_is_a_usage_error(
    dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(SOMCHAI_CARD, dopa=dopa, face=dopa, issuer=issuer, subject_did=wallet_key.did)
    assert result.credential is None
    assert [p.code for p in result.problems] == ["usage.invalid_argument"]


@pytest.mark.parametrize("liveness", [False, LivenessEvidence(passed=False, method="active")])
def test_failed_liveness_issues_nothing(
    liveness: bool | LivenessEvidence, dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(
        SOMCHAI_CARD,
        dopa=dopa,
        face=dopa,
        face_image_ref="img:somchai:live",
        liveness=liveness,
        issuer=issuer,
        subject_did=wallet_key.did,
    )
    assert result.credential is None
    assert [p.code for p in result.problems] == ["assurance.too_low"]


def test_min_ial_refuses_a_weaker_credential(
    dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(SOMCHAI_CARD, dopa=dopa, issuer=issuer, subject_did=wallet_key.did, min_ial="2.3")
    assert result.credential is None
    assert str(result.ial) == "1.3"
    assert result.problems[0].code == "assurance.too_low"
    assert "face_match_dopa" in result.problems[0].detail


def test_malformed_card_never_reaches_dopa(issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey) -> None:
    class Recorder:
        calls = 0

        def check_card(self, *args: object) -> CardCheckResult:
            Recorder.calls += 1
            raise AssertionError("must not be called")

    for card in (
        CardData("1999900001011", ThaiName(given_th="สมชาย", family_th="ใจดี"), "25380812", "ZX0001000001"),
        CardData("1999900001010", ThaiName(given_th="สมชาย", family_th="ใจดี"), "19950812", "ZX0001000001"),
        CardData("1999900001010", ThaiName(given_th="สมชาย"), "25380812", "ZX0001000001"),
    ):
        result = proof_citizen(card, dopa=Recorder(), issuer=issuer, subject_did=wallet_key.did)
        assert result.credential is None and result.problems[0].code.startswith("thai.")
    assert Recorder.calls == 0


def test_unsupported_format_issues_nothing(
    dopa: FakeDopa, issuer: thaivc.Issuer, wallet_key: thaivc.PrivateKey
) -> None:
    result = proof_citizen(SOMCHAI_CARD, dopa=dopa, issuer=issuer, subject_did=wallet_key.did, format="jwt-1.1")
    assert result.credential is None
    assert result.problems[0].code == "usage.unsupported_format"


# -- juristic persons -----------------------------------------------------------------------------

INACTIVE = [
    (e["profile"]["JuristicID"], e["profile"]["JuristicStatus"])
    for e in FakeDbd().fixture["juristic_persons"]
    if e["profile"]["JuristicStatus"] != ACTIVE_STATUS
]


def _with_status(status: str) -> FakeDbd:
    """The demo company, with its DBD status replaced."""
    import copy

    fixture = copy.deepcopy(dict(FakeDbd().fixture))
    entry = next(e for e in fixture["juristic_persons"] if e["profile"]["JuristicID"] == "0995562000018")
    entry["profile"]["JuristicStatus"] = status
    fixture["juristic_persons"] = [entry]
    return FakeDbd(fixture)


@pytest.mark.parametrize(
    "status", [*sorted(set(JURISTIC_STATUSES) - {ACTIVE_STATUS}), "ฟื้นฟูกิจการ", "คืนสู่ทะเบียน", "active", ""]
)
def test_every_non_active_status_is_refused(status: str, issuer: thaivc.Issuer) -> None:
    with pytest.raises(ThaiVCError) as err:
        issue_juristic("0995562000018", dbd=_with_status(status), issuer=issuer)
    assert err.value.code in {"authority.entity_inactive", "registry.unavailable"}
    if status:
        assert err.value.code == "authority.entity_inactive"


def test_the_same_company_active_is_issued(issuer: thaivc.Issuer) -> None:
    assert issue_juristic("0995562000018", dbd=_with_status(ACTIVE_STATUS), issuer=issuer).company.is_active


@pytest.mark.parametrize(("juristic_id", "status"), INACTIVE)
def test_inactive_companies_are_refused(juristic_id: str, status: str, dbd: FakeDbd, issuer: thaivc.Issuer) -> None:
    with pytest.raises(ThaiVCError) as err:
        issue_juristic(juristic_id, dbd=dbd, issuer=issuer)
    assert err.value.code == "authority.entity_inactive"
    assert status in err.value.detail


def test_active_company_is_issued_and_verifies(dbd: FakeDbd, issuer: thaivc.Issuer, verifier: thaivc.Verifier) -> None:
    issued = issue_juristic("0995562000018", dbd=dbd, issuer=issuer, subject_did="did:example:siam-banchee")
    doc = verifier.verify(issued.credential)
    assert doc["credentialSubject"]["juristicId"] == "0995562000018"
    assert doc["credentialSubject"]["source"] == "dbd:fake"
    assert doc["credentialSubject"]["retrievedAt"] == "2026-06-01T00:00:00Z"
    assert issued.company.is_active


def test_unknown_company_is_not_found(dbd: FakeDbd, issuer: thaivc.Issuer) -> None:
    with pytest.raises(ThaiVCError) as err:
        issue_juristic("0995599000011", dbd=dbd, issuer=issuer)
    assert err.value.code == "registry.not_found"


def test_juristic_via_gdx_and_registry_down(issuer: thaivc.Issuer) -> None:
    with GdxTestServer() as server:
        client = GdxDbdClient(server.base_url, server.consumer_key, server.consumer_secret, AGENT_ID, insecure=True)
        issued = issue_juristic("0997563000170", dbd=client, issuer=issuer)
        client.close()
    assert issued.document["credentialSubject"]["source"] == "dbd:gdx"
    down = GdxDbdClient(unused_loopback_url(), "key", "secret", AGENT_ID, timeout=0.5, retries=0, insecure=True)
    with pytest.raises(Indeterminate) as err:
        issue_juristic("0997563000170", dbd=down, issuer=issuer)
    down.close()
    assert err.value.code == "registry.unavailable"


def test_dbd_adapter_crash_is_unavailable(issuer: thaivc.Issuer) -> None:
    class Broken:
        def lookup(self, juristic_id: str) -> Any:
            raise KeyError("ResultList")

    with pytest.raises(Indeterminate) as err:
        issue_juristic("0995562000018", dbd=Broken(), issuer=issuer)
    assert err.value.code == "registry.unavailable"
