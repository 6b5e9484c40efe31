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
from typing import Any, Final

from thaivc.authority import act_shown_th
from thaivc.core.errors import ThaiVCError
from thaivc.core.report import Problem
from thaivc.delegation._proofs import ProofCheck, controllers_of
from thaivc.delegation.credential import MAX_DEPTH, Delegation, juristic_issuer_id

__all__ = ["MAX_CHAIN_LENGTH", "ChainQuestion", "ChainResult", "StatusCheck", "check_chain", "verify_chain"]

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


def _assemble(delegations: Sequence[Delegation], holder: str, max_length: int) -> _Assembly:
    """Walk from the holder's leaf up through ``parent`` ids; return root-first links."""
    by_id: dict[str, Delegation] = {}
    for d in delegations:
        if d.id in by_id:
            return [], (
                Problem.of(CHAIN_INVALID, f"two delegations share the id {d.id}"),
                "มีหนังสือมอบอำนาจสองฉบับที่ใช้รหัสเดียวกัน",
            )
        by_id[d.id] = d
    parents = {d.parent for d in delegations if d.parent is not None}
    leaves = [d for d in delegations if d.attorney == holder and d.id not in parents]
    if not leaves:
        if any(d.attorney == holder for d in delegations):
            return [], (
                Problem.of(CHAIN_INVALID, "the holder's delegation is the parent of another: a cycle"),
                "สายการมอบอำนาจวนซ้ำ",
            )
        return [], (
            Problem.of(BROKEN_LINK, "no delegation names the presenter as attorney"),
            "ไม่มีหนังสือมอบอำนาจที่ระบุผู้นำเสนอเป็นผู้รับมอบอำนาจ",
        )
    if len(leaves) > 1:
        return [], (
            Problem.of(CHAIN_INVALID, "several delegations to the presenter: present one chain"),
            "มีหนังสือมอบอำนาจถึงผู้นำเสนอหลายฉบับ ต้องนำเสนอสายการมอบอำนาจเพียงสายเดียว",
        )
    chain = [leaves[0]]
    seen = {leaves[0].id}
    while chain[-1].parent is not None:
        parent_id = chain[-1].parent
        if parent_id in seen:
            return [], (Problem.of(CHAIN_INVALID, "the chain contains a cycle"), "สายการมอบอำนาจวนซ้ำ")
        if len(chain) >= max_length:
            return [], (
                Problem.of(CHAIN_INVALID, f"the chain is longer than {max_length} links"),
                f"สายการมอบอำนาจยาวเกิน {max_length} ขั้น",
            )
        parent = by_id.get(parent_id)
        if parent is None:
            return [], (
                Problem.of(CHAIN_INVALID, f"the parent delegation {parent_id} was not presented"),
                "ไม่ได้นำเสนอหนังสือมอบอำนาจขั้นก่อนหน้า",
            )
        seen.add(parent_id)
        chain.append(parent)
    return list(reversed(chain)), None


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


def check_chain(
    delegations: Sequence[Delegation],
    proofs: Mapping[str, Sequence[ProofCheck]],
    question: ChainQuestion,
    *,
    now: float,
    leeway: int = 300,
    status: StatusCheck | None = None,
    max_length: int = MAX_CHAIN_LENGTH,
) -> ChainResult:
    """Check the chain that ends at the question's holder, root first; the verdict, never an exception.

    The question travels as one object; :func:`verify_chain` is its keyword form.
    """
    return verify_chain(
        delegations,
        proofs,
        holder=question.holder,
        on_behalf_of=question.on_behalf_of,
        act=question.act,
        value_thb=question.value_thb,
        now=now,
        leeway=leeway,
        status=status,
        max_length=max_length,
    )


