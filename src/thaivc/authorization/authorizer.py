"""``Authorizer(verifier, policy).authorize``: may this person act for this company, for this act, right now?

The decision composes, in order, and stops at the first refusal (every problem is kept):

1. the presentation(s): every top-level item must be a presentation (``vp.malformed`` otherwise,
   before anything is verified), signed for ``authentication`` by a key of its ``holder``, answering
   the call's challenge and domain (``vp.*``/``di.*``); the challenge is consumed once per call,
   whatever the formats; embedded credentials may be about other people (the company, the signing
   directors), and only embedded documents that parse as delegations are verified as proof sets;
2. the presenter's identity: a ``ThaiCitizenCredential`` about the holder, from a trusted
   issuer (``trust.untrusted_issuer``), at the IAL the policy asks (``assurance.too_low``);
3. the company: a live registry lookup when one is configured — a presented
   ``JuristicPersonCredential`` must then agree with it (``authority.company_data_mismatch``) —
   otherwise a ``JuristicPersonCredential`` from the configured DBD issuer
   (``delegation.untrusted_root`` otherwise) no older than ``max_company_data_age`` and carrying
   ``validUntil`` (``authority.company_data_stale``); only active entities may act
   (``authority.entity_inactive``); its signing clause is parsed with
   :func:`thaivc.authority.parse_clause`;
4. either **a delegation chain** ending at the presenter (:func:`thaivc.delegation.check_chain`)
   whose root was signed by enough distinct directors for the rule (``delegation.quorum_not_met``),
   or **directors acting directly**: one presentation per director, all for the same challenge,
   judged by the same rule.

Directors are identified only through trusted citizen credentials bound to the DBD committee list
(:func:`thaivc.delegation.bind_director`). The directors' citizen credentials travel with the
presentation, as the signers' ID-card copies are attached to a paper power of attorney.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final, Literal

from thaivc.assurance import AssurancePolicy, Evidence
from thaivc.authority import Act, AuthorityRule, DirectorName, RuleDecision, act_shown_th, parse_clause
from thaivc.authority._describe import describe_branch_en, describe_branch_th
from thaivc.core.budget import request_budget
from thaivc.core.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.core.report import Problem, ReportBuilder, VerificationReport
from thaivc.delegation._proofs import ProofCheck, ProofSuite, controllers_of, default_proof_suite
from thaivc.delegation.binding import (
    DirectorBinding,
    bind_director,
    directors_from_credential,
    directors_from_registry,
)
from thaivc.delegation.chain import MAX_CHAIN_LENGTH, ChainQuestion, ChainResult, StatusCheck, check_chain
from thaivc.delegation.credential import DELEGATION_TYPE, Delegation, parse_delegation
from thaivc.engine.challenge import ChallengeState, redeem
from thaivc.engine.embedded import EmbeddedPolicy
from thaivc.registries.dbd import ACTIVE_STATUS, DbdRegistry, JuristicPerson
from thaivc.thai import is_valid_juristic_id

if TYPE_CHECKING:
    from thaivc.engine.challenge import ChallengeStore
    from thaivc.engine.verifier import Verifier

_log = logging.getLogger("thaivc.authorization.authorizer")

__all__ = ["AuthorityDecision", "AuthorityPolicy", "Authorizer", "authorize"]

CITIZEN_TYPE: Final = "ThaiCitizenCredential"
JURISTIC_TYPE: Final = "JuristicPersonCredential"
MAX_PRESENTATIONS: Final = 16
PRESENTATION_TYPE: Final = "VerifiablePresentation"
#: How old a presented company credential may be when no live DBD lookup is configured.
MAX_COMPANY_DATA_AGE: Final = timedelta(days=30)
#: A delegation is exactly this, nothing more: a credential does not become one by adding a type.
_DELEGATION_TYPES: Final = frozenset({"VerifiableCredential", DELEGATION_TYPE})
#: DBD committee row types, as ``JuristicPersonCredential`` spells them.
_ROLES: Final = {"K": "director", "L": "managing_partner"}
_TAG = re.compile(r"[a-z][a-z0-9_]{0,63}", re.ASCII)

Outcome = Literal["allowed", "refused", "indeterminate"]


@dataclass(frozen=True)
class AuthorityPolicy:
    """Whom an agency trusts for what: identity issuers (DOPA, ThaID bridges), the DBD issuer,
    the minimum assurance of every person involved, and the longest delegation chain.

    ``max_company_data_age`` bounds how old a presented ``JuristicPersonCredential`` may be when
    no live DBD lookup is configured: directors resign and companies are struck off, and a copy
    of the register cannot say so.
    """

    citizen_issuers: frozenset[str]
    dbd_issuers: frozenset[str] = frozenset()
    assurance: AssurancePolicy = field(default_factory=AssurancePolicy)
    max_chain_length: int = MAX_CHAIN_LENGTH
    max_company_data_age: timedelta = MAX_COMPANY_DATA_AGE

    def __post_init__(self) -> None:
        if not isinstance(self.citizen_issuers, frozenset) or not isinstance(self.dbd_issuers, frozenset):
            raise UsageError("usage.invalid_argument", "issuer sets are frozensets of issuer ids")
        if not 1 <= self.max_chain_length <= MAX_CHAIN_LENGTH:
            raise UsageError("usage.invalid_argument", f"max_chain_length is between 1 and {MAX_CHAIN_LENGTH}")
        if not isinstance(self.max_company_data_age, timedelta) or self.max_company_data_age <= timedelta(0):
            raise UsageError("usage.invalid_argument", "max_company_data_age is a positive timedelta")


@dataclass(frozen=True)
class AuthorityDecision:
    """The answer, with everything a person needs to check it.

    ``outcome`` is ``allowed``, ``refused`` or ``indeterminate`` (never folded into allowed).
    ``signers`` are the directors whose signatures counted (on the root delegation, or acting
    directly); ``surplus`` the bound directors who also signed but were not needed (a clause's
    head count is a minimum); ``rule_alternative`` describes the branch of the signing rule they
    satisfied; ``chain`` lists the delegation ids root first.
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
    surplus: tuple[DirectorBinding, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.outcome == "allowed"

    @property
    def indeterminate(self) -> bool:
        """Could not decide (a registry down, a status unknown): refuse, and retry or escalate."""
        return self.outcome == "indeterminate"

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
            "surplus": [{"did": b.did, "citizen_id": b.citizen_id, "name_th": b.name_th,
                         "director": b.director.name_th, "match": b.match.value} for b in self.surplus],
            "branch_index": self.branch_index,
            "rule_alternative_th": self.rule_alternative_th,
            "rule_alternative_en": self.rule_alternative_en,
            "chain": list(self.chain),
            "problems": [p.to_json() for p in self.problems],
            "explanation_th": self.explanation_th,
            "explanation_en": self.explanation_en,
        }


