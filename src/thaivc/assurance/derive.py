"""Deriving an IAL from the evidence performed, with the rules as data.

The meaning of each IAL in ขมธอ. 19-2561 could not be read (⚠️ in docs/thai.md's assumptions), so the rules are
an :class:`IALTable`: for each level, alternative sets of evidence *flags* (see
:meth:`thaivc.assurance.evidence.Evidence.flags`), any one of which is enough. Deployments replace
:data:`DEFAULT_IAL_TABLE` with :meth:`IALTable.from_json` when the official wording is settled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from thaivc.assurance.evidence import Evidence
from thaivc.assurance.levels import IAL
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import loads_strict

__all__ = ["DEFAULT_IAL_TABLE", "FLAGS", "IALTable", "derive_ial"]

#: Every flag :meth:`Evidence.flags` can produce.
FLAGS: Final = frozenset(
    {
        "self_asserted",
        "evidence_presented",
        "dopa_card_status_ok",
        "photo_compared",
        "face_match",
        "face_match_dopa",
        "liveness",
        "thaid_login",
        "multi_evidence",
        "in_person",
    }
)


@dataclass(frozen=True)
class IALTable:
    """``level code → alternatives``; a level is reached when any alternative's flags are all present."""

    rules: Mapping[str, tuple[frozenset[str], ...]]

    def __post_init__(self) -> None:
        for code, alternatives in self.rules.items():
            if not IAL(code).is_known:
                raise InputError("assurance.invalid", f"IAL table names unknown level {code!r}")
            for alternative in alternatives:
                unknown = set(alternative) - FLAGS
                if unknown:
                    raise InputError("assurance.invalid", f"IAL table uses unknown flags {sorted(unknown)}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Sequence[Sequence[str]]]) -> IALTable:
        if not isinstance(data, Mapping):
            raise InputError("assurance.invalid", "an IAL table is an object of level -> [[flags]]")
        rules: dict[str, tuple[frozenset[str], ...]] = {}
        for code, alternatives in data.items():
            if not isinstance(alternatives, list) or not all(
                isinstance(alt, list) and all(isinstance(f, str) for f in alt) for alt in alternatives
            ):
                raise InputError("assurance.invalid", f"IAL table entry {code!r} must be a list of lists")
            rules[IAL.parse(code).code] = tuple(frozenset(alt) for alt in alternatives)
        return cls(rules)

    @classmethod
    def from_json(cls, text: str | bytes) -> IALTable:
        """Load a table such as ``{"2.3": [["dopa_card_status_ok", "face_match_dopa", "liveness"]]}``."""
        data: Any = loads_strict(text, require_object=True)
        return cls.from_mapping(data)

    def to_json(self) -> dict[str, list[list[str]]]:
        return {code: [sorted(alt) for alt in alts] for code, alts in self.rules.items()}

    def alternatives(self, level: IAL) -> tuple[frozenset[str], ...]:
        return self.rules.get(level.code, ())

    def missing_for(self, level: IAL, flags: frozenset[str]) -> tuple[str, ...]:
        """Flags still missing to reach ``level`` (empty if reached).

        Among the alternatives, the one closest to what was already done is chosen (most flags in
        common, then fewest missing): a citizen halfway through a DOPA face check is told about the
        face check, not about an unrelated route.
        """
        alternatives = self.alternatives(level)
        if not alternatives:
            return ()
        best = min(alternatives, key=lambda alt: (-len(alt & flags), len(alt - flags), sorted(alt)))
        return tuple(sorted(best - flags))


#: Default rules (⚠️ in docs/thai.md's assumptions, as is a ThaID login counting as IAL2.3).
DEFAULT_IAL_TABLE: Final = IALTable.from_mapping(
    {
        "1.1": [[]],
        "1.2": [["evidence_presented"], ["dopa_card_status_ok"]],
        "1.3": [["dopa_card_status_ok"]],
        "2.1": [["dopa_card_status_ok", "photo_compared"]],
        "2.2": [["dopa_card_status_ok", "face_match"]],
        "2.3": [["dopa_card_status_ok", "face_match_dopa", "liveness"], ["thaid_login"]],
        "3": [["dopa_card_status_ok", "face_match", "liveness", "multi_evidence", "in_person"]],
    }
)


def derive_ial(evidence: Evidence, table: IALTable = DEFAULT_IAL_TABLE) -> IAL:
    """The highest level whose rule the evidence satisfies; IAL1.1 if none (nothing was proven)."""
    flags = evidence.flags()
    for level in reversed(IAL.known()):
        if any(alt <= flags for alt in table.alternatives(level)):
            return level
    return IAL(IAL.KNOWN[0])
