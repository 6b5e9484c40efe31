"""Issuer-JWT time claims (``exp``, ``nbf``, ``iat``) against an injected clock (security.md case 20)."""

from __future__ import annotations

import math
from typing import Any, Final

from thaivc.errors import InputError

__all__ = ["check_jwt_times"]

#: 9999-12-31T23:59:59Z: beyond it a NumericDate is not a plausible time.
_MAX_NUMERIC_DATE: Final = 253_402_300_799


def _numeric_date(payload: dict[str, Any], name: str) -> float | None:
    if name not in payload:
        return None
    value = payload[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
        or value > _MAX_NUMERIC_DATE
    ):
        raise InputError("claims.malformed", f"{name} is not a NumericDate")
    return float(value)


def check_jwt_times(payload: dict[str, Any], *, now: float, leeway: int) -> None:
    """Expired → ``time.expired``; ``nbf``/``iat`` beyond ``now + leeway`` → ``time.not_yet_valid``.

    Only JSON numbers are NumericDates: strings, booleans, negatives and years past 9999 are
    ``claims.malformed`` (an ``exp`` that compares oddly must never extend validity).
    """
    exp = _numeric_date(payload, "exp")
    nbf = _numeric_date(payload, "nbf")
    iat = _numeric_date(payload, "iat")
    if exp is not None and exp <= now - leeway:
        raise InputError("time.expired", "the SD-JWT has expired")
    if nbf is not None and nbf > now + leeway:
        raise InputError("time.not_yet_valid", "the SD-JWT is not valid yet (nbf)")
    if iat is not None and iat > now + leeway:
        raise InputError("time.not_yet_valid", "the SD-JWT is issued in the future (iat)")
