"""A minimal, strict XSD ``dateTimeStamp`` reader for ``validUntil`` (private).

The full date-time model belongs to ``thaivc.model``; the JOSE layer only needs one instant to
compute an effective expiry, so this reader accepts exactly ``YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)``
with ASCII digits (``\\d`` would admit Thai digits), an upper-case ``T`` and ``Z``, a mandatory
offset, and real calendar values (no February 30, no hour 24).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

from thaivc.core.errors import InputError

__all__ = ["parse_datetime_stamp"]

_STAMP: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,12}))?"
    r"(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)


def parse_datetime_stamp(value: object, *, loc: tuple[str | int, ...] = ()) -> float:
    """Return the instant as seconds since the epoch; raise ``vc.datetime_invalid`` otherwise."""
    if not isinstance(value, str):
        raise InputError("vc.datetime_invalid", "a date-time must be a string", loc=loc)
    m = _STAMP.fullmatch(value)
    if m is None:
        raise InputError("vc.datetime_invalid", f"{value[:40]!r} is not an XSD dateTimeStamp", loc=loc)
    year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
    fraction = m.group(7) or ""
    micro = int((fraction + "000000")[:6])
    if m.group(8):
        tz = UTC
    else:
        off_h, off_m = int(m.group(10)), int(m.group(11))
        if off_h > 14 or off_m > 59 or (off_h == 14 and off_m != 0):
            raise InputError("vc.datetime_invalid", f"{value[:40]!r} has an impossible offset", loc=loc)
        delta = timedelta(hours=off_h, minutes=off_m)
        tz = timezone(-delta if m.group(9) == "-" else delta)
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz).timestamp()
    except (ValueError, OverflowError):
        raise InputError("vc.datetime_invalid", f"{value[:40]!r} is not a real date-time", loc=loc) from None
