"""``DelegationCredential``: a juristic person's power of attorney (หนังสือมอบอำนาจ) as a VC.

The fields follow a Thai paper power of attorney (docs/authority.md): the grantor company (juristic ID and
name), the attorney (their DID, and citizen ID or passport number), the scope (act tags, an
optional value cap in baht, the wording in Thai), the validity period, whether sub-delegation
(มอบอำนาจช่วง) is allowed and how deep, the stamp-duty class (``7a``/``7b``/``7c``), the parent
for a sub-delegation, and an optional ``credentialStatus`` so the grantor can revoke it.

Issuer: a root delegation is issued by the company itself, named ``urn:thaivc:juristic:<ID>``
(companies have no DID in DBD; the URN says exactly which registered entity speaks). It is
secured as a Data Integrity *proof set*: each authorised director adds one proof from their own
device (:func:`sign_as_director`). A sub-delegation is issued and signed by the parent's attorney.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from thaivc.authority import act_shown_th
from thaivc.contexts.vocab import DELEGATION_SCHEMA, DELEGATION_TYPE
from thaivc.core.clock import Clock
from thaivc.core.errors import InputError, UsageError
from thaivc.delegation._proofs import ProofSuite, default_proof_suite
from thaivc.engine.issuer import normalize_document, require_issuable
from thaivc.keys import Signer
from thaivc.model.timestamps import parse_datetime_stamp
from thaivc.thai import is_valid_citizen_id, is_valid_juristic_id

if TYPE_CHECKING:
    from thaivc.status.publish import StatusOption

__all__ = [
    "DELEGATION_CONTEXT",
    "DELEGATION_SCHEMA",
    "DELEGATION_TYPE",
    "Delegation",
    "DelegationScope",
    "DelegationTerms",
    "delegation_credential",
    "draft_delegation",
    "juristic_issuer_id",
    "parse_delegation",
    "sign_as_director",
]

DELEGATION_CONTEXT: Final = "https://contexts.thaivc.dev/delegation/v1"
CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
JURISTIC_URN_PREFIX: Final = "urn:thaivc:juristic:"
#: The longest chain, and the deepest permitted sub-delegation (docs/security.md group K: chain length).
MAX_DEPTH: Final = 10

StampDutyClass = Literal["7a", "7b", "7c"]
_TAG = re.compile(r"[a-z][a-z0-9_]{0,63}", re.ASCII)
_PASSPORT = re.compile(r"[A-Z0-9]{6,12}", re.ASCII)
_FROZEN = ConfigDict(frozen=True, extra="forbid", strict=True, populate_by_name=True)


def juristic_issuer_id(juristic_id: str) -> str:
    """The issuer id of a company's own root delegations."""
    return JURISTIC_URN_PREFIX + juristic_id


class Grantor(BaseModel):
    model_config = _FROZEN
    juristic_id: str = Field(alias="juristicId")
    legal_name_th: str = Field(alias="legalNameTh", min_length=1, max_length=300)

    @field_validator("juristic_id")
    @classmethod
    def _jid(cls, v: str) -> str:
        if not is_valid_juristic_id(v):
            raise ValueError("not a valid 13-digit juristic ID")
        return v


