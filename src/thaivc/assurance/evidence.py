"""The identity-proofing checks that were performed, as W3C VCDM ``evidence`` entries.

A credential carries its IAL *and* the evidence behind it (docs/thai.md, assurance levels), so a
verifier can re-derive the level when the ETDA definitions change. Each entry has a ``type``:
``dopa_card_status``, ``face_match``, ``liveness``, ``thaid_login`` and ``document_presented``.
Entries hold results and times only; never images, templates or raw registry payloads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from thaivc.core.clock import to_datetime
from thaivc.core.errors import InputError

if TYPE_CHECKING:
    from thaivc.registries.dopa import CardCheckResult, FaceMatchResult

__all__ = [
    "DocumentPresentedEvidence",
    "DopaCardStatusEvidence",
    "Evidence",
    "EvidenceItem",
    "FaceMatchEvidence",
    "LivenessEvidence",
    "ThaidLoginEvidence",
]


class _Item(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    #: when the check was performed (UTC, timezone-aware)
    at: AwareDatetime | None = None


class DopaCardStatusEvidence(_Item):
    """A DOPA card-status (laser code) check and DOPA's own result code."""

    type: Literal["dopa_card_status"] = "dopa_card_status"
    #: DOPA's numeric code (0 = valid); ``None`` when GDX answered only true/false
    code: int | None = None
    #: :class:`thaivc.registries.dopa.CardStatus` value, e.g. ``"valid"``
    status: str
    source: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "valid"

    @classmethod
    def from_result(cls, result: CardCheckResult) -> DopaCardStatusEvidence:
        at = to_datetime(result.checked_at) if result.checked_at is not None else None
        return cls(code=result.code, status=result.status.value, source=result.source, at=at)


class FaceMatchEvidence(_Item):
    """A face comparison against the DOPA reference photo or the card chip photo."""

    type: Literal["face_match"] = "face_match"
    source: Literal["dopa", "chip"]
    score: Annotated[float, Field(ge=0.0, le=1.0)]
    threshold: Annotated[float, Field(ge=0.0, le=1.0)]
    matched: bool

    @model_validator(mode="after")
    def _consistent(self) -> FaceMatchEvidence:
        if self.matched != (self.score >= self.threshold):
            raise ValueError("matched must equal score >= threshold")
        return self

    @property
    def passed(self) -> bool:
        return self.matched

    @classmethod
    def from_result(cls, result: FaceMatchResult) -> FaceMatchEvidence:
        at = to_datetime(result.checked_at) if result.checked_at is not None else None
        return cls(
            source=result.source,
            score=result.score,
            threshold=result.threshold,
            matched=result.matched,
            at=at,
        )


class LivenessEvidence(_Item):
    """A presentation-attack (liveness) check on the captured face."""

    type: Literal["liveness"] = "liveness"
    passed: bool
    method: str | None = None


class ThaidLoginEvidence(_Item):
    """The subject authenticated with ThaID (DOPA's OIDC digital ID); ``ial`` as ThaID reported it."""

    type: Literal["thaid_login"] = "thaid_login"
    ial: str | None = None

    @property
    def passed(self) -> bool:
        return True


class DocumentPresentedEvidence(_Item):
    """An identity document was presented (``thai_id_card``, ``passport`` …)."""

    type: Literal["document_presented"] = "document_presented"
    document: Annotated[str, Field(min_length=1, max_length=64)]
    chip_read: bool = False
    in_person: bool = False

    @property
    def passed(self) -> bool:
        return True


EvidenceItem = Annotated[
    DopaCardStatusEvidence
    | FaceMatchEvidence
    | LivenessEvidence
    | ThaidLoginEvidence
    | DocumentPresentedEvidence,
    Field(discriminator="type"),
]


class Evidence(BaseModel):
    """Every check performed for one identity proofing, in the order performed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[EvidenceItem, ...] = ()

    @classmethod
    def of(cls, *items: EvidenceItem) -> Evidence:
        return cls(items=items)

    def add(self, *items: EvidenceItem) -> Evidence:
        return Evidence(items=(*self.items, *items))

    def flags(self) -> frozenset[str]:
        """The facts the IAL table is written in (see :data:`thaivc.assurance.derive.FLAGS`)."""
        flags = {"self_asserted"}
        documents: set[str] = set()
        for item in self.items:
            if isinstance(item, DopaCardStatusEvidence) and item.passed:
                flags.add("dopa_card_status_ok")
            elif isinstance(item, FaceMatchEvidence) and item.matched:
                flags.update({"face_match", "photo_compared"})
                if item.source == "dopa":
                    flags.add("face_match_dopa")
            elif isinstance(item, LivenessEvidence) and item.passed:
                flags.add("liveness")
            elif isinstance(item, ThaidLoginEvidence):
                flags.add("thaid_login")
            elif isinstance(item, DocumentPresentedEvidence):
                flags.add("evidence_presented")
                documents.add(item.document)
                if item.in_person:
                    flags.update({"in_person", "photo_compared"})
        if len(documents) >= 2:
            flags.add("multi_evidence")
        return frozenset(flags)

    def to_vc_evidence(self) -> list[dict[str, Any]]:
        """W3C VCDM 2.0 ``evidence`` entries: one JSON object per check, each with its ``type``."""
        return [item.model_dump(mode="json", exclude_none=True) for item in self.items]

    @classmethod
    def from_vc_evidence(cls, entries: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> Evidence:
        """Read ``evidence`` back from a credential.

        Unknown types or fields, or inconsistent values, raise ``assurance.evidence_invalid``.
        """
        if isinstance(entries, Mapping):
            entries = [entries]
        if not isinstance(entries, Sequence) or isinstance(entries, str | bytes):
            raise InputError("assurance.evidence_invalid", "evidence must be an object or a list of objects")
        try:
            return cls.model_validate({"items": list(entries)})
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = tuple(p for p in first["loc"][1:] if isinstance(p, str | int))
            detail = str(first["msg"])[:200]
            raise InputError("assurance.evidence_invalid", detail, loc=("evidence", *loc)) from None


def at_time(timestamp: float) -> datetime:
    """A timezone-aware UTC datetime for evidence ``at`` from an injected clock's seconds."""
    return to_datetime(timestamp)


