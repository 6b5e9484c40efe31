"""Delegation chains: root (signed by the company's directors) → … → leaf (held by the actor).

Verified root → leaf, as ZCAP does (docs/security.md group K), so a long chain fails early and cheaply.
Each rule below yields one stable code:

* ``delegation.chain_invalid`` — no chain reaches the holder, a parent is missing, a cycle, more
  than ``max_length`` links (default 10), a child valid before its parent or outliving it, a link
  expired, not yet valid, revoked or suspended;
* ``delegation.untrusted_root`` — a root not issued by the company itself;
* ``delegation.broken_link`` — a link not issued, or not signed, by its parent's attorney; a
  leaf whose attorney is not the presenter; a company other than the one acted for;
* ``delegation.not_attenuated`` — a child granting an act, a value, a depth or a sub-delegation
  right its parent does not have;
* ``delegation.scope_exceeded`` — the requested act or value is outside the leaf's scope.

Who signed the root, and whether they are enough, is the signing rule's question and is answered
by :mod:`thaivc.authorization.authorizer` with the bindings of :mod:`thaivc.delegation.binding`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Required, TypedDict, Unpack

from thaivc.authority import act_shown_th
from thaivc.core.errors import ThaiVCError
from thaivc.core.report import Problem
from thaivc.delegation._proofs import ProofCheck, controllers_of
from thaivc.delegation.credential import MAX_DEPTH, Delegation, juristic_issuer_id

__all__ = [
    "MAX_CHAIN_LENGTH",
    "ChainQuestion",
    "ChainResult",
    "ChainSettings",
    "StatusCheck",
    "check_chain",
    "verify_chain",
]

MAX_CHAIN_LENGTH: Final = MAX_DEPTH
#: ``check(credential)`` raises ``status.revoked`` / ``status.suspended`` / ``status.*``.
StatusCheck = Callable[[Mapping[str, Any]], None]

CHAIN_INVALID = "delegation.chain_invalid"
BROKEN_LINK = "delegation.broken_link"
NOT_ATTENUATED = "delegation.not_attenuated"
SCOPE_EXCEEDED = "delegation.scope_exceeded"


@dataclass(frozen=True)
class ChainResult:
    """``links`` root first; ``problems`` empty when the chain holds; ``indeterminate`` when a
    status could not be learned (never folded into valid)."""

    links: tuple[Delegation, ...]
    problems: tuple[Problem, ...] = field(default=())
    indeterminate: bool = False
    #: The first problem as a citizen is shown it, in Thai only ("" when the chain holds).
    reason_th: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and not self.indeterminate

    @property
    def root(self) -> Delegation | None:
        return self.links[0] if self.links else None


def _fail(
    links: Sequence[Delegation], code: str, detail: str, loc: tuple[str | int, ...] = (), *, th: str
) -> ChainResult:
    return ChainResult(tuple(links), (Problem.of(code, detail, loc),), reason_th=th)


def _link_th(i: int) -> str:
    return f"หนังสือมอบอำนาจขั้นที่ {i + 1}"


#: ``_assemble``'s failures: (problem, the Thai reason).
_Assembly = tuple[list[Delegation], tuple[Problem, str] | None]
_CYCLE_TH: Final = "สายการมอบอำนาจวนซ้ำ"


def _no_chain(code: str, detail: str, th: str) -> _Assembly:
    return [], (Problem.of(code, detail), th)


def _leaf_of(delegations: Sequence[Delegation], holder: str) -> Delegation | _Assembly:
    """The one delegation to the holder that is no other's parent, or why there is none."""
    parents = {d.parent for d in delegations if d.parent is not None}
    leaves = [d for d in delegations if d.attorney == holder and d.id not in parents]
    if len(leaves) == 1:
        return leaves[0]
    if leaves:
        return _no_chain(
            CHAIN_INVALID,
            "several delegations to the presenter: present one chain",
            "มีหนังสือมอบอำนาจถึงผู้นำเสนอหลายฉบับ ต้องนำเสนอสายการมอบอำนาจเพียงสายเดียว",
        )
    if any(d.attorney == holder for d in delegations):
        return _no_chain(CHAIN_INVALID, "the holder's delegation is the parent of another: a cycle", _CYCLE_TH)
    return _no_chain(
        BROKEN_LINK,
        "no delegation names the presenter as attorney",
        "ไม่มีหนังสือมอบอำนาจที่ระบุผู้นำเสนอเป็นผู้รับมอบอำนาจ",
    )


