"""Variants of the reference clauses as DBD actually writes them, and clauses that must go to review."""

from __future__ import annotations

import pytest

from thaivc.authority import DEFAULT_TITLES, DirectorName, parse_clause
from thaivc.core.errors import UsageError

from ._rules import B, D, P, branches, expect
from .test_authority_clauses import E3, E5, E9, E12, EXPECTED, FIN


@pytest.mark.parametrize("text", [
    "กรรมการ 2 คน ลงลายมือชื่อร่วมกัน และประทับตราสำคัญของบริษัท",
    "กรรมการ ๒ คนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท",
    "กรรมการสองคนลงลาย\nมือชื่อร่วมกันและประทับ ตราสำคัญของบริษัท",
    "  กรรมการสองคน\r\nลงลายมือชื่อร่วมกัน\tและประทับตราสำคัญของบริษัท  ",
    "กรรมการ\u200bสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท",
    "ให้กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท",
    "อำนาจกรรมการ: กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท",
])
def test_e1_spacing_numeral_and_row_join_variants(text: str) -> None:
    assert branches(parse_clause(text)) == EXPECTED["E1"]


def test_jointly_before_the_verb() -> None:
    assert branches(parse_clause("กรรมการสองคนร่วมกันลงลายมือชื่อ")) == expect(B("always", 2, [D, D], "unspecified"))


def test_e3_without_any_spaces() -> None:
    text = E3.replace(" ", "")
    assert branches(parse_clause(text)) == EXPECTED["E3"]


def test_e5_without_spaces_and_with_thai_numerals_in_count() -> None:
    assert branches(parse_clause(E5.replace(" ", ""))) == EXPECTED["E5"]
    assert branches(parse_clause(E5.replace("สองในห้า", "2 ใน 5"))) == EXPECTED["E5"]


def test_abbreviated_and_plain_placeholder_names_are_the_same_person() -> None:
    assert parse_clause("นาย ก. ลงลายมือชื่อ").branches == parse_clause("นาย ก ลงลายมือชื่อ").branches


@pytest.mark.parametrize("title", ["นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ดร.", "ศ.", "รศ.", "ผศ.", "พล.ต.อ.",
                                   "ว่าที่ร้อยตรี ดร.", "ศ.ดร.", "ม.ร.ว.", "พันตำรวจเอก"])
def test_titles_and_ranks_are_stripped(title: str) -> None:
    rule = parse_clause(f"{title} สมชาย ใจดี หรือ {title}สมศรี มีสุข ลงลายมือชื่อและประทับตราสำคัญของบริษัท")
    assert branches(rule) == expect(B("always", 1, [P("สมชาย ใจดี", "สมศรี มีสุข")], "required"))


def test_title_list_is_configurable() -> None:
    text = "คุณ สมชาย ใจดี ลงลายมือชื่อ"
    assert parse_clause(text).needs_review
    rule = parse_clause(text, titles=(*DEFAULT_TITLES, "คุณ"))
    assert branches(rule) == expect(B("always", 1, [P("สมชาย ใจดี")], "unspecified"))


def test_title_is_not_stripped_from_inside_a_name() -> None:
    # "นายิกา" starts with the letters of "นาย" but is a given name, not a title
    rule = parse_clause("นางสาว นายิกา ดีงาม ลงลายมือชื่อ")
    assert branches(rule) == expect(B("always", 1, [P("นายิกา ดีงาม")], "unspecified"))


@pytest.mark.parametrize(("phrase", "seal"), [
    ("และประทับตราสำคัญของบริษัท", "required"),
    ("พร้อมประทับตราสำคัญของบริษัท", "required"),
    ("โดยไม่ต้องประทับตรา", "not_required"),
    ("ไม่ต้องประทับตราสำคัญ", "not_required"),
    ("โดยไม่ต้องประทับตราสำคัญของบริษัท", "not_required"),
    ("", "unspecified"),
])
def test_seal_phrases(phrase: str, seal: str) -> None:
    rule = parse_clause(f"กรรมการสองคนลงลายมือชื่อร่วมกัน{phrase}")
    assert branches(rule) == expect(B("always", 2, [D, D], seal))


