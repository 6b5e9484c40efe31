"""Identity and authentication assurance levels: IAL ``1.1 < … < 3`` and AAL ``1 < 2.1 < 2.2 < 3``.

The codes are NDID's (docs/thai.md, assurance levels), sent as JSON numbers (``2.3``) or strings (``"2.3"``,
``"IAL2.3"``). NDID itself uses values outside the list (1.9, 3.5, 4), so a level with an unknown
code is a valid *value* that round-trips, but it has no rank: comparing it raises
``assurance.invalid`` instead of guessing where it sits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Final, TypeVar

from thaivc.core.errors import InputError

__all__ = ["AAL", "AAL_CODES", "IAL", "IAL_CODES", "AssuranceLevel"]

IAL_CODES: Final = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3")
AAL_CODES: Final = ("1", "2.1", "2.2", "3")

_NUMBER: Final = re.compile(r"([0-9]{1,3})(?:\.([0-9]{1,6}))?", re.ASCII)

L = TypeVar("L", bound="AssuranceLevel")


@dataclass(frozen=True, slots=True)
class AssuranceLevel:
    """Base of :class:`IAL` and :class:`AAL`: a canonical decimal code such as ``"2.3"``."""

    code: str

    KNOWN: ClassVar[tuple[str, ...]] = ()
    PREFIX: ClassVar[str] = ""

    @classmethod
    def parse(cls: type[L], value: object) -> L:
        """Accept ``2.3``, ``"2.3"``, ``"2.30"``, ``"IAL2.3"``, ``3``, ``"3.0"``; canonicalise the code.

        Booleans, NaN, negative or non-numeric values raise ``assurance.invalid``.
        """
        if isinstance(value, cls):
            return value
        text: str
        if isinstance(value, bool):
            raise InputError("assurance.invalid", f"{cls.PREFIX} level cannot be a boolean")
        if isinstance(value, int):
            text = str(value)
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise InputError("assurance.invalid", f"{cls.PREFIX} level must be finite")
            text = repr(value)
        elif isinstance(value, Decimal):
            text = str(value)
        elif isinstance(value, str):
            text = value
            if text[: len(cls.PREFIX)].upper() == cls.PREFIX:
                text = text[len(cls.PREFIX):]
        else:
            raise InputError("assurance.invalid", f"{cls.PREFIX} level must be a number or string")
        if not _NUMBER.fullmatch(text):
            raise InputError("assurance.invalid", f"{value!r} is not a {cls.PREFIX} level")
        try:
            canonical = format(Decimal(text).normalize(), "f")
        except InvalidOperation:  # pragma: no cover - the regex admits only decimals
            raise InputError("assurance.invalid", f"{value!r} is not a {cls.PREFIX} level") from None
        return cls(canonical)

    @classmethod
    def known(cls: type[L]) -> tuple[L, ...]:
        """Every ranked level, lowest first."""
        return tuple(cls(code) for code in cls.KNOWN)

    @property
    def is_known(self) -> bool:
        return self.code in self.KNOWN

    @property
    def rank(self) -> int | None:
        """Position in the ordered code set, or ``None`` for an unknown code."""
        return self.KNOWN.index(self.code) if self.code in self.KNOWN else None

    def require_rank(self) -> int:
        rank = self.rank
        if rank is None:
            raise InputError("assurance.invalid", f"{self.PREFIX}{self.code} is not a ranked level")
        return rank

    def as_number(self) -> float:
        """The NDID wire form, a JSON number."""
        return float(self.code)

    def _other_rank(self, other: object) -> int:
        if type(other) is not type(self):
            raise InputError("assurance.invalid", f"cannot compare {self.PREFIX} with {other!r}")
        assert isinstance(other, AssuranceLevel)
        return other.require_rank()

    def __lt__(self, other: object) -> bool:
        return self.require_rank() < self._other_rank(other)

    def __le__(self, other: object) -> bool:
        return self.require_rank() <= self._other_rank(other)

    def __gt__(self, other: object) -> bool:
        return self.require_rank() > self._other_rank(other)

    def __ge__(self, other: object) -> bool:
        return self.require_rank() >= self._other_rank(other)

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class IAL(AssuranceLevel):
    """Identity assurance level (ขมธอ. 19-2561; NDID ``ial``)."""

    KNOWN: ClassVar[tuple[str, ...]] = IAL_CODES
    PREFIX: ClassVar[str] = "IAL"


@dataclass(frozen=True, slots=True)
class AAL(AssuranceLevel):
    """Authenticator assurance level (ขมธอ. 20-2561; NDID ``aal``)."""

    KNOWN: ClassVar[tuple[str, ...]] = AAL_CODES
    PREFIX: ClassVar[str] = "AAL"
