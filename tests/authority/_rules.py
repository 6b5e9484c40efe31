"""Builders for expected rules, so each test states the rule it expects in the §5.3 grammar."""

from __future__ import annotations

from typing import Any

from thaivc.authority import AuthorityRule, Branch

D: dict[str, Any] = {"any_director": True}


def P(*names: str, group: str | None = None) -> dict[str, Any]:
    slot: dict[str, Any] = {"any_of": [{"name_th": n} for n in names]}
    if group is not None:
        slot["group"] = group
    return slot


def B(mode: str, total: int, slots: list[dict[str, Any]], seal: str,
      scope: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"mode": mode, "scope": scope, "total": total, "slots": slots, "seal": seal}


def branches(rule: AuthorityRule) -> list[Branch]:
    assert not rule.needs_review, rule.review_reason
    return rule.branches


def expect(*bs: dict[str, Any]) -> list[Branch]:
    return [Branch.model_validate(b) for b in bs]
