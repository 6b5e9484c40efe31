"""Clauses laid out the way DBD exports them: rows joined with stray line breaks, enumerators glued
to names, names glued to keywords. The structures follow published real clauses; the names are
fictitious."""

from __future__ import annotations

import pytest

from thaivc.authority import DirectorName, SignerRef, parse_clause

from ._rules import B, D, P, branches, expect

GROUPS = ("กลุ่ม (ก) 1. นายสมชาย ใจดี2.นายสมศักดิ์ รักไทย 3. นางสาวสมศรี มีสุข 4. นายปรีชา\n"
          "ฉลาดยิ่งกลุ่ม (ข) 1.นายวิชัย กล้าหาญ 2.นายมานพ ขยันดี 3.นายอนันต์ สุขใจ4.นางสาวมาลี\n"
          "งามยิ่ง กรรมการกลุ่ม (ก) สองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท หรือ กรรมการคนใดคนหนึ่งของ\n"
          "กลุ่ม (ก) ลงลายมือชื่อร่วมกับกรรมการคนใดคนหนึ่งของกลุ่ม (ข) รวมเป็นสองคนและประทับตราสำคัญของบริษัท")
A = ("สมชาย ใจดี", "สมศักดิ์ รักไทย", "สมศรี มีสุข", "ปรีชา ฉลาดยิ่ง")
BB = ("วิชัย กล้าหาญ", "มานพ ขยันดี", "อนันต์ สุขใจ", "มาลี งามยิ่ง")

ADDITION = ("(1) นางสมศรี มีสุข หรือ นายสมชาย ใจดีลงลายมือชื่อร่วมกับกรรมการอื่นอีกหนึ่งคน\n"
            "หรือ นายวิชัย กล้าหาญ หรือนายมานพ ขยันดี หรือนายอนันต์ สุขใจ สองในสามคนนี้ลงลายมือชื่อร่วมกัน (2) การทำ\n"
            "ธุรกรรมต่างๆ กับหน่วยงานราชการ หรือการดำเนินคดี นอกจากผู้มีอำนาจตาม (1) แล้วให้นายปรีชา ฉลาดทำหรือ\n"
            "นางมาลี งามยิ่ง ลงลายมือชื่อ")


def test_groups_with_glued_enumerators_and_row_breaks() -> None:
    assert branches(parse_clause(GROUPS)) == expect(
        B("always", 2, [P(*A, group="ก"), P(*A, group="ก")], "required"),
        B("always", 2, [P(*A, group="ก"), P(*BB, group="ข")], "required"),
    )


def test_addition_with_row_breaks_binds_to_directors() -> None:
    # the registry spells one surname with nikhahit + sara aa; the clause uses sara am
    directors = [DirectorName(name_th=n) for n in (
        "นาง สมศรี มีสุข", "นาย สมชาย ใจดี", "นาย วิชัย กล้าหาญ", "นาย มานพ ขยันดี", "นาย อนันต์ สุขใจ",
        "นาย ปรีชา ฉลาดท\u0e4d\u0e32", "นาง มาลี งามยิ่ง", "นาย สมศักดิ์ รักไทย")]
    rule = parse_clause(ADDITION, directors)
    scope = {"text_th": "การทำ ธุรกรรมต่างๆ กับหน่วยงานราชการ หรือการดำเนินคดี", "tags": ["government", "litigation"]}
    assert branches(rule) == expect(
        B("always", 2, [P("สมศรี มีสุข", "สมชาย ใจดี"), D], "unspecified"),
        B("always", 2, [P("วิชัย กล้าหาญ", "มานพ ขยันดี", "อนันต์ สุขใจ")] * 2, "unspecified"),
        B("only", 1, [P("ปรีชา ฉลาดทำ", "มาลี งามยิ่ง")], "unspecified", scope),
    )
    assert rule.allows([SignerRef(name_th="ปรีชา ฉลาดทำ")], act="government").allowed
    assert rule.allows([SignerRef(name_th="นาย ปรีชา ฉลาดท\u0e4d\u0e32")], act="litigation").allowed
    assert not rule.allows([SignerRef(name_th="ปรีชา ฉลาดทำ")], act="financial").allowed


def test_named_person_missing_from_the_directors_list_goes_to_review() -> None:
    text = ("นางสมหญิง ใจงาม และนางสาวสุดาสวยงาม ลงลายมือชื่อร่วมกับ กรรมการอื่นอีกหนึ่งคนและ\n"
            "ประทับตราสำคัญของบริษัท")
    assert branches(parse_clause(text)) == expect(B("always", 3, [P("สมหญิง ใจงาม"), P("สุดาสวยงาม"), D], "required"))
    rule = parse_clause(text, [DirectorName(name_th="นาง สมหญิง ใจงาม"), DirectorName(name_th="นาย ก")])
    assert rule.needs_review and "สุดาสวยงาม" in (rule.review_reason or "")


