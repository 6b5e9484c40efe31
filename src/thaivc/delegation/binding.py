"""Who signed: binding authenticated people to the directors DBD lists.

DBD's committee list gives a title and Thai given and family names — no citizen ID
(docs/authority.md). A person is therefore bound to a director only when

* their identity comes from a *trusted, verified* ``ThaiCitizenCredential`` (the caller checks the
  signature, the issuer and the assurance level before calling here), and
* their Thai name matches exactly one director under the Thai name fold
  (:func:`thaivc.thai.name_comparison_key`), with both titles agreeing where both sides carry one.

Titles are never stripped from a name whose title has a field of its own: the citizen credential
and the DBD committee list both keep the title apart, so "นางนวล" (a given name) stays "นางนวล" and
is never read as "นาง นวล". Only registry *strings* are split, and a string that splits in more
than one way must fit exactly one director.

Anything else — no director, several directors, titles that disagree, or a partial match such as
the same family name with another given name — is refused with ``authority.director_unmatched``
and the reason. Rule
slots are then filled with the resulting :class:`~thaivc.authority.SignerRef` values, never with
a name the signer typed. Comparison happens after verification and never changes signed text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from thaivc.authority import DirectorName, SignerRef
from thaivc.authority._names import NameReading, collapse, matching_readings, title_conflict, title_field
from thaivc.core.errors import InputError
from thaivc.registries.dbd import Director
from thaivc.thai import MatchResult, names_match

__all__ = ["DirectorBinding", "bind_director", "citizen_name_th", "directors_from_credential",
           "directors_from_registry"]

UNMATCHED = "authority.director_unmatched"


@dataclass(frozen=True, slots=True)
class DirectorBinding:
    """An authenticated person identified as one director of the company.

    ``match`` records how the names compared (``exact`` or ``match_with_fold``), so an audit can
    see that the bytes differed (docs/thai.md, names and the matching fold).
    """

    did: str
    citizen_id: str
    name_th: str
    director: DirectorName
    match: MatchResult

    def signer(self) -> SignerRef:
        """The rule's view of this person: the director's registered name and the citizen id."""
        return SignerRef(name_th=self.director.name_th, title_th=self.director.title_th,
                         citizen_id=self.citizen_id)


def _director(title: str | None, name: str) -> DirectorName:
    """A director whose title came in a field of its own: shown with it, compared without it."""
    t = collapse(title or "")
    return DirectorName(name_th=collapse(f"{t} {name}" if t else name), title_th=t)


def directors_from_registry(directors: Sequence[Director]) -> list[DirectorName]:
    """DBD registry rows as rule-model directors (the row's title kept apart from the name)."""
    return [_director(d.title, d.full_name_th) for d in directors]


def directors_from_credential(subject: Mapping[str, Any]) -> list[DirectorName]:
    """The ``directors`` of a verified ``JuristicPersonCredential`` subject."""
    rows = subject.get("directors")
    if not isinstance(rows, list):
        raise InputError("schema.invalid", "the juristic person credential lists no directors",
                         loc=("credentialSubject", "directors"))
    out: list[DirectorName] = []
    for i, row in enumerate(rows):
        parts = [row.get(k) for k in ("titleTh", "givenNameTh", "familyNameTh")] if isinstance(row, dict) else []
        if len(parts) != 3 or not isinstance(parts[1], str) or not isinstance(parts[2], str):
            raise InputError("schema.invalid", "a director has no Thai given and family name",
                             loc=("credentialSubject", "directors", i))
        title = parts[0] if isinstance(parts[0], str) else None
        out.append(_director(title, f"{parts[1]} {parts[2]}"))
    return out


def citizen_name_th(subject: Mapping[str, Any]) -> str:
    """"given [middle] family" from a ThaiCitizenCredential subject, without the title."""
    given, family = subject.get("givenNameTh"), subject.get("familyNameTh")
    middle = subject.get("middleNameTh")
    if not isinstance(given, str) or not isinstance(family, str) or not given or not family:
        raise InputError("schema.invalid", "the citizen credential has no Thai given and family name",
                         loc=("credentialSubject",))
    parts = [given, middle, family] if isinstance(middle, str) and middle else [given, family]
    return " ".join(parts)


def _partial(person_key: str, director_key: str) -> str | None:
    """Why two different name keys still look related, or None when they do not."""
    p, d = person_key.split(" "), director_key.split(" ")
    if p[-1] == d[-1]:
        return "only the family name matches"
    if p[0] == d[0]:
        return "only the given name matches"
    if person_key in director_key or director_key in person_key:
        return "the names overlap only in part"
    return None


def _citizen_reading(subject: Mapping[str, Any]) -> NameReading:
    """The citizen's name as one reading: the title is ``titleTh``, never cut from the given name."""
    title = subject.get("titleTh")
    titles = title_field(title) if isinstance(title, str) and title.strip() else ()
    return NameReading(titles, collapse(citizen_name_th(subject)))


def bind_director(subject: Mapping[str, Any], directors: Sequence[DirectorName]) -> DirectorBinding:
    """Bind a verified citizen credential's subject to exactly one of ``directors``.

    Raises :class:`~thaivc.core.errors.InputError` with ``authority.director_unmatched`` and the
    reason when the person is not a director, matches several, matches only in part, or has the
    name of a director whose title is another.
    """
    did, cid = subject.get("id"), subject.get("citizenId")
    if not isinstance(did, str) or not isinstance(cid, str):
        raise InputError(UNMATCHED, "the citizen credential names no holder DID or citizen id")
    name = citizen_name_th(subject)
    mine = (_citizen_reading(subject),)
    hits = [(d, pairs[0][1]) for d in directors if (pairs := matching_readings(mine, d.readings()))]
    if len(hits) > 1:
        who = "”, “".join(d.name_th for d, _ in hits)
        raise InputError(UNMATCHED, f"“{name}” matches {len(hits)} directors (“{who}”); the match is not unique")
    if not hits:
        raise InputError(UNMATCHED, _why_not(name, mine, directors))
    director, reading = hits[0]
    match = names_match(name, reading.name)
    if match is MatchResult.NO_MATCH:  # equal keys differ only by a trailing abbreviation dot
        match = MatchResult.MATCH_WITH_FOLD
    return DirectorBinding(did=did, citizen_id=cid, name_th=name, director=director, match=match)


def _why_not(name: str, mine: tuple[NameReading, ...], directors: Sequence[DirectorName]) -> str:
    for d in directors:
        clash = title_conflict(mine, d.readings())
        if clash is not None:
            return (f"“{name}” has the name of director “{d.name_th}” but the titles differ "
                    f"({clash[0].personal_title} / {clash[1].personal_title})")
    key = mine[0].key
    partial = [(d.name_th, why) for d in directors for r in d.readings()[:1] if (why := _partial(key, r.key))]
    if partial:
        who, why = partial[0]
        return f"“{name}” is not a director: compared with “{who}”, {why}"
    return f"“{name}” is not among the company's directors"
