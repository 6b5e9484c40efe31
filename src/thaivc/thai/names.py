"""Thai personal names: title, given, middle and family name, in Thai and in English.

Registries return names in parts (DOPA, the card chip, ThaID claims ``title``/``given_name``/
``middle_name``/``family_name`` and their ``_en`` twins); people type them as one string such as
``"นาย สมชาย ใจดี"`` or ``"ผศ.ดร.สมหญิง รักเรียน"``. :meth:`ThaiName.parse` splits such a string
using a title list that is a plain argument, because ranks and academic titles are open-ended.

Parsing never normalises: the parts are slices of the input, so what is displayed and signed is what
was given. Matching goes through :func:`names_match`, which reports whether a fold was needed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from thaivc.core.errors import InputError
from thaivc.thai.text import name_comparison_key, require_text

__all__ = [
    "DEFAULT_TITLES_EN",
    "DEFAULT_TITLES_TH",
    "MatchResult",
    "ThaiName",
    "names_match",
]

#: Thai titles recognised by :meth:`ThaiName.parse`: common, youth, academic and professional,
#: and the usual military and police ranks (full and abbreviated). Replaceable data.
DEFAULT_TITLES_TH: Final[tuple[str, ...]] = (
    "นาย", "นาง", "นางสาว", "น.ส.", "เด็กชาย", "ด.ช.", "เด็กหญิง", "ด.ญ.",
    "ดร.", "ศาสตราจารย์", "ศ.", "รองศาสตราจารย์", "รศ.", "ผู้ช่วยศาสตราจารย์", "ผศ.",
    "นายแพทย์", "นพ.", "แพทย์หญิง", "พญ.", "ทันตแพทย์", "ทพ.", "ทันตแพทย์หญิง", "ทพญ.",
    "พลเอก", "พล.อ.", "พลโท", "พล.ท.", "พลตรี", "พล.ต.", "พันเอก", "พ.อ.", "พันโท", "พ.ท.",
    "พันตรี", "พ.ต.", "ร้อยเอก", "ร.อ.", "ร้อยโท", "ร.ท.", "ร้อยตรี", "ร.ต.",
    "จ่าสิบเอก", "จ.ส.อ.", "สิบเอก", "ส.อ.",
    "พลตำรวจเอก", "พล.ต.อ.", "พลตำรวจโท", "พล.ต.ท.", "พลตำรวจตรี", "พล.ต.ต.",
    "พันตำรวจเอก", "พ.ต.อ.", "พันตำรวจโท", "พ.ต.ท.", "พันตำรวจตรี", "พ.ต.ต.",
    "ร้อยตำรวจเอก", "ร.ต.อ.", "ร้อยตำรวจโท", "ร.ต.ท.", "ร้อยตำรวจตรี", "ร.ต.ต.",
    "ดาบตำรวจ", "ด.ต.", "จ่าสิบตำรวจ", "จ.ส.ต.",
    "พลเรือเอก", "พล.ร.อ.", "พลอากาศเอก", "พล.อ.อ.",
    "หม่อมราชวงศ์", "ม.ร.ว.", "หม่อมหลวง", "ม.ล.",
)

#: English titles recognised by :meth:`ThaiName.parse` for the ``en`` string.
DEFAULT_TITLES_EN: Final[tuple[str, ...]] = (
    "Mr.", "Mr", "Mrs.", "Mrs", "Miss", "Ms.", "Ms", "Master", "Dr.", "Dr",
    "Prof.", "Assoc. Prof.", "Asst. Prof.", "Pol. Gen.", "Gen.", "Col.", "Capt.",
)

_CHIP_SEPARATOR: Final = "#"

#: ThaID claim names (docs/thai.md) for each :class:`ThaiName` field.
_CLAIMS: Final = {
    "title_th": "title",
    "given_th": "given_name",
    "middle_th": "middle_name",
    "family_th": "family_name",
    "title_en": "title_en",
    "given_en": "given_name_en",
    "middle_en": "middle_name_en",
    "family_en": "family_name_en",
}


class MatchResult(enum.Enum):
    """How two names compare. ``MATCH_WITH_FOLD`` is never reported as plain equality (docs/security.md group J)."""

    EXACT = "exact"
    MATCH_WITH_FOLD = "match_with_fold"
    NO_MATCH = "no_match"

    @property
    def matched(self) -> bool:
        return self is not MatchResult.NO_MATCH


#: Titles a person has exactly one of; a second one is the start of the given name ("นาง นางนวล").
_PERSONAL: Final = frozenset({"นาย", "นาง", "นางสาว", "น.ส.", "เด็กชาย", "ด.ช.", "เด็กหญิง", "ด.ญ.",
                              "Mr.", "Mr", "Mrs.", "Mrs", "Miss", "Ms.", "Ms", "Master"})


def _split_titles(text: str, titles: Iterable[str]) -> tuple[str | None, str]:
    """Peel leading titles (possibly several: ``ผศ.ดร.``), longest first; spaces between are optional.

    A title does not repeat and a person has one personal title, so "นาง นางนวล ใจดี" is Mrs
    Nangnuan (given name "นางนวล"), never Mrs Mrs Nuan.
    """
    ordered = sorted(set(titles), key=len, reverse=True)
    found: list[str] = []
    rest = text.strip()
    while True:
        for title in ordered:
            if title in found or (title in _PERSONAL and any(f in _PERSONAL for f in found)):
                continue
            if rest.startswith(title):
                after = rest[len(title):]
                # A title must be followed by a space, a dot-title boundary, or Thai text; an ASCII
                # title must not run into more ASCII letters ("Mrsomchai" is not "Mr").
                nxt = after[:1]
                if title[-1].isascii() and title[-1].isalpha() and nxt.isascii() and nxt.isalpha():
                    continue
                if not after.strip():
                    continue  # a bare title is not a name
                found.append(title)
                rest = after.lstrip()
                break
        else:
            break
    return (" ".join(found) if found else None), rest


@dataclass(frozen=True, slots=True)
class ThaiName:
    """A person's name in parts. Every part is optional: registries often lack the English name."""

    given_th: str | None = None
    family_th: str | None = None
    title_th: str | None = None
    middle_th: str | None = None
    given_en: str | None = None
    family_en: str | None = None
    title_en: str | None = None
    middle_en: str | None = None

    def __post_init__(self) -> None:
        for field_name in self.__slots__:
            value = getattr(self, field_name)
            if value is not None:
                if not isinstance(value, str):
                    raise InputError("thai.name_invalid", f"{field_name} must be a string", loc=(field_name,))
                require_text(value, loc=(field_name,))

    @classmethod
    def parse(
        cls,
        th: str | None,
        en: str | None = None,
        *,
        titles_th: Iterable[str] = DEFAULT_TITLES_TH,
        titles_en: Iterable[str] = DEFAULT_TITLES_EN,
    ) -> ThaiName:
        """Split ``"นาย สมชาย ใจดี"`` (and optionally ``"Mr. Somchai Jaidee"``) into parts.

        One word is a given name; two are given + family; more put the words between into the middle
        name. Thai family names contain no spaces, so the last word is always the family name.
        """
        parts_th = _parse_one(th, titles_th, "th") if th is not None else (None, None, None, None)
        parts_en = _parse_one(en, titles_en, "en") if en is not None else (None, None, None, None)
        return cls(
            title_th=parts_th[0], given_th=parts_th[1], middle_th=parts_th[2], family_th=parts_th[3],
            title_en=parts_en[0], given_en=parts_en[1], middle_en=parts_en[2], family_en=parts_en[3],
        )

    @classmethod
    def from_chip(cls, th: str, en: str | None = None) -> ThaiName:
        """Parse the card chip's ``title#given#middle#family`` layout (already decoded from TIS-620; ⚠️)."""
        parts_th = _chip_parts(th, "th")
        parts_en = _chip_parts(en, "en") if en is not None else (None, None, None, None)
        return cls(
            title_th=parts_th[0], given_th=parts_th[1], middle_th=parts_th[2], family_th=parts_th[3],
            title_en=parts_en[0], given_en=parts_en[1], middle_en=parts_en[2], family_en=parts_en[3],
        )

    @classmethod
    def from_claims(cls, claims: Mapping[str, object]) -> ThaiName:
        """Read ThaID / OIDC claims: ``title``, ``given_name``, ``middle_name``, ``family_name`` and ``*_en``.

        Absent or empty claims become ``None``; a claim that is not a string raises ``thai.name_invalid``.
        """
        values: dict[str, str | None] = {}
        for field_name, claim in _CLAIMS.items():
            value = claims.get(claim)
            if value is not None and not isinstance(value, str):
                raise InputError("thai.name_invalid", f"claim {claim} must be a string", loc=(claim,))
            values[field_name] = value or None
        return cls(**values)

    def display_th(self, *, with_title: bool = True) -> str:
        """Thai display form; the title is written attached to the given name, as on Thai documents."""
        head = (self.title_th or "") + (self.given_th or "") if with_title else (self.given_th or "")
        return " ".join(p for p in (head, self.middle_th, self.family_th) if p)

    def display_en(self, *, with_title: bool = True) -> str:
        """English display form, ``Mr. Somchai Jaidee``."""
        parts = (self.title_en if with_title else None, self.given_en, self.middle_en, self.family_en)
        return " ".join(p for p in parts if p)

    def dopa_query_names(self) -> tuple[str, str]:
        """``(FirstName, LastName)`` as DOPA wants them: Thai, no title, middle name omitted."""
        if not self.given_th or not self.family_th:
            raise InputError("thai.name_invalid", "DOPA needs both a Thai given and family name")
        return self.given_th, self.family_th

    def matching_text_th(self) -> str:
        """Given, middle and family name in Thai, without the title (titles vary between sources)."""
        return " ".join(p for p in (self.given_th, self.middle_th, self.family_th) if p)


