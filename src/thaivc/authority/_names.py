"""Comparison keys for the Thai names that appear in signing clauses and director lists.

DBD writes a director as "นาย สมชาย ใจดี" in the committee list and as "นายสมชาย ใจดี" or
"นาย สมชาย ใจดี" inside the signing clause, sometimes with a stray line break where rows were
joined. The rule model stores names without titles, so both sides need the same key.

This is a deliberately small local helper: ``thaivc.thai.name_comparison_key`` (the full Thai
canonical form of domain.md §8) will replace it; keep the ``name_key(s: str) -> str`` signature.
The key is for *comparison only*; the original text is what gets displayed and signed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from thaivc.thai import name_comparison_key

__all__ = ["DEFAULT_TITLES", "collapse", "name_key", "strip_titles"]

#: Titles, ranks and honorifics stripped from the front of a name, longest first at match time.
#: Dotted abbreviations are listed with and without the spaces DBD sometimes inserts.
DEFAULT_TITLES: Final[tuple[str, ...]] = (
    "นาย", "นาง", "นางสาว", "น.ส.",
    "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ว่าที่ ร.ต.", "ว่าที่ร.ต.", "ว่าที่ร.ต.หญิง",
    "ดร.", "ศ.", "รศ.", "ผศ.", "ศ.ดร.", "รศ.ดร.", "ผศ.ดร.",
    "ศาสตราจารย์", "รองศาสตราจารย์", "ผู้ช่วยศาสตราจารย์",
    "นพ.", "พญ.", "ทพ.", "ทพญ.", "ภก.", "ภญ.", "สพ.ญ.",
    "พล.อ.", "พล.ท.", "พล.ต.", "พ.อ.", "พ.ท.", "พ.ต.", "ร.อ.", "ร.ท.", "ร.ต.", "จ.ส.อ.",
    "พล.ต.อ.", "พล.ต.ท.", "พล.ต.ต.", "พ.ต.อ.", "พ.ต.ท.", "พ.ต.ต.", "ร.ต.อ.", "ร.ต.ท.", "ร.ต.ต.",
    "พล.ร.อ.", "พล.ร.ท.", "พล.ร.ต.", "น.อ.", "น.ท.", "น.ต.", "พล.อ.อ.", "พล.อ.ท.", "พล.อ.ต.",
    "พลเอก", "พลโท", "พลตรี", "พันเอก", "พันโท", "พันตรี", "ร้อยเอก", "ร้อยโท", "ร้อยตรี",
    "พลตำรวจเอก", "พลตำรวจโท", "พลตำรวจตรี", "พันตำรวจเอก", "พันตำรวจโท", "พันตำรวจตรี",
    "คุณหญิง", "ท่านผู้หญิง", "หม่อมราชวงศ์", "ม.ร.ว.", "หม่อมหลวง", "ม.ล.", "หม่อมเจ้า", "ม.จ.",
)

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WS = re.compile(r"\s+")
# A title is only a title when a new word follows it: whitespace, a Thai consonant, a leading
# vowel (เ แ โ ใ ไ) or a Latin letter. Without this "นายิกา" would lose its first syllable.
_WORD_START = re.compile(r"\s|[\u0e01-\u0e2e\u0e40-\u0e44A-Za-z]")


def collapse(s: str) -> str:
    """NFC, drop zero-width characters, collapse every whitespace run (line breaks too) to one space."""
    return _WS.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", s))).strip()


@lru_cache(maxsize=32)
def _sorted_titles(titles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({collapse(t) for t in titles if t.strip()}, key=len, reverse=True))


def strip_titles(s: str, titles: Sequence[str] = DEFAULT_TITLES) -> str:
    """Remove any number of leading titles ("ว่าที่ร้อยตรี ดร. สมชาย" → "สมชาย")."""
    out = collapse(s)
    ordered = _sorted_titles(tuple(titles))
    changed = True
    while changed and out:
        changed = False
        for t in ordered:
            if not out.startswith(t):
                continue
            rest = out[len(t):]
            if not rest:
                break
            if t.endswith(".") or _WORD_START.match(rest):
                out = rest.lstrip()
                changed = True
                break
    return out


def name_key(s: str) -> str:
    """The comparison key of a person's name: titles stripped, then the Thai name fold.

    The fold is :func:`thaivc.thai.name_comparison_key` (NFC, sara am typed as nikhahit + sara aa,
    tone/vowel cluster order, invisible characters, whitespace), shared with every other place
    names are matched; a trailing abbreviation dot is dropped, so "นาย ก." and "นาย ก" compare equal.
    """
    return name_comparison_key(strip_titles(s)).rstrip(".").rstrip()
