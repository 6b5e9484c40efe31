"""SD-JWT verification as a :class:`~thaivc.core.report.VerificationReport` (never raises on bad input).

:func:`verify_sd_jwt` stops at the first failure and raises; agency backends and the ``Verifier``
facade want a report instead. The report names the step that failed (from the code's area) and,
on success, lists every step with the disclosed pointers in ``details``.
"""

from __future__ import annotations

from typing import Any, Final

from thaivc.core.errors import ThaiVCError
from thaivc.core.report import ReportBuilder, VerificationReport

from ._verify import SdJwtResult, verify_sd_jwt

__all__ = ["check_sd_jwt"]

_STEPS: Final = ("parse", "signature", "time", "disclosures", "required_claims", "key_binding")

_STEP_OF_CODE: Final = {
    "crypto.bad_signature": "signature",
    "jose.alg_key_mismatch": "signature",
    "crypto.unsupported": "signature",
    "sdjwt.disclosure_unreferenced": "disclosures",
    "sdjwt.duplicate_digest": "disclosures",
    "sdjwt.disclosure_malformed": "disclosures",
    "sdjwt.hash_alg_not_allowed": "disclosures",
    "sdjwt.required_claim_missing": "required_claims",
    "sdjwt.kb_required": "key_binding",
    "sdjwt.kb_invalid": "key_binding",
    "sdjwt.kb_replay": "key_binding",
    "sdjwt.sd_hash_mismatch": "key_binding",
}
_STEP_OF_AREA: Final = {"time": "time", "claims": "time", "trust": "key", "did": "key", "key": "key"}


def _step(code: str) -> str:
    return _STEP_OF_CODE.get(code) or _STEP_OF_AREA.get(code.split(".", 1)[0], "parse")


def check_sd_jwt(presentation: str | bytes, **kwargs: Any) -> VerificationReport:
    """Run :func:`verify_sd_jwt` with ``kwargs`` and return a report; ``document`` only when verified."""
    builder = ReportBuilder("dc+sd-jwt")
    try:
        result: SdJwtResult = verify_sd_jwt(presentation, **kwargs)
    except ThaiVCError as err:
        builder.error(_step(err.code), err)
        return builder.build()
    except Exception as exc:
        builder.fail("internal", "internal.error", f"{type(exc).__name__} while verifying an SD-JWT")
        return builder.build()
    for step in _STEPS[:-1]:
        builder.ok(step)
    if result.kb_payload is not None:
        builder.ok("key_binding")
    else:
        builder.skip("key_binding", "no key-binding JWT (not required by the caller's policy)")
    builder.details["disclosed"] = list(result.disclosed)
    builder.details["typ"] = result.header.get("typ")
    return builder.build(result.payload)
