"""Juristic signing authority: DBD signing clauses (อำนาจกรรมการ) as rules, and decisions on them.

``parse_clause`` reads a clause into an ``AuthorityRule`` (docs/authority.md grammar) or marks it for
human review; ``ACT_SCOPES`` places act tags ("tax_filing") into the clause's scopes
("government"); ``AuthorityRule.allows`` decides whether a set of directors may sign an act, and
explains why in Thai and English; ``render_tree`` shows a rule for checking by eye.
"""

from __future__ import annotations

from thaivc.authority._acts import ACT_SCOPES, CLAUSE_SCOPES, ActScope, act_label_th, act_shown_th, place_act
from thaivc.authority._model import (
    Act,
    AnyDirector,
    AnyOf,
    Branch,
    BranchMode,
    DirectorName,
    PersonRef,
    RuleDecision,
    Scope,
    SealRequirement,
    SignerRef,
    Slot,
)
from thaivc.authority._names import (
    DEFAULT_TITLES,
    NameReading,
    name_key,
    name_readings,
    registry_readings,
    strip_titles,
)
from thaivc.authority._parse import MAX_CLAUSE_CHARS, parse_clause
from thaivc.authority._render import render_tree
from thaivc.authority._rule import AuthorityRule

__all__ = [
    "ACT_SCOPES",
    "CLAUSE_SCOPES",
    "DEFAULT_TITLES",
    "MAX_CLAUSE_CHARS",
    "Act",
    "ActScope",
    "AnyDirector",
    "AnyOf",
    "AuthorityRule",
    "Branch",
    "BranchMode",
    "DirectorName",
    "NameReading",
    "PersonRef",
    "RuleDecision",
    "Scope",
    "SealRequirement",
    "SignerRef",
    "Slot",
    "act_label_th",
    "act_shown_th",
    "name_key",
    "name_readings",
    "parse_clause",
    "place_act",
    "registry_readings",
    "render_tree",
    "strip_titles",
]
