"""The laser code printed on the back of a Thai smart ID card (docs/thai.md, laser codes).

Printed as ``JT1-2345678-90``, sent to DOPA as ``JT1234567890``: two Latin upper-case letters and
ten digits. Lifetime non-smart cards have no laser code and cannot be checked at all.
"""

from __future__ import annotations

import re
from typing import Final

from thaivc.core.errors import InputError

__all__ = ["is_valid_laser_code", "normalize_laser_code"]

_COMPACT: Final = re.compile(r"[A-Z]{2}[0-9]{10}", re.ASCII)
_PRINTED: Final = re.compile(r"[A-Z]{2}[0-9]-[0-9]{7}-[0-9]{2}", re.ASCII)
_REMOVED: Final = frozenset(" \u00a0-\u2010\u2011\u2012\u2013\u2014\u2212")
_THAI_DIGITS: Final = {chr(0x0E50 + i): str(i) for i in range(10)}


def is_valid_laser_code(s: object) -> bool:
    """True for the compact form ``JT1234567890`` or the printed form ``JT1-2345678-90``, exactly."""
    return isinstance(s, str) and bool(_COMPACT.fullmatch(s) or _PRINTED.fullmatch(s))


def normalize_laser_code(s: str) -> str:
    """Fold typed input to the compact 12-character form DOPA expects.

    Removes spaces and dashes, upper-cases ASCII letters and folds Thai digits; anything that is not
    then two Latin letters and ten digits raises ``thai.laser_invalid``.
    """
    if not isinstance(s, str):
        raise InputError("thai.laser_invalid", "a laser code must be a string")
    folded = "".join(_THAI_DIGITS.get(ch, ch) for ch in s if ch not in _REMOVED)
    folded = "".join(ch.upper() if "a" <= ch <= "z" else ch for ch in folded)
    if not _COMPACT.fullmatch(folded):
        raise InputError("thai.laser_invalid", "a laser code is 2 Latin letters and 10 digits")
    return folded
