"""Comparison keys for the Thai names that appear in signing clauses and director lists.

DBD writes a director as "นาย สมชาย ใจดี" in the committee list and as "นายสมชาย ใจดี" or
"นาย สมชาย ใจดี" inside the signing clause, sometimes with a stray line break where rows were
joined. The rule model stores names without titles, so both sides need the same key.

This is a deliberately small local helper: ``thaivc.thai.name_comparison_key`` (the full Thai
canonical form of docs/thai.md, names) will replace it; keep the ``name_key(s: str) -> str`` signature.
The key is for *comparison only*; the original text is what gets displayed and signed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from thaivc.thai import name_comparison_key

__all__ = ["DEFAULT_TITLES", "PERSONAL_TITLES", "NameReading", "canonical_title", "collapse", "matching_readings",
           "name_key", "name_readings", "registry_readings", "strip_titles", "title_conflict", "title_field",
           "titles_agree"]

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
    """The name of a registry string without its leading titles ("ว่าที่ร้อยตรี ดร. สมชาย" → "สมชาย").

    For a *registry string* only: a name whose title has a field of its own is never stripped
    (see :func:`name_readings`). A title does not repeat and a person has one personal title, so
    "นาง นางนวล ใจดี" → "นางนวล ใจดี". When the split is ambiguous (:func:`registry_readings`
    returns several readings) this returns the one that strips most; binding code must not rely
    on it and compares every reading instead.
    """
    return registry_readings(s, titles)[-1].name


def name_key(s: str) -> str:
    """The comparison key of a registry string's name: titles stripped, then the Thai name fold.

    The fold is :func:`thaivc.thai.name_comparison_key` (NFC, sara am typed as nikhahit + sara aa,
    tone/vowel cluster order, invisible characters, whitespace), shared with every other place
    names are matched; a trailing abbreviation dot is dropped, so "นาย ก." and "นาย ก" compare equal.
    """
    return registry_readings(s)[-1].key


#: Personal titles (the ones everybody has exactly one of), by their full form. Two people whose
#: personal titles differ are not the same person, whatever their names.
PERSONAL_TITLES: Final[frozenset[str]] = frozenset({"นาย", "นาง", "นางสาว", "เด็กชาย", "เด็กหญิง"})

#: Abbreviations → the full title, keys without spaces (DBD writes "ว่าที่ ร.ต." and "ว่าที่ร.ต.").
_TITLE_EQUIV: Final[dict[str, str]] = {
    "น.ส.": "นางสาว", "ด.ช.": "เด็กชาย", "ด.ญ.": "เด็กหญิง",
    "ว่าที่ร.ต.": "ว่าที่ร้อยตรี", "ว่าที่ร.ต.หญิง": "ว่าที่ร้อยตรีหญิง",
    "ศ.": "ศาสตราจารย์", "รศ.": "รองศาสตราจารย์", "ผศ.": "ผู้ช่วยศาสตราจารย์",
    "พล.อ.": "พลเอก", "พล.ท.": "พลโท", "พล.ต.": "พลตรี", "พ.อ.": "พันเอก", "พ.ท.": "พันโท", "พ.ต.": "พันตรี",
    "ร.อ.": "ร้อยเอก", "ร.ท.": "ร้อยโท", "ร.ต.": "ร้อยตรี",
    "พล.ต.อ.": "พลตำรวจเอก", "พล.ต.ท.": "พลตำรวจโท", "พล.ต.ต.": "พลตำรวจตรี",
    "พ.ต.อ.": "พันตำรวจเอก", "พ.ต.ท.": "พันตำรวจโท", "พ.ต.ต.": "พันตำรวจตรี",
    "ม.ร.ว.": "หม่อมราชวงศ์", "ม.ล.": "หม่อมหลวง", "ม.จ.": "หม่อมเจ้า",
}


def canonical_title(title: str) -> str:
    """One spelling per title: collapsed, spaces removed, abbreviations written out."""
    compact = collapse(title).replace(" ", "")
    return _TITLE_EQUIV.get(compact, compact)


@dataclass(frozen=True, slots=True)
class NameReading:
    """One way to read a name: the leading titles (as written) and the name itself (as written).

    A name that came with its own title field has exactly one reading. A registry *string* such as
    "นางนวล ใจดี" may have more than one when a title-like word is glued to the next word
    ("ดร.นายพล ใจดี" is Dr Nayphon, or Dr Mr Phon); see :func:`registry_readings`.
    """

    titles: tuple[str, ...]
    name: str

    @property
    def key(self) -> str:
        """The comparison key of the name part (the Thai name fold, trailing abbreviation dot dropped)."""
        return name_comparison_key(self.name).rstrip(".").rstrip()

    @property
    def personal_title(self) -> str | None:
        """The personal title (นาย, นาง, นางสาว, …) among ``titles``, in full form, if any."""
        return next((c for c in map(canonical_title, self.titles) if c in PERSONAL_TITLES), None)

    def shown(self) -> str:
        return " ".join((*self.titles, self.name))


def _leading_title(text: str, ordered: Sequence[str]) -> tuple[str, str] | None:
    """(title, rest) when ``text`` starts with a title that a name follows, else None."""
    for t in ordered:
        if not text.startswith(t):
            continue
        rest = text[len(t):]
        if rest.strip() and (t.endswith(".") or _WORD_START.match(rest)):
            return t, rest
    return None


def registry_readings(s: str, titles: Sequence[str] = DEFAULT_TITLES) -> tuple[NameReading, ...]:
    """Every plausible split of a registry string ("นาย สมชาย ใจดี") into titles and a name.

    Registry strings always carry the person's title, so the first leading title is always a title.
    A further title-like word is a second title only if it is a different title and not a second
    personal title ("นาง นางนวล" is Mrs Nangnuan, never Mrs Mrs Nuan); when it is glued to the next
    word ("ดร.นายพล"), it may also be the start of the given name, and both readings are returned.
    Callers bind a string with several readings only when exactly one of them fits.
    """
    ordered = _sorted_titles(tuple(titles))
    cur, found, seen = collapse(s), list[str](), set[str]()
    out: list[NameReading] = []
    while (hit := _leading_title(cur, ordered)) is not None:
        title, rest = hit
        canon = canonical_title(title)
        if canon in seen or (canon in PERSONAL_TITLES and seen & PERSONAL_TITLES):
            break
        if found and not title.endswith(".") and not rest[:1].isspace():
            out.append(NameReading(tuple(found), cur))
        found.append(title)
        seen.add(canon)
        cur = rest.lstrip()
    out.append(NameReading(tuple(found), cur))
    return tuple(out)


def title_field(title: str, titles: Sequence[str] = DEFAULT_TITLES) -> tuple[str, ...]:
    """A separately given title ("ผศ.ดร.", "นาง") as its title words; unknown text stays one word."""
    ordered = _sorted_titles(tuple(titles))
    out: list[str] = []
    cur = collapse(title)
    while cur:
        t = next((t for t in ordered if cur.startswith(t)), None)
        if t is None:
            out.append(cur)
            break
        out.append(t)
        cur = cur[len(t):].lstrip()
    return tuple(out)


def name_readings(name_th: str, title_th: str | None,
                  titles: Sequence[str] = DEFAULT_TITLES) -> tuple[NameReading, ...]:
    """The readings of a name: exactly one when the title has its own field, else registry readings.

    ``title_th`` not None means the source keeps the title in a field of its own and ``name_th``
    begins with exactly that title (or ``title_th`` is empty): nothing else is ever cut from it.
    """
    if title_th is None:
        return registry_readings(name_th, titles)
    name = collapse(name_th)
    title = collapse(title_th)
    rest = name[len(title):].lstrip() if title and name.startswith(title) else name
    return (NameReading(title_field(title, titles) if title else (), rest),)


def titles_agree(a: NameReading, b: NameReading) -> bool:
    """Titles are compared when both sides carry a personal title: นาย is not นาง, นาง is not นางสาว.

    Other titles (ranks, academic, royal) are often written in place of the personal title or go
    out of date, so they are not a reason to refuse; an absent title is unknown, not a mismatch.
    """
    pa, pb = a.personal_title, b.personal_title
    return pa is None or pb is None or pa == pb


def matching_readings(a: Sequence[NameReading], b: Sequence[NameReading], *,
                      ignore_spaces: bool = False) -> list[tuple[NameReading, NameReading]]:
    """The pairs of readings that name the same person: equal name keys and agreeing titles."""
    def k(r: NameReading) -> str:
        return r.key.replace(" ", "") if ignore_spaces else r.key

    return [(x, y) for x in a for y in b if k(x) == k(y) and x.key and titles_agree(x, y)]


def title_conflict(a: Sequence[NameReading], b: Sequence[NameReading]) -> tuple[NameReading, NameReading] | None:
    """A pair of readings with equal names whose personal titles differ, for a refusal's reason."""
    return next(((x, y) for x in a for y in b if x.key == y.key and not titles_agree(x, y)), None)