# -- plumbing ----------------------------------------------------------------------------------


class _OneChallengePerCall:
    """The challenge store one authorisation's presentations answer through.

    Every presentation of one call answers the same challenge, in whatever format; the verifier's
    real store is consumed exactly once, by the first presentation whose signature verified, so
    a replay of the whole call is refused and the call itself is not refused as its own replay.
    """

    def __init__(self, inner: ChallengeStore, uses: int) -> None:
        self._inner = inner
        self._left = uses
        self._value: str | None = None

    def issue(self, challenge: str, *, ttl: float) -> None:
        raise UsageError("usage.invalid_argument", "issue challenges through the verifier, not an authorisation")

    def redeem(self, challenge: str, *, require_issued: bool) -> ChallengeState:
        if self._value is None:
            state = redeem(self._inner, challenge, require_issued=require_issued)
            if state != "fresh":
                return state
            self._value = challenge
        if challenge != self._value or self._left <= 0:
            return "replayed"
        self._left -= 1
        return "fresh"

    def consume(self, challenge: str) -> bool:
        return self.redeem(challenge, require_issued=False) == "fresh"


@dataclass(frozen=True)
class _Found:
    """An embedded delegation whose proof set was verified, with each proof's result."""

    document: Mapping[str, Any]
    delegation: Delegation
    checks: list[ProofCheck]