def _parse_one(
    text: str, titles: Iterable[str], lang: str
) -> tuple[str | None, str | None, str | None, str | None]:
    if not isinstance(text, str):
        raise InputError("thai.name_invalid", "a name must be a string", loc=(lang,))
    require_text(text, loc=(lang,))
    titles = tuple(titles)
    if text.strip() in titles:
        raise InputError("thai.name_invalid", "a title alone is not a name", loc=(lang,))
    title, rest = _split_titles(text, titles)
    words = rest.split()
    if not words:
        raise InputError("thai.name_invalid", "no name after the title", loc=(lang,))
    if len(words) == 1:
        return title, words[0], None, None
    middle = " ".join(words[1:-1]) or None
    return title, words[0], middle, words[-1]


def _chip_parts(text: str, lang: str) -> tuple[str | None, str | None, str | None, str | None]:
    if not isinstance(text, str):
        raise InputError("thai.name_invalid", "a name must be a string", loc=(lang,))
    require_text(text, loc=(lang,))
    pieces = text.split(_CHIP_SEPARATOR)
    if len(pieces) != 4:
        raise InputError("thai.name_invalid", "chip names have four #-separated parts", loc=(lang,))
    title, given, middle, family = (p.strip() or None for p in pieces)
    return title, given, middle, family


def names_match(a: str | ThaiName, b: str | ThaiName) -> MatchResult:
    """Compare two names for identity matching (after any signature check).

    ``EXACT`` when the code points are identical; ``MATCH_WITH_FOLD`` when only
    :func:`~thaivc.thai.text.name_comparison_key` makes them equal; ``NO_MATCH`` otherwise.
    :class:`ThaiName` values are compared on their Thai given, middle and family names.
    """
    left = a.matching_text_th() if isinstance(a, ThaiName) else a
    right = b.matching_text_th() if isinstance(b, ThaiName) else b
    if not isinstance(left, str) or not isinstance(right, str):
        return MatchResult.NO_MATCH
    if left == right and left:
        return MatchResult.EXACT
    if name_comparison_key(left) == name_comparison_key(right) and name_comparison_key(left):
        return MatchResult.MATCH_WITH_FOLD
    return MatchResult.NO_MATCH
