"""JWT claim checks for VC-JOSE: time claims, VC/VP binding claims, effective expiry.

Time is always injected (``now=``), never read from the machine, so boundaries are testable to the
second. Claim values are type-checked before they are compared: ``exp: "1700000000"`` or
``exp: true`` compare oddly in Python and must be refused, not coerced (docs/security.md group D).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, Literal

from typing_extensions import deprecated

from thaivc.core.clock import DEFAULT_LEEWAY
from thaivc.core.errors import InputError, UsageError
from thaivc.jose._datetime import parse_datetime_stamp

__all__ = ["MAX_NUMERIC_DATE", "effective_expiry", "require_jwt_times", "require_vc_jwt_claims"]

#: 9999-12-31T23:59:59Z: the last instant an XSD/RFC 3339 four-digit year can name.
MAX_NUMERIC_DATE: Final = 253402300799


def _numeric_date(payload: Mapping[str, Any], name: str) -> float | None:
    """Return a NumericDate claim or ``None`` if absent; refuse anything but a sane JSON number."""
    if name not in payload:
        return None
    value = payload[name]
    if value.__class__ is int and 0 <= value <= MAX_NUMERIC_DATE:  # the usual spelling: one test
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("claims.malformed", f"{name} must be a JSON number", loc=(name,))
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError("claims.malformed", f"{name} must be finite", loc=(name,))
    if value < 0 or value > MAX_NUMERIC_DATE:
        raise InputError("claims.malformed", f"{name} is outside 1970…9999", loc=(name,))
    return float(value)


def require_jwt_times(payload: Mapping[str, Any], *, now: float, leeway: int = DEFAULT_LEEWAY) -> None:
    """Check ``exp``/``nbf``/``iat`` (RFC 7519 §4.1.4–4.1.6) against ``now`` with ``leeway`` seconds.

    Expired means ``exp ≤ now − leeway``; not yet valid means ``nbf`` or ``iat`` ``> now + leeway``.
    Every claim is type-checked before any is compared, so a malformed claim is never hidden
    behind a time verdict.
    """
    if isinstance(leeway, bool) or not isinstance(leeway, int) or not 0 <= leeway <= DEFAULT_LEEWAY:
        raise UsageError("usage.invalid_argument", f"leeway must be an int in [0, {DEFAULT_LEEWAY}]")
    if not math.isfinite(now):
        raise UsageError("usage.invalid_argument", "now must be a finite timestamp")
    # each claim type-checked before any is compared (in this order: exp, nbf, iat)
    exp, nbf, iat = _numeric_date(payload, "exp"), _numeric_date(payload, "nbf"), _numeric_date(payload, "iat")
    if exp is not None and exp <= now - leeway:
        raise InputError("time.expired", "exp is in the past", loc=("exp",))
    if nbf is not None and nbf > now + leeway:
        raise InputError("time.not_yet_valid", "nbf is in the future", loc=("nbf",))
    if iat is not None and iat > now + leeway:
        raise InputError("time.not_yet_valid", "iat is in the future", loc=("iat",))


def _id_of(value: object) -> object:
    """``issuer``/``holder`` may be a URL string or an object with ``id``."""
    if isinstance(value, Mapping):
        return value.get("id")
    return value


def require_vc_jwt_claims(payload: Mapping[str, Any], *, kind: Literal["credential", "presentation"]) -> None:
    """Refuse VC 1.1 ``vc``/``vp`` claims and any ``iss`` that is not exactly the issuer/holder.

    The comparison is exact string equality (no prefix, case or normalisation tricks:
    CVE-2024-53861). A present ``iss`` with no ``issuer``/``holder`` to match is a mismatch.
    """
    if kind not in ("credential", "presentation"):
        raise UsageError("usage.invalid_argument", "kind must be 'credential' or 'presentation'")
    for legacy in ("vc", "vp"):
        if legacy in payload:
            raise InputError(
                "vc.legacy_jwt_claims", f"VC 1.1 {legacy!r} claim in a VCDM 2.0 JWT", loc=(legacy,)
            )
    if "iss" not in payload:
        return
    iss = payload["iss"]
    if not isinstance(iss, str):
        raise InputError("claims.malformed", "iss must be a string", loc=("iss",))
    if kind == "credential":
        if _id_of(payload.get("issuer")) != iss:
            raise InputError("vc.issuer_mismatch", "iss is not the credential's issuer", loc=("iss",))
    elif _id_of(payload.get("holder")) != iss:
        raise InputError("vp.holder_mismatch", "iss is not the presentation's holder", loc=("iss",))


def effective_expiry(payload: Mapping[str, Any]) -> float | None:
    """The earlier of ``exp`` (signature) and ``validUntil`` (data), or ``None`` if neither is set.

    VC-JOSE-COSE gives the two claims different meanings; a verifier must honour both, so the
    effective expiry is their minimum (docs/security.md group D).
    """
    exp = _numeric_date(payload, "exp")
    until = (
        parse_datetime_stamp(payload["validUntil"], loc=("validUntil",)) if "validUntil" in payload else None
    )
    candidates = [t for t in (exp, until) if t is not None]
    return min(candidates) if candidates else None


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_jwt_times is now require_jwt_times (docs/architecture.md, Verbs)")
def check_jwt_times(payload: Mapping[str, Any], *, now: float, leeway: int = DEFAULT_LEEWAY) -> None:
    """Deprecated: the old name of :func:`require_jwt_times`, which raises on what it refuses."""
    require_jwt_times(payload, now=now, leeway=leeway)


@deprecated("check_vc_jwt_claims is now require_vc_jwt_claims (docs/architecture.md, Verbs)")
def check_vc_jwt_claims(payload: Mapping[str, Any], *, kind: Literal["credential", "presentation"]) -> None:
    """Deprecated: the old name of :func:`require_vc_jwt_claims`, which raises on what it refuses."""
    require_vc_jwt_claims(payload, kind=kind)