def test_e9_with_yokwen_instead_of_wentae() -> None:
    assert branches(parse_clause(E9.replace("เว้นแต่", "ยกเว้น"))) == EXPECTED["E9"]


def test_withdrawal_without_replacement_leaves_only_the_except_branch() -> None:
    rule = parse_clause("กรรมการคนใดคนหนึ่งลงลายมือชื่อ ไม่รวมถึงการทำธุรกรรมทางการเงิน")
    assert branches(rule) == expect(B("except", 1, [D], "unspecified", FIN))


@pytest.mark.parametrize(("amount", "lo"), [
    ("เกิน 1,000,000 บาท", 1_000_001),
    ("เกิน ๑,๐๐๐,๐๐๐ บาท", 1_000_001),
    ("เกินกว่าหนึ่งล้านบาท", 1_000_001),
    ("ตั้งแต่ 1 ล้านบาทขึ้นไป", 1_000_000),
    ("เกินหนึ่งล้านห้าแสนบาท", 1_500_001),
])
def test_value_thresholds(amount: str, lo: int) -> None:
    text = E12.replace("เกินหนึ่งล้านบาท", amount)
    rule = parse_clause(text)
    scope = {"text_th": f"นิติกรรมที่มีมูลค่า{amount}", "tags": [], "min_value_thb": lo}
    assert branches(rule) == expect(B("except", 1, [D], "required", scope), B("only", 2, [D, D], "required", scope))


def test_upper_bound_threshold() -> None:
    rule = parse_clause("กรรมการสองคนลงลายมือชื่อร่วมกัน เว้นแต่นิติกรรมที่มีมูลค่าไม่เกิน 50,000 บาท ให้กรรมการคนใดคนหนึ่งลงลายมือชื่อ")
    scope = {"text_th": "นิติกรรมที่มีมูลค่าไม่เกิน 50,000 บาท", "tags": [], "max_value_thb": 50_000}
    assert branches(rule) == expect(B("except", 2, [D, D], "unspecified", scope), B("only", 1, [D], "unspecified", scope))


def test_addition_with_dai_duay_keeps_the_general_rule() -> None:
    rule = parse_clause("กรรมการสองคนลงลายมือชื่อร่วมกัน ทั้งนี้ สำหรับการดำเนินคดี ให้นาย ก ลงลายมือชื่อได้ด้วย")
    lit = {"text_th": "การดำเนินคดี", "tags": ["litigation"]}
    assert branches(rule) == expect(B("always", 2, [D, D], "unspecified"), B("only", 1, [P("ก")], "unspecified", lit))


def test_numbered_groups_with_dai_kae() -> None:
    rule = parse_clause("กลุ่ม 1 ได้แก่ นาย ก นาย ข กลุ่ม 2 ได้แก่ นาย ค และนาย ง "
                        "กรรมการกลุ่ม 1 คนใดคนหนึ่งลงลายมือชื่อร่วมกับกรรมการกลุ่ม 2 คนใดคนหนึ่ง")
    assert branches(rule) == expect(B("always", 2, [P("ก", "ข", group="1"), P("ค", "ง", group="2")], "unspecified"))


def test_group_letters_without_parentheses() -> None:
    rule = parse_clause("กลุ่ม ก 1. นาย ก 2. นาย ข กลุ่ม ข 1. นาย ค กรรมการกลุ่ม ก สองคนลงลายมือชื่อร่วมกัน")
    assert branches(rule) == expect(B("always", 2, [P("ก", "ข", group="ก"), P("ก", "ข", group="ก")], "unspecified"))


def test_names_bind_to_directors_with_their_citizen_ids() -> None:
    directors = [DirectorName(name_th="นาย สมชาย ใจดี", citizen_id="1101700203450"),
                 DirectorName(name_th="นางสาว สมศรี มีสุข")]
    # a row join split the first name; the directors list still identifies him
    rule = parse_clause("นายสม ชาย ใจดี ลงลายมือชื่อร่วมกับ นางสาวสมศรี  มีสุข", directors)
    assert branches(rule) == expect(B("always", 2, [
        {"any_of": [{"name_th": "สมชาย ใจดี", "citizen_id": "1101700203450"}]}, P("สมศรี มีสุข")], "unspecified"))


