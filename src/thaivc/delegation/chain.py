"""Delegation chains: root (signed by the company's directors) → … → leaf (held by the actor).

Verified root → leaf, as a capability chain of the W3C CCG's Authorization Capabilities for Linked
Data (ZCAP-LD) is, so a long chain fails early and cheaply (``docs/authority.md``).
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

from thaivc.core.errors import ThaiVCError
from thaivc.core.report import Problem
from thaivc.delegation._proofs import ProofCheck, controllers_of
from thaivc.delegation.credential import MAX_DEPTH, Delegation, juristic_issuer_id

__all__ = ["MAX_CHAIN_LENGTH", "ChainQuestion", "ChainResult", "StatusCheck", "check_chain"]

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

    @property
    def ok(self) -> bool:
        return not self.problems and not self.indeterminate

    @property
    def root(self) -> Delegation | None:
        return self.links[0] if self.links else None


def _fail(links: Sequence[Delegation], code: str, detail: str, loc: tuple[str | int, ...] = ()) -> ChainResult:
    return ChainResult(tuple(links), (Problem.of(code, detail, loc),))


def _assemble(
    delegations: Sequence[Delegation], holder: str, max_length: int
) -> tuple[list[Delegation], Problem | None]:
    """Walk from the holder's leaf up through ``parent`` ids; return root-first links."""
    by_id: dict[str, Delegation] = {}
    for d in delegations:
        if d.id in by_id:
            return [], Problem.of(CHAIN_INVALID, f"two delegations share the id {d.id}")
        by_id[d.id] = d
    leaf = _leaf(delegations, holder)
    if isinstance(leaf, Problem):
        return [], leaf
    return _walk_up(leaf, by_id, max_length)


def _leaf(delegations: Sequence[Delegation], holder: str) -> Delegation | Problem:
    """The one delegation to the holder that no other names as its parent."""
    parents = {d.parent for d in delegations if d.parent is not None}
    leaves = [d for d in delegations if d.attorney == holder and d.id not in parents]
    if not leaves:
        if any(d.attorney == holder for d in delegations):
            return Problem.of(CHAIN_INVALID, "the holder's delegation is the parent of another: a cycle")
        return Problem.of(BROKEN_LINK, "no delegation names the presenter as attorney")
    if len(leaves) > 1:
        return Problem.of(CHAIN_INVALID, "several delegations to the presenter: present one chain")
    return leaves[0]


def _walk_up(
    leaf: Delegation, by_id: Mapping[str, Delegation], max_length: int
) -> tuple[list[Delegation], Problem | None]:
    """Parents from the leaf to the root, refusing a cycle, a missing parent or a chain too long."""
    chain = [leaf]
    seen = {leaf.id}
    while chain[-1].parent is not None:
        parent_id = chain[-1].parent
        if parent_id in seen:
            return [], Problem.of(CHAIN_INVALID, "the chain contains a cycle")
        if len(chain) >= max_length:
            return [], Problem.of(CHAIN_INVALID, f"the chain is longer than {max_length} links")
        parent = by_id.get(parent_id)
        if parent is None:
            return [], Problem.of(CHAIN_INVALID, f"the parent delegation {parent_id} was not presented")
        seen.add(parent_id)
        chain.append(parent)
    return list(reversed(chain)), None


def _attenuates(parent: Delegation, child: Delegation) -> str | None:
    if not parent.sub_delegation_allowed:
        return "the parent does not allow sub-delegation"
    if child.max_depth > parent.max_depth - 1:
        return f"the child allows depth {child.max_depth}; its parent leaves at most {parent.max_depth - 1}"
    extra = [a for a in child.scope.acts if a not in parent.scope.acts]
    if extra:
        return f"the child grants acts its parent does not: {', '.join(extra)}"
    cap, child_cap = parent.scope.max_value_thb, child.scope.max_value_thb
    if cap is not None and (child_cap is None or child_cap > cap):
        shown = "no cap" if child_cap is None else f"{child_cap:,} baht"
        return f"the child's value cap ({shown}) exceeds its parent's ({cap:,} baht)"
    return None


