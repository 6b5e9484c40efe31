"""Thai 13-digit identifiers: citizen IDs and DBD juristic-person IDs.

Both use the same mod-11 check digit (docs/thai.md, citizen and juristic IDs). It is weaker than it looks: the
third digit has weight 11 ≡ 0, so *no* change to it is detected, and residues 0 and 10 share check
digit 1. A valid checksum is a typo filter, never proof that a number was issued.

The validators are deliberately
strict: exactly 13 ASCII digits. Thai digits (๐–๙), spaces and dashes are *rejected* by the
validators and folded only by the explicit :func:`normalize_id`, so that a caller decides when user
input is cleaned and signed data is never silently rewritten.

The meaning tables (first digit of a citizen ID, fourth digit of a juristic ID) rest partly on
secondary sources (⚠️ in docs/thai.md's assumptions), so every lookup takes the table as an argument and the defaults
are plain data that a deployment can replace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from thaivc.core.errors import InputError

__all__ = [
    "CITIZEN_ID_CATEGORIES",
    "JURISTIC_TYPES",
    "CitizenIdCategory",
    "JuristicType",
    "check_digit",
    "citizen_id_category",
    "is_valid_citizen_id",
    "is_valid_juristic_id",
    "juristic_type",
    "juristic_type_from_code",
    "normalize_id",
    "validate_citizen_id",
    "validate_juristic_id",
]

_THIRTEEN: Final = re.compile(r"[0-9]{13}", re.ASCII)
_TWELVE: Final = re.compile(r"[0-9]{12}", re.ASCII)

#: Characters :func:`normalize_id` removes: spaces and the dash family people paste from documents.
_SEPARATORS: Final = frozenset(" \u00a0\t-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
#: Thai digits ๐–๙ (U+0E50–U+0E59) to ASCII.
_THAI_DIGITS: Final = {chr(0x0E50 + i): str(i) for i in range(10)}


def check_digit(first_twelve: str) -> int:
    """The mod-11 check digit of a 12-digit ASCII prefix (same for citizen and juristic IDs)."""
    if not _TWELVE.fullmatch(first_twelve):
        raise InputError("thai.id_invalid", "a check digit needs exactly 12 ASCII digits")
    total = sum(int(first_twelve[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10


def _checksum_ok(s: object) -> bool:
    if not isinstance(s, str) or not _THIRTEEN.fullmatch(s):
        return False
    return check_digit(s[:12]) == int(s[12])


def is_valid_citizen_id(s: object) -> bool:
    """True for exactly 13 ASCII digits with a correct check digit.

    A valid checksum says nothing about nationality: see :func:`citizen_id_category`.
    """
    return _checksum_ok(s)


def is_valid_juristic_id(s: object, *, require_leading_zero: bool = True) -> bool:
    """True for a DBD juristic-person ID: 13 ASCII digits, mod-11 check digit, first digit ``0``.

    The leading ``0`` is the DBD layout (⚠️ in docs/thai.md); pass ``require_leading_zero=False``
    to accept any 13-digit tax ID with a valid checksum.
    """
    if not _checksum_ok(s):
        return False
    return not require_leading_zero or str(s).startswith("0")


def validate_citizen_id(s: object) -> str:
    """Return ``s`` unchanged if it is a valid citizen ID, else raise ``thai.id_invalid``."""
    if not is_valid_citizen_id(s):
        raise InputError("thai.id_invalid", "not a 13-digit citizen ID with a valid check digit")
    return str(s)


def validate_juristic_id(s: object, *, require_leading_zero: bool = True) -> str:
    """Return ``s`` unchanged if it is a valid juristic ID, else raise ``thai.id_invalid``."""
    if not is_valid_juristic_id(s, require_leading_zero=require_leading_zero):
        raise InputError("thai.id_invalid", "not a 13-digit juristic ID with a valid check digit")
    return str(s)


def normalize_id(s: str) -> str:
    """Fold user-typed input into 13 ASCII digits: Thai digits → ASCII, spaces and dashes removed.

    This is the *only* place such folding happens. Anything else (letters, other scripts' digits,
    zero-width characters) is refused with ``thai.id_invalid``. The check digit is not checked here;
    call :func:`is_valid_citizen_id` or :func:`is_valid_juristic_id` on the result.
    """
    if not isinstance(s, str):
        raise InputError("thai.id_invalid", "an identifier must be a string")
    folded = "".join(_THAI_DIGITS.get(ch, ch) for ch in s if ch not in _SEPARATORS)
    if not _THIRTEEN.fullmatch(folded):
        raise InputError("thai.id_invalid", "not 13 digits after folding Thai digits, spaces and dashes")
    return folded


@dataclass(frozen=True, slots=True)
class CitizenIdCategory:
    """What the first digit of a citizen ID says about how the person was registered."""

    code: str
    description_th: str
    description_en: str
    #: ``True``/``False`` when the category usually is / is not a Thai national; ``None`` if mixed.
    likely_thai_national: bool | None


def _cat(code: str, th: str, en: str, thai: bool | None) -> tuple[str, CitizenIdCategory]:
    return code, CitizenIdCategory(code, th, en, thai)


#: First-digit table (⚠️ in docs/thai.md: secondary sources, digit 0 especially). Replaceable data.
CITIZEN_ID_CATEGORIES: Final[Mapping[str, CitizenIdCategory]] = dict(
    [
        _cat("1", "คนไทยที่เกิดตั้งแต่ 1 ม.ค. 2527 และแจ้งเกิดภายในกำหนด",
             "Thai, born on or after 1 Jan 1984, birth registered on time", True),
        _cat("2", "คนไทยที่เกิดตั้งแต่ 1 ม.ค. 2527 แต่แจ้งเกิดเกินกำหนด",
             "Thai, born on or after 1 Jan 1984, birth registered late", True),
        _cat("3", "คนไทยหรือคนต่างด้าวที่มีใบสำคัญประจำตัวคนต่างด้าว ซึ่งมีชื่ออยู่ในทะเบียนบ้านในช่วงเริ่มแรก",
             "Thai, or alien with an alien certificate, in a house register at the start (1984)", None),
        _cat("4", "คนไทยหรือคนต่างด้าวที่ย้ายเข้าทะเบียนบ้านในช่วงเริ่มแรกโดยยังไม่มีเลขประจำตัว",
             "Thai or alien who moved into a house register in the initial period without an ID", None),
        _cat("5", "คนไทยที่ได้รับอนุมัติให้เพิ่มชื่อเข้าในทะเบียนบ้านภายหลัง (ตกสำรวจ หรือกรณีอื่น)",
             "Thai added to a house register later (missed in the census, or other cases)", True),
        _cat("6", "ผู้ที่เข้าเมืองโดยไม่ชอบด้วยกฎหมาย หรือเข้าเมืองโดยชอบแต่อยู่ชั่วคราว",
             "entered illegally, or legally with temporary residence (non-Thai)", False),
        _cat("7", "บุตรของบุคคลประเภทที่ 6 ซึ่งเกิดในประเทศไทย",
             "child of a category-6 person, born in Thailand", False),
        _cat("8", "คนต่างด้าวที่เข้าเมืองโดยชอบด้วยกฎหมาย หรือผู้ได้รับสัญชาติไทยภายหลัง",
             "alien with legal residence, or naturalised Thai (after 31 May 1984)", False),
        _cat("0", "บุคคลที่ไม่มีสถานะทางทะเบียน หรือบัตรประจำตัวคนซึ่งไม่มีสัญชาติไทย",
             "person without registration status, or non-Thai ID (e.g. migrant worker)", False),
    ]
)


def citizen_id_category(
    s: str, *, table: Mapping[str, CitizenIdCategory] = CITIZEN_ID_CATEGORIES
) -> CitizenIdCategory | None:
    """The category of a valid citizen ID, or ``None`` when the table has no entry for its first digit.

    Raises ``thai.id_invalid`` for anything that is not a valid citizen ID: the category of a
    mistyped number would be meaningless.
    """
    validate_citizen_id(s)
    return table.get(s[0])


@dataclass(frozen=True, slots=True)
class JuristicType:
    """A DBD juristic-person type, keyed by the 4th digit of the juristic ID (``JuristicType``)."""

    code: str
    name_th: str
    name_en: str


#: The DBD juristic types (docs/thai.md, citizen and juristic IDs). Replaceable data.
JURISTIC_TYPES: Final[Mapping[str, JuristicType]] = {
    "2": JuristicType("2", "ห้างหุ้นส่วนสามัญนิติบุคคล", "registered ordinary partnership"),
    "3": JuristicType("3", "ห้างหุ้นส่วนจำกัด", "limited partnership"),
    "5": JuristicType("5", "บริษัทจำกัด", "private limited company"),
    "7": JuristicType("7", "บริษัทมหาชนจำกัด", "public limited company"),
}


def juristic_type_from_code(
    code: str, *, table: Mapping[str, JuristicType] = JURISTIC_TYPES
) -> JuristicType | None:
    """Look up a type code such as DBD's ``"JuristicType": "5"``; ``None`` if unknown."""
    return table.get(code) if isinstance(code, str) else None


def juristic_type(s: str, *, table: Mapping[str, JuristicType] = JURISTIC_TYPES) -> JuristicType | None:
    """The type encoded in the 4th digit of a valid juristic ID; ``None`` for other digits.

    Raises ``thai.id_invalid`` if ``s`` is not a valid juristic ID.
    """
    validate_juristic_id(s)
    return table.get(s[3])