def test_directors_given_as_plain_strings() -> None:
    rule = parse_clause("นาย สมชาย ใจดี ลงลายมือชื่อ", ["นาย สมชาย ใจดี"])
    assert branches(rule) == expect(B("always", 1, [P("สมชาย ใจดี")], "unspecified"))


@pytest.mark.parametrize(("text", "directors", "why"), [
    ("นาย สมชาย ใจดี ลงลายมือชื่อ", ["นาย ปรีชา ฉลาด"], "not among the directors"),
    ("นาย สมชาย ใจดี ลงลายมือชื่อ", ["นาย สมชาย ใจดี", "ดร. สมชาย ใจดี"], "more than one director"),
    ("กรรมการสองคนลงลายมือชื่อร่วมกันตามที่ที่ประชุมกำหนด", None, "unrecognised"),
    ("นาย ก ลงลายมือชื่อ หรือกรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท", None, "seal"),
    ("นาย ก ลงลายมือชื่อร่วมกับ นาย ข รวมเป็นสามคน", None, "in total"),
    ("นาย ก หรือ นาย ข และ นาย ค ลงลายมือชื่อร่วมกัน", None, "grouping"),
    ("นาย ก นาย ข ลงลายมือชื่อร่วมกัน", None, "grouping"),
    ("นาย ก นาย ข นาย ค นาย ง สองในห้าคนนี้ลงลายมือชื่อร่วมกัน", None, "does not fit"),
    ("นาย ก ลงลายมือชื่อร่วมกัน", None, "single"),
    ("นาย ก ลงลายมือชื่อร่วมกับ นาย ข หรือ นาย ค หรือ นาย ง ลงลายมือชื่อ", None, "more than one way"),
    ("กรรมการคนใดคนหนึ่งลงลายมือชื่อ เว้นแต่การซื้อขายที่ดิน ให้กรรมการสองคนลงลายมือชื่อร่วมกัน", None, "scope"),
    ("กรรมการคนหนึ่งลงลายมือชื่อ เว้นแต่ธุรกรรมทางการเงิน ให้กรรมการสองคนลงลายมือชื่อร่วมกัน "
     "ยกเว้นการดำเนินคดี ให้นาย ก ลงลายมือชื่อ", None, "more than one"),
    ("(1) กรรมการสองคนลงลายมือชื่อร่วมกัน (2) การดำเนินคดีให้นาย ก ลงลายมือชื่อ", None, "adds to or replaces"),
    ("(2) กรรมการสองคนลงลายมือชื่อร่วมกัน", None, "in order"),
    ("กรรมการกลุ่ม (ก) สองคนลงลายมือชื่อร่วมกัน", None, "never defined"),
    ("หุ้นส่วนผู้จัดการ: นาย ก, นาย ข; ข้อจำกัดอำนาจหุ้นส่วนผู้จัดการ: ไม่มี", None, "several managing partners"),
    ("หุ้นส่วนผู้จัดการ: นาย ก; ข้อจำกัดอำนาจหุ้นส่วนผู้จัดการ: ต้องได้รับความยินยอมจากหุ้นส่วนทุกคน", None, "limited"),
    ("นิติกรรมที่มีมูลค่าเกินห้าสิบห้าสิบบาท", None, "unrecognised"),
    ("กรรมการคนหนึ่งลงลายมือชื่อ เว้นแต่นิติกรรมที่มีมูลค่าเกิน" + "9" * 30 + " บาท ให้กรรมการสองคนลงลายมือชื่อร่วมกัน",
     None, "amount"),
    ("กรรมการสองคนลงลายมือชื่อร่วมกัน ทั้งนี้ สำหรับการดำเนินคดี ให้นาย ก ลงลายมือชื่อ", None, "adds to or replaces"),
    ("นาย " + "ก" * 200 + " ลงลายมือชื่อ", None, "where the name ends"),
    ("นาย สมชาย ใจดีไม่มีอำนาจลงลายมือชื่อ", None, "where the name ends"),
    ("นาย สมชาย ใจดีเว้นแต่กรณีฉุกเฉินลงลายมือชื่อ", None, "scope"),
    ("", None, "empty"),
    ("ลงลายมือชื่อ", None, "expected"),
    ("นาย ลงลายมือชื่อ", None, "title without a name"),
])
def test_unreadable_clauses_go_to_review(text: str, directors: list[str] | None, why: str) -> None:
    rule = parse_clause(text, directors)
    assert rule.needs_review
    assert rule.branches == []
    assert why in (rule.review_reason or ""), rule.review_reason
    assert rule.raw_clause_th == text


