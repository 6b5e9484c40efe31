"""Buddhist-Era dates as the Thai registries send them (``YYYYMMDD``, BE, unknown parts ``0``).

DOPA ``BEBirthDate``, DBD ``RegisterDate`` and the card chip all carry BE dates, some of them
partial (``25380000`` = year only). Credentials carry ISO 8601 in the Common Era, so a
:class:`BEDate` keeps the raw string and its precision and renders ``1995``, ``1995-08`` or
``1995-08-12``.

Before 1 January 1941 (BE 2484) the Thai year began on 1 April, so January–March of an old BE year
belongs to the *next* Common-Era year (offset 542, not 543). docs/thai.md marks that rule ⚠️, so it is
an :class:`OldNewYearRule` value passed in, and ``None`` switches it off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from thaivc.core.errors import InputError

__all__ = [
    "BE_OFFSET",
    "DEFAULT_OLD_NEW_YEAR_RULE",
    "BEDate",
    "OldNewYearRule",
    "Precision",
    "parse_be_date",
    "to_be_date",
]

BE_OFFSET: Final = 543
Precision = Literal["day", "month", "year"]

_EIGHT: Final = re.compile(r"[0-9]{8}", re.ASCII)


@dataclass(frozen=True, slots=True)
class OldNewYearRule:
    """BE years before ``before_be_year`` began in April: months ``months`` use ``offset``."""

    before_be_year: int = 2484
    months: tuple[int, ...] = (1, 2, 3)
    offset: int = 542


DEFAULT_OLD_NEW_YEAR_RULE: Final = OldNewYearRule()


@dataclass(frozen=True, slots=True)
class BEDate:
    """A possibly partial date. ``year`` is the Common-Era year; ``be_year`` the Buddhist-Era one."""

    year: int
    month: int | None
    day: int | None
    precision: Precision
    #: the 8-digit BE string as received (or as produced by :func:`to_be_date`)
    raw: str
    be_year: int

    def iso(self) -> str:
        """ISO 8601 at the date's precision: ``1995``, ``1995-08`` or ``1995-08-12``."""
        if self.precision == "year":
            return f"{self.year:04d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def to_date(self) -> date:
        """The full calendar date; ``thai.date_invalid`` if the date is partial."""
        if self.month is None or self.day is None:
            raise InputError("thai.date_invalid", f"{self.raw!r} is only {self.precision}-precise")
        return date(self.year, self.month, self.day)

    def __str__(self) -> str:
        return self.raw


def _ce_year(be_year: int, month: int | None, rule: OldNewYearRule | None) -> int:
    if rule is not None and month is not None and be_year < rule.before_be_year and month in rule.months:
        return be_year - rule.offset
    return be_year - BE_OFFSET


def parse_be_date(
    s: str,
    *,
    rule: OldNewYearRule | None = DEFAULT_OLD_NEW_YEAR_RULE,
    min_be_year: int = 2300,
    max_be_year: int = 2999,
) -> BEDate:
    """Parse ``YYYYMMDD`` in the Buddhist Era; ``0`` month/day mean "unknown".

    The year window (BE 2300–2999 by default) also catches a Common-Era date sent by mistake
    (``19950812`` would be BE 1995). A day without a month, a non-existent day, Thai digits or any
    other shape raises ``thai.date_invalid``.
    """
    if not isinstance(s, str) or not _EIGHT.fullmatch(s):
        raise InputError("thai.date_invalid", "a BE date is exactly 8 ASCII digits YYYYMMDD")
    be_year, month, day = int(s[:4]), int(s[4:6]), int(s[6:8])
    if not min_be_year <= be_year <= max_be_year:
        raise InputError("thai.date_invalid", f"BE year {be_year} outside {min_be_year}-{max_be_year}")
    if month == 0:
        if day != 0:
            raise InputError("thai.date_invalid", "a day without a month")
        return BEDate(_ce_year(be_year, None, rule), None, None, "year", s, be_year)
    if not 1 <= month <= 12:
        raise InputError("thai.date_invalid", f"month {month} out of range")
    year = _ce_year(be_year, month, rule)
    if day == 0:
        return BEDate(year, month, None, "month", s, be_year)
    try:
        date(year, month, day)
    except ValueError:
        raise InputError("thai.date_invalid", f"{s!r} is not a calendar date") from None
    return BEDate(year, month, day, "day", s, be_year)


def to_be_date(d: date, *, rule: OldNewYearRule | None = DEFAULT_OLD_NEW_YEAR_RULE) -> BEDate:
    """The BE form of a Common-Era date (``raw`` is the ``YYYYMMDD`` string DOPA expects)."""
    offset = BE_OFFSET
    # The switch happened on 1 January of CE year ``before_be_year - 543`` (1941).
    if rule is not None and d.month in rule.months and d.year < rule.before_be_year - BE_OFFSET:
        offset = rule.offset
    be_year = d.year + offset
    raw = f"{be_year:04d}{d.month:02d}{d.day:02d}"
    return BEDate(d.year, d.month, d.day, "day", raw, be_year)
