"""Evidence serialisation, table-driven IAL derivation and the assurance policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from thaivc.assurance import (
    DEFAULT_IAL_TABLE,
    IAL,
    AssurancePolicy,
    DocumentPresentedEvidence,
    DopaCardStatusEvidence,
    Evidence,
    FaceMatchEvidence,
    IALTable,
    LivenessEvidence,
    ThaidLoginEvidence,
    derive_ial,
)
from thaivc.core.clock import FixedClock
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.registries.dopa import FakeDopa

AT = datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
CARD_OK = DopaCardStatusEvidence(code=0, status="valid", source="gdx", at=AT)
CARD_BAD = DopaCardStatusEvidence(code=2, status="card_invalid", source="gdx", at=AT)
FACE_DOPA = FaceMatchEvidence(source="dopa", score=0.97, threshold=0.8, matched=True, at=AT)
FACE_CHIP = FaceMatchEvidence(source="chip", score=0.91, threshold=0.8, matched=True, at=AT)
FACE_FAIL = FaceMatchEvidence(source="dopa", score=0.3, threshold=0.8, matched=False, at=AT)
LIVE = LivenessEvidence(passed=True, method="passive", at=AT)
DEAD = LivenessEvidence(passed=False, at=AT)
CARD_SEEN = DocumentPresentedEvidence(document="thai_id_card", chip_read=True, in_person=True, at=AT)
PASSPORT = DocumentPresentedEvidence(document="passport", in_person=True, at=AT)


@pytest.mark.parametrize(
    ("items", "level"),
    [
        ((), "1.1"),
        ((CARD_BAD,), "1.1"),
        ((DocumentPresentedEvidence(document="thai_id_card"),), "1.2"),
        ((CARD_OK,), "1.3"),
        ((CARD_OK, CARD_SEEN), "2.1"),
        ((CARD_OK, FACE_CHIP), "2.2"),
        ((CARD_OK, FACE_CHIP, LIVE), "2.2"),  # 2.3 needs the DOPA photo
        ((CARD_OK, FACE_DOPA), "2.2"),  # 2.3 needs liveness
        ((CARD_OK, FACE_DOPA, DEAD), "2.2"),
        ((CARD_OK, FACE_DOPA, LIVE), "2.3"),
        ((CARD_BAD, FACE_DOPA, LIVE), "1.1"),
        ((CARD_OK, FACE_FAIL, LIVE), "1.3"),
        ((ThaidLoginEvidence(ial="2.3", at=AT),), "2.3"),
        ((CARD_OK, FACE_DOPA, LIVE, CARD_SEEN, PASSPORT), "3"),
        ((CARD_OK, FACE_DOPA, LIVE, CARD_SEEN), "2.3"),  # one document only
    ],
)
def test_derive_ial(items: tuple, level: str) -> None:  # type: ignore[type-arg]
    assert derive_ial(Evidence.of(*items)) == IAL(level)


def test_table_is_configuration() -> None:
    strict = IALTable.from_json(json.dumps({"1.1": [[]], "2.3": [["dopa_card_status_ok", "face_match_dopa", "liveness"]]}))
    assert derive_ial(Evidence.of(ThaidLoginEvidence()), strict) == IAL("1.1")
    assert derive_ial(Evidence.of(ThaidLoginEvidence())) == IAL("2.3")
    assert IALTable.from_json(json.dumps(DEFAULT_IAL_TABLE.to_json())) == DEFAULT_IAL_TABLE


@pytest.mark.parametrize(
    "text",
    ['{"9": [[]]}', '{"2.3": [["telepathy"]]}', '{"2.3": ["liveness"]}', '{"2.3": [[]], "2.3": [[]]}', "[]"],
)
def test_bad_tables(text: str) -> None:
    with pytest.raises(InputError):
        IALTable.from_json(text)


def test_vc_evidence_round_trip() -> None:
    ev = Evidence.of(CARD_OK, FACE_DOPA, LIVE, CARD_SEEN)
    entries = ev.to_vc_evidence()
    assert [e["type"] for e in entries] == ["dopa_card_status", "face_match", "liveness", "document_presented"]
    assert entries[0] == {"type": "dopa_card_status", "code": 0, "status": "valid", "source": "gdx", "at": "2026-11-25T08:30:00Z"}
    assert entries[1]["source"] == "dopa" and entries[1]["score"] == 0.97
    assert Evidence.from_vc_evidence(json.loads(json.dumps(entries))) == ev
    assert Evidence.from_vc_evidence(entries[0]).items == (CARD_OK,)


@pytest.mark.parametrize(
    "entries",
    [
        [{"type": "magic"}],
        [{"type": "face_match", "source": "selfie", "score": 0.9, "threshold": 0.8, "matched": True}],
        [{"type": "face_match", "source": "dopa", "score": 0.5, "threshold": 0.8, "matched": True}],
        [{"type": "face_match", "source": "dopa", "score": 1.5, "threshold": 0.8, "matched": True}],
        [{"type": "liveness", "passed": True, "extra": 1}],
        [{"type": "dopa_card_status", "status": "valid", "at": "2026-11-25T08:30:00"}],  # naive time
        "dopa_card_status",
    ],
)
def test_bad_evidence(entries: object) -> None:
    with pytest.raises(InputError) as info:
        Evidence.from_vc_evidence(entries)  # type: ignore[arg-type]
    assert info.value.code == "assurance.evidence_invalid"


def test_evidence_from_registry_results() -> None:
    dopa = FakeDopa(clock=FixedClock.at("2026-11-25T08:30:00Z"))
    somchai = next(c for c in dopa.fixture["citizens"] if c["key"] == "somchai")
    card = dopa.check_card(somchai["citizen_id"], "สมชาย", "ใจดี", "25380812", somchai["card"]["laser_code"])
    face = dopa.verify_face(somchai["citizen_id"], "img:somchai:live")
    ev = Evidence.of(DopaCardStatusEvidence.from_result(card), FaceMatchEvidence.from_result(face), LIVE)
    assert ev.items[0].at == AT and ev.items[0].source == "fake"  # type: ignore[union-attr]
    assert derive_ial(ev) == IAL("2.3")


# -- policy ----------------------------------------------------------------------------------------

def test_policy_accepts_supported_claim() -> None:
    decision = AssurancePolicy().evaluate("2.3", Evidence.of(CARD_OK, FACE_DOPA, LIVE))
    assert decision.ok and decision.code is None and decision.effective_ial == IAL("2.3")
    decision.raise_for_status()
    assert decision.to_check().status == "pass" and decision.to_problem() is None


def test_policy_refuses_lower_level_and_names_missing_evidence() -> None:
    decision = AssurancePolicy(min_ial="2.3").evaluate(2.3, Evidence.of(CARD_OK))
    assert not decision.ok and decision.code == "assurance.too_low"
    assert decision.derived_ial == IAL("1.3") and decision.effective_ial == IAL("1.3")
    assert decision.missing == ("face_match_dopa", "liveness")
    assert "face_match_dopa" in decision.detail and "liveness" in decision.detail
    with pytest.raises(ThaiVCError) as info:
        decision.raise_for_status()
    assert info.value.code == "assurance.too_low"
    assert decision.to_check().code == "assurance.too_low"


def test_claim_caps_the_evidence() -> None:
    decision = AssurancePolicy(min_ial="2.2").evaluate("2.1", Evidence.of(CARD_OK, FACE_DOPA, LIVE))
    assert not decision.ok and decision.effective_ial == IAL("2.1") and decision.missing == ()


@pytest.mark.parametrize("claim", ["3.5", "abc", True])
def test_unrankable_claims(claim: object) -> None:
    decision = AssurancePolicy().evaluate(claim, Evidence.of(CARD_OK, FACE_DOPA, LIVE))  # type: ignore[arg-type]
    assert not decision.ok and decision.code == "assurance.invalid"


def test_aal_requirements() -> None:
    policy = AssurancePolicy(min_ial="2.3", min_aal="2.2")
    ev = Evidence.of(CARD_OK, FACE_DOPA, LIVE)
    assert policy.evaluate("2.3", ev, aal="2.2").ok
    assert policy.evaluate("2.3", ev, aal=3).ok
    low = policy.evaluate("2.3", ev, aal="2.1")
    assert low.code == "assurance.too_low" and low.missing == ("aal",)
    assert policy.evaluate("2.3", ev).code == "assurance.too_low"
    assert policy.evaluate("2.3", ev, aal="9").code == "assurance.invalid"


def test_policy_levels_must_be_ranked() -> None:
    with pytest.raises(InputError):
        AssurancePolicy(min_ial="1.9")
    with pytest.raises(InputError):
        AssurancePolicy(min_aal="4")
