"""Identity proofing flows that end in a credential: DOPA card (and face) checks → IAL → issue.

Both flows fail closed. A credential is issued only after every check that was asked for has
*passed*; a failed, mismatching or errored check yields no credential and a problem saying why,
with DOPA's own Thai description kept verbatim. A registry that could not be reached is
``registry.unavailable`` (we do not know), never a pass and never a "card invalid" verdict.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from thaivc.assurance import (
    DEFAULT_IAL_TABLE,
    IAL,
    DopaCardStatusEvidence,
    Evidence,
    FaceMatchEvidence,
    IALTable,
    LivenessEvidence,
    derive_ial,
)
from thaivc.assurance.evidence import at_time
from thaivc.core.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.core.report import Problem
from thaivc.credentials.types import CitizenPerson, citizen_credential, juristic_credential
from thaivc.engine.issuer import Issuer, to_xsd_datetime
from thaivc.registries.dbd import DbdRegistry, FakeDbd, GdxDbdClient, JuristicPerson
from thaivc.registries.dopa import CardCheckResult, DopaCardChecker, DopaFaceVerifier, FaceMatchResult
from thaivc.thai.address import ThaiAddress
from thaivc.thai.dates import BEDate, parse_be_date
from thaivc.thai.ids import validate_citizen_id
from thaivc.thai.names import ThaiName

if TYPE_CHECKING:
    from thaivc.status.publish import StatusOption

__all__ = [
    "JURISTIC_VALIDITY",
    "CardData",
    "JuristicIssuance",
    "ProofingResult",
    "issue_juristic",
    "proof_citizen",
    "registry_source",
]

#: How long a JuristicPersonCredential is valid by default, in seconds (30 days): verifiers without a
#: live DBD lookup refuse company data older than their policy allows (30 days by default, too).
JURISTIC_VALIDITY: Final = 30 * 86400


@dataclass(frozen=True, slots=True)
class CardData:
    """What was read from the citizen's ID card (chip or front/back), to check with DOPA."""

    citizen_id: str
    names: ThaiName
    #: DOPA's ``YYYYMMDD`` Buddhist-Era form; ``0`` for unknown month/day
    birth_date_be: str | BEDate
    #: printed on the back, ``JT1-2345678-90`` or ``JT1234567890``
    laser_code: str
    address: ThaiAddress | None = None


@dataclass(frozen=True)
class ProofingResult:
    """The outcome of :func:`proof_citizen`. ``credential`` is ``None`` exactly when ``problems`` is not empty."""

    #: the secured credential: a compact JWS (``vc+jwt``, ``dc+sd-jwt``) or a Data Integrity document
    credential: str | dict[str, Any] | None
    evidence: Evidence
    ial: IAL | None
    problems: tuple[Problem, ...] = ()
    #: the unsigned credential that was secured, when one was
    document: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.credential is not None and not self.problems


def _refuse(evidence: Evidence, ial: IAL | None, code: str, detail: str) -> ProofingResult:
    return ProofingResult(None, evidence, ial, (Problem.of(code, detail),))


def _refuse_error(evidence: Evidence, ial: IAL | None, err: ThaiVCError) -> ProofingResult:
    return ProofingResult(None, evidence, ial, (Problem.from_error(err),))


def _revocable_id(status: object) -> str | None:
    """An id for a credential issued with a status entry: the key it is revoked by, known to the caller."""
    return f"urn:uuid:{uuid.uuid4()}" if status is not None else None


def _card_refusal(result: CardCheckResult) -> str:
    parts = [f"DOPA: card check {result.status.value}"]
    if result.code is not None:
        parts.append(f"code {result.code}")
    if result.description:
        parts.append(result.description)
    return "; ".join(parts)


