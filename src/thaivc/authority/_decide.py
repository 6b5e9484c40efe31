"""Deciding whether a set of signers satisfies a rule for an act.

Usable branches for act X are ``always`` ∪ (``only`` and X ∈ scope) ∪ (``except`` and X ∉ scope).
A signer set satisfies a usable branch when it has exactly ``total`` distinct people, a perfect
matching of people to slots exists, and the seal requirement is met. Anything that cannot be
established — an unreadable clause, a value-bounded scope without a value, a seal the rule
requires but nobody attested — refuses: the decision fails closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from thaivc.authority._describe import describe_branch_en, describe_branch_th, describe_slot_en
from thaivc.authority._matching import perfect_matching
from thaivc.authority._model import (
    Act,
    AnyDirector,
    AuthorityRule,
    Branch,
    DirectorName,
    Scope,
    SignerRef,
    Slot,
)
from thaivc.authority._names import name_key
from thaivc.errors import UsageError
from thaivc.report import Problem

__all__ = ["RuleDecision", "decide"]

NOT_SATISFIED = "authority.not_satisfied"
SEAL_REQUIRED = "authority.seal_required"
UNREADABLE = "authority.clause_unreadable"
UNMATCHED = "authority.director_unmatched"
VALUE_REQUIRED = "authority.value_required"


@dataclass(frozen=True, slots=True)
class RuleDecision:
    """The outcome of ``AuthorityRule.allows``, with the evidence a person needs to check it.

    ``assignment`` maps slot index → the signer that filled it in branch ``branch_index``.
    ``problems`` is empty when allowed; otherwise its first entry carries the decision's code and
    the rest say why each branch failed (``loc = ("branches", i)``). ``notes`` flags allowed
    decisions that rest on an unknown, e.g. ``"seal_unspecified"``.
    """

    allowed: bool
    branch_index: int | None
    assignment: Mapping[int, SignerRef]
    problems: tuple[Problem, ...]
    explanation_th: str
    explanation_en: str
    notes: tuple[str, ...] = field(default=())

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
        }


def _same_person(signer: SignerRef, name_th: str, citizen_id: str | None) -> bool:
    """Citizen ids decide when both sides have one; otherwise the name keys must be equal."""
    if signer.citizen_id is not None and citizen_id is not None:
        return signer.citizen_id == citizen_id
    return name_key(signer.name_th) == name_key(name_th)


def _fits(signer: SignerRef, slot: Slot) -> bool:
    if isinstance(slot, AnyDirector):
        return True
    return any(_same_person(signer, p.name_th, p.citizen_id) for p in slot.any_of)


def _distinct(signers: Sequence[SignerRef]) -> tuple[list[SignerRef], str | None]:
    """Fold repeated signatures of one person; a name shared by two identifiers is refused.

    Two entries are one person when their name keys match or they carry the same citizen id.
    Folding can only lower the head count, so it never helps a signer set pass.
    """
    parent = list(range(len(signers)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[tuple[str, str], int] = {}
    for i, s in enumerate(signers):
        keys = [("name", name_key(s.name_th))] + ([("cid", s.citizen_id)] if s.citizen_id else [])
        for key in keys:
            j = first_seen.setdefault(key, i)
            if j != i:
                parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in range(len(signers)):
        members.setdefault(root(i), []).append(i)
    out: list[SignerRef] = []
    for group in sorted(members.values()):
        first = signers[group[0]]
        ids = {signers[i].citizen_id for i in group if signers[i].citizen_id is not None}
        if len(ids) > 1:
            return [], f"the signatures of “{first.name_th}” carry {len(ids)} different citizen ids"
        out.append(SignerRef(name_th=first.name_th, citizen_id=next(iter(ids)) if ids else None))
    return out, None


def _in_scope(scope: Scope, act: Act, value_thb: int | None) -> bool | None:
    """True/False, or None when the scope has a value bound and no value was given."""
    if scope.tags and not act.tags.intersection(scope.tags):
        return False
    if scope.min_value_thb is None and scope.max_value_thb is None:
        return True
    if value_thb is None:
        return None
    lo, hi = scope.min_value_thb, scope.max_value_thb
    return (lo is None or value_thb >= lo) and (hi is None or value_thb <= hi)


def _check_args(act: Act | str, value_thb: int | None, seal: bool | None) -> Act:
    if value_thb is not None and (isinstance(value_thb, bool) or not isinstance(value_thb, int)
                                  or value_thb < 0):
        raise UsageError("usage.invalid_argument", "value_thb must be a non-negative int or None")
    if seal is not None and not isinstance(seal, bool):
        raise UsageError("usage.invalid_argument", "seal must be True, False or None")
    if not isinstance(act, Act | str):
        raise UsageError("usage.invalid_argument", "act must be an Act or a tag string")
    try:
        return Act.of(act)
    except ValueError as exc:
        raise UsageError("usage.invalid_argument", f"invalid act: {act!r}") from exc


def _refuse(code: str, detail: str, th: str, en: str, extra: list[Problem] | None = None) -> RuleDecision:
    return RuleDecision(False, None, {}, (Problem.of(code, detail), *(extra or [])), th, en)


def _names(signers: Sequence[SignerRef]) -> str:
    return ", ".join(s.name_th for s in signers) or "-"


def _try_branch(b: Branch, people: list[SignerRef], act: Act, value_thb: int | None,
                seal: bool | None) -> tuple[str | None, str, dict[int, SignerRef]]:
    """(failure code or None, English reason, assignment)."""
    if b.scope is not None:
        inside = _in_scope(b.scope, act, value_thb)
        if inside is None:
            return VALUE_REQUIRED, "the scope depends on the value of the act and no value was given", {}
        if b.mode == "only" and not inside:
            return NOT_SATISFIED, "the act is outside this branch's scope", {}
        if b.mode == "except" and inside:
            return NOT_SATISFIED, "the act falls in the scope this branch excludes", {}
    if len(people) != b.total:
        return NOT_SATISFIED, f"needs exactly {b.total} distinct signer(s), got {len(people)}", {}
    adjacency = [[j for j, slot in enumerate(b.slots) if _fits(p, slot)] for p in people]
    match = perfect_matching(adjacency, len(b.slots))
    if match is None:
        empty = [describe_slot_en(b.slots[j]) for j in range(len(b.slots))
                 if not any(j in adj for adj in adjacency)]
        why = f"nobody present can fill: {'; '.join(empty)}" if empty else "two slots compete for one signer"
        return NOT_SATISFIED, f"the signers cannot fill every slot ({why})", {}
    assignment = {slot: people[i] for i, slot in enumerate(match)}
    if b.seal == "required" and seal is not True:
        said = "no seal status was given" if seal is None else "the document is not sealed"
        return SEAL_REQUIRED, f"the company seal is required and {said}", assignment
    return None, "", dict(sorted(assignment.items()))


def _bind(signers: Sequence[SignerRef],
          directors: Sequence[DirectorName]) -> tuple[list[SignerRef], str | None]:
    """Replace each signer by the one director they are; refuse a signer who is none or several."""
    out: list[SignerRef] = []
    for s in signers:
        hits = [d for d in directors if _same_person(s, d.name_th, d.citizen_id)]
        if len(hits) != 1:
            why = "is not a director" if not hits else f"matches {len(hits)} directors"
            return [], f"the signer “{s.name_th}” {why}"
        d = hits[0]
        out.append(SignerRef(name_th=d.name_th, citizen_id=d.citizen_id or s.citizen_id))
    return out, None


def decide(rule: AuthorityRule, signers: Sequence[SignerRef], *, act: Act | str = "general",
           value_thb: int | None = None, seal: bool | None = None,
           directors: Sequence[DirectorName] | None = None) -> RuleDecision:
    """Evaluate every branch in order; the first satisfied one authorises."""
    the_act = _check_args(act, value_thb, seal)
    if not all(isinstance(s, SignerRef) for s in signers):
        raise UsageError("usage.invalid_argument", "signers must be SignerRef instances")
    if rule.needs_review:
        reason = rule.review_reason or ""
        return _refuse(UNREADABLE, reason, f"ข้อความอำนาจกรรมการต้องให้เจ้าหน้าที่ตรวจสอบก่อนใช้: {reason}",
                       f"The signing clause needs human review before use: {reason}")
    if directors is not None:
        if not all(isinstance(d, DirectorName) for d in directors):
            raise UsageError("usage.invalid_argument", "directors must be DirectorName instances")
        signers, unbound = _bind(signers, directors)
        if unbound is not None:
            return _refuse(UNMATCHED, unbound, f"ไม่อาจระบุตัวผู้ลงนามได้แน่ชัด: {unbound}",
                           f"A signer cannot be identified with certainty: {unbound}")
    people, conflict = _distinct(signers)
    if conflict is not None:
        return _refuse(UNMATCHED, conflict, f"ไม่อาจระบุตัวผู้ลงนามได้แน่ชัด: {conflict}",
                       f"A signer cannot be identified with certainty: {conflict}")
    failures: list[Problem] = []
    for i, b in enumerate(rule.branches):
        code, why, assignment = _try_branch(b, people, the_act, value_thb, seal)
        if code is None:
            notes: tuple[str, ...] = ()
            desc = describe_branch_th(b)
            lead = "ต้องมี" if desc.startswith("กรรมการ") else "ต้องมี "
            th = f"{lead}{desc} — ได้รับลงนามจาก {_names(people)}"
            en = f"{describe_branch_en(b)} — signed by {_names(people)}."
            if b.seal == "unspecified" and seal is None:
                notes = ("seal_unspecified",)
                th += " (ข้อความอำนาจกรรมการไม่ได้ระบุเรื่องตราสำคัญ และไม่ทราบว่ามีการประทับตราหรือไม่)"
                en += " Note: the clause does not mention the seal and no seal status was given."
            return RuleDecision(True, i, assignment, (), th, en, notes)
        failures.append(Problem.of(code, f"branch {i + 1} ({describe_branch_en(b)}): {why}",
                                   ("branches", i)))
    seal_only = [p for p in failures if p.code == SEAL_REQUIRED]
    value_only = [p for p in failures if p.code == VALUE_REQUIRED]
    primary = SEAL_REQUIRED if seal_only else VALUE_REQUIRED if value_only else NOT_SATISFIED
    summary = "; ".join(p.detail for p in failures) or "the rule has no branches"
    th = f"ผู้ลงนาม ({_names(people)}) ไม่ครบตามอำนาจกรรมการ: " + " หรือ ".join(
        describe_branch_th(b) for b in rule.branches)
    if primary == SEAL_REQUIRED:
        th = f"ต้องประทับตราสำคัญของบริษัท — ผู้ลงนาม ({_names(people)}) ครบแล้วแต่ไม่มีการประทับตรา"
    en = f"The signers ({_names(people)}) do not satisfy the rule: {summary}."
    return _refuse(primary, summary, th, en, failures)
