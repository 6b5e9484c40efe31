"""Assurance policy: does a claimed level, backed by its evidence, meet what the service requires?

A claimed IAL is never taken on trust: the effective level is the lower of the claim and what the
evidence supports under the configured table. A refusal names the evidence that was missing, so an
officer or a citizen can see what to do next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from thaivc.assurance.derive import DEFAULT_IAL_TABLE, IALTable, derive_ial
from thaivc.assurance.evidence import Evidence
from thaivc.assurance.levels import AAL, IAL
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.core.report import Check, Problem

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
    """Minimum IAL (default 2.3, the level of NDID IdPs and ThaID) and optional minimum AAL.

    Given to a verifier (``Verifier(assurance=AssurancePolicy(min_ial="2.3"))``), it is enforced by
    ``check()`` on every credential, exactly as ``authorize`` enforces it on the people acting: the
    claimed IAL counts only as far as the credential's own ``evidence`` supports it. ``types`` limits
    it to credentials of those types (default: every credential); ``per_type`` sets a different
    minimum for a type (the strictest of a credential's types applies).
    """

    min_ial: IAL | str | float = "2.3"
    min_aal: AAL | str | float | None = None
    table: IALTable = DEFAULT_IAL_TABLE
    types: frozenset[str] | None = None
    per_type: Mapping[str, IAL | str | float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        required = IAL.parse(self.min_ial)
        required.require_rank()
        object.__setattr__(self, "min_ial", required)
        levels: dict[str, IAL] = {}
        for name, level in dict(self.per_type).items():
            parsed = IAL.parse(level)
            parsed.require_rank()
            levels[name] = parsed
        object.__setattr__(self, "per_type", levels)
        if self.types is not None:
            object.__setattr__(self, "types", frozenset(self.types))
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

    def for_credential(self, credential: Mapping[str, Any]) -> AssurancePolicy | None:
        """This policy as it applies to ``credential`` (its type's level), or None if it does not."""
        raw = credential.get("type")
        types = {raw} if isinstance(raw, str) else {t for t in raw if isinstance(t, str)} if isinstance(
            raw, list) else set()
        if self.types is not None and not types & (self.types | self.per_type.keys()):
            return None
        levels = [level for name, level in self.per_type.items() if name in types if isinstance(level, IAL)]
        if not levels:
            return self
        return AssurancePolicy(min_ial=max([self.required_ial, *levels]), min_aal=self.min_aal, table=self.table)

    def check_credential(self, credential: Mapping[str, Any]) -> tuple[str | None, str] | None:
        """Judge a verified credential's subject: its ``ial``/``aal`` claims against its ``evidence``.

        A credential this policy covers that claims no IAL is ``assurance.too_low``; malformed
        evidence is ``assurance.evidence_invalid``. Returns ``None`` for a credential it does not cover.
        """
        policy = self.for_credential(credential)
        if policy is None:
            return None
        subject = credential.get("credentialSubject")
        subject = subject if isinstance(subject, Mapping) else {}
        level = subject.get("ial")
        if not isinstance(level, str | int | float) or isinstance(level, bool):
            return "assurance.too_low", f"IAL{policy.required_ial} required; the credential claims no IAL"
        evidence = Evidence.from_vc_evidence(credential.get("evidence") or [])
        aal = subject.get("aal")
        decision = policy.evaluate(level, evidence, aal=aal if isinstance(aal, str | int | float) else None)
        return decision.code, decision.detail

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
