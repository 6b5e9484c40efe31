"""``Verifier.authorize``: may this person act for this company, for this act, right now?

The decision composes, in order, and stops at the first refusal (every problem is kept):

1. the presentation(s): signature, challenge, domain, every embedded credential (``vp.*``);
2. the presenter's identity: a ``ThaiCitizenCredential`` about the holder, from a trusted
   issuer (``trust.untrusted_issuer``), at the IAL the policy asks (``assurance.too_low``);
3. the company: a ``JuristicPersonCredential`` from the configured DBD issuer
   (``delegation.untrusted_root`` otherwise) or a live registry lookup; only active entities may
   act (``authority.entity_inactive``); its signing clause is parsed with
   :func:`thaivc.authority.parse_clause`;
4. either **a delegation chain** ending at the presenter (:func:`thaivc.delegation.verify_chain`)
   whose root was signed by enough distinct directors for the rule (``delegation.quorum_not_met``),
   or **directors acting directly**: one presentation per director, all for the same challenge,
   judged by the same rule.

Directors are identified only through trusted citizen credentials bound to the DBD committee list
(:func:`thaivc.delegation.bind_director`). The directors' citizen credentials travel with the
presentation, as the signers' ID-card copies are attached to a paper power of attorney.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from thaivc.assurance import AssurancePolicy, Evidence
from thaivc.authority import Act, AuthorityRule, DirectorName, RuleDecision, parse_clause
from thaivc.authority._describe import describe_branch_en, describe_branch_th
from thaivc.delegation._proofs import ProofCheck, ProofSuite, controllers_of, default_proof_suite
from thaivc.delegation.binding import (
    DirectorBinding,
    bind_director,
    directors_from_credential,
    directors_from_registry,
)
from thaivc.delegation.chain import MAX_CHAIN_LENGTH, ChainResult, StatusCheck, verify_chain
from thaivc.delegation.credential import DELEGATION_TYPE, Delegation, parse_delegation
from thaivc.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.registries.dbd import ACTIVE_STATUS, DbdRegistry
from thaivc.report import Problem, ReportBuilder, VerificationReport
from thaivc.thai import is_valid_juristic_id

if TYPE_CHECKING:
    from thaivc.verifier import Verifier

__all__ = ["AuthorityDecision", "AuthorityPolicy", "authorize"]

CITIZEN_TYPE: Final = "ThaiCitizenCredential"
JURISTIC_TYPE: Final = "JuristicPersonCredential"
MAX_PRESENTATIONS: Final = 16
_TAG = re.compile(r"[a-z][a-z0-9_]{0,63}", re.ASCII)

Outcome = Literal["allowed", "refused", "indeterminate"]


@dataclass(frozen=True)
class AuthorityPolicy:
    """Whom an agency trusts for what: identity issuers (DOPA, ThaID bridges), the DBD issuer,
    the minimum assurance of every person involved, and the longest delegation chain."""

    citizen_issuers: frozenset[str]
    dbd_issuers: frozenset[str] = frozenset()
    assurance: AssurancePolicy = field(default_factory=AssurancePolicy)
    max_chain_length: int = MAX_CHAIN_LENGTH

    def __post_init__(self) -> None:
        if not isinstance(self.citizen_issuers, frozenset) or not isinstance(self.dbd_issuers, frozenset):
            raise UsageError("usage.invalid_argument", "issuer sets are frozensets of issuer ids")
        if not 1 <= self.max_chain_length <= MAX_CHAIN_LENGTH:
            raise UsageError("usage.invalid_argument", f"max_chain_length is between 1 and {MAX_CHAIN_LENGTH}")


@dataclass(frozen=True)
class AuthorityDecision:
    """The answer, with everything a person needs to check it.

    ``outcome`` is ``allowed``, ``refused`` or ``indeterminate`` (never folded into allowed).
    ``signers`` are the directors whose signatures counted (on the root delegation, or acting
    directly); ``rule_alternative`` describes the branch of the signing rule they satisfied;
    ``chain`` lists the delegation ids root first.
    """

    outcome: Outcome
    act: str
    on_behalf_of: str
    actor: str | None
    via: Literal["delegation", "direct"] | None
    signers: tuple[DirectorBinding, ...]
    branch_index: int | None
    rule_alternative_th: str | None
    rule_alternative_en: str | None
    chain: tuple[str, ...]
    problems: tuple[Problem, ...]
    explanation_th: str
    explanation_en: str
    company_name_th: str | None = None

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"

    @property
    def code(self) -> str | None:
        return self.problems[0].code if self.problems else None

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "allowed": self.allowed,
            "act": self.act,
            "on_behalf_of": self.on_behalf_of,
            "company_name_th": self.company_name_th,
            "actor": self.actor,
            "via": self.via,
            "signers": [{"did": b.did, "citizen_id": b.citizen_id, "name_th": b.name_th,
                         "director": b.director.name_th, "match": b.match.value} for b in self.signers],
            "branch_index": self.branch_index,
            "rule_alternative_th": self.rule_alternative_th,
            "rule_alternative_en": self.rule_alternative_en,
            "chain": list(self.chain),
            "problems": [p.to_json() for p in self.problems],
            "explanation_th": self.explanation_th,
            "explanation_en": self.explanation_en,
        }


# -- plumbing ----------------------------------------------------------------------------------


class _SharedChallenge:
    """Lets one authorisation's presentations share a challenge: the real store is consumed once."""

    def __init__(self, inner: Any, uses: int) -> None:
        self._inner = inner
        self._left = uses
        self._value: str | None = None

    def consume(self, challenge: str) -> bool:
        if self._value is None:
            if not self._inner.consume(challenge):
                return False
            self._value = challenge
        if challenge != self._value or self._left <= 0:
            return False
        self._left -= 1
        return True