class DelegationScope(BaseModel):
    """What the attorney may do: act tags (as in signing rules), a value cap, the Thai wording."""

    model_config = _FROZEN
    acts: list[str] = Field(min_length=1, max_length=32)
    max_value_thb: int | None = Field(default=None, alias="maxValueThb", ge=0)
    description_th: str | None = Field(default=None, alias="descriptionTh", max_length=2000)

    @field_validator("acts")
    @classmethod
    def _acts(cls, v: list[str]) -> list[str]:
        if any(not _TAG.fullmatch(a) for a in v) or len(set(v)) != len(v):
            raise ValueError("acts are distinct lower-case ASCII tags")
        return v

    def covers(self, act: str | Collection[str], value_thb: int | None) -> str | None:
        """None when ``act`` (worth ``value_thb``) is inside this scope, else why not.

        An act may carry several tags (``{"tax_filing", "government"}``: a tax filing is a dealing
        with government); it is covered when any of them is delegated.
        """
        tags = [act] if isinstance(act, str) else sorted(act)
        if not any(t in self.acts for t in tags):
            shown = "”, “".join(tags)
            return f"the act “{shown}” is not among the delegated acts ({', '.join(self.acts)})"
        if self.max_value_thb is not None:
            if value_thb is None:
                return f"the delegation is capped at {self.max_value_thb:,} baht and no value was given"
            if value_thb > self.max_value_thb:
                return f"{value_thb:,} baht exceeds the delegated cap of {self.max_value_thb:,} baht"
        return None

    def covers_th(self, act: str | Collection[str], value_thb: int | None) -> str | None:
        """:meth:`covers` in Thai, as a citizen is shown it: act labels, amounts in baht, no English."""
        tags = [act] if isinstance(act, str) else sorted(act)
        if not any(t in self.acts for t in tags):
            granted = ", ".join(act_shown_th(a) for a in self.acts)
            return f"“{' / '.join(act_shown_th(t) for t in tags)}” ไม่อยู่ในการกระทำที่ได้รับมอบอำนาจ ({granted})"
        if self.max_value_thb is not None:
            if value_thb is None:
                return f"หนังสือมอบอำนาจจำกัดวงเงิน {self.max_value_thb:,} บาท แต่ไม่ได้ระบุมูลค่าของธุรกรรม"
            if value_thb > self.max_value_thb:
                return f"{value_thb:,} บาท เกินวงเงินที่มอบอำนาจ {self.max_value_thb:,} บาท"
        return None


class SubDelegation(BaseModel):
    model_config = _FROZEN
    allowed: bool
    max_depth: int = Field(alias="maxDepth", ge=0, le=MAX_DEPTH)

    @model_validator(mode="after")
    def _consistent(self) -> SubDelegation:
        if self.allowed != (self.max_depth > 0):
            raise ValueError("sub-delegation is allowed exactly when maxDepth > 0")
        return self


class _Subject(BaseModel):
    model_config = _FROZEN
    id: str = Field(pattern=r"^did:[a-z0-9]+:\S+$", max_length=2048)
    attorney_citizen_id: str | None = Field(default=None, alias="attorneyCitizenId")
    attorney_passport: str | None = Field(default=None, alias="attorneyPassport")
    grantor: Grantor
    scope: DelegationScope
    sub_delegation: SubDelegation = Field(alias="subDelegation")
    stamp_duty_class: StampDutyClass = Field(alias="stampDutyClass")
    company_seal: bool | None = Field(default=None, alias="companySeal")
    parent: str | None = Field(default=None, max_length=2048)

    @model_validator(mode="after")
    def _attorney_id(self) -> _Subject:
        if (self.attorney_citizen_id is None) == (self.attorney_passport is None):
            raise ValueError("give exactly one of attorneyCitizenId and attorneyPassport")
        if self.attorney_citizen_id is not None and not is_valid_citizen_id(self.attorney_citizen_id):
            raise ValueError("attorneyCitizenId is not a valid 13-digit citizen ID")
        if self.attorney_passport is not None and not _PASSPORT.fullmatch(self.attorney_passport):
            raise ValueError("attorneyPassport is 6–12 upper-case letters and digits")
        return self


@dataclass(frozen=True, slots=True)
class Delegation:
    """A parsed delegation. ``document`` is the credential as received (what was signed)."""

    id: str
    issuer: str
    attorney: str
    grantor_id: str
    grantor_name_th: str
    scope: DelegationScope
    sub_delegation_allowed: bool
    max_depth: int
    stamp_duty_class: StampDutyClass
    parent: str | None
    valid_from: float | None
    valid_until: float | None
    company_seal: bool | None
    document: Mapping[str, Any]

    @property
    def is_root(self) -> bool:
        return self.parent is None


def _stamp(doc: Mapping[str, Any], key: str) -> float | None:
    if key not in doc:
        return None
    dt, _ = parse_datetime_stamp(doc[key], field=key)
    return dt.timestamp()


