"""XSD ``dateTimeStamp`` reading and writing for list credentials' ``validFrom``/``validUntil``.

Only the lexical form the VC data model allows is read: ASCII digits, a ``T``, seconds, optional
fraction and a mandatory zone (``Z`` or ``±hh:mm``). ``datetime.fromisoformat`` alone would also
take week dates, missing zones and non-ASCII digits.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from thaivc.core.clock import to_datetime
from thaivc.core.errors import InputError

__all__ = ["format_timestamp", "parse_timestamp"]

_DATETIME_RE: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})", re.ASCII
)


def parse_timestamp(value: object, *, code: str = "status.verification") -> float:
    """Seconds since the epoch for an XSD ``dateTimeStamp``; ``InputError(code)`` otherwise."""
    if not isinstance(value, str) or _DATETIME_RE.fullmatch(value) is None:
        raise InputError(code, "not an XSD dateTimeStamp")
    text = value.replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:  # fromisoformat takes at most 6 fractional digits
        digits = rest[: len(rest) - 6]
        text = f"{head}.{(digits + '000000')[:6]}{rest[-6:]}"
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise InputError(code, "not a valid date-time") from None


def format_timestamp(timestamp: float) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (whole seconds, UTC)."""
    return to_datetime(int(timestamp)).strftime("%Y-%m-%dT%H:%M:%SZ")
