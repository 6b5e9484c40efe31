"""Thai explanations are entirely Thai (issue 15, item 15): what a citizen is shown has no English in it.

Amounts in baht, acts through the act-label table, names written the Thai way (title joined to the
given name), a space after a company name; problem codes may appear only in square brackets. The
delegation tests' ``ask`` helper checks every decision they produce the same way.
"""

from __future__ import annotations

import io
import re

import pytest

from thai_text import assert_thai, latin_words
from thaivc.authority import Act, SignerRef, act_shown_th, parse_clause
from thaivc.authorization.scenario import World
from thaivc.demo import run_authority_story

from ._helpers import ask, attachments, poa, root_poa


def test_the_checker_itself_catches_english() -> None:
    assert latin_words("ไม่อนุญาต (the act “tax_filing” is not delegated)") == ["the", "act", "tax", "filing", "is",
                                                                              "not", "delegated"]
    assert latin_words("ตรวจสอบไม่ผ่าน [crypto.bad_signature]") == []


def test_every_thai_line_of_the_demo_is_thai() -> None:
    out = io.StringIO()
    run_authority_story(out)
    lines = [m.group(1) for m in re.finditer(r"^\s*th: (.*)$", out.getvalue(), re.M)]
    assert len(lines) >= 6
    for line in lines:
        assert_thai(line)


def test_allowed_names_the_act_in_thai_and_writes_names_the_thai_way(world: World) -> None:
    d = ask(world, world.person("somying"), [root_poa(world, world.person("somying")), *attachments(world)])
    assert d.allowed
    assert "ยื่นแบบภาษี" in d.explanation_th and "tax_filing" not in d.explanation_th
    assert "นายสมศักดิ์ ทองคำ" in d.explanation_th  # title joined to the given name
    assert "นาย สมศักดิ์" not in d.explanation_th
    assert "บริษัท สยามบัญชี จำกัด ให้" in d.explanation_th  # a space after the company name


def test_an_amount_over_the_cap_is_said_in_baht(world: World) -> None:
    accountant = world.person("somying")
    doc = poa(world, accountant, [world.person("somsak").key, world.person("piyanuch").key],
              max_value_thb=5_000_000)
    d = ask(world, accountant, [doc, *attachments(world)], value_thb=6_000_000)
    assert d.code == "delegation.scope_exceeded"
    assert "6,000,000 บาท เกินวงเงินที่มอบอำนาจ 5,000,000 บาท" in d.explanation_th


def test_an_act_outside_the_scope_is_named_by_its_thai_label(world: World) -> None:
    accountant = world.person("somying")
    d = ask(world, accountant, [root_poa(world, accountant), *attachments(world)], act="vat_refund")
    assert d.code == "delegation.scope_exceeded"
    assert "ขอคืนภาษีมูลค่าเพิ่ม" in d.explanation_th and "ยื่นแบบภาษี" in d.explanation_th


def test_an_act_the_table_does_not_know_is_shown_as_a_code() -> None:
    assert act_shown_th("tax_filing") == "ยื่นแบบภาษี"
    assert act_shown_th("my_agency_act") == "[my_agency_act]"


@pytest.mark.parametrize("signers", [(), ("ก",), ("ก", "ข"), ("ก", "ข", "ค"), ("ก", "ก")])
@pytest.mark.parametrize("seal", [True, False, None])
@pytest.mark.parametrize("clause", [
    "กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท",
    "กรรมการคนใดคนหนึ่งลงลายมือชื่อ เว้นแต่ธุรกรรมกับหน่วยงานราชการ ต้องกรรมการสองคนลงลายมือชื่อร่วมกัน",
    "นายก ลงลายมือชื่อร่วมกับนายข",
])
def test_rule_decisions_are_thai(clause: str, signers: tuple[str, ...], seal: bool | None) -> None:
    rule = parse_clause(clause)
    for act in ("general", "tax_filing", Act(tags=frozenset({"my_agency_act"}))):
        d = rule.allows([SignerRef(name_th=n) for n in signers], act=act, seal=seal)
        assert_thai(d.explanation_th)
