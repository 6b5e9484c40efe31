"""The signing-authority rule model (docs/authority.md grammar), as frozen pydantic models.

A rule is an OR over branches. A branch names the exact number of distinct signers, one slot per
signature (a slot is "one of these named people" or "any director"), a scope that says for which
acts the branch applies, and the seal requirement. Models are frozen with ``extra="forbid"`` so a
rule read back from JSON cannot smuggle fields the decision ignores, and optional members are left
out of the JSON rather than written as ``null`` to match the grammar exactly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from thaivc.authority._names import NameReading, collapse, name_readings
from thaivc.core.report import Problem

__all__ = [
    "Act",
    "AnyDirector",
    "AnyOf",
    "Branch",
    "BranchMode",
    "DirectorName",
    "PersonRef",
    "RuleBody",
    "RuleDecision",
    "Scope",
    "SealRequirement",
    "SignerRef",
    "Slot",
]

BranchMode = Literal["always", "only", "except"]
SealRequirement = Literal["required", "not_required", "unspecified"]

#: Size caps: far above any real clause, low enough that a hostile rule cannot make a decision slow.
MAX_BRANCHES = 64
MAX_SLOTS = 64
MAX_PEOPLE = 256

_CID = re.compile(r"[0-9]{13}", re.ASCII)
_TAG = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)
_FROZEN = ConfigDict(frozen=True, extra="forbid", strict=True)


def _citizen_id_ok(s: str) -> bool:
    """13-digit mod-11 checksum, docs/thai.md (kept local until ``thaivc.thai`` is wired in)."""
    if not _CID.fullmatch(s):
        return False
    total = sum(int(s[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10 == int(s[12])


def _canonical_name(v: str) -> str:
    if not v or collapse(v) != v:
        raise ValueError("name_th must be non-empty NFC text with single spaces and no zero-width characters")
    return v


def _title_fits(name_th: str, title_th: str | None) -> None:
    """A separately given title must be written exactly at the front of ``name_th``, with a name after it."""
    if title_th is None:
        return
    if collapse(title_th) != title_th:
        raise ValueError("title_th must be NFC text with single spaces and no zero-width characters")
    if title_th and (not name_th.startswith(title_th) or not name_th[len(title_th):].strip()):
        raise ValueError("name_th must begin with title_th and continue with the name")


class _Named(BaseModel):
    """A name as a source gave it: ``title_th`` set means the title came in a field of its own.

    Then ``name_th`` is the title (if any) followed by the name, and comparison cuts off exactly
    that title and nothing else, so a given name such as "นางนวล" or "นายพล" stays whole. Without
    ``title_th``, ``name_th`` is a registry string whose titles are split off for comparison (and
    an ambiguous split is refused by whoever binds it).
    """

    model_config = _FROZEN

    name_th: str
    title_th: str | None = None
    citizen_id: str | None = None

    @model_validator(mode="after")
    def _title(self) -> _Named:
        _title_fits(self.name_th, self.title_th)
        return self

    def readings(self) -> tuple[NameReading, ...]:
        """How this name may be read: one reading when the title has its own field."""
        return name_readings(self.name_th, self.title_th)

    @property
    def display_th(self) -> str:
        """The name as a Thai sentence writes it, title joined to the given name ("นายสมศักดิ์ ทองคำ").

        ``name_th`` keeps the title apart for comparison; a citizen reads it the Thai way. A
        registry string with more than one reading is shown as given.
        """
        readings = self.readings()
        return readings[0].written_th() if len(readings) == 1 else self.name_th


def _valid_cid(v: str | None) -> str | None:
    if v is not None and not _citizen_id_ok(v):
        raise ValueError("citizen_id must be a valid 13-digit Thai identifier")
    return v


class _DropNone(BaseModel):
    """Optional members are omitted from dumps instead of being written as null."""

    model_config = _FROZEN

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class PersonRef(_DropNone):
    """A named person in a clause: "<given> <family>" with the title stripped."""

    name_th: str
    citizen_id: str | None = None

    _n = field_validator("name_th")(_canonical_name)
    _c = field_validator("citizen_id")(_valid_cid)

    def readings(self) -> tuple[NameReading, ...]:
        """A clause person's name is already title-free: it is never cut again."""
        return (NameReading((), self.name_th),)


class DirectorName(_Named, _DropNone):
    """A director as the registry lists them; ``name_th`` may still carry the title.

    Registry rows and credentials keep the title in a field of their own: build the director with
    ``title_th`` then (``directors_from_registry`` and ``directors_from_credential`` do).
    """

    _n = field_validator("name_th")(_canonical_name)
    _c = field_validator("citizen_id")(_valid_cid)


class SignerRef(_Named, _DropNone):
    """A person who signed, already bound to one of the company's directors.

    Binding an authenticated person to a director (and refusing with
    ``authority.director_unmatched`` when that is not unique) happens before the rule is asked.
    ``title_th`` is carried over from the director when the registry gave the title separately.
    """

    _n = field_validator("name_th")(_canonical_name)
    _c = field_validator("citizen_id")(_valid_cid)


class AnyOf(_DropNone):
    """One signature by any one of the listed people; ``group`` names the clause's group, if any."""

    any_of: Annotated[list[PersonRef], Field(min_length=1, max_length=MAX_PEOPLE)]
    group: str | None = None


