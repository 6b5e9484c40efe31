"""``thaivc authority``: parse a clause, decide on signers, with honest exit codes."""

from __future__ import annotations

import json

import pytest

from thaivc.cli import main

E1 = "กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"
E11 = (
    "นาย ก หรือนาย ข กรรมการกลุ่ม 1 นาย ค กรรมการกลุ่ม 2 นาย ง กรรมการกลุ่ม 3 "
    "ให้กรรมการสองในสามกลุ่มลงลายมือชื่อร่วมกันรวมเป็น 2 คนและประทับตราสำคัญของบริษัท"
)
DIRECTORS = "นายสมชาย ใจดี,นางสาวสมหญิง รักไทย,นายวิชัย มั่นคง"


def test_parse_tree_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["authority", "parse", E1]) == 0
    out = capsys.readouterr().out
    assert "seal required" in out and "any one director" in out
    assert main(["authority", "parse", E1, "--json"]) == 0
    rule = json.loads(capsys.readouterr().out)
    assert rule["branches"][0]["total"] == 2 and rule["branches"][0]["seal"] == "required"


def test_ambiguous_clause_needs_review(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["authority", "parse", E11]) == 3
    assert "review" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("signers", "seal", "code"),
    [
        (["สมชาย ใจดี", "สมหญิง รักไทย"], "--seal", 0),
        (["สมชาย ใจดี"], "--seal", 1),
        (["สมชาย ใจดี", "สมหญิง รักไทย"], "--no-seal", 1),
        (["สมชาย ใจดี", "สมชาย ใจดี"], "--seal", 1),
    ],
)
def test_check_decides(signers: list[str], seal: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["authority", "check", E1, "--directors", DIRECTORS, seal]
    for name in signers:
        argv += ["--signer", name]
    assert main(argv) == code
    out = capsys.readouterr().out
    assert ("ALLOWED" in out) == (code == 0)
