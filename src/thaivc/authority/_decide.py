"""Deciding whether a set of signers satisfies a rule for an act.

Usable branches for act X are ``always`` ∪ (``only`` and X ∈ scope) ∪ (``except`` and X ∉ scope),
where X's scopes come from its own clause-scope tags and the act-tag table (``act_scopes.json``).
A signer set satisfies a usable branch when some ``total`` of its distinct people fill every slot
(a matching of slots to people exists) and the seal requirement is met; signers beyond that are
listed as surplus, not held against the set — a clause's head count is a minimum. Anything that
cannot be established — an unreadable clause, a value-bounded scope without a value, a seal the
rule requires but nobody attested — refuses: the decision fails closed. An act the table cannot
place, under a rule whose scopes are tagged, is undecidable (``authority.act_unclassified``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from thaivc.authority._acts import place_act
from thaivc.authority._describe import describe_branch_en, describe_branch_th, describe_slot_en
from thaivc.authority._matching import perfect_matching
from thaivc.authority._model import (
    Act,
    AnyDirector,
    Branch,
    DirectorName,
    PersonRef,
    RuleBody,
    RuleDecision,
    Scope,
    SignerRef,
    Slot,
)
from thaivc.authority._names import matching_readings
from thaivc.core.errors import UsageError
from thaivc.core.report import Problem

__all__ = ["RuleDecision", "decide"]

NOT_SATISFIED = "authority.not_satisfied"
SEAL_REQUIRED = "authority.seal_required"
UNREADABLE = "authority.clause_unreadable"
UNMATCHED = "authority.director_unmatched"
VALUE_REQUIRED = "authority.value_required"
UNCLASSIFIED = "authority.act_unclassified"


def _same_person(signer: SignerRef, other: PersonRef | DirectorName) -> bool:
    """Citizen ids decide when both sides have one; otherwise some reading of the names must agree.

    A name whose title has a field of its own has one reading; a registry string may have several
    (see :func:`thaivc.authority.registry_readings`): nothing is cut from a given name.
    """
    if signer.citizen_id is not None and other.citizen_id is not None:
        return signer.citizen_id == other.citizen_id
    return bool(matching_readings(signer.readings(), other.readings()))


def _fits(signer: SignerRef, slot: Slot) -> bool:
    if isinstance(slot, AnyDirector):
        return True
    return any(_same_person(signer, p) for p in slot.any_of)


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
        keys = [("name", r.key) for r in s.readings()] + ([("cid", s.citizen_id)] if s.citizen_id else [])
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
        out.append(SignerRef(name_th=first.name_th, title_th=first.title_th,
                             citizen_id=next(iter(ids)) if ids else None))
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
    return ", ".join(s.display_th for s in signers) or "-"


@dataclass(frozen=True, slots=True)
class _Attempt:
    """One branch tried: the failure code (None when met), the reason, who filled which slot."""

    code: str | None
    why: str = ""
    assignment: Mapping[int, SignerRef] = field(default_factory=dict)
    too_few: bool = False
    applies: bool = True  # False when the branch's scope leaves this act out


def _scope_blocks(b: Branch, act: Act, value_thb: int | None) -> _Attempt | None:
    """Why a scoped branch does not apply to this act, or None when it does."""
    if b.scope is None:
        return None
    inside = _in_scope(b.scope, act, value_thb)
    if inside is None:
        return _Attempt(VALUE_REQUIRED, "the scope depends on the value of the act and no value was given")
    if b.mode == "only" and not inside:
        return _Attempt(NOT_SATISFIED, "the act is outside this branch's scope", applies=False)
    if b.mode == "except" and inside:
        return _Attempt(NOT_SATISFIED, "the act falls in the scope this branch excludes", applies=False)
    return None


def _try_branch(b: Branch, people: list[SignerRef], act: Act, value_thb: int | None,
                seal: bool | None) -> _Attempt:
    """Fill every slot with a distinct signer; signers left over are surplus, not a failure."""
    blocked = _scope_blocks(b, act, value_thb)
    if blocked is not None:
        return blocked
    if len(people) < b.total:
        return _Attempt(NOT_SATISFIED, f"needs at least {b.total} distinct signer(s), got {len(people)}",
                        too_few=True)
    candidates = [[i for i, p in enumerate(people) if _fits(p, slot)] for slot in b.slots]
    match = perfect_matching(candidates, len(people))
    if match is None:
        empty = [describe_slot_en(b.slots[j]) for j, c in enumerate(candidates) if not c]
        why = f"nobody present can fill: {'; '.join(empty)}" if empty else "two slots compete for one signer"
        return _Attempt(NOT_SATISFIED, f"the signers cannot fill every slot ({why})")
    assignment = {slot: people[i] for slot, i in enumerate(match)}
    if b.seal == "required" and seal is not True:
        said = "no seal status was given" if seal is None else "the document is not sealed"
        return _Attempt(SEAL_REQUIRED, f"the company seal is required and {said}", assignment)
    return _Attempt(None, "", assignment)


def _bind(signers: Sequence[SignerRef],
          directors: Sequence[DirectorName]) -> tuple[list[SignerRef], str | None]:
    """Replace each signer by the one director they are; refuse a signer who is none or several."""
    out: list[SignerRef] = []
    for s in signers:
        hits = [d for d in directors if _same_person(s, d)]
        if len(hits) != 1:
            return [], _unbound_reason(s, hits)
        d = hits[0]
        out.append(SignerRef(name_th=d.name_th, title_th=d.title_th, citizen_id=d.citizen_id or s.citizen_id))
    return out, None


def _unbound_reason(signer: SignerRef, hits: Sequence[DirectorName]) -> str:
    if not hits:
        return f"the signer “{signer.name_th}” is not a director"
    who = "”, “".join(d.name_th for d in hits)
    if len(signer.readings()) > 1:
        splits = " / ".join(r.shown() for r in signer.readings())
        return (f"the signer “{signer.name_th}” matches {len(hits)} directors (“{who}”): where the title "
                f"ends and the name begins is ambiguous ({splits})")
    return f"the signer “{signer.name_th}” matches {len(hits)} directors (“{who}”)"


def _unclassified(rule: RuleBody, act: Act) -> tuple[Act, str | None]:
    """The act with the clause scopes it falls into, or the reason its scope cannot be known.

    Only a rule with a tagged exception or addition depends on the act's kind; under such a rule an
    act with any tag the table cannot place might belong to a scope that withdraws the general
    rule, so nothing can be decided.
    """
    placed, unplaced = place_act(act.tags)
    tagged = [b for b in rule.branches if b.scope is not None and b.scope.tags]
    if unplaced and tagged:
        scopes = sorted({t for b in tagged if b.scope is not None for t in b.scope.tags})
        return act, (f"the act “{', '.join(unplaced)}” is not in the act-scope table, so it is unknown "
                     f"whether it falls under the clause's scopes ({', '.join(scopes)})")
    return Act(tags=act.tags | placed, text_th=act.text_th), None


def _undecided(why: str) -> RuleDecision:
    return RuleDecision(False, None, {}, (Problem.of(UNCLASSIFIED, why),),
                        "ยังตัดสินไม่ได้: ไม่ทราบว่าการกระทำนี้อยู่ในขอบเขตใดของอำนาจกรรมการ"
                        " (การกระทำนี้ไม่มีในตารางประเภทการกระทำ)",
                        f"Cannot decide: {why}.", indeterminate=True)


def _allowed(i: int, b: Branch, attempt: _Attempt, people: list[SignerRef], seal: bool | None) -> RuleDecision:
    counted = [attempt.assignment[k] for k in sorted(attempt.assignment)]
    surplus = tuple(p for p in people if p not in counted)
    notes: tuple[str, ...] = ()
    desc = describe_branch_th(b)
    lead = "ต้องมี" if desc.startswith("กรรมการ") else "ต้องมี "
    th = f"{lead}{desc} — ได้รับลงนามจาก {_names(counted)}"
    en = f"{describe_branch_en(b)} — signed by {_names(counted)}."
    if surplus:
        th += f" (ลงนามเพิ่มเติมเกินกว่าที่อำนาจกรรมการกำหนด ไม่นับรวม: {_names(surplus)})"
        en += f" Also signed, beyond what the rule needs (not counted): {_names(surplus)}."
    if b.seal == "unspecified" and seal is None:
        notes = ("seal_unspecified",)
        th += " (ข้อความอำนาจกรรมการไม่ได้ระบุเรื่องตราสำคัญ และไม่ทราบว่ามีการประทับตราหรือไม่)"
        en += " Note: the clause does not mention the seal and no seal status was given."
    return RuleDecision(True, i, dict(sorted(attempt.assignment.items())), (), th, en, notes, surplus)


def _refused(rule: RuleBody, people: list[SignerRef], attempts: list[_Attempt]) -> RuleDecision:
    failures = [Problem.of(a.code or NOT_SATISFIED, f"branch {i + 1} ({describe_branch_en(b)}): {a.why}",
                           ("branches", i)) for i, (b, a) in enumerate(zip(rule.branches, attempts, strict=True))]
    seal_only = [p for p in failures if p.code == SEAL_REQUIRED]
    value_only = [p for p in failures if p.code == VALUE_REQUIRED]
    primary = SEAL_REQUIRED if seal_only else VALUE_REQUIRED if value_only else NOT_SATISFIED
    summary = "; ".join(p.detail for p in failures) or "the rule has no branches"
    # "ไม่ครบ" (too few) only when more signers could meet some branch; with enough people who are
    # the wrong ones, the set "does not conform" (ไม่เป็นไปตาม)
    verdict = "ไม่ครบตาม" if any(a.too_few for a in attempts) else "ไม่เป็นไปตาม"
    th = f"ผู้ลงนาม ({_names(people)}) {verdict}อำนาจกรรมการ: " + " หรือ ".join(
        describe_branch_th(b) for b in rule.branches)
    if primary == SEAL_REQUIRED:
        th = f"ต้องประทับตราสำคัญของบริษัท — ผู้ลงนาม ({_names(people)}) ครบแล้วแต่ไม่มีการประทับตรา"
    en = f"The signers ({_names(people)}) do not satisfy the rule: {summary}."
    return _refuse(primary, summary, th, en, failures)


def decide(rule: RuleBody, signers: Sequence[SignerRef], *, act: Act | str = "general",
           value_thb: int | None = None, seal: bool | None = None,
           directors: Sequence[DirectorName] | None = None) -> RuleDecision:
    """Evaluate every branch in order; the first satisfied one authorises."""
    the_act = _check_args(act, value_thb, seal)
    if not all(isinstance(s, SignerRef) for s in signers):
        raise UsageError("usage.invalid_argument", "signers must be SignerRef instances")
    if rule.needs_review:
        reason = rule.review_reason or ""
        return _refuse(UNREADABLE, reason, "ข้อความอำนาจกรรมการต้องให้เจ้าหน้าที่ตรวจสอบก่อนใช้",
                       f"The signing clause needs human review before use: {reason}")
    if directors is not None:
        if not all(isinstance(d, DirectorName) for d in directors):
            raise UsageError("usage.invalid_argument", "directors must be DirectorName instances")
        signers, unbound = _bind(signers, directors)
        if unbound is not None:
            return _refuse(UNMATCHED, unbound, "ไม่อาจระบุตัวผู้ลงนามกับรายชื่อกรรมการได้แน่ชัด",
                           f"A signer cannot be identified with certainty: {unbound}")
    people, conflict = _distinct(signers)
    if conflict is not None:
        return _refuse(UNMATCHED, conflict, "ไม่อาจระบุตัวผู้ลงนามได้แน่ชัด (ผู้ลงนามซ้ำหรือขัดแย้งกัน)",
                       f"A signer cannot be identified with certainty: {conflict}")
    the_act, unknown = _unclassified(rule, the_act)
    if unknown is not None:
        return _undecided(unknown)
    attempts: list[_Attempt] = []
    for i, b in enumerate(rule.branches):
        attempt = _try_branch(b, people, the_act, value_thb, seal)
        if attempt.code is None:
            return _allowed(i, b, attempt, people, seal)
        attempts.append(attempt)
    return _refused(rule, people, attempts)