def parse_delegation(doc: Mapping[str, Any]) -> Delegation:
    """Read a (verified) ``DelegationCredential``; malformed ones raise ``schema.invalid``."""
    if not isinstance(doc, Mapping):
        raise InputError("schema.invalid", "a delegation credential is a JSON object")
    types = doc.get("type")
    if not isinstance(types, list) or DELEGATION_TYPE not in types:
        raise InputError("schema.invalid", "not a DelegationCredential", loc=("type",))
    cid, issuer = doc.get("id"), doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(cid, str) or not cid or not isinstance(issuer_id, str):
        raise InputError("schema.invalid", "a delegation needs an id and an issuer")
    try:
        subject = _Subject.model_validate(doc.get("credentialSubject"))
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(p for p in first["loc"] if isinstance(p, str | int))
        raise InputError("schema.invalid", str(first["msg"])[:200], loc=("credentialSubject", *loc)) from None
    return Delegation(
        id=cid,
        issuer=issuer_id,
        attorney=subject.id,
        grantor_id=subject.grantor.juristic_id,
        grantor_name_th=subject.grantor.legal_name_th,
        scope=subject.scope,
        sub_delegation_allowed=subject.sub_delegation.allowed,
        max_depth=subject.sub_delegation.max_depth,
        stamp_duty_class=subject.stamp_duty_class,
        parent=subject.parent,
        valid_from=_stamp(doc, "validFrom"),
        valid_until=_stamp(doc, "validUntil"),
        company_seal=subject.company_seal,
        document=doc,
    )


@dataclass(frozen=True, slots=True)
class DelegationTerms:
    """What a power of attorney says: who grants what to whom, for how long, how far it may be passed on.

    The fields of the paper instrument (``docs/authority.md``): the grantor company, the attorney
    (DID, and citizen ID or passport number), the act tags with an optional cap in baht and the
    Thai wording, the validity period, the sub-delegation depth (0: none), the stamp-duty class
    (``7a`` for a single act and ``7b`` otherwise by default) and whether the company seal was used.
    """

    grantor_id: str
    grantor_name_th: str
    attorney_did: str
    acts: Sequence[str]
    valid_from: str
    attorney_citizen_id: str | None = None
    attorney_passport: str | None = None
    max_value_thb: int | None = None
    description_th: str | None = None
    valid_until: str | None = None
    sub_delegation_depth: int = 0
    stamp_duty_class: StampDutyClass | None = None
    company_seal: bool | None = None


def delegation_credential(
    *,
    grantor_id: str,
    grantor_name_th: str,
    attorney_did: str,
    acts: Sequence[str],
    valid_from: str,
    attorney_citizen_id: str | None = None,
    attorney_passport: str | None = None,
    max_value_thb: int | None = None,
    description_th: str | None = None,
    valid_until: str | None = None,
    sub_delegation_depth: int = 0,
    stamp_duty_class: StampDutyClass | None = None,
    company_seal: bool | None = None,
    parent: Delegation | None = None,
    issuer: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    credential_id: str | None = None,
    status: StatusOption | None = None,
) -> dict[str, Any]:
    """An unsigned ``DelegationCredential``: the keyword form of :func:`draft_delegation`.

    The first thirteen arguments are the :class:`DelegationTerms`; the rest are
    :func:`draft_delegation`'s.
    """
    terms = DelegationTerms(
        grantor_id=grantor_id,
        grantor_name_th=grantor_name_th,
        attorney_did=attorney_did,
        acts=acts,
        valid_from=valid_from,
        attorney_citizen_id=attorney_citizen_id,
        attorney_passport=attorney_passport,
        max_value_thb=max_value_thb,
        description_th=description_th,
        valid_until=valid_until,
        sub_delegation_depth=sub_delegation_depth,
        stamp_duty_class=stamp_duty_class,
        company_seal=company_seal,
    )
    return draft_delegation(
        terms,
        parent=parent,
        issuer=issuer,
        credential_status=credential_status,
        credential_id=credential_id,
        status=status,
    )


