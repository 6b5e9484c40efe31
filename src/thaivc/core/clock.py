"""Injected time. No module of thaivc calls ``datetime.now()`` directly: verifiers take a
:class:`Clock`, so tests pin time exactly and boundaries (now, now ± leeway, ± 1 s) are testable."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Protocol, runtime_checkable

__all__ = ["DEFAULT_LEEWAY", "Clock", "FixedClock", "SystemClock", "to_datetime"]

#: Default clock skew tolerated on time checks, in seconds: RFC 7519 §4.1.4 allows
#: "some small leeway, usually no more than a few minutes"; 300 s is the most any check accepts.
DEFAULT_LEEWAY: Final = 300


@runtime_checkable
class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch (UTC)."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> float:
        return time.time()


@dataclass
class FixedClock:
    """A clock that stands still until moved: for tests and reproducible demos."""

    timestamp: float

    @classmethod
    def at(cls, iso: str) -> FixedClock:
        return cls(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())

    def now(self) -> float:
        return self.timestamp

    def advance(self, seconds: float) -> None:
        self.timestamp += seconds


def to_datetime(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)
