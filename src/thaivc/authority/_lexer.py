"""Tokens of a signing clause.

DBD clause text is joined from table rows, so a keyword may carry a stray space ("ลงลาย มือชื่อ")
and words may run together with no space at all ("นายกหรือนายข"). Long keywords are therefore
matched with an optional space between any two characters; names are whatever follows a title up
to the next keyword (a PERSON token keeps its titles). Text that is neither a keyword nor a
titled name stops the lexer: the clause goes to review instead of being half-read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from thaivc.authority._numerals import NUMBER_PATTERN, parse_number, thai_digits_to_ascii

__all__ = ["Token", "Unreadable", "lex", "loose", "title_pattern"]


class Unreadable(Exception):
    """The clause cannot be read with certainty; the message is the review reason."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: str | int | tuple[int, int] | None
    start: int
    end: int

    @property
    def number(self) -> int:
        if not isinstance(self.value, int):
            raise Unreadable(f"expected a number, got {self.kind}")
        return self.value

    @property
    def pair(self) -> tuple[int, int]:
        if not isinstance(self.value, tuple):
            raise Unreadable(f"expected “k ใน n”, got {self.kind}")
        return self.value


def loose(word: str) -> str:
    """``word`` with an optional space allowed between any two characters."""
    return r"\s?".join(re.escape(c) for c in word if not c.isspace())


_NUM = NUMBER_PATTERN
_COMPANY = r"(?:บริษัท|ห้างหุ้นส่วน(?:จำกัด|สามัญนิติบุคคล)?|ห้าง|นิติบุคคล)"
_SEAL = loose("ประทับตรา") + r"\s?(?:" + loose("สำคัญ") + r")?\s?(?:(?:ของ\s?)?" + _COMPANY + r")?(?:\s?ด้วย)?"
_CLASSIFIER = r"(?:คน|ท่าน)"

# Order matters: the first pattern that matches at a position wins.
_KEYWORDS: Final[tuple[tuple[str, str], ...]] = (
    ("SEAL_NOT", r"(?:และ\s?)?(?:โดย\s?)?" + loose("ไม่ต้อง") + r"\s?" + _SEAL),
    ("SEAL_REQ", r"(?:และ\s?|" + loose("พร้อมทั้ง") + r"\s?|พร้อม\s?|โดย\s?)?" + _SEAL),
    ("SIGN", f"{loose('ลงลายมือชื่อ')}|{loose('ลงนาม')}|{loose('ลงชื่อ')}"),
    ("JOINTLY", loose("ร่วมกัน")),
    ("WITH", loose("ร่วมกับ")),
    ("BIND", r"(?:เพื่อ\s?)?(?:" + loose("ผูกพัน") + r"|แทน)\s?" + _COMPANY + r"(?:\s?ได้)?"),
    ("TOTAL", r"รวม\s?(?:เป็น\s?)?(?:จำนวน\s?)?(" + _NUM + r")\s?" + _CLASSIFIER),
    ("KOFN", r"(" + _NUM + r")\s?(?:" + _CLASSIFIER + r"\s?)?ใน\s?(" + _NUM + r")\s?" + _CLASSIFIER
     + r"(?:\s?นี้)?"),
    ("ANYONE", r"คน\s?ใด\s?คน\s?หนึ่ง|คน\s?หนึ่ง\s?คน\s?ใด|ท่าน\s?ใด\s?ท่าน\s?หนึ่ง|คน\s?หนึ่ง"),
    ("COUNT", r"(?:จำนวน\s?)?(" + _NUM + r")\s?" + _CLASSIFIER),
    ("ALL", r"ทุก\s?คน|ทุก\s?ท่าน|ทั้ง\s?หมด(?:\s?ทุก\s?คน)?"),
    ("OTHER", r"อื่น(?:\s?อีก|\s?ๆ)?|อีก"),
    ("DIRECTOR", loose("กรรมการ")),
    ("GROUP", r"กลุ่ม\s?(?:ที่\s?)?(?:\(\s?([\u0e01-\u0e2e]|[0-9๐-๙]+)\s?\)"
              r"|([\u0e01-\u0e2e])\.?(?![\u0e01-\u0e4e])|([0-9๐-๙]+)(?![0-9๐-๙.]))"),
    ("DEF", r"ได้แก่|คือ"),
    ("CAN", r"ได้\s?ด้วย|ได้"),
    ("OF", r"ของ|ใน"),
    ("OR", r"หรือ"),
    ("AND", r"และ"),
    ("LET", r"ให้|โดย"),
    ("ENUM", r"([0-9๐-๙]+)\.(?![0-9๐-๙])"),
    ("ITEM", r"([0-9๐-๙]+)\)"),
    ("COMMA", r"[,;]"),
)
_COMPILED: Final = tuple((k, re.compile(p)) for k, p in _KEYWORDS)
# Keywords that may directly follow a name, and so end it.
_NAME_ENDERS: Final = ("SEAL_NOT", "SEAL_REQ", "SIGN", "JOINTLY", "WITH", "TOTAL", "KOFN", "ANYONE", "COUNT",
                       "ALL", "DIRECTOR", "GROUP", "OR", "AND", "LET", "COMMA")
