"""Builders of the Thai credential types as VCDM 2.0 documents (unsigned).

Property names are English (``givenNameTh``, ``citizenId`` …) with Thai labels in the schemas
(``x-label-th``), following docs/thai.md: the ETDA example's Thai claim names are inconsistent with
its own trusted list. Every builder returns a document that already passes its bundled schema and
whose strings are in NFC, so what the issuer signs is what the verifier will validate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from thaivc.assurance import AAL, IAL, Evidence
from thaivc.contexts.vocab import (
    CITIZEN_SCHEMA,
    CITIZEN_TYPE,
    CONTEXTS,
    FOREIGNER_SCHEMA,
    FOREIGNER_TYPE,
    JURISTIC_SCHEMA,
    JURISTIC_TYPE,
)
from thaivc.core.clock import to_datetime
from thaivc.core.errors import Indeterminate, InputError
from thaivc.engine.issuer import normalize_document, require_plausible_times
from thaivc.model.schema import validate_credential_schema
from thaivc.registries.dbd import Director, JuristicPerson
from thaivc.thai.address import ThaiAddress
from thaivc.thai.dates import BEDate
from thaivc.thai.ids import validate_citizen_id
from thaivc.thai.names import ThaiName

__all__ = [
    "FOREIGN_ID_FIRST_DIGITS",
    "CitizenPerson",
    "ForeignPerson",
    "address_fields",
    "citizen_credential",
    "foreigner_credential",
    "juristic_credential",
    "name_fields",
]

_ISO_DATE: Final = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?", re.ASCII)
_PASSPORT: Final = re.compile(r"[A-Z0-9]{4,20}", re.ASCII)
_ALPHA3: Final = re.compile(r"[A-Z]{3}", re.ASCII)
#: First digits of 13-digit IDs given to non-Thai persons (docs/thai.md).
FOREIGN_ID_FIRST_DIGITS: Final = frozenset("0678")
_ROLES: Final = {"K": "director", "L": "managing_partner"}
_ADDRESS_KEYS: Final = {"house_no": "houseNo", "full_text": "fullText"}


@dataclass(frozen=True, slots=True)
class CitizenPerson:
    """What a ThaiCitizenCredential says about a person, as read from DOPA or ThaID."""

    citizen_id: str
    name: ThaiName
    #: a Buddhist-Era date (possibly year- or month-only) or an ISO ``YYYY[-MM[-DD]]`` string
    birth_date: BEDate | str
    address: ThaiAddress | None = None


@dataclass(frozen=True, slots=True)
class ForeignPerson:
    """A non-Thai person: a passport (number + issuing state) and/or a Thai-issued non-Thai ID."""

    name: ThaiName
    birth_date: BEDate | str
    passport_number: str | None = None
    #: ISO 3166-1 alpha-3, e.g. ``MMR``
    issuing_state: str | None = None
    #: a 13-digit ID whose first digit is 0, 6, 7 or 8
    personal_id: str | None = None
    nationality: str | None = None
    address: ThaiAddress | None = None


def _iso_birth_date(value: BEDate | str) -> str:
    if isinstance(value, BEDate):
        return value.iso()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise InputError("thai.date_invalid", "birth date must be a BEDate or ISO YYYY[-MM[-DD]]", loc=("birthDate",))


def name_fields(name: ThaiName) -> dict[str, str]:
    """The name parts present, under their credential property names."""
    pairs = (
        ("titleTh", name.title_th),
        ("givenNameTh", name.given_th),
        ("middleNameTh", name.middle_th),
        ("familyNameTh", name.family_th),
        ("titleEn", name.title_en),
        ("givenNameEn", name.given_en),
        ("middleNameEn", name.middle_en),
        ("familyNameEn", name.family_en),
    )
    return {key: value for key, value in pairs if value}


def _envelope(
    types: str,
    schema: str,
    subject: dict[str, Any],
    *,
    evidence: Evidence | None,
    issuer: str | None,
    valid_until: str | None,
    credential_id: str | None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": list(CONTEXTS)}
    if credential_id is not None:
        doc["id"] = credential_id
    doc["type"] = ["VerifiableCredential", types]
    if issuer is not None:
        doc["issuer"] = issuer
    if valid_until is not None:
        doc["validUntil"] = valid_until
    doc["credentialSubject"] = subject
    doc["credentialSchema"] = {"id": schema, "type": "JsonSchema"}
    if evidence is not None and evidence.items:
        doc["evidence"] = evidence.to_vc_evidence()
    normalized: dict[str, Any] = normalize_document(doc)
    # issuer and validFrom are the Issuer's to fill in; what is here already gets its checks now
    require_plausible_times(normalized)
    validate_credential_schema(normalized)
    return normalized


def _levels(subject: dict[str, Any], ial: IAL | str | float, aal: AAL | str | float | None) -> None:
    level = IAL.parse(ial)
    level.require_rank()
    subject["ial"] = level.code
    if aal is not None:
        auth = AAL.parse(aal)
        auth.require_rank()
        subject["aal"] = auth.code


#: The personal claims of a ``ThaiCitizenCredential`` an SD-JWT VC makes selectively disclosable, so
#: that a holder asked for "name and IAL" shows neither the citizen ID nor the birth date. The
#: assurance level, subject id, issuer, type and validity stay plaintext
#: (:func:`thaivc.contexts.disclosure.must_stay_visible`).
CITIZEN_PERSONAL_CLAIMS: Final = (
    "citizenId",
    "titleTh",
    "givenNameTh",
    "middleNameTh",
    "familyNameTh",
    "titleEn",
    "givenNameEn",
    "middleNameEn",
    "familyNameEn",
    "birthDate",
    "address",
)


def citizen_disclosable(doc: dict[str, Any]) -> list[str]:
    """The ``disclosable`` pointers for issuing ``doc`` (a citizen credential) as ``dc+sd-jwt``: each
    personal claim it holds, so that a presentation reveals only what it is asked for."""
    subject = doc.get("credentialSubject")
    held = subject if isinstance(subject, dict) else {}
    return [f"/credentialSubject/{name}" for name in CITIZEN_PERSONAL_CLAIMS if name in held]


def citizen_credential(
    subject_did: str,
    person: CitizenPerson,
    *,
    ial: IAL | str | float,
    aal: AAL | str | float | None = None,
    evidence: Evidence | None = None,
    issuer: str | None = None,
    valid_until: str | None = None,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``ThaiCitizenCredential`` for ``subject_did`` (the citizen's wallet DID).

    The IAL is written as given; verifiers re-derive it from ``evidence`` with
    :class:`thaivc.assurance.AssurancePolicy`, so pass the evidence the level rests on.

    The credential attests a person registered with DOPA, *not* Thai nationality: a valid ID whose
    first digit is 0, 6, 7 or 8 belongs to a non-Thai registration (docs/thai.md), so a verifier
    that needs nationality reads :func:`thaivc.thai.citizen_id_category`, never the type name.
    """
    validate_citizen_id(person.citizen_id)
    subject: dict[str, Any] = {"id": subject_did, "citizenId": person.citizen_id, **name_fields(person.name)}
    subject["birthDate"] = _iso_birth_date(person.birth_date)
    if person.address is not None and person.address.as_dict():
        subject["address"] = address_fields(person.address)
    _levels(subject, ial, aal)
    return _envelope(
        CITIZEN_TYPE,
        CITIZEN_SCHEMA,
        subject,
        evidence=evidence,
        issuer=issuer,
        valid_until=valid_until,
        credential_id=credential_id,
    )


