"""The issuer counter's two halves: the officer's checks before an offer, and the offer's life after it.

:func:`officer_checks` runs what the officer does with the citizen at the desk — the card (laser
code) against DOPA, the face against DOPA's photo, the liveness result — through the configured
DOPA adapter, and derives the IAL from that evidence exactly as :func:`thaivc.credentials.proof_citizen`
does. Only a citizen who passed gets an offer; the offer's ``subject`` is what was checked (never
anything from the wallet), and :func:`citizen_callback` turns it into the ``ThaiCitizenCredential``
for the key the wallet proved. :class:`OfferTracker` follows each offer through the issuer service's
events so the page can say "scanned", "issued", "failed" or "temporarily unavailable" (a registry
did not answer: nothing was issued, the wallet may try again) while the citizen holds the phone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.assurance import DEFAULT_IAL_TABLE, Evidence, derive_ial
from thaivc.assurance.evidence import DopaCardStatusEvidence, FaceMatchEvidence, LivenessEvidence, at_time
from thaivc.core.clock import Clock
from thaivc.core.errors import CODES, ThaiVCError
from thaivc.credentials.types import CitizenPerson, citizen_credential
from thaivc.did import did_jwk
from thaivc.oid4vc import StateStore
from thaivc.oid4vci import CredentialData, IssuanceDenied, IssuanceRequest
from thaivc.registries.dopa import DopaCardChecker, DopaFaceVerifier
from thaivc.server.pages.explain import Sentence
from thaivc.thai.dates import parse_be_date
from thaivc.thai.ids import validate_citizen_id
from thaivc.thai.names import ThaiName

__all__ = ["CardInput", "CheckOutcome", "OfferTracker", "citizen_callback", "officer_checks"]

_NS: Final = "counter.offer"
#: The states the issuer page shows, and what moves an offer from one to the next.
_STATE_OF_EVENT: Final = {
    "offer_redeemed": "scanned",
    "tx_code_wrong": "code_wrong",
    "offer_dead": "failed",
    "credential_issued": "issued",
    "credential_denied": "failed",
    # a registry or store did not answer: nothing issued, and not final (the wallet's retry may issue)
    "credential_unavailable": "unavailable",
}
_FINAL: Final = frozenset({"issued", "failed"})


@dataclass(frozen=True, slots=True)
class CardInput:
    """What the officer reads from the card (or the card reader fills in) and the face capture's reference."""

    citizen_id: str
    title_th: str
    given_th: str
    family_th: str
    birth_date_be: str
    laser_code: str
    face_ref: str
    liveness: bool


@dataclass(frozen=True)
class CheckOutcome:
    ok: bool
    steps: tuple[tuple[bool, Sentence, str | None], ...]
    ial: str | None = None
    subject: dict[str, Any] | None = None


def _step(ok: bool, th: str, en: str, code: str | None = None) -> tuple[bool, Sentence, str | None]:
    return ok, Sentence(th, en), code