def test_exception_across_a_row_break() -> None:
    text = ("นางสาวสุดา ใจดี ลงลายมือชื่อ เว้นแต่การทำธุรกรรมทางการเงินให้นางสาวสุดา ใจดี และ\n"
            "นายสมชาย รักดี ลงลายมือชื่อร่วมกัน")
    fin = {"text_th": "การทำธุรกรรมทางการเงิน", "tags": ["financial"]}
    assert branches(parse_clause(text)) == expect(
        B("except", 1, [P("สุดา ใจดี")], "unspecified", fin),
        B("only", 2, [P("สุดา ใจดี"), P("สมชาย รักดี")], "unspecified", fin))


def test_case_wording_in_the_scope() -> None:
    rule = parse_clause("กรรมการคนใดคนหนึ่งลงลายมือชื่อ เว้นแต่กรณีการทำธุรกรรมทางการเงิน ให้กรรมการสองคนลงลายมือชื่อร่วมกัน")
    assert branches(rule)[0].scope is not None
    assert branches(rule)[0].scope.tags == ["financial"]  # type: ignore[union-attr]


def test_unclassifiable_scope_goes_to_review() -> None:
    rule = parse_clause("กรรมการคนใดคนหนึ่งลงลายมือชื่อและประทับตราสำคัญของบริษัท เว้นแต่กรณีการลงลายมือชื่อใน"
                        "เอกสารเปลี่ยนแปลงผู้ถือหุ้น ให้ นาย ก. และ นาย ข. ลงลายมือชื่อร่วมกัน")
    assert rule.needs_review and "scope" in (rule.review_reason or "")


def test_k_of_n_directors_without_names() -> None:
    text = "กรรมการสองในห้าคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"
    assert branches(parse_clause(text)) == expect(B("always", 2, [D, D], "required"))
    five = [DirectorName(name_th=f"นาย {n} ใจดี") for n in ("สมชาย", "สมศักดิ์", "วิชัย", "มานพ", "อนันต์")]
    assert branches(parse_clause(text, five)) == expect(B("always", 2, [D, D], "required"))
    rule = parse_clause(text, five[:4])
    assert rule.needs_review and "counts 5 directors" in (rule.review_reason or "")


def test_numbered_alternatives() -> None:
    text = ("1) นาย ก ลงลายมือชื่อและประทับตราสำคัญของบริษัท หรือ "
            "2) กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท")
    assert branches(parse_clause(text)) == expect(B("always", 1, [P("ก")], "required"),
                                                  B("always", 2, [D, D], "required"))


@pytest.mark.parametrize("text", [
    "2) นาย ก ลงลายมือชื่อ หรือ 1) กรรมการสองคนลงลายมือชื่อร่วมกัน",
    "1) นาย ก ลงลายมือชื่อ 2) กรรมการสองคนลงลายมือชื่อร่วมกัน",
    "(ก) กรรมการสองคนลงลายมือชื่อร่วมกัน (ข) เฉพาะกรณีการทำธุรกรรมทางการเงิน ให้นาย ก ลงลายมือชื่อ",
    "(ข) กรณีทั่วไป กรรมการสองคนลงลายมือชื่อร่วมกัน (ก) เฉพาะกรณีการทำธุรกรรมทางการเงิน ให้นาย ก ลงลายมือชื่อ",
    "(1) กรณีทั่วไป กรรมการสองคนลงลายมือชื่อร่วมกัน (2) เฉพาะกรณีการทำธุรกรรมทางการเงิน",
    "(ก) กรณีทั่วไป กรรมการสองคนลงลายมือชื่อร่วมกัน (ข) เฉพาะกรณีการทำธุรกรรมทางการเงิน ให้นาย ก ลงลายมือชื่อ "
    "(ค) เฉพาะกรณีการดำเนินคดี ให้นาย ข ลงลายมือชื่อ",
])
def test_unclear_numbering_goes_to_review(text: str) -> None:
    assert parse_clause(text).needs_review


@pytest.mark.parametrize("labels", [("(ก)", "(ข)"), ("(1)", "(2)"), ("(๑)", "(๒)")])
def test_labelled_general_and_special_cases(labels: tuple[str, str]) -> None:
    text = (f"{labels[0]} กรณีทั่วไป ให้กรรมการสองคนลงลายมือชื่อร่วมกัน "
            f"{labels[1]} เฉพาะกรณีการทำธุรกรรมทางการเงิน ให้นาย ก ลงลายมือชื่อ")
    fin = {"text_th": "การทำธุรกรรมทางการเงิน", "tags": ["financial"]}
    assert branches(parse_clause(text)) == expect(B("except", 2, [D, D], "unspecified", fin),
                                                  B("only", 1, [P("ก")], "unspecified", fin))