class _DelegationProofSets:
    """The proof-set checker one authorisation offers for its presentations' embedded documents.

    A root delegation is issued by the company but signed by its directors, so the generic "the
    issuer signs" binding does not apply: only its shape, its terms and every proof of its set are
    checked here, and its time and status are judged by the chain, with ``delegation.*`` codes.
    It owns only documents typed exactly as a delegation that :func:`parse_delegation` reads;
    anything else (a citizen credential with an extra type, a malformed delegation) answers
    ``None`` and takes the generic path, where its issuer must sign it.
    """

    def __init__(self, suite: ProofSuite) -> None:
        from thaivc.contexts import ContextRegistry

        self._suite = suite
        self._contexts = ContextRegistry.default()
        self.found: list[_Found] = []

    def __call__(self, doc: dict[str, Any]) -> VerificationReport | None:
        types = doc.get("type")
        if not isinstance(types, list) or len(types) != len(_DELEGATION_TYPES) or set(types) != _DELEGATION_TYPES:
            return None
        try:
            delegation = parse_delegation(doc)
        except ThaiVCError:
            return None
        return self._verify(doc, delegation)

    def _verify(self, doc: dict[str, Any], delegation: Delegation) -> VerificationReport:
        from thaivc.credentials import validate_credential_schema
        from thaivc.model import require_credential
        from thaivc.model.jsonld import require_jsonld

        b = ReportBuilder("di")
        try:
            require_credential(doc)
            require_jsonld(doc, self._contexts)  # every term must expand: nothing signed goes unread
            validate_credential_schema(doc)
        except ThaiVCError as err:
            b.error("model", err)
            return b.build()
        b.ok("model")
        results = self._suite.verify(doc)
        bad = next((r for r in results if not r.ok), None)
        if not results:
            b.fail("proof", "di.proof_missing", "the document carries no proof")
        elif bad is not None:
            b.fail("proof", bad.code or "di.proof_invalid", f"proof {bad.index + 1}: {bad.detail}")
        else:
            b.ok("proof", f"{len(results)} proof(s) verify")
            self.found.append(_Found(doc, delegation, results))
        return b.build(None if b.failed else doc)

    def owns(self, doc: Mapping[str, Any]) -> bool:
        return any(f.document is doc for f in self.found)


def _types(doc: Mapping[str, Any]) -> list[str]:
    t = doc.get("type")
    return [x for x in t if isinstance(x, str)] if isinstance(t, list) else [t] if isinstance(t, str) else []


def _issuer(doc: Mapping[str, Any]) -> str | None:
    iss = doc.get("issuer")
    value = iss.get("id") if isinstance(iss, dict) else iss
    return value if isinstance(value, str) else None


def _holder(doc: Mapping[str, Any]) -> str | None:
    holder = doc.get("holder")
    value = holder.get("id") if isinstance(holder, dict) else holder
    return value if isinstance(value, str) and value else None


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


@dataclass(frozen=True, slots=True)
class _Ask:
    """One authorize call's settings, passed down as one object: the verifier and the policy, the
    challenge and domain the presentations answer, the act's value, the DBD registry, the seal."""

    verifier: Verifier
    policy: AuthorityPolicy
    challenge: str | None
    domain: str | None
    value_thb: int | None
    dbd: DbdRegistry | None
    seal: bool | None


@dataclass(frozen=True)
class _Presented:
    """One verified presentation: its holder, and the credentials verified on the generic path."""

    holder: str
    credentials: list[dict[str, Any]]


# -- the presentations -------------------------------------------------------------------------


def _not_a_presentation(detail: str) -> _Refusal:
    return _Refusal("vp.malformed", detail, "ข้อมูลที่ส่งมาไม่ใช่การนำเสนอข้อมูลที่ผู้ถือลงนาม",
                    f"Every item must be a presentation signed by its holder: {detail}.")


def _no_holder() -> _Refusal:
    return _Refusal("vp.holder_mismatch", "the presentation names no holder",
                    "ไม่ทราบว่าผู้ใดเป็นผู้นำเสนอข้อมูล", "The presentation names no holder.")


def _presentation_types(types: Sequence[str]) -> str | None:
    """Why a document with these types is not a presentation, or None."""
    if PRESENTATION_TYPE not in types:
        return "its type does not include VerifiablePresentation"
    if "VerifiableCredential" in types or DELEGATION_TYPE in types:
        return "it is typed as a credential too; a credential, a delegation included, is nobody's consent"
    return None


def _jws_typ(token: str) -> object:
    """The ``typ`` of a compact JWS header, read without verifying anything (``None`` if unreadable)."""
    from thaivc.core.b64 import b64url_decode
    from thaivc.core.jsonutil import loads_strict

    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header = loads_strict(b64url_decode(parts[0]), max_bytes=8192, require_object=True)
    except (ThaiVCError, ValueError):
        return None
    return header.get("typ")