def officer_checks(card: CardInput, *, dopa: DopaCardChecker, face: DopaFaceVerifier | None,
                   clock: Clock, min_ial: str | None = None) -> CheckOutcome:
    """Card, face and liveness through the DOPA adapter; never raises (a fault is a failed step)."""
    steps: list[tuple[bool, Sentence, str | None]] = []
    try:
        validate_citizen_id(card.citizen_id)
        birth = parse_be_date(card.birth_date_be)
        names = ThaiName(title_th=card.title_th or None, given_th=card.given_th, family_th=card.family_th)
        given, family = names.dopa_query_names()
    except ThaiVCError as err:
        steps.append(_step(False, "ข้อมูลบนบัตรไม่ถูกต้อง", "The card data is not valid", err.code))
        return CheckOutcome(False, tuple(steps))
    evidence = Evidence()
    try:
        result = dopa.check_card(card.citizen_id, given, family, birth, card.laser_code)
    except ThaiVCError as err:
        steps.append(_step(False, "ติดต่อกรมการปกครองไม่ได้", "DOPA could not be reached", err.code))
        return CheckOutcome(False, tuple(steps))
    except Exception:
        steps.append(_step(False, "ติดต่อกรมการปกครองไม่ได้", "DOPA could not be reached", "registry.unavailable"))
        return CheckOutcome(False, tuple(steps))
    evidence = evidence.add(DopaCardStatusEvidence.from_result(result))
    if not result.ok:
        steps.append(_step(False, f"บัตรไม่ผ่านการตรวจสอบกับกรมการปกครอง ({result.status.value})",
                           f"DOPA did not confirm the card ({result.status.value})", "registry.rejected"))
        return CheckOutcome(False, tuple(steps))
    steps.append(_step(True, "บัตรประชาชนตรวจสอบกับกรมการปกครองแล้ว ใช้งานได้", "DOPA confirmed the card is valid"))
    if face is not None:
        try:
            match = face.verify_face(card.citizen_id, card.face_ref)
        except Exception as exc:
            code = exc.code if isinstance(exc, ThaiVCError) else "registry.unavailable"
            steps.append(_step(False, "เปรียบเทียบใบหน้าไม่ได้", "The face comparison could not be made", code))
            return CheckOutcome(False, tuple(steps))
        evidence = evidence.add(FaceMatchEvidence.from_result(match))
        if not match.matched:
            steps.append(_step(False, "ใบหน้าไม่ตรงกับภาพในทะเบียน", "The face does not match the registered photo",
                               "registry.rejected"))
            return CheckOutcome(False, tuple(steps))
        steps.append(_step(True, "ใบหน้าตรงกับภาพในทะเบียนราษฎร์", "The face matches the registered photo"))
    evidence = evidence.add(LivenessEvidence(passed=card.liveness, at=at_time(clock.now())))
    if not card.liveness:
        steps.append(_step(False, "การตรวจสอบว่าเป็นบุคคลจริงไม่ผ่าน", "The liveness check failed", "assurance.too_low"))
        return CheckOutcome(False, tuple(steps))
    steps.append(_step(True, "ตรวจสอบแล้วว่าเป็นบุคคลจริง (ไม่ใช่ภาพถ่าย)", "Liveness confirmed (not a photo)"))
    ial = derive_ial(evidence, DEFAULT_IAL_TABLE)
    if min_ial is not None and not ial >= type(ial).parse(min_ial):
        steps.append(_step(False, f"ระดับความน่าเชื่อถือ IAL {ial} ต่ำกว่าที่กำหนด ({min_ial})",
                           f"IAL {ial} is below the required {min_ial}", "assurance.too_low"))
        return CheckOutcome(False, tuple(steps), str(ial))
    subject = {"citizen_id": card.citizen_id, "title_th": card.title_th, "given_th": card.given_th,
               "family_th": card.family_th, "birth_date_be": card.birth_date_be, "ial": str(ial),
               "evidence": evidence.to_vc_evidence()}
    return CheckOutcome(True, tuple(steps), str(ial), subject)


def citizen_callback(request: IssuanceRequest) -> CredentialData:
    """The issuance callback of the counter: the checked subject, bound to the key the wallet proved."""
    subject = request.subject
    if not request.holder_keys:
        raise IssuanceDenied("no holder key")
    try:
        did = did_jwk(request.holder_keys[0])  # the service binds it the same way
        names = ThaiName(title_th=subject.get("title_th") or None, given_th=subject["given_th"],
                         family_th=subject["family_th"])
        person = CitizenPerson(subject["citizen_id"], names, parse_be_date(subject["birth_date_be"]))
        document = citizen_credential(did, person, ial=subject["ial"],
                                      evidence=Evidence.from_vc_evidence(subject["evidence"]))
    except (KeyError, TypeError, ThaiVCError) as exc:
        raise IssuanceDenied(f"the checked subject does not make a credential ({type(exc).__name__})") from None
    return CredentialData(document)


class OfferTracker:
    """Each offer's state for the page, kept in the service's state store (shared by its workers).

    Pass :meth:`on_event` to the issuer service as ``on_event``; the page polls :meth:`state`.
    """

    def __init__(self, store: StateStore, *, ttl: float = 900.0,
                 listener: Callable[[str, str], None] | None = None) -> None:
        self.store = store
        self.ttl = ttl
        self.listener = listener

    def open(self, offer_id: str) -> None:
        self.store.put(_NS, offer_id, {"state": "waiting"}, ttl=self.ttl)

    def on_event(self, event: str, details: Mapping[str, Any]) -> None:
        offer_id, new = details.get("offer_id"), _STATE_OF_EVENT.get(event)
        if not isinstance(offer_id, str) or new is None:
            return
        record = self.store.get(_NS, offer_id)
        if record is None or record.value.get("state") in _FINAL:  # not ours, or already decided
            return
        value: dict[str, Any] = {"state": new}
        if "tries_left" in details:
            value["tries_left"] = details["tries_left"]
        code = details.get("code")
        if new == "unavailable" and isinstance(code, str) and code in CODES:  # a catalogued label, nothing else
            value["code"] = code
        self.store.delete(_NS, offer_id)  # the store never overwrites a live record
        self.store.put(_NS, offer_id, value, ttl=self.ttl)
        if self.listener is not None:
            self.listener(offer_id, new)

    def state(self, offer_id: str) -> dict[str, Any] | None:
        record = self.store.get(_NS, offer_id)
        return None if record is None else dict(record.value)