def _proof_set_checker(suite: ProofSuite) -> Any:
    """How an embedded ``DelegationCredential`` is verified inside the presentation.

    Only its shape, its terms and every proof of its set: a root is issued by the company but
    signed by directors, so the generic "the issuer signs" binding does not apply, and its time
    and status are judged by the chain, with ``delegation.*`` codes.
    """
    from thaivc.contexts import ContextRegistry
    from thaivc.credentials import validate_credential_schema
    from thaivc.model import check_credential
    from thaivc.model.jsonld import check_jsonld

    contexts = ContextRegistry.default()

    def check(doc: dict[str, Any], *, challenge: str | None, domain: str | None) -> VerificationReport:
        b = ReportBuilder("di")
        try:
            check_credential(doc)
            check_jsonld(doc, contexts)  # every term must expand: nothing signed goes unread
            validate_credential_schema(doc)
        except ThaiVCError as err:
            b.error("model", err)
            return b.build()
        b.ok("model")
        results = suite.verify(doc)
        bad = next((r for r in results if not r.ok), None)
        if not results:
            b.fail("proof", "di.proof_missing", "the document carries no proof")
        elif bad is not None:
            b.fail("proof", bad.code or "di.proof_invalid", f"proof {bad.index + 1}: {bad.detail}")
        else:
            b.ok("proof", f"{len(results)} proof(s) verify")
        return b.build(None if b.failed else doc)

    return check


def _types(doc: Mapping[str, Any]) -> list[str]:
    t = doc.get("type")
    return [x for x in t if isinstance(x, str)] if isinstance(t, list) else [t] if isinstance(t, str) else []


def _issuer(doc: Mapping[str, Any]) -> str | None:
    iss = doc.get("issuer")
    value = iss.get("id") if isinstance(iss, dict) else iss
    return value if isinstance(value, str) else None