def proof_citizen(
    card: CardData,
    *,
    dopa: DopaCardChecker,
    issuer: Issuer,
    subject_did: str,
    face: DopaFaceVerifier | None = None,
    face_image_ref: str | None = None,
    liveness: LivenessEvidence | bool | None = None,
    format: str = "vc+jwt",
    ial_table: IALTable = DEFAULT_IAL_TABLE,
    min_ial: IAL | str | None = None,
    aal: str | None = None,
    valid_until: str | None = None,
    status: StatusOption | None = None,
) -> ProofingResult:
    """Check ``card`` with DOPA (and the face, when ``face`` is given), derive the IAL, issue.

    ``liveness`` is the result of the caller's presentation-attack detection (a bool or a
    :class:`LivenessEvidence`); it is recorded as evidence and a failed one stops issuance. With
    ``min_ial``, a derived level below it is refused (``assurance.too_low``) instead of issuing a
    weaker credential than the service needs. ``status`` is the issuer's status registry (or
    ``(registry, purposes)``), as for :meth:`~thaivc.Issuer.issue`: an identity credential must be
    revocable when the card is reported lost or the person dies. Never raises for a registry or
    data problem: the reason is in :attr:`ProofingResult.problems`.
    """
    evidence = Evidence()
    try:
        validate_citizen_id(card.citizen_id)
        given, family = card.names.dopa_query_names()
        birth = card.birth_date_be if isinstance(card.birth_date_be, BEDate) else parse_be_date(card.birth_date_be)
        if face is not None and not face_image_ref:
            raise UsageError("usage.invalid_argument", "face verification needs face_image_ref")
    except ThaiVCError as err:
        return _refuse_error(evidence, None, err)

    try:
        evidence = _card_checked(dopa, card, (given, family, birth), evidence)
        if face is not None:
            assert face_image_ref is not None
            evidence = _face_matched(face, card.citizen_id, face_image_ref, evidence)
        if liveness is not None:
            evidence = _live(liveness, issuer.clock.now(), evidence)
        ial = _enough_ial(evidence, ial_table, min_ial)
    except _Stop as stop:
        return stop.result

    try:
        person = CitizenPerson(card.citizen_id, card.names, birth, card.address)
        document = citizen_credential(
            subject_did, person, ial=ial, aal=aal, evidence=evidence, valid_until=valid_until,
            credential_id=_revocable_id(status),
        )
        credential = issuer.issue(document, format=format, status=status)  # type: ignore[arg-type]
    except ThaiVCError as err:
        return _refuse_error(evidence, ial, err)
    return ProofingResult(credential, evidence, ial, (), document)


class _Stop(Exception):
    """A proofing step refused: ``result`` is the refusal, with the evidence gathered so far."""

    def __init__(self, result: ProofingResult) -> None:
        super().__init__(result.problems[0].code)
        self.result = result


def _card_checked(
    dopa: DopaCardChecker, card: CardData, query: tuple[str, str, BEDate], evidence: Evidence
) -> Evidence:
    """DOPA's answer on the card, recorded as evidence; anything but a valid card stops proofing."""
    given, family, birth = query
    try:
        result: CardCheckResult = dopa.check_card(card.citizen_id, given, family, birth, card.laser_code)
    except ThaiVCError as err:
        raise _Stop(_refuse_error(evidence, None, err)) from None
    except Exception as exc:  # an adapter's bug or transport fault is "we do not know", never a pass
        detail = f"DOPA card check failed: {type(exc).__name__}"
        raise _Stop(_refuse(evidence, None, "registry.unavailable", detail)) from None
    evidence = evidence.add(DopaCardStatusEvidence.from_result(result))
    if not result.ok:
        raise _Stop(_refuse(evidence, None, "registry.rejected", _card_refusal(result)))
    return evidence


def _face_matched(face: DopaFaceVerifier, citizen_id: str, image_ref: str, evidence: Evidence) -> Evidence:
    """DOPA's face comparison, recorded as evidence; no match (or no answer) stops proofing."""
    try:
        match: FaceMatchResult = face.verify_face(citizen_id, image_ref)
    except ThaiVCError as err:
        raise _Stop(_refuse_error(evidence, None, err)) from None
    except Exception as exc:
        detail = f"DOPA face check failed: {type(exc).__name__}"
        raise _Stop(_refuse(evidence, None, "registry.unavailable", detail)) from None
    evidence = evidence.add(FaceMatchEvidence.from_result(match))
    if not match.matched:
        detail = f"DOPA: face comparison did not match (score {match.score:.2f} < threshold {match.threshold:.2f})"
        raise _Stop(_refuse(evidence, None, "registry.rejected", detail))
    return evidence


