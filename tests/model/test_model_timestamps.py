"""XSD dateTimeStamp parsing (docs/security.md group D, case 22) and the Buddhist-Era plausibility policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from thaivc.core.errors import InputError
from thaivc.model import DEFAULT_MAX_YEAR, parse_datetime_stamp, require_plausible_year


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-01T00:00:00Z", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2023-02-26T01:02:58.447Z", datetime(2023, 2, 26, 1, 2, 58, 447000, tzinfo=UTC)),
        ("2023-02-25T19:10:39-06:00", datetime(2023, 2, 26, 1, 10, 39, tzinfo=UTC)),
        ("2025-01-01T07:00:00+07:00", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2024-02-29T12:00:00Z", datetime(2024, 2, 29, 12, tzinfo=UTC)),
        ("2025-01-01T00:00:00+14:00", datetime(2024, 12, 31, 10, tzinfo=UTC)),
        ("4023-02-26T01:02:58.447Z", datetime(4023, 2, 26, 1, 2, 58, 447000, tzinfo=UTC)),
        ("2025-01-01T00:00:00.1234567Z", datetime(2025, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_valid_stamps_become_aware_utc(value: str, expected: datetime) -> None:
    parsed, warnings = parse_datetime_stamp(value)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)
    assert warnings == []


@pytest.mark.parametrize(
    "value",
    [
        "2024-02-30T00:00:00Z",  # not a calendar date
        "2023-02-29T00:00:00Z",  # not a leap year
        "2024-01-01T24:00:00Z",  # XSD allows 24:00:00; VC processors must not
        "2024-01-01T00:00:00z",  # lower-case z
        "๒๐๒๔-01-01T00:00:00Z",  # Thai digits: Python's \\d would match them
        "2024-๐1-01T00:00:00Z",
        "2024-01-01T00:00:60Z",  # leap second
        "2024-01-01 00:00:00Z",  # space instead of T
        "2024-01-01",
        "2024-01-01T00:00Z",
        "2024-01-01T00:00:00+15:00",
        "2024-01-01T00:00:00+14:30",
        "2024-01-01T00:00:00+0700",
        "2024-01-01T00:00:00Z\n",  # $ would accept a trailing newline; fullmatch does not
        "0000-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",  # before the first representable instant in UTC
        "-2024-01-01T00:00:00Z",
        "12024-01-01T00:00:00Z",
        "Sat 25 Feb 2023 07:16:31 PM CST",
        "",
    ],
)
def test_malformed_stamps_are_refused(value: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_datetime_stamp(value, field="validFrom")
    assert caught.value.code == "vc.datetime_invalid"
    assert caught.value.loc == ("validFrom",)


@pytest.mark.parametrize("value", [None, 1700000000, 1.5, ["2024-01-01T00:00:00Z"], {"@value": "x"}])
def test_non_strings_are_refused(value: object) -> None:
    with pytest.raises(InputError) as caught:
        parse_datetime_stamp(value)
    assert caught.value.code == "vc.datetime_invalid"


def test_missing_offset_is_read_as_utc_with_a_warning() -> None:
    parsed, warnings = parse_datetime_stamp("2025-01-01T00:00:00", field="validUntil")
    assert parsed == datetime(2025, 1, 1, tzinfo=UTC)
    assert parsed.tzinfo is not None
    assert len(warnings) == 1
    assert "validUntil" in warnings[0]


def test_buddhist_era_year_parses_but_is_implausible() -> None:
    parsed, _ = parse_datetime_stamp("2568-01-01T00:00:00Z")
    assert parsed.year == 2568
    with pytest.raises(InputError) as caught:
        require_plausible_year(parsed, field="validFrom")
    assert caught.value.code == "time.implausible_year"
    assert caught.value.loc == ("validFrom",)


def test_plausible_year_boundary() -> None:
    require_plausible_year(datetime(DEFAULT_MAX_YEAR, 12, 31, tzinfo=UTC))
    with pytest.raises(InputError):
        require_plausible_year(datetime(DEFAULT_MAX_YEAR + 1, 1, 1, tzinfo=UTC))
    require_plausible_year(datetime(2568, 1, 1, tzinfo=UTC), max_year=3000)
    with pytest.raises(InputError):
        require_plausible_year(datetime(2031, 1, 1, tzinfo=UTC), max_year=2030)


@pytest.mark.parametrize(
    "value", ["2024-W01-1T00:00:00Z", "20240101T000000Z", "2024-01-01T00Z", "2024-01-01T00:00:00+07"]
)
def test_iso_forms_outside_xsd_are_refused(value: str) -> None:
    """``datetime.fromisoformat`` accepts these; a dateTimeStamp parser must not."""
    datetime.fromisoformat(value)
    with pytest.raises(InputError):
        parse_datetime_stamp(value)
