"""Laser codes and Buddhist-Era dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core.errors import InputError
from thaivc.thai import (
    OldNewYearRule,
    is_valid_laser_code,
    normalize_laser_code,
    parse_be_date,
    to_be_date,
)


@pytest.mark.parametrize("s", ["JT1234567890", "JT1-2345678-90", "ME0123456789", "AA0-0000000-00"])
def test_valid_laser_codes(s: str) -> None:
    assert is_valid_laser_code(s)


@pytest.mark.parametrize(
    "s",
    [
        "jt1234567890",  # lower case
        "JT123456789",  # 9 digits
        "JT12345678901",
        "J11234567890",
        "JTT234567890",
        "JT1-234567-890",  # wrong grouping
        "JT1 2345678 90",
        "JT๑๒๓๔๕๖๗๘๙๐",  # Thai digits
        "ＪＴ1234567890",  # full-width letters
        "JT1234567890\n",
        "",
        None,
    ],
)
def test_invalid_laser_codes(s: object) -> None:
    assert not is_valid_laser_code(s)


@pytest.mark.parametrize(
    "typed", ["JT1-2345678-90", "jt1-2345678-90", "JT1 2345678 90", "JT๑๒๓๔๕๖๗๘๙๐", " JT1234567890 "]
)
def test_normalize_laser_code(typed: str) -> None:
    assert normalize_laser_code(typed) == "JT1234567890"


@pytest.mark.parametrize("typed", ["JT12345", "1234567890JT", "ＪＴ1234567890", "JT1234567890X", "กข1234567890"])
def test_normalize_laser_code_refuses(typed: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_laser_code(typed)
    assert info.value.code == "thai.laser_invalid"


# -- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "iso", "precision", "ymd"),
    [
        ("25380812", "1995-08-12", "day", (1995, 8, 12)),
        ("25380800", "1995-08", "month", (1995, 8, None)),
        ("25380000", "1995", "year", (1995, None, None)),
        ("25430229", "2000-02-29", "day", (2000, 2, 29)),
        ("25620829", "2019-08-29", "day", (2019, 8, 29)),
        ("24830401", "1940-04-01", "day", (1940, 4, 1)),
        ("24840101", "1941-01-01", "day", (1941, 1, 1)),
    ],
)
def test_parse_be_date(raw: str, iso: str, precision: str, ymd: tuple[int, int | None, int | None]) -> None:
    d = parse_be_date(raw)
    assert d.iso() == iso and d.precision == precision and d.raw == raw
    assert (d.year, d.month, d.day) == ymd
    assert d.be_year == int(raw[:4])


def test_pre_2484_january_to_march_uses_offset_542() -> None:
    d = parse_be_date("24820215")
    assert d.iso() == "1940-02-15"  # the Thai year 2482 ran April 1939 to March 1940
    assert parse_be_date("24820415").iso() == "1939-04-15"
    assert parse_be_date("24820215", rule=None).iso() == "1939-02-15"
    shifted = OldNewYearRule(before_be_year=2400)
    assert parse_be_date("24820215", rule=shifted).iso() == "1939-02-15"


def test_year_only_old_dates_use_543() -> None:
    assert parse_be_date("24800000").iso() == "1937"


@pytest.mark.parametrize(
    "raw",
    [
        "25380230",  # no 30 February
        "25420229",  # 1999 is not a leap year
        "25381301",
        "25380032",  # day without month
        "25380001",
        "19950812",  # a CE date sent as BE
        "00000000",
        "2538081",
        "253808120",
        "2538-08-12",
        "๒๕๓๘๐๘๑๒",
        " 25380812",
        "",
    ],
)
def test_invalid_dates(raw: str) -> None:
    with pytest.raises(InputError) as info:
        parse_be_date(raw)
    assert info.value.code == "thai.date_invalid"


def test_partial_date_has_no_calendar_date() -> None:
    with pytest.raises(InputError):
        parse_be_date("25380000").to_date()
    assert parse_be_date("25380812").to_date() == date(1995, 8, 12)


@pytest.mark.parametrize(
    ("ce", "raw"),
    [(date(1995, 8, 12), "25380812"), (date(1940, 2, 15), "24820215"), (date(1941, 2, 15), "24840215"),
     (date(1939, 12, 31), "24821231")],
)
def test_to_be_date(ce: date, raw: str) -> None:
    be = to_be_date(ce)
    assert be.raw == raw and be.precision == "day" and str(be) == raw


@settings(deadline=None)  # no timing assertions in unit tests
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2400, 12, 31)))
def test_round_trip(d: date) -> None:
    assert parse_be_date(to_be_date(d).raw).to_date() == d