def _walk_up(leaf: Delegation, by_id: Mapping[str, Delegation], max_length: int) -> _Assembly:
    """From the leaf through ``parent`` ids to the root; root-first links, or why the walk stopped."""
    chain = [leaf]
    seen = {leaf.id}
    while chain[-1].parent is not None:
        parent_id = chain[-1].parent
        if parent_id in seen:
            return _no_chain(CHAIN_INVALID, "the chain contains a cycle", _CYCLE_TH)
        if len(chain) >= max_length:
            return _no_chain(
                CHAIN_INVALID,
                f"the chain is longer than {max_length} links",
                f"สายการมอบอำนาจยาวเกิน {max_length} ขั้น",
            )
        parent = by_id.get(parent_id)
        if parent is None:
            return _no_chain(
                CHAIN_INVALID,
                f"the parent delegation {parent_id} was not presented",
                "ไม่ได้นำเสนอหนังสือมอบอำนาจขั้นก่อนหน้า",
            )
        seen.add(parent_id)
        chain.append(parent)
    return list(reversed(chain)), None


def _assemble(delegations: Sequence[Delegation], holder: str, max_length: int) -> _Assembly:
    """Walk from the holder's leaf up through ``parent`` ids; return root-first links."""
    by_id: dict[str, Delegation] = {}
    for d in delegations:
        if d.id in by_id:
            return _no_chain(CHAIN_INVALID, f"two delegations share the id {d.id}", "มีหนังสือมอบอำนาจสองฉบับที่ใช้รหัสเดียวกัน")
        by_id[d.id] = d
    leaf = _leaf_of(delegations, holder)
    return _walk_up(leaf, by_id, max_length) if isinstance(leaf, Delegation) else leaf


def _attenuates(parent: Delegation, child: Delegation) -> tuple[str, str] | None:
    """Why ``child`` grants more than ``parent``, in English and in Thai, or None."""
    if not parent.sub_delegation_allowed:
        return "the parent does not allow sub-delegation", "ขั้นก่อนหน้าไม่อนุญาตให้มอบอำนาจช่วง"
    if child.max_depth > parent.max_depth - 1:
        return (
            f"the child allows depth {child.max_depth}; its parent leaves at most {parent.max_depth - 1}",
            f"อนุญาตให้มอบอำนาจช่วงต่อได้ {child.max_depth} ขั้น เกินกว่าที่ขั้นก่อนหน้าอนุญาต ({parent.max_depth - 1} ขั้น)",
        )
    extra = [a for a in child.scope.acts if a not in parent.scope.acts]
    if extra:
        return (
            f"the child grants acts its parent does not: {', '.join(extra)}",
            f"มอบอำนาจให้ทำสิ่งที่ขั้นก่อนหน้าไม่ได้มอบไว้ ({', '.join(act_shown_th(a) for a in extra)})",
        )
    cap, child_cap = parent.scope.max_value_thb, child.scope.max_value_thb
    if cap is not None and (child_cap is None or child_cap > cap):
        shown = "no cap" if child_cap is None else f"{child_cap:,} baht"
        shown_th = "ไม่จำกัดวงเงิน" if child_cap is None else f"วงเงิน {child_cap:,} บาท"
        return (
            f"the child's value cap ({shown}) exceeds its parent's ({cap:,} baht)",
            f"{shown_th} เกินวงเงินของขั้นก่อนหน้า {cap:,} บาท",
        )
    return None


