"""Assurance policy: does a claimed level, backed by its evidence, meet what the service requires?

A claimed IAL is never taken on trust: the effective level is the lower of the claim and what the
evidence supports under the configured table. A refusal names the evidence that was missing, so an
officer or a citizen can see what to do next.
"""

from __future__ import annotations

from dataclasses import dataclass

from thaivc.assurance.derive import DEFAULT_IAL_TABLE, IALTable, derive_ial
from thaivc.assurance.evidence import Evidence
from thaivc.assurance.levels import AAL, IAL
from thaivc.errors import InputError, ThaiVCError
from thaivc.report import Check, Problem

__all__ = ["AssuranceDecision", "AssurancePolicy"]


@dataclass(frozen=True, slots=True)
class AssuranceDecision:
    """The outcome of :meth:`AssurancePolicy.evaluate`. ``code`` is ``None`` exactly when ``ok``."""

    ok: bool
    code: str | None
    detail: str
    required_ial: IAL
    claimed_ial: IAL | None
    derived_ial: IAL
    effective_ial: IAL | None
    missing: tuple[str, ...] = ()
    required_aal: AAL | None = None
    aal: AAL | None = None

    def raise_for_status(self) -> None:
        if not self.ok:
            raise ThaiVCError(self.code or "assurance.too_low", self.detail)

    def to_check(self) -> Check:
        """A ``Check`` named ``assurance`` for a verification report."""
        if self.ok:
            return Check("assurance", "pass", None, self.detail)
        return Check("assurance", "fail", self.code, self.detail)

    def to_problem(self) -> Problem | None:
        return None if self.ok else Problem.of(self.code or "assurance.too_low", self.detail)


@dataclass(frozen=True)
class AssurancePolicy:
    """Minimum IAL (default 2.3, the level of NDID IdPs and ThaID) and optional minimum AAL."""

    min_ial: IAL | str | float = "2.3"
    min_aal: AAL | str | float | None = None
    table: IALTable = DEFAULT_IAL_TABLE

    def __post_init__(self) -> None:
        required = IAL.parse(self.min_ial)
        required.require_rank()
        object.__setattr__(self, "min_ial", required)
        if self.min_aal is not None:
            required_aal = AAL.parse(self.min_aal)
            required_aal.require_rank()
            object.__setattr__(self, "min_aal", required_aal)

    @property
    def required_ial(self) -> IAL:
        assert isinstance(self.min_ial, IAL)
        return self.min_ial

    @property
    def required_aal(self) -> AAL | None:
        assert self.min_aal is None or isinstance(self.min_aal, AAL)
        return self.min_aal

    def evaluate(
        self, ial: IAL | str | float, evidence: Evidence, *, aal: AAL | str | float | None = None
    ) -> AssuranceDecision:
        """Decide without raising: bad or unranked levels give ``assurance.invalid``."""
        required = self.required_ial
        derived = derive_ial(evidence, self.table)

        def decide(
            code: str | None,
            detail: str,
            claimed: IAL | None,
            effective: IAL | None,
            *,
            missing: tuple[str, ...] = (),
            aal_level: AAL | None = None,
        ) -> AssuranceDecision:
            return AssuranceDecision(
                ok=code is None,
                code=code,
                detail=detail,
                required_ial=required,
                claimed_ial=claimed,
                derived_ial=derived,
                effective_ial=effective,
                missing=missing,
                required_aal=self.required_aal,
                aal=aal_level,
            )

        try:
            claimed = IAL.parse(ial)
            claimed.require_rank()
        except InputError as exc:
            return decide("assurance.invalid", exc.detail, None, None)
        effective = min(claimed, derived)
        if effective < required:
            missing = self.table.missing_for(required, evidence.flags())
            detail = f"IAL{required} required; claimed IAL{claimed}, evidence supports IAL{derived}"
            if missing:
                detail += f"; missing evidence: {', '.join(missing)}"
            return decide("assurance.too_low", detail, claimed, effective, missing=missing)
        aal_level: AAL | None = None
        if aal is not None:
            try:
                aal_level = AAL.parse(aal)
                if self.required_aal is not None:
                    aal_level.require_rank()
            except InputError as exc:
                return decide("assurance.invalid", exc.detail, claimed, effective)
        if self.required_aal is not None:
            if aal_level is None:
                detail = f"AAL{self.required_aal} required; no AAL given"
                return decide("assurance.too_low", detail, claimed, effective, missing=("aal",))
            if aal_level < self.required_aal:
                detail = f"AAL{self.required_aal} required; got AAL{aal_level}"
                return decide(
                    "assurance.too_low", detail, claimed, effective, missing=("aal",), aal_level=aal_level
                )
        return decide(None, f"IAL{effective} meets IAL{required}", claimed, effective, aal_level=aal_level)