def verify_chain(
    delegations: Sequence[Delegation],
    proofs: Mapping[str, Sequence[ProofCheck]],
    *,
    holder: str,
    on_behalf_of: str,
    act: str | Collection[str],
    value_thb: int | None,
    now: float,
    leeway: int = 300,
    status: StatusCheck | None = None,
    max_length: int = MAX_CHAIN_LENGTH,
) -> ChainResult:
    """Check the chain that ends at ``holder`` for ``act`` on behalf of ``on_behalf_of``.

    ``proofs`` maps each delegation id to its verified proof set. Every proof of every link must
    verify (a bad member fails the whole set, VC Data Integrity §4.5); non-root links must be signed
    by exactly their issuer. The root's signers are returned for the quorum check, not judged here.
    """
    links, problem = _assemble(delegations, holder, min(max_length, MAX_CHAIN_LENGTH))
    if problem is not None:
        return ChainResult((), (problem[0],), reason_th=problem[1])
    root = links[0]
    if root.grantor_id != on_behalf_of:
        return _fail(
            links,
            BROKEN_LINK,
            f"the chain's root is granted by {root.grantor_id}, not {on_behalf_of}",
            th="หนังสือมอบอำนาจขั้นแรกมอบอำนาจในนามนิติบุคคลอื่น",
        )
    if root.issuer != juristic_issuer_id(on_behalf_of):
        return _fail(
            links,
            "delegation.untrusted_root",
            f"the chain's root is issued by {root.issuer}, not by the company {on_behalf_of}",
            th="หนังสือมอบอำนาจขั้นแรกไม่ได้ออกในนามของนิติบุคคลนี้",
        )
    for i, link in enumerate(links):
        loc: tuple[str | int, ...] = ("chain", i)
        checks = list(proofs.get(link.id, ()))
        if not checks:
            return _fail(
                links,
                "delegation.quorum_not_met" if i == 0 else BROKEN_LINK,
                "the delegation carries no proof",
                loc,
                th=f"{_link_th(i)} ไม่มีลายมือชื่อดิจิทัล",
            )
        bad = next((c for c in checks if not c.ok), None)
        if bad is not None:
            return _fail(
                links,
                bad.code or "di.proof_invalid",
                f"proof {bad.index + 1} of link {i + 1} does not verify: {bad.detail}",
                loc,
                th=f"ลายมือชื่อดิจิทัลฉบับที่ {bad.index + 1} ของ{_link_th(i)} ตรวจสอบไม่ผ่าน",
            )
        if link.grantor_id != on_behalf_of:
            return _fail(
                links,
                NOT_ATTENUATED,
                f"link {i + 1} speaks for another company ({link.grantor_id})",
                loc,
                th=f"{_link_th(i)} มอบอำนาจในนามนิติบุคคลอื่น",
            )
        if i > 0:
            parent = links[i - 1]
            if link.issuer != parent.attorney:
                return _fail(
                    links,
                    BROKEN_LINK,
                    f"link {i + 1} is not issued by its parent's attorney",
                    loc,
                    th=f"{_link_th(i)} ไม่ได้ออกโดยผู้รับมอบอำนาจในขั้นก่อนหน้า",
                )
            if set(controllers_of(checks)) != {parent.attorney}:
                return _fail(
                    links,
                    BROKEN_LINK,
                    f"link {i + 1} is signed by someone other than its parent's attorney",
                    loc,
                    th=f"{_link_th(i)} ลงนามโดยผู้อื่นที่ไม่ใช่ผู้รับมอบอำนาจในขั้นก่อนหน้า",
                )
            why = _attenuates(parent, link)
            if why is not None:
                return _fail(links, NOT_ATTENUATED, f"link {i + 1}: {why[0]}", loc, th=f"{_link_th(i)}: {why[1]}")
            why = _nests(parent, link)
            if why is not None:
                return _fail(links, CHAIN_INVALID, f"link {i + 1}: {why[0]}", loc, th=f"{_link_th(i)}: {why[1]}")
        if link.valid_from is not None and now + leeway < link.valid_from:
            return _fail(
                links, CHAIN_INVALID, f"link {i + 1} is not yet valid", loc, th=f"{_link_th(i)} ยังไม่ถึงวันเริ่มมีผล"
            )
        if link.valid_until is not None and now - leeway > link.valid_until:
            return _fail(links, CHAIN_INVALID, f"link {i + 1} has expired", loc, th=f"{_link_th(i)} หมดอายุแล้ว")
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
            if err.code in ("status.revoked", "status.suspended"):
                word = "revoked" if err.code == "status.revoked" else "suspended"
                word_th = "ถูกเพิกถอนแล้ว" if err.code == "status.revoked" else "ถูกระงับไว้ชั่วคราว"
                return _fail(
                    links, CHAIN_INVALID, f"link {i + 1} is {word}", ("chain", i), th=f"{_link_th(i)} {word_th}"
                )
            undecided.append(Problem.of(err.code, f"link {i + 1}: {err.detail}", ("chain", i)))
    if undecided:
        return ChainResult(
            tuple(links), tuple(undecided), indeterminate=True, reason_th="ยังไม่ทราบสถานะการเพิกถอนของหนังสือมอบอำนาจ"
        )
    outside = links[-1].scope.covers(act, value_thb)
    if outside is not None:
        return _fail(
            links,
            SCOPE_EXCEEDED,
            outside,
            ("chain", len(links) - 1),
            th=links[-1].scope.covers_th(act, value_thb) or "การกระทำนี้อยู่นอกขอบเขตที่ได้รับมอบอำนาจ",
        )
    return ChainResult(tuple(links))