def _require_presentation(item: object, max_bytes: int) -> None:
    """Refuse, before anything is verified or consumed, an item that cannot be a presentation.

    A copied credential, a delegation (even a genuine one) or an SD-JWT (which names no holder
    DID) is never a person's answer to this request; only ``vp+jwt`` tokens and Data Integrity
    presentations that name their holder go on to the full check.
    """
    from thaivc.core.jsonutil import loads_strict

    value: object = item
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise _not_a_presentation("the item is not UTF-8 text") from None
    if isinstance(value, str):
        if len(value) > max_bytes:
            raise _Refusal("input.too_large", f"a presentation exceeds the cap of {max_bytes} bytes",
                           "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด", "A presentation is too large.")
        text = value.strip()
        if text.startswith("{"):
            try:
                value = loads_strict(text, max_bytes=max_bytes, require_object=True)
            except ThaiVCError as err:
                raise _not_a_presentation(f"the item is not a JSON object ({err.code})") from None
        elif "~" in text:
            raise _not_a_presentation("an SD-JWT names no holder DID; present it inside a signed presentation")
        elif _jws_typ(text) != "vp+jwt":
            raise _not_a_presentation("the token is not a vp+jwt presentation")
        else:
            return
    if not isinstance(value, dict):
        raise _not_a_presentation(f"a {type(item).__name__} is not a presentation")
    why = _presentation_types(_types(value))
    if why is not None:
        raise _not_a_presentation(why)
    if _holder(value) is None:
        raise _no_holder()


def _refused_presentation(report: VerificationReport) -> _Refusal:
    inner = [p for child in report.children for p in child.problems]
    fallback = Problem.of("vp.credential_invalid", "the presentation failed")
    first = report.problems[0] if report.problems else fallback
    return _Refusal(first.code, first.detail, f"การนำเสนอข้อมูลไม่ผ่านการตรวจสอบ [{first.code}]",
                    f"The presentation did not verify: {first.code} — {first.detail}",
                    undecided=report.status == "indeterminate", extra=[*report.problems[1:], *inner])


def _verify_presentations(verifier: Verifier, presentations: Sequence[object], challenge: str, domain: str | None,
                          delegations: _DelegationProofSets) -> list[_Presented]:
    """Each presentation through the caller's own verifier, as a presentation, for one challenge.

    The verifier's public ``check`` does the work, with two choices made for this call only:
    credentials about other people may ride along (the company's, the signing directors'), and
    embedded delegations are offered to ``delegations``. Signature (``authentication``, by a key of
    the holder), challenge and domain are checked as for any presentation.
    """
    store = _OneChallengePerCall(verifier.challenges, len(presentations))
    embedded = EmbeddedPolicy(allow_other_subjects=True, proof_sets=delegations)
    out: list[_Presented] = []
    for vp in presentations:
        report = verifier.check(vp, challenge=challenge, domain=domain, embedded=embedded, challenges=store)
        if not report.ok or report.document is None:
            raise _refused_presentation(report)
        doc = report.document
        why = _presentation_types(_types(doc)) if report.format in ("vp+jwt", "di") else "not a presentation"
        if why is not None:
            raise _not_a_presentation(why)
        holder = _holder(doc)
        if holder is None:
            raise _no_holder()
        creds = [c.document for c in report.children if c.document is not None and not delegations.owns(c.document)]
        out.append(_Presented(holder, creds))
    return out


def _refuse_unverified_delegations(docs: Sequence[Mapping[str, Any]]) -> None:
    """A credential typed DelegationCredential that was not verified as a delegation is refused.

    It parsed as no delegation, or it is not a Data Integrity proof set (a ``vc+jwt`` signed by a
    director, say): it cannot grant anything, and it must not quietly change which path decides.
    """
    for doc in docs:
        if DELEGATION_TYPE in _types(doc):
            raise _Refusal("vp.credential_invalid",
                           "a DelegationCredential must be a Data Integrity proof set that parses as a delegation",
                           "หนังสือมอบอำนาจไม่อยู่ในรูปแบบที่ตรวจสอบได้",
                           "A delegation is not in a form that can be verified as one.")


# -- the decision ----------------------------------------------------------------------------


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
                       f"ระดับความน่าเชื่อถือของการพิสูจน์ตัวตนของ{role_th}ต่ำกว่าที่กำหนด",
                       f"The {role_en}'s identity assurance is below policy: {verdict.detail}.")
    return subject