def _subject(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    s = doc.get("credentialSubject")
    return s if isinstance(s, dict) else {}


class _Refusal(Exception):
    def __init__(self, code: str, detail: str, th: str, en: str, *, undecided: bool = False,
                 extra: Sequence[Problem] = ()) -> None:
        super().__init__(detail)
        self.problems = (Problem.of(code, detail), *extra)
        self.th, self.en, self.undecided = th, en, undecided


@dataclass
class _Case:
    act: Act
    act_name: str
    on_behalf_of: str
    actor: str | None = None
    via: Literal["delegation", "direct"] | None = None
    company_name_th: str | None = None
    chain: ChainResult | None = None
    rule: AuthorityRule | None = None
    signers: tuple[DirectorBinding, ...] = ()


# -- the decision ----------------------------------------------------------------------------


def _verify_presentations(verifier: Verifier, presentations: Sequence[object], challenge: str | None,
                          domain: str | None, suite: ProofSuite) -> list[tuple[str, list[dict[str, Any]]]]:
    """(holder, verified credentials) for each presentation, or a refusal with the VP problems."""
    # A copy of the caller's verifier (same resolver, clock, status, trust and any other
    # settings) that lets credentials about other people ride along — the company certificate,
    # the signing directors' IDs — and that verifies delegations as proof sets (see above).
    sub = copy.copy(verifier)
    sub.policy = verifier.policy.model_copy(update={"require_holder_binding": False})
    sub.challenges = _SharedChallenge(verifier.challenges, len(presentations))
    check_delegation = _proof_set_checker(suite)
    generic = verifier._check_data_integrity

    def check_data_integrity(doc: dict[str, Any], **kwargs: Any) -> VerificationReport:
        if isinstance(doc, dict) and DELEGATION_TYPE in _types(doc):
            report: VerificationReport = check_delegation(doc, challenge=None, domain=None)
            return report
        return generic(doc, **kwargs)

    sub._check_data_integrity = check_data_integrity  # type: ignore[method-assign]
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for vp in presentations:
        report = sub.check(vp, challenge=challenge, domain=domain)
        if not report.ok or report.document is None:
            inner = [p for child in report.children for p in child.problems]
            fallback = Problem.of("vp.credential_invalid", "the presentation failed")
            first = report.problems[0] if report.problems else fallback
            raise _Refusal(first.code, first.detail, "การนำเสนอข้อมูล (presentation) ไม่ผ่านการตรวจสอบ: " + first.code,
                           f"The presentation did not verify: {first.code} — {first.detail}",
                           undecided=report.status == "indeterminate", extra=[*report.problems[1:], *inner])
        holder = report.document.get("holder")
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        if not isinstance(holder_id, str):
            raise _Refusal("vp.holder_mismatch", "the presentation names no holder",
                           "ไม่ทราบว่าผู้ใดเป็นผู้นำเสนอข้อมูล", "The presentation names no holder.")
        docs = [c.document for c in report.children if c.document is not None]
        out.append((holder_id, docs))
    return out


def _identity(did: str, docs: Sequence[Mapping[str, Any]], policy: AuthorityPolicy,
              role_th: str, role_en: str) -> Mapping[str, Any]:
    """The trusted citizen credential subject for ``did``, at the policy's IAL."""
    mine = [d for d in docs if CITIZEN_TYPE in _types(d) and _subject(d).get("id") == did]
    trusted = [d for d in mine if _issuer(d) in policy.citizen_issuers]
    if not trusted:
        if mine:
            raise _Refusal("trust.untrusted_issuer", f"the {role_en}'s citizen credential is from {_issuer(mine[0])}",
                           f"บัตรประชาชนดิจิทัลของ{role_th}ออกโดยผู้ที่ไม่ได้รับความไว้วางใจ",
                           f"The {role_en}'s citizen credential comes from an issuer this agency does not trust.")
        raise _Refusal("assurance.too_low", f"no citizen credential identifies the {role_en} ({did})",
                       f"ไม่มีบัตรประชาชนดิจิทัลที่ยืนยันตัวตนของ{role_th}",
                       f"No citizen credential identifies the {role_en}.")
    doc = trusted[0]
    subject = _subject(doc)
    try:
        evidence = Evidence.from_vc_evidence(doc.get("evidence") or [])
    except ThaiVCError as err:
        raise _Refusal(err.code, err.detail, f"หลักฐานการพิสูจน์ตัวตนของ{role_th}ไม่ถูกต้อง",
                       f"The {role_en}'s identity-proofing evidence is malformed.") from None
    level = subject.get("ial")
    verdict = policy.assurance.evaluate(level if isinstance(level, str | float) else "0", evidence,
                                        aal=subject.get("aal") if isinstance(subject.get("aal"), str) else None)
    if not verdict.ok:
        raise _Refusal(verdict.code or "assurance.too_low", verdict.detail,
                       f"ระดับความน่าเชื่อถือของการพิสูจน์ตัวตนของ{role_th}ต่ำกว่าที่กำหนด ({verdict.detail})",
                       f"The {role_en}'s identity assurance is below policy: {verdict.detail}.")
    return subject


def _company(case: _Case, docs: Sequence[Mapping[str, Any]], dbd: DbdRegistry | None,
             policy: AuthorityPolicy) -> tuple[AuthorityRule, list[DirectorName]]:
    """The company's signing rule and committee, from a trusted credential or a live lookup."""
    jid = case.on_behalf_of
    creds = [d for d in docs if JURISTIC_TYPE in _types(d) and _subject(d).get("juristicId") == jid]
    if creds:
        doc = creds[0]
        if _issuer(doc) not in policy.dbd_issuers:
            raise _Refusal("delegation.untrusted_root",
                           f"the company credential is issued by {_issuer(doc)}, not the configured DBD issuer",
                           "ข้อมูลนิติบุคคลไม่ได้ออกโดยกรมพัฒนาธุรกิจการค้าที่กำหนดไว้",
                           "The company's registration credential is not issued by the configured DBD issuer.")
        subject = _subject(doc)
        status, clause, name = (subject.get("juristicStatusTh"), subject.get("signingClauseTh"),
                                subject.get("legalNameTh"))
        try:
            directors = directors_from_credential(subject)
        except ThaiVCError as err:
            raise _Refusal(err.code, err.detail, "ข้อมูลกรรมการในข้อมูลนิติบุคคลไม่ครบถ้วน",
                           "The company credential's committee list is unreadable.") from None
    elif dbd is not None:
        try:
            person = dbd.lookup(jid)
        except ThaiVCError as err:
            raise _Refusal(err.code, err.detail, "ไม่สามารถตรวจสอบข้อมูลนิติบุคคลกับกรมพัฒนาธุรกิจการค้าได้",
                           f"The DBD lookup failed: {err.detail}", undecided=isinstance(err, Indeterminate)) from None
        status, clause, name = person.status_th, person.signing_clause_th, person.name_th
        directors = directors_from_registry(person.directors)
    else:
        raise _Refusal("registry.unavailable", "no company credential was presented and no DBD registry is configured",
                       "ไม่มีข้อมูลนิติบุคคลให้ตรวจสอบ", "There is no source for the company's data.",
                       undecided=True)
    case.company_name_th = name if isinstance(name, str) else None
    if status != ACTIVE_STATUS:
        raise _Refusal("authority.entity_inactive", f"the registry's status is “{status}”",
                       f"นิติบุคคลไม่อยู่ในสถานะดำเนินกิจการ (สถานะ: {status})",
                       f"The company is not active (registry status: {status}); nobody may act for it.")
    if not isinstance(clause, str) or not clause:
        raise _Refusal("authority.clause_unreadable", "the registry gives no signing clause",
                       "ไม่มีข้อความอำนาจกรรมการ", "The registry gives no signing clause.")
    return parse_clause(clause, directors), directors


def _bind_all(dids: Sequence[str], docs: Sequence[Mapping[str, Any]], directors: Sequence[DirectorName],
              policy: AuthorityPolicy) -> tuple[DirectorBinding, ...]:
    out: list[DirectorBinding] = []
    for did in dids:
        subject = _identity(did, docs, policy, "ผู้ลงนาม", "signer")
        try:
            out.append(bind_director(subject, directors))
        except ThaiVCError as err:
            raise _Refusal(err.code, err.detail, f"ไม่อาจระบุว่าผู้ลงนามเป็นกรรมการคนใด: {err.detail}",
                           f"A signer cannot be identified as one director: {err.detail}") from None
    return tuple(out)


def _judge(rule: AuthorityRule, case: _Case, *, value_thb: int | None, seal: bool | None,
           directors: Sequence[DirectorName], quorum_code: str | None) -> RuleDecision:
    decision = rule.allows([b.signer() for b in case.signers], act=case.act, value_thb=value_thb, seal=seal,
                           directors=directors)
    if not decision.allowed:
        code = decision.code or "authority.not_satisfied"
        if quorum_code is not None and code == "authority.not_satisfied":
            code = quorum_code
        raise _Refusal(code, decision.problems[0].detail if decision.problems else "",
                       decision.explanation_th, decision.explanation_en, extra=decision.problems[1:])
    return decision


def _via_delegation(case: _Case, holder: str, docs: Sequence[Mapping[str, Any]], *, delegation_docs: Sequence[
        Mapping[str, Any]], rule: AuthorityRule, directors: Sequence[DirectorName], verifier: Verifier,
        policy: AuthorityPolicy, suite: ProofSuite, value_thb: int | None, actor_cid: Any) -> RuleDecision:
    links: list[Delegation] = []
    proofs: dict[str, list[ProofCheck]] = {}
    for doc in delegation_docs:
        try:
            d = parse_delegation(doc)
        except ThaiVCError as err:
            raise _Refusal(err.code, err.detail, "หนังสือมอบอำนาจมีรูปแบบไม่ถูกต้อง",
                           f"A delegation credential is malformed: {err.detail}") from None
        links.append(d)
        proofs[d.id] = suite.verify(doc)
    chain = verify_chain(links, proofs, holder=holder, on_behalf_of=case.on_behalf_of, act=case.act.tags,
                         value_thb=value_thb, now=verifier.clock.now(), leeway=verifier.policy.leeway,
                         status=_status_callable(verifier.status_checker, verifier.trust),
                         max_length=policy.max_chain_length)
    case.chain = chain
    if not chain.ok:
        first = chain.problems[0]
        th = _CHAIN_TH.get(first.code, "สายการมอบอำนาจไม่ถูกต้อง")
        raise _Refusal(first.code, first.detail, f"{th} ({first.detail})",
                       f"{_CHAIN_EN.get(first.code, 'The delegation chain is not valid')}: {first.detail}.",
                       undecided=chain.indeterminate,
                       extra=chain.problems[1:])
    leaf = chain.links[-1]
    cid = leaf.document.get("credentialSubject", {}).get("attorneyCitizenId")
    if cid is not None and cid != actor_cid:
        raise _Refusal("delegation.broken_link", "the attorney's citizen id is not the presenter's",
                       "เลขประจำตัวประชาชนของผู้รับมอบอำนาจไม่ตรงกับผู้นำเสนอ",
                       "The attorney named in the delegation is not the person presenting it.")
    root = chain.links[0]
    signer_dids = controllers_of(proofs[root.id])
    case.signers = _bind_all(signer_dids, docs, directors, policy)
    return _judge(rule, case, value_thb=value_thb, seal=root.company_seal, directors=directors,
                  quorum_code="delegation.quorum_not_met")


def _status_callable(checker: Any, trust: Any = None) -> StatusCheck | None:
    """The verifier's status checker as ``check(credential)`` that raises ``status.*``.

    Accepts the verifier's ``check(payload)`` seam and :class:`thaivc.status.StatusChecker`
    (``check_credential`` returns one result per entry; any revoked or suspended one raises). The
    verifier's ``trust`` source goes along, as in ``Verifier.check``: it may admit a status list
    signed by someone other than the credential's issuer.
    """
    if checker is None:
        return None
    if hasattr(checker, "check_credential"):
        def check(credential: Mapping[str, Any]) -> None:
            for result in checker.check_credential(credential, trust=trust):
                result.raise_for_status()

        return check
    direct: StatusCheck = checker.check
    return direct


_CHAIN_TH: Final = {
    "delegation.chain_invalid": "สายการมอบอำนาจใช้ไม่ได้ (หมดอายุ ถูกเพิกถอน วนซ้ำ หรือยาวเกินกำหนด)",
    "delegation.broken_link": "สายการมอบอำนาจขาดตอน: ผู้มอบไม่ใช่ผู้รับมอบอำนาจในขั้นก่อนหน้า",
    "delegation.not_attenuated": "การมอบอำนาจช่วงให้อำนาจเกินกว่าที่ตนได้รับ",
    "delegation.scope_exceeded": "การกระทำนี้อยู่นอกขอบเขตที่ได้รับมอบอำนาจ",
}


_CHAIN_EN: Final = {
    "delegation.chain_invalid": "The delegation chain cannot be used",
    "delegation.broken_link": "The delegation chain is broken",
    "delegation.not_attenuated": "A sub-delegation grants more than its parent",
    "delegation.scope_exceeded": "The act is outside the delegated scope",
}


def _check_args(act: Act | str, on_behalf_of: str, value_thb: int | None, presentation: object) -> tuple[
        Act, str, list[object]]:
    if not isinstance(on_behalf_of, str) or not is_valid_juristic_id(on_behalf_of):
        raise UsageError("usage.invalid_argument", "on_behalf_of is a 13-digit juristic ID")
    if isinstance(act, str):
        if not _TAG.fullmatch(act):
            raise UsageError("usage.invalid_argument", "act is a lower-case ASCII tag such as 'tax_filing'")
        the_act, name = Act(tags=frozenset({act})), act
    elif isinstance(act, Act) and act.tags:
        the_act, name = act, ",".join(sorted(act.tags))
    else:
        raise UsageError("usage.invalid_argument", "act is a tag or an Act with at least one tag")
    if value_thb is not None and (isinstance(value_thb, bool) or not isinstance(value_thb, int) or value_thb < 0):
        raise UsageError("usage.invalid_argument", "value_thb is a non-negative int or None")
    items = list(presentation) if isinstance(presentation, list | tuple) else [presentation]
    if not 1 <= len(items) <= MAX_PRESENTATIONS:
        raise UsageError("usage.invalid_argument", f"give 1 to {MAX_PRESENTATIONS} presentations")
    return the_act, name, items


def authorize(
    verifier: Verifier,
    presentation: object,
    *,
    act: Act | str,
    on_behalf_of: str,
    challenge: str | None,
    domain: str | None,
    policy: AuthorityPolicy,
    value_thb: int | None = None,
    dbd: DbdRegistry | None = None,
    seal: bool | None = None,
    proofs: ProofSuite | None = None,
) -> AuthorityDecision:
    """Decide; never raises on bad input (only on misuse: :class:`~thaivc.errors.UsageError`).

    ``presentation`` is one presentation, or a list of them when directors act directly (one per
    director, all answering ``challenge``). ``seal`` says whether the company seal was affixed to a
    direct act; a delegation carries its own ``companySeal`` declaration, signed by the directors.
    """
    if not isinstance(policy, AuthorityPolicy):
        raise UsageError("usage.invalid_argument", "policy is an AuthorityPolicy")
    the_act, act_name, items = _check_args(act, on_behalf_of, value_thb, presentation)
    case = _Case(act=the_act, act_name=act_name, on_behalf_of=on_behalf_of)
    suite = proofs or default_proof_suite(verifier.resolver, clock=verifier.clock)
    try:
        decision = _decide(case, verifier, items, challenge=challenge, domain=domain, policy=policy, suite=suite,
                           value_thb=value_thb, dbd=dbd, seal=seal)
    except _Refusal as refusal:
        return _finish(case, "indeterminate" if refusal.undecided else "refused", None, refusal.problems,
                       th=refusal.th, en=refusal.en)
    except ThaiVCError as err:
        return _finish(case, "indeterminate" if isinstance(err, Indeterminate) else "refused", None,
                       (Problem.from_error(err),), th=f"ตรวจสอบไม่ผ่าน: {err.code}", en=f"{err.code} — {err.detail}")
    return _finish(case, "allowed", decision, (), th="", en="")


def _decide(case: _Case, verifier: Verifier, items: Sequence[object], *, challenge: str | None, domain: str | None,
            policy: AuthorityPolicy, suite: ProofSuite, value_thb: int | None, dbd: DbdRegistry | None,
            seal: bool | None) -> RuleDecision:
    verified = _verify_presentations(verifier, items, challenge, domain, suite)
    case.actor = verified[0][0]
    docs = [d for _holder, ds in verified for d in ds]
    actor = _identity(case.actor, docs, policy, "ผู้นำเสนอ", "presenter")
    rule, directors = _company(case, docs, dbd, policy)
    case.rule = rule
    delegations = [d for d in docs if DELEGATION_TYPE in _types(d)]
    if delegations:
        if len(verified) > 1:
            raise UsageError("usage.invalid_argument", "an attorney presents one presentation")
        case.via = "delegation"
        return _via_delegation(case, case.actor, docs, delegation_docs=delegations, rule=rule, directors=directors,
                               verifier=verifier,
                               policy=policy, suite=suite, value_thb=value_thb, actor_cid=actor.get("citizenId"))
    case.via = "direct"
    holders = [h for h, _ in verified]
    if len(set(holders)) != len(holders):
        raise _Refusal("authority.not_satisfied", "two presentations come from the same holder",
                       "ผู้ลงนามคนเดียวกันนำเสนอซ้ำ", "The same person presented twice.")
    case.signers = _bind_all(holders, docs, directors, policy)
    return _judge(rule, case, value_thb=value_thb, seal=seal, directors=directors, quorum_code=None)


def _finish(case: _Case, outcome: Outcome, decision: RuleDecision | None, problems: tuple[Problem, ...], *,
            th: str, en: str) -> AuthorityDecision:
    chain = tuple(d.id for d in case.chain.links) if case.chain is not None else ()
    company = case.company_name_th or case.on_behalf_of
    alt_th = alt_en = None
    if decision is not None and decision.allowed:
        names_th = " และ ".join(b.director.name_th for b in case.signers)
        names_en = " and ".join(b.director.name_th for b in case.signers)
        if case.rule is not None and decision.branch_index is not None:
            branch = case.rule.branches[decision.branch_index]
            alt_th, alt_en = describe_branch_th(branch), describe_branch_en(branch)
        rule_th = f" ซึ่งครบตามอำนาจกรรมการ ({alt_th})" if alt_th else ""
        rule_en = f", which satisfies the signing rule ({alt_en[0].lower() + alt_en[1:]})" if alt_en else ""
        if case.via == "delegation":
            th = (f"อนุญาต: ผู้นำเสนอได้รับมอบอำนาจจาก{company}ให้ทำ “{case.act_name}” ตามหนังสือมอบอำนาจ"
                  f" {len(chain)} ขั้น ที่ลงนามโดย {names_th}{rule_th}")
            en = (f"Allowed: the presenter holds a power of attorney from {company} for “{case.act_name}” "
                  f"({len(chain)}-link chain), signed by {names_en}{rule_en}.")
        else:
            th = f"อนุญาต: {names_th} ลงนามผูกพัน{company}เอง{rule_th}"
            en = f"Allowed: {names_en} act for {company} themselves{rule_en}."
        if "seal_unspecified" in decision.notes:
            th += " (ไม่ทราบเรื่องตราสำคัญ)"
            en += " Note: the clause does not mention the seal."
    else:
        th = f"ไม่อนุญาต: {th}" if outcome == "refused" else f"ยังตัดสินไม่ได้: {th}"
        en = f"{'Refused' if outcome == 'refused' else 'Indeterminate'}: {en}"
    return AuthorityDecision(
        outcome=outcome, act=case.act_name, on_behalf_of=case.on_behalf_of, actor=case.actor, via=case.via,
        signers=case.signers, branch_index=decision.branch_index if decision is not None else None,
        rule_alternative_th=alt_th, rule_alternative_en=alt_en, chain=chain, problems=problems,
        explanation_th=th, explanation_en=en, company_name_th=case.company_name_th,
    )