def _nests(parent: Delegation, child: Delegation) -> tuple[str, str] | None:
    if parent.valid_from is not None and (child.valid_from is None or child.valid_from < parent.valid_from):
        return "the child is valid before its parent", "มีผลก่อนหนังสือมอบอำนาจขั้นก่อนหน้า"
    if parent.valid_until is not None and (child.valid_until is None or child.valid_until > parent.valid_until):
        return "the child outlives its parent", "มีผลนานกว่าหนังสือมอบอำนาจขั้นก่อนหน้า"
    return None


@dataclass(frozen=True, slots=True)
class ChainQuestion:
    """What a chain is asked to allow: ``holder`` acting ``act`` (a tag or several) for ``on_behalf_of``.

    ``value_thb`` is the value of the act in baht, ``None`` when it has none.
    """

    holder: str
    on_behalf_of: str
    act: str | Collection[str]
    value_thb: int | None = None


class ChainSettings(TypedDict, total=False):
    """The checker's settings beside the question: ``now`` (required), ``leeway`` in seconds
    (default 300), the ``status`` checker of each link, and ``max_length`` (capped at
    :data:`MAX_CHAIN_LENGTH`)."""

    now: Required[float]
    leeway: int
    status: StatusCheck | None
    max_length: int


@dataclass(frozen=True, slots=True)
class _Refusal:
    """One chain rule's refusal: its stable code, the English detail and the Thai reason."""

    code: str
    detail: str
    th: str


@dataclass(frozen=True, slots=True)
class _Link:
    """One link as the per-link rules see it: its place, its parent (None for the root), its proofs."""

    i: int
    link: Delegation
    parent: Delegation | None
    checks: list[ProofCheck]

    @property
    def th(self) -> str:
        return _link_th(self.i)


@dataclass(frozen=True, slots=True)
class _When:
    """The question and the clock every per-link rule is judged against."""

    on_behalf_of: str
    now: float
    leeway: int


#: A chain rule: the refusal it finds, or None when the link passes it.
_LinkRule = Callable[[_Link, _When], "_Refusal | None"]


def _root_company(root: Delegation, on_behalf_of: str) -> _Refusal | None:
    """The root must be granted by, and issued in the name of, the company acted for."""
    if root.grantor_id != on_behalf_of:
        return _Refusal(
            BROKEN_LINK,
            f"the chain's root is granted by {root.grantor_id}, not {on_behalf_of}",
            "หนังสือมอบอำนาจขั้นแรกมอบอำนาจในนามนิติบุคคลอื่น",
        )
    if root.issuer != juristic_issuer_id(on_behalf_of):
        return _Refusal(
            "delegation.untrusted_root",
            f"the chain's root is issued by {root.issuer}, not by the company {on_behalf_of}",
            "หนังสือมอบอำนาจขั้นแรกไม่ได้ออกในนามของนิติบุคคลนี้",
        )
    return None


def _has_proofs(step: _Link, _when: _When) -> _Refusal | None:
    """Every link carries a proof: the root's signers are the quorum, a child's its parent's attorney."""
    if step.checks:
        return None
    code = "delegation.quorum_not_met" if step.i == 0 else BROKEN_LINK
    return _Refusal(code, "the delegation carries no proof", f"{step.th} ไม่มีลายมือชื่อดิจิทัล")


def _proofs_verify(step: _Link, _when: _When) -> _Refusal | None:
    """A bad member fails the whole proof set (VC Data Integrity §4.5)."""
    bad = next((c for c in step.checks if not c.ok), None)
    if bad is None:
        return None
    return _Refusal(
        bad.code or "di.proof_invalid",
        f"proof {bad.index + 1} of link {step.i + 1} does not verify: {bad.detail}",
        f"ลายมือชื่อดิจิทัลฉบับที่ {bad.index + 1} ของ{step.th} ตรวจสอบไม่ผ่าน",
    )


