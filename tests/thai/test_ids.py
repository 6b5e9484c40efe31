"""Citizen and juristic IDs: check digits, strictness, explicit folding, categories and types."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core.errors import InputError
from thaivc.thai import (
    CITIZEN_ID_CATEGORIES,
    CitizenIdCategory,
    check_digit,
    citizen_id_category,
    is_valid_citizen_id,
    is_valid_juristic_id,
    juristic_type,
    juristic_type_from_code,
    normalize_id,
    validate_citizen_id,
)

# Real juristic IDs with published check digits, plus synthetic citizen IDs.
KNOWN_JURISTIC = ["0107544000108", "0105537086874"]
SYNTHETIC_CITIZENS = [p + str(check_digit(p)) for p in ("199990000101", "399990000104", "899990000103", "099990000113")]


def _reference(s: str) -> bool:
    """The mod-11 check digit written out again (docs/thai.md), kept independent of the library."""
    if len(s) != 13 or not s.isdigit():
        return False
    total = sum(int(s[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10 == int(s[12])


@pytest.mark.parametrize("s", KNOWN_JURISTIC + SYNTHETIC_CITIZENS)
def test_valid_ids(s: str) -> None:
    assert is_valid_citizen_id(s)
    assert validate_citizen_id(s) == s


@pytest.mark.parametrize("s", KNOWN_JURISTIC + SYNTHETIC_CITIZENS)
def test_every_single_digit_corruption(s: str) -> None:
    """Every substitution is caught, except the algorithm's documented blind spots."""
    twin_residues = s[12] == "1"  # residues 0 and 10 both give check digit 1
    for i in range(13):
        for d in "0123456789":
            if d == s[i]:
                continue
            corrupted = s[:i] + d + s[i + 1:]
            if i == 2:
                assert is_valid_citizen_id(corrupted), "weight 11: the third digit is never checked"
            elif not twin_residues:
                assert not is_valid_citizen_id(corrupted), (i, d)
            assert is_valid_citizen_id(corrupted) == _reference(corrupted)


@settings(deadline=None)  # no timing assertions in unit tests
@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_agrees_with_reference(s: str) -> None:
    assert is_valid_citizen_id(s) == _reference(s)


@pytest.mark.parametrize(
    "s",
    [
        "๐๑๐๗๕๔๔๐๐๐๑๐๘",  # Thai digits
        "0-1075-44000-10-8",
        "0 1075 44000 10 8",
        "0107544000108 ",
        "\u200b0107544000108",
        "０１０７５４４０００１０８",  # full-width
        "010754400010",
        "01075440001080",
        "",
        None,
        107544000108,
    ],
)
def test_validators_are_strict(s: object) -> None:
    assert not is_valid_citizen_id(s)
    assert not is_valid_juristic_id(s)
    with pytest.raises(InputError) as info:
        validate_citizen_id(s)
    assert info.value.code == "thai.id_invalid"


@pytest.mark.parametrize(
    "typed",
    ["๐๑๐๗๕๔๔๐๐๐๑๐๘", "0-1075-44000-10-8", "0 1075 44000 10 8", "๐-๑๐๗๕-๔๔๐๐๐-๑๐-๘", "0\u00a01075\u201344000108"],
)
def test_normalize_id_folds_explicitly(typed: str) -> None:
    assert normalize_id(typed) == "0107544000108"
    assert not is_valid_juristic_id(typed)


@pytest.mark.parametrize("typed", ["０１０７５４４０００１０８", "01075440001O8", "0107544000108\u200b", "12345", "٠١٠٧٥٤٤٠٠٠١٠٨"])
def test_normalize_id_refuses_other_characters(typed: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_id(typed)
    assert info.value.code == "thai.id_invalid"


def test_normalize_does_not_check_the_digit() -> None:
    assert normalize_id("0107544000109") == "0107544000109"
    assert not is_valid_juristic_id("0107544000109")


def test_juristic_requires_leading_zero_by_default() -> None:
    citizen = SYNTHETIC_CITIZENS[0]
    assert not is_valid_juristic_id(citizen)
    assert is_valid_juristic_id(citizen, require_leading_zero=False)


@pytest.mark.parametrize(
    ("digit", "thai_national"),
    [("1", True), ("2", True), ("3", None), ("4", None), ("5", True), ("6", False), ("7", False), ("8", False), ("0", False)],
)
def test_citizen_categories(digit: str, thai_national: bool | None) -> None:
    prefix = digit + "99990000101"
    category = citizen_id_category(prefix + str(check_digit(prefix)))
    assert category is not None and category.code == digit
    assert category.likely_thai_national is thai_national
    assert category.description_th and category.description_en


def test_category_unknown_digit_and_invalid_id() -> None:
    prefix = "999990000101"
    assert citizen_id_category(prefix + str(check_digit(prefix))) is None
    valid = SYNTHETIC_CITIZENS[0]
    with pytest.raises(InputError):
        citizen_id_category(valid[:12] + str((int(valid[12]) + 1) % 10))


def test_category_table_is_configurable() -> None:
    table = dict(CITIZEN_ID_CATEGORIES)
    table["0"] = CitizenIdCategory("0", "ทดสอบ", "test", None)
    prefix = "099990000113"
    cid = prefix + str(check_digit(prefix))
    assert citizen_id_category(cid, table=table).likely_thai_national is None  # type: ignore[union-attr]
    assert citizen_id_category(cid).likely_thai_national is False  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("t", "th", "en"),
    [
        ("2", "ห้างหุ้นส่วนสามัญนิติบุคคล", "registered ordinary partnership"),
        ("3", "ห้างหุ้นส่วนจำกัด", "limited partnership"),
        ("5", "บริษัทจำกัด", "private limited company"),
        ("7", "บริษัทมหาชนจำกัด", "public limited company"),
    ],
)
def test_juristic_types(t: str, th: str, en: str) -> None:
    prefix = f"099{t}56200001"
    kind = juristic_type(prefix + str(check_digit(prefix)))
    assert kind is not None and (kind.code, kind.name_th, kind.name_en) == (t, th, en)
    assert juristic_type_from_code(t) == kind


@pytest.mark.parametrize("t", ["0", "1", "4", "6", "8", "9"])
def test_other_type_digits_are_none(t: str) -> None:
    prefix = f"099{t}56200001"
    assert juristic_type(prefix + str(check_digit(prefix))) is None


def test_real_juristic_types() -> None:
    assert juristic_type("0107544000108").code == "7"  # type: ignore[union-attr]
    assert juristic_type("0105537086874").code == "5"  # type: ignore[union-attr]