def _nests(parent: Delegation, child: Delegation) -> str | None:
    if parent.valid_from is not None and (child.valid_from is None or child.valid_from < parent.valid_from):
        return "the child is valid before its parent"
    if parent.valid_until is not None and (child.valid_until is None or child.valid_until > parent.valid_until):
        return "the child outlives its parent"
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

    ``proofs`` maps each delegation id to its verified proof set. Every proof of every link must
    verify (one bad member fails the whole set, VC Data Integrity §4.5); non-root links must be
    signed by exactly their issuer. The root's signers are returned for the quorum check, not judged
    here. The steps, in order: assemble, root, each link (proofs, parent, time), status, scope.
    """
    links, problem = _assemble(delegations, question.holder, min(max_length, MAX_CHAIN_LENGTH))
    if problem is not None:
        return ChainResult((), (problem,))
    failure = _check_root(links[0], question.on_behalf_of)
    for i, link in enumerate(links):
        if failure is None:
            failure = _check_link(
                links, i, list(proofs.get(link.id, ())), question.on_behalf_of, now=now, leeway=leeway
            )
    if failure is not None:
        code, detail, loc = failure
        return _fail(links, code, detail, loc)
    return _check_statuses(links, status) or _check_scope(links, question)


#: Why a step refused: the code, the detail, and where in the chain.
_Failure = tuple[str, str, tuple[str | int, ...]]


def _check_root(root: Delegation, on_behalf_of: str) -> _Failure | None:
    """The root is granted by, and issued as, the company acted for."""
    if root.grantor_id != on_behalf_of:
        return BROKEN_LINK, f"the chain's root is granted by {root.grantor_id}, not {on_behalf_of}", ()
    if root.issuer != juristic_issuer_id(on_behalf_of):
        detail = f"the chain's root is issued by {root.issuer}, not by the company {on_behalf_of}"
        return "delegation.untrusted_root", detail, ()
    return None


def _check_link(
    links: Sequence[Delegation], i: int, checks: list[ProofCheck], on_behalf_of: str, *, now: float, leeway: int
) -> _Failure | None:
    """Link ``i``: its proofs, its company, its parent's attorney and limits, its own validity."""
    link, loc = links[i], ("chain", i)
    if not checks:
        return ("delegation.quorum_not_met" if i == 0 else BROKEN_LINK), "the delegation carries no proof", loc
    bad = next((c for c in checks if not c.ok), None)
    if bad is not None:
        return (
            bad.code or "di.proof_invalid",
            f"proof {bad.index + 1} of link {i + 1} does not verify: {bad.detail}",
            loc,
        )
    if link.grantor_id != on_behalf_of:
        return NOT_ATTENUATED, f"link {i + 1} speaks for another company ({link.grantor_id})", loc
    if i > 0:
        why = _follows(links[i - 1], link, checks, i + 1)
        if why is not None:
            return (*why, loc)
    if link.valid_from is not None and now + leeway < link.valid_from:
        return CHAIN_INVALID, f"link {i + 1} is not yet valid", loc
    expired = link.valid_until is not None and now - leeway > link.valid_until
    return (CHAIN_INVALID, f"link {i + 1} has expired", loc) if expired else None


def _follows(parent: Delegation, link: Delegation, checks: list[ProofCheck], n: int) -> tuple[str, str] | None:
    """Link ``n`` (1-based, not the root) is issued and signed by its parent's attorney, attenuates it
    and nests in its time."""
    if link.issuer != parent.attorney:
        return BROKEN_LINK, f"link {n} is not issued by its parent's attorney"
    if set(controllers_of(checks)) != {parent.attorney}:
        return BROKEN_LINK, f"link {n} is signed by someone other than its parent's attorney"
    why = _attenuates(parent, link)
    if why is not None:
        return NOT_ATTENUATED, f"link {n}: {why}"
    why = _nests(parent, link)
    if why is not None:
        return CHAIN_INVALID, f"link {n}: {why}"
    return None


def _check_statuses(links: Sequence[Delegation], status: StatusCheck | None) -> ChainResult | None:
    """Every link with a status entry is neither revoked nor suspended; unknown is indeterminate."""
    undecided: list[Problem] = []
    for i, link in enumerate(links):
        if "credentialStatus" not in link.document:
            continue
        if status is None:
            detail = f"link {i + 1} has a status entry and no status checker is configured"
            undecided.append(Problem.of("status.not_checked", detail, ("chain", i)))
            continue
        try:
            status(link.document)
        except ThaiVCError as err:
            if err.code in ("status.revoked", "status.suspended"):
                word = "revoked" if err.code == "status.revoked" else "suspended"
                return _fail(links, CHAIN_INVALID, f"link {i + 1} is {word}", ("chain", i))
            undecided.append(Problem.of(err.code, f"link {i + 1}: {err.detail}", ("chain", i)))
    if undecided:
        return ChainResult(tuple(links), tuple(undecided), indeterminate=True)
    return None


def _check_scope(links: Sequence[Delegation], question: ChainQuestion) -> ChainResult:
    """The leaf's scope covers the act and its value."""
    why = links[-1].scope.covers(question.act, question.value_thb)
    if why is not None:
        return _fail(links, SCOPE_EXCEEDED, why, ("chain", len(links) - 1))
    return ChainResult(tuple(links))
