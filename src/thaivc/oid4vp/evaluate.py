"""Judge a presented set of credentials against the DCQL query the verifier sent (OpenID4VP 1.0 §6, §7).

The input is what the verifier *already verified*: one :class:`Presented` per credential, its claims
view (the disclosed view for an SD-JWT) and whether a holder key bound it. The rules:

* every required credential query (or one option of every required credential set) is answered;
* each presented credential satisfies its query: format, ``vct``/types, and the claims — all of
  them, or one of the ``claim_sets``; a claim with ``values`` must hold one of them;
* nothing arrives that the query did not ask for: no unknown query id, no second credential where
  ``multiple`` is false, no query id outside every credential set.

The result carries one :class:`QueryReport` per query id and, for a satisfied query, only the
claims the query named (plus the issuer and types), so the agency's code never receives data
it did not ask for even when a wallet discloses more.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from thaivc.core.report import Problem
from thaivc.oid4vp.dcql import ClaimQuery, CredentialQuery, DcqlQuery, PathElement

__all__ = ["DcqlResult", "Presented", "QueryReport", "evaluate", "match_credential", "select"]

_MISSING: Final = object()
#: Members a result keeps besides the requested claims: who says so, and what it is.
_ALWAYS_KEPT: Final = ("iss", "issuer", "vct", "type")


def select(document: object, path: Sequence[PathElement]) -> list[Any]:
    """The values ``path`` selects in ``document`` (§7.1); empty when it selects nothing.

    A string selects a member of an object, an integer an element of an array, ``None`` every
    element of an array. Selecting from the wrong kind of value selects nothing (never an error).
    """
    current: list[Any] = [document]
    for element in path:
        nxt: list[Any] = []
        for value in current:
            if isinstance(element, str):
                if isinstance(value, dict) and element in value:
                    nxt.append(value[element])
            elif element is None:
                if isinstance(value, list):
                    nxt.extend(value)
            elif isinstance(value, list) and 0 <= element < len(value):
                nxt.append(value[element])
        current = nxt
        if not current:
            return []
    return current


def _same(a: object, b: object) -> bool:
    """Equality that does not let ``True`` stand for ``1`` (JSON keeps them apart)."""
    return type(a) is type(b) and a == b


def _claim_ok(document: Mapping[str, Any], query: ClaimQuery) -> bool:
    found = select(document, query.path)
    if not found:
        return False
    if query.values is None:
        return True
    return any(_same(v, w) for v in found for w in query.values)


@dataclass(frozen=True, slots=True)
class Presented:
    """A credential the verifier verified, as DCQL sees it.

    ``format`` is the OpenID4VP format identifier; ``document`` the verified claims view;
    ``holder_bound`` whether the presentation proved possession of a key the credential names.
    """

    format: str
    document: Mapping[str, Any]
    holder_bound: bool


def _types(document: Mapping[str, Any]) -> set[str]:
    raw = document.get("type")
    if isinstance(raw, str):
        return {raw}
    if isinstance(raw, list):
        return {t for t in raw if isinstance(t, str)}
    return set()


def _kind_matches(query: CredentialQuery, document: Mapping[str, Any], fmt: str) -> bool:
    """The format, and the ``vct`` or ``type`` values when the query names them."""
    if fmt != query.format:
        return False
    if query.vct_values is not None and document.get("vct") not in query.vct_values:
        return False
    if query.type_values is None:
        return True
    have = _types(document)
    return any(set(alternative) <= have for alternative in query.type_values)


def match_credential(query: CredentialQuery, document: Mapping[str, Any], fmt: str) -> tuple[ClaimQuery, ...] | None:
    """The claims of ``query`` that ``document`` satisfies (the first claim set that fits), or ``None``.

    Shared by the verifier (judging a response) and the wallet (choosing what to present), so both
    read a query the same way.
    """
    if not _kind_matches(query, document, fmt):
        return None
    if query.claims is None:
        return ()
    if query.claim_sets is None:
        return query.claims if all(_claim_ok(document, c) for c in query.claims) else None
    by_id = {c.id: c for c in query.claims}
    for option in query.claim_sets:
        chosen = tuple(by_id[i] for i in option)
        if all(_claim_ok(document, c) for c in chosen):
            return chosen
    return None


def _minimal(document: Mapping[str, Any], claims: Sequence[ClaimQuery]) -> dict[str, Any]:
    """Only the requested claims (and the issuer/type members), at their paths.

    A path that walks into an array keeps the array at its longest member-name prefix: the
    verifier asked about its elements, and an element without its siblings' positions is ambiguous.
    """
    out: dict[str, Any] = {k: copy.deepcopy(document[k]) for k in _ALWAYS_KEPT if k in document}
    for c in claims:
        names: list[str] = []
        for element in c.path:
            if not isinstance(element, str):
                break
            names.append(element)
        found = select(document, names) if names else []
        if not found:
            continue
        target = out
        for name in names[:-1]:
            nested = target.get(name)
            if not isinstance(nested, dict):
                nested = {}
                target[name] = nested
            target = nested
        target[names[-1]] = copy.deepcopy(found[0])  # never alias the verified document
    return out


QueryStatus = Literal["satisfied", "absent", "refused"]


@dataclass(frozen=True, slots=True)
class QueryReport:
    """The verdict for one credential query id, with the minimal claims of each accepted credential."""

    id: str
    status: QueryStatus
    credentials: tuple[dict[str, Any], ...] = ()
    problems: tuple[Problem, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status, "credentials": list(self.credentials)}
        if self.problems:
            out["problems"] = [p.to_json() for p in self.problems]
        return out


@dataclass(frozen=True, slots=True)
class DcqlResult:
    """The whole response against the whole query: ``ok`` only if nothing is missing, wrong or extra."""

    ok: bool
    queries: dict[str, QueryReport]
    problems: tuple[Problem, ...] = field(default=())

    @property
    def code(self) -> str | None:
        return self.problems[0].code if self.problems else None

    def claims(self, query_id: str) -> dict[str, Any] | None:
        """The minimal claims of the one credential accepted for ``query_id``, if any."""
        report = self.queries.get(query_id)
        if report is None or report.status != "satisfied" or not report.credentials:
            return None
        return report.credentials[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "queries": {k: v.to_json() for k, v in self.queries.items()},
            "problems": [p.to_json() for p in self.problems],
        }


def _judge(query: CredentialQuery, items: Sequence[Presented]) -> QueryReport:
    if not query.multiple and len(items) > 1:
        return QueryReport(query.id, "refused", problems=(Problem.of(
            "openid.credential_unrequested", f"{len(items)} credentials for {query.id!r}, which asks for one"),))
    accepted: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        chosen = match_credential(query, item.document, item.format)
        if chosen is None:
            return QueryReport(query.id, "refused", problems=(Problem.of(
                "openid.credential_mismatch",
                f"credential {n} for {query.id!r} does not satisfy its query (format, type or claims)"),))
        if query.require_cryptographic_holder_binding and not item.holder_bound:
            return QueryReport(query.id, "refused", problems=(Problem.of(
                "openid.credential_mismatch", f"credential {n} for {query.id!r} is not bound to the holder's key"),))
        accepted.append(_minimal(item.document, chosen))
    return QueryReport(query.id, "satisfied", tuple(accepted))


def evaluate(query: DcqlQuery, presented: Mapping[str, Sequence[Presented]]) -> DcqlResult:
    """Judge ``presented`` (query id → verified credentials) against ``query``; never raises."""
    problems = _unrequested(query, presented)
    reports: dict[str, QueryReport] = {}
    for cq in query.credentials:
        items = presented.get(cq.id)
        if not items:
            reports[cq.id] = QueryReport(cq.id, "absent")
            continue
        report = _judge(cq, items)
        reports[cq.id] = report
        problems.extend(report.problems)
    problems.extend(_missing(query, reports))
    return DcqlResult(not problems, reports, tuple(problems))


def _unrequested(query: DcqlQuery, presented: Mapping[str, Sequence[Presented]]) -> list[Problem]:
    """Credentials presented under an id no query has, or that no credential set names."""
    problems: list[Problem] = []
    for key in presented:
        if query.query(key) is None:
            problems.append(Problem.of("openid.credential_unrequested", f"no credential query has id {key[:64]!r}"))
    if query.credential_sets is not None:
        named = {i for s in query.credential_sets for o in s.options for i in o}
        for key in presented:
            if query.query(key) is not None and key not in named:
                problems.append(Problem.of("openid.credential_unrequested", f"{key!r} is in no credential set"))
    return problems


def _missing(query: DcqlQuery, reports: Mapping[str, QueryReport]) -> list[Problem]:
    """Every query (without credential sets), or every required set, that went unanswered."""
    satisfied = {k for k, r in reports.items() if r.status == "satisfied"}
    if query.credential_sets is None:
        return [Problem.of("openid.credential_missing", f"no credential for {cq.id!r}")
                for cq in query.credentials if cq.id not in satisfied and reports[cq.id].status == "absent"]
    return [Problem.of("openid.credential_missing", f"credential set {n} has no option answered")
            for n, cs in enumerate(query.credential_sets)
            if cs.required and not any(set(o) <= satisfied for o in cs.options)]
