"""``parse_clause``: a DBD signing clause (อำนาจกรรมการ) to an ``AuthorityRule``.

The clause is read in three layers:

1. structure, on the text: a partnership's "หุ้นส่วนผู้จัดการ" form; numbered sections "(1) … (2) …"
   or "(ก) กรณีทั่วไป … (ข) เฉพาะกรณี …"; an exception ("เว้นแต่ / ยกเว้น / ไม่รวมถึง <scope> ให้ …"),
   which withdraws the general rule for the scope and replaces it there; an addition ("<scope>
   นอกจากผู้มีอำนาจตาม (1) แล้วให้ …", "ทั้งนี้ สำหรับ <scope> ให้ … ได้ด้วย"), which keeps the general
   rule and adds branches for the scope;
2. sentences, on tokens: alternatives joined by "หรือ" (optionally numbered "1) … หรือ 2) …"), each
   "<who> ลงลายมือชื่อ [ร่วมกัน | ร่วมกับ <who>] [รวมเป็น N คน] [seal]", plus group definitions
   ("กลุ่ม (ก) 1. … 2. …", "กลุ่ม 1 ได้แก่ …");
3. names, bound to the directors list when one is given.

Whatever does not fit exactly is returned as ``needs_review=True`` with the reason. The parser
never picks one reading of an ambiguous clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from pydantic import ValidationError

from thaivc.authority._lexer import Token, Unreadable, lex, loose, title_pattern
from thaivc.authority._model import (
    AnyDirector,
    AnyOf,
    Branch,
    DirectorName,
    PersonRef,
    Scope,
    SealRequirement,
    Slot,
)
from thaivc.authority._names import (
    DEFAULT_TITLES,
    collapse,
    matching_readings,
    name_readings,
    registry_readings,
    title_conflict,
)
from thaivc.authority._numerals import NUMBER_PATTERN, thai_digits_to_ascii
from thaivc.authority._rule import AuthorityRule
from thaivc.authority._scope import parse_scope
from thaivc.core.errors import UsageError

__all__ = ["MAX_CLAUSE_CHARS", "parse_clause"]

#: Longer "clauses" are not signing clauses; they go to review without being read.
MAX_CLAUSE_CHARS: Final = 4000


@dataclass
class _PSlot:
    """A slot before names are bound: named people, any director, a group, or every director."""

    kind: Literal["people", "director", "group", "all"]
    names: list[str] = field(default_factory=list)
    group: str | None = None
    of: int | None = None  # "k ใน n": the clause's own count of directors


_Sentence = tuple[list[_PSlot], SealRequirement]

#: Sentence readings tried before a clause is declared too tangled to read.
_SPLIT_BUDGET: Final = 512


class _Tokens:
    """Recursive-descent reader of the sentence grammar described in the module docstring."""

    def __init__(self, toks: list[Token], text: str) -> None:
        self.toks, self.text, self.i = toks, text, 0
        self.cut: int | None = None     # cap on the names an object's "หรือ" list may take
        self.object_names = 0           # names the object's list took when uncapped
        self.budget = _SPLIT_BUDGET
        self.furthest: Unreadable | None = None
        self.furthest_at = -1

    # -- cursor helpers --------------------------------------------------------------------------
    def peek(self, k: int = 0) -> str | None:
        j = self.i + k
        return self.toks[j].kind if j < len(self.toks) else None

    def take(self, kind: str) -> Token | None:
        if self.peek() == kind:
            self.i += 1
            return self.toks[self.i - 1]
        return None

    def expect(self, kind: str, what: str) -> Token:
        tok = self.take(kind)
        if tok is None:
            raise self.error(f"expected {what}")
        return tok

    def error(self, why: str) -> Unreadable:
        if self.i < len(self.toks):
            at = self.text[self.toks[self.i].start:self.toks[self.i].start + 40]
            return Unreadable(f"{why} at “{at}”")
        return Unreadable(f"{why} at the end of “{self.text[-40:]}”")

    def skip(self, *kinds: str) -> None:
        while self.peek() in kinds:
            self.i += 1

    # -- group definitions -----------------------------------------------------------------------
    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        while True:
            lead = 1 if self.peek() == "DIRECTOR" else 0
            if self.peek(lead) != "GROUP" or self.peek(lead + 1) not in ("DEF", "ENUM", "PERSON"):
                return out
            self.i += lead
            label = str(self.expect("GROUP", "a group").value)
            if label in out:
                raise self.error(f"group ({label}) is defined twice")
            self.take("DEF")
            members: list[str] = []
            while True:
                save = self.i
                self.skip("COMMA", "AND")
                self.take("ENUM")
                person = self.take("PERSON")
                if person is None:
                    self.i = save
                    break
                members.append(str(person.value))
            if not members:
                raise self.error(f"group ({label}) lists nobody")
            out[label] = members

    # -- sentences -------------------------------------------------------------------------------
    def sentences(self) -> list[_Sentence]:
        """Alternatives joined by "หรือ", optionally numbered "1) … หรือ 2) …" (in order).

        "หรือ" also separates names inside one slot, so "… ร่วมกับ นาย ค หรือ นาย ง ลงลายมือชื่อ"
        could end the object after ค or after ง. Every split is tried; the clause is accepted only
        when exactly one split reads to the end, and otherwise goes to review.
        """
        self.budget = _SPLIT_BUDGET
        readings = self._readings(self.i)
        if not readings:
            raise self.furthest or self.error("expected a signing sentence")
        if len(readings) > 1:
            raise Unreadable("the alternatives can be split at “หรือ” in more than one way")
        items = [item for _, item in readings[0] if item is not None]
        if items and items != list(range(1, len(readings[0]) + 1)):
            raise Unreadable("numbered alternatives are not 1), 2), … one per alternative")
        return [sentence for sentence, _ in readings[0]]

    def _readings(self, start: int) -> list[list[tuple[_Sentence, int | None]]]:
        """Every complete reading of the tokens from ``start`` (stops once two are found)."""
        out: list[list[tuple[_Sentence, int | None]]] = []
        for sentence, end, item in self._options(start):
            if end == len(self.toks):
                out.append([(sentence, item)])
            elif self.toks[end].kind == "OR":
                out += [[(sentence, item), *rest] for rest in self._readings(end + 1)]
            else:
                self.i = end
                self._note(self.error("expected “หรือ” between alternatives"))
            if len(out) > 1:
                break
        return out

    def _options(self, start: int) -> list[tuple[_Sentence, int, int | None]]:
        """Each way one sentence can be read from ``start``: (sentence, end, item number)."""
        self.i = start
        tok = self.take("ITEM")
        item = tok.number if tok is not None else None
        body = self.i
        options: list[tuple[_Sentence, int, int | None]] = []
        self.object_names = 0
        for cut in [None, *range(1, 64)]:
            if cut is not None and cut >= self.object_names:
                break
            self.budget -= 1
            if self.budget < 0:
                raise Unreadable("the clause has too many possible readings")
            self.i, self.cut = body, cut
            try:
                options.append((self.sentence(), self.i, item))
            except Unreadable as exc:
                self._note(exc)
        self.cut = None
        return options

    def _note(self, exc: Unreadable) -> None:
        """Keep the error from the furthest point reached: it is the most useful review reason."""
        if self.furthest is None or self.i >= self.furthest_at:
            self.furthest, self.furthest_at = exc, self.i

    def sentence(self) -> _Sentence:
        self.skip("LET")
        slots = self.subject()
        total = self.take("TOTAL")
        jointly = self.take("JOINTLY") is not None
        self.expect("SIGN", "“ลงลายมือชื่อ”")
        self.skip("BIND", "CAN")
        with_ = False
        if self.take("JOINTLY"):
            jointly = True
        elif self.take("WITH"):
            with_ = True
            slots = slots + self.object()
        self.skip("BIND", "CAN")
        total = self.take("TOTAL") or total
        seal: SealRequirement = "unspecified"
        if self.take("SEAL_REQ"):
            seal = "required"
        elif self.take("SEAL_NOT"):
            seal = "not_required"
        self.skip("BIND", "CAN")
        n = _count(slots)
        if total is not None and total.number != n:
            raise Unreadable(f"the clause says {total.value} signers in total but names {n} signatures")
        if (jointly or with_) and n < 2:
            raise Unreadable("“ร่วมกัน/ร่วมกับ” (jointly) with a single signature")
        return slots, seal

    def subject(self) -> list[_PSlot]:
        if self.peek() == "DIRECTOR":
            return self.directors(other_allowed=False)
        if self.peek() == "PERSON":
            return self.people()
        raise self.error("expected a director or a named person")

    def object(self) -> list[_PSlot]:
        out: list[_PSlot] = []
        while True:
            if self.peek() == "DIRECTOR":
                out += self.directors(other_allowed=True)
            elif self.peek() == "PERSON":
                start = self.i
                out += self.people(limit=self.cut)
                took = sum(t.kind == "PERSON" for t in self.toks[start:self.i])
                self.object_names = max(self.object_names, took)
            else:
                raise self.error("expected who signs together with the first signer")
            if self.peek() == "AND" and self.peek(1) in ("DIRECTOR", "PERSON"):
                self.i += 1
                continue
            return out

    def directors(self, *, other_allowed: bool) -> list[_PSlot]:
        self.expect("DIRECTOR", "“กรรมการ”")
        if self.take("OTHER") and not other_allowed:
            raise self.error("“กรรมการอื่น” without a first signer")
        group: str | None = None
        if self.peek() == "OF" and self.peek(1) == "GROUP":
            self.i += 1
        if (g := self.take("GROUP")) is not None:
            group = str(g.value)
        if (c := self.take("COUNT")) is not None:
            n = c.number
        elif self.take("ANYONE"):
            n = 1
            if group is None and self.peek() == "OF" and self.peek(1) == "GROUP":
                self.i += 1
                group = str(self.expect("GROUP", "a group").value)
        elif group is None and self.take("ALL"):
            return [_PSlot("all")]
        elif group is None and not other_allowed and (kofn := self.take("KOFN")) is not None:
            # "กรรมการสองในห้าคน…" with nobody named: k of the company's n directors
            n, of = kofn.pair
            if not 1 <= n <= of:
                raise self.error(f"“{n} ใน {of}” is not a quorum")
            return [_PSlot("director", of=of) for _ in range(n)]
        else:
            raise self.error("expected how many directors sign")
        if not 1 <= n <= 64:
            raise self.error(f"an implausible number of directors ({n})")
        if group is not None:
            return [_PSlot("group", group=group) for _ in range(n)]
        return [_PSlot("director") for _ in range(n)]

    def people(self, limit: int | None = None) -> list[_PSlot]:
        names = [str(self.expect("PERSON", "a name").value)]
        seps: list[str] = []
        while limit is None or len(names) < limit:
            if self.peek() == "PERSON":
                seps.append("JUXTA")
            elif self.peek() in ("OR", "AND", "COMMA") and self.peek(1) == "PERSON":
                seps.append(str(self.peek()))
                self.i += 1
            else:
                break
            names.append(str(self.expect("PERSON", "a name").value))
        if self.peek() == "DIRECTOR" and self.peek(1) in ("KOFN", "COUNT", "ANYONE"):
            self.i += 1
        if (kofn := self.take("KOFN")) is not None:
            k, n = kofn.pair
            if n != len(names) or not 1 <= k <= n:
                raise Unreadable(f"“{k} ใน {n}” does not fit the {len(names)} people named")
            return [_PSlot("people", names=list(names)) for _ in range(k)]
        # "นาย ก นาย ข นาย ค กรรมการสองคน…" / "นาย ก หรือ นาย ข คนใดคนหนึ่ง…": k of the people listed
        count = self.take("COUNT")
        k = count.number if count is not None else 1 if self.take("ANYONE") else 0
        if count is not None or k:
            if len(names) < 2 or not 1 <= k <= len(names):
                raise Unreadable(f"{k} signer(s) from the {len(names)} people named")
            return [_PSlot("people", names=list(names)) for _ in range(k)]
        kinds = set(seps)
        if not kinds:
            return [_PSlot("people", names=names)]
        if kinds == {"OR"}:
            return [_PSlot("people", names=names)]
        if kinds <= {"AND", "COMMA"} and seps[-1] == "AND":
            return [_PSlot("people", names=[n]) for n in names]
        raise Unreadable("a list of names whose grouping is unclear (mixed “และ/หรือ” or no connective): "
                         + ", ".join(names))


def _count(slots: list[_PSlot]) -> int:
    # "every director" stands for at least two signatures until the directors list expands it
    return sum(2 if s.kind == "all" else 1 for s in slots)


# -- structure ------------------------------------------------------------------------------------

_EXCEPT: Final = re.compile(f"{loose('เว้นแต่')}|{loose('ยกเว้น')}|{loose('ไม่รวมถึง')}")
_BESIDES: Final = re.compile(
    r"^(?:ทั้งนี้\s?)?(?:สำหรับ\s?|ในการ\s?)?(?P<scope>.+?)\s?" + loose("นอกจาก") + r"\s?(?:"
    + loose("ผู้มีอำนาจ") + r"(?:\s?(?:ลงนาม|ลงลายมือชื่อ))?)?\s?(?:ตาม\s?(?:ข้อ\s?)?\(?\s?[1๑]\s?\)?|"
    + r"ข้างต้น|ดังกล่าว(?:ข้างต้น)?)?\s?แล้ว\s?(?:ให้\s?)?(?P<special>.+)$"
)
_ALSO_END: Final = re.compile(r"\s?ได้\s?ด้วย$")
_ALSO_LEAD: Final = re.compile(r"^(?:ทั้งนี้\s?)?(?:สำหรับ\s?|ในการ\s?)?")
_SECTION: Final = re.compile(
    r"(?<!กลุ่ม)(?<!กลุ่ม )(?<!ตาม)(?<!ตาม )(?<!ข้อ)(?<!ข้อ )\(\s?([0-9๐-๙]+|[\u0e01-\u0e2e])\s?\)")
_LETTERS: Final = "กขคงจฉชซฌญ"
_GENERAL_CASE: Final = re.compile(r"^" + loose("กรณีทั่วไป") + r"\s?(?:ให้\s?)?")
_SPECIAL_CASE: Final = re.compile(r"^(?:เฉพาะ\s?|ใน\s?)?" + loose("กรณี") + r"(?:\s?ที่)?\s?")
_GROUP_QUORUM: Final = re.compile(r"ใน\s?(?:" + NUMBER_PATTERN + r")\s?กลุ่ม")
_PARTNER: Final = re.compile(
    r"^(?:\(?\s?ห้างหุ้นส่วน(?:จำกัด|สามัญนิติบุคคล)\s?\)?\s?)?" + loose("หุ้นส่วนผู้จัดการ")
    + r"\s?[:：]?\s?(?P<who>.+?)\s?[;；]?\s?" + loose("ข้อจำกัดอำนาจ") + r"(?:\s?" + loose("หุ้นส่วนผู้จัดการ")
    + r")?\s?[:：]?\s?(?P<limit>.+?)\s?\.?$"
)
_NO_LIMIT: Final = ("ไม่มี", "-", "ไม่มีข้อจำกัด", "ไม่มีข้อจำกัดอำนาจ")
_PREAMBLE: Final = re.compile(
    r"^(?:" + loose("อำนาจกรรมการ") + r"|" + loose("กรรมการลงชื่อผูกพัน") + r")\s?[:：]\s?"
)


@dataclass
class _Modifier:
    kind: Literal["withdraw", "add"]
    scope: Scope
    special: str | None


def _split_special(rest: str, titles: Sequence[str]) -> tuple[str, str | None]:
    """'<scope> ให้ <who> …' → (scope, special); the ให้ must introduce a signer."""
    m = re.search(r"\s?ให้\s?(?=" + title_pattern(titles) + "|" + loose("กรรมการ") + ")", rest)
    if m is None:
        return rest, None
    return rest[:m.start()], rest[m.end():]


def _modifier(text: str, titles: Sequence[str], *, section: bool) -> tuple[str, _Modifier | None]:
    """Split ``text`` into its general part and at most one exception/addition."""
    excepts = list(_EXCEPT.finditer(text))
    if len(excepts) > 1:
        raise Unreadable("more than one “เว้นแต่/ยกเว้น” exception")
    if excepts:
        m = excepts[0]
        scope_text, special = _split_special(text[m.end():], titles)
        return text[:m.start()].strip(), _Modifier("withdraw", parse_scope(scope_text), special)
    tail = text
    general = ""
    if not section:
        k = text.find("ทั้งนี้")
        if k < 0:
            return text, None
        general, tail = text[:k].strip(), text[k:]
    if (b := _BESIDES.match(tail)) is not None:
        return general, _Modifier("add", parse_scope(b["scope"]), b["special"])
    if (end := _ALSO_END.search(tail)) is not None:
        body = _ALSO_LEAD.sub("", tail[:end.start()], count=1)
        scope_text, special = _split_special(body, titles)
        if special is not None:
            return general, _Modifier("add", parse_scope(scope_text), special)
    raise Unreadable(f"cannot tell whether “{tail[:60]}” adds to or replaces the general rule")


def _sections(text: str) -> list[str]:
    """Split "(1) … (2) …" or "(ก) … (ข) …"; labels must run in order from the start."""
    marks = list(_SECTION.finditer(text))
    if not marks:
        return [text]
    if text[:marks[0].start()].strip():
        raise Unreadable("text before the first numbered section")
    labels = [thai_digits_to_ascii(m.group(1)) for m in marks]
    if labels not in ([str(i) for i in range(1, len(marks) + 1)], list(_LETTERS[:len(marks)])):
        raise Unreadable("numbered sections are not (1), (2), … or (ก), (ข), … in order")
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [text[m.end():e].strip() for m, e in zip(marks, ends, strict=True)]


# -- names ---------------------------------------------------------------------------------------

class _Binder:
    """Binds clause names to directors: every reading of the clause's name is tried.

    A clause writes names as registry strings ("นางนวล ใจดี"); the directors list usually keeps the
    title in a field of its own. A clause name binds when exactly one director has a reading that
    agrees with one of its readings (space-insensitive, because rows are joined with stray spaces);
    anything else sends the clause to review with the reason.
    """

    def __init__(self, directors: Sequence[DirectorName] | None, titles: Sequence[str]) -> None:
        self.titles = titles
        self.directors = list(directors) if directors is not None else None
        self.readings = [(d, name_readings(d.name_th, d.title_th, titles)) for d in self.directors or []]

    def person(self, raw: str) -> PersonRef:
        mine = registry_readings(raw, self.titles)
        if self.directors is None:
            if len({r.key for r in mine}) > 1:
                raise Unreadable(f"“{raw}” can be read as {' or '.join(f'“{r.shown()}”' for r in mine)}; "
                                 "the directors list is needed to tell which")
            return PersonRef(name_th=mine[0].key)
        hits = [(d, pairs[0][1]) for d, theirs in self.readings
                if (pairs := matching_readings(mine, theirs, ignore_spaces=True))]
        if len(hits) == 1:
            director, reading = hits[0]
            return PersonRef(name_th=reading.key, citizen_id=director.citizen_id)
        if hits:
            raise Unreadable(f"“{raw}” matches more than one director ("
                             + ", ".join(f"“{d.name_th}”" for d, _ in hits) + ")")
        clash = next((c for _, theirs in self.readings if (c := title_conflict(mine, theirs))), None)
        if clash is not None:
            raise Unreadable(f"“{raw}” is not among the directors: “{clash[1].shown()}” has the same name "
                             "but another title")
        raise Unreadable(f"“{raw}” is not among the directors")

    def director(self, d: DirectorName) -> PersonRef:
        """A director as a clause person (for "กรรมการทุกคน")."""
        rs = name_readings(d.name_th, d.title_th, self.titles)
        return PersonRef(name_th=rs[0].key, citizen_id=d.citizen_id) if len(rs) == 1 else self.person(d.name_th)

    def slots(self, ps: list[_PSlot], groups: dict[str, list[str]]) -> list[Slot]:
        out: list[Slot] = []
        for p in ps:
            if p.kind == "director":
                if p.of is not None and self.directors is not None and p.of != len(self.directors):
                    raise Unreadable(f"the clause counts {p.of} directors but the registry lists "
                                     f"{len(self.directors)}")
                out.append(AnyDirector())
            elif p.kind == "all":
                if not self.directors:
                    raise Unreadable("“กรรมการทุกคน” (all directors) needs the list of directors")
                refs = [self.director(d) for d in self.directors]
                out.extend(AnyOf(any_of=[r]) for r in refs)
            elif p.kind == "group":
                if p.group not in groups:
                    raise Unreadable(f"group ({p.group}) is used but never defined")
                out.append(AnyOf(any_of=self._unique(groups[p.group]), group=p.group))
            else:
                out.append(AnyOf(any_of=self._unique(p.names)))
        return out

    def _unique(self, names: list[str]) -> list[PersonRef]:
        refs: list[PersonRef] = []
        for n in names:
            r = self.person(n)
            if r not in refs:
                refs.append(r)
        return refs


# -- assembly ------------------------------------------------------------------------------------

def _branches(sentences: list[_Sentence], binder: _Binder, groups: dict[str, list[str]],
              mode: Literal["always", "only", "except"], scope: Scope | None) -> list[Branch]:
    out = []
    for ps, seal in sentences:
        slots = binder.slots(ps, groups)
        out.append(Branch(mode=mode, scope=scope, total=len(slots), slots=slots, seal=seal))
    return out


def _read(text: str, directors: Sequence[DirectorName] | None, titles: Sequence[str]) -> list[Branch]:
    text = _PREAMBLE.sub("", text)
    binder = _Binder(directors, titles)
    if (p := _PARTNER.match(text)) is not None:
        return _partnership(p["who"], p["limit"], binder, titles)
    if "หุ้นส่วนผู้จัดการ" in text.replace(" ", ""):
        raise Unreadable("a managing-partner clause in an unrecognised layout")
    if (g := _GROUP_QUORUM.search(text)) is not None:
        raise Unreadable(
            f"a quorum over groups (“{g.group(0)}”) with a head count: it can mean people from any two "
            "groups or one person from every group, and the clause does not say which")
    parts = _sections(text)
    # "(ก) กรณีทั่วไป … (ข) เฉพาะกรณี <scope> ให้ …": labelled cases; each special case withdraws
    general_case = len(parts) > 1 and _GENERAL_CASE.match(parts[0]) is not None
    if general_case:
        parts[0] = _GENERAL_CASE.sub("", parts[0], count=1)
    general, mod = _modifier(parts[0], titles, section=False)
    mods = [mod] if mod is not None else []
    for extra in parts[1:]:
        if general_case and (case := _SPECIAL_CASE.match(extra)) is not None:
            scope_text, special = _split_special(extra[case.end():], titles)
            if special is None:
                raise Unreadable(f"the special case “{extra[:60]}” does not say who signs")
            mods.append(_Modifier("withdraw", parse_scope(scope_text), special))
            continue
        rest, m2 = _modifier(extra, titles, section=True)
        if rest or m2 is None:
            raise Unreadable(f"section “{extra[:60]}” is not an exception or an addition")
        mods.append(m2)
    if sum(m.kind == "withdraw" for m in mods) > 1:
        raise Unreadable("more than one exception to the general rule")
    reader = _Tokens(lex(general, titles), general)
    groups = reader.groups()
    general_sentences = reader.sentences()
    withdraw = next((m for m in mods if m.kind == "withdraw"), None)
    branches = _branches(general_sentences, binder, groups,
                         "except" if withdraw else "always", withdraw.scope if withdraw else None)
    for m in mods:
        if m.special is None:
            continue
        who = m.special.strip()
        branches += _branches(_Tokens(lex(who, titles), who).sentences(), binder, groups, "only", m.scope)
    seals = {b.seal for b in branches}
    if "unspecified" in seals and len(seals) > 1:
        raise Unreadable("the seal is stated for some alternatives only; it is unclear whether it "
                         "applies to the others")
    return branches


def _partnership(who: str, limit: str, binder: _Binder, titles: Sequence[str]) -> list[Branch]:
    if limit.strip() not in _NO_LIMIT:
        raise Unreadable(f"the managing partner's authority is limited: “{limit}”")
    toks = lex(who.strip(), titles)
    if [t.kind for t in toks] != ["PERSON"]:
        raise Unreadable("several managing partners; the clause does not say how they sign together")
    person = binder.person(str(toks[0].value))
    return [Branch(mode="always", scope=None, total=1, slots=[AnyOf(any_of=[person])], seal="unspecified")]


def parse_clause(text_th: str, directors: Sequence[DirectorName | str] | None = None, *,
                 titles: Sequence[str] = DEFAULT_TITLES) -> AuthorityRule:
    """Parse a DBD signing clause; unreadable or ambiguous clauses come back ``needs_review``.

    ``directors`` (the company's committee list, titles allowed) binds every named person to exactly
    one director and expands "กรรมการทุกคน". ``titles`` is the list of titles and ranks stripped
    from names. The raw clause is kept verbatim in ``raw_clause_th``.
    """
    if not isinstance(text_th, str):
        raise UsageError("usage.invalid_argument", "text_th must be a str")
    dirs: list[DirectorName] | None = None
    if directors is not None:
        try:
            dirs = [d if isinstance(d, DirectorName) else DirectorName(name_th=collapse(d))
                    for d in directors]
        except (TypeError, ValidationError) as exc:
            raise UsageError("usage.invalid_argument", "directors must be DirectorName or str") from exc
    try:
        if len(text_th) > MAX_CLAUSE_CHARS:
            raise Unreadable(f"the clause is longer than {MAX_CLAUSE_CHARS} characters")
        text = collapse(text_th)
        if not text:
            raise Unreadable("the clause is empty")
        branches = _read(text, dirs, [collapse(t) for t in titles])
    except Unreadable as exc:
        return AuthorityRule(branches=[], needs_review=True, review_reason=str(exc), raw_clause_th=text_th)
    except (ValidationError, ValueError, RecursionError) as exc:
        reason = f"the clause reads into an invalid rule: {type(exc).__name__}"
        return AuthorityRule(branches=[], needs_review=True, review_reason=reason, raw_clause_th=text_th)
    return AuthorityRule(branches=branches, needs_review=False, review_reason=None, raw_clause_th=text_th)