_WORD_START = r"[\s\u0e01-\u0e2e\u0e40-\u0e44A-Za-z]"


def title_pattern(titles: Sequence[str]) -> str:
    """A regex for one title; an undotted title must be followed by the start of a word."""
    ordered = sorted({t for t in titles if t}, key=len, reverse=True)
    dotted = [loose(t) for t in ordered if t.endswith(".")]
    plain = [loose(t) for t in ordered if not t.endswith(".")]
    alts = []
    if dotted:
        alts.append("(?:" + "|".join(dotted) + ")")
    if plain:
        alts.append("(?:" + "|".join(plain) + f")(?={_WORD_START})")
    return "(?:" + "|".join(alts) + ")" if alts else "(?!)"


def _int(tok: str) -> int:
    n = parse_number(tok)
    if n is None:
        raise Unreadable(f"cannot read the number “{tok}”")
    return n


_NAME_PART = re.compile(r"[\u0e01-\u0e4eA-Za-z][\u0e01-\u0e4eA-Za-z.\-]*")


# Clause vocabulary that no personal name contains; found inside a "name", it means the name ran
# into wording the lexer did not recognise.
_NOT_IN_NAMES: Final = ("ได้ด้วย", "ไม่มี", "กรณี", "ทั่วไป", "เฉพาะ", "ธุรกรรม", "นิติกรรม", "มูลค่า",
                        "การเงิน", "ราชการ", "ประทับตรา", "ลายมือ", "ทั้งนี้", "นอกจาก", "เว้นแต่", "ยกเว้น",
                        "อำนาจ", "นางสาว")


def _check_name(name: str, at: str) -> str:
    parts = name.split(" ")
    if (len(name) > 120 or not 1 <= len(parts) <= 3 or not all(_NAME_PART.fullmatch(p) for p in parts)
            or any(w in name for w in _NOT_IN_NAMES)):
        raise Unreadable(f"cannot tell where the name ends or what follows it: “{at}”")
    return name


class _Lexer:
    def __init__(self, titles: Sequence[str]) -> None:
        title = title_pattern(titles)
        self.title = re.compile(rf"(?:{title}\s?)+")
        enders = "|".join(p for k, p in _KEYWORDS if k in _NAME_ENDERS)
        # names hold no digits, so an enumerator ends a name even when glued to it ("ใจดี2.นาย…")
        self.stop = re.compile(
            rf"\s?(?:{enders})|(?<=[\s.,)])(?:{title})|\s?[0-9๐-๙]+[.)](?![0-9๐-๙])|\s?\(|$")

    def lex(self, text: str) -> list[Token]:
        out: list[Token] = []
        i = 0
        while i < len(text):
            if text[i] == " ":
                i += 1
                continue
            tok = self._keyword(text, i) or self._person(text, i)
            if tok is None:
                raise Unreadable(f"unrecognised wording: “{text[i:i + 40]}”")
            out.append(tok)
            i = tok.end
        return out

    def _keyword(self, text: str, i: int) -> Token | None:
        for kind, rx in _COMPILED:
            m = rx.match(text, i)
            if m is None or m.end() == i:
                continue
            value: str | int | tuple[int, int] | None = None
            if kind in ("TOTAL", "COUNT", "ENUM", "ITEM"):
                value = _int(m.group(1))
            elif kind == "KOFN":
                value = (_int(m.group(1)), _int(m.group(2)))
            elif kind == "GROUP":
                value = thai_digits_to_ascii(next(g for g in m.groups() if g is not None))
            return Token(kind, value, i, m.end())
        return None

    def _person(self, text: str, i: int) -> Token | None:
        m = self.title.match(text, i)
        if m is None:
            return None
        start = m.end()
        while start < len(text) and text[start] == " ":
            start += 1
        stop = self.stop.search(text, start)
        end = stop.start() if stop is not None else len(text)
        name = text[start:end].strip().rstrip(".").strip()
        if not name:
            raise Unreadable(f"a title without a name: “{text[i:i + 40]}”")
        _check_name(name, text[i:i + 60])
        # The token keeps its titles as written: where the title ends is decided when the name is
        # bound to a director ("นางนวล" may be Mrs Nuan or the given name Nangnuan), not here.
        return Token("PERSON", (text[i:start] + name).strip(), i, end)


_LEXERS: dict[tuple[str, ...], _Lexer] = {}


def lex(text: str, titles: Sequence[str]) -> list[Token]:
    """Tokens of ``text``, which is already NFC with whitespace collapsed to single spaces."""
    key = tuple(titles)
    lexer = _LEXERS.get(key)
    if lexer is None:
        if len(_LEXERS) > 16:
            _LEXERS.clear()
        lexer = _LEXERS[key] = _Lexer(titles)
    return lexer.lex(text)
