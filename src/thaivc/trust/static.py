"""A trust list kept as a local JSON file: which issuers are trusted for which credential types.

Format::

    {"issuers": [{"id": "did:web:dopa.go.th", "name_th": "กรมการปกครอง",
                  "credential_types": ["ThaiCitizenCredential"],
                  "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z"}]}

``valid_from`` / ``valid_until`` are optional. The file is read with the strict JSON parser, and a
malformed entry makes the whole list ``trust.list_invalid`` rather than silently shrinking it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any, Final

from thaivc.core.clock import DEFAULT_LEEWAY, Clock, SystemClock
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.trust._base import TrustDecision, credential_types, parse_instant

__all__ = ["IssuerEntry", "StaticTrustList"]

MAX_FILE_BYTES: Final = 4 * 1024 * 1024


def _bad(detail: str, loc: tuple[str | int, ...] = ()) -> ThaiVCError:
    return ThaiVCError("trust.list_invalid", detail, loc=loc)


def _optional_str(obj: Mapping[str, Any], name: str, loc: tuple[str | int, ...]) -> str | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, str):
        raise _bad(f"{name} must be a string", (*loc, name))
    return value


@dataclasses.dataclass(frozen=True, slots=True)
class IssuerEntry:
    id: str
    credential_types: frozenset[str]
    name_th: str | None = None
    name_en: str | None = None
    valid_from: float | None = None
    valid_until: float | None = None

    @classmethod
    def from_json(cls, obj: object, loc: tuple[str | int, ...]) -> IssuerEntry:
        if not isinstance(obj, Mapping):
            raise _bad("an issuer entry must be an object", loc)
        issuer_id = obj.get("id")
        if not isinstance(issuer_id, str) or not issuer_id or not issuer_id.isascii():
            raise _bad("issuer id must be a non-empty ASCII string (A-label form)", (*loc, "id"))
        types = obj.get("credential_types")
        if not isinstance(types, list) or not types or not all(isinstance(t, str) and t for t in types):
            raise _bad("credential_types must be a non-empty list of strings", (*loc, "credential_types"))
        start = obj.get("valid_from")
        end = obj.get("valid_until")
        entry = cls(
            id=issuer_id,
            credential_types=frozenset(types),
            name_th=_optional_str(obj, "name_th", loc),
            name_en=_optional_str(obj, "name_en", loc),
            valid_from=None if start is None else parse_instant(start, "valid_from", "trust.list_invalid"),
            valid_until=None if end is None else parse_instant(end, "valid_until", "trust.list_invalid"),
        )
        if entry.valid_from is not None and entry.valid_until is not None and entry.valid_until < entry.valid_from:
            raise _bad("valid_until is before valid_from", loc)
        return entry

    def refusal(self, types: tuple[str, ...], now: float, leeway: float) -> str | None:
        """Why this entry does not admit ``types`` at ``now``, or ``None`` if it does."""
        if self.valid_from is not None and now + leeway < self.valid_from:
            return "the issuer's trust-list entry is not yet valid"
        if self.valid_until is not None and now - leeway > self.valid_until:
            return "the issuer's trust-list entry has expired"
        missing = [t for t in types if t not in self.credential_types]
        if missing:
            return f"the issuer is not trusted for {', '.join(missing)}"
        return None


class StaticTrustList:
    """An in-memory policy: issuer DID → credential types it may issue, with validity windows."""

    def __init__(
        self, entries: list[IssuerEntry], *, clock: Clock | None = None, leeway: float = DEFAULT_LEEWAY
    ) -> None:
        self._by_id: dict[str, list[IssuerEntry]] = {}
        for entry in entries:
            self._by_id.setdefault(entry.id, []).append(entry)
        self._clock: Clock = clock or SystemClock()
        self._leeway = leeway

    @classmethod
    def from_json(cls, obj: object, *, clock: Clock | None = None, leeway: float = DEFAULT_LEEWAY) -> StaticTrustList:
        if not isinstance(obj, Mapping) or not isinstance(obj.get("issuers"), list):
            raise _bad("a trust list is an object with an 'issuers' array")
        entries = [IssuerEntry.from_json(item, ("issuers", i)) for i, item in enumerate(obj["issuers"])]
        return cls(entries, clock=clock, leeway=leeway)

    @classmethod
    def from_file(
        cls, path: str | os.PathLike[str], *, clock: Clock | None = None, leeway: float = DEFAULT_LEEWAY
    ) -> StaticTrustList:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise _bad(f"cannot read the trust list: {exc.strerror}") from None
        try:
            obj = loads_strict(data, max_bytes=MAX_FILE_BYTES, require_object=True)
        except InputError as err:
            raise _bad(f"the trust list is not valid JSON ({err.code})") from None
        return cls.from_json(obj, clock=clock, leeway=leeway)

    def check(self, issuer_id: str, credential: Mapping[str, Any]) -> TrustDecision:
        entries = self._by_id.get(issuer_id) if isinstance(issuer_id, str) else None
        if not entries:
            raise ThaiVCError("trust.untrusted_issuer", "the issuer is not on the trust list")
        types = credential_types(credential)
        now = self._clock.now()
        reason = ""
        for entry in entries:
            why = entry.refusal(types, now, self._leeway)
            if why is None:
                return TrustDecision(issuer_id, types, "static", entry.name_th, entry.name_en)
            reason = reason or why
        raise ThaiVCError("trust.untrusted_issuer", reason)
