"""Thai identity data: 13-digit IDs, laser codes, Buddhist-Era dates, names, addresses and text.

Everything here is pure and offline. Validators are strict (ASCII digits only); folding of
user-typed input (Thai digits, dashes, typing variants) happens only in the functions whose names
say so, and never on data that is about to be, or has been, signed.
"""

from thaivc.thai.address import BANGKOK, BANGKOK_ALIASES, DEFAULT_PREFIXES, ThaiAddress
from thaivc.thai.dates import (
    BE_OFFSET,
    DEFAULT_OLD_NEW_YEAR_RULE,
    BEDate,
    OldNewYearRule,
    Precision,
    parse_be_date,
    to_be_date,
)
from thaivc.thai.ids import (
    CITIZEN_ID_CATEGORIES,
    JURISTIC_TYPES,
    CitizenIdCategory,
    JuristicType,
    check_digit,
    citizen_id_category,
    is_valid_citizen_id,
    is_valid_juristic_id,
    juristic_type,
    juristic_type_from_code,
    normalize_id,
    validate_citizen_id,
    validate_juristic_id,
)
from thaivc.thai.laser import is_valid_laser_code, normalize_laser_code
from thaivc.thai.names import DEFAULT_TITLES_EN, DEFAULT_TITLES_TH, MatchResult, ThaiName, names_match
from thaivc.thai.text import FORBIDDEN_CHARS, check_text, name_comparison_key, normalize_text_nfc, require_text

__all__ = [
    "BANGKOK",
    "BANGKOK_ALIASES",
    "BE_OFFSET",
    "CITIZEN_ID_CATEGORIES",
    "DEFAULT_OLD_NEW_YEAR_RULE",
    "DEFAULT_PREFIXES",
    "DEFAULT_TITLES_EN",
    "DEFAULT_TITLES_TH",
    "FORBIDDEN_CHARS",
    "JURISTIC_TYPES",
    "BEDate",
    "CitizenIdCategory",
    "JuristicType",
    "MatchResult",
    "OldNewYearRule",
    "Precision",
    "ThaiAddress",
    "ThaiName",
    "check_digit",
    "check_text",
    "citizen_id_category",
    "is_valid_citizen_id",
    "is_valid_juristic_id",
    "is_valid_laser_code",
    "juristic_type",
    "juristic_type_from_code",
    "name_comparison_key",
    "names_match",
    "normalize_id",
    "normalize_laser_code",
    "normalize_text_nfc",
    "parse_be_date",
    "require_text",
    "to_be_date",
    "validate_citizen_id",
    "validate_juristic_id",
]
