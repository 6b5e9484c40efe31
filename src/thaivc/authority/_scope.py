"""Reading the scope of an exception or addition ("การทำธุรกรรมทางการเงิน", "นิติกรรมที่มีมูลค่าเกิน
หนึ่งล้านบาท") into tags and value bounds.

Only phrasings listed here are understood; anything else sends the clause to review, because a
wrongly tagged scope silently widens or narrows who may sign.
"""

from __future__ import annotations

import re
from typing import Final

from thaivc.authority._lexer import Unreadable
from thaivc.authority._model import Scope
from thaivc.authority._numerals import NUMBER_PATTERN, parse_number

__all__ = ["parse_scope"]

_ACT = r"(?:การ)?(?:ทำ|เข้าทำ)?"
_ANY = r"(?:ต่างๆ|ใดๆ|ทุกประเภท|ทั้งปวง|ทั้งหลาย)?"
_GOV = r"(?:หน่วยงานราชการ|ส่วนราชการ|หน่วยราชการ|หน่วยงานของรัฐ|หน่วยงานรัฐ|ราชการ|ทางราชการ)"
_TAG_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("financial", re.compile(rf"{_ACT}(?:ธุรกรรม|นิติกรรม)?{_ANY}(?:ทาง|ด้าน)การเงิน{_ANY}")),
    ("financial", re.compile(rf"{_ACT}ธุรกรรม{_ANY}(?:กับ|ทาง)(?:ธนาคาร|สถาบันการเงิน){_ANY}")),
    ("government", re.compile(rf"{_ACT}(?:ธุรกรรม|ติดต่อ|นิติกรรม|ติดต่อธุรกรรม){_ANY}กับ{_GOV}{_ANY}")),
    ("litigation", re.compile(rf"(?:การ)?(?:ดำเนินคดี|ฟ้องร้อง(?:คดี)?|ฟ้องคดี|ต่อสู้คดี){_ANY}(?:ในศาล)?{_ANY}")),
)
_GENERIC: Final = re.compile(rf"{_ACT}(?:นิติกรรม|ธุรกรรม|สัญญา){_ANY}")
_VALUE: Final = re.compile(
    r"(?P<act>.*?)(?:ที่)?(?:มี)?(?:มูลค่า|จำนวนเงิน|วงเงิน)(?:รวม)?"
    r"(?P<cmp>เกินกว่า|เกิน|มากกว่า|สูงกว่า|ตั้งแต่|ไม่เกิน|ไม่ถึง|ต่ำกว่า|น้อยกว่า)"
    rf"(?P<num>{NUMBER_PATTERN})(?P<mil>ล้าน)?บาท(?P<up>ขึ้นไป)?"
)
_SPLIT: Final = re.compile(r"\s?(?:หรือ|,(?![0-9๐-๙]{3}))\s?")


def _bounds(m: re.Match[str]) -> tuple[int | None, int | None]:
    n = parse_number(m["num"], million=m["mil"] is not None)
    if n is None:
        raise Unreadable(f"cannot read the amount in “{m.group(0)}”")
    cmp, up = m["cmp"], m["up"] is not None
    if cmp == "ตั้งแต่":
        if not up:
            raise Unreadable(f"“ตั้งแต่” without “ขึ้นไป” in “{m.group(0)}”")
        return n, None
    if up:
        raise Unreadable(f"“ขึ้นไป” does not fit “{cmp}” in “{m.group(0)}”")
    if cmp in ("เกินกว่า", "เกิน", "มากกว่า", "สูงกว่า"):
        return n + 1, None
    if cmp == "ไม่เกิน":
        return None, n
    if n == 0:
        raise Unreadable(f"an upper bound below zero baht in “{m.group(0)}”")
    return None, n - 1


_LEAD: Final = re.compile(r"^(?:สำหรับ|เฉพาะ)?(?:ใน)?(?:กรณี(?:ที่|ของ)?)?")


def _part(text: str) -> tuple[str | None, tuple[int | None, int | None] | None]:
    compact = _LEAD.sub("", text.replace(" ", ""), count=1)
    bounds = None
    m = _VALUE.fullmatch(compact)
    if m is not None:
        bounds = _bounds(m)
        compact = m["act"]
    for tag, rx in _TAG_PATTERNS:
        if rx.fullmatch(compact):
            return tag, bounds
    if bounds is not None and (compact == "" or _GENERIC.fullmatch(compact)):
        return None, bounds
    raise Unreadable(f"cannot classify the scope “{text}”")


def parse_scope(text: str) -> Scope:
    """Tags and bounds of a scope phrase; every alternative must be understood."""
    text = text.strip()
    if not text:
        raise Unreadable("an exception or addition without a stated scope")
    tags: list[str] = []
    all_bounds: set[tuple[int | None, int | None] | None] = set()
    for piece in _SPLIT.split(text):
        tag, bounds = _part(piece)
        if tag is not None and tag not in tags:
            tags.append(tag)
        all_bounds.add(bounds)
    if len(all_bounds) != 1:
        raise Unreadable(f"the alternatives of “{text}” carry different value limits")
    bounds = next(iter(all_bounds))
    lo, hi = bounds if bounds is not None else (None, None)
    return Scope(text_th=text, tags=tags, min_value_thb=lo, max_value_thb=hi)
