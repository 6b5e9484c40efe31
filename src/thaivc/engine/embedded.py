"""How one verification call treats the credentials embedded in a presentation.

By default a presentation's credentials must be about its holder (``Policy.require_holder_binding``)
and each one is verified on its own, through the same generic path as a bare credential: the
issuer signs. Some callers need more, for one call only, and say so explicitly rather than
through a differently configured copy of their verifier:

* an agency deciding whether someone may act for a company (:func:`thaivc.authorization.authorizer.authorize`)
  accepts credentials about *other* people riding along — the company's registration, the signing
  directors' ID credentials, as copies of them are attached to a paper power of attorney;
* a power of attorney is issued by the company but signed by its directors, one proof each: a
  Data Integrity *proof set* whose proofs are judged by the caller, not by "the issuer signs".

The choice is made by the caller before any input is read, applies only to credentials embedded
in a presentation (never to the top-level document), and is frozen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.errors import UsageError
from thaivc.core.report import VerificationReport

__all__ = ["DEFAULT_EMBEDDED", "EmbeddedPolicy", "ProofSetCheck"]

#: ``check(document)``: a report for an embedded Data Integrity document this checker owns, or
#: ``None`` when the document is not one of its kind (it then takes the generic path).
ProofSetCheck = Callable[[dict[str, Any]], VerificationReport | None]


@dataclass(frozen=True, slots=True)
class EmbeddedPolicy:
    """What one call accepts inside a presentation.

    ``allow_other_subjects`` lifts holder binding for the embedded credentials of this call (the
    presentation itself must still be signed by its holder). ``proof_sets`` is offered every
    embedded Data Integrity document first; it must answer ``None`` for anything it does not
    recognise, so that everything else is verified as usual.
    """

    allow_other_subjects: bool = False
    proof_sets: ProofSetCheck | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.allow_other_subjects, bool):
            raise UsageError("usage.invalid_argument", "allow_other_subjects is a bool")
        if self.proof_sets is not None and not callable(self.proof_sets):
            raise UsageError("usage.invalid_argument", "proof_sets is a callable or None")


#: The default: embedded credentials are about the holder and verified as usual.
DEFAULT_EMBEDDED: Final = EmbeddedPolicy()
