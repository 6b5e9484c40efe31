"""The thirteen reference clauses (E1–E13, docs/authority.md), each against the rule its gloss describes."""

from __future__ import annotations

import pytest

from thaivc.authority import AuthorityRule, DirectorName, parse_clause

from ._rules import B, D, P, branches, expect

E1 = "กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"
E2 = "กรรมการคนใดคนหนึ่งลงลายมือชื่อและประทับตราสำคัญของบริษัท"
E3 = ("นาย ก ลงลายมือชื่อและประทับตราสำคัญของบริษัท "
      "หรือกรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท")
E4 = "กรรมการทุกคนลงลายมือชื่อร่วมกัน"
E5 = "นาย ก. นาย ข. นาย ค. นาย ง. นาย จ. กรรมการสองในห้าคนนี้ลงลายมือชื่อร่วมกัน"
E6 = "นาย ก. หรือ นาย ข. ลงลายมือชื่อร่วมกับ นาย ค. หรือ นาย ง. รวมเป็นสองคน"
E7 = "นาง ก และนางสาว ข ลงลายมือชื่อร่วมกับ กรรมการอื่นอีกหนึ่งคนและประทับตราสำคัญของบริษัท"
E8 = ("กลุ่ม (ก) 1. นาย ก 2. นาย ข 3. นาย ค 4. นาย ง "
      "กลุ่ม (ข) 1. นาย จ 2. นาย ฉ 3. นาย ช 4. นาย ซ "
      "กรรมการกลุ่ม (ก) สองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท หรือ "
      "กรรมการคนใดคนหนึ่งของกลุ่ม (ก) ลงลายมือชื่อร่วมกับกรรมการคนใดคนหนึ่งของกลุ่ม (ข) "
      "รวมเป็นสองคนและประทับตราสำคัญของบริษัท")
E9 = "นางสาว ก ลงลายมือชื่อ เว้นแต่การทำธุรกรรมทางการเงินให้นางสาว ก และนาย ข ลงลายมือชื่อร่วมกัน"
E10 = ("(1) นาง ก หรือ นาย ข ลงลายมือชื่อร่วมกับกรรมการอื่นอีกหนึ่งคน หรือ นาย ค หรือนาย ง หรือนาย จ "
       "สองในสามคนนี้ลงลายมือชื่อร่วมกัน (2) การทำธุรกรรมต่างๆ กับหน่วยงานราชการ หรือการดำเนินคดี "
       "นอกจากผู้มีอำนาจตาม (1) แล้วให้นาย ฉ หรือนาง ช ลงลายมือชื่อ")
E11 = ("นาย ก หรือนาย ข กรรมการกลุ่ม 1 นาย ค กรรมการกลุ่ม 2 นาย ง กรรมการกลุ่ม 3 "
       "ให้กรรมการสองในสามกลุ่มลงลายมือชื่อร่วมกันรวมเป็น 2 คนและประทับตราสำคัญของบริษัท")
E12 = ("กรรมการคนใดคนหนึ่งลงลายมือชื่อและประทับตราสำคัญของบริษัท "
       "เว้นแต่นิติกรรมที่มีมูลค่าเกินหนึ่งล้านบาท ให้กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท")
E13 = "(ห้างหุ้นส่วนจำกัด) หุ้นส่วนผู้จัดการ: นาย ก; ข้อจำกัดอำนาจหุ้นส่วนผู้จัดการ: ไม่มี"

FIN = {"text_th": "การทำธุรกรรมทางการเงิน", "tags": ["financial"]}
GOV = {"text_th": "การทำธุรกรรมต่างๆ กับหน่วยงานราชการ หรือการดำเนินคดี", "tags": ["government", "litigation"]}
MILLION = {"text_th": "นิติกรรมที่มีมูลค่าเกินหนึ่งล้านบาท", "tags": [], "min_value_thb": 1_000_001}
GROUP_A = ("ก", "ข", "ค", "ง")
GROUP_B = ("จ", "ฉ", "ช", "ซ")

