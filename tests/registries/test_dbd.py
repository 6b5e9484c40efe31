"""parse_dbd_profile on the exact GDX shape, and FakeDbd fixture coverage."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.registries.dbd import (
    ACTIVE_STATUS,
    JURISTIC_STATUSES,
    DbdRegistry,
    FakeDbd,
    GdxDbdClient,
    parse_dbd_profile,
)
from thaivc.thai import BANGKOK, is_valid_juristic_id

# a DBD profile as GDX sends it (docs/thai.md), with a valid-checksum synthetic ID
SAMPLE = {
    "ResultList": [
        {
            "JuristicType": "5", "JuristicID": "0995562000018", "OldJuristicID": None, "RegisterDate": "25620829",
            "JuristicName_TH": "ทดสอบ จำกัด", "JuristicName_EN": "TEST COMPANY", "RegisterCapital": "5000000",
            "PaidRegisterCapital": "5000000", "NumberOfObjective": "22", "NumberOfPageOfObjective": "1",
            "JuristicStatus": "ยังดำเนินกิจการอยู่", "StandardID": "41002",
            "CommitteeInformations": [{"Sequence": 1, "FirstName": "ทดสอบ", "LastName": "ข้อมูล", "Title": "นาย", "Type": "K"}],
            "AuthorizeDescriptions": [
                {"Sequence": 2, "AuthorizeDescription": "และประทับตราสำคัญของบริษัท", "Type": "L"},
                {"Sequence": 1, "AuthorizeDescription": "กรรมการคนใดคนหนึ่งลงลายมือชื่อ", "Type": "L"},
            ],
            "StandardObjectives": [{"Sequence": None, "ObjectiveDescription": "…"}],
            "AddressInformations": [
                {"AddressName": "สำนักงานใหญ่", "FullAddress": "123/1 ถ.พหลโยธิน", "Building": None, "RoomNo": None,
                 "Floor": None, "VillageName": None, "AddressNo": "123/1", "Moo": None, "Soi": None, "Road": "พหลโยธิน",
                 "Tumbol": "จตุจักร", "Ampur": "จตุจักร", "Province": "กรุงเทพมหานคร", "Phone": None, "Email": None}
            ],
        }
    ],
    "RawData": "",
}


def test_parse_sample_profile() -> None:
    p = parse_dbd_profile(json.dumps(SAMPLE, ensure_ascii=False))
    assert p.juristic_id == "0995562000018" and p.name_th == "ทดสอบ จำกัด" and p.name_en == "TEST COMPANY"
    assert p.juristic_type is not None and p.juristic_type.name_th == "บริษัทจำกัด"
    assert p.is_active and p.status_en == "active"
    assert p.registered_on is not None and p.registered_on.iso() == "2019-08-29"
    assert (p.registered_capital, p.paid_capital) == (5_000_000, 5_000_000)
    assert p.signing_clause_th == "กรรมการคนใดคนหนึ่งลงลายมือชื่อและประทับตราสำคัญของบริษัท"
    assert [(d.title, d.first_name, d.last_name, d.type) for d in p.directors] == [("นาย", "ทดสอบ", "ข้อมูล", "K")]
    assert p.addresses[0].road == "พหลโยธิน" and p.addresses[0].province == BANGKOK
    assert p.addresses[0].postcode is None and p.standard_id == "41002"


def _mutated(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SAMPLE)
    doc["ResultList"][0].update(changes)
    return doc


@pytest.mark.parametrize(
    "doc",
    [
        _mutated(RegisterCapital="5,000,000"),
        _mutated(RegisterCapital="๕๐๐๐"),
        _mutated(RegisterCapital=-1),
        _mutated(RegisterDate="20190829"),
        _mutated(JuristicID="0995562000019"),
        _mutated(CommitteeInformations=[{"Sequence": 1, "FirstName": "ก", "LastName": "ข", "Title": "นาย", "Type": "X"}]),
        _mutated(CommitteeInformations=[{"Sequence": 1, "FirstName": "", "LastName": "ข", "Title": "นาย", "Type": "K"}]),
        _mutated(CommitteeInformations="none"),
        _mutated(JuristicStatus=None),
        {"ResultList": [SAMPLE["ResultList"][0], SAMPLE["ResultList"][0]], "RawData": ""},
        {"ResultList": "x"},
        [],
    ],
)
def test_malformed_profiles_are_unavailable(doc: Any) -> None:
    with pytest.raises(Indeterminate) as info:
        parse_dbd_profile(doc)
    assert info.value.code == "registry.unavailable"


def test_empty_result_is_not_found() -> None:
    with pytest.raises(ThaiVCError) as info:
        parse_dbd_profile('{"ResultList": [], "RawData": ""}')
    assert info.value.code == "registry.not_found"


def test_missing_result_list_is_unavailable_not_not_found() -> None:
    with pytest.raises(Indeterminate) as info:
        parse_dbd_profile('{"RawData": ""}')
    assert info.value.code == "registry.unavailable"


@pytest.mark.parametrize(
    "rows",
    [
        [{"Sequence": None, "AuthorizeDescription": "a", "Type": "L"},
         {"Sequence": 1, "AuthorizeDescription": "b", "Type": "L"}],
        [{"Sequence": 1, "AuthorizeDescription": "a", "Type": "L"},
         {"Sequence": 1, "AuthorizeDescription": "b", "Type": "L"}],
    ],
)
def test_clause_rows_in_unknown_order_leave_the_clause_unreadable(rows: list[dict[str, Any]]) -> None:
    p = parse_dbd_profile(_mutated(AuthorizeDescriptions=rows))
    assert p.signing_clause_th == "" and p.signing_clause_problem is not None
    assert "Sequence 1 appears twice" in p.signing_clause_problem or "not a whole number" in p.signing_clause_problem


def test_a_lone_clause_row_needs_no_sequence() -> None:
    p = parse_dbd_profile(_mutated(AuthorizeDescriptions=[{"Sequence": None, "AuthorizeDescription": "a", "Type": "L"}]))
    assert p.signing_clause_th == "a" and p.signing_clause_problem is None


def test_duplicate_keys_in_wire_json_are_refused() -> None:
    with pytest.raises(Indeterminate) as info:
        parse_dbd_profile('{"ResultList": [], "ResultList": [{}]}')
    assert info.value.code == "registry.unavailable"


def test_unknown_status_is_kept_but_not_active() -> None:
    p = parse_dbd_profile(_mutated(JuristicStatus="ฟื้นฟูกิจการ"))
    assert p.status_th == "ฟื้นฟูกิจการ" and not p.is_active and p.status_en is None
    lookalike = parse_dbd_profile(_mutated(JuristicStatus=ACTIVE_STATUS + " "))
    assert not lookalike.is_active


# -- FakeDbd fixture -------------------------------------------------------------------------------

def test_fixture_covers_every_type_and_status(fake_dbd: FakeDbd) -> None:
    people = [fake_dbd.lookup(j) for j in fake_dbd.juristic_ids()]
    assert {p.type_code for p in people} == {"2", "3", "5", "7"}
    assert {p.status_th for p in people} >= set(JURISTIC_STATUSES) - {"เสร็จการชำระบัญชี"}
    for p in people:
        assert is_valid_juristic_id(p.juristic_id) and p.juristic_id[1:3] == "99"
        assert p.juristic_type is not None and p.juristic_type.code == p.juristic_id[3]
        assert p.is_active is (p.status_th == ACTIVE_STATUS)
        assert p.signing_clause_th and p.directors and p.addresses
        assert p.registered_on is not None and p.registered_on.precision == "day"


def _by_key(fake_dbd: FakeDbd, key: str) -> Any:
    entry = next(e for e in fake_dbd.fixture["juristic_persons"] if e["key"] == key)
    return entry, fake_dbd.lookup(entry["profile"]["JuristicID"])


def test_demo_company(fake_dbd: FakeDbd) -> None:
    entry, p = _by_key(fake_dbd, "siam_banchee")
    assert p.name_th == "บริษัท สยามบัญชี จำกัด" and p.is_active
    assert p.signing_clause_th == "กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"
    assert len(p.directors) == 2 and all(d.type == "K" for d in p.directors)
    rows = [r for r in entry["profile"]["AuthorizeDescriptions"] if r["Type"] == "L"]
    assert [r["Sequence"] for r in rows] != sorted(r["Sequence"] for r in rows), "fixture rows must be out of order"
    assert p.other_authorizations == {"N": ("ไม่มี",)}


def test_clauses_are_joined_in_sequence_order(fake_dbd: FakeDbd) -> None:
    for entry in fake_dbd.fixture["juristic_persons"]:
        rows = [r for r in entry["profile"]["AuthorizeDescriptions"] if r["Type"] == "L"]
        expected = "".join(r["AuthorizeDescription"] for r in sorted(rows, key=lambda r: r["Sequence"]))
        assert fake_dbd.lookup(entry["profile"]["JuristicID"]).signing_clause_th == expected
    _, e10 = _by_key(fake_dbd, "rungrueang")
    assert e10.signing_clause_th.startswith("(1) นางมณี รุ่งเรือง") and "(2) การทำธุรกรรมต่างๆ" in e10.signing_clause_th


def test_partnership_with_managing_partner(fake_dbd: FakeDbd) -> None:
    _, lp = _by_key(fake_dbd, "changmai_lp")
    assert lp.juristic_type is not None and lp.juristic_type.name_th == "ห้างหุ้นส่วนจำกัด"
    assert [d.full_name_th for d in lp.managing_partners] == ["บุญส่ง ช่างไม้"]
    assert lp.other_authorizations["M"] == ("ไม่มี",)
    assert lp.addresses[0].tambon == "บ้านใหม่" and lp.addresses[0].province == "นนทบุรี"


def test_struck_off_and_public_company(fake_dbd: FakeDbd) -> None:
    _, rang = _by_key(fake_dbd, "rang_co")
    assert rang.status_th == "ร้าง" and not rang.is_active and rang.status_en == "struck off"
    _, pcl = _by_key(fake_dbd, "thai_digital_pcl")
    assert pcl.juristic_type is not None and pcl.juristic_type.code == "7" and pcl.is_active


def test_fake_lookup_errors(fake_dbd: FakeDbd) -> None:
    with pytest.raises(InputError):
        fake_dbd.lookup("0995562000019")
    from thaivc.thai import check_digit

    prefix = "099559999998"
    with pytest.raises(ThaiVCError) as info:
        fake_dbd.lookup(prefix + str(check_digit(prefix)))
    assert info.value.code == "registry.not_found"


def test_implementations_satisfy_protocol(fake_dbd: FakeDbd) -> None:
    assert isinstance(fake_dbd, DbdRegistry)
    assert isinstance(GdxDbdClient("https://gdx.test", "k", "s", "1999900000994"), DbdRegistry)