def _live(liveness: LivenessEvidence | bool, now: float, evidence: Evidence) -> Evidence:
    """The caller's presentation-attack detection, recorded as evidence; a failed one stops proofing."""
    item = (
        liveness
        if isinstance(liveness, LivenessEvidence)
        else LivenessEvidence(passed=bool(liveness), at=at_time(now))
    )
    evidence = evidence.add(item)
    if not item.passed:
        raise _Stop(_refuse(evidence, None, "assurance.too_low", "liveness check failed: no credential issued"))
    return evidence


def _enough_ial(evidence: Evidence, ial_table: IALTable, min_ial: IAL | str | None) -> IAL:
    """The IAL the evidence supports; below ``min_ial`` stops proofing, naming what is missing."""
    ial = derive_ial(evidence, ial_table)
    if min_ial is not None:
        required = IAL.parse(min_ial)
        if ial < required:
            missing = ", ".join(ial_table.missing_for(required, evidence.flags())) or "unknown"
            detail = f"IAL{ial} reached, IAL{required} required; missing {missing}"
            raise _Stop(_refuse(evidence, ial, "assurance.too_low", detail))
    return ial


@dataclass(frozen=True)
class JuristicIssuance:
    """A JuristicPersonCredential and the DBD profile it was built from."""

    credential: str | dict[str, Any]
    document: dict[str, Any]
    company: JuristicPerson


def registry_source(dbd: object) -> str:
    """``source`` recorded in the credential: which DBD interface answered."""
    if isinstance(dbd, FakeDbd):
        return "dbd:fake"
    if isinstance(dbd, GdxDbdClient):
        return "dbd:gdx"
    return "dbd"


def issue_juristic(
    juristic_id: str,
    *,
    dbd: DbdRegistry,
    issuer: Issuer,
    subject_did: str | None = None,
    format: str = "vc+jwt",
    valid_until: str | None = None,
    status: StatusOption | None = None,
) -> JuristicIssuance:
    """Look ``juristic_id`` up in DBD and issue a JuristicPersonCredential for it.

    Raises ``authority.entity_inactive`` unless DBD reports ``ยังดำเนินกิจการอยู่`` (only an
    active entity may grant signing authority, docs/thai.md), and passes registry errors on
    (``registry.not_found``, ``registry.unavailable`` …); an unexpected adapter failure becomes
    ``registry.unavailable``. ``status`` adds a status entry from the issuer's registry, as for
    :meth:`~thaivc.Issuer.issue`, so a company's credential can be revoked when DBD's record changes.

    The credential is a copy of the register at one moment, so it always ends: ``valid_until``
    defaults to :data:`JURISTIC_VALIDITY` after issuance (directors resign, companies are struck off).
    """
    try:
        company = dbd.lookup(juristic_id)
    except ThaiVCError:
        raise
    except Exception as exc:
        raise Indeterminate("registry.unavailable", f"DBD lookup failed: {type(exc).__name__}") from None
    if not company.is_active:
        gloss = f" ({company.status_en})" if company.status_en else ""
        raise ThaiVCError(
            "authority.entity_inactive", f"DBD status is {company.status_th}{gloss}: no credential is issued"
        )
    now = issuer.clock.now()
    document = juristic_credential(
        company,
        retrieved_at=now,
        source=registry_source(dbd),
        subject_did=subject_did,
        valid_until=valid_until if valid_until is not None else to_xsd_datetime(now + JURISTIC_VALIDITY),
        credential_id=_revocable_id(status),
    )
    credential = issuer.issue(document, format=format, status=status)  # type: ignore[arg-type]
    return JuristicIssuance(credential, document, company)