def foreigner_credential(
    subject_did: str,
    person: ForeignPerson,
    *,
    ial: IAL | str | float,
    aal: AAL | str | float | None = None,
    evidence: Evidence | None = None,
    issuer: str | None = None,
    valid_until: str | None = None,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``ForeignerIdentityCredential``.

    At least one identifier is required: a passport number with its ISO 3166-1 alpha-3 issuing
    state, or a 13-digit ID whose first digit marks a non-Thai person (0, 6, 7, 8; docs/thai.md).
    A Thai citizen's ID (first digit 1–5) is refused: that person gets a ThaiCitizenCredential.
    """
    subject: dict[str, Any] = {"id": subject_did}
    if person.passport_number is not None or person.issuing_state is not None:
        if not isinstance(person.passport_number, str) or not _PASSPORT.fullmatch(person.passport_number):
            raise InputError(
                "thai.id_invalid", "a passport number is 4-20 capital letters or digits", loc=("passportNumber",)
            )
        if not isinstance(person.issuing_state, str) or not _ALPHA3.fullmatch(person.issuing_state):
            raise InputError("thai.id_invalid", "issuing state must be ISO 3166-1 alpha-3", loc=("issuingState",))
        subject["passportNumber"] = person.passport_number
        subject["issuingState"] = person.issuing_state
    if person.personal_id is not None:
        validate_citizen_id(person.personal_id)
        if person.personal_id[0] not in FOREIGN_ID_FIRST_DIGITS:
            raise InputError(
                "thai.id_invalid",
                "a first digit of 1-5 marks a Thai registration: issue a ThaiCitizenCredential",
                loc=("personalId",),
            )
        subject["personalId"] = person.personal_id
    if "passportNumber" not in subject and "personalId" not in subject:
        raise InputError("thai.id_invalid", "a passport (number + issuing state) or a non-Thai ID is required")
    if person.nationality is not None:
        if not isinstance(person.nationality, str) or not _ALPHA3.fullmatch(person.nationality):
            raise InputError("thai.id_invalid", "nationality must be ISO 3166-1 alpha-3", loc=("nationality",))
        subject["nationality"] = person.nationality
    subject.update(name_fields(person.name))
    subject["birthDate"] = _iso_birth_date(person.birth_date)
    if person.address is not None and person.address.as_dict():
        subject["address"] = address_fields(person.address)
    _levels(subject, ial, aal)
    return _envelope(
        FOREIGNER_TYPE,
        FOREIGNER_SCHEMA,
        subject,
        evidence=evidence,
        issuer=issuer,
        valid_until=valid_until,
        credential_id=credential_id,
    )


def address_fields(address: ThaiAddress) -> dict[str, str]:
    """The address parts present, under their credential property names (``houseNo`` …)."""
    return {_ADDRESS_KEYS.get(key, key): value for key, value in address.as_dict().items()}


def _director(director: Director) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if director.title:
        entry["titleTh"] = director.title
    entry["givenNameTh"] = director.first_name
    entry["familyNameTh"] = director.last_name
    entry["role"] = _ROLES[director.type]
    if director.sequence is not None:
        entry["sequence"] = director.sequence
    return entry


def _timestamp(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return to_datetime(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _registration(company: JuristicPerson) -> dict[str, Any]:
    """The registration facts DBD gives, in credential order; optional ones only when present."""
    subject: dict[str, Any] = {}
    subject["juristicId"] = company.juristic_id
    if company.old_juristic_id:
        subject["formerJuristicId"] = company.old_juristic_id
    subject["legalNameTh"] = company.name_th
    if company.name_en:
        subject["legalNameEn"] = company.name_en
    if company.juristic_type is not None:
        subject["juristicTypeCode"] = company.juristic_type.code
        subject["juristicTypeTh"] = company.juristic_type.name_th
        subject["juristicTypeEn"] = company.juristic_type.name_en
    elif company.type_code:
        subject["juristicTypeCode"] = company.type_code
    subject["juristicStatusTh"] = company.status_th
    if company.status_en:
        subject["juristicStatusEn"] = company.status_en
    if company.registered_on is not None:
        subject["registrationDate"] = company.registered_on.iso()
    if company.registered_capital is not None:
        subject["registeredCapital"] = company.registered_capital
    if company.paid_capital is not None:
        subject["paidUpCapital"] = company.paid_capital
    if company.standard_id:
        subject["tsicCode"] = company.standard_id
    return subject


def _authority(company: JuristicPerson) -> dict[str, Any]:
    """Who may act for the company and for what: directors, the clause verbatim, limits, objectives."""
    subject: dict[str, Any] = {}
    subject["directors"] = [_director(d) for d in company.directors]
    subject["signingClauseTh"] = company.signing_clause_th
    limits = company.other_authorizations.get("M", ())
    if limits:
        subject["limitsOfAuthorityTh"] = list(limits)
    if company.objectives:
        subject["objectivesTh"] = list(company.objectives)
    addresses = [address_fields(a) for a in company.addresses if a.as_dict()]
    if addresses:
        subject["addresses"] = addresses
    return subject


def juristic_credential(
    company: JuristicPerson,
    *,
    retrieved_at: float | str,
    source: str,
    subject_did: str | None = None,
    issuer: str | None = None,
    valid_until: str | None = None,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """An unsigned ``JuristicPersonCredential`` from a DBD profile.

    The signing clause is carried verbatim (``signingClauseTh``): a parsed rule is an
    interpretation, which a verifier makes itself with :func:`thaivc.authority.parse_clause`.
    ``retrieved_at`` (seconds or an XSD dateTime) and ``source`` say where and when DBD answered.
    This builder does not judge the status; :func:`thaivc.credentials.issue_juristic` refuses
    inactive entities. A profile whose signing clause (or limits of authority) DBD sent with a
    piece missing is refused (``authority.clause_unreadable``): a credential would carry a clause
    that says less than the registry's.
    """
    for atype in ("L", "M"):
        problem = company.authorization_problems.get(atype)
        if problem is not None:
            raise Indeterminate("authority.clause_unreadable", f"no company credential is issued: {problem}")
    subject: dict[str, Any] = {}
    if subject_did is not None:
        subject["id"] = subject_did
    subject.update(_registration(company))
    subject.update(_authority(company))
    subject["retrievedAt"] = _timestamp(retrieved_at)
    subject["source"] = source
    return _envelope(
        JURISTIC_TYPE,
        JURISTIC_SCHEMA,
        subject,
        evidence=None,
        issuer=issuer,
        valid_until=valid_until,
        credential_id=credential_id,
    )
