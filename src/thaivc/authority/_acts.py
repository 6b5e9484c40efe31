"""Which clause scope an act belongs to: the act-tag table (``act_scopes.json``), loaded once.

A signing clause speaks of scopes ("ธุรกรรมกับหน่วยงานราชการ", "ธุรกรรมทางการเงิน"); callers speak of
acts ("tax_filing", "bank_transfer"). Without a bridge an act the clause does not name falls
outside every exception and so gets the *general* rule — for "one director, except dealings with
government agencies: two" that let one director file taxes. The table is data so that it can be
reviewed and extended without touching the decision; an act it cannot place is undecidable under
any rule with a tagged scope (``authority.act_unclassified``), never allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

__all__ = ["ACT_SCOPES", "CLAUSE_SCOPES", "ActScope", "act_label_th", "act_shown_th", "place_act"]

_TAG = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)


@dataclass(frozen=True, slots=True)
class ActScope:
    """An act tag (or a clause scope tag), the clause scopes it falls into, and its labels."""

    tag: str
    scopes: frozenset[str]
    label_th: str
    label_en: str


def _label(tag: str, row: Any, where: str) -> tuple[str, str]:
    if not _TAG.fullmatch(tag) or not isinstance(row, dict):
        raise ValueError(f"act_scopes.json: bad {where} entry {tag!r}")
    th, en = row.get("label_th"), row.get("label_en")
    if not isinstance(th, str) or not th or not isinstance(en, str) or not en:
        raise ValueError(f"act_scopes.json: {where} entry {tag!r} needs Thai and English labels")
    return th, en


def _load() -> tuple[Mapping[str, ActScope], Mapping[str, ActScope]]:
    """Parse and check the table; a malformed table is a packaging bug and fails at import."""
    raw = json.loads(resources.files("thaivc.authority").joinpath("act_scopes.json").read_text("utf-8"))
    scopes: dict[str, ActScope] = {}
    for tag, row in raw["clause_scopes"].items():
        th, en = _label(tag, row, "clause scope")
        scopes[tag] = ActScope(tag, frozenset({tag}), th, en)
    acts: dict[str, ActScope] = {}
    for tag, row in raw["acts"].items():
        th, en = _label(tag, row, "act")
        places = row.get("scopes")
        if tag in scopes or not isinstance(places, list) or not set(places) <= scopes.keys():
            raise ValueError(f"act_scopes.json: act {tag!r} must list known clause scopes")
        acts[tag] = ActScope(tag, frozenset(places), th, en)
    return MappingProxyType(scopes), MappingProxyType(acts)


#: The clause vocabulary: the scope tags the clause parser produces, each placing itself.
#: ``ACT_SCOPES``: well-known act tags and the clause scopes they fall into.
CLAUSE_SCOPES, ACT_SCOPES = _load()
_ALL: Final[Mapping[str, ActScope]] = MappingProxyType({**CLAUSE_SCOPES, **ACT_SCOPES})


def place_act(tags: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """(the clause scopes the act falls into, the act's tags the table cannot place)."""
    placed: set[str] = set()
    unplaced: list[str] = []
    for tag in sorted(set(tags)):
        entry = _ALL.get(tag)
        if entry is None:
            unplaced.append(tag)
        else:
            placed |= entry.scopes
    return frozenset(placed), tuple(unplaced)


def act_label_th(tag: str) -> str | None:
    """The Thai label of an act or scope tag, for explanations."""
    entry = _ALL.get(tag)
    return entry.label_th if entry is not None else None


def act_shown_th(tag: str) -> str:
    """An act tag as a Thai sentence shows it: its Thai label, or the bare tag in brackets.

    A tag the table does not know has no Thai name; it is shown as a code (``[my_act]``) rather
    than as an English word inside a Thai sentence.
    """
    return act_label_th(tag) or f"[{tag}]"