class AnyDirector(BaseModel):
    """One signature by any director of the company."""

    model_config = _FROZEN

    any_director: Literal[True] = True


Slot = AnyOf | AnyDirector


class Scope(_DropNone):
    """Which acts a non-``always`` branch concerns. Value bounds are inclusive, in whole baht.

    An act is in scope when it carries one of ``tags`` (or ``tags`` is empty) and its value lies
    within the bounds ("เกินหนึ่งล้านบาท" is ``min_value_thb = 1_000_001``).
    """

    text_th: str
    tags: list[str] = Field(default_factory=list, max_length=16)
    min_value_thb: Annotated[int, Field(ge=0)] | None = None
    max_value_thb: Annotated[int, Field(ge=0)] | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        for t in v:
            if not _TAG.fullmatch(t):
                raise ValueError(f"scope tag {t!r} must be lower-case ASCII")
        if len(set(v)) != len(v):
            raise ValueError("scope tags repeat")
        return v

    @model_validator(mode="after")
    def _meaningful(self) -> Scope:
        if not self.tags and self.min_value_thb is None and self.max_value_thb is None:
            raise ValueError("a scope needs at least one tag or a value bound")
        lo, hi = self.min_value_thb, self.max_value_thb
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("min_value_thb exceeds max_value_thb")
        return self


class Branch(BaseModel):
    """One alternative: exactly ``total`` distinct signers, one per slot, plus the seal rule."""

    model_config = _FROZEN

    mode: BranchMode
    scope: Scope | None
    total: Annotated[int, Field(ge=1, le=MAX_SLOTS)]
    slots: list[Slot]
    seal: SealRequirement

    @model_validator(mode="after")
    def _consistent(self) -> Branch:
        if len(self.slots) != self.total:
            raise ValueError("len(slots) must equal total")
        if (self.mode == "always") != (self.scope is None):
            raise ValueError("an 'always' branch has no scope; 'only'/'except' branches need one")
        return self


class RuleBody(BaseModel):
    """The members of a parsed อำนาจกรรมการ clause, without the evaluator.

    :class:`thaivc.authority.AuthorityRule` adds ``allows``; the evaluator (``_decide``) reads this
    body, so the model never imports the code that judges it.
    """

    model_config = _FROZEN

    branches: Annotated[list[Branch], Field(max_length=MAX_BRANCHES)]
    needs_review: bool
    review_reason: str | None
    raw_clause_th: str

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.needs_review != (self.review_reason is not None):
            raise ValueError("review_reason is given exactly when needs_review is true")
        if not self.needs_review and not self.branches:
            raise ValueError("a rule that needs no review must have at least one branch")
        return self


class Act(BaseModel):
    """The kind of act being signed: a set of scope tags ("financial", "government", …).

    ``Act.of("general")`` is an act with no tags: it falls outside every tagged scope. Unlike the
    rule models this one is lax about container types, so ``Act(tags={"financial"})`` works.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tags: frozenset[str] = frozenset()
    text_th: str | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: frozenset[str]) -> frozenset[str]:
        for t in v:
            if not _TAG.fullmatch(t):
                raise ValueError(f"act tag {t!r} must be lower-case ASCII")
        return v

    @classmethod
    def of(cls, act: Act | str) -> Act:
        if isinstance(act, Act):
            return act
        return cls(tags=frozenset() if act == "general" else frozenset({act}))

@dataclass(frozen=True, slots=True)
class RuleDecision:
    """The outcome of ``AuthorityRule.allows``, with the evidence a person needs to check it.

    Plain data beside the rule it answers; ``_decide.decide`` computes it.

    ``assignment`` maps slot index → the signer that filled it in branch ``branch_index``.
    ``problems`` is empty when allowed; otherwise its first entry carries the decision's code and
    the rest say why each branch failed (``loc = ("branches", i)``). ``notes`` flags allowed
    decisions that rest on an unknown, e.g. ``"seal_unspecified"``. ``surplus`` lists the
    distinct signers beyond those the branch needed (they signed, but did not count).
    ``indeterminate`` is true when the rule could not be applied to the act at all (the act's
    scope is unknown): the decision is then neither allowed nor a refusal on the merits.
    """

    allowed: bool
    branch_index: int | None
    assignment: Mapping[int, SignerRef]
    problems: tuple[Problem, ...]
    explanation_th: str
    explanation_en: str
    notes: tuple[str, ...] = field(default=())
    surplus: tuple[SignerRef, ...] = field(default=())
    indeterminate: bool = False

    @property
    def code(self) -> str | None:
        return self.problems[0].code if self.problems else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready view for the command line and for audit logs."""
        return {
            "allowed": self.allowed,
            "branch_index": self.branch_index,
            "assignment": {str(k): v.model_dump(mode="json") for k, v in sorted(self.assignment.items())},
            "problems": [p.to_json() for p in self.problems],
            "explanation_th": self.explanation_th,
            "explanation_en": self.explanation_en,
            "notes": list(self.notes),
            "surplus": [s.model_dump(mode="json") for s in self.surplus],
            "indeterminate": self.indeterminate,
        }
