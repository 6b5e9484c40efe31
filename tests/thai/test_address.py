"""ThaiAddress: prefix stripping, Bangkok, DBD rows."""

from __future__ import annotations

import pytest

from thaivc.core.errors import InputError
from thaivc.thai import BANGKOK, DEFAULT_PREFIXES, ThaiAddress

DBD_ROW = {
    "AddressName": "สำนักงานใหญ่", "FullAddress": "123/1 ถ.พหลโยธิน", "Building": None, "RoomNo": None, "Floor": None,
    "VillageName": None, "AddressNo": "123/1", "Moo": None, "Soi": None, "Road": "พหลโยธิน", "Tumbol": "จตุจักร",
    "Ampur": "จตุจักร", "Province": "กรุงเทพมหานคร", "Phone": None, "Email": None,
}


def test_dbd_row() -> None:
    a = ThaiAddress.from_dbd(DBD_ROW)
    assert (a.house_no, a.road, a.tambon, a.amphoe, a.province) == ("123/1", "พหลโยธิน", "จตุจักร", "จตุจักร", BANGKOK)
    assert a.label == "สำนักงานใหญ่" and a.full_text == "123/1 ถ.พหลโยธิน" and a.postcode is None
    assert a.is_bangkok
    assert a.display_th() == "123/1 ถนนพหลโยธิน แขวงจตุจักร เขตจตุจักร กรุงเทพมหานคร"
    assert "moo" not in a.as_dict() and a.as_dict()["tambon"] == "จตุจักร"


@pytest.mark.parametrize(
    ("field", "raw", "bare"),
    [
        ("tambon", "ตำบลสุเทพ", "สุเทพ"),
        ("tambon", "ต.สุเทพ", "สุเทพ"),
        ("tambon", "แขวง จตุจักร", "จตุจักร"),
        ("amphoe", "อำเภอเมืองเชียงใหม่", "เมืองเชียงใหม่"),
        ("amphoe", "อ.เมืองเชียงใหม่", "เมืองเชียงใหม่"),
        ("amphoe", "เขตบางรัก", "บางรัก"),
        ("province", "จังหวัดเชียงใหม่", "เชียงใหม่"),
        ("province", "จ.เชียงใหม่", "เชียงใหม่"),
        ("province", "กทม.", BANGKOK),
        ("province", "กรุงเทพฯ", BANGKOK),
        ("moo", "หมู่ที่ 3", "3"),
        ("soi", "ซ.สุขุมวิท 39", "สุขุมวิท 39"),
        ("road", "ถนนสีลม", "สีลม"),
        ("tambon", "ตำบล", "ตำบล"),  # a bare prefix is kept, not emptied
        ("tambon", "ถนนเพชรบุรี", "ถนนเพชรบุรี"),  # a real แขวง name that starts with ถนน
    ],
)
def test_prefix_stripping(field: str, raw: str, bare: str) -> None:
    assert getattr(ThaiAddress.create(**{field: raw}), field) == bare


def test_provincial_display() -> None:
    a = ThaiAddress.create(
        house_no="88", moo="หมู่ที่ 3", road="ถ.ห้วยแก้ว", tambon="ตำบลสุเทพ", amphoe="อำเภอเมืองเชียงใหม่",
        province="จังหวัดเชียงใหม่", postcode="50200",
    )
    assert not a.is_bangkok
    assert a.display_th() == "88 หมู่ที่ 3 ถนนห้วยแก้ว ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200"


def test_prefixes_are_configurable() -> None:
    prefixes = dict(DEFAULT_PREFIXES)
    prefixes["tambon"] = ()
    assert ThaiAddress.create(tambon="ตำบลสุเทพ", prefixes=prefixes).tambon == "ตำบลสุเทพ"


@pytest.mark.parametrize(
    "kwargs",
    [{"postcode": "5020"}, {"postcode": "๕๐๒๐๐"}, {"road": "สี\u202eลม"}, {"unknown": "x"}, {"road": 5}],
)
def test_invalid_addresses(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError) as info:
        ThaiAddress.create(**kwargs)  # type: ignore[arg-type]
    assert info.value.code in {"thai.address_invalid", "text.forbidden_char"}


def test_dbd_row_with_wrong_types_is_refused() -> None:
    with pytest.raises(InputError):
        ThaiAddress.from_dbd({**DBD_ROW, "Moo": 3})
    with pytest.raises(InputError):
        ThaiAddress.from_dbd(["not", "a", "row"])  # type: ignore[arg-type]