def _same_company(step: _Link, when: _When) -> _Refusal | None:
    """No link may speak for a company other than the one acted for."""
    if step.link.grantor_id == when.on_behalf_of:
        return None
    return _Refusal(
        NOT_ATTENUATED,
        f"link {step.i + 1} speaks for another company ({step.link.grantor_id})",
        f"{step.th} มอบอำนาจในนามนิติบุคคลอื่น",
    )


def _issued_by_parent(step: _Link, _when: _When) -> _Refusal | None:
    """A child is issued by its parent's attorney."""
    if step.parent is None or step.link.issuer == step.parent.attorney:
        return None
    return _Refusal(
        BROKEN_LINK,
        f"link {step.i + 1} is not issued by its parent's attorney",
        f"{step.th} ไม่ได้ออกโดยผู้รับมอบอำนาจในขั้นก่อนหน้า",
    )


def _signed_by_parent(step: _Link, _when: _When) -> _Refusal | None:
    """A child is signed by exactly its parent's attorney, no one else."""
    if step.parent is None or set(controllers_of(step.checks)) == {step.parent.attorney}:
        return None
    return _Refusal(
        BROKEN_LINK,
        f"link {step.i + 1} is signed by someone other than its parent's attorney",
        f"{step.th} ลงนามโดยผู้อื่นที่ไม่ใช่ผู้รับมอบอำนาจในขั้นก่อนหน้า",
    )


def _narrower(step: _Link, _when: _When) -> _Refusal | None:
    """A child grants no more than its parent (acts, value, depth, sub-delegation)."""
    why = None if step.parent is None else _attenuates(step.parent, step.link)
    if why is None:
        return None
    return _Refusal(NOT_ATTENUATED, f"link {step.i + 1}: {why[0]}", f"{step.th}: {why[1]}")


def _nested(step: _Link, _when: _When) -> _Refusal | None:
    """A child is valid only within its parent's validity."""
    why = None if step.parent is None else _nests(step.parent, step.link)
    if why is None:
        return None
    return _Refusal(CHAIN_INVALID, f"link {step.i + 1}: {why[0]}", f"{step.th}: {why[1]}")


def _started(step: _Link, when: _When) -> _Refusal | None:
    """A link not yet valid (beyond the leeway) is refused."""
    valid_from = step.link.valid_from
    if valid_from is None or when.now + when.leeway >= valid_from:
        return None
    return _Refusal(CHAIN_INVALID, f"link {step.i + 1} is not yet valid", f"{step.th} ยังไม่ถึงวันเริ่มมีผล")


def _not_expired(step: _Link, when: _When) -> _Refusal | None:
    """A link past its end (beyond the leeway) is refused."""
    valid_until = step.link.valid_until
    if valid_until is None or when.now - when.leeway <= valid_until:
        return None
    return _Refusal(CHAIN_INVALID, f"link {step.i + 1} has expired", f"{step.th} หมดอายุแล้ว")


#: The per-link rules, in the order they are asked: the first refusal is the chain's answer.
_LINK_RULES: Final[tuple[_LinkRule, ...]] = (
    _has_proofs,
    _proofs_verify,
    _same_company,
    _issued_by_parent,
    _signed_by_parent,
    _narrower,
    _nested,
    _started,
    _not_expired,
)


def _first_link_refusal(
    links: Sequence[Delegation], proofs: Mapping[str, Sequence[ProofCheck]], when: _When
) -> tuple[int, _Refusal] | None:
    """Root → leaf, every rule of each link: the first refusal and the link it is about."""
    for i, link in enumerate(links):
        step = _Link(i, link, links[i - 1] if i > 0 else None, list(proofs.get(link.id, ())))
        for rule in _LINK_RULES:
            refusal = rule(step, when)
            if refusal is not None:
                return i, refusal
    return None


_REVOKED: Final = {"status.revoked": ("revoked", "ถูกเพิกถอนแล้ว"), "status.suspended": ("suspended", "ถูกระงับไว้ชั่วคราว")}