def draft_delegation(
    terms: DelegationTerms,
    *,
    parent: Delegation | None = None,
    issuer: str | None = None,
    credential_status: Mapping[str, Any] | None = None,
    credential_id: str | None = None,
    status: StatusOption | None = None,
) -> dict[str, Any]:
    """An unsigned ``DelegationCredential`` for ``terms``, NFC-normalised and given every issuance check.

    A root delegation (``parent=None``) is issued by :func:`juristic_issuer_id`; a sub-delegation
    is issued by the parent's attorney.

    ``status`` is a status registry (or ``(registry, purposes)``), as for
    :meth:`~thaivc.Issuer.issue`: entries are allocated for this delegation's id, so the grantor
    can revoke a power of attorney it no longer grants. The company has no key, so the registry is
    a status service's (verifiers list it in ``trusted_status_issuers``); ``credential_status`` is
    a ready entry instead. The document passes :func:`~thaivc.engine.issuer.require_issuable` (model, year
    plausibility, the delegation schema, JSON-LD), so nothing is drafted that verifiers refuse.
    """
    if status is not None and credential_status is not None:
        raise UsageError("usage.invalid_argument", "give a status registry or a ready credential_status, not both")
    doc: dict[str, Any] = {
        "@context": [CREDENTIALS_V2, DELEGATION_CONTEXT],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", DELEGATION_TYPE],
        "issuer": _issuer_of(terms.grantor_id, parent, issuer),
        "validFrom": terms.valid_from,
    }
    if terms.valid_until is not None:
        doc["validUntil"] = terms.valid_until
    doc["credentialSubject"] = _subject(terms, parent)
    doc["credentialSchema"] = {"id": DELEGATION_SCHEMA, "type": "JsonSchema"}
    if credential_status is not None:
        doc["credentialStatus"] = dict(credential_status)
    out: dict[str, Any] = normalize_document(doc)
    try:
        parse_delegation(out)
    except InputError as err:
        raise UsageError("usage.invalid_argument", f"{err.detail} at {'/'.join(map(str, err.loc))}") from None
    if status is not None:
        from thaivc.status.publish import add_status

        out = add_status(out, status, format="di", issuer_id=None)
    require_issuable(out)
    return out


def _issuer_of(grantor_id: str, parent: Delegation | None, issuer: str | None) -> str:
    """The company for a root delegation; the parent's attorney, and nobody else, for a sub-delegation."""
    if parent is None:
        return issuer or juristic_issuer_id(grantor_id)
    if issuer is not None and issuer != parent.attorney:
        raise UsageError("usage.invalid_argument", "a sub-delegation is issued by the parent's attorney")
    return parent.attorney


def _subject(terms: DelegationTerms, parent: Delegation | None) -> dict[str, Any]:
    """The ``credentialSubject``: the attorney, the grantor, the scope, the sub-delegation right."""
    subject: dict[str, Any] = {"id": terms.attorney_did}
    if terms.attorney_citizen_id is not None:
        subject["attorneyCitizenId"] = terms.attorney_citizen_id
    if terms.attorney_passport is not None:
        subject["attorneyPassport"] = terms.attorney_passport
    subject["grantor"] = {"juristicId": terms.grantor_id, "legalNameTh": terms.grantor_name_th}
    scope: dict[str, Any] = {"acts": list(terms.acts)}
    if terms.max_value_thb is not None:
        scope["maxValueThb"] = terms.max_value_thb
    if terms.description_th is not None:
        scope["descriptionTh"] = terms.description_th
    subject["scope"] = scope
    depth = terms.sub_delegation_depth
    subject["subDelegation"] = {"allowed": depth > 0, "maxDepth": depth}
    subject["stampDutyClass"] = terms.stamp_duty_class or ("7a" if len(terms.acts) == 1 else "7b")
    if terms.company_seal is not None:
        subject["companySeal"] = terms.company_seal
    if parent is not None:
        subject["parent"] = parent.id
    return subject


def sign_as_director(
    document: Mapping[str, Any],
    director_key: Signer,
    *,
    suite: ProofSuite | None = None,
    clock: Clock | None = None,
) -> dict[str, Any]:
    """Add ``director_key``'s proof to an unsigned or partly signed delegation (a proof set).

    Each director runs this on their own device with their own key; existing proofs are kept.
    ``clock`` dates the proof (``created``); the default is the system clock.
    Refuses to sign twice with the same verification method: a second proof by one person adds
    nothing to a quorum and only hides a stripped or missing co-signer.
    """
    parse_delegation(document)
    # a director's proof vouches for the whole document: it gets the issuance checks first
    require_issuable({key: value for key, value in document.items() if key != "proof"})
    existing = document.get("proof")
    proofs = existing if isinstance(existing, list) else [existing] if existing is not None else []
    if any(isinstance(p, dict) and p.get("verificationMethod") == director_key.kid for p in proofs):
        raise UsageError("usage.invalid_argument", "this key has already signed the delegation")
    return (suite or default_proof_suite(clock=clock)).add(document, director_key)
