"""Thai text handling (docs/security.md group J, cases 64–66), names and the comparison fold."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core.errors import InputError
from thaivc.core.jsonutil import dumps_compact, loads_strict
from thaivc.thai import (
    MatchResult,
    ThaiName,
    name_comparison_key,
    names_match,
    normalize_text_nfc,
    require_text,
)

NAM_STORED = "\u0e19\u0e49\u0e33"  # น + MAI THO + SARA AM
NAM_TYPED = "\u0e19\u0e4d\u0e49\u0e32"  # น + NIKHAHIT + MAI THO + SARA AA
PU_TYPED = "\u0e1b\u0e48\u0e39"  # ป + MAI EK + SARA UU (not NFC)
PU_NFC = "\u0e1b\u0e39\u0e48"


def test_j66_nfc_and_nfkc_do_not_unify_nam() -> None:
    """The premise of J.66, so the fold is needed at all."""
    for form in ("NFC", "NFKC"):
        assert unicodedata.normalize(form, NAM_STORED) != unicodedata.normalize(form, NAM_TYPED)


def test_j66_nam_matches_only_with_fold() -> None:
    assert names_match(NAM_STORED, NAM_TYPED) is MatchResult.MATCH_WITH_FOLD
    assert names_match(NAM_STORED, NAM_STORED) is MatchResult.EXACT
    assert names_match("น้ำฝน ใจงาม", NAM_TYPED + "ฝน  ใจงาม") is MatchResult.MATCH_WITH_FOLD
    assert names_match("น้ำฝน", "น้ำผึ้ง") is MatchResult.NO_MATCH
    assert MatchResult.MATCH_WITH_FOLD.matched and not MatchResult.NO_MATCH.matched


def test_j64_nothing_here_normalises_input() -> None:
    """Parsing, JSON round trips and name objects keep the exact code points."""
    assert require_text(PU_TYPED) == PU_TYPED
    assert loads_strict(dumps_compact({"n": PU_TYPED}))["n"] == PU_TYPED
    name = ThaiName.parse(f"นาย {PU_TYPED} ใจดี")
    assert name.given_th == PU_TYPED and name.given_th != PU_NFC
    assert names_match(PU_TYPED, PU_NFC) is MatchResult.MATCH_WITH_FOLD


def test_j65_issuer_normalises_to_nfc() -> None:
    out = normalize_text_nfc(PU_TYPED)
    assert out == PU_NFC and unicodedata.is_normalized("NFC", out)
    assert normalize_text_nfc(NAM_STORED) == NAM_STORED  # NFC never decomposes SARA AM


@pytest.mark.parametrize("cp", [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
                                0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF])
def test_j65_forbidden_characters(cp: int) -> None:
    text = "สม" + chr(cp) + "ชาย"
    for fn in (require_text, normalize_text_nfc):
        with pytest.raises(InputError) as info:
            fn(text)
        assert info.value.code == "text.forbidden_char"
        assert f"U+{cp:04X}" in info.value.detail
    with pytest.raises(InputError):
        ThaiName.parse("นาย " + text + " ใจดี")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("\u0e17\u0e48\u0e35", "\u0e17\u0e35\u0e48"),  # tone typed before the above vowel: ที่
        ("\u0e01\u0e49\u0e49", "\u0e01\u0e49"),  # doubled tone mark
        ("สม\u200bชาย", "สมชาย"),  # zero-width space (debris)
        ("สมชาย  ใจดี", " สมชาย ใจดี "),
        ("Somchai JAIDEE", "somchai jaidee"),
        ("\u0e01\u0e4d\u0e32", "\u0e01\u0e33"),  # plain NIKHAHIT + SARA AA
    ],
)
def test_fold_variants(a: str, b: str) -> None:
    assert a != b
    assert name_comparison_key(a) == name_comparison_key(b)
    assert names_match(a, b) is MatchResult.MATCH_WITH_FOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [("\u0e01\u0e48", "\u0e01\u0e49"), ("สมชาย", "สมชัย"), ("\u0e01\u0e33", "\u0e01\u0e32"), ("", ""), ("ก", "")],
)
def test_fold_keeps_differences(a: str, b: str) -> None:
    assert names_match(a, b) is MatchResult.NO_MATCH


def test_fold_never_uses_nfkc() -> None:
    key = name_comparison_key(NAM_STORED)
    assert "\u0e33" in key and "\u0e4d" not in key


THAI = st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), max_size=12)


@settings(deadline=None)  # no timing assertions in unit tests
@given(THAI)
def test_fold_is_idempotent(s: str) -> None:
    key = name_comparison_key(s)
    assert name_comparison_key(key) == key


# -- names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("นาย สมชาย ใจดี", ("นาย", "สมชาย", None, "ใจดี")),
        ("นายสมชาย ใจดี", ("นาย", "สมชาย", None, "ใจดี")),
        ("นางสาว สมหญิง รักไทย", ("นางสาว", "สมหญิง", None, "รักไทย")),
        ("นางสาวสมหญิง รักไทย", ("นางสาว", "สมหญิง", None, "รักไทย")),
        ("นาง มาลี ศรีสุข", ("นาง", "มาลี", None, "ศรีสุข")),
        ("เด็กหญิงน้ำฝน ใจงาม", ("เด็กหญิง", "น้ำฝน", None, "ใจงาม")),
        ("ผศ.ดร.สุนีย์ วิชาการ", ("ผศ. ดร.", "สุนีย์", None, "วิชาการ")),
        ("พล.ต.อ. วีระ กล้าหาญ", ("พล.ต.อ.", "วีระ", None, "กล้าหาญ")),
        ("พลตำรวจเอก วีระ กล้าหาญ", ("พลตำรวจเอก", "วีระ", None, "กล้าหาญ")),
        ("นาย จอห์น ไมเคิล สมิธ", ("นาย", "จอห์น", "ไมเคิล", "สมิธ")),
        ("สมชาย ใจดี", (None, "สมชาย", None, "ใจดี")),
        ("สมชาย", (None, "สมชาย", None, None)),
    ],
)
def test_parse_thai(text: str, parts: tuple[str | None, ...]) -> None:
    n = ThaiName.parse(text)
    assert (n.title_th, n.given_th, n.middle_th, n.family_th) == parts


def test_parse_english_and_display() -> None:
    n = ThaiName.parse("นาย สมชาย ใจดี", "Mr. Somchai Jaidee")
    assert (n.title_en, n.given_en, n.family_en) == ("Mr.", "Somchai", "Jaidee")
    assert n.display_th() == "นายสมชาย ใจดี"
    assert n.display_th(with_title=False) == "สมชาย ใจดี"
    assert n.display_en() == "Mr. Somchai Jaidee"
    assert n.dopa_query_names() == ("สมชาย", "ใจดี")
    attached = ThaiName.parse(None, "Mr.Somchai Jaidee")
    assert (attached.title_en, attached.given_en, attached.given_th) == ("Mr.", "Somchai", None)
    assert ThaiName.parse(None, "Mrsomchai Jaidee").title_en is None  # "Mr" must not eat a name


def test_middle_name_is_dropped_for_dopa_and_kept_for_display() -> None:
    n = ThaiName.parse("นาย จอห์น ไมเคิล สมิธ", "Mr. John Michael Smith")
    assert n.dopa_query_names() == ("จอห์น", "สมิธ")
    assert n.display_th() == "นายจอห์น ไมเคิล สมิธ" and n.display_en() == "Mr. John Michael Smith"


def test_title_list_is_configurable() -> None:
    default = ThaiName.parse("ท่านผู้หญิง สมศรี ใจดี")
    assert default.title_th is None and default.given_th == "ท่านผู้หญิง"
    custom = ThaiName.parse("ท่านผู้หญิง สมศรี ใจดี", titles_th=("ท่านผู้หญิง",))
    assert (custom.title_th, custom.given_th) == ("ท่านผู้หญิง", "สมศรี")


def test_chip_layout() -> None:
    n = ThaiName.from_chip("นาย#สมชาย##ใจดี", "Mr.#Somchai##Jaidee")
    assert (n.title_th, n.given_th, n.middle_th, n.family_th) == ("นาย", "สมชาย", None, "ใจดี")
    assert n.display_en() == "Mr. Somchai Jaidee"
    with pytest.raises(InputError):
        ThaiName.from_chip("นาย#สมชาย#ใจดี")


@pytest.mark.parametrize("bad", ["นาย", "   ", ""])
def test_parse_refuses_empty_names(bad: str) -> None:
    with pytest.raises(InputError) as info:
        ThaiName.parse(bad)
    assert info.value.code == "thai.name_invalid"


def test_names_match_on_thai_name_ignores_titles() -> None:
    registry = ThaiName.parse("เด็กหญิง น้ำฝน ใจงาม")
    typed = ThaiName.parse(f"นางสาว {NAM_TYPED}ฝน ใจงาม")
    assert names_match(registry, typed) is MatchResult.MATCH_WITH_FOLD
    assert names_match(registry, "น้ำฝน ใจงาม") is MatchResult.EXACT
    assert names_match(registry, "น้ำฝน ใจดี") is MatchResult.NO_MATCH


def test_from_thaid_claims() -> None:
    claims = {"title": "นาย", "given_name": "สมชาย", "middle_name": "", "family_name": "ใจดี",
              "title_en": "Mr.", "given_name_en": "Somchai", "family_name_en": "Jaidee", "pid": "x"}
    n = ThaiName.from_claims(claims)
    assert n == ThaiName.parse("นาย สมชาย ใจดี", "Mr. Somchai Jaidee")
    assert n.middle_th is None
    with pytest.raises(InputError):
        ThaiName.from_claims({"given_name": ["สมชาย"]})
    with pytest.raises(InputError):
        ThaiName.from_claims({"given_name": "สม\u202eชาย"})


def test_fold_is_idempotent_on_every_short_mark_cluster() -> None:
    """Exhaustive over clusters of up to three marks (hypothesis found ุิฺ once): the key is a fixed point."""
    import itertools

    marks = [chr(c) for c in range(0x0E31, 0x0E3B)] + [chr(c) for c in range(0x0E47, 0x0E4F)] + ["\u0e32"]
    for n in (1, 2, 3):
        for combo in itertools.product(marks, repeat=n):
            key = name_comparison_key("ก" + "".join(combo))
            assert name_comparison_key(key) == key, [hex(ord(c)) for c in combo]