def test_overlong_clause_goes_to_review_unread() -> None:
    rule = parse_clause("กรรมการสองคนลงลายมือชื่อร่วมกัน " * 400)
    assert rule.needs_review and "longer" in (rule.review_reason or "")


def test_raw_clause_is_kept_verbatim() -> None:
    text = "กรรมการ ๒ คน\nลงลายมือชื่อร่วมกัน  และประทับตราสำคัญของบริษัท"
    assert parse_clause(text).raw_clause_th == text


def test_non_string_clause_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as exc:
        parse_clause(b"\xe0\xb8\x81")  # type: ignore[arg-type]
    assert exc.value.code == "usage.invalid_argument"


@pytest.mark.parametrize(("text", "k"), [
    ("นาย ก นาย ข นาย ค กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท", 2),
    ("นาย ก, นาย ข และนาย ค กรรมการ 2 คนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท", 2),
    ("นาย ก หรือ นาย ข หรือ นาย ค คนใดคนหนึ่งลงลายมือชื่อและประทับตราสำคัญของบริษัท", 1),
    ("นาย ก นาย ข นาย ค กรรมการคนใดคนหนึ่งลงลายมือชื่อและประทับตราสำคัญของบริษัท", 1),
])
def test_k_of_the_listed_people(text: str, k: int) -> None:
    assert branches(parse_clause(text)) == expect(B("always", k, [P("ก", "ข", "ค")] * k, "required"))


@pytest.mark.parametrize("text", [
    "นาย ก กรรมการสองคนลงลายมือชื่อร่วมกัน",
    "นาย ก นาย ข กรรมการสามคนลงลายมือชื่อร่วมกัน",
])
def test_count_that_does_not_fit_the_list_goes_to_review(text: str) -> None:
    assert parse_clause(text).needs_review


def test_custom_titles_also_apply_to_the_directors_list() -> None:
    titles = (*DEFAULT_TITLES, "คุณ")
    rule = parse_clause("คุณ สมชาย ใจดี ลงลายมือชื่อ", [DirectorName(name_th="คุณ สมชาย ใจดี")], titles=titles)
    assert branches(rule) == expect(B("always", 1, [P("สมชาย ใจดี")], "unspecified"))


def test_or_after_an_object_is_split_where_only_one_reading_works() -> None:
    rule = parse_clause("นาย ก ลงลายมือชื่อร่วมกับนาย ข หรือ นาย ค ลงลายมือชื่อร่วมกับนาย ง")
    assert branches(rule) == expect(B("always", 2, [P("ก"), P("ข")], "unspecified"),
                                    B("always", 2, [P("ค"), P("ง")], "unspecified"))
    rule = parse_clause("นาย ก ลงลายมือชื่อร่วมกับ นาย ข หรือ นาย ค")
    assert branches(rule) == expect(B("always", 2, [P("ก"), P("ข", "ค")], "unspecified"))
    rule = parse_clause("นาย ก ลงลายมือชื่อร่วมกับนาย ข หรือ นาย ค รวมเป็นสองคน หรือ นาย ง ลงลายมือชื่อ")
    assert branches(rule) == expect(B("always", 2, [P("ก"), P("ข", "ค")], "unspecified"),
                                    B("always", 1, [P("ง")], "unspecified"))
