"""XSD ``dateTimeStamp`` parsing for ``validFrom``/``validUntil`` (VCDM 2.0 §Representing Time).

Why not ``datetime.fromisoformat`` alone: it accepts far more than XSD (a space instead of ``T``,
week dates, the basic format ``20240101T000000Z``, hour-only times and offsets), and a hand-written
expression with Python's ``\\d`` would match Thai digits (``๒๐๒๕``). The shape is therefore
checked first by an ASCII-only expression that also refuses ``T24:00:00``, leap seconds and
out-of-range offsets; ``fromisoformat`` (implemented in C) then does the calendar check, so
``2024-02-30`` is refused, at a cost of well under a microsecond.

A value with no offset is read as UTC and reported with a warning: naive and aware datetimes are
never mixed (docs/security.md group D).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final

from typing_extensions import deprecated

from thaivc.core.errors import InputError

__all__ = ["DEFAULT_MAX_YEAR", "parse_datetime_stamp", "require_plausible_year"]

#: A year beyond this is far more likely a Buddhist-Era year (CE + 543) than a real horizon.
DEFAULT_MAX_YEAR: Final = 2200

_STAMP: Final = re.compile(
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,12})?"
    r"(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?",
    re.ASCII,
)


def parse_datetime_stamp(value: object, *, field: str = "dateTime") -> tuple[datetime, list[str]]:
    """Parse an XSD dateTimeStamp into an aware UTC ``datetime`` plus warnings.

    Raises ``InputError("vc.datetime_invalid")`` for anything that is not a string of the exact
    XSD shape or not a real calendar instant. A Buddhist-Era year parses (it is a well-formed
    year); refusing it is a policy decision made by :func:`require_plausible_year`.
    """
    if not isinstance(value, str):
        raise InputError("vc.datetime_invalid", f"{field} must be a string", loc=(field,))
    match = _STAMP.fullmatch(value)
    if match is None:
        raise InputError("vc.datetime_invalid", f"{field} is not an XSD dateTimeStamp", loc=(field,))
    try:
        parsed = datetime.fromisoformat(value)
        if value[-1] == "Z":  # the common form: already aware UTC, nothing to convert
            return parsed, []
        if match.group(1) is None:
            return parsed.replace(tzinfo=UTC), [f"{field} has no UTC offset; read as UTC"]
        return parsed.astimezone(UTC), []
    except (ValueError, OverflowError):
        raise InputError(
            "vc.datetime_invalid", f"{field} is not a real calendar instant", loc=(field,)
        ) from None


def require_plausible_year(dt: datetime, *, max_year: int = DEFAULT_MAX_YEAR, field: str = "dateTime") -> None:
    """Refuse a year past ``max_year`` with ``time.implausible_year``.

    Thai systems often write Buddhist-Era years (2568 = 2025 CE); such a date is syntactically
    valid, so the parser accepts it and this policy check catches the mix-up.
    """
    if dt.year > max_year:
        raise InputError(
            "time.implausible_year",
            f"{field} year {dt.year} is past {max_year} (a Buddhist-Era year?)",
            loc=(field,),
        )


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_plausible_year is now require_plausible_year (docs/architecture.md, Verbs)")
def check_plausible_year(dt: datetime, *, max_year: int = DEFAULT_MAX_YEAR, field: str = "dateTime") -> None:
    """Deprecated: the old name of :func:`require_plausible_year`, which raises on what it refuses."""
    require_plausible_year(dt, max_year=max_year, field=field)
