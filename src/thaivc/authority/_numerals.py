"""Numbers as clauses write them: Arabic or Thai digits, with or without grouping commas, or Thai
number words ("สอง", "หนึ่งล้านห้าแสน", "ยี่สิบเอ็ด", "1.5 ล้าน").

No parsing library handles Thai number words (PyThaiNLP's ``thaiword_to_num`` is the closest, and
it is not a dependency), so this small reader is hand-written. It returns ``None`` for anything it
cannot read exactly; callers turn that into a review, never a guess.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

__all__ = ["MAX_AMOUNT", "NUMBER_PATTERN", "parse_number", "thai_digits_to_ascii"]

_DIGITS: Final = {"ศูนย์": 0, "หนึ่ง": 1, "เอ็ด": 1, "สอง": 2, "ยี่": 2, "สาม": 3, "สี่": 4, "ห้า": 5,
                  "หก": 6, "เจ็ด": 7, "แปด": 8, "เก้า": 9}
_UNITS: Final = {"สิบ": 10, "ร้อย": 100, "พัน": 1000, "หมื่น": 10_000, "แสน": 100_000}
_WORD = "|".join(sorted([*_DIGITS, *_UNITS, "ล้าน"], key=len, reverse=True))
_WORD_RE = re.compile(_WORD)

#: A number in words or digits; digits may carry grouping commas or one decimal part.
NUMBER_PATTERN: Final = rf"(?:[0-9๐-๙]{{1,3}}(?:,[0-9๐-๙]{{3}})+|[0-9๐-๙]+(?:\.[0-9๐-๙]+)?|(?:{_WORD})+)"

#: Larger amounts are not plausible in a signing clause and would not survive I-JSON (2^53).
MAX_AMOUNT: Final = 10**15

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def thai_digits_to_ascii(s: str) -> str:
    return s.translate(_THAI_DIGITS)


def _words_below_million(words: list[str]) -> int | None:
    """Digit–unit pairs with strictly falling units; ยี่ only before สิบ, เอ็ด only last after a unit."""
    total, digit, last_unit = 0, None, 10**7
    for i, w in enumerate(words):
        if w in _DIGITS:
            if digit is not None:
                return None
            nxt = words[i + 1] if i + 1 < len(words) else None
            if w == "ยี่" and nxt != "สิบ":
                return None
            if w == "เอ็ด" and (i == 0 or nxt is not None):
                return None
            digit = _DIGITS[w]
            continue
        unit = _UNITS[w]
        if unit >= last_unit:
            return None
        if digit is None:
            if unit != 10:
                return None
            digit = 1  # "สิบ" alone is ten
        total += digit * unit
        digit, last_unit = None, unit
    if digit is not None:
        total += digit
    return total


def _words(s: str) -> int | None:
    words = _WORD_RE.findall(s)
    if "".join(words) != s or not words:
        return None
    if words.count("ล้าน") > 1:
        return None
    if "ล้าน" in words:
        k = words.index("ล้าน")
        hi = _words_below_million(words[:k]) if k else None
        lo = _words_below_million(words[k + 1:]) if k + 1 < len(words) else 0
        if hi is None or lo is None or hi == 0:
            return None
        return hi * 1_000_000 + lo
    return _words_below_million(words)


def parse_number(s: str, *, million: bool = False) -> int | None:
    """Read ``s`` as a whole number (×1,000,000 when followed by the word ล้าน, ``million=True``)."""
    s = thai_digits_to_ascii(s.replace(" ", ""))
    if not s or len(s) > 40:
        return None
    if s[0].isdigit():
        try:
            d = Decimal(s.replace(",", ""))
        except InvalidOperation:
            return None
        if million:
            d *= 1_000_000
        if d != d.to_integral_value() or d > MAX_AMOUNT:
            return None
        return int(d)
    n = _words(s)
    if n is None:
        return None
    n = n * 1_000_000 if million else n
    return n if n <= MAX_AMOUNT else None