EXPECTED = {
    "E1": expect(B("always", 2, [D, D], "required")),
    "E2": expect(B("always", 1, [D], "required")),
    # the gloss: E3 = [{always,1,[{any_of:[ก]}],seal:required}, {always,2,[{any_director},{any_director}],required}]
    "E3": expect(B("always", 1, [P("ก")], "required"), B("always", 2, [D, D], "required")),
    "E5": expect(B("always", 2, [P("ก", "ข", "ค", "ง", "จ"), P("ก", "ข", "ค", "ง", "จ")], "unspecified")),
    "E6": expect(B("always", 2, [P("ก", "ข"), P("ค", "ง")], "unspecified")),
    "E7": expect(B("always", 3, [P("ก"), P("ข"), D], "required")),
    "E8": expect(
        B("always", 2, [P(*GROUP_A, group="ก"), P(*GROUP_A, group="ก")], "required"),
        B("always", 2, [P(*GROUP_A, group="ก"), P(*GROUP_B, group="ข")], "required"),
    ),
    # the gloss: E9 = [{except,"financial",1,[ก]}, {only,"financial",2,[ก],[ข]}]
    "E9": expect(B("except", 1, [P("ก")], "unspecified", FIN),
                 B("only", 2, [P("ก"), P("ข")], "unspecified", FIN)),
    "E10": expect(
        B("always", 2, [P("ก", "ข"), D], "unspecified"),
        B("always", 2, [P("ค", "ง", "จ"), P("ค", "ง", "จ")], "unspecified"),
        B("only", 1, [P("ฉ", "ช")], "unspecified", GOV),
    ),
    "E12": expect(B("except", 1, [D], "required", MILLION), B("only", 2, [D, D], "required", MILLION)),
    "E13": expect(B("always", 1, [P("ก")], "unspecified")),
}
CLAUSES = {"E1": E1, "E2": E2, "E3": E3, "E5": E5, "E6": E6, "E7": E7, "E8": E8, "E9": E9, "E10": E10,
           "E12": E12, "E13": E13}


@pytest.mark.parametrize("key", sorted(CLAUSES))
def test_reference_clause_parses_to_its_gloss(key: str) -> None:
    rule = parse_clause(CLAUSES[key])
    assert branches(rule) == EXPECTED[key]
    assert rule.raw_clause_th == CLAUSES[key]


@pytest.mark.parametrize("key", sorted(CLAUSES))
def test_reference_rule_json_round_trip(key: str) -> None:
    rule = parse_clause(CLAUSES[key])
    again = AuthorityRule.model_validate_json(rule.model_dump_json())
    assert again == rule


def test_e3_json_is_the_documented_grammar() -> None:
    import json

    data = json.loads(parse_clause(E3).model_dump_json())
    assert data["branches"] == [
        {"mode": "always", "scope": None, "total": 1, "slots": [{"any_of": [{"name_th": "ก"}]}], "seal": "required"},
        {"mode": "always", "scope": None, "total": 2, "slots": [{"any_director": True}, {"any_director": True}],
         "seal": "required"},
    ]


def test_e4_all_directors_needs_the_directors_list() -> None:
    rule = parse_clause(E4)
    assert rule.needs_review and rule.branches == []
    assert "directors" in (rule.review_reason or "")


def test_e4_expands_with_the_directors_list() -> None:
    directors = [DirectorName(name_th="นาย สมชาย ใจดี"), DirectorName(name_th="นางสาว สมศรี มีสุข"),
                 DirectorName(name_th="ดร. ปรีชา ฉลาด")]
    rule = parse_clause(E4, directors)
    assert branches(rule) == expect(
        B("always", 3, [P("สมชาย ใจดี"), P("สมศรี มีสุข"), P("ปรีชา ฉลาด")], "unspecified"))


def test_e11_is_flagged_for_review_not_guessed() -> None:
    rule = parse_clause(E11)
    assert rule.needs_review
    assert rule.branches == []
    assert "กลุ่ม" in (rule.review_reason or "")
