"""FakeDopa: every fixture scenario, fixture invariants, and the face fake."""

from __future__ import annotations

from typing import Any

import pytest

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.registries.dopa import (
    DEFAULT_CARD_STATUS_TABLE,
    CardCheckResult,
    CardStatus,
    CardStatusRule,
    DopaCardChecker,
    DopaFaceVerifier,
    FakeDopa,
    GdxDopaClient,
    map_card_status,
)
from thaivc.thai import citizen_id_category, is_valid_citizen_id, is_valid_laser_code, parse_be_date

FIXTURE = FakeDopa().fixture


@pytest.mark.parametrize("example", FIXTURE["examples"], ids=lambda e: f"{e['citizen']}-{e['expect']['status']}")
def test_fixture_example(example: dict[str, Any], fake_dopa: FakeDopa) -> None:
    q = example["query"]
    result = fake_dopa.check_card(
        example["citizen_id"], q["first_name_th"], q["last_name_th"], q["birth_date_be"], q["laser_code"]
    )
    assert result.status is CardStatus[example["expect"]["status"]]
    assert result.code == example["expect"]["code"]
    assert result.reason == example["expect"]["reason"]
    assert result.source == "fake" and result.checked_at is not None
    assert result.ok is (result.status is CardStatus.VALID)


def test_examples_cover_every_dopa_status() -> None:
    covered = {e["expect"]["status"] for e in FIXTURE["examples"]}
    assert covered == {s.name for s in CardStatus} - {"NOT_VALID"}


def test_fixture_citizens_are_synthetic_and_varied() -> None:
    citizens = FIXTURE["citizens"]
    assert len(citizens) >= 12
    ids = [c["citizen_id"] for c in citizens]
    assert len(set(ids)) == len(ids)
    for c in citizens:
        assert is_valid_citizen_id(c["citizen_id"]) and c["citizen_id"][1:5] == "9999"
        assert c["name"]["title_th"] and c["name"]["given_en"] and c["name"]["title_en"]
        laser = c["card"]["laser_code"]
        assert laser is None or (is_valid_laser_code(laser) and laser.startswith("ZX"))
        parse_be_date(c["birth_date_be"])
    precisions = {parse_be_date(c["birth_date_be"]).precision for c in citizens}
    assert "year" in precisions and "day" in precisions
    states = {c["card"]["state"] for c in citizens}
    assert states == {"valid", "expired", "chip_abnormal"}
    assert any(c["card"].get("previous") for c in citizens)
    assert any(c["card"]["laser_code"] is None for c in citizens)
    thai_flags = {citizen_id_category(i).likely_thai_national for i in ids}  # type: ignore[union-attr]
    assert {True, False, None} <= thai_flags


def test_unknown_citizen_answers_laser_not_found(fake_dopa: FakeDopa) -> None:
    prefix = "199999999999"
    from thaivc.thai import check_digit

    cid = prefix + str(check_digit(prefix))
    assert fake_dopa.check_card(cid, "ก", "ข", "25300101", "ZX0000000000").status is CardStatus.LASER_NOT_FOUND


def test_fake_refuses_malformed_input_like_the_client(fake_dopa: FakeDopa) -> None:
    with pytest.raises(InputError) as info:
        fake_dopa.check_card("๑" * 13, "ก", "ข", "25300101", "ZX0000000000")
    assert info.value.code == "thai.id_invalid"


def test_face_verification(fake_dopa: FakeDopa) -> None:
    somchai = next(c for c in FIXTURE["citizens"] if c["key"] == "somchai")
    cid = somchai["citizen_id"]
    live = fake_dopa.verify_face(cid, "img:somchai:live")
    assert live.matched and live.source == "dopa" and live.score == pytest.approx(0.97)
    assert not fake_dopa.verify_face(cid, "img:somchai:other-person").matched
    assert not fake_dopa.verify_face(cid, "img:somchai:blurred").matched
    assert fake_dopa.verify_face(cid, "img:unknown").score == 0.0
    prefix = "199999999998"
    from thaivc.thai import check_digit

    with pytest.raises(ThaiVCError) as info:
        fake_dopa.verify_face(prefix + str(check_digit(prefix)), "img:somchai:live")
    assert info.value.code == "registry.not_found"


def test_face_threshold_is_configurable() -> None:
    lenient = FakeDopa(face_threshold=0.5)
    cid = next(c["citizen_id"] for c in FIXTURE["citizens"] if c["key"] == "somchai")
    assert lenient.verify_face(cid, "img:somchai:blurred").matched


def test_implementations_satisfy_protocols(fake_dopa: FakeDopa) -> None:
    assert isinstance(fake_dopa, DopaCardChecker) and isinstance(fake_dopa, DopaFaceVerifier)
    client = GdxDopaClient("https://gdx.test", "k", "s", "1999900000994")
    assert isinstance(client, DopaCardChecker) and not isinstance(client, DopaFaceVerifier)


@pytest.mark.parametrize(
    ("code", "text", "status", "reason"),
    [
        (0, "สถานะปกติ", CardStatus.VALID, None),
        (1, "Chip No สถานะไม่ปกติ", CardStatus.CHIP_INVALID, None),
        (2, "บัตรสิ้นสภาพการใช้งาน เนื่องจากกรณี การเปลี่ยนที่อยู่", CardStatus.CARD_INVALID, "การเปลี่ยนที่อยู่"),
        (2, "บัตรสิ้นสภาพการใช้งาน เนื่องจากกรณี บัตรสูญหาย", CardStatus.CARD_INVALID, "บัตรสูญหาย"),
        (2, "บัตรสิ้นสภาพการใช้งาน", CardStatus.CARD_INVALID, None),
        (4, "สถานะไม่ปกติ => ไม่พบเลข Laser จาก PID นี้", CardStatus.LASER_NOT_FOUND, None),
        (4, "สถานะไม่ปกติ => ข้อมูลไม่ตรง", CardStatus.DATA_MISMATCH, None),
        (5, "ข้อมูลที่ใช้ในการตรวจสอบไม่ครบ", CardStatus.INCOMPLETE, None),
    ],
)
def test_default_mapping(code: int, text: str, status: CardStatus, reason: str | None) -> None:
    assert map_card_status(code, text) == (status, reason)


def test_unknown_code_is_unmapped_and_mapping_is_configurable() -> None:
    assert map_card_status(3, "x") is None
    table = (*DEFAULT_CARD_STATUS_TABLE, CardStatusRule(3, CardStatus.CARD_INVALID))
    assert map_card_status(3, "x", table=table) == (CardStatus.CARD_INVALID, None)
    with pytest.raises(ThaiVCError) as info:
        CardCheckResult.from_dopa(3, "x", source="test")
    assert info.value.code == "registry.unavailable"
