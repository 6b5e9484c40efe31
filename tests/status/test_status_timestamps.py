"""XSD dateTimeStamp handling for list validity windows."""

from __future__ import annotations

import pytest

from thaivc.core.errors import InputError
from thaivc.status.timestamps import format_timestamp, parse_timestamp


def test_round_trip_and_zones() -> None:
    ts = parse_timestamp("2026-03-01T00:00:00Z")
    assert format_timestamp(ts) == "2026-03-01T00:00:00Z"
    assert parse_timestamp("2026-03-01T07:00:00+07:00") == ts
    assert parse_timestamp("2026-03-01T00:00:00.123456789Z") == pytest.approx(ts + 0.123456)
    assert parse_timestamp("2026-03-01T00:00:00.5Z") == ts + 0.5


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01T00:00:00",
        "2026-03-01",
        "2026-13-01T00:00:00Z",
        "2026-W09-1T00:00:00Z",
        "๒๐๒๖-03-01T00:00:00Z",
        1772323200,
        None,
    ],
)
def test_rejects_other_forms(value: object) -> None:
    with pytest.raises(InputError) as exc:
        parse_timestamp(value)
    assert exc.value.code == "status.verification"
