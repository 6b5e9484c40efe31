"""The rule model refuses inconsistent rules, and the name key compares names the way DBD writes them."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from pydantic import ValidationError

import thaivc.authority as authority
from thaivc.authority import AuthorityRule, Branch, PersonRef, Scope, SignerRef, name_key

from ._rules import B, D, P


def _rule(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"branches": [B("always", 1, [D], "required")], "needs_review": False,
                            "review_reason": None, "raw_clause_th": "x"}
    base.update(kw)
    return base


@pytest.mark.parametrize("bad", [
    B("always", 2, [D], "required"),                                   # total != len(slots)
    B("always", 1, [D], "required", {"text_th": "x", "tags": ["financial"]}),  # always with a scope
    B("only", 1, [D], "required"),                                     # only without a scope
    B("except", 1, [D], "sometimes"),                                  # unknown seal value
    B("never", 1, [D], "required"),                                    # unknown mode
    B("always", 0, [], "required"),                                    # nobody signs
    B("always", 1, [{"any_director": False}], "required"),
    B("always", 1, [{"any_of": []}], "required"),
    B("always", 1, [{"any_of": [{"name_th": "ก"}], "any_director": True}], "required"),
    B("always", 1, [{"any_of": [{"name_th": " ก"}]}], "required"),   # non-canonical name
    B("always", 1, [{"any_of": [{"name_th": "ก", "citizen_id": "1234567890123"}]}], "required"),
    {**B("always", 1, [D], "required"), "extra": 1},
])
def test_inconsistent_branches_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Branch.model_validate(bad)


@pytest.mark.parametrize("bad", [
    {"text_th": "x", "tags": []},
    {"text_th": "x", "tags": ["Financial"]},
    {"text_th": "x", "tags": ["financial", "financial"]},
    {"text_th": "x", "tags": [], "min_value_thb": 10, "max_value_thb": 5},
    {"text_th": "x", "tags": [], "min_value_thb": -1},
])
def test_bad_scopes_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Scope.model_validate(bad)


@pytest.mark.parametrize("kw", [
    {"needs_review": True},                                          # no reason
    {"review_reason": "why"},                                        # reason without review
    {"branches": []},                                                # readable rule with no branch
    {"surprise": True},
])
def test_inconsistent_rules_are_rejected(kw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        AuthorityRule.model_validate(_rule(**kw))


def test_size_caps() -> None:
    with pytest.raises(ValidationError):
        AuthorityRule.model_validate(_rule(branches=[B("always", 1, [D], "required")] * 65))
    with pytest.raises(ValidationError):
        Branch.model_validate(B("always", 65, [D] * 65, "required"))
    with pytest.raises(ValidationError):
        Branch.model_validate(B("always", 1, [P(*[f"ก{i}" for i in range(257)])], "required"))


def test_models_are_frozen() -> None:
    rule = AuthorityRule.model_validate(_rule())
    with pytest.raises(ValidationError):
        rule.needs_review = True


def test_optional_members_are_omitted_from_json() -> None:
    assert PersonRef(name_th="ก").model_dump_json() == '{"name_th":"ก"}'
    slot = Branch.model_validate(B("always", 1, [P("ก")], "required")).slots[0]
    assert slot.model_dump_json() == '{"any_of":[{"name_th":"ก"}]}'


@pytest.mark.parametrize(("a", "b"), [
    ("นาย สมชาย ใจดี", "สมชาย ใจดี"),
    ("นายสมชาย  ใจดี", "สมชาย ใจดี"),
    ("ว่าที่ร้อยตรี ดร. สมชาย\nใจดี", "สมชาย ใจดี"),
    ("นาย ก.", "ก"),
    ("\u200bนางสาว สมศรี มีสุข", "สมศรี มีสุข"),
    (unicodedata.normalize("NFD", "นาย ปู่ สมใจ"), "ปู่ สมใจ"),
])
def test_name_key_equates_the_ways_dbd_writes_a_name(a: str, b: str) -> None:
    assert name_key(a) == name_key(b) == b


def test_name_key_keeps_names_that_only_look_like_titles() -> None:
    assert name_key("นายิกา ดีงาม") == "นายิกา ดีงาม"
    assert name_key("นาย") == "นาย"


def test_name_key_keeps_different_people_apart() -> None:
    assert name_key("นาย สมชาย ใจดี") != name_key("นาย สมชาย ใจงาม")


def test_signer_ref_rejects_a_bad_citizen_id() -> None:
    with pytest.raises(ValidationError):
        SignerRef(name_th="ก", citizen_id="1101700203451")


def test_exported_members_are_sorted_and_importable() -> None:
    # isort-style order, as ruff's RUF022 keeps it: CONSTANTS, Classes, functions
    def kind(n: str) -> tuple[int, str]:
        return (0 if n.isupper() else 1 if n[0].isupper() else 2, n)

    assert authority.__all__ == sorted(authority.__all__, key=kind)
    for name in authority.__all__:
        assert hasattr(authority, name)


def test_the_rule_joins_its_body_and_evaluator_without_a_cycle() -> None:
    """``AuthorityRule`` (``_rule``) subclasses the body the evaluator reads; nothing is installed at run time.

    A fresh interpreter that imports only ``_rule`` decides; the model module never imports
    ``_decide`` or ``_rule`` (the ``authority`` import-linter contract checks the direction).
    """
    import ast
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from thaivc.authority._rule import AuthorityRule\n"
        "from thaivc.authority._model import SignerRef\n"
        "rule = AuthorityRule.model_validate({'branches': [{'mode': 'always', 'scope': None, 'total': 1,"
        " 'slots': [{'any_director': True}], 'seal': 'not_required'}], 'needs_review': False,"
        " 'review_reason': None, 'raw_clause_th': 'x'})\n"
        "d = rule.allows([SignerRef(name_th='สมชาย ใจดี')])\n"
        "print(d.allowed, type(d).__module__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "thaivc.authority._model"]
    from thaivc.authority import _decide, _model

    tree = ast.parse(Path(_model.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not imported & {"thaivc.authority._decide", "thaivc.authority._rule"}
    assert not hasattr(_model, "install_decider")
    assert _decide.RuleDecision is _model.RuleDecision is authority.RuleDecision