@dataclass(frozen=True)
class _CompanyFacts:
    """What the decision reads about a company, from one source (a credential or the register).

    ``committee`` is comparable across sources: every member's title, given and family name and
    role, whitespace-normalised and sorted, exactly as DBD lists them.
    """

    source: str
    name_th: str | None
    status_th: object
    clause_th: object
    committee: tuple[tuple[str, str, str, str], ...]
    directors: list[DirectorName]

    def differences(self, other: _CompanyFacts) -> list[str]:
        """What ``other`` says differently (status, signing clause, committee)."""
        out: list[str] = []
        if self.status_th != other.status_th:
            out.append(f"status “{other.status_th}” in the {other.source}, “{self.status_th}” in the {self.source}")
        if _spaces(self.clause_th) != _spaces(other.clause_th):
            out.append(f"the signing clause differs between the {other.source} and the {self.source}")
        if self.committee != other.committee:
            out.append(f"the committee differs between the {other.source} and the {self.source}")
        return out


def _spaces(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


def _facts_from_registry(person: JuristicPerson) -> _CompanyFacts:
    committee = tuple(sorted((str(_spaces(d.title or "")), str(_spaces(d.first_name)), str(_spaces(d.last_name)),
                              _ROLES.get(d.type, d.type)) for d in person.directors))
    return _CompanyFacts("live DBD record", person.name_th, person.status_th, person.signing_clause_th, committee,
                         directors_from_registry(person.directors))


def _facts_from_credential(doc: Mapping[str, Any]) -> _CompanyFacts:
    subject = _subject(doc)
    try:
        directors = directors_from_credential(subject)
    except ThaiVCError as err:
        raise _Refusal(err.code, err.detail, "ข้อมูลกรรมการในข้อมูลนิติบุคคลไม่ครบถ้วน",
                       "The company credential's committee list is unreadable.") from None
    rows = [r for r in subject.get("directors", []) if isinstance(r, dict)]
    committee = tuple(sorted((str(_spaces(r.get("titleTh") or "")), str(_spaces(r.get("givenNameTh"))),
                              str(_spaces(r.get("familyNameTh"))), str(r.get("role"))) for r in rows))
    name = subject.get("legalNameTh")
    return _CompanyFacts("presented company credential", name if isinstance(name, str) else None,
                         subject.get("juristicStatusTh"), subject.get("signingClauseTh"), committee, directors)


def _lookup(dbd: DbdRegistry, jid: str) -> JuristicPerson:
    try:
        return dbd.lookup(jid)
    except ThaiVCError as err:
        raise _Refusal(err.code, err.detail, "ไม่สามารถตรวจสอบข้อมูลนิติบุคคลกับกรมพัฒนาธุรกิจการค้าได้",
                       f"The DBD lookup failed: {err.detail}", undecided=isinstance(err, Indeterminate)) from None
    except Exception as exc:  # an adapter that breaks must not decide anything
        raise _Refusal("registry.unavailable", f"DBD lookup failed: {type(exc).__name__}",
                       "ไม่สามารถตรวจสอบข้อมูลนิติบุคคลกับกรมพัฒนาธุรกิจการค้าได้",
                       "The DBD lookup failed.", undecided=True) from None


def _instant(value: object) -> float | None:
    from thaivc.model import parse_datetime_stamp

    try:
        moment, _warnings = parse_datetime_stamp(value)
    except ThaiVCError:
        return None
    return moment.timestamp()


def _stale(detail: str) -> _Refusal:
    return _Refusal("authority.company_data_stale", detail, "ข้อมูลนิติบุคคลที่นำเสนอเก่าเกินกว่าจะใช้ตัดสินได้",
                    f"The presented company data is too old to decide on: {detail}.")


def _require_fresh(doc: Mapping[str, Any], max_age: timedelta, now: float) -> None:
    """Without a live lookup, a company credential must be recent and must say when it ends.

    Its age is counted from the earlier of ``validFrom`` and the registry's ``retrievedAt``; one
    that names neither, or has no ``validUntil``, cannot be shown to be current and is refused.
    """
    if not isinstance(doc.get("validUntil"), str):
        raise _stale("the company credential has no validUntil")
    stamps = [_instant(doc.get("validFrom")), _instant(_subject(doc).get("retrievedAt"))]
    known = [t for t in stamps if t is not None]
    if not known:
        raise _stale("the company credential does not say when its data was read")
    age = now - min(known)
    if age > max_age.total_seconds():
        raise _stale(f"the company data is {age / 86400:.0f} days old; the policy allows {max_age.days} days")


def _company(case: _Case, docs: Sequence[Mapping[str, Any]], dbd: DbdRegistry | None,
             policy: AuthorityPolicy, now: float) -> tuple[AuthorityRule, list[DirectorName]]:
    """The company's signing rule and committee: the live register wins over any presented copy.

    With ``dbd``, the live record decides and every presented company credential must agree with
    it; without, the presented credential decides if it is trusted, recent and expiring, and
    several presented credentials must agree with each other.
    """
    jid = case.on_behalf_of
    unreadable: str | None = None  # why a live registry's clause cannot be joined whole
    creds = [d for d in docs if JURISTIC_TYPE in _types(d) and _subject(d).get("juristicId") == jid]
    for doc in creds:
        if _issuer(doc) not in policy.dbd_issuers:
            raise _Refusal("delegation.untrusted_root",
                           f"the company credential is issued by {_issuer(doc)}, not the configured DBD issuer",
                           "ข้อมูลนิติบุคคลไม่ได้ออกโดยกรมพัฒนาธุรกิจการค้าที่กำหนดไว้",
                           "The company's registration credential is not issued by the configured DBD issuer.")
    presented = [_facts_from_credential(doc) for doc in creds]
    if dbd is not None:
        person = _lookup(dbd, jid)
        facts = _facts_from_registry(person)
        unreadable = person.signing_clause_problem
    elif presented:
        for doc in creds:
            _require_fresh(doc, policy.max_company_data_age, now)
        facts = presented[0]
    else:
        raise _Refusal("registry.unavailable", "no company credential was presented and no DBD registry is configured",
                       "ไม่มีข้อมูลนิติบุคคลให้ตรวจสอบ", "There is no source for the company's data.",
                       undecided=True)
    mismatches = [Problem.of("authority.company_data_mismatch", why) for other in presented
                  for why in facts.differences(other)]
    case.company_name_th = facts.name_th
    status, clause = facts.status_th, facts.clause_th
    if status != ACTIVE_STATUS:
        raise _Refusal("authority.entity_inactive", f"the registry's status is “{status}”",
                       f"นิติบุคคลไม่อยู่ในสถานะดำเนินกิจการ (สถานะ: {status})",
                       f"The company is not active (registry status: {status}); nobody may act for it.",
                       extra=mismatches)
    if unreadable is not None:  # a clause missing a piece may drop a condition: it authorises nothing
        reason = f"the registry's signing clause is incomplete: {unreadable}"
        return (AuthorityRule(branches=[], needs_review=True, review_reason=reason, raw_clause_th=str(clause or "")),
                facts.directors)
    if mismatches:
        first = mismatches[0]
        raise _Refusal(first.code, first.detail, "ข้อมูลนิติบุคคลที่นำเสนอไม่ตรงกับทะเบียนนิติบุคคล",
                       f"The presented company data does not match the register: {first.detail}.",
                       extra=mismatches[1:])
    if not isinstance(clause, str) or not clause:
        raise _Refusal("authority.clause_unreadable", "the registry gives no signing clause",
                       "ไม่มีข้อความอำนาจกรรมการ", "The registry gives no signing clause.")
    return parse_clause(clause, facts.directors), facts.directors


def _bind_all(dids: Sequence[str], docs: Sequence[Mapping[str, Any]], directors: Sequence[DirectorName],
              policy: AuthorityPolicy) -> tuple[DirectorBinding, ...]:
    out: list[DirectorBinding] = []
    for did in dids:
        subject = _identity(did, docs, policy, "ผู้ลงนาม", "signer")
        try:
            out.append(bind_director(subject, directors))
        except ThaiVCError as err:
            raise _Refusal(err.code, err.detail, "ไม่อาจระบุว่าผู้ลงนามเป็นกรรมการคนใด",
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
                       decision.explanation_th, decision.explanation_en, extra=decision.problems[1:],
                       undecided=decision.indeterminate)
    return decision


def _via_delegation(case: _Case, ask: _Ask, docs: Sequence[Mapping[str, Any]], found: Sequence[_Found], *,
                    rule: AuthorityRule, directors: Sequence[DirectorName], actor_cid: Any) -> RuleDecision:
    """The chain of the delegations whose proof sets verified inside the presentation.

    Their proofs were checked once, as the presentation was verified; the results are reused here.
    """
    links = [f.delegation for f in found]
    proofs: dict[str, list[ProofCheck]] = {f.delegation.id: f.checks for f in found}
    verifier, policy, value_thb = ask.verifier, ask.policy, ask.value_thb
    holder = case.actor or ""  # set from the verified presentation before this step; "" matches no chain
    question = ChainQuestion(holder, case.on_behalf_of, case.act.tags, value_thb)
    chain = check_chain(links, proofs, question, now=verifier.clock.now(), leeway=verifier.policy.leeway,
                         status=_status_callable(verifier.status_checker, verifier.trust),
                         max_length=policy.max_chain_length)
    case.chain = chain
    if not chain.ok:
        first = chain.problems[0]
        th = _CHAIN_TH.get(first.code, "สายการมอบอำนาจไม่ถูกต้อง")
        raise _Refusal(first.code, first.detail, f"{th} — {chain.reason_th}" if chain.reason_th else th,
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
    "delegation.chain_invalid": "สายการมอบอำนาจใช้ไม่ได้",
    "delegation.broken_link": "สายการมอบอำนาจขาดตอน",
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
    """Decide; never raises on bad input (only on misuse: :class:`~thaivc.core.errors.UsageError`).

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
        ask = _Ask(verifier, policy, challenge, domain, value_thb, dbd, seal)
        decision = _decide(case, ask, items, _DelegationProofSets(suite))
    except _Refusal as refusal:
        return _finish(case, "indeterminate" if refusal.undecided else "refused", None, refusal.problems,
                       th=refusal.th, en=refusal.en)
    except ThaiVCError as err:
        return _finish(case, "indeterminate" if isinstance(err, Indeterminate) else "refused", None,
                       (Problem.from_error(err),), th=f"ตรวจสอบไม่ผ่าน [{err.code}]", en=f"{err.code} — {err.detail}")
    return _finish(case, "allowed", decision, (), th="", en="")


class Authorizer:
    """The authorization service: a generic :class:`thaivc.Verifier` composed with an agency's
    :class:`AuthorityPolicy` (and, optionally, a live DBD registry).

    Composition, not a method the engine grows: the verifier checks presentations and credentials
    as it would for anyone; this service adds the Thai law on top (who is a director, what the
    signing clause requires, which powers of attorney count). The verifier is used only through
    its public API (``check``, ``policy``, ``resolver``, ``clock``, ``challenges``, ``status_checker``
    and ``trust``), and is never changed.
    """

    def __init__(self, verifier: Verifier, policy: AuthorityPolicy, *, dbd: DbdRegistry | None = None) -> None:
        if not isinstance(policy, AuthorityPolicy):
            raise UsageError("usage.invalid_argument", "policy is an AuthorityPolicy")
        self.verifier = verifier
        self.policy = policy
        self.dbd = dbd

    def authorize(
        self,
        presentation: object,
        *,
        act: Act | str,
        on_behalf_of: str,
        challenge: str | None,
        domain: str | None,
        value_thb: int | None = None,
        seal: bool | None = None,
        proofs: ProofSuite | None = None,
    ) -> AuthorityDecision:
        """Decide (see :func:`authorize`); every check the decision needs — presentations,
        credentials, delegation proof sets — spends from one :class:`~thaivc.core.budget.WorkBudget`
        for the whole call, so input under the size caps cannot buy unbounded work."""
        with request_budget():
            return authorize(self.verifier, presentation, act=act, on_behalf_of=on_behalf_of, challenge=challenge,
                             domain=domain, policy=self.policy, value_thb=value_thb, dbd=self.dbd, seal=seal,
                             proofs=proofs)


def _decide(case: _Case, ask: _Ask, items: Sequence[object], delegations: _DelegationProofSets) -> RuleDecision:
    verifier, challenge, policy = ask.verifier, ask.challenge, ask.policy
    for item in items:
        _require_presentation(item, verifier.policy.max_bytes)
    if challenge is None:
        raise _Refusal("vp.challenge_missing", "authorize needs the challenge this request was issued",
                       "ไม่มีรหัสท้าทายที่ผูกการนำเสนอข้อมูลกับคำขอนี้",
                       "No challenge ties the presentations to this request.")
    verified = _verify_presentations(verifier, items, challenge, ask.domain, delegations)
    case.actor = verified[0].holder
    docs = [d for p in verified for d in p.credentials]
    _refuse_unverified_delegations(docs)
    actor = _identity(case.actor, docs, policy, "ผู้นำเสนอ", "presenter")
    rule, directors = _company(case, docs, ask.dbd, policy, verifier.clock.now())
    case.rule = rule
    if delegations.found:
        if len(verified) > 1:
            raise _not_a_presentation("a delegation is presented by its attorney alone, in one presentation")
        case.via = "delegation"
        return _via_delegation(case, ask, docs, delegations.found, rule=rule, directors=directors,
                               actor_cid=actor.get("citizenId"))
    case.via = "direct"
    holders = [p.holder for p in verified]
    if len(set(holders)) != len(holders):
        raise _Refusal("authority.not_satisfied", "two presentations come from the same holder",
                       "ผู้ลงนามคนเดียวกันนำเสนอซ้ำ", "The same person presented twice.")
    case.signers = _bind_all(holders, docs, directors, policy)
    return _judge(rule, case, value_thb=ask.value_thb, seal=ask.seal, directors=directors, quorum_code=None)


def _finish(case: _Case, outcome: Outcome, decision: RuleDecision | None, problems: tuple[Problem, ...], *,
            th: str, en: str) -> AuthorityDecision:
    chain = tuple(d.id for d in case.chain.links) if case.chain is not None else ()
    company = case.company_name_th or f"นิติบุคคลเลขทะเบียน {case.on_behalf_of}"
    company_en = case.company_name_th or case.on_behalf_of
    alt_th = alt_en = None
    counted, surplus = _split_surplus(case.signers, decision)
    if decision is not None and decision.allowed:
        names_th = " และ ".join(b.director.display_th for b in counted)
        names_en = " and ".join(b.director.name_th for b in counted)
        if case.rule is not None and decision.branch_index is not None:
            branch = case.rule.branches[decision.branch_index]
            alt_th, alt_en = describe_branch_th(branch), describe_branch_en(branch)
        rule_th = f" ซึ่งครบตามอำนาจกรรมการ ({alt_th})" if alt_th else ""
        rule_en = f", which satisfies the signing rule ({alt_en[0].lower() + alt_en[1:]})" if alt_en else ""
        if case.via == "delegation":
            th = (f"อนุญาต: ผู้นำเสนอได้รับมอบอำนาจจาก{company} ให้{_act_th(case.act)} ตามหนังสือมอบอำนาจ"
                  f" {len(chain)} ขั้น ที่ลงนามโดย {names_th}{rule_th}")
            en = (f"Allowed: the presenter holds a power of attorney from {company_en} for “{case.act_name}” "
                  f"({len(chain)}-link chain), signed by {names_en}{rule_en}.")
        else:
            th = f"อนุญาต: {names_th} ลงนามผูกพัน{company} เอง{rule_th}"
            en = f"Allowed: {names_en} act for {company_en} themselves{rule_en}."
        if surplus:
            extra = ", ".join(b.director.name_th for b in surplus)
            th += f" (ลงนามเพิ่มเติมเกินกว่าที่กำหนด ไม่นับรวม: {', '.join(b.director.display_th for b in surplus)})"
            en += f" Also signed, not needed by the rule: {extra}."
        if "seal_unspecified" in decision.notes:
            th += " (ไม่ทราบเรื่องตราสำคัญ)"
            en += " Note: the clause does not mention the seal."
    else:
        th = f"ไม่อนุญาต: {th}" if outcome == "refused" else f"ยังตัดสินไม่ได้: {th}"
        en = f"{'Refused' if outcome == 'refused' else 'Indeterminate'}: {en}"
    if _log.isEnabledFor(logging.INFO):
        # outcome, act, path and codes: never a name, an ID number or a credential
        _log.info("authorize outcome=%s act=%s via=%s codes=%s", outcome, case.act_name, case.via or "-",
                  ",".join(p.code for p in problems) or "-")
    return AuthorityDecision(
        outcome=outcome, act=case.act_name, on_behalf_of=case.on_behalf_of, actor=case.actor, via=case.via,
        signers=counted, surplus=surplus, branch_index=decision.branch_index if decision is not None else None,
        rule_alternative_th=alt_th, rule_alternative_en=alt_en, chain=chain, problems=problems,
        explanation_th=th, explanation_en=en, company_name_th=case.company_name_th,
    )


def _act_th(act: Act) -> str:
    """The act in Thai words: each tag through the act-label table ("tax_filing" → "ยื่นแบบภาษี")."""
    return " / ".join(act_shown_th(t) for t in sorted(act.tags))


def _split_surplus(signers: tuple[DirectorBinding, ...], decision: RuleDecision | None) -> tuple[
        tuple[DirectorBinding, ...], tuple[DirectorBinding, ...]]:
    """(the bound directors whose signatures counted, those beyond what the rule needed)."""
    if decision is None or not decision.allowed or not decision.surplus:
        return signers, ()
    extra = {s.citizen_id for s in decision.surplus}
    return (tuple(b for b in signers if b.citizen_id not in extra),
            tuple(b for b in signers if b.citizen_id in extra))
