"""The verification report: every check, in order, with its own outcome.

A report answers three ways: ``verified``, ``failed`` or ``indeterminate``. It lists each check that
ran (``parse``, ``typ``, ``alg``, ``key``, ``signature``, ``time``, ``status``, …) so an expiry
cannot hide a forgery (docs/architecture.md, the verify pipeline), and it exposes the verified document only when every
required check passed.

Reports are frozen slotted dataclasses rather than pydantic models: they are built on the verify
hot path, where a pydantic model per check would cost more than the rest of the JOSE overhead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from thaivc.core import fastpath
from thaivc.core.errors import DOCS_BASE, Indeterminate, ThaiVCError, problem_type_for

__all__ = ["Check", "CheckStatus", "Problem", "ReportBuilder", "ReportStatus", "VerificationReport"]

CheckStatus = Literal["pass", "fail", "skip", "indeterminate"]
ReportStatus = Literal["verified", "failed", "indeterminate"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem, exportable as RFC 9457 problem details."""

    code: str
    detail: str
    type: str | None = None
    loc: tuple[str | int, ...] = ()

    @classmethod
    def of(cls, code: str, detail: str = "", loc: tuple[str | int, ...] = ()) -> Problem:
        return cls(code=code, detail=detail, type=problem_type_for(code), loc=loc)

    @classmethod
    def from_error(cls, err: ThaiVCError) -> Problem:
        return cls(code=err.code, detail=err.detail, type=err.problem_type, loc=err.loc)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "type": self.type or (DOCS_BASE + self.code.replace(".", "-")),
            "title": self.code,
            "detail": self.detail,
        }
        if self.loc:
            out["loc"] = list(self.loc)
        return out


@dataclass(frozen=True, slots=True)
class Check:
    """One step of verification. ``code`` is set when the step did not pass."""

    name: str
    status: CheckStatus
    code: str | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "status": self.status}
        if self.code:
            out["code"] = self.code
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """The verdict with its evidence. ``document`` is present only when ``status == "verified"``."""

    status: ReportStatus
    checks: tuple[Check, ...]
    problems: tuple[Problem, ...]
    format: str | None = None
    document: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()
    children: tuple[VerificationReport, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "verified"

    @property
    def codes(self) -> list[str]:
        """This report's own problem codes (a presentation's: ``vp.credential_invalid``, not why)."""
        return [p.code for p in self.problems]

    @property
    def all_codes(self) -> list[str]:
        """Every problem code, this report's first, then each credential's inside it, depth first.

        A presentation refused because its credential is revoked says ``vp.credential_invalid``
        *and* ``status.revoked`` here; each code appears once, in the order first met.
        """
        seen: dict[str, None] = dict.fromkeys(self.codes)
        for child in self.children:
            seen.update(dict.fromkeys(child.all_codes))
        return list(seen)

    def for_type(self, credential_type: str) -> VerificationReport | None:
        """The first report, this one or a credential's inside it, whose credential has that type.

        Types are read from the verified document, so only a verified credential is found by its
        type; a refused one is found through :attr:`children` and :attr:`all_codes`.
        """
        types = (self.document or {}).get("type")
        if types == credential_type or (isinstance(types, list) and credential_type in types):
            return self
        for child in self.children:
            found = child.for_type(credential_type)
            if found is not None:
                return found
        return None

    def check(self, name: str) -> Check | None:
        """The first check named ``name``, if it ran."""
        for c in self.checks:
            if c.name == name:
                return c
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "status": self.status,
            "format": self.format,
            "checks": [c.to_json() for c in self.checks],
            "problems": [p.to_json() for p in self.problems],
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.children:
            out["credentials"] = [c.to_json() for c in self.children]
        if self.details:
            out["details"] = self.details
        if self.document is not None:
            out["document"] = self.document
        return out


#: Passed and skipped checks are immutable and mostly identical from one report to the next
#: ("parse", "signature", "status: no status entry", ...): they are shared instead of rebuilt.
_SHARED_CHECKS: dict[tuple[str, CheckStatus, str], Check] = {}
_MAX_SHARED_CHECKS = 1024
fastpath.register("core.report shared checks", "~5 µs per 10-check report", _SHARED_CHECKS.clear)


def _shared_check(name: str, status: CheckStatus, detail: str) -> Check:
    key = (name, status, detail)
    check = _SHARED_CHECKS.get(key)
    if check is None:
        check = Check(name, status, None, detail)
        if len(_SHARED_CHECKS) < _MAX_SHARED_CHECKS and fastpath.ON[0]:  # bounded: details such as a kid vary
            _SHARED_CHECKS[key] = check
    return check


class ReportBuilder:
    """Accumulates checks; decides the verdict. Failure beats indeterminate beats verified."""

    __slots__ = ("_checks", "_children", "_failed", "_problems", "_undecided", "_warnings", "details", "format")

    def __init__(self, fmt: str | None = None) -> None:
        self._checks: list[Check] = []
        self._problems: list[Problem] = []
        self._warnings: list[str] = []
        self._children: list[VerificationReport] = []
        # kept as flags so that build() need not scan the checks it just recorded
        self._failed = False
        self._undecided = False
        self.format = fmt
        self.details: dict[str, Any] = {}

    @property
    def failed(self) -> bool:
        return self._failed

    @property
    def undecided(self) -> bool:
        return self._undecided

    def ok(self, name: str, detail: str = "") -> None:
        # the shared table is read inline: ten of these per report (empty while fast paths are off)
        check = _SHARED_CHECKS.get((name, "pass", detail))
        self._checks.append(check if check is not None else _shared_check(name, "pass", detail))

    def skip(self, name: str, detail: str = "") -> None:
        check = _SHARED_CHECKS.get((name, "skip", detail))
        self._checks.append(check if check is not None else _shared_check(name, "skip", detail))

    def fail(self, name: str, code: str, detail: str = "", loc: tuple[str | int, ...] = ()) -> None:
        problem = Problem.of(code, detail, loc)
        self._checks.append(Check(name, "fail", code, problem.detail))
        self._problems.append(problem)
        self._failed = True

    def undecidable(self, name: str, code: str, detail: str = "") -> None:
        problem = Problem.of(code, detail)
        self._checks.append(Check(name, "indeterminate", code, problem.detail))
        self._problems.append(problem)
        self._undecided = True

    def error(self, name: str, err: ThaiVCError) -> None:
        """Record a raised error as a failed (or indeterminate) check."""
        if isinstance(err, Indeterminate):
            self.undecidable(name, err.code, err.detail)
        else:
            self.fail(name, err.code, err.detail, err.loc)

    def warn(self, message: str) -> None:
        self._warnings.append(message)

    def child(self, report: VerificationReport) -> None:
        self._children.append(report)

    def extend_problems(self, problems: Iterable[Problem]) -> None:
        self._problems.extend(problems)

    def build(self, document: dict[str, Any] | None = None) -> VerificationReport:
        if self._failed or (not self._checks):
            status: ReportStatus = "failed"
        elif self._undecided:
            status = "indeterminate"
        else:
            status = "verified"
        if not self._checks:
            self._problems.append(Problem.of("internal.error", "no check ran"))
        return VerificationReport(
            status=status,
            checks=tuple(self._checks),
            problems=tuple(self._problems),
            format=self.format,
            document=document if status == "verified" else None,
            warnings=tuple(self._warnings),
            children=tuple(self._children),
            details=self.details,
        )