def _statuses(
    links: Sequence[Delegation], status: StatusCheck | None
) -> tuple[tuple[int, _Refusal] | None, list[Problem]]:
    """A revoked or suspended link refuses the chain; a status not learned leaves it undecided."""
    undecided: list[Problem] = []
    for i, link in enumerate(links):
        if "credentialStatus" not in link.document:
            continue
        if status is None:
            undecided.append(
                Problem.of(
                    "status.not_checked",
                    f"link {i + 1} has a status entry and no status checker is configured",
                    ("chain", i),
                )
            )
            continue
        try:
            status(link.document)
        except ThaiVCError as err:
            if err.code in _REVOKED:
                word, word_th = _REVOKED[err.code]
                return (i, _Refusal(CHAIN_INVALID, f"link {i + 1} is {word}", f"{_link_th(i)} {word_th}")), []
            undecided.append(Problem.of(err.code, f"link {i + 1}: {err.detail}", ("chain", i)))
    return None, undecided


def _leaf_scope(leaf: Delegation, act: str | Collection[str], value_thb: int | None) -> _Refusal | None:
    """The requested act and value are inside the leaf's scope."""
    outside = leaf.scope.covers(act, value_thb)
    if outside is None:
        return None
    return _Refusal(
        SCOPE_EXCEEDED, outside, leaf.scope.covers_th(act, value_thb) or "การกระทำนี้อยู่นอกขอบเขตที่ได้รับมอบอำนาจ"
    )


def _refuse(links: Sequence[Delegation], refusal: _Refusal, loc: tuple[str | int, ...] = ()) -> ChainResult:
    return _fail(links, refusal.code, refusal.detail, loc, th=refusal.th)


def check_chain(
    delegations: Sequence[Delegation],
    proofs: Mapping[str, Sequence[ProofCheck]],
    question: ChainQuestion,
    **settings: Unpack[ChainSettings],
) -> ChainResult:
    """Check the chain that ends at the question's holder, root first; the verdict, never an exception.

    ``proofs`` maps each delegation id to its verified proof set. Every proof of every link must
    verify (a bad member fails the whole set, VC Data Integrity §4.5); non-root links must be signed
    by exactly their issuer. The root's signers are returned for the quorum check, not judged here.
    The rules are asked in order — assembly, the root's company, each link's rules root → leaf,
    statuses, the leaf's scope — and the first refusal is the answer.
    """
    max_length = min(settings.get("max_length", MAX_CHAIN_LENGTH), MAX_CHAIN_LENGTH)
    links, problem = _assemble(delegations, question.holder, max_length)
    if problem is not None:
        return ChainResult((), (problem[0],), reason_th=problem[1])
    refusal = _root_company(links[0], question.on_behalf_of)
    if refusal is not None:
        return _refuse(links, refusal)
    when = _When(question.on_behalf_of, settings["now"], settings.get("leeway", 300))
    found = _first_link_refusal(links, proofs, when)
    if found is None:
        found, undecided = _statuses(links, settings.get("status"))
        if found is None and undecided:
            th = "ยังไม่ทราบสถานะการเพิกถอนของหนังสือมอบอำนาจ"
            return ChainResult(tuple(links), tuple(undecided), indeterminate=True, reason_th=th)
    if found is not None:
        return _refuse(links, found[1], ("chain", found[0]))
    refusal = _leaf_scope(links[-1], question.act, question.value_thb)
    if refusal is not None:
        return _refuse(links, refusal, ("chain", len(links) - 1))
    return ChainResult(tuple(links))


def verify_chain(
    delegations: Sequence[Delegation],
    proofs: Mapping[str, Sequence[ProofCheck]],
    *,
    holder: str,
    on_behalf_of: str,
    act: str | Collection[str],
    value_thb: int | None,
    **settings: Unpack[ChainSettings],
) -> ChainResult:
    """The keyword form of :func:`check_chain`: the question's members as keywords."""
    return check_chain(delegations, proofs, ChainQuestion(holder, on_behalf_of, act, value_thb), **settings)
